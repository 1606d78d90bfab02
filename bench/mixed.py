#!/usr/bin/env python3
"""A realistic mix of reading and writing by many people at once, with Locust.

    python bench/mixed.py --data-dir /tmp/koepel-s1 [--database-url postgres://…]
                          [--users 50] [--duration 600] [--spawn-rate 5] [--port 8123]
    python bench/mixed.py --data-dir /tmp/koepel-s1 --open --rate 25 --duration 600 [--seed 1]

Needs Locust (not for ``--open``): ``pip install -c requirements/constraints.txt -e '.[bench]'``.

Start from a network made by ``koepel generate-data --scale N``. The script starts gunicorn as
``bench/load.py`` does (2 workers and the keep-alive of ``koepel serve``; on a free port, or
``--port``), prepares the sign-ins of the generated
accounts (a session for the member ``lid``; for ``secretaris`` a confirmed authenticator and a
session that has passed the second step, as after a real sign-in; an API key for ``lid``), and
runs ``bench/mixed_locustfile.py`` headless for ``--duration`` seconds with ``--users``
simulated people, each waiting one to five seconds between two steps, as a person reading and
typing does:

- members (6 in 10) read: the home page, the cities, a body, the meetings of a year, a meeting,
  the lobby, a dossier, a document, a search; and answer an invitation (a write);
- secretaries (3 in 10) read their own meetings and write: an action, a decision and the
  minutes (form with its version, so two at once on one meeting meet the optimistic locking);
- the public (1 in 10) reads the home page, a public body and a search, signed out;
- the members' scripts also read the API lists with an API key.

It prints per kind of request the number sent, failures, p50 and p95 (flagged when fewer than
40 answers or when p95 is the slowest), and the whole mix's, against the targets (zero
failures; p95 under 200 ms), the workers' peak RSS and the load average before and after.

Locust's people are a closed loop: each waits for its answer before thinking and clicking
again, so a slow server is sent fewer requests. ``--open`` runs an open loop instead, without
Locust: requests arrive at Poisson times at ``--rate`` per second (exponential gaps from a
generator seeded with ``--seed``) for ``--duration`` seconds, whatever the server is doing,
drawn from the same mix's reading (members 6, secretaries reading their own meetings 3, the
public 1, with the Locust tasks' weights); each is timed from the moment it was due, so time
spent queueing counts (no coordinated omission). A connection error, a time-out or an answer
of 500 or more is a failure; 4xx answers are counted apart. The open loop only reads: the
writes need a form read first and are left to the Locust run. A failure is
an answer of 400 or more, a connection error or a time-out; an edit that meets someone else's
newer version is answered with the form and a message, and is counted apart as a conflict. A
write counts as done only when it is answered with the redirect back to the meeting.

The run writes into the database (actions, decisions, minutes, answers, sessions, one API
key, one authenticator): use a generated copy, not a database that matters.
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import benchstats  # noqa: E402 - percentiles and the open loop
import load  # noqa: E402 - the server and data helpers of the load benchmark

P95_TARGET_MS = 200.0  # the 50-user mix with writes
OPEN_P95_TARGET_MS = 100.0  # every page and API list under open load


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True, help="KOEPEL_DATA_DIR")
    parser.add_argument("--database-url", default="", help="PostgreSQL; default: SQLite")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=5, help="users started per second")
    parser.add_argument("--duration", type=int, default=600, help="seconds")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--worker-class", default="gthread", choices=["gthread", "sync"])
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--port", type=int, default=0, help="server port (default: a free one)")
    parser.add_argument(
        "--cache",
        default="on",
        choices=["on", "off"],
        help="keep rendered parts of pages and API lists (KOEPEL_CACHE); off to compare",
    )
    parser.add_argument(
        "--open",
        action="store_true",
        help="open loop without Locust: Poisson arrivals at --rate per second of the mix's "
        "reads, latency from the scheduled send time",
    )
    parser.add_argument("--rate", type=float, default=25.0, help="--open: requests per second")
    parser.add_argument("--seed", type=int, default=1, help="--open: seed of arrivals and pages")
    return parser.parse_args()


def session_for(username: str, *, second_factor: bool = False) -> str:
    """A session cookie for a generated account, as after signing in (with both steps)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from koepel.accounts.models import User

    user = User.objects.get(username=username)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    if second_factor:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def api_key_for(username: str) -> str:
    from koepel.accounts.models import User
    from koepel.api.services import token_create

    _token, secret = token_create(user=User.objects.get(username=username), name="bench mixed")
    return secret


