"""Django's cache in the process's own memory, bounded by the bytes it holds.

Django's ``LocMemCache`` counts entries, not bytes. Koepel keeps rendered parts of pages in
it, and every write leaves the parts of the data's old version behind (their keys are never
asked for again): a few thousand entries of tens to hundreds of kilobytes each grew a worker
to more than 600 MB under the 50-user mix at scale 100. This cache drops the parts read least
recently once the pickled values pass ``MAX_BYTES`` (``KOEPEL_CACHE_MB``), as the entries'
count does in Django's. Several app servers share a cache through ``CACHE_URL`` (Redis, whose
own ``maxmemory`` bounds it) instead.
"""

from __future__ import annotations

from collections import OrderedDict
from threading import Lock
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache

# The bytes each named cache holds, beside Django's own module-level stores of its entries.
_sizes: dict[str, dict[str, int]] = {}


class BoundedLocMemCache(LocMemCache):
    # Django's own attributes and methods, which its type stubs leave out.
    _cache: OrderedDict[str, bytes]
    _expire_info: dict[str, float | None]
    _lock: Lock

    def __init__(self, name: str, params: dict[str, Any]) -> None:
        super().__init__(name, params)
        options = params.get("OPTIONS", {})
        self._max_bytes = int(options.get("MAX_BYTES", 64 * 1024 * 1024))
        self._sizes = _sizes.setdefault(name, {})

    @property
    def size(self) -> int:
        """The bytes of the pickled values held."""
        with self._lock:
            return sum(self._sizes.values())

    # The methods below are those of LocMemCache that add or remove an entry; each runs with
    # the cache's lock held, as Django's own.

    def _set(self, key: str, value: bytes, timeout: Any = DEFAULT_TIMEOUT) -> None:
        super()._set(key, value, timeout)  # type: ignore[misc]
        self._sizes[key] = len(value)
        held = sum(self._sizes.values())
        # The least recently read are at the end (Django moves a read entry to the front).
        while held > self._max_bytes and len(self._cache) > 1:
            oldest, _ = self._cache.popitem()
            self._expire_info.pop(oldest, None)
            held -= self._sizes.pop(oldest, 0)

    def _delete(self, key: str) -> bool:
        self._sizes.pop(key, None)
        return bool(super()._delete(key))  # type: ignore[misc]

    def _cull(self) -> None:
        super()._cull()  # type: ignore[misc]
        for key in set(self._sizes) - set(self._cache):
            del self._sizes[key]

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()
            self._expire_info.clear()
            self._sizes.clear()

    def incr(self, key: str, delta: int = 1, version: Any = None) -> Any:
        value = super().incr(key, delta, version)
        with self._lock:
            made = self.make_and_validate_key(key, version=version)
            self._sizes[made] = len(self._cache.get(made, b""))
        return value
