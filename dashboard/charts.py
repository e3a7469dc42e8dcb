"""Charts drawn on the server as inline SVG: stacked bars, no script, no inline style (the CSP allows neither)."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup
from markupsafe import escape

# Colour-blind-safe palette (Okabe and Ito 2008), then greys.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000", "#999999",
           "#666666")
SEX_COLOURS = {"f": "#CC79A7", "m": "#0072B2", "": "#999999"}


@dataclass(frozen=True)
class Series:
    """One stacked part of every bar: its key, its label and its colour."""

    key: str
    label: str
    colour: str


def _legend(series: Sequence[Series], width: int) -> tuple[list[str], int]:
    """Return the legend's SVG parts, wrapped to `width`, and the height it takes."""
    parts, x, y = [], 0, 0
    for s in series:
        size = 24 + 7 * len(s.label)
        if x and x + size > width:
            x, y = 0, y + 14
        parts.append(f'<rect x="{x}" y="{y}" width="10" height="10" fill="{s.colour}"/>'
                     f'<text x="{x + 14}" y="{y + 9}" font-size="11">{escape(s.label)}</text>')
        x += size
    return parts, y + 14


def horizontal_bars(title: str, rows: Sequence[tuple[str, dict[str, int]]], series: Sequence[Series],
                    number: Callable[[int], str] = str, width: int = 520, label_width: int = 170) -> Markup:
    """Return an SVG of one horizontal stacked bar per row (label on the left, total on the right)."""
    legend, top = _legend(series, width)
    bar, gap, top = 16, 6, top + 8
    height = top + len(rows) * (bar + gap) + 10
    biggest = max((sum(values.values()) for _, values in rows), default=0) or 1
    room = width - label_width - 60
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" aria-label="{escape(title)}"><title>{escape(title)}</title>']
    parts += legend
    for i, (label, values) in enumerate(rows):
        y = top + i * (bar + gap)
        parts.append(f'<text x="{label_width - 6}" y="{y + 12}" font-size="11" text-anchor="end">'
                     f'{escape(label[:28])}</text>')
        x = float(label_width)
        for s in series:
            value = values.get(s.key, 0)
            if not value:
                continue
            w = room * value / biggest
            parts.append(f'<rect x="{x:.1f}" y="{y}" width="{max(w, 1):.1f}" height="{bar}" fill="{s.colour}">'
                         f'<title>{escape(label)}: {escape(s.label)} {escape(number(value))}</title></rect>')
            x += w
        parts.append(f'<text x="{x + 4:.1f}" y="{y + 12}" font-size="11">'
                     f'{escape(number(sum(values.values())))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def columns(title: str, rows: Sequence[tuple[str, dict[str, int]]], series: Sequence[Series],
            number: Callable[[int], str] = str, width: int = 560, height: int = 220) -> Markup:
    """Return an SVG of one vertical stacked column per row (weeks left to right), with a y-axis maximum."""
    legend, top = _legend(series, width)
    top, bottom, left = top + 12, 30, 34
    plot = height - top - bottom
    biggest = max((sum(values.values()) for _, values in rows), default=0) or 1
    step = (width - left) / max(len(rows), 1)
    bar = step * 0.7
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" aria-label="{escape(title)}"><title>{escape(title)}</title>']
    parts += legend
    parts.append(f'<line x1="{left}" y1="{top + plot}" x2="{width}" y2="{top + plot}" stroke="#888"/>'
                 f'<text x="{left - 4}" y="{top + 4}" font-size="10" text-anchor="end">{escape(number(biggest))}</text>'
                 f'<text x="{left - 4}" y="{top + plot}" font-size="10" text-anchor="end">0</text>')
    for i, (label, values) in enumerate(rows):
        x = left + i * step + (step - bar) / 2
        y = float(top + plot)
        for s in series:
            value = values.get(s.key, 0)
            if not value:
                continue
            h = plot * value / biggest
            y -= h
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{s.colour}">'
                         f'<title>{escape(label)}: {escape(s.label)} {escape(number(value))}</title></rect>')
        parts.append(f'<text x="{x + bar / 2:.1f}" y="{height - 12}" font-size="10" text-anchor="middle">'
                     f'{escape(label)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
