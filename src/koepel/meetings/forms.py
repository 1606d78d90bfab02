"""Front-end forms for the everyday work of secretaries and members."""

from __future__ import annotations

import functools
import uuid
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from koepel.core.dates import Precision
from koepel.core.forms import (
    MarkdownField,
    PartialDateField,
    SingleLineField,
    slug_filter,
)
from koepel.core.visibility import Visibility
from koepel.core.widgets import CompactSelect
from koepel.meetings.models import ActionStatus, Answer, Format, Level, MailLanguage, Meeting
from koepel.meetings.services import OutsideGuest
from koepel.registry.models import Body, Organisation, Person, Vocabulary, term_choices


class MeetingForm(forms.Form):
    bodies = forms.ModelMultipleChoiceField(
        label=_("Organised by"),
        queryset=Body.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    organiser = forms.ModelChoiceField(
        label=_("Organiser"),
        queryset=Body.objects.none(),
        required=False,
        help_text=_(
            "Of a joint meeting: which of the bodies above organised it. The annual report "
            "tells the meeting under that body."
        ),
    )
    title = SingleLineField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=functools.partial(term_choices, Vocabulary.MEETING_KIND)
    )
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices)
    format = forms.ChoiceField(label=_("Format"), choices=Format.choices)
    # A date input, as a browser offers one; a meeting known only to the month or the year is
    # given a day in it and the precision beside it (the text "2021-09" is still understood).
    date = PartialDateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_(
            "When only the month or the year is known, choose a day in it and say so below."
        ),
    )
    date_known = forms.ChoiceField(
        label=_("The date is known"),
        choices=[
            (Precision.DAY, _("to the day")),
            (Precision.MONTH, _("only to the month")),
            (Precision.YEAR, _("only to the year")),
        ],
        initial=Precision.DAY,
        required=False,
    )
    start_time = forms.TimeField(
        label=_("Start time"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    end_time = forms.TimeField(
        label=_("End time"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    end_date = forms.DateField(
        label=_("End date (for a meeting of several days)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    location = SingleLineField(label=_("Location"), max_length=200, required=False)
    hubs = SingleLineField(label=_("Regional hubs"), max_length=300, required=False)
    description = MarkdownField(
        label=_("Topics"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    visibility = forms.ChoiceField(
        label=_("Who may see it"),
        choices=Visibility.choices,
        # The narrowest level at which the members of its bodies still see it.
        initial=Visibility.BODY,
        help_text=_(
            "A new meeting is for the members of its bodies; choose network or public to "
            "show it to more people."
        ),
    )
    submission = forms.UUIDField(widget=forms.HiddenInput, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, bodies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["bodies"].queryset = bodies  # type: ignore[attr-defined]
        self.fields["organiser"].queryset = bodies  # type: ignore[attr-defined]
        if not self.is_bound and not self.initial.get("submission"):
            self.initial["submission"] = uuid.uuid4()

    @classmethod
    def initial_for(cls, meeting: Meeting) -> dict[str, Any]:
        values: dict[str, Any] = {
            name: getattr(meeting, name)
            for name in (
                "title",
                "kind",
                "level",
                "format",
                "start_time",
                "end_time",
                "end_date",
                "location",
                "hubs",
                "description",
                "visibility",
                "version",
            )
        }
        values["date"] = meeting.date.isoformat()
        values["date_known"] = meeting.date_precision
        values["bodies"] = list(meeting.bodies.all())
        values["organiser"] = meeting.organiser_id
        return values

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        bodies = list(data.get("bodies") or [])
        organiser = data.get("organiser")
        if organiser is not None and bodies and organiser not in bodies:
            self.add_error(
                "organiser",
                ValidationError(
                    _(
                        "%(body)s is not one of the bodies of this meeting. Choose the "
                        "organiser among them, or add it to them."
                    )
                    % {"body": organiser},
                    code="organiser",
                ),
            )
        elif (
            organiser is None
            and len(bodies) > 1
            and self.initial.get("organiser") not in {body.pk for body in bodies}
        ):
            # Which of several bodies organised a meeting is a fact only its secretary knows.
            self.add_error(
                "organiser",
                ValidationError(
                    _("Choose which of the bodies organised this joint meeting."),
                    code="organiser",
                ),
            )
        return data

    def meeting_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        date, precision = data.pop("date")
        known = data.pop("date_known", "")
        if precision == Precision.DAY and known in {Precision.MONTH, Precision.YEAR}:
            precision = known
        data.pop("submission", None)
        data.pop("version", None)
        data.pop("bodies")
        return {**data, "date": date, "date_precision": precision}


class InviteForm(forms.Form):
    people = forms.ModelMultipleChoiceField(
        label=_("Members to invite"),
        queryset=Person.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    guest_name = SingleLineField(label=_("Name"), max_length=200, required=False)
    guest_email = forms.EmailField(label=_("E-mail address"), required=False)
    guest_language = forms.ChoiceField(
        label=_("Language of the mail"),
        choices=MailLanguage.choices,
        initial=MailLanguage.DUTCH,
        required=False,
    )

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Any person may be named in the request; the service refuses non-members in words.
        self.fields["people"].queryset = Person.objects.all()  # type: ignore[attr-defined]
        self.members = members

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        name, email = data.get("guest_name", ""), data.get("guest_email", "")
        if self.errors:
            return data
        if bool(name) != bool(email):
            raise ValidationError(
                _("Give both the name and the e-mail address of the guest."), code="guest"
            )
        if not data.get("people") and not email:
            raise ValidationError(
                _("Choose the members to invite, or give a guest's name and e-mail address."),
                code="nobody",
            )
        return data

    def guests(self) -> list[OutsideGuest]:
        data = self.cleaned_data
        if not data.get("guest_email"):
            return []
        language = data.get("guest_language") or MailLanguage.DUTCH
        return [OutsideGuest(data["guest_name"], data["guest_email"], language)]


class AddressForm(forms.Form):
    """The address of someone invited who could not be mailed, given on the spot."""

    invitation = forms.IntegerField(widget=forms.HiddenInput)
    email = forms.EmailField(label=_("E-mail address"))


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Are you coming?"),
        choices=[(a.value, a.label) for a in (Answer.COMING, Answer.NOT_COMING)],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Such as who comes in your place, or why you cannot come."),
    )


class MinutesForm(forms.Form):
    minutes = MarkdownField(
        label=_("Minutes"), required=False, widget=forms.Textarea(attrs={"rows": 14})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class AgendaItemForm(forms.Form):
    title = SingleLineField(label=_("Title"), max_length=300)
    presenter = forms.ModelChoiceField(
        label=_("Presenter"), queryset=Person.objects.all(), required=False
    )
    duration = forms.IntegerField(
        label=_("Duration in minutes"), min_value=1, max_value=600, required=False
    )
    session = SingleLineField(
        label=_("Session (for parallel sessions)"), max_length=100, required=False
    )
    attachment = forms.FileField(
        label=_("Attachment (PDF, Word, OpenDocument, text)"), required=False
    )


class AgendaItemEditForm(AgendaItemForm):
    """An agenda item changed: its place on the agenda too, and its attachment kept, replaced
    or taken away."""

    position = forms.IntegerField(label=_("Number on the agenda"), min_value=0, max_value=999)
    remove_attachment = forms.BooleanField(
        label=_("Remove the attachment"),
        required=False,
        help_text=_("The file is deleted; a new attachment above replaces it anyway."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
    field_order = ["position", "title", "presenter", "duration", "session", "attachment"]

    def __init__(self, *args: Any, has_attachment: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachment"].label = _("New attachment (PDF, Word, OpenDocument, text)")
        if not has_attachment:
            del self.fields["remove_attachment"]


class GuestForm(forms.Form):
    person = forms.ModelChoiceField(
        label=_("Person"), queryset=Person.objects.all(), required=False
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.all(), required=False
    )
    topic = SingleLineField(label=_("What they spoke about"), max_length=300, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("person") and not data.get("organisation"):
            raise ValidationError(_("Choose the person or the organisation who spoke."))
        return data


class GuestEditForm(GuestForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class DecisionForm(forms.Form):
    text = MarkdownField(label=_("Decision"), widget=forms.Textarea(attrs={"rows": 2}))


class DecisionEditForm(DecisionForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class RemoveForm(forms.Form):
    """The confirmation of a removal: the version the person saw."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class ActionForm(forms.Form):
    description = forms.CharField(label=_("Action"), widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.ModelChoiceField(
        label=_("Owner"), queryset=Person.objects.none(), required=False, widget=CompactSelect
    )
    due = forms.DateField(
        label=_("Due date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, people: QuerySet[Person], **kwargs: Any) -> None:
        # The owner is someone of the meeting (selectors.meeting_people), not anyone at all.
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people  # type: ignore[attr-defined]


class ActionEditForm(ActionForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class FilterForm(forms.Form):
    gremium = slug_filter(_("Body"), Body.objects.none())
    soort = forms.ChoiceField(
        label=_("Kind"),
        choices=functools.partial(term_choices, Vocabulary.MEETING_KIND, blank=True),
        required=False,
    )
    niveau = forms.ChoiceField(
        label=_("Level"), choices=[("", "—"), *Level.choices], required=False
    )
    vorm = forms.ChoiceField(
        label=_("Format"), choices=[("", "—"), *Format.choices], required=False
    )
    jaar = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2200, required=False)

    def __init__(self, *args: Any, bodies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["gremium"].queryset = bodies  # type: ignore[attr-defined]
