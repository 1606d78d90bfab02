"""`koepel import-population FILE` reads a CBS StatLine export of table 03759ned."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from koepel.registry.models import Population
from koepel.registry.tests.factories import MunicipalityFactory

READABLE_EXPORT = """\ufeff"Geslacht";"Leeftijd";"Burgerlijke staat";"Regio's";"Perioden";"Bevolking op 1 januari (aantal)"
"Totaal mannen en vrouwen";"Totaal";"Totaal burgerlijke staat";"Hengelo (O.)";"2021";"81291"
"Mannen";"Totaal";"Totaal burgerlijke staat";"Hengelo (O.)";"2021";"40000"
"Totaal mannen en vrouwen";"Totaal";"Totaal burgerlijke staat";"’s-Hertogenbosch";"2021";"156000"
"Totaal mannen en vrouwen";"Totaal";"Totaal burgerlijke staat";"Dordrecht";"2021";"."
"Totaal mannen en vrouwen";"Totaal";"Totaal burgerlijke staat";"Atlantis";"2021";"1000"
"""

RAW_DATA_SET = """"ID";"Geslacht";"Leeftijd";"BurgerlijkeStaat";"RegioS";"Perioden";"BevolkingOp1Januari_1"
"1";"T001038";"10000";"T001019";"GM0164";"2022JJ00";"   81500"
"""


@pytest.fixture
def cities(db: None) -> None:
    MunicipalityFactory(name="Hengelo", cbs_code="GM0164")
    MunicipalityFactory(name="'s-Hertogenbosch", cbs_code="GM0796")
    MunicipalityFactory(name="Dordrecht", cbs_code="GM0505")


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "03759ned.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_figures_are_matched_by_name_and_unknowns_reported(
    cities: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("import_population", str(_write(tmp_path, READABLE_EXPORT)))

    figures = {(p.municipality.cbs_code, p.year): p.inhabitants for p in Population.objects.all()}
    assert figures == {("GM0164", 2021): 81291, ("GM0796", 2021): 156000}
    assert Population.objects.get(municipality__cbs_code="GM0164").source.startswith(
        "CBS StatLine 03759ned"
    )
    output = capsys.readouterr().out
    assert "Ingelezen: 2 cijfers" in output
    assert "Dordrecht 2021" in output  # CBS has no figure: stays unknown
    assert "Atlantis" in output


def test_the_raw_data_set_is_matched_by_cbs_code(cities: None, tmp_path: Path) -> None:
    call_command("import_population", str(_write(tmp_path, RAW_DATA_SET)))

    assert Population.objects.get(municipality__cbs_code="GM0164", year=2022).inhabitants == 81500


@pytest.mark.parametrize(
    "broken",
    [
        "",
        "niet; een; bevolkingsbestand\n1;2;3\n",
        READABLE_EXPORT
        + '"Totaal mannen en vrouwen";"Totaal";"Totaal burgerlijke staat";"Dordrecht";"2021"\n',
        READABLE_EXPORT.replace('"81291"', '"veel"'),
        READABLE_EXPORT.replace('"2021";"156000"', '"vorig jaar";"156000"'),
    ],
)
def test_a_malformed_file_changes_nothing(cities: None, tmp_path: Path, broken: str) -> None:
    call_command("import_population", str(_write(tmp_path, READABLE_EXPORT)))
    before = list(Population.objects.values_list("pk", "inhabitants", "source"))

    with pytest.raises(CommandError, match="Er is niets gewijzigd"):
        call_command("import_population", str(_write(tmp_path, broken)))

    assert list(Population.objects.values_list("pk", "inhabitants", "source")) == before


def test_a_missing_file_is_named(db: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="bestaat niet"):
        call_command("import_population", str(tmp_path / "weg.csv"))
