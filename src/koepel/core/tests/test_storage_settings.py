"""Where uploaded files go: the data folder by default, S3-compatible storage when a bucket is
named. Checked offline: the settings choose and configure the backend; nothing is sent."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

SHOW = """
import json, django
django.setup()
from koepel.core.storage import private_storage
from django.core.files.storage import storages
private, default = private_storage(), storages["default"]
print(json.dumps({
    "private": type(private).__name__,
    "default": type(default).__name__,
    "bucket": getattr(private, "bucket_name", None),
    "location": getattr(private, "location", None),
    "endpoint": getattr(private, "endpoint_url", None),
    "default_location": getattr(default, "location", None),
}))
"""


def _storages(tmp_path: Path, **env: str) -> dict[str, Any]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("KOEPEL_S3_")}
    clean.update(KOEPEL_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="koepel.settings", **env)
    clean.pop("DATABASE_URL", None)
    output = subprocess.run(  # noqa: S603 - this Python, our own code
        [sys.executable, "-c", SHOW], env=clean, capture_output=True, text=True, check=True
    ).stdout
    result: dict[str, Any] = json.loads(output)
    return result


def test_uploads_stay_in_the_data_folder_without_a_bucket(tmp_path: Path) -> None:
    chosen = _storages(tmp_path)
    assert chosen["private"] == "PrivateFileSystemStorage"
    assert chosen["location"] == str(tmp_path / "private")
    assert chosen["default"] == "FileSystemStorage"


def test_a_bucket_sends_uploads_to_s3_compatible_storage(tmp_path: Path) -> None:
    chosen = _storages(
        tmp_path,
        KOEPEL_S3_BUCKET="koepel-bestanden",
        KOEPEL_S3_ENDPOINT_URL="https://objecten.example.nl",
        KOEPEL_S3_ACCESS_KEY_ID="sleutel",
        KOEPEL_S3_SECRET_ACCESS_KEY="geheim",
    )
    assert chosen["private"] == "S3Storage"
    assert chosen["default"] == "S3Storage"
    assert chosen["bucket"] == "koepel-bestanden"
    assert chosen["endpoint"] == "https://objecten.example.nl"
    # Private documents and public media each under a prefix of their own.
    assert chosen["location"] == "private"
    assert chosen["default_location"] == "media"
