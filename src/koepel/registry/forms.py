"""Forms of the registry's own pages: the network office's vocabulary."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from koepel.core.forms import SingleLineField
from koepel.registry.models import MEANINGS, Meaning, Term, Vocabulary


class TermForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=_(
            "What the records store: lower-case letters, digits and underscores, such as "
            "werkgroep. It cannot change once records use it."
        ),
    )
    label_nl = SingleLineField(label=_("Dutch label"), max_length=100)
    label_en = SingleLineField(label=_("English label"), max_length=100)
    plural_nl = SingleLineField(
        label=_("Dutch plural"),
        max_length=100,
        required=False,
        help_text=_("For the annual report: “werkgroepen”, “voorzitters”."),
    )
    position = forms.IntegerField(
        label=_("Position"), min_value=0, max_value=32767, initial=0, required=False
    )
    meaning = forms.ChoiceField(
        label=_("Meaning"),
        required=False,
        help_text=_(
            "What Koepel must know of the term: which kind of body is the network's board, "
            "which function chairs a body or keeps its records (a secretary may change "
            "everything of the body), which kind of meeting is an event or a trip of its own. "
            "Most terms have none."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, vocabulary: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = MEANINGS.get(vocabulary, frozenset())
        if allowed:
            self.fields["meaning"].choices = [("", "—")] + [  # type: ignore[attr-defined]
                (value, label) for value, label in Meaning.choices if value in allowed
            ]
        else:
            del self.fields["meaning"]

    @staticmethod
    def initial_for(term: Term) -> dict[str, Any]:
        return {
            "code": term.code,
            "label_nl": term.label_nl,
            "label_en": term.label_en,
            "plural_nl": term.plural_nl,
            "position": term.position,
            "meaning": term.meaning,
            "version": term.version,
        }

    def apply(self, term: Term) -> Term:
        data = self.cleaned_data
        term.code = data["code"].strip()
        term.label_nl = data["label_nl"]
        term.label_en = data["label_en"]
        term.plural_nl = data.get("plural_nl") or ""
        term.position = data.get("position") or 0
        term.meaning = data.get("meaning") or ""
        return term


def vocabulary_of(value: str | None) -> str | None:
    """The vocabulary a query parameter names, or None."""
    return value if value in Vocabulary.values else None
