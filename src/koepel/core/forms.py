"""Form fields every app's forms use."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, QueryDict
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from koepel.core.dates import parse_partial_date
from koepel.core.validators import no_line_breaks
from koepel.core.widgets import CompactSelect

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
