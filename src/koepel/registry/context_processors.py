from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from koepel.registry.selectors import current_network


def network(request: HttpRequest) -> dict[str, Any]:
    """The network for every page's header, title and footer (as the first-run check read it
    for this request, when it did), and the name the site goes by: the network's own, or,
    before there is a network, no name of a network at all (Koepel is the software, not the
    network)."""
    found = getattr(request, "koepel_network", _UNREAD)
    if found is _UNREAD:
        found = current_network()
    return {"network": found, "header_name": str(found) if found else _("New network")}


_UNREAD = object()
