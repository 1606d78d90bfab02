"""Form widgets for choices that grow with the network.

Django renders every ``<option>`` of a select through its own small template. That is fine
for a dozen choices; a filter on a large network offers hundreds of bodies, and then those
templates take most of the page's time. These widgets write the same markup (attributes,
optgroups, the selected option) in Python, from the same context Django builds.
"""

from __future__ import annotations

from collections.abc import Iterator
from html import escape
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
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
        rows = "".join(_option(option) for option in options)
        yield (
            format_html('<optgroup label="{}">{}</optgroup>', group, SafeString(rows))
            if group
            else rows
        )


def _option(option: dict[str, Any]) -> str:
    # The standard library's escape, as Django's own (quotes included), without the lazy-string
    # wrapping that costs more than the escaping itself over a thousand options.
    attrs = option["attrs"]
    extra = " selected" if attrs == {"selected": True} else "" if not attrs else flatatt(attrs)
    value, label = escape(str(option["value"])), escape(str(option["label"]))
    return f'<option value="{value}"{extra}>{label}</option>'
