"""Statistics and load helpers shared by the scripts in ``bench/``.

- ``summary``: p50, p95 and maximum of a list of timings, by ``statistics.quantiles`` (the
  "exclusive" method), with a note when there are too few samples for a p95 that is not
  simply the slowest one (fewer than ``MIN_SAMPLES``) or when p95 comes out as the maximum.
- ``paired``: the ratio of two sides measured in the same round, one per round, and their
  median and range: a ratio of medians mixes rounds that saw different loads.
- ``loadavg``: the machine's load average, printed at the start and end of every script.
- ``open_loop``: requests sent at Poisson arrival times at a given rate, each timed from the
  moment it was due to be sent (so time spent waiting for a free connection counts).

Only the standard library: every script stays runnable on its own.
"""

from __future__ import annotations

import contextlib
import http.client
import math
import os
import queue
import random
import statistics
import threading
import time
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

# With fewer samples than this, p95 by any method is one of the two slowest: say so.
MIN_SAMPLES = 40


def loadavg() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def percentile(values: Sequence[float], percent: int) -> float:
    """The ``percent``-th percentile (1 to 99) by ``statistics.quantiles``; with one value,
    that value."""
    if not values:
        return float("nan")
    if len(values) == 1:
        return float(values[0])
    return statistics.quantiles(values, n=100)[percent - 1]


@dataclass(frozen=True)
class Summary:
    n: int
    p50: float
    p95: float
    maximum: float

    @property
    def note(self) -> str:
        """Why p95 says little here, or ''."""
        if self.n < MIN_SAMPLES:
            return f"only {self.n} samples: p95 is about the slowest"
        if self.p95 >= self.maximum:
            return "p95 is the maximum"
        return ""


def summary(values: Sequence[float]) -> Summary:
    if not values:
        return Summary(0, float("nan"), float("nan"), float("nan"))
    return Summary(
        len(values), percentile(values, 50), min(percentile(values, 95), max(values)), max(values)
    )


@dataclass(frozen=True)
class Ratios:
    median: float
    low: float
    high: float
    n: int

    def __str__(self) -> str:
        if not self.n:
            return "n/a"
        return f"{self.median:.2f} ({self.low:.2f}-{self.high:.2f}, {self.n} rounds)"


def paired(numerators: Sequence[float], denominators: Sequence[float]) -> Ratios:
    """The ratio per round of two sides measured in the same round: median and range."""
    if len(numerators) != len(denominators):
        raise ValueError("Paired ratios need one value of each side per round.")
    ratios = [a / b for a, b in zip(numerators, denominators, strict=True) if b > 0]
    if not ratios:
        return Ratios(float("nan"), float("nan"), float("nan"), 0)
    return Ratios(statistics.median(ratios), min(ratios), max(ratios), len(ratios))


def arrivals(rate: float, duration: float, seed: int) -> list[float]:
    """Send times (seconds from the start) of a Poisson process at ``rate`` per second: the
    gaps are exponential, from a seeded generator, so a run can be repeated."""
    if rate <= 0:
        raise ValueError("The rate must be above zero.")
    rng = random.Random(seed)  # noqa: S311 - arrival times, not secrets
    times: list[float] = []
    now = 0.0
    while True:
        now += rng.expovariate(rate)
        if now >= duration:
            return times
        times.append(now)


@dataclass
class OpenLoopResult:
    latencies: dict[str, list[float]] = field(default_factory=dict)  # ms per label
    failures: dict[str, int] = field(default_factory=dict)  # connection errors and 5xx
    client_errors: dict[str, int] = field(default_factory=dict)  # 4xx: refused, not broken
    reasons: dict[str, int] = field(default_factory=dict)  # what the failures were
    late: int = 0  # requests sent more than 10 ms after their time: the load generator lagged
    seconds: float = 0.0
    timeline: list[tuple[float, float]] = field(default_factory=list)  # (due s, latency ms)


Request = tuple[str, str, dict[str, str]]  # label, path, headers (GET)