def plan(args: argparse.Namespace) -> dict[str, Any]:
    """What the simulated people read and write, chosen from the data as each account sees it."""
    from django.contrib.auth.models import AnonymousUser

    from koepel.accounts.access import editable_bodies, visible
    from koepel.accounts.models import User
    from koepel.advocacy.models import Dossier
    from koepel.library.models import Document
    from koepel.meetings.models import Answer, Invitation, Meeting
    from koepel.registry.models import Body

    member = User.objects.get(username="lid")
    secretary = User.objects.get(username="secretaris")
    year = int(load.data_context(argparse.Namespace(query=""))["year"])
    meetings = visible(Meeting.objects.filter(date__year=year), member)
    own_bodies = editable_bodies(secretary)
    own_meetings = Meeting.objects.filter(bodies__in=own_bodies).distinct().order_by("-date")
    invited = Invitation.objects.filter(person_id=member.person_id).order_by("-meeting__date")
    return {
        "member": session_for("lid"),
        "secretary": session_for("secretaris", second_factor=True),
        "api_key": api_key_for("lid"),
        "year": year,
        "answer": Answer.COMING.value,
        "bodies": list(visible(Body.objects.all(), member).values_list("slug", flat=True)[:200]),
        "public_bodies": list(
            visible(Body.objects.all(), AnonymousUser()).values_list("slug", flat=True)[:200]
        ),
        "meetings": list(meetings.order_by("-date").values_list("pk", flat=True)[:200]),
        "dossiers": list(
            visible(Dossier.objects.order_by("-pk"), member).values_list("slug", flat=True)[:200]
        ),
        "documents": list(
            visible(Document.objects.order_by("-pk"), member).values_list("slug", flat=True)[:200]
        ),
        "own_meetings": list(own_meetings.values_list("pk", flat=True)[:40]),
        "invited_meetings": list(invited.values_list("meeting_id", flat=True)[:40]),
        "queries": [
            "woningmarkt",
            "armoede schulden",
            "wonen",
            "gemeente",
            '"sociaal domein"',
            "energietransitie",
            "onderwijs",
            "werk*",
        ],
    }


# The mix's reads with the weights of mixed_locustfile.py: (people's weight, their reads with
# each read's weight). A read is (weight, label, path template, who).
MEMBER_READS = [
    (3, "/", "/"),
    (3, "/zoeken/?q=…", "/zoeken/?q={query}"),
    (2, "/gemeenten/", "/gemeenten/"),
    (3, "/gremia/[slug]/", "/gremia/{body}/"),
    (2, "/bijeenkomsten/?jaar=…", "/bijeenkomsten/?jaar={year}"),
    (3, "/bijeenkomsten/[id]/", "/bijeenkomsten/{meeting}/"),
    (2, "/lobby/", "/lobby/"),
    (2, "/lobby/dossiers/[slug]/", "/lobby/dossiers/{dossier}/"),
    (2, "/kennisbank/[slug]/", "/kennisbank/{document}/"),
    (2, "/api/v1/…", "/api/v1/{api}"),
]
SECRETARY_READS = [(1, "/bijeenkomsten/[id]/ (eigen)", "/bijeenkomsten/{own_meeting}/")]
PUBLIC_READS = [
    (3, "/ (publiek)", "/"),
    (2, "/gremia/[slug]/ (publiek)", "/gremia/{public_body}/"),
    (2, "/zoeken/?q=… (publiek)", "/zoeken/?q={query}"),
]


