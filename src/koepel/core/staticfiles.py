"""Static files as ``koepel serve`` serves them: collected into STATIC_ROOT with hashed,
compressed names, and collected again whenever the installed sources are not the ones the
last collect started from.

Every collect (by ``koepel serve`` or by ``koepel collectstatic``) leaves a fingerprint of its
sources in STATIC_ROOT. ``koepel serve`` compares it with the sources installed now before it
starts the web server, so the pages never ask for a hashed name the manifest lacks.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path
from typing import Any, cast

import django
from django.apps import apps
from django.contrib.staticfiles.apps import StaticFilesConfig
from django.contrib.staticfiles.finders import get_finders
from django.core.files.storage import Storage, storages
from django.core.management import call_command
from whitenoise.storage import (  # type: ignore[import-untyped]
    CompressedManifestStaticFilesStorage,
)

# Served like any other file in STATIC_ROOT; it says nothing the static files do not.
FINGERPRINT_NAME = ".koepel-sources"

Sources = Mapping[str, tuple[Storage, str]]


def installed_sources() -> dict[str, tuple[Storage, str]]:
    """What ``collectstatic`` would collect now: each destination path with the finder's
    storage and path of the first file found for it (later ones are ignored, as collect does)."""
    config = cast(StaticFilesConfig, apps.get_app_config("staticfiles"))
    ignore: list[str] = list(config.ignore_patterns)
    found: dict[str, tuple[Storage, str]] = {}
    for finder in get_finders():
        for path, storage in finder.list(ignore):
            prefix = getattr(storage, "prefix", None)
            destination = os.path.join(prefix, path) if prefix else path
            found.setdefault(destination, (storage, path))
    return found


def fingerprint(storage: Storage, sources: Sources) -> str:
    """One hash over the names and contents of the sources and what turns them into the
    collected files (the storage, the static URL, Django's and whitenoise's versions)."""
    digest = hashlib.sha256()
    kind = type(storage)
    made_by = [
        f"{kind.__module__}.{kind.__qualname__}",
        str(getattr(storage, "base_url", "")),
        django.get_version(),
        version("whitenoise"),
    ]
    digest.update("\n".join(made_by).encode())
    for destination in sorted(sources):
        source, path = sources[destination]
        with source.open(path) as file:
            content = hashlib.sha256(file.read()).hexdigest()
        digest.update(f"\n{destination}\0{content}".encode())
    return digest.hexdigest()


class CollectedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Whitenoise's hashed and compressed storage, which also notes after each complete
    collect a fingerprint of the sources it was collected from."""

    def post_process(self, *args: Any, **kwargs: Any) -> Iterator[tuple[str, str, Any]]:
        yield from super().post_process(*args, **kwargs)
        # Reached only when every file was processed: collectstatic stops at the first failure.
        if not kwargs.get("dry_run"):
            sources: Sources = args[0] if args else kwargs["paths"]
            self._write_fingerprint(fingerprint(self, sources))

    def get_modified_time(self, name: str) -> Any:
        # collectstatic skips a source whose copy is not older, to the second: a source changed
        # within that second, or put back with an older date, would keep its old copy under its
        # own name (the hashed copy is made from the source either way). Without a time to
        # compare, collect copies every source: a few hundred small files, little next to
        # compressing them, and every collected file follows its source's contents.
        raise NotImplementedError("collected files are always copied anew")

    def _write_fingerprint(self, value: str) -> None:
        target = Path(self.location) / FINGERPRINT_NAME
        partial = target.with_name(f"{FINGERPRINT_NAME}.{os.getpid()}")
        partial.write_text(value + "\n")
        partial.replace(target)

    def collected_fingerprint(self) -> str | None:
        """The fingerprint the last complete collect left, or None when there is none."""
        try:
            return (Path(self.location) / FINGERPRINT_NAME).read_text().strip()
        except FileNotFoundError:
            return None


@contextmanager
def _only_one_collect_at_a_time(root: Path) -> Iterator[None]:
    """Two servers started at once on one data folder: the second waits for the first's
    collect and then finds the files current."""
    descriptor = os.open(root, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)


def collect_if_stale() -> bool:
    """Collect the static files when STATIC_ROOT lacks them, lacks the manifest, or was
    collected from other sources than the installed ones. True when it collected.

    Settings with another storage (the test settings serve straight from the apps' folders)
    need no collect, and nothing happens."""
    storage = storages["staticfiles"]
    if not isinstance(storage, CollectedStaticFilesStorage):
        return False
    root = Path(storage.location)
    root.mkdir(parents=True, exist_ok=True)
    with _only_one_collect_at_a_time(root):
        current = storage.collected_fingerprint() == fingerprint(storage, installed_sources())
        if current and storage.exists(storage.manifest_name):
            return False
        call_command("collectstatic", interactive=False, verbosity=0)
        return True
