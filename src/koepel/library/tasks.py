"""Background work of the knowledge base, run by the task worker beside the web server."""

from __future__ import annotations

from django_tasks import task

from koepel.library.models import DocumentFile
from koepel.library.reading import read_text


@task()
def read_text_later(version_pk: int) -> None:
    """Read the text of a large file after its upload has been answered."""
    version = DocumentFile.objects.filter(pk=version_pk).select_related("document").first()
    if version is not None:
        read_text(version)
