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


BOTH_TOPICS = """\ufeff"Regio's";"Perioden";"Bevolking op 1 januari (aantal)";"Gemiddelde bevolking (aantal)"
"Nederland";"2021";"17475415";"17533405"
"Groningen (PV)";"2021";"586937";"587898"
"Groningen (gemeente)";"2021";"233218";"233776"
"Hengelo (O.)";"2021";"81291";"81368"
"""

BOTH_TOPICS_RAW = """"ID";"RegioS";"Perioden";"BevolkingOp1Januari_1";"GemiddeldeBevolking_2"
"1";"NL01  ";"2022JJ00";"17590672";"17700982"
"2";"PV20  ";"2022JJ00";"590170";"591620"
"3";"GM0014";"2022JJ00";"234950";"236000"
"""


@pytest.fixture
def groningen(cities: None) -> None:
    MunicipalityFactory(name="Groningen", cbs_code="GM0014")


def test_an_export_with_both_topics_is_read_for_the_population_on_1_january(
    groningen: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("import_population", str(_write(tmp_path, BOTH_TOPICS)))

    figures = {(p.municipality.cbs_code, p.year): p.inhabitants for p in Population.objects.all()}
    assert figures == {("GM0014", 2021): 233218, ("GM0164", 2021): 81291}
    assert "Onderwerp: Bevolking op 1 januari (aantal)" in capsys.readouterr().out


def test_province_and_country_rows_are_skipped_with_a_warning_never_stored_as_a_city(
    groningen: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("import_population", str(_write(tmp_path, BOTH_TOPICS_RAW)))

    assert list(Population.objects.values_list("municipality__cbs_code", "inhabitants")) == [
        ("GM0014", 234950)
    ]
    output = capsys.readouterr().out
    assert "Onderwerp: BevolkingOp1Januari_1" in output
    assert "Waarschuwing: 2 regels" in output and "NL01, PV20" in output

    call_command("import_population", str(_write(tmp_path, BOTH_TOPICS)))
    assert Population.objects.get(municipality__cbs_code="GM0014", year=2021).inhabitants == (
        233218  # the city, not the province's 586,937
    )
    assert "Groningen (PV), Nederland" in capsys.readouterr().out


def test_a_file_of_only_the_average_population_is_refused(cities: None, tmp_path: Path) -> None:
    average = (
        '"Regio\'s";"Perioden";"Gemiddelde bevolking (aantal)"\n"Hengelo (O.)";"2021";"81368"\n'
    )

    with pytest.raises(CommandError, match="alleen de gemiddelde bevolking"):
        call_command("import_population", str(_write(tmp_path, average)))
    assert not Population.objects.exists()


@pytest.mark.parametrize("empty", ["", "\ufeff", "\n\n"])
def test_an_empty_file_is_called_empty(cities: None, tmp_path: Path, empty: str) -> None:
    with pytest.raises(CommandError, match="Leeg bestand"):
        call_command("import_population", str(_write(tmp_path, empty)))
