"""Forms of the pages that give people their seats: roles and participations, a hand-over and
a council-term change."""

from __future__ import annotations

import functools
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from koepel.core.forms import (
    NamedModelChoiceField,
    PartialDateField,
    PickerField,
    partial_date_text,
)
from koepel.core.widgets import CompactSelect
from koepel.registry.models import (
    Level,
    Municipality,
    Participation,
    Role,
    Vocabulary,
    term_choices,
)


def person_field(**kwargs: Any) -> forms.Field:
    """The field that chooses a person: a picker, so that the form does not grow with the
    number of people, and offers only those the user may know of."""
    return PickerField("people", **kwargs)


def _date_field(label: Any, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label, help_text=help_text, widget=forms.DateInput(attrs={"type": "date"})
    )


def _cities() -> QuerySet[Municipality]:
    return Municipality.objects.order_by("sort_name", "pk")


class RoleForm(forms.Form):
    """A role in a body whose page it was opened from; the body itself is not changed here."""

    function = forms.ChoiceField(
        label=_("Function"), choices=functools.partial(term_choices, Vocabulary.FUNCTION)
    )
    function_detail = forms.CharField(
        label=_("Function detail"),
        max_length=120,
        required=False,
        help_text=_("Such as the theme a theme lead leads: “Human Capital”."),
    )
    level = forms.ChoiceField(label=_("Level"), choices=[("", "—"), *Level.choices], required=False)
    on_behalf_of_municipality = NamedModelChoiceField(
        label=_("On behalf of municipality"),
        queryset=Municipality.objects.none(),
        required=False,
        widget=CompactSelect,
    )
    on_behalf_of_organisation = PickerField(
        "organisations", label=_("On behalf of organisation"), required=False
    )
    start = PartialDateField(label=_("From"))
    end = PartialDateField(label=_("Until"), required=False)
    note = forms.CharField(
        label=_("Internal note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For the network office only; never shown on a public page."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        office: bool,
        vacant: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        person = person_field(label=_("Person"))
        self.fields = {"person": person, **self.fields}
        if vacant:
            # A vacancy is filled by naming a successor, not by typing a name into it here.
            del self.fields["person"]
        self.fields["on_behalf_of_municipality"].queryset = _cities()  # type: ignore[attr-defined]
        if not office:
            del self.fields["note"]

    @staticmethod
    def initial_for(role: Role) -> dict[str, Any]:
        return {
            "person": role.person_id,
            "function": role.function,
            "function_detail": role.function_detail,
            "level": role.level,
            "on_behalf_of_municipality": role.on_behalf_of_municipality_id,
            "on_behalf_of_organisation": role.on_behalf_of_organisation_id,
            "start": partial_date_text(role.start, role.start_precision),
            "end": partial_date_text(role.end, role.end_precision),
            "note": role.note,
            "version": role.version,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("on_behalf_of_municipality") and data.get("on_behalf_of_organisation"):
            self.add_error(
                "on_behalf_of_organisation",
                _(
                    "A role is on behalf of a municipality or an organisation, not both. "
                    "Leave one of the two empty."
                ),
            )
        return data

    def apply(self, role: Role) -> Role:
        data = self.cleaned_data
        if "person" in self.fields:
            role.person = data["person"]
        role.function = data["function"]
        role.function_detail = data.get("function_detail") or ""
        role.level = data.get("level") or ""
        role.on_behalf_of_municipality = data.get("on_behalf_of_municipality")
        role.on_behalf_of_organisation = data.get("on_behalf_of_organisation")
        role.start, role.start_precision = data["start"]
        if data.get("end"):
            role.end, role.end_precision = data["end"]
        else:
            role.end, role.end_precision = None, "day"
        if "note" in self.fields:
            role.note = data.get("note") or ""
        return role


class EndForm(forms.Form):
    """The last day of a role or participation."""

    last_day = _date_field(_("Last day"), _("The role ends at the end of this day."))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, vacancy_choice: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if vacancy_choice:
            self.fields["leave_vacant"] = forms.BooleanField(
                label=_("The seat stays, vacant until a successor is named"),
                required=False,
                help_text=_(
                    "The body page and the office's list of vacant seats show it until it is "
                    "filled."
                ),
            )
            self.order_fields(["last_day", "leave_vacant"])
        else:
            self.fields["last_day"].help_text = _("It ends at the end of this day.")


class HandOverForm(forms.Form):
    """“X succeeds Y as chair from 1 September”."""

    first_day = _date_field(
        _("From"),
        _("The successor's first day; the current role ends the day before."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {"successor": person_field(label=_("Successor")), **self.fields}


class ParticipationForm(forms.Form):
    municipality = NamedModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.none(),
        required=False,
        widget=CompactSelect,
    )
    organisation = PickerField("organisations", label=_("Organisation"), required=False)
    function = forms.ChoiceField(
        label=_("Function"),
        choices=functools.partial(term_choices, Vocabulary.PARTICIPATION_FUNCTION),
    )
    start = PartialDateField(label=_("From"))
    end = PartialDateField(label=_("Until"), required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = _cities()  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(participation: Participation) -> dict[str, Any]:
        return {
            "municipality": participation.municipality_id,
            "organisation": participation.organisation_id,
            "function": participation.function,
            "start": partial_date_text(participation.start, participation.start_precision),
            "end": partial_date_text(participation.end, participation.end_precision),
            "note": participation.note,
            "version": participation.version,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("municipality")) == bool(data.get("organisation")):
            self.add_error(
                "municipality",
                _("Choose a municipality or an organisation: one of the two."),
            )
        return data

    def apply(self, participation: Participation) -> Participation:
        data = self.cleaned_data
        participation.municipality = data.get("municipality")
        participation.organisation = data.get("organisation")
        participation.function = data["function"]
        participation.start, participation.start_precision = data["start"]
        if data.get("end"):
            participation.end, participation.end_precision = data["end"]
        else:
            participation.end, participation.end_precision = None, "day"
        participation.note = data.get("note") or ""
        return participation


class TermDateForm(forms.Form):
    """The day of a council-term change: the last day of the roles that end."""

    datum = _date_field(
        _("Last day in office"),
        _(
            "The roles you tick end at the end of this day; their seats are vacant from the "
            "next day until a successor is named."
        ),
    )
