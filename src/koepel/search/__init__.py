"""Search: one index of every app's records, behind the one access check.

An app makes a kind of record searchable with one call in its ``AppConfig.ready()``:
``search.register(SearchKind(...))`` (see ``kinds``). Search itself imports no other app.
"""

from koepel.search.kinds import SearchKind, register

__all__ = ["SearchKind", "register"]
