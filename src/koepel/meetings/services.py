"""Writes to meetings. Pages, the admin and (later) the API all come through here: permission,
validation, optimistic locking and e-mail happen in one place.

Optimistic locking: a service that changes an existing record takes the version the edit
started from (``version`` where a page always sends one, ``expected_version`` where None means
"no check") and raises EditConflict when someone saved in the meantime; see
``koepel.core.locking``."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from koepel.accounts.access import can_edit, can_edit_body, viewer_for
from koepel.core import caching
from koepel.core.locking import claim_version, save_versioned
from koepel.core.uploads import check_upload
from koepel.meetings.models import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    Answer,
    CalendarToken,
    Decision,
    Guest,
    Invitation,
    Meeting,
    Status,
)
from koepel.meetings.notifications import NotMailed, send_meeting_mail
from koepel.registry.models import Body, Organisation, Person, Role
from koepel.search import index

MEETING_FIELDS = (
    "title",
    "kind",
    "level",
    "format",
    "hubs",
    "date",
    "date_precision",
    "start_time",
    "end_date",
    "end_time",
    "location",
    "description",
    "visibility",
    "prepares",
    "part_of",
    "organiser",
)
NOTIFY_ON = {"date", "date_precision", "start_time", "end_date", "end_time", "location", "format"}


class DuplicateSubmission(Exception):
    """The same planning form was sent twice; the first made the meeting."""

    def __init__(self, meeting: Meeting) -> None:
        super().__init__(_("This meeting has already been saved."))
        self.meeting = meeting


def _require_edit(actor: Any, meeting: Meeting) -> None:
    if not can_edit(actor, meeting):
        raise PermissionDenied(_("You may not change this meeting."))


def _invitations(meeting: Meeting) -> list[Invitation]:
    return list(meeting.invitations.select_related("person"))


@dataclass(frozen=True)
class OutsideGuest:
    """Someone from outside the network, invited by name and e-mail address."""

    name: str
    email: str
    language: str = "nl"


@dataclass
class Invited:
    """What inviting did: the invitations made, and who of them could not be mailed."""

    invitations: list[Invitation] = field(default_factory=list)
    not_mailed: list[NotMailed] = field(default_factory=list)


@transaction.atomic
def meeting_plan(
    *, actor: Any, bodies: Iterable[Body], submission: uuid.UUID | None = None, **fields: Any
) -> Meeting:
    """Plan a meeting for one or more bodies the actor may plan for. ``organiser`` (one of the
    bodies) is the body that organised a joint meeting; without it, the first body given."""
    bodies = list(bodies)
    if not bodies:
        raise ValidationError({"bodies": _("Choose at least one body.")})
    for body in bodies:
        if not can_edit_body(actor, body):
            raise PermissionDenied(_("You may not plan meetings for %(body)s.") % {"body": body})
    if submission is not None:
        existing = Meeting.objects.filter(submission=submission).first()
        if existing is not None:
            raise DuplicateSubmission(existing)
    organiser = _organiser(bodies, fields.pop("organiser", None), None)
    meeting = Meeting(submission=submission, **{k: v for k, v in fields.items() if v is not None})
    meeting.organiser = organiser
    meeting.full_clean(exclude=["bodies"])
    try:
        with transaction.atomic():
            meeting.save()
    except IntegrityError as error:  # the same form sent twice at the same moment
        existing = Meeting.objects.filter(submission=submission).first()
        if existing is None:
            raise
        raise DuplicateSubmission(existing) from error
    meeting.bodies.set(bodies)
    index.update(meeting)
    return meeting


@transaction.atomic
def meeting_update(*, actor: Any, meeting: Meeting, version: int, **fields: Any) -> Meeting:
    """Change a meeting's details. ``version`` is the version the edit started from. A change
    of ``bodies`` keeps the organiser while it is one of them, else takes the first."""
    _require_edit(actor, meeting)
    bodies = fields.pop("bodies", None)
    if bodies is not None or "organiser" in fields:
        bodies = list(meeting.bodies.all()) if bodies is None else list(bodies)
        if not bodies:
            raise ValidationError({"bodies": _("Choose at least one body.")})
        fields["organiser"] = _organiser(
            bodies, fields.get("organiser"), meeting.organiser if meeting.pk else None
        )
    changed = {name for name, value in fields.items() if getattr(meeting, name) != value}
    for name, value in fields.items():
        if name not in MEETING_FIELDS:
            raise ValueError(f"Not a meeting field: {name}")
        setattr(meeting, name, value)
    meeting.full_clean(exclude=["bodies"])
    # Only the details: the minutes have their own form and version.
    save_versioned(meeting, expected_version=version, update_fields=[*MEETING_FIELDS, "updated_at"])
    if bodies is not None:
        for body in set(bodies) - set(meeting.bodies.all()):
            if not can_edit_body(actor, body):
                raise PermissionDenied(
                    _("You may not plan meetings for %(body)s.") % {"body": body}
                )
        meeting.bodies.set(bodies)
    index.update(meeting)
    if changed & NOTIFY_ON and meeting.status == Status.PLANNED:
        _next_sequence(meeting)
        send_meeting_mail("change", meeting, _invitations(meeting))
    return meeting


def _organiser(bodies: list[Body], chosen: Body | None, current: Body | None) -> Body:
    """The body that organised a meeting of these bodies: the one chosen, which must be one of
    them; without a choice the one it had, while that is still one of them; else the first."""
    if chosen is not None:
        if chosen not in bodies:
            raise ValidationError(
                {
                    "organiser": _(
                        "%(body)s is not one of the bodies of this meeting. Choose the "
                        "organiser among them, or add it to them."
                    )
                    % {"body": chosen}
                },
                code="organiser",
            )
        return chosen
    if current is not None and current in bodies:
        return current
    return bodies[0]


def _next_sequence(meeting: Meeting) -> None:
    """A change the invitees are mailed about: the calendar entry's SEQUENCE moves on."""
    Meeting.objects.filter(pk=meeting.pk).update(sequence=F("sequence") + 1)
    caching.bump("meetings")
    meeting.sequence = Meeting.objects.values_list("sequence", flat=True).get(pk=meeting.pk)


