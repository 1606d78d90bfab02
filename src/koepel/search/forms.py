from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from koepel.core.widgets import CompactSelect
from koepel.search import kinds


def _kind_choices() -> list[tuple[str, Any]]:
    # Read when a form is made: the apps register their kinds in ready().
    return [(kind.code, kind.label) for kind in kinds.registered()]


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
        choices=_kind_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    # The bodies (and the field naming them in the address) are the registry's: see ``bodies``.
    gremium: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Body"),
        queryset=None,
        required=False,
        empty_label="—",
        widget=CompactSelect,  # every body the viewer sees: hundreds on a large network
    )
    jaar = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2200, required=False)

    def __init__(
        self,
        *args: Any,
        bodies: QuerySet[Any],
        body_key: str,
        keep_options: Callable[[Callable[[], str]], str] | None = None,
        **kwargs: Any,
    ) -> None:
        """``keep_options``: where the bodies' options are kept for everyone who sees the
        same bodies (``CompactSelect.keep_options``); without it they are written each time."""
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelChoiceField[Any]", self.fields["gremium"])
        field.queryset = bodies
        field.to_field_name = body_key
        cast("CompactSelect", field.widget).keep_options = keep_options

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
