"""How big a generated network is at a given scale.

Scale 1 is about the G40 in one year; scale 100 is about 400 municipalities over ten years.
The number of municipalities and of years each grow with the square root of the scale, so
everything counted per municipality per year grows with the scale itself.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Sizes:
    municipalities: int
    years: int
    people: int
    bodies: int
    dossiers: int
    # Documents per meeting (on average) and per dossier; sections per document (median).
    documents_per_meeting: float = 3.2
    documents_per_dossier: float = 2.0
    sections_median: float = 3.0
    section_words_median: float = 60.0


def sizes_for(scale: float) -> Sizes:
    if not 0 < scale <= 1000:
        raise ValueError("The scale lies between 0 and 1000, such as 1, 10 or 100.")
    return Sizes(
        municipalities=max(4, round(40 * math.sqrt(scale))),
        years=max(1, round(math.sqrt(scale))),
        people=max(24, round(200 * scale)),
        bodies=max(6, round(40 * scale**0.7)),
        dossiers=max(3, round(200 * scale)),
    )