@dataclass(frozen=True)
class MailPlan:
    """Who a mail about a meeting would reach, told before the step that sends it."""

    mailed: list[Invitation]
    not_mailed: list[Invitation]

    @property
    def count(self) -> int:
        return len(self.mailed)


def mail_plan(meeting: Meeting) -> MailPlan:
    """Who of the invited would get a mail about the meeting now (all with an address), and
    who would not (nobody's address known). The confirmation pages show it; the services
    mail exactly these."""
    invitations = _invitations(meeting)
    return MailPlan(
        mailed=[i for i in invitations if i.address],
        not_mailed=[i for i in invitations if not i.address],
    )


def change_mail_plan(meeting: Meeting, fields: dict[str, Any]) -> MailPlan | None:
    """Who ``meeting_update`` with these fields would mail that the meeting changed, or None
    when it would mail nobody (nothing the invitees are told of changes, the meeting is not
    planned, or nobody invited has an address). The change page asks first when it would."""
    changed = {name for name, value in fields.items() if getattr(meeting, name, value) != value}
    if not changed & NOTIFY_ON or meeting.status != Status.PLANNED:
        return None
    plan = mail_plan(meeting)
    return plan if plan.mailed else None


def reinstating_mails(meeting: Meeting) -> bool:
    """Whether reinstating this meeting mails its invitees: only while it is still to come,
    since a mail about a meeting that is over helps nobody."""
    return meeting.days[1] >= timezone.localdate()


