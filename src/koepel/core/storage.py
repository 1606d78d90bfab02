"""Where uploaded files live: outside the web root, served only through views that check
visibility first."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages


class PrivateFileSystemStorage(FileSystemStorage):
    """Files under KOEPEL_PRIVATE_ROOT, without a URL. The root is read from the settings
    each time, so a test or a second process with other settings finds its own folder."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(base_url=None, **kwargs)

    @property
    def base_location(self) -> str:
        return str(settings.KOEPEL_PRIVATE_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)


def private_storage() -> Storage:
    """The storage of uploaded documents (a callable, so migrations refer to it by name):
    the data folder, or S3-compatible storage when the settings name a bucket."""
    return storages["private"]
