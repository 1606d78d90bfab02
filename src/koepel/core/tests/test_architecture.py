"""The shape of the code holds (docs/architecture.md, "Who may import whom"): each app imports
only the apps below it, search imports no other app, and no module imports one that imports
it back, however indirectly. Imports inside functions count like any other: a lazy import
hides a cycle from Python at start-up, not from the design."""

from __future__ import annotations

import textwrap
from pathlib import Path

import grimp
import pytest
from importlinter import api as importlinter
from importlinter.application import use_cases

PYPROJECT = Path(__file__).resolve().parents[4] / "pyproject.toml"


def import_cycles(graph: grimp.ImportGraph) -> list[tuple[str, ...]]:
    """Every import that closes a cycle, with the shortest way back: (a, b, …, a)."""
    cycles = []
    for importer in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            back = graph.find_shortest_chain(importer=imported, imported=importer)
            if back is not None:
                cycles.append((importer, *back))
    return cycles


def test_each_app_imports_only_what_the_contracts_allow(capsys: pytest.CaptureFixture[str]) -> None:
    contracts = importlinter.read_configuration(str(PYPROJECT))["contracts_options"]
    assert {contract["id"] for contract in contracts} >= {"layers", "search"}

    kept = use_cases.lint_imports(
        config_filename=str(PYPROJECT), cache_dir=None, no_logo=True, is_debug_mode=True
    )

    assert kept, capsys.readouterr().out


def test_no_module_imports_one_that_imports_it_back() -> None:
    graph = grimp.build_graph("koepel", cache_dir=None)

    cycles = import_cycles(graph)

    assert not cycles, "Import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def test_a_cycle_through_an_import_inside_a_function_is_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "cyclepackage"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "services.py").write_text("from cyclepackage import tasks\n")
    (package / "tasks.py").write_text(
        textwrap.dedent(
            """
            def later():
                from cyclepackage.services import read
            """
        )
    )
    (package / "alone.py").write_text("from cyclepackage import services\n")
    monkeypatch.syspath_prepend(str(tmp_path))

    cycles = import_cycles(grimp.build_graph("cyclepackage", cache_dir=None))

    assert sorted(cycles) == [
        ("cyclepackage.services", "cyclepackage.tasks", "cyclepackage.services"),
        ("cyclepackage.tasks", "cyclepackage.services", "cyclepackage.tasks"),
    ]
