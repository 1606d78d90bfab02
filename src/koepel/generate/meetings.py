"""The meetings part of a generated network: each year's meetings of the network's own bodies,
their agenda items, invitations (with who came), decisions, and the documents of each."""

from __future__ import annotations

import datetime as dt

from koepel.core.visibility import Visibility as V
from koepel.generate.bulk import Run, weighted, workday
from koepel.generate.library import DocumentSpec, make_documents
from koepel.meetings.models import (
    AgendaItem,
    Answer,
    Decision,
    Format,
    Invitation,
    Meeting,
    Status,
)
from koepel.meetings.models import Level as MeetingLevel
from koepel.registry.models import Vocabulary, terms

MEETING_VISIBILITY = ((V.PUBLIC, 60), (V.NETWORK, 25), (V.BODY, 10), (V.RESTRICTED, 5))


def make_meetings(run: Run, year: int) -> None:
    """One year's meetings of the network's own bodies, with their agendas, invitations,
    decisions and documents."""
    rng = run.rng
    meetings: list[Meeting] = []
    organisers: list[int] = []
    labels = {term.code: term.label_nl for term in terms(Vocabulary.MEETING_KIND)}
    for b in run.own_bodies:
        if b.kind == "programme":
            continue
        # Most bodies meet four to ten times a year; some hardly, a few every other week.
        times = weighted(rng, (("few", 15), ("usual", 72), ("often", 13)))
        count = {
            "few": rng.randint(1, 3),
            "usual": rng.randint(4, 10),
            "often": rng.randint(11, 24),
        }[times]
        kind = {
            "board": "ambtelijk_overleg",
            "pillar": "pijleroverleg",
            "learning_network": "leerkring",
        }.get(b.kind, "themasessie")
        for day in sorted(workday(rng, year) for _ in range(count)):
            start = dt.time(rng.choice((9, 10, 13, 14, 15)), rng.choice((0, 30)))
            meetings.append(
                Meeting(
                    title=f"{labels[kind].capitalize()} {b.name}"[:200]
                    if rng.random() < 0.3
                    else f"{b.name}: {run.write.title(2, 4)}"[:200],
                    kind=kind,
                    level=MeetingLevel.OFFICIAL
                    if kind != "pijleroverleg"
                    else MeetingLevel.ADMINISTRATIVE,
                    format=weighted(
                        rng, ((Format.ONLINE, 45), (Format.IN_PERSON, 35), (Format.HYBRID, 20))
                    ),
                    date=day,
                    start_time=start,
                    end_time=dt.time(start.hour + 2, start.minute),
                    location=rng.choice(run.municipalities).name,
                    description=run.write.paragraph(run.write.lognormal_int(25, 0.6, 5, 120)),
                    status=Status.CANCELLED if rng.random() < 0.03 else Status.HELD,
                    visibility=weighted(rng, MEETING_VISIBILITY),
                    minutes=run.write.paragraph(run.write.lognormal_int(120, 0.5, 20, 800))
                    if rng.random() < 0.5
                    else "",
                    uid=run.uid(),
                    organiser_id=b.pk,
                )
            )
            organisers.append(b.pk)
    # Joint sessions: one in twenty has a second body, which takes part in the meeting the
    # first organised.
    created = run.create(Meeting, meetings)
    pairs = [(m.pk, organiser) for m, organiser in zip(created, organisers, strict=True)]
    pairs += [(m.pk, rng.choice(run.own_bodies).pk) for m in created if rng.random() < 0.05]
    run.link(Meeting.bodies, pairs)
    agenda, invitations, decisions = [], [], []
    for meeting, organiser in zip(created, organisers, strict=True):
        for position in range(rng.randint(3, 7)):
            agenda.append(
                AgendaItem(
                    meeting=meeting,
                    position=position,
                    title=run.write.title(2, 6),
                    duration=rng.choice((10, 15, 20, 30, 45)),
                )
            )
        members = run.members[organiser]
        for person in rng.sample(members, min(len(members), 12)):
            present = rng.random() < 0.75
            invitations.append(
                Invitation(
                    meeting=meeting,
                    person_id=person,
                    answer=Answer.COMING if present else Answer.NOT_COMING,
                    present=present if meeting.status == Status.HELD else None,
                )
            )
        for position in range(rng.choice((0, 0, 1, 2, 3))):
            decisions.append(
                Decision(meeting=meeting, position=position, text=run.write.sentence())
            )
    run.insert(AgendaItem, agenda)
    run.insert(Invitation, invitations)
    run.insert(Decision, decisions)
    # A meeting's documents: its agenda and minutes, presentations, reports discussed.
    specs: list[DocumentSpec] = []
    for meeting, organiser in zip(created, organisers, strict=True):
        count = min(40, round(run.rng.expovariate(1 / run.sizes.documents_per_meeting)))
        for _ in range(count):
            specs.append((meeting, organiser, None))
    make_documents(run, year, specs)
