"""Small inline SVG charts for the HTML report: column charts (grouped or stacked) and horizontal bars.

Hand-drawn rather than a plotting library: the report must be one self-contained file that
reads without JavaScript, printed or on a phone, and these two shapes are all it needs. Every
chart has an `id`, `role="img"`, a <title> and a <desc> (what a screen reader says), axes with
labels, and a <title> on each bar (its exact value on hover). Every text is escaped.

Colours: `Styles` gives each meaning (a flag type, a measure) one look for the whole page, so a
colour means the same in every chart. The eight Okabe-Ito colours come first; past them the
colours come again with stripes, then with dots, so no two series of a chart look alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

# Okabe-Ito: told apart also with the common colour-vision deficiencies, and in greyscale print.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
PATTERNS = ("solid", "stripes", "dots")
WIDTH = 520
FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif"'
LABEL_CHARS = 22  # longer category labels are shortened (the bar's <title> keeps the whole)


@dataclass(frozen=True)
class Style:
    colour: str
    pattern: str  # one of PATTERNS

    def fill(self, chart_id: str) -> str:
        return self.colour if self.pattern == "solid" else f"url(#{self.pattern_id(chart_id)})"

    def pattern_id(self, chart_id: str) -> str:
        return f"{chart_id}-{self.pattern}-{self.colour.lstrip('#').lower()}"

    def definition(self, chart_id: str) -> str:
        """The <pattern> a patterned fill refers to: the colour's stripes or dots on white."""
        mark = (
            f'<path d="M0 8 L8 0" stroke="{self.colour}" stroke-width="3"/>'
            if self.pattern == "stripes" else f'<circle cx="4" cy="4" r="2.2" fill="{self.colour}"/>'
        )  # fmt: skip
        return (
            f'<pattern id="{self.pattern_id(chart_id)}" data-colour="{self.colour}" data-pattern="{self.pattern}" width="8" height="8" '
            f'patternUnits="userSpaceOnUse"><rect width="8" height="8" fill="#fff"/>{mark}</pattern>'
        )


