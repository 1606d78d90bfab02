"""The form a secretary edits a report section with."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from koepel.core.forms import MarkdownField
from koepel.reports.assemble import ShownSection
from koepel.reports.models import SectionStatus


class SectionForm(forms.Form):
    narrative = MarkdownField(
        label=_("Your text"), required=False, widget=forms.Textarea(attrs={"rows": 12})
    )
    status = forms.ChoiceField(label=_("Status"), choices=SectionStatus.choices)
    version = forms.IntegerField(widget=forms.HiddenInput)

    complete = forms.MultipleChoiceField(
        label=_("Completely recorded"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Tick a body when every meeting of this year is recorded. Until then the report "
            "says how many meetings are recorded (“ten minste drie keer”)."
        ),
    )

    def __init__(
        self, *args: Any, section: ShownSection, office: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if not office:
            # The office makes a section final; a writer hands it in "ter review".
            status: Any = self.fields["status"]
            final = section.status == SectionStatus.FINAL
            status.choices = [
                (value, label)
                for value, label in SectionStatus.choices
                if value != SectionStatus.FINAL or final
            ]
        self.told = {str(body.pk): body for body in section.told}
        complete = self.fields["complete"]
        if self.told and isinstance(complete, forms.MultipleChoiceField):
            complete.choices = [(pk, body.name) for pk, body in self.told.items()]
            complete.initial = [str(pk) for pk in section.complete]
        else:
            del self.fields["complete"]
        self.facts = [*section.facts, *section.dropped]
        kept = {fact.key for fact in section.facts}
        for index, fact in enumerate(self.facts):
            self.fields[f"keep_{index}"] = forms.BooleanField(
                label=_("Keep this sentence"), required=False, initial=fact.key in kept
            )
            self.fields[f"text_{index}"] = forms.CharField(
                label=_("Sentence"),
                required=False,
                initial=fact.text,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def fact_rows(self) -> list[tuple[Any, Any, Any]]:
        return [(fact, self[f"keep_{i}"], self[f"text_{i}"]) for i, fact in enumerate(self.facts)]

    def choices(self) -> tuple[set[str], dict[str, str], dict[str, str]]:
        kept: set[str] = set()
        edited: dict[str, str] = {}
        generated: dict[str, str] = {}
        for index, fact in enumerate(self.facts):
            generated[fact.key] = fact.generated
            if self.cleaned_data.get(f"keep_{index}"):
                kept.add(fact.key)
            edited[fact.key] = self.cleaned_data.get(f"text_{index}", "")
        return kept, edited, generated

    def complete_bodies(self) -> dict[Any, bool]:
        """Per body told in the section: whether its year is marked as completely recorded."""
        chosen = set(self.cleaned_data.get("complete") or [])
        return {body: pk in chosen for pk, body in self.told.items()}


class StyleForm(forms.Form):
    """The office's house style for the report files."""

    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("PNG or JPEG, at most 2 MB; shown on the cover of the PDF."),
    )
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)
    word_template = forms.FileField(
        label=_("Word template"),
        required=False,
        help_text=_(
            "A .docx file whose styles (Title, Heading 1 and 2, Normal, Body Text) the Word "
            "version takes. Its own text is not used."
        ),
    )
    remove_template = forms.BooleanField(label=_("Remove the Word template"), required=False)
    colophon = forms.CharField(
        label=_("Colophon"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Markdown: who made the report, photographs, address. Printed after the cover."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class AssignForm(forms.Form):
    """The office gives a section to a writer, with the date it is due."""

    writer: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Writer"),
        queryset=None,
        required=False,
        help_text=_(
            "Someone with an account. Leave empty to leave the section to the body's secretary."
        ),
    )
    due = forms.DateField(
        label=_("Due"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from koepel.registry.models import Person

        super().__init__(*args, **kwargs)
        writer: Any = self.fields["writer"]
        writer.queryset = Person.objects.filter(account__is_active=True).order_by("sort_name", "pk")


class ReviewForm(forms.Form):
    """The office's verdict on a section handed in for review."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("final", _("Approve: make it final")), ("back", _("Send it back"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note for the writer"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when you send it back: say what should change."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
