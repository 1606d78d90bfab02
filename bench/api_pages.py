#!/usr/bin/env python3
"""An API list read far into it: by page number (1.0) and by cursor (1.1), in-process.

    python bench/api_pages.py --data-dir /tmp/koepel-s10 [--list documenten] [--rounds 7]

On a database filled by ``koepel generate-data``, as the generated member ``lid`` with an API
key of theirs, it times (median of ``--rounds`` after one warm-up) and counts the queries of:
the first page by number (which counts the list) and by cursor (which does not), and a page
at the end of the list by number (``?pagina=`` of the last page: the database reads past
every row before it) and by cursor (a place within the last hundred rows, reached by walking
the list with the cursors of ``volgende``). Django's test client, no server: the figures are Koepel's and the
database's work per request, without HTTP.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True, help="KOEPEL_DATA_DIR")
    parser.add_argument("--database-url", default="", help="PostgreSQL; default: SQLite")
    parser.add_argument("--list", default="documenten", help="the list under /api/v1/")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()

    os.environ["KOEPEL_DATA_DIR"] = str(args.data_dir)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "koepel.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from koepel.accounts.models import User
    from koepel.api.services import token_create

    _key, token = token_create(user=User.objects.get(username="lid"), name="bench pages")
    client = Client(HTTP_HOST="127.0.0.1", headers={"Authorization": f"Token {token}"})
    base = f"/api/v1/{args.list}"

    def get(url: str) -> dict[str, Any]:
        answer = client.get(url)
        if answer.status_code != 200:
            raise SystemExit(f"{url}: {answer.status_code} {answer.content[:300]!r}")
        return answer.json()  # type: ignore[no-any-return]

    def local(link: str) -> str:
        parts = urlsplit(link)
        return f"{parts.path}?{parts.query}"

    size = 20
    total = get(f"{base}?paginaGrootte={size}")["aantal"]
    last_page = max(1, math.ceil(total / size))
    # A cursor within the last hundred rows: walk the list a hundred at a time to its end.
    url = f"{base}?cursor=&paginaGrootte=100"
    while link := get(url)["volgende"]:
        url = local(link)
    deep = url.replace("paginaGrootte=100", f"paginaGrootte={size}")

    cases = {
        "first page, by number (counts)": f"{base}?pagina=1&paginaGrootte={size}",
        "first page, by cursor": f"{base}?cursor=&paginaGrootte={size}",
        f"page {last_page}, by number": f"{base}?pagina={last_page}&paginaGrootte={size}",
        "in the last 100 rows, by cursor": deep,
    }
    print(f"{base}: {total:,} rows visible to lid; {args.rounds} rounds, median ms")
    for name, case in cases.items():
        get(case)  # warm-up
        times = []
        for _ in range(args.rounds):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                get(case)
                times.append((time.perf_counter() - start) * 1000)
        print(f"  {name:<34} {statistics.median(times):8.1f} ms  {len(queries)} queries")


if __name__ == "__main__":
    main()