def open_loop(
    base: str,
    choose: Callable[[random.Random], Request],
    *,
    rate: float,
    duration: float,
    seed: int,
    connections: int = 64,
    timeout: float = 30.0,
) -> OpenLoopResult:
    """GET requests at Poisson arrival times, ``rate`` a second for ``duration`` seconds.

    A pool of ``connections`` threads, each with one keep-alive connection, takes the requests
    in order of their due time; a request's latency runs from its due time to the end of its
    answer, so when the server falls behind (or every connection is busy) the waiting counts
    too: there is no coordinated omission. A connection error, a time-out or an answer of 500
    or more is a failure; the connection is then opened anew for the next request.
    """
    parts = urllib.parse.urlsplit(base)
    host = parts.hostname or "127.0.0.1"
    schedule = arrivals(rate, duration, seed)
    rng = random.Random(seed + 1)  # noqa: S311 - which page, not secrets
    work: queue.Queue[tuple[float, Request] | None] = queue.Queue()
    result = OpenLoopResult()
    lock = threading.Lock()
    start = time.perf_counter() + 0.2  # time for the threads to start

    def worker() -> None:
        connection = http.client.HTTPConnection(host, parts.port, timeout=timeout)
        while (item := work.get()) is not None:
            due, (label, path, headers) = item
            wait = due - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            late = time.perf_counter() - due > 0.010
            status, reason = 0, ""
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as error:
                reason = type(error).__name__
                connection.close()
                connection = http.client.HTTPConnection(host, parts.port, timeout=timeout)
            elapsed = (time.perf_counter() - due) * 1000
            with lock:
                result.latencies.setdefault(label, []).append(elapsed)
                result.timeline.append((due - start, elapsed))
                result.late += late
                if status == 0 or status >= 500:
                    result.failures[label] = result.failures.get(label, 0) + 1
                    reason = reason or f"HTTP {status}"
                    result.reasons[reason] = result.reasons.get(reason, 0) + 1
                elif status >= 400:
                    result.client_errors[label] = result.client_errors.get(label, 0) + 1
        connection.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for offset in schedule:
        work.put((start + offset, choose(rng)))
    for _ in threads:
        work.put(None)
    for thread in threads:
        thread.join(timeout=duration + timeout + 30)
    result.seconds = time.perf_counter() - start
    return result


def print_open_loop(result: OpenLoopResult, rate: float, duration: float) -> int:
    """The table of an open-loop run; returns the number of failures."""
    print(
        f"\nopen loop: Poisson arrivals at {rate:g}/s for {duration:g} s; latency from the "
        "scheduled send time (queueing counts)"
    )
    print(
        f"{'request':<30} {'count':>6} {'fail':>5} {'4xx':>5} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'max ms':>8}  note"
    )
    everything: list[float] = []
    for label in sorted(result.latencies):
        values = result.latencies[label]
        everything += values
        s = summary(values)
        print(
            f"{label:<30} {s.n:>6} {result.failures.get(label, 0):>5} "
            f"{result.client_errors.get(label, 0):>5} {s.p50:>8.1f} {s.p95:>8.1f} "
            f"{s.maximum:>8.1f}  {s.note}"
        )
    s = summary(everything)
    failures = sum(result.failures.values())
    print(
        f"{'all':<30} {s.n:>6} {failures:>5} {sum(result.client_errors.values()):>5} "
        f"{s.p50:>8.1f} {s.p95:>8.1f} {s.maximum:>8.1f}  {s.note}"
    )
    sent_rate = s.n / duration if duration else math.nan
    if result.reasons:
        print("failures: " + ", ".join(f"{n} {why}" for why, n in sorted(result.reasons.items())))
    print(f"sent {sent_rate:.1f}/s; {result.late} requests left more than 10 ms after their time")
    print_timeline(result.timeline, duration)
    return failures


def print_timeline(timeline: list[tuple[float, float]], duration: float, parts: int = 10) -> None:
    """p50 and p95 of the requests due in each tenth of the run: whether the tail is the
    start (caches still empty, templates not yet compiled) or spread over the run."""
    if not timeline or duration <= 0:
        return
    width = duration / parts
    cells = []
    for part in range(parts):
        values = [ms for due, ms in timeline if part * width <= due < (part + 1) * width]
        if values:
            s = summary(values)
            cells.append(f"{part * width:.0f}-{(part + 1) * width:.0f} s: {s.p50:.0f}/{s.p95:.0f}")
    print("p50/p95 ms by the time a request was due: " + "; ".join(cells))


# -- replaying a Django statement on the bare database cursor ----------------------------------


def captured_statements(run: Callable[[], Any]) -> list[tuple[str, Any]]:
    """The SQL statements and parameters ``run`` sends to the database."""
    from django.db import connection

    statements: list[tuple[str, Any]] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        run()
    return statements


def direct_runner(statements: list[tuple[str, Any]]) -> Callable[[], None]:
    """The statements on the database connection's own cursor, without Django in between."""
    from django.db import connection

    connection.ensure_connection()
    raw = connection.connection
    if connection.vendor == "sqlite":
        # Django writes %s; the sqlite3 module wants ? (and %% stands for a literal %).
        statements = [
            (sql.replace("%s", "?").replace("%%", "%"), tuple(params or ()))
            for sql, params in statements
        ]

    # search() sets up its search statement in a transaction on PostgreSQL (the engine's
    # search_settings), so the statements run in one here too.
    in_transaction = (
        raw.transaction if connection.vendor == "postgresql" else contextlib.nullcontext
    )

    def run() -> None:
        with in_transaction():
            cursor = raw.cursor()
            for sql, params in statements:
                cursor.execute(sql, params)
                if cursor.description is not None:
                    cursor.fetchall()
            cursor.close()

    return run
