"""The repository carries its own design and sends no reader to files outside it.

What Koepel is for, its words and its rules are written in docs/design.md and docs/taal.md. No
tracked file may name a design document kept elsewhere or a path into the folder beside the
repository; and the glossary in docs/design.md must name code that exists, with the Dutch the
interface really shows.
"""

from __future__ import annotations

import re
import subprocess
from functools import cache
from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import translation

from koepel.core import published_report

REPOSITORY = Path(__file__).resolve().parents[4]

# Design documents that once lived beside the repository (their names split where needed, so
# that this file does not itself hold what it looks for), and paths into the folder there:
# written as strings, as a path built with pathlib, or with the machine's absolute prefix.
DOCUMENTS = ("DESIGN", "TAAL", "STYLE", "CONVENTIONS" + "-NL")
OUTSIDE = re.compile(
    r"\b(?:" + "|".join(map(re.escape, DOCUMENTS)) + r")\.md\b"
    r"|(?:\.\.|/work)/shared\b"
    r"|\bshared[/\\]sources\b"
    r"""|["']shared["']\s*/"""
)

# The one exception: where to look for the published annual report 2021 when the environment
# does not say (KOEPEL_REPORT_2021). The report is the G40's publication and not ours to ship,
# and developer and CI machines keep it beside the repository; this default, read in one place,
# lets `make run` and the tests find it there without any set-up.
ALLOWED = {
    ("src/koepel/core/published_report.py", f'DEFAULT = "{published_report.DEFAULT}"'),
}


def tracked_text_files() -> list[str]:
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z"],  # noqa: S607 - git from PATH, as a developer runs it
            cwd=REPOSITORY,
            capture_output=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("Not a git checkout: there is no list of tracked files to read.")
    return [name for name in listed.decode().split("\0") if name]


def outside_references(relative: str) -> list[str]:
    path = REPOSITORY / relative
    if not path.is_file():  # tracked, but deleted in this working tree
        return []
    content = path.read_bytes()
    if b"\0" in content:
        return []  # a picture, a compiled catalogue
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return []
    return [
        f"{relative}:{number}: {line.strip()}"
        for number, line in enumerate(text.splitlines(), start=1)
        if OUTSIDE.search(line) and (relative, line.strip()) not in ALLOWED
    ]


def test_no_tracked_file_points_outside_the_repository() -> None:
    files = tracked_text_files()
    assert "docs/design.md" in files
    assert "docs/taal.md" in files

    found = [reference for name in files for reference in outside_references(name)]

    assert found == [], "Point these at docs/design.md, docs/taal.md or another file in docs/."


# Lines the check must catch, with the documents' names and the folder filled in when read.
CAUGHT = (
    "See the glossary in {0}.",
    "fill in the Dutch ({1}'s words)",
    "as {2} and {3} say",
    "REPORT ?= ../{folder}/sources/report.txt",
    'SOURCE = ROOT.parent / "{folder}" / "sources" / NAME',
    'Path("/work/{folder}/data")',
    "the file in {folder}/sources",
)


def test_the_check_catches_each_kind_of_outside_reference() -> None:
    for line in CAUGHT:
        line = line.format(*[f"{name}.md" for name in DOCUMENTS], folder="shared")
        assert OUTSIDE.search(line), line
    for line in ("See docs/design.md and docs/taal.md.", "shared_buffers", "a shared store"):
        assert not OUTSIDE.search(line), line


def test_the_one_allowed_default_is_the_published_report_and_is_read_in_one_place() -> None:
    assert published_report.DEFAULT.endswith("/" + published_report.FILE_NAME)
    source = (REPOSITORY / "src/koepel/core/published_report.py").read_text(encoding="utf-8")
    assert [line.strip() for line in source.splitlines() if OUTSIDE.search(line)] == [
        line for _, line in ALLOWED
    ]


# ---------------------------------------------------------------------------- the glossary


