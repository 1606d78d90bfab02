"""The network's vocabularies: the kinds of body and meeting and the functions it uses.

They are data (``Term``), so each network names things in its own words. A new network starts
from ``install_default_vocabulary()``, a neutral list the office then changes in Koepel's own
pages; the demo loads the G40's list from its data (``registry/data/g40/vocabulary.yaml``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction

from koepel.registry.models import Meaning, Term, Vocabulary, forget_terms

# (code, Dutch label, English label, meaning, Dutch plural) per vocabulary, in the order they are offered.
DEFAULT_VOCABULARY: dict[str, list[tuple[str, str, str, str, str]]] = {
    Vocabulary.BODY_KIND: [
        ("bestuur", "bestuur", "board", Meaning.BOARD, "besturen"),
        ("algemeen_bestuur", "algemeen bestuur", "general board", "", "algemene besturen"),
        ("commissie", "commissie", "committee", "", "commissies"),
        ("werkgroep", "werkgroep", "working group", "", "werkgroepen"),
        ("overig", "overig", "other", "", ""),
    ],
    Vocabulary.MEETING_KIND: [
        ("ledenvergadering", "ledenvergadering", "members' meeting", "", ""),
        ("bestuursvergadering", "bestuursvergadering", "board meeting", "", ""),
        ("werkgroepoverleg", "werkgroepoverleg", "working group meeting", "", ""),
        ("werkbezoek", "werkbezoek", "working visit", Meaning.TRIP, ""),
        ("congres", "congres", "congress", Meaning.EVENT, ""),
        ("overig", "overig", "other", "", ""),
    ],
    Vocabulary.FUNCTION: [
        ("voorzitter", "voorzitter", "chair", Meaning.CHAIR, "voorzitters"),
        ("vicevoorzitter", "vicevoorzitter", "vice-chair", Meaning.VICE_CHAIR, "vicevoorzitters"),
        ("secretaris", "secretaris", "secretary", Meaning.SECRETARY, "secretarissen"),
        ("penningmeester", "penningmeester", "treasurer", "", "penningmeesters"),
        ("lid", "lid", "member", Meaning.MEMBER, "leden"),
        ("adviseur", "adviseur", "adviser", "", "adviseurs"),
    ],
    Vocabulary.PARTICIPATION_FUNCTION: [
        ("deelnemer", "deelnemer", "participant", Meaning.MEMBER, "deelnemers"),
        ("trekker", "trekker", "lead", Meaning.LEAD, "trekkers"),
        ("partner", "partner", "partner", "", ""),
    ],
}


@transaction.atomic
def install_vocabulary(vocabulary: Mapping[str, Iterable[Any]]) -> int:
    """Add the terms given, per vocabulary as (code, Dutch label, English label, meaning, Dutch
    plural) or as mappings with the keys code, nl, en and, if any, meaning and plural; terms the network already has are left as the office made them.
    Returns how many terms were added."""
    added = 0
    for name, entries in vocabulary.items():
        Vocabulary(name)  # an unknown vocabulary is a mistake in the caller, not data
        known = set(Term.objects.filter(vocabulary=name).values_list("code", flat=True))
        for position, entry in enumerate(entries, start=1):
            if isinstance(entry, Mapping):
                code, nl, en = entry["code"], entry["nl"], entry["en"]
                meaning, plural = entry.get("meaning", ""), entry.get("plural", "")
            else:
                code, nl, en, meaning, plural = entry
            if code in known:
                continue
            term = Term(
                vocabulary=name,
                code=code,
                label_nl=nl,
                label_en=en,
                plural_nl=plural or "",
                position=position,
                meaning=meaning or "",
            )
            term.full_clean()
            term.save()
            known.add(code)
            added += 1
    forget_terms()
    return added


def install_default_vocabulary() -> int:
    """Give a new network a neutral vocabulary to start from: a board, a general board,
    committees and working groups; members' and board meetings; chair, vice-chair, secretary,
    members. Terms it already has are kept. Returns how many terms were added."""
    return install_vocabulary(DEFAULT_VOCABULARY)
