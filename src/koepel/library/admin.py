"""The office's back office for the knowledge base. Metadata saves go through the services;
files are added on the document page, where their type is checked and their text read."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from koepel.core.admin import VersionedAdmin, expected_version
from koepel.library import search_index, services
from koepel.library.models import Document, DocumentFile


class DocumentFileInline(admin.TabularInline):  # type: ignore[type-arg]
    model = DocumentFile
    extra = 0
    can_delete = False
    fields = (
        "number",
        "original_name",
        "content_type",
        "size",
        "extraction",
        "extraction_error",
        "uploaded_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a new version is uploaded on the document page, through the checks


@admin.register(Document)
class DocumentAdmin(VersionedAdmin):
    list_display = ("title", "kind", "date", "visibility", "woo_category")
    list_filter = ("kind", "visibility", "woo_category", "language", "bodies")
    search_fields = ("title", "summary")
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("author_people", "author_organisations", "bodies", "meetings", "dossiers")
    inlines = (DocumentFileInline,)

    def save_model(
        self, request: HttpRequest, obj: Any, form: ModelForm[Any], change: bool
    ) -> None:
        if change:
            fields = {
                name: form.cleaned_data[name]
                for name in form.changed_data
                if name
                not in {
                    "author_people",
                    "author_organisations",
                    "bodies",
                    "meetings",
                    "dossiers",
                    "version",
                }
            }
            services.document_update(
                actor=request.user, document=obj, version=expected_version(form), **fields
            )
        else:
            obj.full_clean()
            obj.save()

    def save_related(
        self, request: HttpRequest, form: ModelForm[Any], formsets: Any, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        search_index.refresh(form.instance)  # visibility follows its bodies and authors

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.document_delete(actor=request.user, document=obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for document in queryset:
            services.document_delete(actor=request.user, document=document)
