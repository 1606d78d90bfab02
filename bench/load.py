#!/usr/bin/env python3
"""Pages (and, once there, the API) under load, beside a bare Django view on the same server.

    python bench/load.py --data-dir /tmp/koepel-s1 [--database-url postgres://…]
                         [--concurrency 20] [--duration 10] [--rounds 3] [--port 8123]
    python bench/load.py --data-dir /tmp/koepel-s1 --open --rate 25 [--seed 1] …
    python bench/load.py --data-dir /tmp/koepel-s1 --cache off …   (rendered parts not kept)

Start from a database filled by ``koepel generate-data --scale N`` (its data folder for
SQLite; with --database-url, a PostgreSQL database and a data folder for the static files).
The script collects the static files, starts gunicorn (2 workers and the keep-alive of
``koepel serve``) on a free loopback port (or ``--port``) with Koepel's settings plus one bare
view (``bench/loadsite``), signs in as
the generated member ``lid`` by making a session (and, without ``--api-token``, an API key of
lid's for the API lists), and then, in interleaved rounds, loads each
target for ``--duration`` seconds with ``--concurrency`` clients. Per target it prints the
medians over the rounds of p50 and p95 latency and requests per second, its throughput over
the bare view's taken per round (median and range of those ratios), the errors, and the
queries the page sends (counted in-process once). A p95 from fewer than 40 answers, or equal
to the slowest, is flagged. At the end: peak RSS of each gunicorn worker; the load average at
the start, after each round and at the end.

Closed loop (the default) measures throughput: each client sends its next request as soon as
the last one is answered, so a slow server is sent less and its latency says little. With
``--open`` the load is open instead, as people are: requests arrive at Poisson times at
``--rate`` per second (exponential gaps from a generator seeded with ``--seed``), whatever the
server is doing, and each is timed from the moment it was due, so time spent queueing counts
(no coordinated omission). A connection error, a time-out or an answer of 500 or more is a
failure. Per target and round it prints p50/p95 and failures; the ratio to the bare view is
then of p95 latency, per round.

The load generator is wrk when it is installed (Debian/Ubuntu: ``apt-get install wrk``;
macOS: ``brew install wrk``), else a small one in Python (``--loader python``), which itself
needs a good part of a core: compare ratios, not absolute figures, on a small machine.

Targets are the TARGETS list below; an API list is one more line there. A target that answers
404 (an API not yet merged, say) is skipped with a note.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SITE = Path(__file__).resolve().parent / "loadsite"
BARE = "kaal"
# The gunicorn settings ``koepel serve`` passes (its keep-alive among them).
GUNICORN_CONFIG = "python:koepel.core.gunicorn_config"

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchstats  # noqa: E402 - the shared percentiles, paired ratios and open loop


@dataclass(frozen=True)
class Target:
    name: str
    path: str  # may hold {year}, {body}, {query}: filled from the data
    auth: str = "session"  # "session" (signed in as lid), "token" (API), "" (anonymous)


TARGETS = [
    Target(BARE, "/__kaal__/"),
    Target("home", "/"),
    Target("gemeenten", "/gemeenten/"),
    Target("gremia", "/gremia/"),
    Target("gremium", "/gremia/{body}/"),
    Target("bijeenkomsten {year}", "/bijeenkomsten/?jaar={year}"),
    Target("lobbydossiers", "/lobby/"),
    Target("zoeken", "/zoeken/?q={query}"),
    Target("api gemeenten", "/api/v1/gemeenten", auth="token"),
    Target("api gremia", "/api/v1/gremia", auth="token"),
    Target("api bijeenkomsten", "/api/v1/bijeenkomsten", auth="token"),
    Target("api lobbydossiers", "/api/v1/lobbydossiers", auth="token"),
    Target("api documenten", "/api/v1/documenten", auth="token"),
    # The same first page by cursor (API 1.1): no count of the whole list.
    Target("api documenten cursor", "/api/v1/documenten?cursor=", auth="token"),
    Target("api lobbydossiers cursor", "/api/v1/lobbydossiers?cursor=", auth="token"),
    Target("api zoeken", "/api/v1/zoeken?q={query}", auth="token"),
]

WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "seconds": %f, "p50": %f, "p95": %f, "max": %f, "errors": %d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3,
    latency:percentile(95) / 1e3, latency.max / 1e3,
    e.connect + e.read + e.write + e.timeout + e.status))
end
"""


