"""Who may keep a copy of an answer.

The rule: an answer whose content depends on who asks is kept by nobody — not by a shared
cache, not in the browser's cache or history on disk. That is every answer to a signed-in user
(what they see follows their seats: restricted records, contact details, their calendar
address, a newly made API token), and an answer addressed by a secret instead of a session (a
personal calendar feed), which its view marks with ``keep_private``. Answers to visitors who
are not signed in show only what is public and keep whatever caching their view gives them.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import secrets
import threading
from collections.abc import Callable, Iterable, Iterator
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control

from koepel.core.models import DataVersion, ScopedVersion

PRIVATE = "private, no-store"


def keep_private(response: HttpResponse) -> HttpResponse:
    """Mark the answer as for this reader alone and not to be stored anywhere."""
    current = response.get("Cache-Control", "")
    if "no-store" in current:
        patch_cache_control(response, private=True)
    else:
        # A lifetime the view gave (max-age=300) no longer applies once nothing may store it.
        response["Cache-Control"] = PRIVATE
    return response


class PrivateWhenSignedInMiddleware:
    """Applies ``keep_private`` to every answer to a signed-in user."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            keep_private(response)
        return response


def personal(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark a view whose answer is made for the one person asking ("Mijn werk"): it is kept
    private and never stored, whoever asks, and ``view.personal`` tells a cache put in front of
    the views later that this answer is never shared between users, whatever its address."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return keep_private(view(request, *args, **kwargs))

    wrapped.personal = True  # type: ignore[attr-defined]
    return wrapped


# -- Parts of pages kept for everyone with the same access ----------------------------------
#
# A rendered part of a page (a body's page below its header, a list's table, a page of an API
# list) is kept in Django's cache under a key of three things:
#
# - what the reader may see: an access key the caller derives from the access rules
#   (``koepel.accounts.access.access_key``), the same for everyone whose seats and named
#   records are the same, so that they share the part;
# - the data it shows: the tokens of the kinds of data it reads (``DataVersion``), changed in
#   the transaction of every write of that kind, so that the next request, on any process or
#   server, asks for a new key;
# - what else changes the text: the language and the date (a role that ends today is current
#   until midnight), and whatever the caller adds (the address, a page number).
#
# Nothing personal is ever kept: the header with the reader's name and "Mijn werk" are
# rendered for each request. A form in a kept part is built with a stand-in for its CSRF token
# (``form_token``), which ``FormTokenMiddleware`` replaces with the reader's own token on the
# way out, so that the secretaries of a body share their meeting pages and each posts with
# their own token. A part that holds a real form token is not stored
# (``_holds_a_form_token``), whatever its caller says.

T = TypeVar("T")
logger = logging.getLogger(__name__)

# How long a part is kept at most: the tokens decide when it is stale, this only frees room.
LIFETIME = 24 * 60 * 60

_local = threading.local()


def enabled() -> bool:
    """Whether parts of pages are kept (``KOEPEL_CACHE=off`` turns it off, for comparison)."""
    return bool(getattr(settings, "KOEPEL_CACHE", True))


def _kind_of(model: type[models.Model]) -> str | None:
    """The kind of data a model's rows are: its app, for Koepel's own apps (not ``core``)."""
    meta = model._meta
    if not meta.app_config or not meta.app_config.name.startswith("koepel."):
        return None
    return None if meta.app_label == "core" else meta.app_label


# The token of the writes of a kind that name no scope: every part kept under one of the kind's
# scopes is kept under it too.
WIDE = "*"


def scoped(kind: str, scope: object) -> str:
    """The name of the token of ``kind`` within one scope (``meetings@body-12``), to give
    ``kept()`` among its kinds; ``scoped(kind, WIDE)`` is that of the kind's other writes."""
    return f"{kind}@{scope}"


def bump(*kinds: str, within: Iterable[str] | None = None) -> None:
    """Give each kind of data a new token, in the current transaction: call it from any write
    that passes by the model signals (``QuerySet.update()``, ``bulk_create()``, raw SQL).

    ``within`` names the scopes the write stays in (``body-12``): the tokens of those scopes
    change (none, when it names none), and a part kept under another scope of the kind stays.
    Without it the write may touch anything of the kind, and every part of the kind is built
    afresh."""
    connection = transaction.get_connection()
    scopes = [WIDE] if within is None else sorted(set(within))
    names = [
        name for kind in dict.fromkeys(kinds) for name in (kind, *(scoped(kind, s) for s in scopes))
    ]
    marked = _bumped_here(connection)
    names = [name for name in names if name not in marked]
    if names:
        _new_tokens(names)
        if connection.in_atomic_block:
            transaction.on_commit(_Bumped(names, connection.savepoint_ids, _reads()))
    # What this request read before no longer holds for the rest of it.
    _local.versions = None
    _local.scoped = None


def _new_tokens(names: list[str]) -> None:
    # A random token rather than a count, from the system's source (the same in no two
    # processes): a transaction rolled back, or a database restored from a back-up, never
    # makes a token stand for other data than the parts kept under it show. One statement
    # for the kinds and one for the scopes, their rows in one order (no two writers wait for
    # each other's rows the other way round).
    token = secrets.randbits(62)
    wide, within = [], []
    for name in sorted(names):
        kind, _, scope = name.partition("@")
        if scope and scope != WIDE:
            within.append(ScopedVersion(kind=kind, scope=scope, token=token))
        else:
            wide.append(DataVersion(kind=name, token=token))
    if wide:
        DataVersion.objects.bulk_create(
            wide, update_conflicts=True, unique_fields=["kind"], update_fields=["token"]
        )
    if within:
        ScopedVersion.objects.bulk_create(
            within,
            update_conflicts=True,
            unique_fields=["kind", "scope"],
            update_fields=["token"],
        )


class _Bumped:
    """Marks, among a transaction's on-commit callbacks, the tokens made new in it: one token
    per kind (or scope) and transaction is enough, however many rows it writes (a delete of a
    thousand rows sends a thousand signals)."""

    def __init__(self, names: list[str], savepoints: list[str], reads: int) -> None:
        self.names = frozenset(names)
        self.savepoints = tuple(savepoints)
        self.reads = reads

    def __call__(self) -> None:
        """Nothing to do once committed: the token was written with the data."""


def _bumped_here(connection: Any) -> frozenset[str]:
    """The tokens made new in the same (sub)transaction, which is still open, that no one in
    this process has read since. A rolled-back savepoint takes its marks along, and a
    savepoint that is gone (a block that ended) no longer counts. Other processes cannot see
    a token before the commit; this process can (a test's requests share one transaction),
    so a read in between asks for a new one."""
    if not connection.in_atomic_block:
        return frozenset()
    here = tuple(connection.savepoint_ids)
    reads = _reads()
    return frozenset().union(
        *(
            mark.names
            for _, mark, *_ in connection.run_on_commit
            if isinstance(mark, _Bumped) and mark.savepoints == here and mark.reads == reads
        )
    )


def _reads() -> int:
    return int(getattr(_local, "reads", 0))


# How a model's write names its scopes: from a row and the fields a save names (None for
# all), the scopes it is shown in; None when a write of it may touch more than those.
Scopes = Callable[[Any, "frozenset[str] | None"], "Iterable[str] | None"]
_SCOPES: dict[type[models.Model], Scopes] = {}


def scope_writes(model: type[models.Model], scopes: Scopes) -> None:
    """Declare the scopes a save or delete of a row of ``model`` stays in (from an app's
    ``ready()``): a write of such a row gives only those scopes new tokens, besides its kind.
    A change of a row is in the scopes of the row as it was stored and as it is saved (an
    action handed to another body leaves the first body's pages as well)."""
    _SCOPES[model] = scopes


def bump_model(model: type[models.Model], within: Iterable[str] | None = None) -> None:
    """A new token for the kind of data ``model`` is."""
    kind = _kind_of(model)
    if kind is not None:
        bump(kind, within=within)


def _before_write(sender: type[models.Model], **kwargs: Any) -> None:
    """Before a change or a delete of a row of a model with scopes: the scopes of the row as
    stored, which the pages showed (the instance may have been read before someone else
    changed the row)."""
    scopes = _SCOPES.get(sender)
    instance = kwargs["instance"]
    if scopes is None or kwargs.get("raw") or instance._state.adding or instance.pk is None:
        return
    rows = sender._base_manager.db_manager(kwargs.get("using"))
    stored = rows.filter(pk=instance.pk).order_by().first()
    fields = kwargs.get("update_fields")
    instance._koepel_scopes_before = None if stored is None else scopes(stored, fields)


def _on_write(sender: type[models.Model], **kwargs: Any) -> None:
    action = kwargs.get("action")
    if action is not None and action.startswith("pre_"):  # m2m_changed: once, after
        return
    within = None
    scopes = _SCOPES.get(sender)
    # A change of a many-to-many relation is a change of what a row belongs to, and a fixture
    # is loaded as it is: both wide.
    if scopes is not None and action is None and not kwargs.get("raw"):
        instance = kwargs["instance"]
        before = instance.__dict__.pop("_koepel_scopes_before", None)
        if kwargs.get("signal") is post_delete:  # where the row was
            within = before
        elif kwargs.get("created"):  # where it is
            within = scopes(instance, kwargs.get("update_fields"))
        else:  # where it was and is: an action handed to another body leaves the first one
            after = scopes(instance, kwargs.get("update_fields"))
            within = None if before is None or after is None else [*before, *after]
    bump_model(sender, within=within)


def connect_signals() -> None:
    """Every save and delete of a Koepel model, wherever it is made (services, the back
    office, imports, fixtures), gives its kind a new token."""
    pre_save.connect(_before_write, dispatch_uid="koepel-data-version-before-save")
    pre_delete.connect(_before_write, dispatch_uid="koepel-data-version-before-delete")
    post_save.connect(_on_write, dispatch_uid="koepel-data-version-save")
    post_delete.connect(_on_write, dispatch_uid="koepel-data-version-delete")
    m2m_changed.connect(_on_write, dispatch_uid="koepel-data-version-m2m")


def versions() -> dict[str, int]:
    """The token of every kind of data: read once per request (one small query), again only
    after a write in the same request."""
    known: dict[str, int] | None = getattr(_local, "versions", None)
    if known is None:
        known = dict(DataVersion.objects.values_list("kind", "token"))
        _local.reads = _reads() + 1
        if getattr(_local, "in_request", False):
            _local.versions = known
    return known


def _scoped_versions(names: list[str]) -> dict[str, int]:
    """The tokens of these scopes (``kind@scope``): read when a part asks for them, once per
    request, again only after a write in the same request."""
    known: dict[str, int] | None = getattr(_local, "scoped", None)
    if known is None:
        known = {}
    missing = [name for name in names if name not in known]
    if missing:
        wanted = [name.partition("@") for name in missing]
        rows = ScopedVersion.objects.filter(
            kind__in={kind for kind, _, _ in wanted}, scope__in={scope for _, _, scope in wanted}
        ).values_list("kind", "scope", "token")
        found = {scoped(kind, scope): token for kind, scope, token in rows}
        known.update({name: found.get(name, 0) for name in missing})
        _local.reads = _reads() + 1
        if getattr(_local, "in_request", False):
            _local.scoped = known
    return known


class RequestScopeMiddleware:
    """Keeps the tokens read by a request for that request alone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        _local.versions = None
        _local.scoped = None
        _local.in_request = True
        try:
            return self.get_response(request)
        finally:
            _local.versions = None
            _local.scoped = None
            _local.in_request = False


@functools.cache
def release() -> str:
    """A digest of the code, templates and static files this process runs: a part kept by an
    older release (in Redis, which outlives a restart) is never served by a newer one, whose
    templates may write it otherwise or whose style sheets have other names. Read once per process, from the files themselves, so that no release
    number has to be remembered."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent.parent
    for path in sorted(package.rglob("*")):
        if path.is_file() and not {"tests", "__pycache__"} & set(path.parts):
            digest.update(str(path.relative_to(package)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def key(name: str, *, access: str, kinds: Iterable[str], parts: Iterable[object] = ()) -> str:
    """The cache key of a part named ``name`` for readers with this access, showing these
    kinds of data: kinds (``meetings``) or their scopes (``meetings@body-12``). A part kept
    under a scope is kept under its kind's writes that name no scope as well."""
    wanted = set(kinds)
    within = sorted(kind for kind in wanted if "@" in kind and not kind.endswith(f"@{WIDE}"))
    wanted.update(scoped(kind.partition("@")[0], WIDE) for kind in within)
    known = versions()
    if within:
        known = {**known, **_scoped_versions(within)}
    tokens = [(kind, known.get(kind, 0)) for kind in sorted(wanted)]
    day = timezone.localdate().isoformat()
    seed = repr((release(), tokens, day, translation.get_language(), tuple(parts)))
    digest = hashlib.sha256(seed.encode()).hexdigest()[:32]
    return f"koepel:{name}:{access}:{digest}"


def address_query(request: HttpRequest) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The query string as part of a key (a list's filters and page): every parameter and
    its values, in a fixed order."""
    return tuple(sorted((name, tuple(values)) for name, values in request.GET.lists()))


# What ``{% csrf_token %}`` writes in a part that is being built to be kept: letters only, so
# that the tag writes it as it is; a whole tag with quotes and angle brackets, so that no text a
# user wrote (which is escaped) and no Markdown (which allows no ``input``) can look like it.
FORM_TOKEN_STAND_IN = "koepel-form-token-stand-in"  # noqa: S105  # nosec B105: a marker, not a secret
_STAND_IN_TAG = f'<input type="hidden" name="csrfmiddlewaretoken" value="{FORM_TOKEN_STAND_IN}">'


def form_token(request: HttpRequest) -> dict[str, str]:
    """Context processor: while a part is built to be kept, forms get the stand-in for their
    CSRF token instead of the reader's own (Django's own ``csrf`` processor runs before this
    one, which overrides it)."""
    if getattr(_local, "building", 0):
        return {"csrf_token": FORM_TOKEN_STAND_IN}
    return {}


class FormTokenMiddleware:
    """Writes the reader's own CSRF token where a kept part has the stand-in. It comes after
    ``CsrfViewMiddleware`` in ``MIDDLEWARE``, so that the token cookie it may need is set."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.stand_in = _STAND_IN_TAG.encode()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            not response.streaming
            and response.get("Content-Type", "").startswith("text/html")
            and self.stand_in in response.content
        ):
            # One masked token for the answer's forms, as {% csrf_token %} writes one for all
            # the forms of a page it renders (the mask changes with every answer).
            token = get_token(request)
            tag = f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
            response.content = response.content.replace(self.stand_in, tag.encode())
        return response


def _holds_a_form_token(value: object) -> bool:
    """Whether a part holds a real form token, or the stand-in outside the tag that
    ``FormTokenMiddleware`` replaces, itself or in the pieces it is made of."""
    if isinstance(value, str):
        rest = value.replace(_STAND_IN_TAG, "")
        return "csrfmiddlewaretoken" in rest or FORM_TOKEN_STAND_IN in rest
    if isinstance(value, dict):
        return any(map(_holds_a_form_token, value.values()))
    if isinstance(value, list | tuple):
        return any(map(_holds_a_form_token, value))
    return False


def kept(
    name: str,
    build: Callable[[], T],
    *,
    access: str | Callable[[], str],
    kinds: Iterable[str],
    parts: Iterable[object] = (),
) -> T:
    """The part from the cache, else built by ``build()`` and kept (a ``None`` is not kept).
    ``access`` is the reader's access key, or what gives it (asked only when the cache is on)."""
    if not enabled():
        return build()
    if callable(access):
        access = access()
    address = key(name, access=access, kinds=kinds, parts=parts)
    try:
        value = cache.get(address)
    except Exception:  # a cache server that is away costs speed, never the page
        logger.warning("The cache could not be read; the part is rendered afresh.", exc_info=True)
        return build()
    if value is not None:
        return value  # type: ignore[no-any-return]
    with _one_build(address) as built_meanwhile:
        if built_meanwhile:
            value = _read(address)
            if value is not None:
                return value  # type: ignore[no-any-return]
        _local.building = getattr(_local, "building", 0) + 1
        try:
            value = build()
        finally:
            _local.building -= 1
        if value is not None and not _holds_a_form_token(value):
            try:
                cache.set(address, value, LIFETIME)
            except Exception:
                logger.warning("The cache could not keep a part.", exc_info=True)
    return value


# One build of a part at a time in this process. With an empty cache (a start, a write of the
# kind) the requests that arrive together all miss the same parts; each built them on its own,
# several times the work, all at once, and under load at 25 requests a second on PostgreSQL the
# first half minute queued for seconds. A thread that finds a part being built waits for it
# (at most ``BUILD_WAIT`` seconds, after which it builds the part itself) and reads it kept.
BUILD_WAIT = 10.0
_builds: dict[str, threading.Event] = {}
_builds_lock = threading.Lock()


@contextlib.contextmanager
def _one_build(address: str) -> Iterator[bool]:
    """Around the build of the part at ``address``: whether another thread built it while
    this one waited (then read it again)."""
    with _builds_lock:
        running = _builds.get(address)
        if running is None:
            _builds[address] = mine = threading.Event()
    if running is not None:
        running.wait(BUILD_WAIT)
        yield True
        return
    try:
        yield False
    finally:
        with _builds_lock:
            del _builds[address]
        mine.set()


def _read(address: str) -> Any:
    try:
        return cache.get(address)
    except Exception:
        return None
