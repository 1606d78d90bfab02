#!/usr/bin/env python3
"""Remake the screenshots in docs/screenshots/ from the G40 demo, in Chromium.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots] [--only home,zoeken]

Starts a Koepel of its own (``koepel serve`` on a free port, the demo loaded, its own data
folder, removed afterwards), like the browser tests do, and needs Debian's Chromium at
/usr/bin/chromium (or the path in KOEPEL_CHROMIUM). Each picture is the top of the page, in
the viewport size given below, saved as an optimised PNG.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from koepel.core.tests.browser.server import (  # noqa: E402 - after the path is set
    CHROMIUM,
    LiveKoepel,
    chromium_args,
    new_context,
    sign_in,
)


@dataclass(frozen=True)
class Shot:
    name: str
    address: str
    signed_in: bool = False
    width: int = 1280
    height: int = 1000


SHOTS = [
    Shot("home", "/"),
    Shot("gemeenten", "/gemeenten/", height=1100),
    Shot("gemeenten-mobiel", "/gemeenten/", width=320, height=900),
    Shot("pijler-fysiek", "/gremia/pijler-fysiek/"),
    Shot("bijeenkomst", "/bijeenkomsten/42/", signed_in=True),
    Shot("lobbydossier", "/lobby/dossiers/urban-agenda/"),
    Shot("zoeken", "/zoeken/?q=wonen"),
    Shot("jaarverslag", "/jaarverslag/2021/"),
    Shot("vertegenwoordiging", "/vertegenwoordiging/"),
]


def take(page: Page, shot: Shot, out: Path) -> Path:
    page.set_viewport_size({"width": shot.width, "height": shot.height})
    response = page.goto(shot.address)
    if response is None or response.status != 200:
        raise SystemExit(f"{shot.address} answered {response.status if response else 'nothing'}")
    target = out / f"{shot.name}.png"
    page.screenshot(path=str(target), full_page=False, animations="disabled", caret="hide")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--only", default="", help="comma-separated names, e.g. home,zoeken")
    args = parser.parse_args()
    wanted = {name for name in args.only.split(",") if name}
    shots = [shot for shot in SHOTS if not wanted or shot.name in wanted]
    if not CHROMIUM.exists():
        raise SystemExit(f"No Chromium at {CHROMIUM}: apt-get install chromium")
    args.out.mkdir(parents=True, exist_ok=True)

    started = time.monotonic()
    with LiveKoepel() as koepel, sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), args=chromium_args())
        visitor = new_context(browser, koepel).new_page()
        office = new_context(browser, koepel).new_page()
        sign_in(office, koepel)
        for shot in shots:
            target = take(office if shot.signed_in else visitor, shot, args.out)
            print(f"{target.relative_to(ROOT)}  {target.stat().st_size // 1024} KB")
        browser.close()
    print(f"{len(shots)} screenshots in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
