"""Bar charts drawn on the server as SVG in the page: no script, no files from elsewhere.

A chart is a picture for those who would rather look than read, never the only way to the
numbers: the page puts the table of the same numbers beside it. The SVG is one image to
assistive technology (``role="img"``, named by its ``<title>`` and described by its ``<desc>``,
a sentence about what stands out, computed from the data); its labels and numbers are text, so
they scale with the page and can be selected. The bars are the house style's action colour on
white (a contrast of 5.8 to 1, above the 3 to 1 WCAG 1.4.11 asks of graphics), and in forced
colours they take the system's text colour.

Drawing is done by ``core/_bar_chart.html`` from the geometry computed here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

WIDTH = 640
LABEL_WIDTH = 260  # where the bars start
VALUE_SPACE = 70  # room after the longest bar for its number
ROW_HEIGHT = 28
BAR_HEIGHT = 18
PADDING = 8
MAX_BARS = 30
LABEL_CHARACTERS = 28  # a longer name is cut; the table beside has it whole


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    # What the number says in full where the bar alone would not ("5 van 8").
    value_text: str = ""


@dataclass(frozen=True)
class DrawnBar:
    label: str
    value_text: str
    y: int
    text_y: int
    width: int
    value_x: int


@dataclass
class BarChart:
    """A horizontal bar chart: a title, a sentence of what it shows, and its bars in order."""

    key: str  # unique on the page: the ids of the title and description derive from it
    title: str
    description: str
    bars: Sequence[Bar] = field(default_factory=list)

    @property
    def shown(self) -> list[Bar]:
        return list(self.bars[:MAX_BARS])

    @property
    def drawn(self) -> list[DrawnBar]:
        bars = self.shown
        largest = max((bar.value for bar in bars), default=0) or 1
        room = WIDTH - LABEL_WIDTH - VALUE_SPACE
        drawn = []
        for index, bar in enumerate(bars):
            y = PADDING + index * ROW_HEIGHT
            width = round(room * bar.value / largest)
            drawn.append(
                DrawnBar(
                    label=_short(bar.label),
                    value_text=bar.value_text or str(bar.value),
                    y=y + (ROW_HEIGHT - BAR_HEIGHT) // 2,
                    text_y=y + ROW_HEIGHT // 2 + 5,
                    width=width,
                    value_x=LABEL_WIDTH + width + 6,
                )
            )
        return drawn

    @property
    def height(self) -> int:
        return 2 * PADDING + max(1, len(self.shown)) * ROW_HEIGHT

    @property
    def width(self) -> int:
        return WIDTH

    @property
    def label_x(self) -> int:
        return LABEL_WIDTH - 8

    @property
    def bar_x(self) -> int:
        return LABEL_WIDTH

    @property
    def bar_height(self) -> int:
        return BAR_HEIGHT

    @property
    def cut(self) -> bool:
        """Whether the chart draws only the first bars (the table beside it holds them all)."""
        return len(self.bars) > MAX_BARS


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARACTERS else label[: LABEL_CHARACTERS - 1] + "…"