@transaction.atomic
def meeting_cancel(*, actor: Any, meeting: Meeting, version: int) -> Meeting:
    """Call a planned meeting off and mail everyone invited a cancellation (iTIP CANCEL).
    It can be undone: ``meeting_reinstate``."""
    _require_edit(actor, meeting)
    if meeting.status != Status.PLANNED:
        raise ValidationError(_("Only a planned meeting can be cancelled."))
    meeting.status = Status.CANCELLED
    save_versioned(meeting, expected_version=version, update_fields=["status", "updated_at"])
    index.update(meeting)
    _next_sequence(meeting)
    send_meeting_mail("cancellation", meeting, _invitations(meeting))
    return meeting


@transaction.atomic
def meeting_reinstate(*, actor: Any, meeting: Meeting, version: int) -> Meeting:
    """Undo a cancellation: the meeting is planned again and, while it is still to come,
    everyone invited is mailed that it goes ahead after all, with the calendar entry as a new
    iTIP REQUEST whose SEQUENCE is above that of the cancellation. Answers given before the
    cancellation stay as they were."""
    _require_edit(actor, meeting)
    if meeting.status != Status.CANCELLED:
        raise ValidationError(
            _("Only a cancelled meeting can be reinstated."), code="not_cancelled"
        )
    meeting.status = Status.PLANNED
    save_versioned(meeting, expected_version=version, update_fields=["status", "updated_at"])
    index.update(meeting)
    _next_sequence(meeting)
    if reinstating_mails(meeting):
        send_meeting_mail("reinstatement", meeting, _invitations(meeting))
    return meeting


@transaction.atomic
def meeting_invite(
    *,
    actor: Any,
    meeting: Meeting,
    people: Iterable[Person] = (),
    guests: Iterable[OutsideGuest] = (),
) -> Invited:
    """Invite members of the meeting's bodies, and guests from outside by e-mail address.
    Members are those who held a seat in the bodies on the meeting's date (a chair who left
    since included, one who came later not). Whole or nothing: every invitation is saved with
    its mail queued, or none is (anyone else than a member refused, a mail that cannot be
    sent). Someone without an address is invited and reported as not mailed, never skipped in
    silence. Only a planned meeting mails its invitations; inviting to one already held
    records who was asked (a meeting of the past, entered afterwards)."""
    _require_edit(actor, meeting)
    if meeting.status == Status.CANCELLED:
        raise ValidationError(_("This meeting has been cancelled."), code="cancelled")
    people = list(people)
    members = set(
        Role.objects.held_during(*meeting.days)
        .filter(body__in=meeting.bodies.all(), person__in=people)
        .values_list("person_id", flat=True)
    )
    outsiders = [person.name for person in people if person.pk not in members]
    if outsiders:
        raise ValidationError(
            ngettext(
                "%(names)s held no seat in the bodies of this meeting on its date. Invite "
                "only their members of then.",
                "%(names)s held no seat in the bodies of this meeting on its date. Invite "
                "only their members of then.",
                len(outsiders),
            )
            % {"names": ", ".join(outsiders)},
            code="not_a_member",
        )
    already = set(meeting.invitations.values_list("person_id", flat=True))
    invitations = [
        Invitation.objects.create(meeting=meeting, person=person)
        for person in people
        if person.pk not in already
    ]
    known = {
        email.lower()
        for email in meeting.invitations.filter(person__isnull=True).values_list("email", flat=True)
    }
    for guest in guests:
        if guest.email.strip().lower() in known:
            continue
        invitation = Invitation(
            meeting=meeting,
            name=guest.name.strip(),
            email=guest.email.strip(),
            language=guest.language,
        )
        invitation.full_clean()
        invitation.save()
        known.add(invitation.email.lower())
        invitations.append(invitation)
    index.update(meeting)  # the invited people may see a restricted meeting
    if meeting.status != Status.PLANNED:
        return Invited(invitations, [])
    not_mailed = send_meeting_mail("invitation", meeting, invitations)
    return Invited(invitations, not_mailed)


