"""Filters for Koepel's log (settings.LOGGING)."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied


class RefusalsWithoutTraceback(logging.Filter):
    """A refused request (403) is an answer, not a fault: one line says who was refused where,
    without the traceback Django adds to every PermissionDenied. Faults keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403 and record.exc_info:
            error = record.exc_info[1]
            if isinstance(error, PermissionDenied):
                record.exc_info = None
                record.exc_text = None
        return True