def open_loop_chooser(plan: dict[str, Any]) -> Any:
    """A function that draws one read of the mix, as (label, path, headers)."""
    member = {"Cookie": plan["member"]}
    people = [
        (6, MEMBER_READS, member),
        (3, SECRETARY_READS, {"Cookie": plan["secretary"]}),
        (1, PUBLIC_READS, {}),
    ]
    pools = {
        "query": plan["queries"],
        "body": plan["bodies"],
        "meeting": plan["meetings"],
        "dossier": plan["dossiers"],
        "document": plan["documents"],
        "own_meeting": plan["own_meetings"],
        "public_body": plan["public_bodies"],
        "api": ["gemeenten", "gremia", "bijeenkomsten", "lobbydossiers"],
    }

    def usable(path: str) -> bool:  # a read of records the data has none of is left out
        return all(pools[key] for key in pools if "{" + key + "}" in path)

    people = [
        (weight, [read for read in reads if usable(read[2])], headers)
        for weight, reads, headers in people
    ]
    people = [entry for entry in people if entry[1]]

    def choose(rng: Any) -> tuple[str, str, dict[str, str]]:
        _, reads, headers = rng.choices(people, weights=[p[0] for p in people])[0]
        _, label, template = rng.choices(reads, weights=[r[0] for r in reads])[0]
        values = {key: rng.choice(pool) for key, pool in pools.items() if pool}
        values["query"] = urllib.parse.quote_plus(values["query"])  # "armoede schulden"
        path = template.format(year=plan["year"], **values)
        if label.startswith("/api/"):
            return label, path, {"Authorization": f"Token {plan['api_key']}"}
        return label, path, headers

    return choose


def run_locust(args: argparse.Namespace, host: str, plan_file: Path, out: Path) -> None:
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(HERE / "mixed_locustfile.py"),
        "--headless",
        "--users",
        str(args.users),
        "--spawn-rate",
        str(args.spawn_rate),
        "--run-time",
        f"{args.duration}s",
        "--host",
        host,
        "--csv",
        str(out),
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--exit-code-on-error",
        "0",
    ]
    env = {**load.os.environ, "KOEPEL_MIX_PLAN": str(plan_file)}
    # Locust's own table goes to a file; the figures are printed below from its CSV.
    with open(f"{out}_locust.txt", "w") as log:
        subprocess.run(command, env=env, check=True, stdout=log)  # noqa: S603 - our arguments


def read_stats(prefix: Path) -> list[dict[str, str]]:
    with open(f"{prefix}_stats.csv", newline="") as handle:
        return list(csv.DictReader(handle))


def read_conflicts(plan_file: Path) -> int:
    path = plan_file.with_name("conflicts.json")  # written by the locustfile at the end
    return int(json.loads(path.read_text())["conflicts"]) if path.exists() else 0


def report(rows: list[dict[str, str]], conflicts: int, peaks: list[float], args: Any) -> None:
    print()
    print(f"{'request':<34} {'count':>7} {'fail':>5} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7}")
    total: dict[str, str] = {}
    for row in rows:
        if row["Name"] == "Aggregated":
            total = row
            continue
        print(
            f"{row['Type'] + ' ' + row['Name']:<34} {row['Request Count']:>7} "
            f"{row['Failure Count']:>5} {row['50%']:>7} {row['95%']:>7} "
            f"{float(row['Max Response Time']):>7.0f}  {_note(row)}"
        )
    failures = int(total.get("Failure Count", "0"))
    p95 = float(total.get("95%", "nan"))
    print(
        f"{'all':<34} {total.get('Request Count', '0'):>7} {failures:>5} "
        f"{total.get('50%', ''):>7} {total.get('95%', ''):>7} "
        f"{float(total.get('Max Response Time', 'nan')):>7.0f}  {_note(total) if total else ''}"
    )
    print(f"Edit conflicts (answered with the form and a message): {conflicts}")
    print(f"Peak RSS per worker: {', '.join(f'{p:.0f} MB' for p in peaks) or 'unknown'}")
    print(
        f"Targets: zero failures: {'met' if failures == 0 else 'MISSED'}; "
        f"p95 under {OPEN_P95_TARGET_MS:.0f} ms: {'met' if p95 < OPEN_P95_TARGET_MS else 'MISSED'}"
    )
    if args.json:
        args.json.write_text(
            json.dumps({"rows": rows, "conflicts": conflicts, "peak_rss_mb": peaks}, indent=2)
        )


