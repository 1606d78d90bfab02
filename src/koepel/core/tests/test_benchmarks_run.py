"""The scripts in ``bench/`` run as their docstrings say, on a small generated network, for a
moment. Their figures say nothing at this size and are not looked at; a script that no longer
starts, or whose load fails on its own (an option lost, a query sent unquoted), is caught."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from koepel.core.tests.filedb import Installation, new_installation, remove_installation

BENCH = Path(__file__).resolve().parents[4] / "bench"


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installation]:
    installation = new_installation(tmp_path_factory.mktemp("bench") / "data", "bench")
    installation.koepel("migrate", "-v0")
    installation.koepel("generate-data", "--scale", "0.02", "--password", "bench-wachtwoord")
    yield installation
    remove_installation(installation)


def bench(installation: Installation, script: str, *args: str) -> str:
    database = ["--database-url", installation.database_url] if installation.database_url else []
    command = [sys.executable, str(BENCH / script), "--data-dir", str(installation.data_dir)]
    result = subprocess.run(  # noqa: S603 - this interpreter, the repository's own script
        [*command, *database, *args],
        env=installation.env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_the_open_load_of_the_mix_sends_every_kind_of_read_without_a_failure(
    network: Installation,
) -> None:
    out = bench(network, "mixed.py", "--open", "--rate", "10", "--duration", "4")

    assert "Targets: zero failures: met" in out
    assert "/zoeken/?q=…" in out  # queries of two words are sent, quoted


def test_the_closed_load_compares_a_page_with_the_bare_view(network: Installation) -> None:
    out = bench(
        network,
        "load.py",
        *("--loader", "python", "--rounds", "1", "--duration", "0.5", "--concurrency", "2"),
        *("--only", "gremium", "--only", "zoeken", "--cache", "off"),
    )

    lines = {line.split()[0] for line in out.splitlines() if line.strip()}
    assert {"kaal", "gremium", "zoeken"} <= lines


def test_the_search_benchmark_reads_a_generated_network(network: Installation) -> None:
    out = bench(network, "search.py", "--rounds", "2", "--warmup", "0")

    assert "search entries" in out
    assert "woningcorporaties" in out


def test_the_search_benchmark_builds_its_own_index_and_times_the_writing() -> None:
    options = ["--sections", "300", "--rounds", "2", "--warmup", "0", "--engine", "sqlite"]
    result = subprocess.run(  # noqa: S603 - this interpreter, the repository's own script
        [sys.executable, str(BENCH / "search.py"), *options],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "sections/s" in result.stdout
