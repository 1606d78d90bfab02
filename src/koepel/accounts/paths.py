"""How each kind of record is reached by the visibility check: its access path.

Every model of Koepel's own apps is declared here, once, by its label. The check in
``koepel.accounts.access`` reads nothing else, and a system check (``accounts.checks``) stops
start-up when a model has no declaration, so a new kind of record is closed until someone says
how it may be seen. The kinds of declaration:

- ``Own``: the record carries its own ``visibility`` and names its bodies and people; ``guests``
  are people who see the record whatever its level (those invited to a meeting: a guest from
  a ministry sees the meeting they are asked to, and nothing else of the network).
- ``Through``: the record is seen when its parent is (an agenda item when its meeting is), and
  when each record named in ``also`` is, where one is set (an action item also names the body
  that carries it out). ``members`` narrows it further to members of the network and the
  parent's editors (who was invited and what they answered; the cities' consultation answers),
  and ``own`` opens a row to the person it names (their own invitation, to answer it).
- ``Known``: a person, seen when they hold no seat at all (a guest, an addressee) or a seat in a
  body the viewer may see.
- ``Open``: everyone sees every record; the reason is part of the declaration.
- ``Internal``: never shown through Koepel's own pages, feeds or API as records of their own:
  accounts, tokens, index rows. The reason is part of the declaration.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


@dataclass(frozen=True)
class Own:
    """The record's own ``visibility``; ``bodies`` is the path to its bodies ("" for a body
    itself), ``people`` the path to the people named on it (for "restricted"), ``guests`` the
    path to the people who see it at every level (the people invited to a meeting)."""

    bodies: str
    people: str | None = None
    guests: str | None = None


@dataclass(frozen=True)
class Through:
    """Seen when the record at ``parent`` (a foreign key) is seen, and each set foreign key in
    ``also``; with ``members``, only by members of the network and the parent's editors, and
    by the person at ``own`` (a foreign key to a person: an invitation's invitee)."""

    parent: str
    also: tuple[str, ...] = ()
    members: bool = False
    own: str | None = None


@dataclass(frozen=True)
class Known:
    """Seen when the record has no ``link`` at all, or one to a ``target`` the viewer may see
    (``link`` is a reverse relation, ``target`` the foreign key on its rows)."""

    link: str
    target: str


@dataclass(frozen=True)
class Open:
    """Seen by everyone, for the reason given."""

    why: str


@dataclass(frozen=True)
class Internal:
    """Not a record anyone reads through Koepel's faces, for the reason given."""

    why: str


Path = Own | Through | Known | Open | Internal

# The apps whose models must each be declared: Koepel's own.
OWN_APPS = (
    "accounts",
    "advocacy",
    "api",
    "audit",
    "core",
    "library",
    "meetings",
    "notices",
    "registry",
    "reports",
    "search",
)

PATHS: dict[str, Path] = {
    # The registry. Cities, organisations and the network itself are public knowledge.
    "registry.network": Open("the network's name and partners are on every page"),
    "registry.municipality": Open("member cities are public: CBS code, province, population"),
    "registry.population": Open("published CBS figures"),
    "registry.membership": Open("who is a member, and since when, is public"),
    "registry.organisation": Open("organisations are public bodies and partners"),
    "registry.term": Open(
        "the network's words for its kinds of body and meeting and its functions"
    ),
    "registry.person": Known(link="roles", target="body"),
    "registry.body": Own(bodies="", people="roles__person"),
    "registry.role": Through("body"),
    "registry.participation": Through("body"),
    # Meetings and their parts.
    # Whoever is invited sees the meeting, as any meeting's invitee does: a guest from outside
    # the network answers their invitation and reads what the meeting is about.
    "meetings.meeting": Own(
        bodies="bodies", people="invitations__person", guests="invitations__person"
    ),
    "meetings.guest": Through("meeting"),
    "meetings.agendaitem": Through("meeting"),
    "meetings.decision": Through("meeting"),
    "meetings.actionitem": Through("meeting", also=("body",)),
    "meetings.invitation": Through("meeting", members=True, own="person"),
    "meetings.calendartoken": Internal("a person's secret feed address, shown only to them"),
    # The lobby.
    "advocacy.dossier": Own(bodies="bodies", people="people"),
    "advocacy.outcomechange": Through("dossier"),
    "advocacy.lobbyaction": Own(bodies="bodies", people="people"),
    "advocacy.consultation": Through("action", members=True),
    "advocacy.consultationresponse": Through("action", members=True),
    "advocacy.consultationreminder": Through("consultation", members=True),
    "advocacy.milestone": Own(bodies="bodies"),
    # The knowledge base.
    "library.document": Own(bodies="bodies", people="author_people"),
    "library.documentfile": Through("document"),
    "library.section": Through("document"),
    # Search: each entry copies its record's visibility, bodies and people.
    "search.searchentry": Own(bodies="bodies", people="people", guests="guests"),
    "search.textindexrow": Internal("the engine's copy of an entry's text, read with its entry"),
    "search.wordcount": Internal("how many entries hold a common word, read only by search"),
    # The annual report is assembled for an audience, whose reader passes every record
    # through this check; its rows hold the words people add and the files made from it.
    "reports.annualreport": Open("a year's report exists for everyone; its content is assembled"),
    "reports.sectiontext": Internal("read only through the assembled report"),
    "reports.renderedfile": Internal("handed out only through the report's download"),
    "reports.completeyear": Internal("read only as the report's counts and its section form"),
    "reports.reportstyle": Internal("the office's logo, template and colophon, read into files"),
    "reports.publication": Internal("read only as the public report page and its files"),
    # Notifications: a person's choices, what happened and what was sent, and the personal
    # feed addresses. What a notice or a personal feed holds is read through this check for
    # the person it goes to (notices/sending.py, notices/views.py).
    "notices.preferences": Internal("a person's own choices, shown only to them"),
    "notices.event": Internal("bookkeeping of what changed; each notice passes the check"),
    "notices.delivery": Internal("bookkeeping of what was sent to whom"),
    "notices.scan": Internal("bookkeeping of how far the records were looked at"),
    "notices.feedtoken": Internal("stored as hashes, shown once to their owner"),
    # Accounts and keys.
    "core.dataversion": Internal("the versions of the data, for the cache of rendered parts"),
    "core.scopedversion": Internal("the versions of the data within a scope, for the same cache"),
    "accounts.user": Internal("sign-in accounts, managed by the office"),
    "accounts.accountlink": Internal("links mailed to choose a password, kept as hashes"),
    "accounts.resetrequest": Internal("a count of reset requests, kept an hour for the limit"),
    "accounts.alloweddomain": Internal("the office's list of domains for the identity provider"),
    "accounts.providerdevice": Internal("marks sessions whose second step the provider gave"),
    "api.apitoken": Internal("stored as hashes, shown once to their owner"),
}


def path_of(model: type[models.Model]) -> Path:
    """The declared path of ``model`` (a proxy or subclass: of its concrete model)."""
    concrete = model._meta.concrete_model or model
    try:
        return PATHS[concrete._meta.label_lower]
    except KeyError:
        raise LookupError(
            f"{concrete._meta.label} has no access path: declare one in koepel.accounts.paths."
        ) from None
