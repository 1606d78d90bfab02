"""ETags on every record and ``If-Match`` on every change, so no write overwrites another
unseen (optimistic locking, as the edit forms have it).

The ETag is a hash of the record's representation, so it changes whenever anything a client
can see changes. A write compares it with ``If-Match`` inside the write's own transaction,
with the record locked, then makes the change: two clients that read the same version cannot
both write it.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext_lazy as _
from rest_framework.request import Request

from koepel.api.problems import PreconditionFailed, PreconditionRequired

WILDCARD_REFUSED = _(
    "If-Match: * does not say which version you changed. Send the ETag you last read, so "
    "that nobody's change is overwritten unseen."
)


def etag_of(representation: Any) -> str:
    encoded = json.dumps(
        representation, sort_keys=True, cls=DjangoJSONEncoder, separators=(",", ":")
    ).encode()
    return '"' + hashlib.sha256(encoded).hexdigest()[:32] + '"'


def _tags(header: str) -> list[str]:
    return [tag.strip() for tag in header.split(",") if tag.strip()]


def require_match(request: Request, current: str) -> None:
    """Refuse a write that does not name the current ETag (RFC 9110 §13.1.1, strong
    comparison: a weak tag never matches).

    ``If-Match: *`` is refused like a missing header (428). RFC 9110 lets ``*`` match whatever
    version is current, which would let a client overwrite a change it never saw; the API
    promises that no change does, so a write must name the version it was based on."""
    header = request.headers.get("If-Match")
    if not header:
        raise PreconditionRequired()
    tags = _tags(header)
    if "*" in tags:
        raise PreconditionRequired(WILDCARD_REFUSED)
    if current in tags:
        return
    raise PreconditionFailed()


def not_modified(request: Request, current: str) -> bool:
    header = request.headers.get("If-None-Match")
    if not header:
        return False
    tags = [tag.removeprefix("W/") for tag in _tags(header)]
    return "*" in tags or current in tags
