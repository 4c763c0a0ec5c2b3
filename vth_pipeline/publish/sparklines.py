"""Sparklines: a small inline SVG line per series, for the trend tables of the report.

Hand-written rather than a chart per cell: a few dozen points as one `<polyline>` each keep the
page light and print sharply, and every value is also in the table beside it.
"""

from __future__ import annotations

from markupsafe import Markup, escape

WIDTH, HEIGHT, PAD = 96, 24, 3


def sparkline(values: list[float | None], label: str) -> Markup:
    """An SVG line through the values (gaps where a value is missing), the last one dotted."""
    known = [v for v in values if v is not None]
    if len(known) < 2:
        return Markup("")
    low, high = min(known), max(known)
    span = (high - low) or 1.0
    step = (WIDTH - 2 * PAD) / max(1, len(values) - 1)

    def point(i: int, v: float) -> tuple[float, float]:
        return PAD + i * step, HEIGHT - PAD - (v - low) / span * (HEIGHT - 2 * PAD)

    segments, current = [], []
    for i, v in enumerate(values):
        if v is None:
            if current:
                segments.append(current)
            current = []
        else:
            current.append(point(i, v))
    if current:
        segments.append(current)
    lines = "".join(
        '<polyline fill="none" stroke="#0072B2" stroke-width="1.6" points="'
        + " ".join(f"{x:.1f},{y:.1f}" for x, y in seg)
        + '"/>'
        for seg in segments
    )
    last = next(i for i in range(len(values) - 1, -1, -1) if values[i] is not None)
    x, y = point(last, values[last])
    return Markup(
        f'<svg class="sparkline" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} '
        f'{HEIGHT}" role="img" aria-label="{escape(label)}">{lines}'
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.2" fill="#0072B2"/></svg>'
    )
