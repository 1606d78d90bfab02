"""`koepel report YEAR --format … --output …` writes the annual report as a file."""

from __future__ import annotations

import builtins
import io
from pathlib import Path
from typing import Any

import docx
import pytest
from django.core.management import CommandError, call_command


def _weasyprint_loads() -> bool:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


SIGNATURES = {"html": b"<!doctype html>", "docx": b"PK", "pdf": b"%PDF"}


def _report(*args: str) -> str:
    out = io.StringIO()
    call_command("report", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("format", ["html", "docx", "pdf"])
def test_the_command_writes_the_report_in_each_format(
    shared_demo: None, tmp_path: Path, format: str
) -> None:
    if format == "pdf" and not _weasyprint_loads():
        pytest.skip("WeasyPrint or its system libraries (Pango) cannot load here")
    output = tmp_path / f"jaarverslag.{format}"
    said = _report("2021", "--format", format, "--output", str(output))
    assert output.read_bytes().startswith(SIGNATURES[format])
    assert f"Geschreven: {output}" in said
    assert " kB" in said and " s)" in said
    if format == "pdf":
        assert "pagina's" in said


def test_the_internal_report_says_so_on_its_cover(shared_demo: None, tmp_path: Path) -> None:
    output = tmp_path / "intern.docx"
    _report("2021", "--format", "docx", "--audience", "network", "--output", str(output))
    cover = [p.text for p in docx.Document(str(output)).paragraphs[:3]]
    assert "Interne versie voor de leden van het netwerk" in cover


def test_a_year_without_records_is_refused_in_dutch(shared_demo: None, tmp_path: Path) -> None:
    output = tmp_path / "leeg.html"
    with pytest.raises(CommandError, match="Over 2030 is niets vastgelegd"):
        _report("2030", "--format", "html", "--output", str(output))
    assert not output.exists()


def test_an_output_folder_that_does_not_exist_is_refused(shared_demo: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="bestaat niet"):
        _report("2021", "--format", "html", "--output", str(tmp_path / "nergens" / "x.html"))


def test_without_weasyprint_the_command_says_pdf_cannot_be_made(
    shared_demo: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_import = builtins.__import__

    def failing_import(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", failing_import)
    output = tmp_path / "jaarverslag.pdf"
    with pytest.raises(
        CommandError,
        match=r"PDF kan op deze server niet worden gemaakt: .*; HTML en Word werken wel\.",
    ):
        _report("2021", "--format", "pdf", "--output", str(output))
    assert not output.exists()