class Styles:
    """One style per meaning for a whole page, handed out in the order meanings are first asked for."""

    def __init__(self) -> None:
        self._given: dict[str, Style] = {}

    def __call__(self, meaning: str) -> Style:
        if meaning not in self._given:
            count = len(self._given)
            self._given[meaning] = Style(PALETTE[count % len(PALETTE)], PATTERNS[count // len(PALETTE) % len(PATTERNS)])
        return self._given[meaning]


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[int, ...]  # one per category
    style: Style


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def _wrapped(text: str, x: float, y: float, chars: int) -> str:
    """A centred label on up to two lines of about `chars` characters (a band is narrow)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= chars:
            lines[-1] += " " + word
        else:
            lines.append(word)
    lines = lines[:1] + [" ".join(lines[1:])] if len(lines) > 2 else lines  # the second line is shortened
    spans = "".join(f'<tspan x="{x:.1f}" dy="{0 if index == 0 else 14}">{escape(_short(line))}</tspan>' for index, line in enumerate(lines))
    return f'<text x="{x:.1f}" y="{y}" text-anchor="middle" fill="#333">{spans}</text>'


def nice_ticks(top: int) -> list[int]:
    """0 up to at least `top` in steps of 1, 2 or 5 times a power of ten: at most six ticks."""
    steps = (factor * 10**power for power in range(16) for factor in (1, 2, 5))
    step = next(step for step in steps if -(-top // step) <= 5)
    return list(range(0, max(1, -(-top // step)) * step + 1, step))


def _open(chart_id: str, title: str, description: str, height: int, styles: Sequence[Style] = ()) -> list[str]:
    ident = escape(chart_id)
    patterns = sorted({style.definition(chart_id) for style in styles if style.pattern != "solid"})
    return [
        f'<svg id="{ident}" class="chart" role="img" aria-labelledby="{ident}-title {ident}-desc" '
        f'viewBox="0 0 {WIDTH} {height}" xmlns="http://www.w3.org/2000/svg" {FONT} font-size="12">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(description)}</desc>',
        *([f"<defs>{''.join(patterns)}</defs>"] if patterns else []),
    ]


def _legend(chart_id: str, series: Sequence[Series]) -> tuple[list[str], int]:
    """Colour keys in rows from the top left, and the height they take."""
    parts, x, y = [], 56, 18
    for one in series:
        width = 28 + 7 * len(one.name)  # about 7 units a character at font-size 12
        if x + width > WIDTH and x > 56:
            x, y = 56, y + 18
        parts.append(
            f'<rect class="key" data-series="{escape(one.name)}" x="{x}" y="{y - 10}" width="12" height="12" '
            f'fill="{one.style.fill(chart_id)}" stroke="#555" stroke-width="0.5"/>'
        )
        parts.append(f'<text x="{x + 16}" y="{y}" fill="#333">{escape(one.name)}</text>')
        x += width
    return parts, y + 8


def _empty(chart_id: str, title: str, message: str) -> str:
    lines = _open(chart_id, title, message, 80)
    lines.append(f'<text x="{WIDTH // 2}" y="45" text-anchor="middle" fill="#666">{escape(message)}</text>')
    return "\n".join([*lines, "</svg>"])


def column_chart(
    chart_id: str, title: str, categories: Sequence[str], series: Sequence[Series], *, stacked: bool, y_label: str, empty: str
) -> str:
    """Vertical bars per category, one per series side by side, or stacked; a legend above."""
    totals = [sum(values) for values in zip(*(one.values for one in series), strict=True)] if series else []
    top = max(totals if stacked else [value for one in series for value in one.values], default=0)
    if top == 0:
        return _empty(chart_id, title, empty)
    summary = "; ".join(
        f"{category}: " + ", ".join(f"{one.name} {one.values[index]}" for one in series if one.values[index] or not stacked)
        for index, category in enumerate(categories)
    )
    legend, legend_height = _legend(chart_id, series)
    left, right, plot_top = 56, WIDTH - 12, legend_height + 16
    plot_bottom = plot_top + 200
    ticks = nice_ticks(top)
    scale = (plot_bottom - plot_top) / ticks[-1]
    lines = _open(chart_id, title, f"{title}. {summary}.", plot_bottom + 40, [one.style for one in series]) + legend
    for tick in ticks:
        y = plot_bottom - tick * scale
        lines.append(f'<line x1="{left}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e3e3e3"/>')
        lines.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#555">{tick}</text>')
    lines.append(f'<text transform="translate(14 {(plot_top + plot_bottom) / 2:.0f}) rotate(-90)" text-anchor="middle" fill="#555">{escape(y_label)}</text>')
    band = (right - left) / len(categories)
    for index, category in enumerate(categories):
        x = left + index * band
        lines.append(_wrapped(category, x + band / 2, plot_bottom + 18, max(4, int(band / 7))))
        lines += _columns(chart_id, categories[index], series, index, x, band, stacked, plot_bottom, scale)
    lines.append(f'<line x1="{left}" x2="{right}" y1="{plot_bottom}" y2="{plot_bottom}" stroke="#777"/>')
    return "\n".join([*lines, "</svg>"])


def _columns(
    chart_id: str, category: str, series: Sequence[Series], index: int, x: float, band: float, stacked: bool, bottom: int, scale: float
) -> list[str]:
    width = band * (0.55 if stacked else 0.8 / len(series))
    start = x + (band - (width if stacked else width * len(series))) / 2
    base, parts = float(bottom), []
    for number, one in enumerate(series):
        value = one.values[index]
        if not value:
            continue
        tall = value * scale
        left, top = (start, base - tall) if stacked else (start + number * width, bottom - tall)
        parts.append(
            f'<rect x="{left:.1f}" y="{top:.1f}" width="{width:.1f}" height="{tall:.1f}" fill="{one.style.fill(chart_id)}">'
            f"<title>{escape(one.name)}, {escape(category)}: {value}</title></rect>"
        )
        if not stacked:
            parts.append(f'<text x="{left + width / 2:.1f}" y="{top - 4:.1f}" text-anchor="middle" fill="#333" font-size="11">{value}</text>')
        base -= tall if stacked else 0
    return parts


def bar_chart(chart_id: str, title: str, labels: Sequence[str], values: Sequence[int], *, style: Style, x_label: str, empty: str) -> str:
    """One horizontal bar per label, its value at its end, a scale below."""
    if not values or max(values) == 0:
        return _empty(chart_id, title, empty)
    row, left, right, top = 28, 160, WIDTH - 40, 12
    bottom = top + row * len(labels)
    height = bottom + 44
    ticks = nice_ticks(max(values))
    scale = (right - left) / ticks[-1]
    summary = "; ".join(f"{label}: {value}" for label, value in zip(labels, values, strict=True))
    lines = _open(chart_id, title, f"{title}. {summary}.", height, [style])
    for tick in ticks:
        x = left + tick * scale
        lines.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{bottom}" stroke="#e3e3e3"/>')
        lines.append(f'<text x="{x:.1f}" y="{bottom + 16}" text-anchor="middle" fill="#555">{tick}</text>')
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = top + index * row
        length = value * scale
        lines.append(f'<text x="{left - 8}" y="{y + row / 2 + 4:.1f}" text-anchor="end" fill="#333">{escape(_short(label))}</text>')
        lines.append(
            f'<rect x="{left}" y="{y + 5}" width="{length:.1f}" height="{row - 10}" fill="{style.fill(chart_id)}">'
            f"<title>{escape(label)}: {value}</title></rect>"
        )
        lines.append(f'<text x="{left + length + 5:.1f}" y="{y + row / 2 + 4:.1f}" fill="#333">{value}</text>')
    lines.append(f'<line x1="{left}" x2="{left}" y1="{top}" y2="{bottom}" stroke="#777"/>')
    lines.append(f'<text x="{(left + right) / 2:.0f}" y="{bottom + 36}" text-anchor="middle" fill="#555">{escape(x_label)}</text>')
    return "\n".join([*lines, "</svg>"])