@transaction.atomic
def invitation_mail_again(*, actor: Any, invitation: Invitation, email: str) -> Invitation:
    """Give the address of someone invited who could not be mailed, and mail the invitation.
    The address is kept on the invitation, for the mail about this meeting: the person's own
    record is the network office's to change."""
    meeting = invitation.meeting
    _require_edit(actor, meeting)
    if meeting.status != Status.PLANNED:
        raise ValidationError(_("Invitations are for a planned meeting only."), code="not_planned")
    invitation.email = email.strip()
    invitation.full_clean()
    save_versioned(invitation, expected_version=None, update_fields=["email"])
    send_meeting_mail("invitation", meeting, [invitation])
    return invitation


def _answer(invitation: Invitation, answer: str, note: str | None) -> Invitation:
    if answer not in {Answer.COMING, Answer.NOT_COMING}:
        raise ValidationError(_("Choose whether you are coming."))
    if invitation.meeting.status == Status.CANCELLED:
        raise ValidationError(_("This meeting has been cancelled."))
    invitation.answer = answer
    invitation.answered_at = timezone.now()
    fields = ["answer", "answered_at"]
    if note is not None:
        invitation.note = note.strip()
        fields.append("note")
    invitation.full_clean()
    save_versioned(invitation, expected_version=None, update_fields=fields)
    return invitation


@transaction.atomic
def invitation_answer(
    *, actor: Any, meeting: Meeting, answer: str, note: str | None = None
) -> Invitation:
    """The signed-in person answers their own invitation."""
    viewer = viewer_for(actor)
    invitation = (
        Invitation.objects.filter(meeting=meeting, person_id=viewer.person_id).first()
        if viewer.person_id
        else None
    )
    if invitation is None:
        raise PermissionDenied(_("You are not invited to this meeting."))
    return _answer(invitation, answer, note)


@transaction.atomic
def invitation_answer_by_link(*, invitation: Invitation, answer: str, note: str) -> Invitation:
    """Someone answers through the link in their invitation mail, without signing in; the
    link (meetings.answer_links) has shown which invitation, and answers only that one."""
    if invitation.meeting.status == Status.HELD:
        raise ValidationError(_("This meeting has already taken place."))
    return _answer(invitation, answer, note)


@transaction.atomic
def minutes_save(*, actor: Any, meeting: Meeting, minutes: str, version: int) -> Meeting:
    """Store the minutes as the Markdown they were written in; they are sanitised when shown
    (``koepel.core.markup``), so what was typed can be changed as it was typed."""
    _require_edit(actor, meeting)
    meeting.minutes = minutes.strip()
    save_versioned(
        meeting,
        expected_version=version,
        field="minutes_version",
        update_fields=["minutes", "updated_at"],
    )
    index.update(meeting)
    return meeting


@transaction.atomic
def meeting_close(
    *,
    actor: Any,
    meeting: Meeting,
    present: Iterable[int],
    present_guests: Iterable[int] = (),
    expected_version: int | None = None,
) -> Meeting:
    """Record who was present and mark the meeting as held: ``present`` names people,
    ``present_guests`` the invitations of guests from outside."""
    _require_edit(actor, meeting)
    if meeting.status == Status.CANCELLED:
        raise ValidationError(_("A cancelled meeting cannot be closed."))
    if not meeting.has_begun:
        raise ValidationError(
            _("This meeting has not begun yet. Record who was present once it has started."),
            code="not_started",
        )
    meeting.status = Status.HELD
    save_versioned(
        meeting, expected_version=expected_version, update_fields=["status", "updated_at"]
    )
    present_ids = set(present)
    guest_ids = set(present_guests)
    for invitation in meeting.invitations.all():
        was_present = (
            invitation.pk in guest_ids
            if invitation.person_id is None
            else invitation.person_id in present_ids
        )
        if invitation.present != was_present:
            invitation.present = was_present
            save_versioned(invitation, expected_version=None, update_fields=["present"])
    index.update(meeting)
    return meeting


@transaction.atomic
def decision_add(*, actor: Any, meeting: Meeting, text: str) -> Decision:
    _require_edit(actor, meeting)
    decision = Decision(meeting=meeting, text=text.strip(), position=meeting.decisions.count() + 1)
    decision.full_clean()
    decision.save()
    return decision


