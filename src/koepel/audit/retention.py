"""The audit trail's part in removing personal data past its retention (koepel.core.retention):
entries older than the period lose the IP address (and port) the change came from, in the
entry's own fields and in its additional data. Who changed what, and when, stays: that is the
network's record."""

from __future__ import annotations

import ipaddress
from typing import Any

from auditlog.models import LogEntry
from django.db.models import Q

from koepel.core.retention import Expiry, Outcome

# Keys of the additional data that hold where a request came from.
ADDRESS_KEYS = frozenset(
    {"remote_addr", "remote_port", "ip", "ip_address", "client_ip", "x_forwarded_for"}
)


def _is_address(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        ipaddress.ip_address(value.strip())
    except ValueError:
        return False
    return True


def _without_addresses(data: Any) -> Any:
    """``data`` with every address left out: known keys, and any text that is an IP address."""
    if isinstance(data, dict):
        return {
            key: _without_addresses(value)
            for key, value in data.items()
            if str(key).lower() not in ADDRESS_KEYS and not _is_address(value)
        }
    if isinstance(data, list):
        return [_without_addresses(value) for value in data if not _is_address(value)]
    return data


def addresses(expiry: Expiry, dry_run: bool) -> Outcome:
    old = LogEntry.objects.filter(timestamp__lt=expiry.before)
    with_field = set(
        old.filter(Q(remote_addr__isnull=False) | Q(remote_port__isnull=False)).values_list(
            "pk", flat=True
        )
    )
    scrubbed: dict[int, Any] = {}
    for pk, data in old.filter(additional_data__isnull=False).values_list("pk", "additional_data"):
        clean = _without_addresses(data)
        if clean != data:
            scrubbed[pk] = clean
    what = "IP-adressen in het audittrail"
    if dry_run:
        return Outcome(what, len(with_field | set(scrubbed)))
    LogEntry.objects.filter(pk__in=with_field).update(remote_addr=None, remote_port=None)
    for pk, clean in scrubbed.items():
        LogEntry.objects.filter(pk=pk).update(additional_data=clean)
    return Outcome(what, len(with_field | set(scrubbed)))


STEPS = [addresses]
