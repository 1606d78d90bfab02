"""The registry in and out as CSV and Excel: ``koepel export``, ``koepel import`` and the pages.

An import with a bad row writes nothing and names each bad row; a clean file writes every row;
an export imported into an empty registry gives the same records, and imported over itself
changes nothing; an export holds only what its viewer may see.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from auditlog.models import LogEntry
from bs4 import BeautifulSoup
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from koepel.accounts.tests.factories import UserFactory
from koepel.core.dates import Precision
from koepel.core.visibility import Visibility
from koepel.registry.models import (
    Body,
    Membership,
    Municipality,
    Organisation,
    Participation,
    Person,
    Role,
)
from koepel.registry.tests.factories import (
    BodyFactory,
    MembershipFactory,
    MunicipalityFactory,
    OrganisationFactory,
    PersonFactory,
    RoleFactory,
)

KINDS = ["organisaties", "gremia", "personen", "leden", "rollen", "deelnames"]

PEOPLE = """\ufeffsleutel;naam;sorteernaam;functietitel;gemeente;organisatie;e-mail;telefoon
an-jansen;An Jansen;Jansen, An;wethouder;GM0193;;an@example.org;
bo-de-vries;Bo de Vries;;;;;bo@example.org;+31 6 1234 5678
"""
ROLES = """persoon;gremium;functie;functiedetail;niveau;namens gemeente;namens organisatie;begin;einde;notitie
an-jansen;wonen;voorzitter;;bestuurlijk;GM0193;;2021-09;;
bo-de-vries;wonen;lid;;ambtelijk;;;2021;2022-06-30;
;wonen;ambtelijk_secretaris;;;;;2020-01-01;;vacature
"""


def _write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _import(*pairs: str, dry_run: bool = False) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    args = [*pairs, "--dry-run"] if dry_run else list(pairs)
    try:
        call_command("import", *args, stdout=out, stderr=err)
    except CommandError:
        raise CommandError(err.getvalue()) from None
    return out.getvalue(), err.getvalue()


@pytest.fixture
def body(db: None) -> Body:
    return BodyFactory(slug="wonen", name="Themagroep Wonen")


@pytest.fixture
def zwolle(db: None) -> Municipality:
    return MunicipalityFactory(name="Zwolle", cbs_code="GM0193")


def test_a_clean_file_writes_every_row_and_roles_may_name_people_of_the_same_import(
    body: Body, zwolle: Municipality, tmp_path: Path
) -> None:
    out, _ = _import(
        "personen", _write(tmp_path, "p.csv", PEOPLE), "rollen", _write(tmp_path, "r.csv", ROLES)
    )

    assert "personen: 2 regels; 2 nieuw" in out
    assert "rollen: 3 regels; 3 nieuw" in out
    an = Person.objects.get(slug="an-jansen")
    assert (an.sort_name, an.municipality, an.email) == ("Jansen, An", zwolle, "an@example.org")
    chair = Role.objects.get(person=an)
    assert (chair.function, chair.on_behalf_of_municipality, chair.start) == (
        "voorzitter",
        zwolle,
        dt.date(2021, 9, 1),
    )
    assert chair.start_precision == Precision.MONTH
    member = Role.objects.get(person__slug="bo-de-vries")
    assert (member.start, member.start_precision) == (dt.date(2021, 1, 1), Precision.YEAR)
    assert member.end == dt.date(2022, 6, 30)
    vacancy = Role.objects.get(person=None)
    assert vacancy.note == "vacature"
    # In the audit trail as a record added, under the command's name, like a saved form.
    from koepel.audit.trail import command

    entry = LogEntry.objects.get_for_object(an).get()
    assert entry.action == LogEntry.Action.CREATE
    assert entry.changes["name"] == ["None", "An Jansen"]
    with command("import"):
        _import("personen", _write(tmp_path, "p2.csv", PEOPLE.replace("An Jansen", "An Janssen")))
    changed = LogEntry.objects.get_for_object(an).order_by("-pk").first()
    assert changed.changes["name"] == ["An Jansen", "An Janssen"]
    assert changed.additional_data == {"command": "import"}
    # Found by the search box like a person saved through the pages.
    from koepel.search.models import SearchEntry

    assert SearchEntry.objects.filter(key=f"registry.person:{an.pk}").exists()


def test_a_file_with_errors_writes_nothing_and_names_each_bad_row(
    body: Body, zwolle: Municipality, tmp_path: Path
) -> None:
    roles = (
        ROLES
        + "an-jansen;bestaat-niet;lid;;;;;2021;;\n"  # row 5: an unknown body
        + "bo-de-vries;wonen;keizer;;;;;2021;;\n"  # row 6: a function that is no code
        + "bo-de-vries;wonen;adviseur;;;;;gisteren;;\n"  # row 7: no date
        + "bo-de-vries;wonen;adviseur;;;GM9998;;2021;2020;\n"  # row 8: no city, end first
    )
    with pytest.raises(CommandError) as raised:
        _import(
            "personen",
            _write(tmp_path, "p.csv", PEOPLE),
            "rollen",
            _write(tmp_path, "r.csv", roles),
        )

    report = str(raised.value)
    assert "rollen, regel 5, gremium: Er is geen gremium met de sleutel “bestaat-niet”." in report
    assert "rollen, regel 6, functie:" in report and "keizer" in report
    assert "rollen, regel 7, begin: “gisteren” is geen datum" in report
    assert "rollen, regel 8, namens gemeente: Er is geen gemeente met CBS-code GM9998." in report
    assert "regel 2," not in report and "regel 3," not in report
    # Nothing of the good rows either.
    assert not Person.objects.exists()
    assert not Role.objects.exists()


def test_a_dry_run_checks_everything_and_writes_nothing(
    body: Body, zwolle: Municipality, tmp_path: Path
) -> None:
    out, _ = _import(
        "personen",
        _write(tmp_path, "p.csv", PEOPLE),
        "rollen",
        _write(tmp_path, "r.csv", ROLES),
        dry_run=True,
    )
    assert "alle regels zijn in orde. Er is niets gewijzigd." in out
    assert not Person.objects.exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Leeg bestand"),
        ("\ufeff\r\n", "Leeg bestand"),
        ("naam,leeftijd\nAn,40\n", "onbekende kolommen: leeftijd"),
        ("sleutel;naam;naam\nx;X;X\n", "staat er twee keer in"),
        ("sleutel;naam\nx;X;te veel\n", "regel 2: Deze regel heeft cellen zonder kolomkop"),
        ("sleutel;naam\nx;X\nx;Y\n", "regel 3: Deze regel is hetzelfde record als regel 2"),
        ("sleutel;naam;functietitel\n;;wethouder\n", "regel 2, naam: Dit veld kan niet leeg zijn"),
    ],
)
def test_a_malformed_file_is_named_and_changes_nothing(
    db: None, tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(CommandError, match=message):
        _import("personen", _write(tmp_path, "p.csv", text))
    assert not Person.objects.exists()


def test_a_comma_separated_file_and_an_excel_workbook_read_alike(db: None, tmp_path: Path) -> None:
    _import("personen", _write(tmp_path, "p.csv", "sleutel,naam,telefoon\nan,An,+31 6 1\n"))
    call_command("export", "personen", "--format", "xlsx", "--output", str(tmp_path / "p.xlsx"))
    Person.objects.update(phone="")

    out, _ = _import("personen", str(tmp_path / "p.xlsx"))

    assert "1 gewijzigd" in out
    assert Person.objects.get(slug="an").phone == "+31 6 1"


def test_a_name_that_looks_like_a_formula_stays_text(db: None, tmp_path: Path) -> None:
    PersonFactory(slug="som", name="=1+1", sort_name="=1+1", phone="+31 6 2")
    call_command("export", "personen", "--output", str(tmp_path / "p.csv"))
    assert "'=1+1" in (tmp_path / "p.csv").read_text(encoding="utf-8-sig")
    Person.objects.all().delete()

    _import("personen", str(tmp_path / "p.csv"))

    person = Person.objects.get(slug="som")
    assert (person.name, person.phone) == ("=1+1", "+31 6 2")


# --- Members from the list of all municipalities -------------------------------------------------


def test_members_are_picked_by_name_or_code_from_every_dutch_municipality(
    db: None, tmp_path: Path
) -> None:
    members = (
        "cbs-code;gemeente;provincie;begin;einde\n"
        ";Zwolle;;2018;\n"
        ";'s-Gravenhage;Zuid-Holland;2019-03;\n"
        "GM0373;;;2020;\n"  # Bergen (NH.)
        ";Bergen;;2020;\n"  # two municipalities are called Bergen
        ";Atlantis;;2020;\n"
        "GM0193;Zwolle;Atlantis;2020;\n"
    )
    with pytest.raises(CommandError) as raised:
        _import("leden", _write(tmp_path, "l.csv", members))
    report = str(raised.value)
    assert (
        "regel 5, gemeente: “Bergen” kan meer dan één gemeente zijn: Bergen (NH.) (GM0373), Bergen (L.) (GM0893)"
        in report
    )
    assert "regel 6, gemeente: “Atlantis” is niet de naam van een Nederlandse gemeente" in report
    assert "regel 7, provincie: “Atlantis” is geen Nederlandse provincie." in report
    assert not Municipality.objects.exists()

    clean = "\n".join(members.splitlines()[:4]) + "\n"
    out, _ = _import("leden", _write(tmp_path, "l.csv", clean))

    assert "gemeenten: 0 regels; 3 nieuw" in out
    stored = {m.cbs_code: (m.name, m.province) for m in Municipality.objects.all()}
    assert stored == {
        "GM0193": ("Zwolle", "pv23"),  # its province is in the list
        "GM0518": ("'s-Gravenhage", "pv28"),  # given by the file
        "GM0373": ("Bergen (NH.)", ""),  # unknown: left empty, never guessed
    }
    assert Membership.objects.get(municipality__cbs_code="GM0518").start == dt.date(2019, 3, 1)


def test_the_whole_list_holds_every_municipality_once() -> None:
    from koepel.registry.municipalities import national_list

    codes = [known.cbs_code for known in national_list()]
    assert len(codes) == len(set(codes)) == 342
    assert sum(1 for known in national_list() if known.province) == 40


def test_a_member_is_a_municipality_or_an_organisation_and_never_both(
    db: None, tmp_path: Path
) -> None:
    OrganisationFactory(slug="overijssel", name="Provincie Overijssel", kind="province")
    members = (
        "cbs-code;gemeente;provincie;organisatie;begin;einde\n"
        "GM0193;;;overijssel;2020;\n"
        ";;;;2020;\n"
        ";;;atlantis;2020;\n"
        ";;Overijssel;overijssel;2020;\n"
    )
    with pytest.raises(CommandError) as raised:
        _import("leden", _write(tmp_path, "l.csv", members))
    report = str(raised.value)
    assert (
        "regel 2, organisatie: Een lid is een gemeente of een organisatie: vul cbs-code of "
        "gemeente in, of organisatie, niet allebei." in report
    )
    assert (
        "regel 3, cbs-code: Een lid is een gemeente of een organisatie: vul cbs-code of "
        "gemeente in, of organisatie." in report
    )
    assert "regel 4, organisatie: Er is geen organisatie met de sleutel “atlantis”." in report
    assert "regel 5, provincie: Een provincie vul je alleen in bij een gemeente die lid is." in (
        report
    )
    assert not Membership.objects.exists()

    out, _ = _import(
        "leden",
        _write(
            tmp_path, "l.csv", members.splitlines()[0] + "\n;;;overijssel;2020;\nGM0193;;;;2018;\n"
        ),
    )
    assert "leden: 2 regels; 2 nieuw" in out
    assert Membership.objects.get(organisation__slug="overijssel").municipality is None
    assert Membership.objects.get(municipality__cbs_code="GM0193").organisation is None


# --- Round trip ----------------------------------------------------------------------------------


def _registry() -> dict[str, set[tuple[Any, ...]]]:
    """Every record of the registry by its keys, as an import identifies it."""

    def period(record: Any) -> tuple[Any, ...]:
        return (record.start, record.start_precision, record.end, record.end_precision)

    return {
        "municipalities": {(m.cbs_code, m.name, m.province) for m in Municipality.objects.all()},
        "organisations": {
            (o.slug, o.name, o.abbreviation, o.kind, o.tooi_uri, o.website)
            for o in Organisation.objects.all()
        },
        "bodies": {
            (
                b.slug,
                b.name,
                b.kind,
                b.parent.slug if b.parent else "",
                b.ownership,
                b.owner.slug if b.owner else "",
                b.description,
                b.position,
                b.headcount,
                b.headcount_from_network,
                b.visibility,
                *period(b),
            )
            for b in Body.objects.select_related("parent", "owner")
        },
        "people": {
            (
                p.slug,
                p.name,
                p.sort_name,
                p.title,
                p.municipality.cbs_code if p.municipality else "",
                p.organisation.slug if p.organisation else "",
                p.email,
                p.phone,
            )
            for p in Person.objects.select_related("municipality", "organisation")
        },
        "members": {
            (
                m.municipality.cbs_code if m.municipality else "",
                m.organisation.slug if m.organisation else "",
                *period(m),
            )
            for m in Membership.objects.select_related("municipality", "organisation")
        },
        "roles": {
            (
                r.person.slug if r.person else "",
                r.body.slug,
                r.function,
                r.function_detail,
                r.level,
                r.on_behalf_of_municipality.cbs_code if r.on_behalf_of_municipality else "",
                r.on_behalf_of_organisation.slug if r.on_behalf_of_organisation else "",
                r.note,
                *period(r),
            )
            for r in Role.objects.select_related("person", "body")
        },
        "participations": {
            (
                p.body.slug,
                p.municipality.cbs_code if p.municipality else "",
                p.organisation.slug if p.organisation else "",
                p.function,
                p.note,
                *period(p),
            )
            for p in Participation.objects.select_related("body")
        },
    }


def _small_network() -> None:
    zwolle = MunicipalityFactory(name="Zwolle", cbs_code="GM0193", province="pv23")
    ede = MunicipalityFactory(name="Ede", cbs_code="GM0228", province="pv25")
    MembershipFactory(municipality=zwolle, start=dt.date(2018, 1, 1), start_precision="year")
    MembershipFactory(municipality=ede, start=dt.date(2015, 6, 1), end=dt.date(2021, 12, 31))
    vng = OrganisationFactory(slug="vng", name="VNG", abbreviation="VNG", kind="association")
    # A member that is not a municipality.
    province = OrganisationFactory(slug="overijssel", name="Provincie Overijssel", kind="province")
    MembershipFactory(municipality=None, organisation=province, start=dt.date(2020, 1, 1))
    bzk = OrganisationFactory(
        slug="bzk",
        name="Ministerie van BZK",
        kind="ministry",
        tooi_uri="https://identifier.overheid.nl/tooi/id/ministerie/mnre1034",
    )
    # A child whose key sorts before its parent's: the file is read in any order.
    pillar = BodyFactory(slug="z-pijler", name="Pijler", kind="pillar", position=2)
    group = BodyFactory(
        slug="a-groep",
        name="Groep",
        parent=pillar,
        visibility=Visibility.BODY,
        headcount=12,
        headcount_from_network=9,
        start=dt.date(2020, 9, 1),
        start_precision="month",
    )
    taskforce = BodyFactory(slug="taskforce", external=True, owner=vng, description="Extern")
    an = PersonFactory(
        slug="an", name="An", title="wethouder", municipality=zwolle, email="an@example.org"
    )
    bo = PersonFactory(slug="bo", name="Bo", sort_name="Bo, de", organisation=bzk, phone="+31")
    RoleFactory(
        person=an,
        body=group,
        function="voorzitter",
        level="bestuurlijk",
        on_behalf_of_municipality=zwolle,
        start=dt.date(2021, 1, 1),
        end=dt.date(2021, 8, 31),
        end_precision="month",
        note="tot de zomer",
    )
    RoleFactory(person=bo, body=taskforce, function="adviseur", on_behalf_of_organisation=bzk)
    RoleFactory(person=None, body=group, function="voorzitter", start=dt.date(2021, 9, 1))
    Participation.objects.create(body=taskforce, municipality=ede, function="koploper")
    Participation.objects.create(body=taskforce, organisation=vng, note="trekker", start=None)


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_an_export_imported_into_an_empty_registry_gives_the_same_records(
    db: None, tmp_path: Path, file_format: str
) -> None:
    _small_network()
    before = _registry()
    files = []
    for kind in KINDS:
        path = tmp_path / f"{kind}.{file_format}"
        call_command("export", kind, "--format", file_format, "--output", str(path))
        files += [kind, str(path)]
    for model in (Participation, Role, Membership, Person):
        model.objects.all().delete()
    Body.objects.filter(parent__isnull=False).delete()
    for model in (Body, Organisation, Municipality):
        model.objects.all().delete()

    _import(*files)

    assert _registry() == before


def test_an_export_imported_over_itself_changes_nothing(db: None, tmp_path: Path) -> None:
    _small_network()
    files = []
    for kind in KINDS:
        call_command("export", kind, "--output", str(tmp_path / f"{kind}.csv"))
        files += [kind, str(tmp_path / f"{kind}.csv")]
    trail = LogEntry.objects.count()
    versions = set(Role.objects.values_list("pk", "version"))

    out, _ = _import(*files)

    assert " 0 nieuw, 0 gewijzigd" in out
    assert "nieuw, 0 gewijzigd" in out and "1 nieuw" not in out
    assert LogEntry.objects.count() == trail
    assert set(Role.objects.values_list("pk", "version")) == versions


def test_a_changed_row_changes_its_record_and_only_that(db: None, tmp_path: Path) -> None:
    _small_network()
    call_command("export", "rollen", "--output", str(tmp_path / "r.csv"))
    text = (tmp_path / "r.csv").read_text(encoding="utf-8-sig")
    (tmp_path / "r.csv").write_text(text.replace("tot de zomer", "tot september"))

    out, _ = _import("rollen", str(tmp_path / "r.csv"))

    assert "rollen: 3 regels; 0 nieuw, 1 gewijzigd, 2 ongewijzigd" in out
    assert Role.objects.get(person__slug="an").note == "tot september"


# --- What an export shows whom --------------------------------------------------------------------


def _rows(response: Any) -> list[list[str]]:
    text = b"".join(response).decode("utf-8-sig")
    return [line.split(";") for line in text.strip().splitlines()]


def test_an_outsiders_export_lacks_what_they_may_not_see(db: None, client: Client) -> None:
    open_body = BodyFactory(slug="open", visibility=Visibility.PUBLIC)
    closed = BodyFactory(slug="dicht", visibility=Visibility.RESTRICTED, parent=open_body)
    seen = PersonFactory(slug="gezien", email="gezien@example.org")
    hidden = PersonFactory(slug="verborgen")
    RoleFactory(person=seen, body=open_body, note="alleen voor het bureau")
    RoleFactory(person=hidden, body=closed)
    Participation.objects.create(body=closed, organisation=OrganisationFactory())
    office = Client()
    office.force_login(UserFactory(office=True))

    def export(who: Client, kind: str) -> list[list[str]]:
        response = who.get(reverse("registry:export", args=[kind, "csv"]))
        assert response.status_code == 200
        assert response["Content-Disposition"] == f'attachment; filename="{kind}.csv"'
        return _rows(response)

    assert [row[0] for row in export(client, "gremia")[1:]] == ["open"]
    assert [row[0] for row in export(client, "rollen")[1:]] == ["gezien"]
    assert export(client, "deelnames")[1:] == []
    people = export(client, "personen")
    assert [row[0] for row in people[1:]] == ["gezien"]
    assert "gezien@example.org" not in ";".join(people[1])  # contact details: members only
    assert "alleen voor het bureau" not in str(export(client, "rollen"))

    assert {row[0] for row in export(office, "gremia")[1:]} == {"open", "dicht"}
    assert {row[0] for row in export(office, "personen")[1:]} == {"gezien", "verborgen"}
    assert "gezien@example.org" in str(export(office, "personen"))
    assert "alleen voor het bureau" in str(export(office, "rollen"))


def test_a_body_beneath_one_kept_from_the_viewer_does_not_name_it(db: None, client: Client) -> None:
    closed = BodyFactory(slug="dicht", visibility=Visibility.RESTRICTED)
    BodyFactory(slug="open", parent=closed)

    rows = _rows(client.get(reverse("registry:export", args=["gremia", "csv"])))

    assert [(row[0], row[3]) for row in rows[1:]] == [("open", "")]


def test_an_unknown_kind_or_format_is_not_found(db: None, client: Client) -> None:
    assert client.get("/register/export/accounts.csv").status_code == 404
    assert client.get("/register/export/personen.pdf").status_code == 404


def test_an_export_costs_the_same_queries_however_many_rows(
    db: None, client: Client, django_assert_max_num_queries: Any
) -> None:
    def grow(n: int) -> None:
        for _ in range(n):
            RoleFactory(
                person=PersonFactory(municipality=MunicipalityFactory()),
                on_behalf_of_organisation=OrganisationFactory(),
            )

    grow(30)
    for kind in KINDS:
        with django_assert_max_num_queries(6):
            b"".join(client.get(reverse("registry:export", args=[kind, "xlsx"])))


# --- The pages --------------------------------------------------------------------------------------


def test_the_office_checks_a_file_sees_each_problem_then_imports_it(
    body: Body, zwolle: Municipality, tmp_path: Path
) -> None:
    office = Client()
    office.force_login(UserFactory(office=True))
    url = reverse("registry:import", args=["personen"])
    bad = PEOPLE + "cy;Cy;;;GM9998;;geen-adres;\n"

    response = office.post(url, {"step": "check", "file": _upload(bad, "p.csv")})

    page = BeautifulSoup(response.content, "html.parser")
    problems = [
        [cell.get_text(strip=True) for cell in row.find_all(["th", "td"])]
        for row in page.select("#problems-caption ~ tbody tr")
    ]
    assert ["4", "gemeente", "Er is geen gemeente met CBS-code GM9998."] in problems
    assert any(row[:2] == ["4", "e-mail"] for row in problems)
    assert not page.find("input", attrs={"name": "step", "value": "import"})
    assert not Person.objects.exists()

    response = office.post(url, {"step": "check", "file": _upload(PEOPLE, "p.csv")})
    assert "Gecontroleerd: elke regel klopt" in response.content.decode()
    assert not Person.objects.exists()

    response = office.post(url, {"step": "import"}, follow=True)
    assert "Het bestand is geïmporteerd." in response.content.decode()
    assert set(Person.objects.values_list("slug", flat=True)) == {"an-jansen", "bo-de-vries"}


def _upload(text: str, name: str) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def test_only_the_office_may_import(db: None, client: Client) -> None:
    url = reverse("registry:import", args=["personen"])
    assert client.get(url).status_code == 302  # to sign in
    member = Client()
    member.force_login(UserFactory(person=RoleFactory().person))
    assert member.get(url).status_code == 403
    assert member.post(url, {"step": "check", "file": _upload(PEOPLE, "p.csv")}).status_code == 403


def test_the_lists_offer_their_exports_and_the_office_its_imports(db: None, client: Client) -> None:
    office = Client()
    office.force_login(UserFactory(office=True))
    for name, kinds in {
        "registry:people": ["personen", "rollen"],
        "registry:municipalities": ["leden"],
        "registry:organisations": ["organisaties"],
        "registry:bodies": ["gremia", "rollen", "deelnames"],
    }.items():
        public = client.get(reverse(name)).content.decode()
        own = office.get(reverse(name)).content.decode()
        for kind in kinds:
            for file_format in ("csv", "xlsx"):
                assert reverse("registry:export", args=[kind, file_format]) in public
            assert reverse("registry:import", args=[kind]) not in public
            assert reverse("registry:import", args=[kind]) in own


def test_a_new_network_can_take_every_municipality_at_once(db: None) -> None:
    from koepel.registry.municipalities import load_all

    MunicipalityFactory(name="Zwolle", cbs_code="GM0193", province="pv23")

    assert load_all() == 341
    assert load_all() == 0
    assert Municipality.objects.count() == 342
    assert Municipality.objects.get(cbs_code="GM0518").name == "'s-Gravenhage"
    # Stored, not members: membership is what makes a member.
    assert not Membership.objects.exists()


def test_checking_and_importing_cost_the_same_queries_for_many_rows_as_for_few(
    body: Body, zwolle: Municipality
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from koepel.registry.exchange import run_import

    def files(n: int, first: int) -> list[tuple[str, bytes]]:
        people = "sleutel;naam;gemeente\n" + "".join(
            f"p{i};P {i};GM0193\n" for i in range(first, first + n)
        )
        roles = "persoon;gremium;functie;namens gemeente;begin\n" + "".join(
            f"p{i};wonen;lid;GM0193;2021-0{1 + i % 9}\n" for i in range(first, first + n)
        )
        return [("personen", people.encode()), ("rollen", roles.encode())]

    def queries(n: int, first: int, *, dry_run: bool) -> int:
        with CaptureQueriesContext(connection) as captured:
            outcome = run_import(files(n, first), dry_run=dry_run)
        assert not outcome.problems
        return len(captured.captured_queries)

    assert queries(5, 0, dry_run=True) == queries(200, 0, dry_run=True)
    few, many = queries(5, 0, dry_run=False), queries(400, 1000, dry_run=False)
    # 800 rows more: more batches of inserts (SQLite takes some sixty audit entries a
    # statement), never a query per row.
    assert many - few <= 800 // 20
