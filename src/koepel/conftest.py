"""Test settings shared by every app's tests: fast hashing, no manifest for static files."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction


@pytest.fixture(autouse=True)
def _fast_and_offline(settings: Any, tmp_path: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_AUTOREFRESH = True  # serve from the apps' folders, no collectstatic
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.KOEPEL_PRIVATE_ROOT = tmp_path / "private"
    # Background tasks run at once in tests, inside the request that enqueues them.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def demo(db: None) -> None:
    """The G40 2021 demo network, loaded through `koepel demo` for this test alone."""
    call_command("demo", stdout=io.StringIO())


@pytest.fixture(scope="module")
def _demo_for_module(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    # Loading the demo takes a couple of seconds; a module of read-only checks loads it once,
    # inside a transaction that is rolled back when the module is done. Each test then runs in
    # a savepoint of its own, so nothing one test changes reaches the next.
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("demo", stdout=io.StringIO())
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def shared_demo(_demo_for_module: None, db: None) -> None:
    """The demo network, loaded once for the module (use in modules whose tests all need it)."""
