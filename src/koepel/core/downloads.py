"""Handing out a stored file: always as a download, never rendered on this origin."""

from __future__ import annotations

from django.db.models.fields.files import FieldFile
from django.http import FileResponse


def attachment_response(field: FieldFile, filename: str, content_type: str = "") -> FileResponse:
    response = FileResponse(
        field.open("rb"),
        as_attachment=True,
        filename=filename,
        content_type=content_type or "application/octet-stream",
    )
    # Whatever the file holds, the browser must not run it as a page of this site.
    response["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
