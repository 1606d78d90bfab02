"""Form widgets for choices that grow with the network.

Django renders every ``<option>`` of a select through its own small template. That is fine
for a dozen choices; a filter on a large network offers hundreds of bodies, and then those
templates take most of the page's time. These widgets write the same markup (attributes,
optgroups, the selected option) in Python, from the same context Django builds.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


class CompactSelect(forms.Select):
    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            flatatt(widget["attrs"]),
            SafeString("".join(_groups(widget["optgroups"]))),
        )


class CompactSelectMultiple(CompactSelect, forms.SelectMultiple):
    pass


def _groups(optgroups: list[tuple[str | None, list[dict[str, Any]], int]]) -> Iterator[str]:
    for group, options, _index in optgroups:
        rows = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((option["value"], flatatt(option["attrs"]), option["label"]) for option in options),
        )
        yield format_html('<optgroup label="{}">{}</optgroup>', group, rows) if group else rows
