"""Form fields every app's forms use."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.boundfield import BoundField
from django.http import HttpRequest, QueryDict
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from koepel.core import pickers
from koepel.core.dates import parse_partial_date
from koepel.core.validators import no_line_breaks
from koepel.core.widgets import CompactSelect, Picked, PickerInput

T = TypeVar("T")


class PartialDateField(forms.CharField):
    """A date typed as 2021-09-14, 2021-09 or 2021; cleans to (date, precision)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "help_text", _("As 2021-09-14, or 2021-09 when only the month is known, or 2021.")
        )
        super().__init__(max_length=10, **kwargs)

    def to_python(self, value: Any) -> tuple[dt.date, str] | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        return parse_partial_date(text)


class MarkdownField(forms.CharField):
    """Text written in Markdown (minutes, decisions, descriptions, report texts): a text box
    with the same short help everywhere. Shown through ``|markdown`` (core/markup.py)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 8}))
        own = kwargs.get("help_text")
        kwargs["help_text"] = format_lazy("{} {}", own, MARKDOWN_HELP) if own else MARKDOWN_HELP
        super().__init__(**kwargs)


MARKDOWN_HELP = _(
    "In Markdown: an empty line between paragraphs, **bold**, *italic*, a line starting with "
    "- for a list, ## for a heading, [text](https://…) for a link. “Preview” shows the result "
    "without saving."
)


class SingleLineField(forms.CharField):
    """Text of one line: a title, a name, a subject. A line break is refused with a message
    (a browser's text box cannot type one; a crafted request can)."""

    default_validators = [no_line_breaks]


def partial_date_text(value: dt.date | None, precision: str) -> str:
    """The text a PartialDateField shows for a stored date."""
    if value is None:
        return ""
    if precision == "year":
        return str(value.year)
    if precision == "month":
        return value.strftime("%Y-%m")
    return value.isoformat()


def add_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: at its field, else above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def with_version(request: HttpRequest, version: int) -> QueryDict:
    """The form as sent, now based on the version saved in the meantime (optimistic locking):
    the writer keeps their text, and a second save goes through only if they mean it."""
    data = request.POST.copy()
    data["version"] = str(version)
    return data


def run_and_tell(
    request: HttpRequest, call: Callable[[], T], success: str | Callable[[T], str]
) -> T | None:
    """Run a service for a one-button form and tell the user in Dutch how it went: its
    validation message when it refuses, ``success`` when it is done."""
    try:
        result = call()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return None
    messages.success(request, success(result) if callable(success) else success)
    return result


class _KeyAndLabel(forms.models.ModelChoiceIterator):  # type: ignore[type-arg]
    """The choices as (key, label) pairs read straight from the database, without a model
    instance per row: a filter on a large network offers a thousand bodies."""

    field: NamedModelChoiceField

    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        key = self.field.to_field_name or "pk"
        yield from self.queryset.values_list(key, self.field.label_field)


class NamedModelChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A ModelChoiceField whose options show one column (``label_field``, the name) of each
    record. The chosen value is still cleaned to the record, from the same queryset."""

    iterator = _KeyAndLabel

    def __init__(self, *args: Any, label_field: str = "name", **kwargs: Any) -> None:
        self.label_field = label_field
        super().__init__(*args, **kwargs)


def slug_filter(label: Any, queryset: Any) -> NamedModelChoiceField:
    """An optional filter on a record chosen by its slug (``?gremium=wonen``), its options
    written compactly: the lists of the lobby, meetings and documents share it."""
    return NamedModelChoiceField(
        label=label, queryset=queryset, required=False, to_field_name="slug", widget=CompactSelect
    )


class PickerField(forms.Field):
    """A record (or with ``multiple=True``, records) of a kind chosen by typing its name:
    ``presenter = PickerField("people", label=_("Presenter"), required=False)``.

    The kinds are "people", "organisations", "bodies", "dossiers" and "documents"
    (``koepel.core.pickers``; an app registers its own). Cleans to the record, or None, or a
    list of records, all among those the request's user may see. A typed name is resolved when
    the form is sent: one match is taken; several come back as a short choice; none is an
    error in words. The page does not grow with the number of records.
    """

    widget = PickerInput

    def __init__(self, kind: str, *, multiple: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # By name: a form may be defined before the apps have registered their kinds.
        self.kind_name = kind
        self.multiple = multiple
        self.widget.kind_name = kind
        self.widget.multiple = multiple

    @property
    def kind(self) -> pickers.PickerKind:
        return pickers.kind_named(self.kind_name)

    def prepare_value(self, value: Any) -> Any:
        return value

    def get_bound_field(self, form: forms.BaseForm, field_name: str) -> BoundField:
        return _PickerBoundField(form, self, field_name)

    def has_changed(self, initial: Any, data: Any) -> bool:
        return True

    def clean(self, value: Any) -> Any:
        picked = value if isinstance(value, Picked) else Picked()
        user = pickers.current_user()
        records = self._multiple(picked, user) if self.multiple else self._single(picked, user)
        if self.required and not records:
            raise ValidationError(self.error_messages["required"], code="required")
        self.run_validators(records)
        return records

    def _single(self, picked: Picked, user: Any) -> Any:
        text = picked.texts[0] if picked.texts else ""
        if not text:
            # A record already named that the user may not see was never shown, so the empty
            # box does not take it away.
            kept = pickers.unseen(self.kind, user, picked.unseen)
            return kept[0] if kept else None
        for record in pickers.chosen(self.kind, user, picked.keys):
            if pickers.fits(self.kind, record, text):
                return record
        return self._one(text, user)

    def _multiple(self, picked: Picked, user: Any) -> list[Any]:
        records = pickers.chosen(self.kind, user, picked.keys)
        errors: list[ValidationError] = []
        if len(records) < len(set(picked.keys)):
            # Only a crafted request sends a key the page did not offer.
            errors.append(
                ValidationError(
                    _("A chosen %(noun)s does not exist, or not for you. Choose again."),
                    code="invalid_choice",
                    params={"noun": self.kind.noun},
                )
            )
        records += pickers.unseen(self.kind, user, picked.unseen)
        for text in picked.texts:
            try:
                record = self._one(text, user)
            except ValidationError as error:
                errors.append(error)
                continue
            if record.pk not in {r.pk for r in records}:
                records.append(record)
        if errors:
            raise ValidationError(errors)
        return records

    def _one(self, text: str, user: Any) -> Any:
        found = pickers.resolve(self.kind, user, text)
        if len(found) == 1:
            return found[0]
        params = {"text": text, "noun": self.kind.noun}
        if not found:
            raise ValidationError(
                _(
                    "No %(noun)s found named “%(text)s”. Check the spelling, or type part of the name."
                ),
                code="none",
                params=params,
            )
        if len(found) > pickers.CHOICE_LIMIT:
            raise ValidationError(
                _("Many names hold “%(text)s”. Type more of the name."),
                code="many",
                params=params,
            )
        raise ValidationError(
            _("More than one %(noun)s fits “%(text)s”. Choose the one you mean."),
            code="several",
            params=params,
        )


class _PickerBoundField(BoundField):
    """A picker's data with the records already on the record being edited that the user may
    not see: they were not shown, so they were not sent, and they stay (nothing is lost by an
    edit of someone who sees less)."""

    @property
    def data(self) -> Any:
        picked = super().data
        field = cast(PickerField, self.field)
        if not isinstance(picked, Picked):
            return picked
        if not field.multiple:
            # One record: the one already named stays when the user could not see it and
            # typed no other name.
            if picked.texts or self.initial in (None, ""):
                return picked
            key = self.initial.pk if isinstance(self.initial, models.Model) else self.initial
            if pickers.chosen(field.kind, pickers.current_user(), [key]):
                return picked
            return Picked(picked.keys, picked.texts, (int(key),))
        initial = self.initial if isinstance(self.initial, list | tuple) else []
        keys = [record.pk if isinstance(record, models.Model) else record for record in initial]
        if not keys:
            return picked
        user = pickers.current_user()
        seen = {record.pk for record in pickers.chosen(field.kind, user, keys)}
        hidden = tuple(int(key) for key in keys if int(key) not in seen)
        return Picked(picked.keys, picked.texts, hidden)
