"""``{% history_link record %}``: the office's way from a record page to its trail."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from koepel.accounts.access import can_read_trail

register = template.Library()


@register.simple_tag(takes_context=True)
def history_link(context: dict[str, Any], record: Any) -> SafeString | str:
    request = context.get("request")
    if request is None or record is None or not can_read_trail(request.user):
        return ""
    meta = record._meta
    url = reverse("audit:record", args=[f"{meta.app_label}.{meta.model_name}", record.pk])
    return format_html('<p class="history-link"><a href="{}">{}</a></p>', url, _("History"))
