from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from koepel.registry.selectors import current_network


def network(request: HttpRequest) -> dict[str, Any]:
    """The network's name for every page's header and title."""
    return {"network": current_network()}