@dataclass
class Figures:
    p50: list[float] = field(default_factory=list)  # ms, one per round
    p95: list[float] = field(default_factory=list)
    rps: list[float] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # per round: why its p95 says little
    errors: int = 0
    queries: int | None = None
    cpu_ms: float | None = None


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True, help="KOEPEL_DATA_DIR")
    parser.add_argument("--database-url", default="", help="PostgreSQL; default: SQLite")
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--duration", type=float, default=10, help="seconds per target")
    parser.add_argument(
        "--rounds", type=int, default=3, help="0: only the queries and CPU time of each page"
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--worker-class", default="gthread", choices=["gthread", "sync"])
    parser.add_argument("--loader", default="auto", choices=["auto", "wrk", "python"])
    parser.add_argument("--query", default="woningmarkt", help="the search query")
    parser.add_argument("--only", action="append", default=[], help="run only these targets")
    parser.add_argument("--api-token", default=os.environ.get("KOEPEL_API_TOKEN", ""))
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
        help="open loop: Poisson arrivals at --rate per second, latency from the scheduled send",
    )
    parser.add_argument("--rate", type=float, default=25.0, help="--open: requests per second")
    parser.add_argument("--seed", type=int, default=1, help="--open: seed of the arrival times")
    return parser.parse_args()


def configure(args: argparse.Namespace) -> dict[str, str]:
    env = dict(os.environ)
    env["KOEPEL_DATA_DIR"] = str(args.data_dir.resolve())
    env.pop("DATABASE_URL", None)
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    env["DJANGO_SETTINGS_MODULE"] = "load_settings"
    env["PYTHONPATH"] = os.pathsep.join([str(SITE), str(ROOT / "src"), env.get("PYTHONPATH", "")])
    env["DEBUG"] = "false"
    env["KOEPEL_CACHE"] = args.cache
    os.environ.update(env)
    if not args.database_url:
        os.environ.pop("DATABASE_URL", None)
    sys.path[:0] = [str(SITE), str(ROOT / "src")]
    import django

    django.setup()
    return env


def fill(target: Target, context: dict[str, str]) -> str:
    return target.path.format(**context)


def data_context(args: argparse.Namespace) -> dict[str, str]:
    from django.db.models import Count

    from koepel.core.visibility import Visibility
    from koepel.meetings.models import Meeting
    from koepel.registry.models import Body

    latest = Meeting.objects.order_by("-date").values_list("date__year", flat=True).first()
    # The public body with the most meetings: the fullest body page there is.
    body = (
        Body.objects.filter(visibility=Visibility.PUBLIC, kind="theme_group")
        .annotate(n=Count("meetings"))
        .order_by("-n", "slug")
        .values_list("slug", flat=True)
        .first()
    )
    return {"year": str(latest or 2021), "body": body or "", "query": args.query}


def credentials(args: argparse.Namespace) -> dict[str, str]:
    """Headers per kind of sign-in: a session made for ``lid``; an API token when given."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from koepel.accounts.models import User

    user = User.objects.get(username="lid")
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    token = args.api_token
    if not token:  # an API key of lid's own, as /account/api-sleutels/ would give
        from koepel.api.services import token_create

        _key, token = token_create(user=user, name="bench load")
    return {
        "session": f"{settings.SESSION_COOKIE_NAME}={session.session_key}",
        "token": token,
    }


def headers_for(target: Target, creds: dict[str, str]) -> dict[str, str]:
    if target.auth == "session":
        return {"Cookie": creds["session"]}
    if target.auth == "token" and creds["token"]:
        return {"Authorization": f"Token {creds['token']}"}
    return {}


def count_queries(path: str, headers: dict[str, str]) -> tuple[int, float]:
    """The queries a page sends, and its CPU time in this process (median of 5, in ms): on a
    shared machine CPU time moves far less than latency under load."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    if cookie := headers.get("Cookie"):
        name, _, value = cookie.partition("=")
        client.cookies[name] = value
    extra = {"HTTP_AUTHORIZATION": headers["Authorization"]} if "Authorization" in headers else {}
    response = client.get(path, **extra)  # warm caches, as the server's first request did
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code}, not the page itself.")
    with CaptureQueriesContext(connection) as queries:
        client.get(path, **extra)
    count = len(queries)  # the next request empties the log
    times = []
    for _ in range(5):
        started = time.process_time()
        client.get(path, **extra)
        times.append((time.process_time() - started) * 1000)
    return count, statistics.median(times)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(
    args: argparse.Namespace, env: dict[str, str], port: int
) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "koepel.wsgi:application",
        "--config",
        GUNICORN_CONFIG,
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(args.workers),
        "--worker-class",
        args.worker_class,
        "--threads",
        str(args.threads),
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, env=env)  # noqa: S603 - our own arguments
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/__kaal__/", timeout=2):
                return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("The server did not start within 60 seconds.")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a redirect (to the sign-in or second-step page) is not the page asked for


