"""Writes to the annual report: the words of a section, and rendered files."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from koepel.accounts.access import can_edit_body, viewer_for
from koepel.accounts.models import User
from koepel.core.locking import save_versioned
from koepel.registry.models import Body, Person
from koepel.reports import writing_mail
from koepel.reports.models import AnnualReport, CompleteYear, SectionStatus, SectionText
from koepel.reports.selectors import report_year_range


def section_body(section: Any) -> Body | None:
    """The body whose secretary writes a section (an assembled or built section); None for
    the office's own sections, the foreword and the closing."""
    return section.body if section.key.startswith(("body:", "algemeen:")) else None


def may_edit_section(actor: Any, body: Body | None, writer_id: int | None = None) -> bool:
    """A body's section is its secretary's; the foreword and the closing are the office's;
    and a section the office gave to a writer is that writer's too."""
    if writer_id is not None and getattr(actor, "person_id", None) == writer_id:
        return True
    if body is None:
        return viewer_for(actor).is_office
    return can_edit_body(actor, body)


def _require_office(actor: Any) -> None:
    if not viewer_for(actor).is_office:
        raise PermissionDenied(_("Only the network office does this."))


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
    text, _created = SectionText.objects.get_or_create(report=report, key=key)
    if not may_edit_section(actor, body, text.writer_id):
        raise PermissionDenied(_("You may not edit this section."))
    if status not in SectionStatus.values:
        raise ValidationError({"status": _("Choose a status.")})
    office = viewer_for(actor).is_office
    if status == SectionStatus.FINAL and text.status != SectionStatus.FINAL and not office:
        raise ValidationError(
            {
                "status": _(
                    "The network office makes a section final. Set it to “ter review” when "
                    "your text is ready."
                )
            },
            code="final_by_office",
        )
    if status == SectionStatus.REVIEW and text.status != SectionStatus.REVIEW:
        transaction.on_commit(partial(writing_mail.ready_for_review, text.pk))
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


def _text_for(year: int, key: str) -> SectionText:
    report = report_for_year(year)
    text, _created = SectionText.objects.get_or_create(report=report, key=key)
    return text


@transaction.atomic
def section_assign(
    *, actor: Any, year: int, key: str, writer: Person | None, due: dt.date | None, version: int
) -> SectionText:
    """The office gives a section to a writer, with the date it is due; the writer is told
    by e-mail. ``writer`` None takes the section back (the body's secretary writes it)."""
    _require_office(actor)
    if writer is not None and not User.objects.filter(person=writer, is_active=True).exists():
        raise ValidationError(
            {"writer": _("%(name)s has no account, so cannot write in Koepel.") % {"name": writer}},
            code="writer_without_account",
        )
    text = _text_for(year, key)
    changed_writer = writer is not None and writer.pk != text.writer_id
    text.writer, text.due, text.reminded_on = writer, due, None
    save_versioned(text, expected_version=version, update_fields=["writer", "due", "reminded_on"])
    if changed_writer:
        transaction.on_commit(partial(writing_mail.assigned, text.pk))
    return text


@transaction.atomic
def section_review(
    *, actor: Any, year: int, key: str, approve: bool, note: str, version: int
) -> SectionText:
    """The office approves a section as final, or sends it back to its writer with a note
    (the writer is told by e-mail)."""
    _require_office(actor)
    text = _text_for(year, key)
    if not approve and not note.strip():
        raise ValidationError(
            {"note": _("Say what the writer should change.")}, code="note_required"
        )
    text.status = SectionStatus.FINAL if approve else SectionStatus.DRAFT
    text.review_note = "" if approve else note.strip()
    save_versioned(text, expected_version=version, update_fields=["status", "review_note"])
    if not approve:
        transaction.on_commit(partial(writing_mail.sent_back, text.pk))
    return text


# A writer is reminded this many days before a section is due, and once when it is overdue.
REMIND_BEFORE = dt.timedelta(days=7)


def remind_writers(today: dt.date | None = None) -> int:
    """Remind the writers of sections that are not ready for review: once in the week before
    the date, and once after it has passed. Returns how many sections were reminded."""
    today = today or timezone.localdate()
    open_texts = SectionText.objects.filter(
        due__isnull=False, status=SectionStatus.DRAFT
    ).select_related("report", "writer")
    reminded = 0
    for text in open_texts:
        if text.due is None:
            continue
        overdue = text.due < today
        if overdue:
            due_now = text.reminded_on is None or text.reminded_on <= text.due
        else:
            due_now = text.due - today <= REMIND_BEFORE and text.reminded_on is None
        if not due_now:
            continue
        with transaction.atomic():
            # Claimed first, so two workers never send the same reminder.
            claimed = SectionText.objects.filter(pk=text.pk, reminded_on=text.reminded_on).update(
                reminded_on=today
            )
            if claimed:
                writing_mail.remind(text, overdue=overdue)
                reminded += 1
    return reminded
