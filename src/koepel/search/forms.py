from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from koepel.registry.models import Body
from koepel.search.index import KINDS

# The kinds as the page names them; their Dutch comes from the models' own names.
KIND_LABELS = {
    "gemeente": _("municipality"),
    "organisatie": _("organisation"),
    "persoon": _("person"),
    "gremium": _("body"),
    "bijeenkomst": _("meeting"),
    "lobbydossier": _("lobby dossier"),
    "lobbyactie": _("lobby action"),
    "mijlpaal": _("milestone"),
    "document": _("document"),
    "sectie": _("section"),
}


class SearchForm(forms.Form):
    # No maximum length: an over-long query is cut short by the parser, not refused.
    q = forms.CharField(
        label=_("Search for"),
        required=False,
        strip=True,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
        help_text=_('Words, "a phrase in quotes", or the start of a word with *.'),
    )
    soort = forms.MultipleChoiceField(
        label=_("Kind"),
        choices=[(kind, KIND_LABELS.get(kind, kind)) for kind in KINDS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    gremium = forms.ModelChoiceField(
        label=_("Body"),
        queryset=Body.objects.none(),
        required=False,
        to_field_name="slug",
        empty_label="—",
    )
    jaar = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2200, required=False)

    def __init__(self, *args: Any, bodies: QuerySet[Body], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["gremium"].queryset = bodies  # type: ignore[attr-defined]

    def filters(self) -> dict[str, Any]:
        """The valid filters; a filter that does not validate is left out, not the search."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "q": data.get("q") or "",
            "kinds": data.get("soort") or [],
            "body": data.get("gremium"),
            "year": data.get("jaar"),
        }
