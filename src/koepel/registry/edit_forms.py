"""Forms of the office's registry pages: people, organisations, municipalities with their
periods of membership, and bodies. They read the input; the services check and save it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from koepel.core.dates import Precision
from koepel.core.forms import (
    MarkdownField,
    NamedModelChoiceField,
    PartialDateField,
    partial_date_text,
)
from koepel.core.validators import no_line_breaks
from koepel.registry.models import (
    Body,
    Membership,
    Municipality,
    Organisation,
    Person,
    Province,
)
from koepel.registry.municipalities import national_list


class _Versioned(forms.ModelForm):  # type: ignore[type-arg]
    """A form of a record: a change carries the version it started from (optimistic locking);
    a new record has none to carry."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            del self.fields["version"]
        else:
            self.fields["version"].initial = self.instance.version
        # One line for every name and title: a crafted request cannot store a line break.
        for name in ("name", "sort_name", "title", "abbreviation", "phone"):
            if name in self.fields:
                self.fields[name].validators.append(no_line_breaks)

    @property
    def expected_version(self) -> int:
        return int(self.cleaned_data.get("version") or 0)


class PersonForm(_Versioned):
    class Meta:
        model = Person
        fields = (
            "name",
            "sort_name",
            "title",
            "municipality",
            "organisation",
            "email",
            "phone",
            "language",
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sort_name"].help_text = _(
            "Surname first, for sorting: “Heer, René de”. Empty: the name as it is."
        )
        self.fields["municipality"] = NamedModelChoiceField(
            label=_("Municipality"),
            queryset=Municipality.objects.order_by("sort_name"),
            required=False,
            help_text=_("The city the person works for, if any."),
        )
        self.fields["organisation"] = NamedModelChoiceField(
            label=_("Organisation"),
            queryset=Organisation.objects.order_by("name"),
            required=False,
            help_text=_("Or the organisation the person works for."),
        )
        self.fields["email"].help_text = _(
            "Shown to members of the network only. One address belongs to one person."
        )


def _https(field: models.Field[Any, Any], **kwargs: Any) -> forms.Field | None:
    """An address typed without its scheme is read as https://, as Django 6 will."""
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class OrganisationForm(_Versioned):
    class Meta:
        model = Organisation
        fields = ("name", "abbreviation", "kind", "tooi_uri", "website")
        formfield_callback = _https


class MunicipalityAddForm(forms.Form):
    """A municipality picked from the national list by name, never typed."""

    municipality = forms.ChoiceField(
        label=_("Municipality"),
        help_text=_("The municipalities of the Netherlands that are not in the registry yet."),
    )
    province = forms.ChoiceField(
        label=_("Province"),
        required=False,
        choices=[("", _("as the national list gives it")), *Province.choices],
    )
    member_since = PartialDateField(
        label=_("Member since"),
        required=False,
        help_text=_(
            "Leave empty for a city that is not a member (a participant, a person's city). "
            "As 2021-09-14, or 2021-09 when only the month is known, or 2021."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        stored = set(Municipality.objects.values_list("cbs_code", flat=True))
        self.fields["municipality"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *sorted(
                (
                    (known.cbs_code, f"{known.name} ({known.cbs_code})")
                    for known in national_list()
                    if known.cbs_code not in stored
                ),
                key=lambda choice: choice[1].lstrip("'’").casefold(),
            ),
        ]


class MunicipalityForm(_Versioned):
    class Meta:
        model = Municipality
        fields = ("province",)


class _PeriodForm(_Versioned):
    """Start and end as partial dates (a day, a month or a year)."""

    start = PartialDateField(label=_("From"), required=False)
    end = PartialDateField(label=_("Until"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        record = self.instance
        if record.pk is not None:
            self.initial.setdefault(
                "start", partial_date_text(record.start, record.start_precision)
            )
            self.initial.setdefault("end", partial_date_text(record.end, record.end_precision))

    def apply_period(self) -> None:
        record = self.instance
        for name in ("start", "end"):
            if name not in self.fields:
                continue
            value = self.cleaned_data.get(name)
            date, precision = value if value else (None, Precision.DAY)
            setattr(record, name, date)
            setattr(record, f"{name}_precision", precision)


class MembershipForm(_PeriodForm):
    class Meta:
        model = Membership
        fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["start"].required = self.instance.pk is None or self.instance.start is not None
        self.fields["start"].label = _("Member from")
        self.fields["end"].label = _("Member until")
        self.fields["end"].help_text = _("Leave empty while the membership lasts.")


class EndForm(_PeriodForm):
    """The end of a period alone: of a membership, or the day a body is dissolved."""

    class Meta:
        model = Membership
        fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["start"]
        self.fields["end"].required = True
        self.fields["end"].label = _("Last day")
        self.fields["end"].help_text = _(
            "As 2021-09-14, or 2021-09 when only the month is known, or 2021: it then ends at "
            "the end of that month or year."
        )


class MembershipEndForm(EndForm):
    class Meta:
        model = Membership
        fields: tuple[str, ...] = ()


class BodyEndForm(EndForm):
    class Meta:
        model = Body
        fields: tuple[str, ...] = ()


class BodyForm(_PeriodForm):
    class Meta:
        model = Body
        fields = (
            "name",
            "kind",
            "parent",
            "ownership",
            "owner",
            "description",
            "position",
            "headcount",
            "headcount_from_network",
            "visibility",
        )
        field_classes = {"description": MarkdownField}  # shown through |markdown

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["end"]  # a body ends on its own page, with what ends with it
        self.fields["start"].label = _("Since")
        parents: QuerySet[Body] = Body.objects.order_by("name")
        if self.instance.pk is not None:
            # Not itself, nor a body beneath it: a body cannot be part of itself.
            parents = parents.exclude(pk__in=Body.objects.with_descendants(self.instance.pk))
        self.fields["parent"] = NamedModelChoiceField(
            label=_("Part of"),
            queryset=parents,
            required=False,
            help_text=_("The body it belongs under in the tree: a theme group under a pillar."),
        )
        self.fields["owner"] = NamedModelChoiceField(
            label=_("Owning organisation"),
            queryset=Organisation.objects.order_by("name"),
            required=False,
            help_text=_("For an external body: ownership (a VNG taskforce: VNG)."),
        )
        self.fields["description"].widget.attrs["rows"] = 3
