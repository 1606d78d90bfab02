"""Writes to the annual report: the words of a section, and rendered files."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from koepel.accounts.access import can_edit_body, viewer_for
from koepel.accounts.models import User
from koepel.core.locking import save_versioned
from koepel.registry.models import Body
from koepel.reports.models import AnnualReport, CompleteYear, SectionStatus, SectionText
from koepel.reports.selectors import report_year_range


def section_body(section: Any) -> Body | None:
    """The body whose secretary writes a section (an assembled or built section); None for
    the office's own sections, the foreword and the closing."""
    return section.body if section.key.startswith(("body:", "algemeen:")) else None


def may_edit_section(actor: Any, body: Body | None) -> bool:
    """A body's section is its secretary's; the foreword and the closing are the office's."""
    if body is None:
        return viewer_for(actor).is_office
    return can_edit_body(actor, body)


def report_for_year(year: int) -> AnnualReport:
    """The report of ``year``, made when someone first saves words in it (never by a read).
    Refused for a year no report can be about."""
    require_report_year(year)
    report, _created = AnnualReport.objects.get_or_create(year=year)
    return report


def require_report_year(year: int) -> None:
    """Refuse a year no report can be about (``selectors.report_year_range``)."""
    valid = report_year_range()
    if year not in valid:
        raise ValidationError(
            _("There is no annual report of %(year)s. Choose a year from %(first)s to %(last)s.")
            % {"year": year, "first": valid.start, "last": valid.stop - 1},
            code="no_report_year",
        )


@transaction.atomic
def section_save(
    *,
    actor: Any,
    report: AnnualReport,
    key: str,
    body: Body | None,
    narrative: str,
    status: str,
    kept: set[str],
    edited: dict[str, str],
    generated: dict[str, str],
    version: int,
) -> SectionText:
    """Save a section's words. ``generated`` are the facts as the system wrote them now: an
    edit equal to the generated text is no edit, and facts not kept are dropped."""
    if not may_edit_section(actor, body):
        raise PermissionDenied(_("You may not edit this section."))
    if status not in SectionStatus.values:
        raise ValidationError({"status": _("Choose a status.")})
    text, _created = SectionText.objects.get_or_create(report=report, key=key)
    changes = {
        "narrative": narrative.strip(),
        "status": status,
        "dropped": sorted(key for key in generated if key not in kept),
        "edited": {
            k: v.strip()
            for k, v in edited.items()
            if k in generated and v.strip() and v.strip() != generated[k]
        },
    }
    for name, value in changes.items():
        setattr(text, name, value)
    save_versioned(text, expected_version=version, update_fields=[*changes, "updated_at"])
    return text


@transaction.atomic
def report_save(*, report: AnnualReport, expected_version: int | None = None) -> AnnualReport:
    """Save a report's own details (the admin); refused when someone saved it since
    ``expected_version`` (None: no check)."""
    report.full_clean()
    require_report_year(report.year)
    save_versioned(report, expected_version=expected_version)
    return report


@transaction.atomic
def complete_year_set(*, actor: Any, body: Body, year: int, complete: bool) -> bool:
    """Mark a body's year as completely recorded, or take the mark away. Only whoever may edit
    the body (its secretary, the office) may. Returns whether the year is marked now."""
    if not can_edit_body(actor, body):
        raise PermissionDenied(_("You may not edit this section."))
    require_report_year(year)
    if complete:
        user = actor if isinstance(actor, User) else None
        CompleteYear.objects.get_or_create(body=body, year=year, defaults={"marked_by": user})
    else:
        CompleteYear.objects.filter(body=body, year=year).delete()
    return complete


def complete_years(bodies: list[Body], year: int) -> set[int]:
    """Which of these bodies have their year marked as completely recorded."""
    return set(
        CompleteYear.objects.filter(body__in=bodies, year=year).values_list("body_id", flat=True)
    )


@transaction.atomic
def complete_years_save(*, actor: Any, year: int, marks: dict[Body, bool]) -> None:
    """Save the marks of a section's bodies (its form or the API): each one the actor may
    edit, or none is saved."""
    current = complete_years(list(marks), year)
    for body, complete in marks.items():
        if complete != (body.pk in current):
            complete_year_set(actor=actor, body=body, year=year, complete=complete)