def status_of(url: str, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - loopback only
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=60) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def run_wrk(
    url: str, headers: dict[str, str], args: argparse.Namespace, seconds: float
) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    command = [
        "wrk",
        "-t2",
        f"-c{args.concurrency}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "10s",
    ]
    command += ["-s", script.name]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout  # noqa: S603
    os.unlink(script.name)
    figures: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    figures["rps"] = figures["requests"] / figures["seconds"]
    return figures


def run_python(
    url: str, headers: dict[str, str], args: argparse.Namespace, seconds: float
) -> dict[str, Any]:
    """A closed-loop load generator: ``concurrency`` threads, one keep-alive connection each."""
    parts = urllib.parse.urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client() -> None:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        mine: list[float] = []
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                connection.request("GET", target, headers=headers)
                response = connection.getresponse()
                response.read()
                ok = response.status < 400
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
                ok = False
            mine.append((time.perf_counter() - started) * 1000)
            if not ok:
                with lock:
                    errors[0] += 1
        with lock:
            latencies.extend(mine)

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(args.concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    figures = benchstats.summary(latencies)
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50": figures.p50,
        "p95": figures.p95,
        "max": figures.maximum,
        "errors": errors[0],
    }


def run_open(
    url: str, headers: dict[str, str], args: argparse.Namespace, seconds: float
) -> dict[str, Any]:
    """Open loop: Poisson arrivals at ``--rate``, latency from the scheduled send time."""
    parts = urllib.parse.urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    base = f"{parts.scheme}://{parts.netloc}"
    result = benchstats.open_loop(
        base,
        lambda _rng: ("target", path, headers),
        rate=args.rate,
        duration=seconds,
        seed=args.seed,
    )
    latencies = result.latencies.get("target", [])
    figures = benchstats.summary(latencies)
    return {
        "requests": len(latencies),
        "rps": len(latencies) / result.seconds if result.seconds else 0.0,
        "p50": figures.p50,
        "p95": figures.p95,
        "max": figures.maximum,
        "errors": sum(result.failures.values()) + sum(result.client_errors.values()),
    }


def drain(base: str) -> None:
    """Wait until the requests still queued from the last run are answered: the bare page
    comes back only after them, so the next run starts on an idle server."""
    with urllib.request.urlopen(f"{base}/__kaal__/", timeout=300):  # noqa: S310 - loopback
        pass