def glossary() -> list[tuple[list[str], list[str]]]:
    """The glossary's rows: the Dutch words on screen, and the code names that carry them."""
    text = (REPOSITORY / "docs" / "design.md").read_text(encoding="utf-8")
    assert "\n## Glossary\n" in text, "docs/design.md has no glossary"
    section = text.split("\n## Glossary\n", 1)[1].split("\n## ", 1)[0]
    table = [line for line in section.splitlines() if line.startswith("|")]
    rows = []
    for line in table[2:]:  # past the header and its rule
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        words = [word.strip() for word in cells[0].split(" / ")]
        rows.append((words, re.findall(r"`([^`]+)`", cells[1])))
    return rows


def koepel_models() -> dict[str, type[models.Model]]:
    found: dict[str, type[models.Model]] = {}
    for model in apps.get_models():
        if model.__module__.startswith("koepel."):
            assert model.__name__ not in found, f"two models named {model.__name__}"
            found[model.__name__] = model
    return found


@cache
def choice_classes() -> dict[str, list[type[models.Choices]]]:
    """The value lists (TextChoices) of Koepel's models modules, by class name."""
    modules = [
        config.models_module
        for config in apps.get_app_configs()
        if config.name.startswith("koepel.") and config.models_module is not None
    ]
    modules.append(import_module("koepel.core.visibility"))
    found: dict[str, list[type[models.Choices]]] = {}
    for module in modules:
        for name, value in vars(module).items():
            if isinstance(value, type) and issubclass(value, models.Choices):
                known = found.setdefault(name, [])
                if value not in known:
                    known.append(value)
    return found


def dutch_names(code: str) -> set[str] | None:
    """What the interface calls the app, model, field or value named ``code``; None when no
    such thing exists."""
    head, _, member = code.partition(".")
    with translation.override("nl"):
        if not member:
            if apps.is_installed(f"koepel.{head}"):
                names = [apps.get_app_config(head).verbose_name]
            elif (model := koepel_models().get(head)) is not None:
                names = [model._meta.verbose_name, model._meta.verbose_name_plural]
            else:
                return None
        elif (model := koepel_models().get(head)) is not None:
            try:
                names = [model._meta.get_field(member).verbose_name]  # type: ignore[union-attr]
            except FieldDoesNotExist:
                return None
        else:
            names = [
                choices[member].label
                for choices in choice_classes().get(head, [])
                if member in choices.__members__
            ]
        return {str(name).casefold() for name in names} or None


def test_the_glossary_names_code_that_exists() -> None:
    rows = glossary()
    assert len(rows) >= 30

    unknown = [code for _, codes in rows for code in codes if dutch_names(code) is None]
    empty = [" / ".join(words) for words, codes in rows if not codes]

    assert unknown == [], "no app, model, field or value by these names"
    assert empty == [], "rows without a code name"


def test_each_dutch_word_in_the_glossary_is_what_the_interface_shows() -> None:
    wrong = []
    for words, codes in glossary():
        shown = {name for code in codes for name in (dutch_names(code) or set())}
        wrong += [f"{word} ({', '.join(codes)})" for word in words if word.casefold() not in shown]

    assert wrong == []


def test_every_model_with_a_dutch_name_is_in_the_glossary() -> None:
    named = {code for _, codes in glossary() for code in codes}
    missing = []
    for name, model in koepel_models().items():
        with translation.override("nl"):
            dutch = str(model._meta.verbose_name)
        with translation.override("en"):
            english = str(model._meta.verbose_name)
        if dutch != english and name not in named:
            missing.append(f"{name} ({dutch})")

    assert missing == [], "add a row to the glossary in docs/design.md"


def test_a_wrong_code_name_is_caught() -> None:
    assert dutch_names("Dossier") == {"lobbydossier", "lobbydossiers"}
    assert dutch_names("advocacy") == {"lobby"}
    assert dutch_names("Format.ONLINE") == {"digitaal"}
    assert dutch_names("User.is_office") == {"netwerkbureau"}
    for wrong in ("LobbyDossier", "lobby", "Format.ZOOM", "User.is_boss", "Colour.RED"):
        assert dutch_names(wrong) is None, wrong