@transaction.atomic
def action_add(
    *,
    actor: Any,
    meeting: Meeting,
    description: str,
    body: Body | None = None,
    owner: Person | None = None,
    due: Any = None,
) -> ActionItem:
    _require_edit(actor, meeting)
    organisers = list(meeting.bodies.all())
    body = body or organisers[0]
    if body not in organisers:
        raise ValidationError({"body": _("Choose one of the bodies of this meeting.")})
    action = ActionItem(
        meeting=meeting, body=body, description=description.strip(), owner=owner, due=due
    )
    action.full_clean()
    action.save()
    return action


@transaction.atomic
def action_set_status(
    *,
    actor: Any,
    action: ActionItem,
    status: str,
    meeting: Meeting | None = None,
    expected_version: int | None = None,
) -> ActionItem:
    """Move an action on; done in a meeting when ``meeting`` is given."""
    if not can_edit_body(actor, action.body):
        raise PermissionDenied(_("You may not change this action."))
    action.status = status
    action.done_in = meeting if status == ActionStatus.DONE else None
    action.full_clean()
    save_versioned(action, expected_version=expected_version, update_fields=["status", "done_in"])
    return action


@transaction.atomic
def agenda_item_add(
    *,
    actor: Any,
    meeting: Meeting,
    title: str,
    presenter: Person | None = None,
    duration: int | None = None,
    session: str = "",
    attachment: UploadedFile[Any] | None = None,
) -> AgendaItem:
    _require_edit(actor, meeting)
    if attachment is not None:
        try:
            check_upload(attachment)
        except ValidationError as error:
            raise ValidationError({"attachment": error.messages}) from error
    item = AgendaItem(
        meeting=meeting,
        title=title.strip(),
        presenter=presenter,
        duration=duration,
        session=session.strip(),
        position=meeting.agenda_items.count() + 1,
    )
    item.full_clean(exclude=["attachment"])
    if attachment is not None:
        item.attachment.save(attachment.name or "bijlage", attachment, save=False)
    item.save()
    index.update(meeting)
    return item


@transaction.atomic
def guest_add(
    *,
    actor: Any,
    meeting: Meeting,
    person: Person | None = None,
    organisation: Organisation | None = None,
    topic: str = "",
) -> Guest:
    _require_edit(actor, meeting)
    guest = Guest(meeting=meeting, person=person, organisation=organisation, topic=topic.strip())
    guest.full_clean()
    guest.save()
    return guest


@transaction.atomic
def calendar_token_renew(*, person: Person) -> CalendarToken:
    """A new secret feed address for a person; the old one stops working."""
    calendar_token_revoke(person=person)
    return CalendarToken.objects.create(person=person)


@transaction.atomic
def calendar_token_revoke(*, person: Person) -> None:
    # One save per address (there is seldom more than one), so the trail records each.
    for token in CalendarToken.objects.filter(person=person, revoked_at__isnull=True):
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])


@transaction.atomic
def meeting_save(*, actor: Any, meeting: Meeting, expected_version: int | None = None) -> Meeting:
    """Save a meeting edited as a whole (the admin): validated, and refused when someone else
    saved it since ``expected_version`` (None: no check)."""
    if meeting.pk is None:
        meeting.full_clean(exclude=["bodies"])
        meeting.save()
        index.update(meeting)
        return meeting
    _require_edit(actor, meeting)
    meeting.full_clean(exclude=["bodies"])
    # The minutes have their own form and version (minutes_save).
    fields = [
        f.name
        for f in Meeting._meta.concrete_fields
        if f.name not in {"id", "version", "minutes", "minutes_version", "created_at"}
    ]
    save_versioned(meeting, expected_version=expected_version, update_fields=fields)
    index.update(meeting)
    return meeting


