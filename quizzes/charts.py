"""Charts drawn as SVG text by the project itself: no chart library, no CDN.

Every chart is an accessible image (role="img" with a <title> and <desc>), and every text in it
is XML-escaped, since quiz titles are written by instructors and the SVG may be opened on its own.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

WIDTH, HEIGHT = 640, 320
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 56
BAR_COLOUR = "#0d6efd"  # Bootstrap's primary blue: 4.5:1 against white
TEXT_COLOUR = "#212529"
GRID_COLOUR = "#dee2e6"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"


def nice_step(maximum: int, ticks: int = 5) -> int:
    """A round step (1, 2 or 5 times a power of ten) giving at most `ticks` gridlines."""
    if maximum <= ticks:
        return 1
    raw = maximum / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5):
        if factor * power >= raw:
            return int(factor * power)
    return int(10 * power)


def _axis(top_value: int, step: int, plot_height: float, y_label: str) -> list[str]:
    parts = []
    for value in range(0, top_value + 1, step):
        y = TOP + plot_height - plot_height * value / top_value
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
            f'stroke="{GRID_COLOUR}"/>'
            f'<text x="{LEFT - 8}" y="{y + 4:.1f}" text-anchor="end">{value}</text>'
        )
    middle = TOP + plot_height / 2
    parts.append(
        f'<text x="14" y="{middle:.1f}" text-anchor="middle" '
        f'transform="rotate(-90 14 {middle:.1f})">{escape(y_label)}</text>'
    )
    return parts


def _bars(
    counts: Sequence[int], labels: Sequence[str], top_value: int, plot_height: float
) -> list[str]:
    slot = (WIDTH - LEFT - RIGHT) / len(counts)
    parts = []
    for index, (count, label) in enumerate(zip(counts, labels, strict=True)):
        height = plot_height * count / top_value
        x = LEFT + index * slot
        y = TOP + plot_height - height
        parts.append(
            f"<g><title>{escape(f'{label}: {count}')}</title>"
            f'<rect x="{x + slot * 0.1:.1f}" y="{y:.1f}" width="{slot * 0.8:.1f}" '
            f'height="{height:.1f}" fill="{BAR_COLOUR}"/>'
            f'<text x="{x + slot / 2:.1f}" y="{TOP + plot_height + 16:.1f}" '
            f'text-anchor="middle" font-size="11">{escape(label)}</text></g>'
        )
    return parts


def histogram_svg(
    *,
    counts: Sequence[int],
    labels: Sequence[str],
    title: str,
    description: str,
    x_label: str,
    y_label: str,
) -> str:
    """A bar chart of `counts` (one bar per label) as a standalone, accessible SVG document."""
    if len(counts) != len(labels) or not counts:
        raise ValueError("Give one label per count, and at least one count.")
    plot_height = HEIGHT - TOP - BOTTOM
    step = nice_step(max(counts))
    top_value = max(step, math.ceil(max(counts) / step) * step)
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="chart-title chart-desc" '
        f'font-family={quoteattr(FONT)} font-size="12" fill="{TEXT_COLOUR}">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<desc id="chart-desc">{escape(description)}</desc>',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
        *_axis(top_value, step, plot_height, y_label),
        *_bars(counts, labels, top_value, plot_height),
        f'<line x1="{LEFT}" y1="{TOP + plot_height}" x2="{WIDTH - RIGHT}" '
        f'y2="{TOP + plot_height}" stroke="{TEXT_COLOUR}"/>',
        f'<text x="{(LEFT + WIDTH - RIGHT) / 2:.1f}" y="{HEIGHT - 12}" '
        f'text-anchor="middle">{escape(x_label)}</text>',
        "</svg>",
    ]
    return "\n".join(parts)
