"""Fixtures of the tests of kept parts of pages (koepel.core.caching)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from django.core.cache import caches

from koepel.core.tests.test_serve import _free_port

REDIS_SERVER = "/usr/bin/redis-server"


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A Redis server of the tests' own, on a free loopback port, keeping nothing on disk."""
    if not shutil.which(REDIS_SERVER):
        pytest.fail(
            f"No Redis server at {REDIS_SERVER}: the cache is tested against a real one "
            "(Debian: apt-get install redis-server)."
        )
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="koepel-redis-") as folder:
        server = subprocess.Popen(  # noqa: S603  # nosec B603: a fixed program, our own arguments
            [
                REDIS_SERVER,
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                folder,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            client = redis.Redis(host="127.0.0.1", port=port)
            deadline = time.monotonic() + 20
            while True:
                try:
                    client.ping()
                    break
                except redis.ConnectionError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        pytest.fail("The tests' Redis server did not start.")
                    time.sleep(0.05)
            client.close()
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            server.terminate()
            server.wait(timeout=10)


@pytest.fixture(params=["memory", "redis"])
def kept_in(request: pytest.FixtureRequest, settings: Any) -> str:
    """The cache the parts are kept in: this process's memory (no configuration) or Redis
    (``CACHE_URL``), emptied first."""
    if request.param == "redis":
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": request.getfixturevalue("redis_url"),
                "KEY_PREFIX": "koepel",
            }
        }
    settings.KOEPEL_CACHE = True
    assert type(caches["default"]).__name__ == (
        "RedisCache" if request.param == "redis" else "BoundedLocMemCache"
    )
    caches["default"].clear()
    return str(request.param)
