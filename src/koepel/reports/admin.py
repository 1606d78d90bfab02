from __future__ import annotations

from django import forms
from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from koepel.core.admin import VersionedAdmin, expected_version
from koepel.reports import services
from koepel.reports.models import AnnualReport, SectionText


class SectionTextInline(admin.StackedInline):  # type: ignore[type-arg]
    model = SectionText
    extra = 0
    fields = ("key", "status", "narrative")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class AnnualReportForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = AnnualReport
        fields = ("year",)

    def clean_year(self) -> int:
        year: int = self.cleaned_data["year"]
        services.require_report_year(year)
        return year


@admin.register(AnnualReport)
class AnnualReportAdmin(VersionedAdmin):
    """The words of a report are edited on the report page; here the office sees them all."""

    form = AnnualReportForm
    list_display = ("year", "created_at")
    inlines = (SectionTextInline,)

    def save_model(
        self, request: HttpRequest, obj: AnnualReport, form: ModelForm[AnnualReport], change: bool
    ) -> None:
        services.report_save(report=obj, expected_version=expected_version(form))
