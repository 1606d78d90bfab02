"""`koepel backup` and `koepel restore`: what comes back is what was there, row for row and
byte for byte, on SQLite and (when the run uses it) PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from koepel.core.tests.filedb import Installation, new_installation, remove_installation


@pytest.fixture(scope="module")
def backed_up(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Installation, Path]]:
    """The demo network with an imported document and a media file, and its back-up."""
    folder = tmp_path_factory.mktemp("backup")
    source = new_installation(folder / "bron", "backup_source")
    source.koepel("migrate", "--no-input", "-v", "0")
    source.koepel("demo")
    document = folder / "notitie.md"
    document.write_text("# Woningmarkt\n\nWoningen in de wijk, en de wijk in de woningen.\n")
    source.koepel("import-document", str(document), "--title", "Notitie woningmarkt")
    (source.data_dir / "media" / "logo").mkdir(parents=True)
    (source.data_dir / "media" / "logo" / "netwerk.svg").write_bytes(b"<svg/>")
    archive = folder / "koepel.tar.gz"
    made = source.koepel("backup", str(archive))
    assert "Back-up geschreven" in made.stdout
    yield source, archive
    remove_installation(source)


@pytest.fixture
def empty(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Installation]:
    installation = new_installation(tmp_path / "leeg", f"backup_{request.node.name[-12:]}")
    yield installation
    remove_installation(installation)


def test_a_restore_into_an_empty_installation_brings_back_every_row_and_file(
    backed_up: tuple[Installation, Path], empty: Installation
) -> None:
    source, archive = backed_up
    expected_rows, expected_files = source.rows(), source.files()
    assert expected_rows["library_document"][0] >= 1
    assert any(name.startswith("private/") for name in expected_files)
    assert "media/logo/netwerk.svg" in expected_files

    result = empty.koepel("restore", str(archive))

    assert "Teruggezet uit" in result.stdout
    # SQLite's own tables (the planner's statistics, sqlite_stat1) come back with the file
    # but are not counted as Koepel's.
    tables = [name for name in expected_rows if not name.startswith("sqlite_")]
    assert f"{len(tables)} tabellen" in result.stdout
    assert empty.rows() == expected_rows
    assert empty.files() == expected_files
    # The restored installation works: it can sign in its office and find the document.
    found = empty.python(
        "import django; django.setup();"
        "from koepel.library.models import Document;"
        "print(Document.objects.get(title='Notitie woningmarkt').files.get().file.read())"
    )
    assert "Woningen in de wijk" in found.stdout


def test_a_restore_refuses_an_installation_with_data_unless_forced(
    backed_up: tuple[Installation, Path], empty: Installation
) -> None:
    source, archive = backed_up
    empty.koepel("restore", str(archive))
    empty.python(
        "import django; django.setup();"
        "from koepel.library.models import Document;"
        "Document.objects.filter(title='Notitie woningmarkt').update(title='Gewijzigd')"
    )
    before = empty.rows()
    assert before != source.rows()

    refused = empty.koepel("restore", str(archive), check=False)

    assert refused.returncode != 0
    assert "Er is niets teruggezet: de database heeft al" in refused.stderr
    assert "--force" in refused.stderr
    assert empty.rows() == before

    forced = empty.koepel("restore", "--force", str(archive))
    assert "Teruggezet uit" in forced.stdout
    assert empty.rows() == source.rows()
    assert empty.files() == source.files()


def test_a_damaged_backup_is_refused_before_anything_is_restored(
    backed_up: tuple[Installation, Path], empty: Installation, tmp_path: Path
) -> None:
    _, archive = backed_up
    broken = tmp_path / "kapot.tar.gz"
    broken.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])

    result = empty.koepel("restore", str(broken), check=False)

    assert result.returncode != 0
    assert "CommandError" in result.stderr
    assert "Traceback" not in result.stderr
    assert empty.files() == {}
