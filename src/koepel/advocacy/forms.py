"""Front-end forms for the lobby record."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from koepel.advocacy.models import (
    ActionKind,
    AnswerChannel,
    ConsultationAnswer,
    Dossier,
    DossierStatus,
    FundingKind,
    LobbyAction,
)
from koepel.core.forms import (
    MarkdownField,
    PartialDateField,
    PickerField,
    SingleLineField,
    partial_date_text,
    slug_filter,
)
from koepel.core.visibility import Visibility
from koepel.registry.models import (
    Body,
    Municipality,
    SilenceRule,
)


class DossierForm(forms.Form):
    title = SingleLineField(label=_("Title"), max_length=200)
    goal = MarkdownField(
        label=_("What the network wants"), widget=forms.Textarea(attrs={"rows": 4})
    )
    bodies = forms.ModelMultipleChoiceField(
        label=_("Bodies"), queryset=Body.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    people = PickerField("people", multiple=True, label=_("People working on it"), required=False)
    external_bodies = PickerField(
        "outside_bodies",
        multiple=True,
        label=_("Outside bodies where the network speaks for it"),
        required=False,
    )
    visibility = forms.ChoiceField(label=_("Who may see it"), choices=Visibility.choices)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, bodies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["bodies"].queryset = bodies  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(dossier: Dossier) -> dict[str, Any]:
        return {
            "title": dossier.title,
            "goal": dossier.goal,
            "visibility": dossier.visibility,
            "bodies": list(dossier.bodies.all()),
            "people": list(dossier.people.all()),
            "external_bodies": list(dossier.external_bodies.all()),
            "version": dossier.version,
        }


class OutcomeForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=DossierStatus.choices)
    date = PartialDateField(label=_("Since"))
    evidence = MarkdownField(
        label=_("Evidence"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("What shows this outcome: a decision, a letter, a budget line."),
    )
    evidence_url = forms.URLField(
        label=_("Link to the evidence"), required=False, assume_scheme="https"
    )
    amount = forms.DecimalField(
        label=_("Amount won (euro)"), min_value=0, decimal_places=0, required=False
    )
    funding_kind = forms.ChoiceField(
        label=_("Incidental or structural"),
        choices=[("", "—"), *FundingKind.choices],
        required=False,
    )
    funding_years = SingleLineField(label=_("For which years"), max_length=40, required=False)
    follow_up = MarkdownField(
        label=_("Follow-up still needed"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def outcome(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        date, precision = data.pop("date")
        version = data.pop("version")
        return {**data, "date": date, "date_precision": precision, "expected_version": version}


class ActionForm(forms.Form):
    title = SingleLineField(label=_("Title"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind"), choices=ActionKind.choices)
    date = PartialDateField(label=_("Date"))
    summary = MarkdownField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    text = MarkdownField(
        label=_("Text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("The text itself, to read on the page; the member cities read the draft here."),
    )
    dossiers = PickerField("dossiers", multiple=True, label=_("Dossiers"), required=False)
    addressees = PickerField(
        "organisations", multiple=True, label=_("Addressed to"), required=False
    )
    addressee_people = PickerField(
        "people", multiple=True, label=_("Addressed to (people)"), required=False
    )
    addressee_note = SingleLineField(
        label=_("Addressed to (other)"), max_length=200, required=False
    )
    cosigners = PickerField(
        "organisations", multiple=True, label=_("Together with"), required=False
    )
    bodies = forms.ModelMultipleChoiceField(
        label=_("Bodies"), queryset=Body.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    people = PickerField("people", multiple=True, label=_("People behind it"), required=False)
    document = forms.FileField(
        label=_("Document sent (PDF, Word, OpenDocument, text)"), required=False
    )
    document_url = forms.URLField(
        label=_("Link to the document"), required=False, assume_scheme="https"
    )
    visibility = forms.ChoiceField(
        label=_("Who may see it"),
        choices=Visibility.choices,
        initial=Visibility.RESTRICTED,
        help_text=_("A draft stays restricted until it is sent."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, bodies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["bodies"].queryset = bodies  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(action: LobbyAction) -> dict[str, Any]:
        values: dict[str, Any] = {
            name: list(getattr(action, name).all())
            for name in (
                "dossiers",
                "addressees",
                "addressee_people",
                "cosigners",
                "bodies",
                "people",
            )
        }
        values.update(
            title=action.title,
            kind=action.kind,
            summary=action.summary,
            text=action.text,
            addressee_note=action.addressee_note,
            document_url=action.document_url,
            visibility=action.visibility,
            version=action.version,
            date=partial_date_text(action.date, action.date_precision),
        )
        return values

    def action_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        date, precision = data.pop("date")
        data.pop("version", None)
        return {**data, "date": date, "date_precision": precision}


class ConsultationAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Your municipality's answer"),
        choices=ConsultationAnswer.choices,
        widget=forms.RadioSelect,
    )
    remark = forms.CharField(
        label=_("Remark"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class RecordAnswerForm(ConsultationAnswerForm):
    """An answer a city gave by phone, mail, letter or in a meeting, recorded on its behalf."""

    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.none()
    )
    given_by = SingleLineField(label=_("Given by"), max_length=200)
    given_how = forms.ChoiceField(label=_("How"), choices=AnswerChannel.choices)
    given_on = forms.DateField(label=_("On"), widget=forms.DateInput(attrs={"type": "date"}))

    field_order = ("municipality", "answer", "remark", "given_by", "given_how", "given_on")

    def __init__(self, *args: Any, municipalities: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "namens")
        super().__init__(*args, **kwargs)
        self.fields["answer"].label = _("The municipality's answer")
        self.fields["municipality"].queryset = municipalities  # type: ignore[attr-defined]


class ConsultationOpenForm(forms.Form):
    """Putting a draft to the member cities: which, until when, what silence means."""

    text = MarkdownField(
        label=_("Text of the draft"),
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("The cities read it on this page."),
    )
    municipalities = forms.ModelMultipleChoiceField(
        label=_("Member cities to consult"),
        queryset=Municipality.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    deadline = forms.DateField(label=_("Answer by"), widget=forms.DateInput(attrs={"type": "date"}))
    silence_rule = forms.ChoiceField(
        label=_("A city that does not answer in time"),
        choices=SilenceRule.choices,
        widget=forms.RadioSelect,
        help_text=_("The network's rule is chosen already."),
    )
    message = forms.CharField(
        label=_("Note to the cities"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, municipalities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipalities"].queryset = municipalities  # type: ignore[attr-defined]


class AdoptForm(forms.Form):
    body = forms.ModelChoiceField(label=_("Adopted by"), queryset=Body.objects.none())
    date = forms.DateField(label=_("On"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, bodies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = bodies  # type: ignore[attr-defined]


class SendForm(forms.Form):
    date = forms.DateField(label=_("Sent on"), widget=forms.DateInput(attrs={"type": "date"}))


class DossierFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", "—"), *DossierStatus.choices], required=False
    )
    gremium = slug_filter(_("Body"), Body.objects.none())
    # Organisations are typed, not chosen from a list of them all: the page stays the same
    # size however many organisations the register holds (core/pickers.py).
    geadresseerde = PickerField("organisations", label=_("Addressed to"), required=False)
    medeondertekenaar = PickerField("organisations", label=_("Together with"), required=False)
    jaar = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2200, required=False)

    def __init__(self, *args: Any, bodies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["gremium"].queryset = bodies  # type: ignore[attr-defined]
