"""The cache in each process's memory holds at most its budget of bytes, dropping the parts
read least recently first; the entries it keeps are whole and readable."""

from __future__ import annotations

from koepel.core.local_cache import BoundedLocMemCache

KB = 1024


def _cache(name: str, max_bytes: int) -> BoundedLocMemCache:
    cache = BoundedLocMemCache(name, {"OPTIONS": {"MAX_BYTES": max_bytes, "MAX_ENTRIES": 1000}})
    cache.clear()
    return cache


def test_the_cache_stays_within_its_bytes_and_drops_the_least_recently_read() -> None:
    cache = _cache("proef-grenzen", 100 * KB)
    for number in range(5):
        cache.set(f"deel-{number}", "x" * (30 * KB))
    cache.get("deel-2")  # read again: now the most recent but one
    cache.set("deel-5", "y" * (30 * KB))

    assert cache.size <= 100 * KB
    held = [key for key in (f"deel-{n}" for n in range(6)) if cache.get(key) is not None]
    assert held == ["deel-2", "deel-4", "deel-5"]
    assert cache.get("deel-5") == "y" * (30 * KB)


def test_a_replaced_or_deleted_entry_no_longer_counts() -> None:
    cache = _cache("proef-tellen", 1024 * KB)
    cache.set("deel", "x" * (200 * KB))
    cache.set("deel", "kort")
    assert cache.size < KB
    cache.set("ander", "y" * (10 * KB))
    cache.delete("ander")
    assert cache.size < KB
    cache.set("getal", 1)
    cache.incr("getal", 41)
    assert cache.get("getal") == 42
    cache.clear()
    assert cache.size == 0


def test_one_entry_larger_than_the_budget_is_still_kept_alone() -> None:
    cache = _cache("proef-groot", 10 * KB)
    cache.set("klein", "x")
    cache.set("groot", "y" * (50 * KB))
    assert cache.get("groot") == "y" * (50 * KB)
    assert cache.get("klein") is None
