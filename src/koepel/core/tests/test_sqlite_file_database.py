"""The embedded SQLite database under real conditions: writers killed halfway, and many writers
at once beside a long import. Runs against a database file of its own (the test database of
pytest lives in memory and cannot show either)."""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from koepel.core.tests.filedb import Installation, postgres_url

pytestmark = pytest.mark.skipif(
    postgres_url() is not None, reason="SQLite behaviour; the run without DATABASE_URL has it"
)

KILLS = 24
SEED = 20211231


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated database file, copied by each test (migrating once per module)."""
    template = Installation(tmp_path_factory.mktemp("sjabloon"))
    template.koepel("migrate", "--no-input", "-v", "0")
    with sqlite3.connect(template.sqlite_path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return template.sqlite_path


@pytest.fixture
def installation(migrated: Path, tmp_path: Path) -> Installation:
    fresh = Installation(tmp_path / "data")
    fresh.data_dir.mkdir()
    shutil.copy(migrated, fresh.sqlite_path)
    return fresh


@pytest.fixture
def writers(installation: Installation) -> Iterator[subprocess.Popen[str]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "koepel.core.tests.writers"],
        env=installation.env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    yield process
    if process.poll() is None:
        process.kill()
        process.wait()
    for pipe in (process.stdin, process.stdout):
        if pipe is not None and not pipe.closed:
            pipe.close()


def _ask(process: subprocess.Popen[str], command: str) -> str:
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(command + "\n")
    process.stdin.flush()
    return process.stdout.readline().strip()


def _committed(path: Path) -> dict[int, str]:
    """Id and name of every write acknowledged after commit (whole lines only)."""
    text = path.read_text() if path.exists() else ""
    lines = text.split("\n")[:-1]  # a line cut off by the kill has no newline yet
    return {int(pk): name for pk, name in (line.split(" ", 1) for line in lines)}


def test_writers_killed_at_random_points_lose_nothing_acknowledged(
    installation: Installation, writers: subprocess.Popen[str], tmp_path: Path
) -> None:
    acknowledged = tmp_path / "bevestigd.log"
    chance = random.Random(SEED)  # noqa: S311 - timings, not secrets
    for _ in range(KILLS):
        before = len(_committed(acknowledged))
        pid = int(_ask(writers, f"fork {acknowledged}").split()[1])
        # Kill at a random moment once the writer is under way, so kills land before, inside
        # and after commits rather than in its start-up.
        deadline = time.monotonic() + 60
        while len(_committed(acknowledged)) == before and time.monotonic() < deadline:
            time.sleep(0.005)
        time.sleep(chance.uniform(0.0, 0.25))
        os.kill(pid, signal.SIGKILL)
    assert _ask(writers, "wait") == "done"
    assert writers.stdin is not None
    writers.stdin.close()
    assert writers.wait(timeout=30) == 0

    committed = _committed(acknowledged)
    assert len({name.split("-")[0] for name in committed.values()}) == KILLS  # each wrote
    with sqlite3.connect(installation.sqlite_path) as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        db.execute("INSERT INTO search_fts (search_fts) VALUES ('integrity-check')")
        stored = dict(
            db.execute(
                f"SELECT id, name FROM registry_person WHERE id IN ({','.join('?' * len(committed))})",  # noqa: S608
                list(committed),
            ).fetchall()
        )
        indexed = {
            key
            for (key,) in db.execute(
                "SELECT key FROM search_searchentry WHERE key LIKE 'registry.person:%'"
            )
        }
        people = {pk for (pk,) in db.execute("SELECT id FROM registry_person")}
    assert stored == committed
    # Person and search entry are written in one transaction: never one without the other.
    assert indexed == {f"registry.person:{pk}" for pk in people}


def _long_document(path: Path, chapters: int) -> None:
    chance = random.Random(SEED)  # noqa: S311 - timings and words, not secrets
    words = [
        "gemeente",
        "woningen",
        "wijk",
        "zorg",
        "jeugd",
        "werk",
        "inkomen",
        "onderwijs",
        "veiligheid",
        "klimaat",
        "energie",
        "mobiliteit",
        "armoede",
        "schulden",
        "sport",
        "cultuur",
        "economie",
        "arbeidsmarkt",
    ]
    parts = ["# Verslag van het jaar\n"]
    for chapter in range(chapters):
        parts.append(f"\n## Hoofdstuk {chapter + 1}\n\n")
        for _ in range(5):
            parts.append(" ".join(chance.choice(words) for _ in range(60)).capitalize() + ".\n\n")
    path.write_text("".join(parts))


def test_twenty_writers_beside_a_long_import_never_meet_a_locked_database(
    installation: Installation, writers: subprocess.Popen[str], tmp_path: Path
) -> None:
    document = tmp_path / "verslag.md"
    _long_document(document, chapters=40)
    importer = subprocess.Popen(  # noqa: S603 - this interpreter, our own arguments
        [sys.executable, "-m", "koepel.cli", "import-document", str(document)],
        env=installation.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    # Twenty writers write from before the import starts until after it has ended.
    stop = tmp_path / "stop"
    assert _ask(writers, f"burst 20 {stop}").startswith("children")
    try:
        out, err = importer.communicate(timeout=300)
    finally:
        stop.touch()
    assert _ask(writers, "wait") == "done"

    assert importer.returncode == 0, err
    assert "41 secties" in out
    logs = [installation.data_dir / f"burst-{k}.log" for k in range(20)]
    results = [line for log in logs for line in log.read_text().splitlines()]
    errors = [line for line in results if not line.startswith("ok ")]
    assert errors == []
    assert all(log.read_text() for log in logs), "every writer wrote"
    assert "database is locked" not in err
    with sqlite3.connect(installation.sqlite_path) as db:
        written = db.execute(
            "SELECT COUNT(*) FROM registry_person WHERE name LIKE 'Gelijktijdig %'"
        ).fetchone()[0]
    assert written == len(results)
