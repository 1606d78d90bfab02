#!/usr/bin/env python3
"""Benchmark of Koepel's search on a large synthetic knowledge base.

    python bench/search.py [--sections 100000] [--engine sqlite|postgres] [--rounds 25]
    python bench/search.py --data-dir /tmp/koepel-s100 [--database-url postgres://…]

It builds a throwaway database (a temporary SQLite file, or a PostgreSQL database it creates
and drops on the server named by --server), fills it with synthetic Dutch sections, and prints:

1. the indexing rate: sections per second through ``index.bulk_put`` (folding, stemming, rows,
   bodies, people and the engine's index), committed, end to end;
2. for a fixed set of queries, run by a signed-in member with visibility filtering on, the p50
   and p95 of three things, interleaved round by round in a rotating order:
   - Koepel's ``search()`` (counts per kind, the ranked top 20 with snippets, the viewer read
     afresh as in a request);
   - the *bare engine*: the engine's own top-20 query written by hand on the database
     connection's cursor, on the same index, without visibility or counts: on SQLite FTS5
     ``MATCH`` of the words ordered by ``bm25()`` with the same column weights, with
     ``snippet()``; on PostgreSQL ``@@`` the words' tsquery (stemmed in Python, as Koepel
     sends it) ordered by ``ts_rank`` (same normalisation), with ``ts_headline()`` for the 20;
   - *replay*: the very statements ``search()`` sent, captured once and run again on the cursor
     (what is left is the Python around them);
   and per query the ratios ``search()`` / bare engine and ``search()`` / replay, taken per
   round (median and range), not as a ratio of medians. A p95 from fewer than 40 rounds, or one
   that is the slowest round, is flagged.

With ``--data-dir`` (and ``--database-url`` for PostgreSQL) it builds nothing: it measures
(2) on a network made by ``koepel generate-data --scale N``, as its member ``lid``, over
every entry of its index.

The text: words drawn with Zipf-like frequencies (rank r weighs 1/r) from the vocabulary of
the G40 annual report 2021 when you have a copy (``--source``, else ``KOEPEL_REPORT_2021``: see
docs/operations.md), else from a built-in list; section length log-normal with a median of 150
words. One section in a hundred carries the phrase "Een thuis voor iedereen". Visibility: 70%
public, 15% network, 10% body, 5% restricted.

The load average is printed at the start and at the end.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import math
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchstats  # noqa: E402 - percentiles and paired ratios shared by the benchmarks

PHRASE = "Een thuis voor iedereen"

# The committed query set: (what it stands for, the query as typed).
QUERIES = [
    ("selective term", "woningcorporaties"),
    ("selective term", "financiën"),
    ("prefix", "woning*"),
    ("phrase", f'"{PHRASE}"'),
    ("two terms", "wonen zorg"),
    ("common term", "gemeenten"),
    ("term in most sections", "themagroep"),
]

# Used when the annual report is not at hand; roughly in order of frequency.
_BUILT_IN = """
de en van in het een met voor is aan op te themagroep over ook thema hebben heeft dat om we die
zijn dit er deze steden gemeenten onder meer als andere samen aandacht naar worden tot jaar uit
nieuwe wonen kunnen pijler was samenwerking veel wordt niet VNG bij hun bestuurders zich
ministerie wat BZK drie Rijk economie werk platform gesprek mkb vanuit bestuurlijke zorg
daarnaast binnen regio verschillende elkaar transformatie stedelijke weer onze werken taskforce
netwerk gemeente bijeenkomst wethouder burgemeester afspraken middelen kabinet Kamer brief
position paper regeerakkoord woningbouw woningmarkt woningen woningcorporaties huurwoningen
financiën gemeentefonds begroting klimaat energie duurzaamheid wijken wijk ondernemers onderwijs
arbeidsmarkt jongeren ouderen zorgaanbieders welzijn veiligheid cultuur sport mobiliteit
bereikbaarheid binnenstad centrum vernieuwing opgave opgaven aanpak programma uitvoering beleid
kennis delen leren ervaringen voorbeelden resultaten lobby dossier actie voorstel advies rapport
onderzoek evaluatie ambitie ambities doelen keuzes prioriteiten investeringen subsidie regeling
Regio Deals City Deal Europa Brussel provincie provincies partners corporaties huurders bewoners
inwoners mensen iedereen thuis huisvesting aandachtsgroepen vergunninghouders statushouders
asiel integratie inburgering participatie armoede schulden bestaanszekerheid gezondheid preventie
digitalisering data informatie dienstverlening vergadering vergaderingen bestuur directeuren
"""
BUILT_IN_WORDS = _BUILT_IN.split()


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sections", type=int, default=100_000)
    parser.add_argument("--engine", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--rounds", type=int, default=40, help="measured rounds per query (40 or more for a p95)"
    )
    parser.add_argument("--warmup", type=int, default=3, help="rounds run before measuring")
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--source", type=Path, help="the published report as text")
    parser.add_argument(
        "--server",
        default=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres"),
        help="PostgreSQL server to create the throwaway database on",
    )
    parser.add_argument(
        "--database-name",
        default=f"koepel_bench_{os.getpid()}",
        help="name of the throwaway PostgreSQL database (created, then dropped)",
    )
    parser.add_argument(
        "--postgres-setting",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a setting for the throwaway PostgreSQL database, such as random_page_cost=1.1",
    )
    parser.add_argument("--profile", action="store_true", help="profile search() per query")
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the throwaway database (and data folder) to look into afterwards",
    )
    parser.add_argument(
        "--data-dir", type=Path, help="KOEPEL_DATA_DIR of a generated network, read as it is"
    )
    parser.add_argument("--database-url", default="", help="with --data-dir: PostgreSQL")
    return parser.parse_args()


# ---------------------------------------------------------------- throwaway database


@contextlib.contextmanager
def throwaway_database(
    engine: str, server: str, settings: Sequence[str], database_name: str, *, keep: bool = False
) -> Iterator[str]:
    """Point Koepel's settings at a new, empty database; remove it afterwards."""
    folder = tempfile.mkdtemp(prefix="koepel-bench-")
    os.environ["KOEPEL_DATA_DIR"] = folder
    os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 50)
    os.environ.pop("DATABASE_URL", None)
    name = ""
    if engine == "postgres":
        import psycopg

        if not re.fullmatch(r"[a-z_][a-z0-9_]*", database_name):
            raise SystemExit(f"Not a database name: {database_name!r}")
        name = database_name
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
            for setting in settings:
                key, _, value = setting.partition("=")
                if not re.fullmatch(r"[a-z_]+", key) or not re.fullmatch(r"[\w.]+", value):
                    raise SystemExit(f"Not a setting: {setting!r}")
                admin.execute(f'ALTER DATABASE "{name}" SET {key} = {value}')
        parts = urlsplit(server)
        os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
    try:
        yield folder
    finally:
        from django.db import connections

        connections.close_all()
        if keep:
            print(
                f"kept: KOEPEL_DATA_DIR={folder}"
                + (f" DATABASE_URL={os.environ['DATABASE_URL']}" if name else "")
            )
        else:
            if name:
                import psycopg

                with psycopg.connect(server, autocommit=True) as admin:
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            shutil.rmtree(folder, ignore_errors=True)


