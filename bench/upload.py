#!/usr/bin/env python3
"""How long other writers wait while a large document is uploaded and read.

    python bench/upload.py [--data-dir /tmp/koepel-upload] [--database-url postgres://…]
                           [--writers 20] [--pause 0.5,1.5] [--rounds 3] [--headings 5000]
                           [--kind md|docx]

The script makes a new installation in ``--data-dir`` (an empty or missing folder; on
PostgreSQL also an empty database), migrates it, and starts ``koepel serve`` on a free
loopback port: the web server and the task worker, as in production. The network office is
signed in by a session made for it (both steps passed).

Then, in interleaved rounds, it runs ``--writers`` writers (separate processes, each writing a
person through the registry's service every ``--pause`` seconds, 0.5 to 1.5 by default, as
people busily saving forms do) twice:
once while the office uploads a report of ``--headings`` headings through the upload form and
Koepel reads it (from just before the upload until its reading is done), and once for as long
without an upload. Every write is timed from its start to its commit: the time it waits for
the database plus the write itself.

It prints per kind of run the number of writes and errors, the median, p95 (by
``statistics.quantiles``, flagged when it rests on fewer than 40 writes or is the longest) and
longest write, and how long each upload took to be read, and the load average at the start and
the end. The target: the longest write under a second, and
no errors.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchstats  # noqa: E402 - the percentiles shared by the benchmarks

TARGET_SECONDS = 1.0
WORDS = [
    *("gemeente", "woningen", "wijk", "zorg", "jeugd", "werk", "inkomen", "onderwijs"),
    *("veiligheid", "klimaat", "energie", "mobiliteit", "armoede", "schulden", "sport"),
    *("cultuur", "economie", "arbeidsmarkt", "Utrecht", "Zwolle"),
]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, help="KOEPEL_DATA_DIR (default: a new folder)")
    parser.add_argument("--database-url", default="", help="PostgreSQL; default: SQLite")
    parser.add_argument("--writers", type=int, default=20)
    parser.add_argument(
        "--pause", default="0.5,1.5", help="seconds between two writes of a writer: LOW,HIGH"
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--headings", type=int, default=5000)
    parser.add_argument("--kind", choices=["md", "docx"], default="md")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    return parser.parse_args()


# --- The installation ---------------------------------------------------------------------------


def configure(args: argparse.Namespace) -> dict[str, str]:
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="koepel-upload-"))
    if data_dir.exists() and any(data_dir.iterdir()):
        raise SystemExit(f"{data_dir} is not empty: give a new folder, the run writes into it.")
    env = dict(os.environ)
    env.update(
        KOEPEL_DATA_DIR=str(data_dir.resolve()),
        DJANGO_SETTINGS_MODULE="koepel.settings",
        LOG_LEVEL="WARNING",
        PYTHONPATH=os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")]),
    )
    env.pop("DATABASE_URL", None)
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    os.environ.clear()
    os.environ.update(env)
    sys.path.insert(0, str(ROOT / "src"))
    for command in (["migrate", "--no-input", "-v0"], ["collectstatic", "--no-input", "-v0"]):
        subprocess.run([sys.executable, "-m", "koepel.cli", *command], env=env, check=True)  # noqa: S603
    import django

    django.setup()
    return env


def office_session() -> str:
    """A session cookie of the network office, as after signing in with both steps."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from koepel.accounts.models import User
    from koepel.registry.models import Network

    # A network first: on a database without one every page leads to the first-run page.
    Network.objects.create(name="Netwerk van de meting", short_name="Meting")
    office = User.objects.create(username="bureau", is_office=True)
    device = TOTPDevice.objects.create(user=office, name="bench", confirmed=True)
    session = SessionStore()
    session[SESSION_KEY] = str(office.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = office.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_serve(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(  # noqa: S603 - this Python, our own arguments
        [sys.executable, "-m", "koepel.cli", "serve", "--bind", f"127.0.0.1:{port}"],
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/toegankelijkheid/", timeout=2):
                return server
        except OSError:
            if server.poll() is not None:
                raise SystemExit("koepel serve stopped.") from None
            time.sleep(0.3)
    raise SystemExit("koepel serve did not answer within two minutes.")


# --- Writers ------------------------------------------------------------------------------------


def start_writers(count: int, pause: tuple[float, float], log_dir: Path, stop: Path) -> list[int]:
    """Forked writers, each appending "ok SECONDS" or "error SECONDS MESSAGE" per write."""
    from django.db import connections

    from koepel.registry.models import Person
    from koepel.registry.services import person_save

    # One write here first, so that every lazy import and first-time set-up is done before
    # the fork: a writer's first write is then timed like its others.
    tag = uuid.uuid4().hex[:12]
    person_save(person=Person(name=f"Opwarmen {tag}", slug=f"opwarmen-{tag}"))
    connections.close_all()
    children = []
    for number in range(count):
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                _write_until(log_dir / f"writer-{number}.log", number, pause, stop)
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        children.append(pid)
    return children


def _write_until(log: Path, number: int, pause: tuple[float, float], stop: Path) -> None:
    from koepel.registry.models import Person
    from koepel.registry.services import person_save

    chance = random.Random(number)  # noqa: S311 - timing, not a secret
    with log.open("a") as out:
        while not stop.exists():
            time.sleep(chance.uniform(*pause))
            tag = uuid.uuid4().hex[:12]
            began = time.monotonic()
            try:
                person_save(person=Person(name=f"Schrijver {tag}", slug=f"schrijver-{tag}"))
            except Exception as error:
                out.write(f"error {time.monotonic() - began:.4f} {type(error).__name__}: {error}\n")
            else:
                out.write(f"ok {time.monotonic() - began:.4f}\n")
            out.flush()


def stop_writers(children: list[int], stop: Path) -> None:
    stop.touch()
    for pid in children:
        os.waitpid(pid, 0)


def read_logs(log_dir: Path) -> tuple[list[float], list[str]]:
    waits, errors = [], []
    for log in log_dir.glob("writer-*.log"):
        for line in log.read_text().splitlines():
            kind, seconds, *rest = line.split(" ", 2)
            waits.append(float(seconds))
            if kind != "ok":
                errors.append(" ".join(rest))
    return waits, errors


# --- The upload ---------------------------------------------------------------------------------


def report_file(kind: str, headings: int, seed: int) -> tuple[str, bytes]:
    chance = random.Random(seed)  # noqa: S311 - words, not secrets

    def sentence() -> str:
        return " ".join(chance.choice(WORDS) for _ in range(30)).capitalize() + "."

    if kind == "md":
        parts = ["# Jaarverslag\n\n"]
        for number in range(1, headings):
            parts.append(f"{'#' * (2 + number % 3)} Onderwerp {number}\n\n{sentence()}\n\n")
        return "jaarverslag.md", "".join(parts).encode()
    import docx

    document = docx.Document()
    document.add_heading("Jaarverslag", level=1)
    for number in range(1, headings):
        document.add_heading(f"Onderwerp {number}", level=2 + number % 3)
        document.add_paragraph(sentence())
    out = io.BytesIO()
    document.save(out)
    return "jaarverslag.docx", out.getvalue()


def upload(base: str, cookie: str, title: str, name: str, content: bytes) -> int:
    """Through the upload form, as the office would: its CSRF token first."""
    form = urllib.request.Request(f"{base}/kennisbank/nieuw/", headers={"Cookie": cookie})  # noqa: S310
    page = _open(form)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page[1])
    csrf = re.search(r"csrftoken=([^;]+)", page[2])
    if token is None or csrf is None:
        raise SystemExit("The upload form did not come with a CSRF token: not signed in?")
    fields = {"title": title, "kind": "jaarverslag", "visibility": "public", "language": "nl"}
    fields["csrfmiddlewaretoken"] = token.group(1).decode()
    boundary = uuid.uuid4().hex
    body = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    )
    body += (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = urllib.request.Request(  # noqa: S310 - loopback only
        f"{base}/kennisbank/nieuw/",
        data=body,
        headers={
            "Cookie": f"{cookie}; csrftoken={csrf.group(1)}",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Referer": f"{base}/kennisbank/nieuw/",
        },
    )
    return _open(request)[0]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _open(request: urllib.request.Request) -> tuple[int, bytes, str]:
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=120) as response:
            return response.status, response.read(), response.headers.get("Set-Cookie", "")
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers.get("Set-Cookie", "")


def until_read(title: str, timeout: float = 600) -> tuple[str, int]:
    """Wait for the upload's reading to end: its state and number of sections."""
    from koepel.library.models import DocumentFile, Section

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        version = DocumentFile.objects.filter(document__title=title).first()
        if version is not None and version.extraction in {"klaar", "mislukt"}:
            return version.extraction, Section.objects.filter(document=version.document).count()
        time.sleep(0.2)
    return "not read in time", 0


# --- The run ------------------------------------------------------------------------------------


def figures(waits: list[float], errors: list[str]) -> dict[str, Any]:
    ordered = sorted(waits)
    summary = benchstats.summary(ordered)
    return {
        "writes": len(ordered),
        "errors": len(errors),
        "median_s": statistics.median(ordered) if ordered else None,
        "p95_s": summary.p95 if ordered else None,
        "longest_s": ordered[-1] if ordered else None,
        "note": summary.note,
    }


def main() -> None:
    args = parse_args()
    print(f"start: {benchstats.loadavg()}")
    try:
        measure(args)
    finally:
        print(f"end: {benchstats.loadavg()}")


def measure(args: argparse.Namespace) -> None:
    low, high = (float(value) for value in args.pause.split(","))
    pause = (low, high)
    env = configure(args)
    from django.db import connection

    cookie = office_session()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    print(f"{os.cpu_count()} cores; {connection.vendor}; {args.writers} writers", end=" ")
    print(f"every {low:g}-{high:g} s;", end=" ")
    print(f"upload: {args.kind} of {args.headings} headings; {args.rounds} rounds")
    server = start_serve(env, port)
    results: dict[str, dict[str, list[Any]]] = {
        "met upload": {"waits": [], "errors": [], "reading_s": []},
        "zonder upload": {"waits": [], "errors": [], "reading_s": []},
    }
    work = Path(tempfile.mkdtemp(prefix="koepel-upload-writers-"))
    try:
        last_duration = 10.0
        for round_ in range(args.rounds):
            # Alternate which kind goes first, so that neither always runs on a warmer server.
            order = ["met upload", "zonder upload"]
            for mode in order if round_ % 2 == 0 else order[::-1]:
                logs = work / f"{round_}-{mode.replace(' ', '-')}"
                logs.mkdir()
                stop = logs / "stop"
                children = start_writers(args.writers, pause, logs, stop)
                began = time.monotonic()
                time.sleep(1)
                if mode == "met upload":
                    title = f"Jaarverslag {round_ + 1}"
                    name, content = report_file(args.kind, args.headings, round_)
                    sent = time.monotonic()
                    status = upload(base, cookie, title, name, content)
                    state, sections = until_read(title)
                    reading = time.monotonic() - sent
                    results[mode]["reading_s"].append(reading)
                    print(
                        f"  round {round_ + 1}: upload answered {status}, {state} with "
                        f"{sections} sections after {reading:.1f} s"
                    )
                    time.sleep(1)
                    last_duration = time.monotonic() - began
                else:
                    time.sleep(max(0.0, last_duration - 1))
                stop_writers(children, stop)
                waits, errors = read_logs(logs)
                results[mode]["waits"] += waits
                results[mode]["errors"] += errors
                summary = figures(waits, errors)
                print(
                    f"  round {round_ + 1}, {mode:<13}: {summary['writes']:>5} writes, "
                    f"{summary['errors']} errors, p95 {summary['p95_s']:.3f} s, "
                    f"longest {summary['longest_s']:.3f} s"
                )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
        shutil.rmtree(work, ignore_errors=True)

    print()
    print(f"{'':<14} {'writes':>7} {'errors':>7} {'median s':>9} {'p95 s':>7} {'longest s':>10}")
    report = {}
    for mode, collected in results.items():
        summary = figures(collected["waits"], collected["errors"])
        report[mode] = {**summary, "reading_s": collected["reading_s"]}
        print(
            f"{mode:<14} {summary['writes']:>7} {summary['errors']:>7} "
            f"{summary['median_s']:>9.3f} {summary['p95_s']:>7.3f} {summary['longest_s']:>10.3f}"
            f"  {summary['note']}"
        )
    readings = results["met upload"]["reading_s"]
    print(f"Reading each upload took {', '.join(f'{s:.1f} s' for s in readings)}.")
    longest = report["met upload"]["longest_s"] or 0.0
    verdict = "met" if longest < TARGET_SECONDS and not report["met upload"]["errors"] else "missed"
    print(
        f"Target (longest write beside an upload under {TARGET_SECONDS:.0f} s, no errors): {verdict}"
    )
    for mode, collected in results.items():
        for error in sorted(set(collected["errors"]))[:5]:
            print(f"  {mode}: {error}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
