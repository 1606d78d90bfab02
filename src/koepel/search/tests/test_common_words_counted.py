"""A search for one common word takes its counts per kind from counts kept per word, kind and
level (``wordcounts``): counted at the first search of the word, then changed by every write
of the index. They must stay exactly what the one visibility check lets each viewer read,
through every kind of write: an entry added, its words changed, its level, bodies or people
changed, an entry deleted, many written at once, the index rebuilt."""

from __future__ import annotations

import itertools
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any

import pytest
from django.db import connection, transaction

from koepel.accounts.access import visible
from koepel.core import caching
from koepel.core.visibility import Visibility
from koepel.search import engines, index, query, writing
from koepel.search.models import SearchEntry, WordCount
from koepel.search.query import search
from koepel.search.text import stem

WORD = "kwartiermaker"
VIEWERS = ["anonymous", "outsider", "colleague", "secretary", "named", "office"]


def _entry(number: int, level: str, body_ids: tuple[int, ...], people: tuple[int, ...]) -> Any:
    return index.Entry(
        title=f"Proef {number}",
        text=f"Een {WORD} voor {level} in {len(body_ids)} gremia.",
        url=f"/proef/{number}/",
        kind="sectie",
        visibility=level,
        bodies=body_ids,
        people=people,
        year=2021,
    )


@pytest.fixture
def viewers(network: dict[str, Any]) -> dict[str, Any]:
    """Entries with the word at every level, in no body, the group, another body or both;
    naming a person or not; and the network's viewers."""
    body_choices = [(), (network["group"].pk,), (network["elsewhere"].pk,)]
    people_choices = [(), (network["named"].pk,)]
    index.bulk_put(
        (f"library.section:{700_000 + number}", _entry(number, level, body_ids, people))
        for number, (level, body_ids, people) in enumerate(
            itertools.product(Visibility.values, body_choices, people_choices)
        )
    )
    writing.settle()  # the statistics that say how common a word is
    return {**network["users"], "anonymous": None}