def start_django() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "koepel.settings"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


# ---------------------------------------------------------------- synthetic corpus


def vocabulary(source: Path | None) -> tuple[list[str], str]:
    """Words by falling frequency, in their most common written form."""
    from koepel.core.published_report import published_report

    source = source or published_report()
    if source is None or not source.is_file():
        return BUILT_IN_WORDS, "built-in list"
    forms: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for word in re.findall(r"[^\W_]+", source.read_text(encoding="utf-8")):
        if not word.isdigit():
            forms[word.lower()][word] += 1
    ranked = sorted(forms.items(), key=lambda item: (-sum(item[1].values()), item[0]))
    return [counter.most_common(1)[0][0] for _, counter in ranked], str(source)


def zipf_cumulative(count: int) -> list[float]:
    total, cumulative = 0.0, []
    for rank in range(1, count + 1):
        total += 1.0 / rank
        cumulative.append(total)
    return cumulative


def section_text(rng: random.Random, words: list[str], cumulative: list[float]) -> str:
    length = max(20, min(1500, round(rng.lognormvariate(math.log(150), 0.5))))
    drawn = rng.choices(words, cum_weights=cumulative, k=length)
    sentences, start = [], 0
    while start < length:
        end = min(length, start + rng.randint(6, 18))
        sentence = drawn[start:end]
        if rng.random() < 0.3 and len(sentence) > 8:
            sentence[len(sentence) // 2] += ","
        sentences.append(sentence[0][:1].upper() + " ".join(sentence)[1:] + ".")
        start = end
    if rng.random() < 0.01:
        sentences.insert(rng.randrange(len(sentences) + 1), f"Het advies '{PHRASE}' kwam langs.")
    return " ".join(sentences)


def make_network(rng: random.Random) -> tuple[list[int], list[int], Any]:
    """Forty bodies in four pillars, 200 people, and a member signed in with two roles."""
    import datetime as dt

    from koepel.accounts.models import User
    from koepel.registry.models import Body, Person, Role

    bodies = []
    for pillar_number in range(4):
        pillar = Body.objects.create(
            name=f"Pijler {pillar_number}", slug=f"pijler-{pillar_number}", kind="pillar"
        )
        bodies.append(pillar)
        for group_number in range(9):
            bodies.append(
                Body.objects.create(
                    name=f"Themagroep {pillar_number}.{group_number}",
                    slug=f"themagroep-{pillar_number}-{group_number}",
                    kind="theme_group",
                    parent=pillar,
                )
            )
    people = Person.objects.bulk_create(
        Person(name=f"Persoon {n}", sort_name=f"Persoon {n}", slug=f"persoon-{n}")
        for n in range(200)
    )
    Role.objects.bulk_create(
        Role(
            person=person,
            body=rng.choice(bodies),
            function="lid",
            start=dt.date(2020, 1, 1),
        )
        for person in people
    )
    member = people[0]
    for body in bodies[1:3]:
        Role.objects.create(person=member, body=body, function="lid", start=dt.date(2020, 1, 1))
    user = User.objects.create(username="lid", person=member)
    return [body.pk for body in bodies], [person.pk for person in people], user


def entries(
    count: int,
    rng: random.Random,
    words: list[str],
    body_ids: list[int],
    people: list[int],
    *,
    first: int = 0,
) -> list[tuple[str, Any]]:
    from koepel.search.index import Entry

    cumulative = zipf_cumulative(len(words))
    made = []
    for number in range(first, first + count):
        roll = rng.random()
        visibility = (
            "public"
            if roll < 0.70
            else "network"
            if roll < 0.85
            else "body"
            if roll < 0.95
            else "restricted"
        )
        title_words = rng.choices(words, cum_weights=cumulative, k=rng.randint(3, 8))
        made.append(
            (
                f"bench.sectie:{number}",
                Entry(
                    kind="sectie",
                    title=" ".join(title_words).capitalize(),
                    text=section_text(rng, words, cumulative),
                    url=f"/kennisbank/bench-{number // 40}/#sectie-{number % 40}",
                    visibility=visibility,
                    bodies=tuple(rng.sample(body_ids, rng.choice((1, 1, 1, 2)))),
                    people=tuple(rng.sample(people, 2 if visibility == "restricted" else 0)),
                    trail=f"Document {number // 40} › Hoofdstuk {number % 40}",
                    year=rng.randint(2015, 2024),
                ),
            )
        )
    return made


# ---------------------------------------------------------------- measuring


def percentile(values: Sequence[float], fraction: float) -> float:
    return benchstats.percentile(values, round(fraction * 100))


def bare_engine_runner(q: str) -> Callable[[], None]:
    """The engine's own top-20 query with snippets, written by hand on the cursor: what a
    search costs the database without Koepel's visibility, counts and page rows."""
    from django.db import connection

    from koepel.search import engines
    from koepel.search.models import SearchEntry
    from koepel.search.parse import parse

    engine = engines.current()
    expression = engine.expression(parse(q))
    connection.ensure_connection()
    raw = connection.connection
    if connection.vendor == "sqlite":
        fts = engines.FTS_TABLE
        sql = (
            f"SELECT rowid, snippet({fts}, 1, '<mark>', '</mark>', '…', 30) "  # noqa: S608
            f"FROM {fts} WHERE {fts} MATCH ? "
            f"ORDER BY bm25({fts}, {engines.BM25_WEIGHTS}) LIMIT 20"
        )

        def run_sqlite() -> None:
            cursor = raw.cursor()
            cursor.execute(sql, (expression,))
            cursor.fetchall()
            cursor.close()

        return run_sqlite
    table, vector = SearchEntry._meta.db_table, engines.VECTOR_COLUMN
    sql = (
        "SELECT best.id, ts_headline('dutch'::regconfig, entry.text, best.query) "  # noqa: S608
        f"FROM (SELECT e.id, q.query, ts_rank(e.{vector}, q.query, 1) AS rank "
        f"FROM {table} AS e, CAST(%s AS tsquery) AS q(query) "
        f"WHERE e.{vector} @@ q.query ORDER BY rank DESC LIMIT 20) AS best "
        f"JOIN {table} AS entry ON entry.id = best.id ORDER BY best.rank DESC"
    )

    def run_postgres() -> None:
        with raw.cursor() as cursor:
            cursor.execute(sql, (expression,))
            cursor.fetchall()

    return run_postgres


captured_statements = benchstats.captured_statements
direct_runner = benchstats.direct_runner


def measure(args: argparse.Namespace, user_pk: int, sections: int) -> list[dict[str, Any]]:
    from koepel.accounts.models import User
    from koepel.search.parse import parse
    from koepel.search.query import search

    def fresh_user() -> Any:
        return User.objects.select_related("person").get(pk=user_pk)

    rows = []
    for label, q in QUERIES:
        matching = matches(parse(q))
        statements = captured_statements(partial(search, fresh_user(), q))
        direct = direct_runner(statements)
        bare = bare_engine_runner(q)
        times: dict[str, list[float]] = {"koepel": [], "bare": [], "direct": []}
        results = None
        for number in range(args.warmup + args.rounds):
            user = fresh_user()
            steps: list[tuple[str, Callable[[], Any]]] = [
                ("koepel", partial(search, user, q)),
                ("bare", bare),
                ("direct", direct),
            ]
            shift = number % len(steps)  # no side always runs first, or on a warmer cache
            for side, step in steps[shift:] + steps[:shift]:
                started = time.perf_counter()
                outcome = step()
                elapsed = (time.perf_counter() - started) * 1000
                if side == "koepel":
                    results = outcome
                if number >= args.warmup:
                    times[side].append(elapsed)
        if results is None:
            raise RuntimeError(f"No result for {q!r}.")
        rows.append(
            {
                "label": label,
                "query": q,
                "matching": matching,
                "share": matching / sections,
                "visible": results.total,
                "statements": len(statements),
                "koepel": benchstats.summary(times["koepel"]),
                "bare": benchstats.summary(times["bare"]),
                "direct": benchstats.summary(times["direct"]),
                "over_bare": benchstats.paired(times["koepel"], times["bare"]),
                "over_direct": benchstats.paired(times["koepel"], times["direct"]),
            }
        )
        if args.profile:
            profile(partial(search, fresh_user(), q))
    return rows


def matches(query: Any) -> int:
    """How many entries hold the words, whoever may see them."""
    from django.db import connection

    from koepel.search import engines
    from koepel.search.models import SearchEntry

    if connection.vendor == "sqlite":
        fts = engines.FTS_TABLE
        sql = f"SELECT count(*) FROM {fts} WHERE {fts} MATCH %s"  # noqa: S608
    else:
        sql = (
            f"SELECT count(*) FROM {SearchEntry._meta.db_table} "  # noqa: S608
            f"WHERE {engines.VECTOR_COLUMN} @@ CAST(%s AS tsquery)"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, [engines.current().expression(query)])
        count: int = cursor.fetchone()[0]
    return count


def profile(run: Callable[[], Any]) -> None:
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(5):
        run()
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(18)


def database_size() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_database_size(current_database())")
        else:
            cursor.execute(
                "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()"
            )
        size = cursor.fetchone()[0]
    return f"{size / 1024 / 1024:.0f} MiB"


def main() -> None:
    args = parse_args()
    print(f"start: {benchstats.loadavg()}")
    try:
        run(args)
    finally:
        print(f"end: {benchstats.loadavg()}")


def run(args: argparse.Namespace) -> None:
    if args.data_dir:
        generated_network(args)
        return
    with throwaway_database(
        args.engine, args.server, args.postgres_setting, args.database_name, keep=args.keep
    ):
        start_django()
        from django.db import connection

        rng = random.Random(args.seed)  # noqa: S311 (made-up text, not secrets)
        words, source = vocabulary(args.source)
        body_ids, people, user = make_network(rng)
        corpus = entries(args.sections, rng, words, body_ids, people)
        lengths = sorted(len(entry.text.split()) for _, entry in corpus)

        indexing, indexing_cpu, server_cpu = timed_bulk_put(corpus)
        written = len(corpus)
        del corpus

        print(f"engine: {connection.vendor} {connection.get_database_version()}")
        if args.postgres_setting:
            print(f"database settings: {', '.join(args.postgres_setting)}")
        print(f"vocabulary: {len(words)} words from {source}")
        print(
            f"sections: {written}, words per section: median {statistics.median(lengths):.0f}, "
            f"p95 {percentile(lengths, 0.95):.0f}; database {database_size()}"
        )
        print(
            f"indexing: {indexing:.1f} s, {written / indexing:,.0f} sections/s; "
            f"CPU time of this process {indexing_cpu:.1f} s{server_cpu}"
        )
        print(f"queries: {args.rounds} rounds after {args.warmup} warm-up, as a signed-in member")
        queries_and_table(args, user.pk, written)

        # A write into an index that holds entries already (an import beside what is there)
        # is not loaded in bulk as the first one is (``writing.write``): measured apart.
        more = entries(args.sections, rng, words, body_ids, people, first=args.sections)
        indexing, indexing_cpu, server_cpu = timed_bulk_put(more)
        print(
            f"indexing into an index of {written:,} entries: {indexing:.1f} s, "
            f"{len(more) / indexing:,.0f} sections/s; "
            f"CPU time of this process {indexing_cpu:.1f} s{server_cpu}"
        )


def timed_bulk_put(corpus: list[tuple[str, Any]]) -> tuple[float, float, str]:
    """``bulk_put`` of the corpus, the engine's tidying and the commit: the wall time, this
    process's CPU time (on a busy machine the wall time also holds waiting for a core), and
    a note of the PostgreSQL server's CPU time for it when the server runs on this machine."""
    from django.db import connection, transaction

    from koepel.search import engines, index

    server_started = server_cpu_time()
    started, cpu_started = time.perf_counter(), time.process_time()
    with transaction.atomic():
        index.bulk_put(corpus)
        with connection.cursor() as cursor:
            engines.current().settle(cursor)
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    note = ""
    if connection.vendor == "postgresql":
        server_ended = server_cpu_time()
        if server_started is None or server_ended is None:
            note = " (the server's is not counted)"
        else:
            note = f", of the server's process for this connection {server_ended - server_started:.1f} s"
    return elapsed, cpu, note


def server_cpu_time() -> float | None:
    """The CPU time of the PostgreSQL server process serving this connection, when it runs on
    this machine and its ``/proc`` entry can be read; else None."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None  # SQLite runs in this process: its time is this process's
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    # utime and stime, the 14th and 15th fields, in clock ticks.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def generated_network(args: argparse.Namespace) -> None:
    """Measure the queries on a network made by ``generate-data``, as its member ``lid``."""
    os.environ["KOEPEL_DATA_DIR"] = str(args.data_dir.resolve())
    os.environ.pop("DATABASE_URL", None)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 50)
    sys.path.insert(0, str(ROOT / "src"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "koepel.settings"
    import django

    django.setup()
    from django.db import connection

    from koepel.accounts.models import User
    from koepel.search.models import SearchEntry

    entries = SearchEntry.objects.count()
    print(f"engine: {connection.vendor} {connection.get_database_version()}")
    print(f"data: a generated network, {entries:,} search entries; database {database_size()}")
    print(f"queries: {args.rounds} rounds after {args.warmup} warm-up, as the member lid")
    queries_and_table(args, User.objects.get(username="lid").pk, entries)


def queries_and_table(args: argparse.Namespace, user_pk: int, written: int) -> None:
    load_before = os.getloadavg()[0]
    rows = measure(args, user_pk, written)
    # Other work on the machine slows both sides alike; the load says how much there was.
    print(
        f"processors: {os.cpu_count()}, load average (1 min) {load_before:.2f} before and "
        f"{os.getloadavg()[0]:.2f} after the queries"
    )
    print()
    header = (
        f"{'query':<28} {'kind':<22} {'matches':>14} {'visible':>8} "
        f"{'search() p50/p95 ms':>20} {'bare engine p50/p95':>20} {'replay p50/p95':>16} "
        f"{'search()/bare per round':>26} {'search()/replay':>26}"
    )
    print(header)
    print("-" * len(header))
    notes = set()
    for row in rows:
        koepel, bare, direct = row["koepel"], row["bare"], row["direct"]
        print(
            f"{row['query']:<28} {row['label']:<22} "
            f"{row['matching']:>7} ({row['share']:>4.0%}) {row['visible']:>8} "
            f"{koepel.p50:>10.1f} / {koepel.p95:>6.1f} {bare.p50:>10.1f} / {bare.p95:>6.1f} "
            f"{direct.p50:>7.1f} / {direct.p95:>6.1f} "
            f"{row['over_bare']!s:>26} {row['over_direct']!s:>26}"
        )
        notes |= {s.note for s in (koepel, bare, direct) if s.note}
    print(
        "ratios: median of the per-round ratios (lowest-highest); the bare engine has no "
        "visibility check and no counts per kind."
    )
    for note in sorted(notes):
        print(f"note: {note}")


if __name__ == "__main__":
    main()
