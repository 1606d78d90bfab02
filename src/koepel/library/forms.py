"""Forms of the knowledge base."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from koepel.core.forms import MarkdownField, PartialDateField, partial_date_text, slug_filter
from koepel.core.visibility import Visibility
from koepel.core.widgets import CompactSelectMultiple
from koepel.library.models import Document, DocumentKind, Extraction, Language, WooCategory
from koepel.registry.models import Body, Organisation, Person


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices)
    date = PartialDateField(label=_("Date"), required=False)
    summary = MarkdownField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    author_people = forms.ModelMultipleChoiceField(
        label=_("Authors (people)"),
        queryset=Person.objects.all(),
        required=False,
        widget=CompactSelectMultiple(attrs={"size": 5}),
    )
    author_organisations = forms.ModelMultipleChoiceField(
        label=_("Authors (organisations)"),
        queryset=Organisation.objects.all(),
        required=False,
        widget=CompactSelectMultiple(attrs={"size": 5}),
    )
    publisher = forms.ModelChoiceField(
        label=_("Publisher"), queryset=Organisation.objects.all(), required=False
    )
    bodies = forms.ModelMultipleChoiceField(
        label=_("Bodies"),
        queryset=Body.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    woo_category = forms.ChoiceField(
        label=_("Woo information category"),
        choices=[("", "—"), *WooCategory.choices],
        required=False,
    )
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    visibility = forms.ChoiceField(label=_("Who may see it"), choices=Visibility.choices)
    file = forms.FileField(
        label=_("File (PDF, Word, OpenDocument, text or Markdown)"), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, bodies: Any, require_file: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["bodies"].queryset = bodies  # type: ignore[attr-defined]
        if require_file:
            self.fields["file"].required = True
        else:
            del self.fields["file"]

    @staticmethod
    def initial_for(document: Document) -> dict[str, Any]:
        return {
            "title": document.title,
            "kind": document.kind,
            "summary": document.summary,
            "date": partial_date_text(document.date, document.date_precision),
            "author_people": list(document.author_people.all()),
            "author_organisations": list(document.author_organisations.all()),
            "publisher": document.publisher,
            "bodies": list(document.bodies.all()),
            "woo_category": document.woo_category,
            "language": document.language,
            "visibility": document.visibility,
            "version": document.version,
        }

    def document_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        date = data.pop("date")
        data["date"], data["date_precision"] = date if date else (None, "day")
        return data


class VersionForm(forms.Form):
    file = forms.FileField(label=_("New version (PDF, Word, OpenDocument, text or Markdown)"))


class FilterForm(forms.Form):
    soort = forms.ChoiceField(
        label=_("Kind"), choices=[("", "—"), *DocumentKind.choices], required=False
    )
    gremium = slug_filter(_("Body"), Body.objects.none())
    jaar = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2200, required=False)
    # For the office: documents whose latest file waits, is being read or could not be read.
    leesstatus = forms.ChoiceField(
        label=_("Reading of the file"),
        choices=[
            ("", "—"),
            *[(value, label) for value, label in Extraction.choices if value != Extraction.DONE],
        ],
        required=False,
    )

    def __init__(self, *args: Any, bodies: Any, office: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["gremium"].queryset = bodies  # type: ignore[attr-defined]
        if not office:
            del self.fields["leesstatus"]