@pytest.fixture(autouse=True)
def common() -> Iterator[None]:
    """Every word is common here, so that a search for one is counted from the kept counts."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(query, "BOUNDED_FROM", 0)
        patch.setattr(query, "COMMON_SHARE", 0.0)
        yield


PREFIX = "kwartier"


def _allowed(user: Any, text: str = WORD) -> dict[str, int]:
    entries = visible(SearchEntry.objects.filter(text__contains=text), user)
    return dict(Counter(entries.distinct().values_list("kind", flat=True)))


def _assert_exact(viewers: dict[str, Any]) -> None:
    """The word and a prefix of it, counted for every viewer as the visibility check allows."""
    for who in VIEWERS:
        for q, text in [(WORD, WORD), (f"{PREFIX}*", PREFIX)]:
            results = search(viewers[who], q, per_page=100)
            assert (who, q, results.counts_by_kind) == (who, q, _allowed(viewers[who], text))
            assert results.total == sum(results.counts_by_kind.values())


def _kept() -> set[int]:
    """The rows the word's and the prefix's counts are kept in: the same rows while they are
    not counted again."""
    words = [stem(WORD), f"{PREFIX}*"]
    return set(WordCount.objects.filter(word__in=words).values_list("pk", flat=True))


def _put(number: int, level: str, *, body_ids: tuple[int, ...] = (), text: str = "") -> None:
    entry = _entry(number, level, body_ids, ())
    if text:
        entry = replace(entry, text=text)
    index.bulk_put([(f"library.section:{700_000 + number}", entry)])


def test_a_common_word_is_counted_once_and_stays_exact_through_every_write(
    viewers: dict[str, Any], network: dict[str, Any]
) -> None:
    assert not _kept()
    _assert_exact(viewers)
    kept = _kept()
    assert kept, "the first search of a common word keeps its counts"

    group, elsewhere = network["group"].pk, network["elsewhere"].pk
    _put(900, Visibility.PUBLIC)  # a new entry
    _assert_exact(viewers)
    _put(0, Visibility.PUBLIC, text="Zonder het woord.")  # the word taken out
    _assert_exact(viewers)
    _put(1, Visibility.BODY, body_ids=(group,))  # public to the group's members
    _put(2, Visibility.NETWORK, body_ids=(elsewhere,))
    _assert_exact(viewers)
    _put(1, Visibility.RESTRICTED, body_ids=(elsewhere,))  # and on to restricted elsewhere
    _assert_exact(viewers)
    # Two words that start with the prefix: the entry is counted once for it.
    _put(901, Visibility.NETWORK, text=f"Een {WORD} zoekt een {PREFIX}staat.")
    _put(902, Visibility.NETWORK, text=f"Alleen een {PREFIX}staat.")
    _assert_exact(viewers)
    _put(901, Visibility.NETWORK, text=f"Alleen een {PREFIX}staat.")
    _assert_exact(viewers)
    writing.delete_keys(["library.section:700003", "library.section:700900"])
    _assert_exact(viewers)
    # Each change was added to the rows kept; none of them counted the word again.
    assert _kept() >= kept


def test_a_write_of_many_entries_at_once_has_the_word_counted_again(
    viewers: dict[str, Any],
) -> None:
    _assert_exact(viewers)
    kept = _kept()

    index.bulk_put(
        (f"library.section:{710_000 + number}", _entry(number, Visibility.NETWORK, (), ()))
        for number in range(writing.SCOPED_AT_MOST + 1)
    )

    _assert_exact(viewers)
    assert _kept().isdisjoint(kept)


def test_a_rebuild_of_the_index_has_the_word_counted_again(viewers: dict[str, Any]) -> None:
    _assert_exact(viewers)
    kept = _kept()

    index.rebuild()  # the index of the records themselves: none of them holds the word

    assert not _kept()
    _assert_exact(viewers)
    assert search(None, WORD).counts_by_kind == {}
    assert not kept & _kept()


def test_a_search_with_filters_several_words_or_a_phrase_is_counted_by_the_engine(
    viewers: dict[str, Any], network: dict[str, Any]
) -> None:
    search(viewers["office"], f"{WORD} proef")
    search(viewers["office"], WORD, year=2021)
    search(viewers["office"], WORD, body=network["group"])
    search(viewers["office"], f'"een {WORD}"')

    assert not WordCount.objects.exists()


def _waiting_for_a_lock() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
        (waiting,) = cursor.fetchone()
    return int(waiting)


def _until_one_waits() -> None:
    deadline = time.monotonic() + 20
    while not _waiting_for_a_lock():
        assert time.monotonic() < deadline, "nobody came to wait for the lock"
        time.sleep(0.02)


def _in_thread(work: Callable[[], Any]) -> Callable[[], Any]:
    def run() -> Any:
        try:
            return work()
        finally:
            connection.close()

    return run


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer at a time")
def test_a_write_beside_the_first_count_of_a_word_is_in_the_count_once(
    transactional_db: None, network: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    office = network["users"]["office"]
    index.bulk_put(
        [(f"library.section:{720_000 + n}", _entry(n, "public", (), ())) for n in range(3)]
    )
    writing.settle()

    # A write that began before the count: the count waits for it, and counts it.
    written, go_on = threading.Event(), threading.Event()

    def write_and_wait() -> None:
        with transaction.atomic():
            _put(4, Visibility.PUBLIC)
            written.set()
            go_on.wait(20)

    with ThreadPoolExecutor(max_workers=2) as pool:
        writer = pool.submit(_in_thread(write_and_wait))
        assert written.wait(20)
        counter = pool.submit(_in_thread(lambda: search(office, WORD).counts_by_kind))
        _until_one_waits()
        go_on.set()
        writer.result(20)
        assert counter.result(20) == {"sectie": 4}

    # A write that begins while a word is counted waits for the count, then changes it.
    WordCount.objects.all().delete()
    caching.bump("search")
    counting, go_on = threading.Event(), threading.Event()
    tally = engines.PostgresEngine.tally

    def slow_tally(self: Any, cursor: Any, q: Any) -> Any:
        found = tally(self, cursor, q)
        counting.set()
        go_on.wait(20)
        return found

    monkeypatch.setattr(engines.PostgresEngine, "tally", slow_tally)
    with ThreadPoolExecutor(max_workers=2) as pool:
        counter = pool.submit(_in_thread(lambda: search(office, WORD).counts_by_kind))
        assert counting.wait(20)
        writer = pool.submit(_in_thread(lambda: _put(5, Visibility.PUBLIC)))
        _until_one_waits()
        go_on.set()
        assert counter.result(20) == {"sectie": 4}
        writer.result(20)

    assert search(office, WORD).counts_by_kind == {"sectie": 5} == _allowed(office)

    # Two searches that count the word at the same time (two processes after a start): both
    # answer, and the counts are kept once.
    WordCount.objects.all().delete()
    caching.bump("search")
    both_counted = threading.Barrier(2, timeout=20)

    def counted_together(self: Any, cursor: Any, q: Any) -> Any:
        found = tally(self, cursor, q)
        both_counted.wait()
        return found

    monkeypatch.setattr(engines.PostgresEngine, "tally", counted_together)
    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = [
            pool.submit(_in_thread(lambda: search(office, WORD).counts_by_kind)) for _ in range(2)
        ]
        assert [answer.result(20) for answer in answers] == [{"sectie": 5}] * 2
    assert WordCount.objects.filter(word=stem(WORD)).count() == 1