def peak_rss_mb(server: subprocess.Popen[bytes]) -> list[float]:
    """VmHWM of each gunicorn worker (Linux only)."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children")
    if not children.exists():
        return []
    peaks = []
    for pid in children.read_text().split():
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peaks.append(int(line.split()[1]) / 1024)
    return peaks


def machine() -> str:
    memory = "?"
    with open("/proc/meminfo") as handle:
        memory = f"{int(handle.readline().split()[1]) / 1024**2:.0f} GiB"
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return f"{os.cpu_count()} cores, {memory}, load average {load}"


def data_summary() -> str:
    from django.db import connection

    from koepel.library.models import Document, Section
    from koepel.meetings.models import Meeting
    from koepel.registry.models import Municipality, Person

    counts = (
        f"{Municipality.objects.count():,} municipalities, {Person.objects.count():,} people, "
        f"{Meeting.objects.count():,} meetings, {Document.objects.count():,} documents, "
        f"{Section.objects.count():,} sections"
    )
    return f"{connection.vendor}: {counts}"


def main() -> None:
    args = parse_args()
    env = configure(args)
    loader = args.loader
    if loader == "auto":
        loader = "wrk" if shutil.which("wrk") else "python"
    run = run_wrk if loader == "wrk" else run_python
    if args.open:
        loader = "open loop (Python)"
        run = run_open
    subprocess.run(
        [sys.executable, "-m", "koepel.cli", "collectstatic", "--noinput", "-v0"],
        env=env,
        check=True,
    )
    context = data_context(args)
    creds = credentials(args)
    chosen = [
        t for t in TARGETS if not args.only or t.name.split()[0] in args.only or t.name == BARE
    ]
    port = args.port or free_port()
    base = f"http://127.0.0.1:{port}"
    print(f"Machine: {machine()}")
    print(f"Data: {data_summary()}")
    clients = (
        f"Poisson arrivals at {args.rate:g}/s (seed {args.seed})"
        if args.open
        else f"{args.concurrency} clients"
    )
    print(
        f"Server: gunicorn {args.workers} workers ({args.worker_class}, {args.threads} threads) "
        f"on port {port}; load: {loader}, {clients}, {args.duration:g} s per target, "
        f"{args.rounds} interleaved rounds"
    )
    server = start_server(args, env, port)
    try:
        targets = []
        for target in chosen:
            path = fill(target, context)
            headers = headers_for(target, creds)
            status = status_of(base + path, headers)
            if status != 200:
                print(f"  skipped {target.name} ({path}): answered {status}")
                continue
            targets.append((target, path, headers))
        if not any(target.name == BARE for target, _, _ in targets):
            raise SystemExit(
                "The bare view did not answer 200 for the member lid; every page would be "
                "measured against nothing. Is lid an account that needs no second step?"
            )
        figures = {}
        for target, path, headers in targets:
            queries, cpu = count_queries(path, headers)
            figures[target.name] = Figures(queries=queries, cpu_ms=cpu)
        for _target, path, headers in targets if args.rounds else []:  # warm up the workers
            drain(base)
            run(base + path, headers, args, min(2.0, args.duration))
        for round_ in range(args.rounds):
            shift = round_ % len(targets)
            for target, path, headers in targets[shift:] + targets[:shift]:
                drain(base)
                result = run(base + path, headers, args, args.duration)
                entry = figures[target.name]
                entry.p50.append(result["p50"])
                entry.p95.append(result["p95"])
                entry.rps.append(result["rps"])
                note = benchstats.Summary(
                    result["requests"], result["p50"], result["p95"], result.get("max", math.inf)
                ).note
                entry.notes.append(note)
                # A run in which not one answer came back is a failure, not a quiet page.
                entry.errors += result["errors"] or (result["requests"] == 0)
                print(
                    f"    {target.name:<22} p50 {result['p50']:7.1f} ms  p95 {result['p95']:7.1f} ms"
                    f"  {result['rps']:7.1f} req/s  {result['errors']} errors"
                    + (f"  ({note})" if note else "")
                )
            print(f"  round {round_ + 1} of {args.rounds} done ({machine()})")
        report(figures, peak_rss_mb(server), args)
        print(f"Machine at the end: {machine()}")
    finally:
        server.terminate()
        try:
            server.wait(timeout=40)  # gunicorn lets requests in hand finish (30 s)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def report(figures: dict[str, Figures], peaks: list[float], args: argparse.Namespace) -> None:
    bare = figures[BARE]
    # Closed loop: throughput over the bare view's; open loop (fixed rate): p95 over the bare
    # view's p95. Either way per round, both measured in the same round.
    ratio_label = "p95 × bare" if args.open else "req/s × bare"
    print()
    print(
        f"{'target':<22} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>8} {ratio_label + ' (range)':>24} "
        f"{'errors':>7} {'queries':>8} {'CPU ms':>7}  note"
    )
    rows = {}
    for name, entry in figures.items():
        if not entry.rps:  # --rounds 0: queries and CPU time only
            print(f"{name:<22} {'':>66} {entry.queries!s:>8} {entry.cpu_ms or 0:>7.1f}")
            continue
        rps = statistics.median(entry.rps)
        if args.open:
            ratios = benchstats.paired(entry.p95, bare.p95)
        else:
            ratios = benchstats.paired(entry.rps, bare.rps)
        few = [int(note.split()[1]) for note in entry.notes if note.startswith("only ")]
        at_max = sum(note == "p95 is the maximum" for note in entry.notes)
        notes = []
        if few:
            notes.append(f"p95 from as few as {min(few)} samples (< {benchstats.MIN_SAMPLES})")
        if at_max:
            notes.append(f"p95 = max in {at_max} of {len(entry.notes)} rounds")
        row = {
            "p50_ms": statistics.median(entry.p50),
            "p95_ms": statistics.median(entry.p95),
            "rps": rps,
            "ratio_to_bare": ratios.median,
            "ratio_to_bare_range": [ratios.low, ratios.high],
            "ratio_of": "p95" if args.open else "rps",
            "errors": entry.errors,
            "queries": entry.queries,
            "cpu_ms": entry.cpu_ms,
            "notes": notes,
        }
        rows[name] = row
        print(
            f"{name:<22} {row['p50_ms']:>8.1f} {row['p95_ms']:>8.1f} {rps:>8.1f} "
            f"{ratios!s:>24} {entry.errors:>7} {entry.queries!s:>8} "
            f"{entry.cpu_ms or 0:>7.1f}  {'; '.join(notes)}"
        )
    print(
        "p50 and p95 are medians over the rounds of each round's percentiles; the ratio is "
        "taken per round (median, lowest-highest)."
    )
    print(f"Peak RSS per worker: {', '.join(f'{p:.0f} MB' for p in peaks) or 'unknown'}")
    if args.json:
        args.json.write_text(json.dumps({"targets": rows, "peak_rss_mb": peaks}, indent=2))


if __name__ == "__main__":
    main()
