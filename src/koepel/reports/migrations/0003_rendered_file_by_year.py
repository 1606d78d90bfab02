"""A rendered file belongs to its year, not to an annual report row, so asking for a file no
longer makes a report. Rows of reports in which nobody wrote anything were made only by such
requests and hold nothing the report does not assemble itself: they go."""

from typing import Any

from django.db import migrations, models


def copy_year(apps: Any, schema_editor: Any) -> None:
    RenderedFile = apps.get_model("reports", "RenderedFile")
    for rendered in RenderedFile.objects.select_related("report").only("report__year"):
        RenderedFile.objects.filter(pk=rendered.pk).update(year=rendered.report.year)


def drop_empty_reports(apps: Any, schema_editor: Any) -> None:
    AnnualReport = apps.get_model("reports", "AnnualReport")
    AnnualReport.objects.filter(texts__isnull=True).delete()


def copy_year_back(apps: Any, schema_editor: Any) -> None:
    AnnualReport = apps.get_model("reports", "AnnualReport")
    RenderedFile = apps.get_model("reports", "RenderedFile")
    for year in RenderedFile.objects.values_list("year", flat=True).distinct():
        report, _created = AnnualReport.objects.get_or_create(year=year)
        RenderedFile.objects.filter(year=year).update(report=report)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_version"),
    ]

    operations = [
        migrations.AddField(
            model_name="renderedfile",
            name="year",
            field=models.PositiveSmallIntegerField(null=True, verbose_name="year"),
        ),
        migrations.AlterField(
            model_name="renderedfile",
            name="report",
            field=models.ForeignKey(
                null=True,
                on_delete=models.deletion.CASCADE,
                related_name="files",
                to="reports.annualreport",
            ),
        ),
        migrations.RunPython(copy_year, copy_year_back),
        migrations.RemoveIndex(
            model_name="renderedfile",
            name="reports_ren_report__5b39b9_idx",
        ),
        migrations.RemoveField(
            model_name="renderedfile",
            name="report",
        ),
        migrations.AlterField(
            model_name="renderedfile",
            name="year",
            field=models.PositiveSmallIntegerField(verbose_name="year"),
        ),
        migrations.AddIndex(
            model_name="renderedfile",
            index=models.Index(
                fields=["year", "format", "audience", "source_hash"],
                name="reports_ren_year_172144_idx",
            ),
        ),
        migrations.RunPython(drop_empty_reports, migrations.RunPython.noop),
    ]
