"""Form widgets for choices that grow with the network.

Django renders every ``<option>`` of a select through its own small template. That is fine
for a dozen choices; a filter on a large network offers hundreds of bodies, and then those
templates take most of the page's time. These widgets write the same markup (attributes,
optgroups, the selected option) in Python, from the same context Django builds.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html import escape
from typing import Any

from django import forms
from django.db import models
from django.forms.utils import flatatt
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import format_lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from koepel.core import pickers

# A value no option has: the options written for it have none selected.
_NONE_CHOSEN = "\x00"


class CompactSelect(forms.Select):
    # Set by a form whose options are the same for many readers (the bodies of a filter): a
    # function given the builder of the options' markup with none selected, which returns it,
    # kept where the form's caller keeps such parts (koepel.core.caching). The option chosen
    # is then marked in the kept markup, and the choices are not read.
    keep_options: Callable[[Callable[[], str]], str] | None = None

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        if self.keep_options is not None and not self.allow_multiple_selected:
            return self._render_kept(name, value, attrs, self.keep_options)
        widget = self.get_context(name, value, attrs)["widget"]
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            flatatt(widget["attrs"]),
            SafeString("".join(_groups(widget["optgroups"]))),
        )

    def _render_kept(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None,
        keep: Callable[[Callable[[], str]], str],
    ) -> SafeString:
        def build() -> str:
            widget = self.get_context(name, _NONE_CHOSEN, attrs)["widget"]
            return "".join(_groups(widget["optgroups"]))

        options = keep(build)
        for chosen in self.format_value(value)[:1]:  # as Django: the first option that has it
            option = f'<option value="{escape(chosen)}">'
            options = options.replace(option, f"{option[:-1]} selected>", 1)
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            SafeString(options),
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


# -- pickers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Picked:
    """What a picker sent: the keys of records already chosen and the names typed."""

    keys: tuple[str, ...] = ()
    texts: tuple[str, ...] = ()
    # Records already on the record being edited that the user may not see: kept as they are
    # (set by the field's bound field from the form's initial value).
    unseen: tuple[int, ...] = ()


class PickerInput(forms.Widget):
    """A picker's markup, the same size whatever the number of records (core/pickers.py).

    One record: a text box for the name and a hidden key of the record it named (radio
    buttons of the candidates when a name meant several). Several records: the chosen ones as
    ticked check boxes (untick to remove), candidates as check boxes, and a text box to add
    names, separated by semicolons. The script ``koepel/js/picker.js`` turns the text box into
    a search-as-you-type list and the check boxes into items with a "verwijderen" button.
    The field (``PickerField``) sets ``kind_name`` and ``multiple``.
    """

    kind_name = ""
    multiple = False

    @property
    def kind(self) -> pickers.PickerKind:
        return pickers.kind_named(self.kind_name)

    @property
    def input_type(self) -> str:
        # Read by the form templates: several records go in a fieldset with a legend.
        return "checkbox" if self.multiple else "text"

    @property
    def allow_multiple_selected(self) -> bool:
        return self.multiple

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Picked:
        def many(key: str) -> tuple[str, ...]:
            return tuple(data.getlist(key)) if hasattr(data, "getlist") else _listed(data.get(key))

        if self.multiple:
            texts = [text.strip() for text in str(data.get(f"{name}-nieuw") or "").split(";")]
            return Picked(many(name), tuple(text for text in texts if text))
        text = str(data.get(name) or "").strip()
        return Picked(many(f"{name}-id"), (text,) if text else ())

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return False

    def id_for_label(self, id_: str) -> str:
        return id_

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        kind = self.kind
        user = pickers.current_user()
        attrs = {**self.attrs, **(attrs or {})}
        attrs.pop("required", None)
        keep, candidates, texts, unseen = _state(kind, user, value, multiple=self.multiple)
        box = {
            "type": "text",
            "autocomplete": "off",
            "spellcheck": "false",
            "class": "picker__input",
            **attrs,
        }
        wrapper = _wrapper_attrs(kind, self.multiple)
        if not self.multiple:
            record = keep[0] if keep else None
            text = texts[0] if texts else (kind.label(record) if record is not None else "")
            parts = [format_html("<input{}>", flatatt({**box, "name": name, "value": text}))]
            if unseen and not text:
                parts.append(format_html('<p class="help">{}</p>', _unseen_text(unseen)))
            if record is not None and not candidates:
                parts.append(
                    format_html('<input type="hidden" name="{}-id" value="{}">', name, record.pk)
                )
            if candidates:
                parts.append(_choices(kind, f"{name}-id", attrs.get("id", name), candidates[0][1]))
            return format_html("<div{}>{}</div>", flatatt(wrapper), _joined(parts))
        id_ = attrs.get("id", name)
        items = [
            format_html(
                '<li><input type="checkbox" name="{}" value="{}" id="{}_{}" checked>'
                ' <label for="{}_{}">{}</label></li>',
                name,
                record.pk,
                id_,
                record.pk,
                id_,
                record.pk,
                _shown(kind, record),
            )
            for record in keep
        ]
        parts = [format_html('<ul class="picker__chosen">{}</ul>', _joined(items))]
        if unseen:
            parts.append(format_html('<p class="help">{}</p>', _unseen_text(unseen)))
        for text, found in candidates:
            parts.append(_candidates(kind, name, id_, text, found))
        hint_id = f"{id_}_hint"
        described = " ".join(filter(None, [attrs.get("aria-describedby", ""), hint_id]))
        parts.append(
            format_html(
                '<label for="{}" class="picker__add-label">{}</label><input{}>'
                '<p class="help" id="{}">{}</p>',
                id_,
                _("Add a name"),
                flatatt(
                    {
                        **box,
                        "name": f"{name}-nieuw",
                        "value": "; ".join(texts),
                        "aria-describedby": described,
                    }
                ),
                hint_id,
                _("Type a name or part of it; separate several names with a semicolon."),
            )
        )
        return format_html("<div{}>{}</div>", flatatt(wrapper), _joined(parts))


def _unseen_text(count: int) -> str:
    return ngettext(
        "Also named: %(count)d you may not see; it stays.",
        "Also named: %(count)d you may not see; they stay.",
        count,
    ) % {"count": count}


def _listed(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, list | tuple):
        return tuple(str(item) for item in value)
    return (str(value),)


def _joined(parts: list[Any]) -> SafeString:
    return SafeString("".join(str(part) for part in parts))


def _state(
    kind: Any, user: Any, value: Any, *, multiple: bool
) -> tuple[list[Any], list[tuple[str, list[Any]]], list[str], int]:
    """What to show: the records chosen, the names that meant several records (with those
    records), the names still to resolve (typed, and meaning one record or none), and how
    many records already named the user may not see."""
    if not isinstance(value, Picked):
        # The initial value: a record, a key, or a list of either.
        values = (
            value if isinstance(value, list | tuple) else ([] if value in (None, "") else [value])
        )
        keys = [v.pk if isinstance(v, models.Model) else v for v in values]
        seen = pickers.chosen(kind, user, keys)
        return seen, [], [], len(set(keys)) - len(seen)
    keep, candidates, texts = _resolved(kind, user, value, multiple=multiple)
    return keep, candidates, texts, len(value.unseen)


def _resolved(
    kind: Any, user: Any, value: Picked, *, multiple: bool
) -> tuple[list[Any], list[tuple[str, list[Any]]], list[str]]:
    keep = pickers.chosen(kind, user, value.keys)
    candidates: list[tuple[str, list[Any]]] = []
    texts: list[str] = []
    if not multiple:
        text = value.texts[0] if value.texts else ""
        record = keep[0] if keep else None
        if record is not None and text and pickers.fits(kind, record, text):
            return [record], [], [text]
        if not text:
            return [], [], []
        found = pickers.resolve(kind, user, text)
        if len(found) == 1:
            return found, [], [text]
        if 1 < len(found) <= pickers.CHOICE_LIMIT:
            candidates.append((text, found))
        return [], candidates, [text]
    for text in value.texts:
        found = pickers.resolve(kind, user, text)
        if len(found) == 1:
            if found[0].pk not in {r.pk for r in keep}:
                keep.append(found[0])
        elif 1 < len(found) <= pickers.CHOICE_LIMIT:
            candidates.append((text, found))
        else:
            texts.append(text)
    return keep, candidates, texts


def _shown(kind: Any, record: Any) -> str:
    detail = kind.describe(record)
    return f"{kind.label(record)} ({detail})" if detail else kind.label(record)


def _choice_list(
    kind: Any, name: str, id_: str, found: list[Any], input_type: str, legend: Any
) -> SafeString:
    """The records a typed name matched, as radio buttons (one to choose) or check boxes."""
    rows = [
        format_html(
            '<div class="choice"><input type="{}" name="{}" value="{}" id="{}_keuze_{}">'
            ' <label for="{}_keuze_{}">{}</label></div>',
            input_type,
            name,
            record.pk,
            id_,
            record.pk,
            id_,
            record.pk,
            _shown(kind, record),
        )
        for record in found
    ]
    return format_html(
        '<fieldset class="picker__choices"><legend>{}</legend>{}</fieldset>',
        legend,
        _joined(rows),
    )


def _choices(kind: Any, name: str, id_: str, found: list[Any]) -> SafeString:
    return _choice_list(kind, name, id_, found, "radio", _("Which one do you mean?"))


def _candidates(kind: Any, name: str, id_: str, text: str, found: list[Any]) -> SafeString:
    legend = format_lazy(_("Which do you mean by “{text}”?"), text=text)
    return _choice_list(kind, name, id_, found, "checkbox", legend)


def _wrapper_attrs(kind: Any, multiple: bool) -> dict[str, Any]:
    texts = {
        "remove": gettext("remove"),
        "removed": gettext("{name} removed"),
        "added": gettext("{name} added"),
        "noResults": gettext("Nothing found"),
        "tooShort": gettext("Type at least {n} letters"),
        "results": gettext("{n} results"),
        "oneResult": gettext("1 result"),
        "selected": gettext("{option}, {index} of {length}, selected"),
        "hint": gettext("Use the up and down arrows to choose, and Enter to take it."),
    }
    attrs = {
        "class": "picker picker--multiple" if multiple else "picker",
        "data-picker-url": reverse("core:picker", args=[kind.path]),
        "data-picker-script": static(
            "vendor/accessible-autocomplete/accessible-autocomplete.min.js"
        ),
        "data-picker-style": static(
            "vendor/accessible-autocomplete/accessible-autocomplete.min.css"
        ),
        "data-picker-texts": json.dumps(texts, ensure_ascii=False),
    }
    if multiple:
        attrs["data-picker-multiple"] = "true"
    return attrs