@transaction.atomic
def meeting_part_save(
    *,
    actor: Any,
    record: Guest | AgendaItem | Decision | ActionItem | Invitation,
    expected_version: int | None = None,
) -> Any:
    """Save a part of a meeting (guest, agenda item, decision, action, invitation), refused
    when someone else saved it since ``expected_version`` (None: no check)."""
    _require_edit(actor, record.meeting)
    record.full_clean()
    save_versioned(record, expected_version=expected_version)
    index.update(record.meeting)
    return record


# What the change of each part of a meeting may set; the meeting it belongs to is fixed.
PART_FIELDS: dict[type[Any], tuple[str, ...]] = {
    AgendaItem: ("title", "presenter", "duration", "session", "position"),
    Guest: ("person", "organisation", "topic"),
    Decision: ("text", "position"),
    ActionItem: ("description", "body", "owner", "due"),
}
_STRIPPED = {"title", "session", "topic", "text", "description"}


@transaction.atomic
def meeting_part_update(
    *,
    actor: Any,
    record: Guest | AgendaItem | Decision | ActionItem,
    expected_version: int | None,
    attachment: UploadedFile[Any] | None = None,
    remove_attachment: bool = False,
    **fields: Any,
) -> Any:
    """Change a guest, agenda item, decision or action of a meeting with the checks its
    adding has: who may change the meeting, the record's own validation, an action's body one
    of the meeting's, an attachment's type read from its bytes. ``expected_version`` is the
    version the edit started from (None: no check); a stale one raises EditConflict.

    An agenda item's ``attachment`` replaces its file, ``remove_attachment`` takes it away; the
    file no longer used is deleted from storage once the change is committed."""
    meeting = record.meeting
    _require_edit(actor, meeting)
    allowed = PART_FIELDS[type(record)]
    for name, value in fields.items():
        if name not in allowed:
            raise ValueError(f"Not a field of {type(record).__name__}: {name}")
        if name in _STRIPPED and isinstance(value, str):
            value = value.strip()
        setattr(record, name, value)
    if isinstance(record, ActionItem) and record.body_id not in {
        body.pk for body in meeting.bodies.all()
    }:
        raise ValidationError({"body": _("Choose one of the bodies of this meeting.")})
    old_file, storage = "", None
    if isinstance(record, AgendaItem):
        storage = record.attachment.storage
        if attachment is not None:
            try:
                check_upload(attachment)
            except ValidationError as error:
                raise ValidationError({"attachment": error.messages}) from error
        if (attachment is not None or remove_attachment) and record.attachment:
            old_file = record.attachment.name or ""
        record.full_clean(exclude=["attachment"])
        if attachment is not None:
            record.attachment.save(attachment.name or "bijlage", attachment, save=False)
        elif remove_attachment:
            record.attachment = None
    else:
        record.full_clean()
    save_versioned(record, expected_version=expected_version)
    if old_file and storage is not None:
        _delete_after_commit(storage, old_file)
    index.update(meeting)
    return record


def _delete_after_commit(storage: Any, name: str) -> None:
    """Delete a stored file once the transaction that stopped using it has committed; a
    rolled-back change keeps its file."""
    transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def meeting_part_delete(
    *,
    actor: Any,
    record: Guest | AgendaItem | Decision | ActionItem | Invitation,
    expected_version: int | None = None,
) -> None:
    """Remove a part of a meeting; the meeting's search entry follows (an agenda item's
    title is found through its meeting). An agenda item's attachment goes with it: its file is
    deleted from storage once the removal is committed. ``expected_version`` is the version
    the person removing saw (None: no check); a record changed since is not removed."""
    _require_edit(actor, record.meeting)
    meeting = record.meeting
    claim_version(record, expected_version)
    attached = record.attachment.name if isinstance(record, AgendaItem) else ""
    storage = record.attachment.storage if isinstance(record, AgendaItem) else None
    record.delete()
    if attached and storage is not None:
        _delete_after_commit(storage, attached)
    index.update(meeting)


@transaction.atomic
def meeting_delete(*, actor: Any, meeting: Meeting) -> None:
    _require_edit(actor, meeting)
    index.remove(meeting)
    meeting.delete()
