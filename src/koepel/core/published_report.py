"""Where to find the G40's published annual report over 2021, when you have a copy.

The report is the G40's own publication, not part of Koepel. Where a copy is at hand as plain
text, `make run` imports it into the knowledge base, the tests that hold the demo and the
generated report against it run, and the benchmarks write a report of its length; without it
they leave it out (the tests are skipped) and nothing else changes.

One environment variable names the file: ``KOEPEL_REPORT_2021``. When it is not set, Koepel
looks in one default place, relative to the repository's root, where developer and CI
machines keep the file. `python -m koepel.core.published_report` prints the path when the
file is there, and nothing when it is not (the Makefile asks it so).
"""

from __future__ import annotations

import os
from pathlib import Path

VARIABLE = "KOEPEL_REPORT_2021"
FILE_NAME = "g40-jaarverslag-2021.txt"
# The default, relative to the repository's root: the one place outside the repository that
# Koepel names (core/tests/test_repository_is_self_contained.py allows this line alone).
DEFAULT = "../shared/sources/g40-jaarverslag-2021.txt"
REPOSITORY = Path(__file__).resolve().parents[3]


def location() -> Path:
    """Where the report is looked for: the variable's path when it is set, else the default."""
    configured = os.environ.get(VARIABLE, "").strip()
    return Path(configured) if configured else (REPOSITORY / DEFAULT).resolve()


def published_report() -> Path | None:
    """The published report's text file, or None when there is no copy where it is looked for."""
    path = location()
    return path if path.is_file() else None


def not_found() -> str:
    """What to say when something that needs the report leaves it out."""
    return f"No copy of the published report {FILE_NAME} at {location()}; set {VARIABLE} to one."


if __name__ == "__main__":
    found = published_report()
    if found is not None:
        print(found)
