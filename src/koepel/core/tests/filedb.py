"""Koepel in subprocesses on a real database of their own, for the tests that need what the
in-memory test database cannot give: files on disk, other processes, being killed.

Each installation gets its own data folder. On SQLite (the default) that folder holds the
database; when the test run uses PostgreSQL (DATABASE_URL), it gets a database of its own
beside the test database, dropped again afterwards.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

# Prints per table the number of rows and a hash of them all, sorted, so two databases can be
# compared row for row without caring about the order the rows come back in.
DUMP_ROWS = """
import hashlib, json, django
django.setup()
from django.db import connection
out = {}
with connection.cursor() as cursor:
    for table in sorted(connection.introspection.table_names(cursor)):
        cursor.execute("SELECT * FROM " + connection.ops.quote_name(table))
        rows = sorted(
            repr(tuple(bytes(v) if isinstance(v, memoryview) else v for v in row))
            for row in cursor.fetchall()
        )
        out[table] = [len(rows), hashlib.sha256("\\n".join(rows).encode()).hexdigest()]
print(json.dumps(out))
"""


def postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


@dataclass
class Installation:
    data_dir: Path
    database_url: str | None = None

    @property
    def env(self) -> dict[str, str]:
        env = {**os.environ, "KOEPEL_DATA_DIR": str(self.data_dir), "PYTHONUNBUFFERED": "1"}
        env.pop("DJANGO_SETTINGS_MODULE", None)
        env["DJANGO_SETTINGS_MODULE"] = "koepel.settings"
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        else:
            env.pop("DATABASE_URL", None)
        return env

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "koepel.sqlite3"

    def koepel(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(  # noqa: S603 - this interpreter, our own arguments
            [sys.executable, "-m", "koepel.cli", *args],
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"koepel {' '.join(args)} failed:\n{result.stderr}")
        return result

    def python(self, code: str, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 - as above
            [sys.executable, "-c", code, *args],
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
        )

    def rows(self) -> dict[str, list[object]]:
        dumped: dict[str, list[object]] = json.loads(self.python(DUMP_ROWS).stdout)
        return dumped

    def fetch(self, sql: str) -> list[tuple[object, ...]]:
        """The rows of one query (no parameters), straight from the database."""
        if self.database_url:
            with psycopg.connect(self.database_url, autocommit=True) as db:
                return list(db.execute(sql).fetchall())  # type: ignore[arg-type]
        db = sqlite3.connect(self.sqlite_path, timeout=30)
        try:
            return list(db.execute(sql).fetchall())
        finally:
            db.close()

    def files(self) -> dict[str, str]:
        """SHA-256 per uploaded file, by folder and path."""
        found = {}
        for folder in ("private", "media"):
            root = self.data_dir / folder
            for path in sorted(root.rglob("*")) if root.is_dir() else []:
                if path.is_file():
                    name = f"{folder}/{path.relative_to(root).as_posix()}"
                    found[name] = hashlib.sha256(path.read_bytes()).hexdigest()
        return found


def _admin_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/postgres"))


def new_installation(data_dir: Path, name: str) -> Installation:
    """An empty installation: a new data folder and, on PostgreSQL, a new empty database."""
    url = postgres_url()
    if url is None:
        return Installation(data_dir)
    base = urlsplit(url).path.lstrip("/") or "koepel"
    database = f"{base}_{name}"
    with psycopg.connect(_admin_url(url), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{database}"')
    return Installation(data_dir, urlunsplit(urlsplit(url)._replace(path=f"/{database}")))


def copy_installation(template: Installation, data_dir: Path, name: str) -> Installation:
    """A copy of ``template``: its data folder and, on PostgreSQL, its database (which nothing
    may be connected to meanwhile)."""
    shutil.copytree(template.data_dir, data_dir)
    if not template.database_url:
        return Installation(data_dir)
    url = urlsplit(template.database_url)
    source = url.path.lstrip("/")
    database = f"{urlsplit(postgres_url() or '').path.lstrip('/') or 'koepel'}_{name}"
    with psycopg.connect(_admin_url(template.database_url), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{database}" TEMPLATE "{source}"')
    return Installation(data_dir, urlunsplit(url._replace(path=f"/{database}")))


def remove_installation(installation: Installation) -> None:
    if installation.database_url:
        database = urlsplit(installation.database_url).path.lstrip("/")
        with psycopg.connect(_admin_url(installation.database_url), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
