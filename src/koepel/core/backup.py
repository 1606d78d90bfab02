"""Back-up and restore: the database and the uploaded files in one archive.

The database is copied as one consistent snapshot while the application keeps running: SQLite
through its online backup API, PostgreSQL through ``pg_dump`` in its custom format inside one
repeatable-read snapshot. The uploaded files (KOEPEL_PRIVATE_ROOT and MEDIA_ROOT) are copied
after the snapshot, each with its SHA-256 in the manifest.

An archive holds::

    manifest.json          format, engine, time, rows per table, SHA-256 per file
    database.sqlite3       (SQLite) or database.pgdump (PostgreSQL, pg_dump -Fc)
    private/...            the uploaded documents
    media/...              other media files
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

FORMAT = 1
MANIFEST = "manifest.json"
FOLDERS = {"private": "KOEPEL_PRIVATE_ROOT", "media": "MEDIA_ROOT"}
_CHUNK = 1024 * 1024


class BackupError(Exception):
    """Something the person running the command must put right; the message says what."""


@dataclass
class Summary:
    engine: str
    created: str
    tables: dict[str, int]
    files: dict[str, str] = field(default_factory=dict)
    bytes_of_files: int = 0

    @property
    def rows(self) -> int:
        return sum(self.tables.values())

    def files_in(self, folder: str) -> int:
        return sum(1 for name in self.files if name.startswith(folder + "/"))


def _engine() -> str:
    vendor = connection.vendor
    if vendor not in {"sqlite", "postgresql"}:
        raise BackupError(f"Back-ups werken met SQLite en PostgreSQL, niet met {vendor}.")
    return vendor


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _count_rows(cursor: Any, tables: list[str]) -> dict[str, int]:
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")  # noqa: S608 - names from the catalogue
        counts[table] = int(cursor.fetchone()[0])
    return counts


def _sqlite_tables(db: sqlite3.Connection) -> list[str]:
    rows = db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    return [name for (name,) in rows]


def _snapshot_sqlite(folder: Path) -> tuple[Path, dict[str, int]]:
    target = folder / "database.sqlite3"
    source = sqlite3.connect(str(settings.DATABASES["default"]["NAME"]), timeout=60)
    copy = sqlite3.connect(str(target))
    try:
        # One step: the whole database is copied under one read lock, so the copy is one
        # moment in time; with WAL, writers carry on meanwhile.
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file in the archive
        counts = {}
        for table in sorted(_sqlite_tables(copy)):
            counts[table] = copy.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]  # noqa: S608
    finally:
        copy.close()
        source.close()
    return target, counts


def _pg_environment() -> dict[str, str]:
    db: dict[str, Any] = dict(settings.DATABASES["default"])
    env = {**os.environ}
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
    ):
        if db.get(key):
            env[variable] = str(db[key])
    if sslmode := db.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = str(sslmode)
    return env


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} is niet gevonden. Installeer de PostgreSQL-clientprogramma's "
            "(bijvoorbeeld het pakket postgresql-client) en probeer het opnieuw."
        )
    return found


def _run(command: list[str]) -> None:
    result = subprocess.run(  # noqa: S603 - our own arguments, no shell
        command, env=_pg_environment(), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} meldt: {result.stderr.strip()}")


def _snapshot_postgresql(folder: Path) -> tuple[Path, dict[str, int]]:
    target = folder / "database.pgdump"
    # pg_dump joins the snapshot this transaction exports, so the dump and the row counts in
    # the manifest show the same moment.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        _run(
            [
                _pg_tool("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                f"--file={target}",
                f"--dbname={settings.DATABASES['default']['NAME']}",
            ]
        )
        counts = _count_rows(cursor, connection.introspection.table_names(cursor))
    return target, counts


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _stored_files() -> Iterator[tuple[str, Path]]:
    """(name in the archive, path on disk) of every uploaded file."""
    for folder, setting in FOLDERS.items():
        root = Path(getattr(settings, setting))
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if path.is_file() and not path.is_symlink():
                yield f"{folder}/{path.relative_to(root).as_posix()}", path


def make_backup(target: Path) -> Summary:
    """Write the database and the uploaded files to ``target`` (a .tar.gz archive)."""
    engine = _engine()
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".koepel-backup-") as work:
        folder = Path(work)
        snapshot = _snapshot_sqlite if engine == "sqlite" else _snapshot_postgresql
        database, tables = snapshot(folder)
        summary = Summary(
            engine=engine,
            created=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            tables=tables,
        )
        partial = folder / "archive.tar.gz"
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(database, arcname=database.name)
            for name, path in _stored_files():
                summary.files[name] = _sha256(path)
                summary.bytes_of_files += path.stat().st_size
                archive.add(path, arcname=name)
            manifest = json.dumps(
                {
                    "format": FORMAT,
                    "engine": engine,
                    "created": summary.created,
                    "database": database.name,
                    "tables": summary.tables,
                    "files": summary.files,
                },
                indent=1,
                sort_keys=True,
            ).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(manifest)
            info.mtime = int(dt.datetime.now(dt.UTC).timestamp())
            archive.addfile(info, io.BytesIO(manifest))
        # Only a finished archive takes the name: a failed back-up never looks like a good one.
        partial.replace(target)
    return summary


def _read_manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = archive.getmember(MANIFEST)
    except KeyError as error:
        raise BackupError(
            "Dit archief is geen back-up van Koepel: manifest.json ontbreekt."
        ) from error
    handle = archive.extractfile(member)
    if handle is None:
        raise BackupError("Dit archief is geen back-up van Koepel: manifest.json is leeg.")
    manifest: dict[str, Any] = json.loads(handle.read())
    if manifest.get("format") != FORMAT:
        raise BackupError(
            f"Deze back-up heeft formaat {manifest.get('format')}; deze versie van Koepel leest "
            f"formaat {FORMAT}."
        )
    return manifest


def _safe_target(root: Path, relative: str) -> Path:
    """Where a file of the archive goes; refuses names that would land outside its folder."""
    parts = PurePosixPath(relative).parts
    if not parts or any(part in {"", ".", ".."} for part in parts) or relative.startswith("/"):
        raise BackupError(f"De back-up bevat een ongeldige bestandsnaam: {relative!r}.")
    return root.joinpath(*parts)


def _existing_tables() -> list[str]:
    with connection.cursor() as cursor:
        return list(connection.introspection.table_names(cursor))


def _existing_files() -> list[str]:
    return [name for name, _ in _stored_files()]


def _restore_sqlite(database: Path) -> None:
    connection.close()
    source = sqlite3.connect(str(database))
    target = sqlite3.connect(str(settings.DATABASES["default"]["NAME"]), timeout=60)
    try:
        # The backup API replaces the whole target database, pages and schema alike, in one
        # transaction; anyone else connected sees the old or the new database, never a mix.
        source.backup(target)
        target.execute("PRAGMA journal_mode=WAL")
    finally:
        target.close()
        source.close()


def _restore_postgresql(database: Path, *, replace: bool) -> None:
    connection.close()
    command = [
        _pg_tool("pg_restore"),
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
        f"--dbname={settings.DATABASES['default']['NAME']}",
    ]
    if replace:
        command += ["--clean", "--if-exists"]
    _run([*command, str(database)])


def _open(source: Path) -> tarfile.TarFile:
    if not source.is_file():
        raise BackupError(f"Het bestand {source} bestaat niet.")
    try:
        return tarfile.open(source, "r:*")
    except tarfile.TarError as error:
        raise BackupError(f"{source} is geen leesbaar archief: {error}.") from error


_ENGINE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def _refuse_unless_empty(engine: str, manifest: dict[str, Any], *, force: bool) -> bool:
    """Whether the database holds tables; raises when it or the upload folders hold data and
    ``force`` is not given."""
    if manifest["engine"] != engine:
        theirs = _ENGINE_NAMES.get(manifest["engine"], manifest["engine"])
        raise BackupError(
            f"Deze back-up komt uit {theirs}, deze Koepel gebruikt {_ENGINE_NAMES[engine]}. "
            f"Zet hem terug op een Koepel met {theirs}."
        )
    tables, files = _existing_tables(), _existing_files()
    if (tables or files) and not force:
        found = []
        if tables:
            found.append(f"de database heeft al {len(tables)} tabellen")
        if files:
            found.append(f"er staan al {len(files)} bestanden in de mappen voor uploads")
        raise BackupError(
            "Er is niets teruggezet: "
            + " en ".join(found)
            + ". Zet terug in een lege database en een lege datamap, of geef --force om de "
            "database te vervangen door die uit de back-up."
        )
    return bool(tables)


def _extract_to(archive: tarfile.TarFile, name: str, target: Path) -> None:
    try:
        handle = archive.extractfile(archive.getmember(name))
    except KeyError:
        handle = None
    if handle is None:
        raise BackupError(f"{name} ontbreekt in de back-up; er is niets teruggezet.")
    with handle, target.open("wb") as out:
        shutil.copyfileobj(handle, out, _CHUNK)


def _restore_files(archive: tarfile.TarFile, files: dict[str, str]) -> tuple[dict[str, str], int]:
    roots = {name: Path(getattr(settings, setting)) for name, setting in FOLDERS.items()}
    restored: dict[str, str] = {}
    size = 0
    for name, expected in sorted(files.items()):
        folder, _, relative = name.partition("/")
        if folder not in roots:
            raise BackupError(f"De back-up bevat een onbekende map: {name!r}.")
        target = _safe_target(roots[folder], relative)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".koepel-restore")
        _extract_to(archive, name, partial)
        if _sha256(partial) != expected:
            partial.unlink()
            raise BackupError(
                f"{name} in de back-up is beschadigd; de database is niet teruggezet."
            )
        partial.replace(target)
        restored[name] = expected
        size += target.stat().st_size
    return restored, size


def _check_counts(expected: dict[str, int]) -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = _count_rows(cursor, connection.introspection.table_names(cursor))
    different = sorted(table for table in expected if counts.get(table) != expected[table])
    if different:
        raise BackupError(
            "Na het terugzetten wijkt het aantal rijen af in: " + ", ".join(different) + "."
        )
    return {table: counts[table] for table in expected}


def restore_backup(source: Path, *, force: bool = False) -> tuple[Summary, list[str]]:
    """Put the database and the files of a back-up back; returns what was restored and notes
    for the person running it. Refuses a database or upload folder that holds data, unless
    ``force``."""
    engine = _engine()
    try:
        return _restore(engine, source, force=force)
    except (tarfile.TarError, EOFError, zlib.error) as error:
        raise BackupError(
            f"{source} is beschadigd of onvolledig ({error}); er is niets teruggezet."
        ) from error


def _restore(engine: str, source: Path, *, force: bool) -> tuple[Summary, list[str]]:
    with _open(source) as archive, tempfile.TemporaryDirectory(prefix="koepel-restore-") as work:
        manifest = _read_manifest(archive)
        had_tables = _refuse_unless_empty(engine, manifest, force=force)
        database = Path(work) / PurePosixPath(manifest["database"]).name
        _extract_to(archive, manifest["database"], database)
        # The files first, each checked against the manifest, then the database: a back-up
        # with a damaged file stops before the database is touched.
        files, size = _restore_files(archive, manifest["files"])
        if engine == "sqlite":
            _restore_sqlite(database)
        else:
            _restore_postgresql(database, replace=had_tables)
    tables = _check_counts(manifest["tables"])
    notes = []
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        notes.append("De back-up komt van een oudere versie van Koepel: draai nu `koepel migrate`.")
    summary = Summary(
        engine=engine, created=manifest["created"], tables=tables, files=files, bytes_of_files=size
    )
    return summary, notes
