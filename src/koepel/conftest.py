"""Test settings shared by every app's tests: fast hashing, no manifest for static files."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings

IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


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
    settings.TASKS = IMMEDIATE_TASKS
    # Most tests make only the records they need, a network seldom among them: the lead to the
    # first-run page is on in the tests of starting a network (accounts/tests/test_new_network.py).
    settings.KOEPEL_FIRST_RUN_REDIRECT = False
    settings.KOEPEL_SETUP_CODE_FILE = tmp_path / "setup-code.sha256"
    # Mail goes through the queue as in production (Django's test set-up would bypass it); the
    # task that sends it runs at once when the transaction commits, into mail.outbox.
    settings.EMAIL_BACKEND = "koepel.core.mail.QueueBackend"
    settings.POST_OFFICE = {
        **settings.POST_OFFICE,
        "BACKENDS": {"default": "django.core.mail.backends.locmem.EmailBackend"},
    }


def pass_second_factor(client: Client, user: Any) -> None:
    """Mark the client's session as having given the second factor, the way the sign-in page
    does after a right code: with the user's own authenticator device (made if they have none)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture(autouse=True)
def _force_login_includes_second_factor(monkeypatch: pytest.MonkeyPatch) -> None:
    """``client.force_login(user)`` stands for a whole sign-in. For a user who signs in with two
    steps (the office, secretaries, a member who turned it on) that includes the second step, so
    tests of what such users see and do need not repeat it. Tests of signing in itself use the
    sign-in pages (accounts/tests/test_two_step_sign_in.py)."""
    from koepel.accounts.access import needs_second_factor
    from koepel.accounts.services import has_second_factor

    original = Client.force_login

    def force_login(self: Client, user: Any, backend: str | None = None) -> None:
        original(self, user, backend)
        two_steps = needs_second_factor(user) or has_second_factor(user=user)
        # The check caches what the user may see on the object; the test may change their roles.
        user.__dict__.pop("_koepel_viewer", None)
        if two_steps:
            pass_second_factor(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture
def demo(db: None) -> None:
    """The G40 2021 demo network, loaded through `koepel demo` for this test alone."""
    call_command("demo", stdout=io.StringIO())


@pytest.fixture(scope="module")
def _demo_for_module(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Path]:
    # Loading the demo takes a couple of seconds; a module of read-only checks loads it once,
    # inside a transaction that is rolled back when the module is done. Each test then runs in
    # a savepoint of its own, so nothing one test changes reaches the next. The demo's files go
    # to a folder of the module's own, not to the data folder of the checkout.
    files = tmp_path_factory.mktemp("demo")
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            # Background tasks run at once, as in each test (_fast_and_offline).
            with override_settings(**_demo_file_settings(files), TASKS=IMMEDIATE_TASKS):
                call_command("demo", stdout=io.StringIO())
            yield files
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _demo_file_settings(files: Path) -> dict[str, Path]:
    return {"MEDIA_ROOT": files / "media", "KOEPEL_PRIVATE_ROOT": files / "private"}


@pytest.fixture
def shared_demo(_demo_for_module: Path, db: None, settings: Any) -> None:
    """The demo network, loaded once for the module (use in modules whose tests all need it)."""
    for name, value in _demo_file_settings(_demo_for_module).items():
        setattr(settings, name, value)


@pytest.fixture(autouse=True)
def _g40_vocabulary(request: pytest.FixtureRequest) -> None:
    """Tests that use the database speak the demo's vocabulary (its kinds of body and meeting,
    its functions), as the demo's data does; a test of another network's words replaces it."""
    marker = request.node.get_closest_marker("django_db")
    names = set(request.fixturenames)
    transactional = "transactional_db" in names or "live_server" in names
    if marker is not None:
        transactional = transactional or bool(marker.kwargs.get("transaction"))
    elif not names & {"db", "transactional_db", "live_server", "django_db_reset_sequences"}:
        return
    request.getfixturevalue("transactional_db" if transactional else "db")
    from koepel.registry.demo import load_vocabulary

    load_vocabulary()


@pytest.fixture(autouse=True)
def _no_parts_kept_from_another_test() -> Iterator[None]:
    """The cache of rendered parts is on in the tests, as in production; each test starts with
    it empty (the data versions of one test's rolled-back transaction are not another's)."""
    from django.core.cache import caches

    for name in caches:
        caches[name].clear()
    yield
