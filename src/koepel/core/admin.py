"""Optimistic locking in the Django admin, shared by every app's admin.

The change form and each inline row carry the version the edit started from as a hidden field;
the admin passes it to the app's service, which is the one place the version is checked. When
the service says someone else saved first (EditConflict), the page is shown again with the
writer's own input, a plain message, and the new version in the hidden field, so saving once
more is a deliberate choice.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.db import models
from django.forms import BaseInlineFormSet, BaseModelForm
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from koepel.core import mail_admin as mail_admin  # the mail queue's pages register themselves
from koepel.core.errors import EditConflict
from koepel.core.validators import no_line_breaks

VERSION = "version"
_CONFLICT = "_koepel_edit_conflict"


class VersionedModelForm(forms.ModelForm):  # type: ignore[type-arg]
    """A model form that carries the record's version as a hidden field."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    conflict = False  # set on the class the admin builds after a refused save

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields[VERSION]
        if self.instance.pk is not None:
            field.initial = getattr(self.instance, VERSION)
            field.required = True
            if self.conflict and self.is_bound:
                # The stored version moved on; the writer keeps their input and a second save
                # is now based on what is stored.
                data = self.data.copy()  # type: ignore[attr-defined]
                data[self.add_prefix(VERSION)] = str(field.initial)
                self.data = data

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        if self.conflict and self.instance.pk is not None and self.prefix is None:
            raise ValidationError(EditConflict.message, code="edit_conflict")
        return cleaned


def expected_version(form: BaseModelForm[Any]) -> int | None:
    """The version a submitted admin form started from; None for a new record."""
    if form.instance.pk is None or form.instance._state.adding:
        return None
    value = getattr(form, "cleaned_data", {}).get(VERSION)
    return None if value is None else int(value)


def inline_versions(formset: BaseInlineFormSet[Any, Any, Any]) -> dict[int, int | None]:
    """The version each inline row started from, by ``id()`` of its instance."""
    return {id(form.instance): expected_version(form) for form in formset.forms}


def _versioned(form_class: type[Any], request: HttpRequest) -> type[Any]:
    conflict = bool(getattr(request, _CONFLICT, False))
    if issubclass(form_class, VersionedModelForm) and form_class.conflict == conflict:
        return form_class
    bases = (
        (form_class,)
        if issubclass(form_class, VersionedModelForm)
        else (
            VersionedModelForm,
            form_class,
        )
    )
    return type(form_class.__name__, bases, {"conflict": conflict})


def _with_version(given: Any) -> list[tuple[Any, dict[str, Any]]]:
    fieldsets: list[tuple[Any, dict[str, Any]]] = [(name, dict(options)) for name, options in given]
    names = [field for _, options in fieldsets for field in _flat(options.get("fields", ()))]
    if VERSION not in names and fieldsets:
        fieldsets[0][1]["fields"] = (*fieldsets[0][1].get("fields", ()), VERSION)
    return fieldsets


def _model_fields(fieldsets: Any) -> list[str]:
    """The fields the model form is built from: the version is the form's own field, not the
    model's (which is not editable)."""
    return [
        name
        for _, options in fieldsets
        for name in _flat(options.get("fields", ()))
        if name != VERSION
    ]


def _flat(fields: Any) -> list[str]:
    out: list[str] = []
    for field in fields:
        out.extend(field if isinstance(field, list | tuple) else [field])
    return out


class _KnownValuesOnly:
    """Django's autocomplete widgets look the submitted values up as they were sent when a
    refused form is shown again; a value the key cannot hold (" ", "abc") then breaks the page
    instead of showing the field's own message. Only values the key can hold are looked up."""

    field: Any

    def optgroups(
        self, name: str, value: Sequence[str], attr: dict[str, Any] | None = None
    ) -> list[tuple[str | None, list[dict[str, Any]], int | None]]:
        remote = self.field.remote_field
        meta = remote.model._meta
        key = meta.get_field(getattr(remote, "field_name", None) or meta.pk.name)
        possible = []
        for given in value:
            try:
                key.to_python(given)
            except ValidationError:
                continue
            possible.append(given)
        groups: list[tuple[str | None, list[dict[str, Any]], int | None]]
        groups = super().optgroups(name, possible, attr)  # type: ignore[misc]
        return groups


class _AutocompleteSelect(_KnownValuesOnly, AutocompleteSelect):
    pass


class _AutocompleteSelectMultiple(_KnownValuesOnly, AutocompleteSelectMultiple):
    pass


class _Autocomplete:
    """Admin and inline: autocomplete fields use the widgets above."""

    admin_site: Any

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = _AutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = _AutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]

    def get_autocomplete_fields(self, request: HttpRequest) -> Any:
        return super().get_autocomplete_fields(request)  # type: ignore[misc]


class _OneLineTexts:
    """Admin and inline: a text field of one line (a name, a title) refuses a line break, as
    the site's forms and the API do. Nothing in the models: the check is where text is typed."""

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_dbfield(db_field, request, **kwargs)  # type: ignore[misc]
        if (
            isinstance(db_field, models.CharField)
            and isinstance(field, forms.CharField)
            and isinstance(field.widget, forms.TextInput)
        ):
            field.validators.append(no_line_breaks)
        return field


class VersionedAdmin(_OneLineTexts, _Autocomplete, admin.ModelAdmin):  # type: ignore[type-arg]
    """A ModelAdmin whose change form takes part in optimistic locking. Its ``save_model``
    passes ``expected_version(form)`` to the app's service."""

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        if obj is not None:  # a new record has no version yet (and may have its own form)
            kwargs["form"] = _versioned(kwargs.get("form", self.form), request)
            if "fields" not in kwargs:
                kwargs["fields"] = _model_fields(self.get_fieldsets(request, obj))
            elif kwargs["fields"] is not None:
                kwargs["fields"] = [name for name in kwargs["fields"] if name != VERSION]
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        return _with_version(fieldsets) if obj is not None else fieldsets

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [name for name in super().get_readonly_fields(request, obj) if name != VERSION]

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except EditConflict:
            # The service refused and its transaction is undone; show the form again, now
            # with the writer's input, the message and the stored version.
            setattr(request, _CONFLICT, True)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """The admin's "Geschiedenis" shows the audit trail of the record."""
        from django.shortcuts import redirect

        meta = self.model._meta
        return redirect(
            reverse("audit:record", args=[f"{meta.app_label}.{meta.model_name}", object_id])
        )


class VersionedInlineMixin(_OneLineTexts, _Autocomplete):
    """For inlines of a VersionedAdmin whose rows can be edited: each row carries its version."""

    form: Any
    model: Any

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        kwargs["form"] = _versioned(kwargs.get("form", self.form), request)
        if "fields" not in kwargs:
            kwargs["fields"] = _model_fields(self.get_fieldsets(request, obj))
        elif kwargs["fields"] is not None:
            kwargs["fields"] = [name for name in kwargs["fields"] if name != VERSION]
        return super().get_formset(request, obj, **kwargs)  # type: ignore[misc]

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        return _with_version(super().get_fieldsets(request, obj))  # type: ignore[misc]