def _note(row: dict[str, str]) -> str:
    """Why a row's p95 says little (Locust's percentiles are rounded to two digits)."""
    try:
        count, p95 = int(row["Request Count"]), float(row["95%"])
        return benchstats.Summary(count, 0.0, p95, float(row["Max Response Time"])).note
    except (KeyError, ValueError):
        return ""


def run_open(args: argparse.Namespace, host: str, plan_data: dict[str, Any]) -> int:
    result = benchstats.open_loop(
        host,
        open_loop_chooser(plan_data),
        rate=args.rate,
        duration=args.duration,
        seed=args.seed,
    )
    failures = benchstats.print_open_loop(result, args.rate, args.duration)
    every = [value for values in result.latencies.values() for value in values]
    p95 = benchstats.summary(every).p95
    print(
        f"Targets: zero failures: {'met' if failures == 0 else 'MISSED'}; "
        f"p95 under {OPEN_P95_TARGET_MS:.0f} ms: {'met' if p95 < OPEN_P95_TARGET_MS else 'MISSED'}"
    )
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "rate": args.rate,
                    "duration": args.duration,
                    "latencies_ms": result.latencies,
                    "failures": result.failures,
                    "client_errors": result.client_errors,
                },
                indent=2,
            )
        )
    return failures


def main() -> None:
    args = parse_args()
    locust_missing = (
        shutil.which("locust") is None and not (Path(sys.executable).parent / "locust").exists()
    )
    if not args.open and locust_missing:
        raise SystemExit(
            "Locust is not installed: pip install -c requirements/constraints.txt -e '.[bench]'"
        )
    env = load.configure(args)
    subprocess.run(
        [sys.executable, "-m", "koepel.cli", "collectstatic", "--noinput", "-v0"],
        env=env,
        check=True,
    )
    work = Path(tempfile.mkdtemp(prefix="koepel-mixed-"))
    plan_file = work / "plan.json"
    plan_data = plan(args)
    plan_file.write_text(json.dumps(plan_data))
    from django.db import connections

    connections.close_all()  # the server and Locust are the only ones talking from here on
    port = args.port or load.free_port()
    print(f"Machine: {load.machine()}")
    print(f"Data: {load.data_summary()}")
    mode = (
        f"open loop, Poisson arrivals at {args.rate:g}/s (seed {args.seed})"
        if args.open
        else f"Locust, {args.users} users (1 to 5 s between steps)"
    )
    print(
        f"Server: gunicorn {args.workers} workers ({args.worker_class}, {args.threads} threads) "
        f"on port {port}; load: {mode}, {args.duration} s"
    )
    server = load.start_server(args, env, port)
    try:
        if args.open:
            run_open(args, f"http://127.0.0.1:{port}", plan_data)
        else:
            run_locust(args, f"http://127.0.0.1:{port}", plan_file, work / "mixed")
        peaks = load.peak_rss_mb(server)
    finally:
        server.terminate()
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    print(f"Machine after the run: {load.machine()}")
    if args.open:
        print(f"Peak RSS per worker: {', '.join(f'{p:.0f} MB' for p in peaks) or 'unknown'}")
    else:
        report(read_stats(work / "mixed"), read_conflicts(plan_file), peaks, args)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
