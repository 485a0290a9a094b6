"""Tiny inline-SVG charts (no JavaScript, nothing downloaded): bars, columns, histogram."""

from __future__ import annotations

from html import escape

PALETTE = ("#2b6cb0", "#38a169", "#d69e2e", "#e53e3e", "#805ad5", "#319795", "#dd6b20",
           "#718096")


def hbars(counts: dict[str, int], *, width: int = 560, label_width: int = 210) -> str:
    """Horizontal bars, one per key, with their values."""
    if not counts:
        return "<p><em>none</em></p>"
    row, top = 24, 8
    height = top * 2 + row * len(counts)
    peak = max(counts.values()) or 1
    span = width - label_width - 60
    parts = [_open(width, height)]
    for i, (label, value) in enumerate(counts.items()):
        y = top + i * row
        w = max(1.0, span * value / peak)
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 16}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{label_width}" y="{y + 3}" width="{w:.1f}" height="{row - 6}" '
            f'fill="{PALETTE[i % len(PALETTE)]}"/>'
            f'<text x="{label_width + w + 4:.1f}" y="{y + 16}">{value}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def columns(counts: dict[str, int | float], *, width: int = 760, height: int = 240,
            x_title: str = "", y_title: str = "") -> str:
    """Vertical columns over ordered keys (e.g. hours, histogram bins), with axes."""
    if not counts:
        return "<p><em>none</em></p>"
    left, bottom, top, right = 48, 40, 12, 8
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max(counts.values()) or 1
    slot = plot_w / len(counts)
    parts = [_open(width, height)]
    for tick in range(5):
        value = peak * tick / 4
        y = top + plot_h - plot_h * tick / 4
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" '
                     f'stroke="#e2e8f0"/><text x="{left - 4}" y="{y + 4:.1f}" '
                     f'text-anchor="end" class="small">{_num(value)}</text>')
    every = max(1, len(counts) // 12)
    for i, (label, value) in enumerate(counts.items()):
        h = plot_h * value / peak
        x = left + i * slot
        parts.append(f'<rect x="{x + 1:.1f}" y="{top + plot_h - h:.1f}" '
                     f'width="{max(1.0, slot - 2):.1f}" height="{h:.1f}" fill="{PALETTE[0]}">'
                     f'<title>{escape(label)}: {_num(value)}</title></rect>')
        if i % every == 0:
            parts.append(f'<text x="{x + slot / 2:.1f}" y="{top + plot_h + 14}" '
                         f'text-anchor="middle" class="small">{escape(label)}</text>')
    parts.append(f'<text x="{left + plot_w / 2}" y="{height - 6}" text-anchor="middle">'
                 f'{escape(x_title)}</text>')
    parts.append(f'<text x="12" y="{top + plot_h / 2}" text-anchor="middle" '
                 f'transform="rotate(-90 12 {top + plot_h / 2})">{escape(y_title)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def histogram(values: list[float], *, bins: int = 30, **kwargs: str | int) -> str:
    """Columns of counts over equal-width bins from 0 to the 99th percentile."""
    if not values:
        return "<p><em>no data</em></p>"
    ordered = sorted(values)
    high = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] or ordered[-1] or 1.0
    width = high / bins
    counts = [0] * bins
    for v in ordered:
        counts[min(bins - 1, int(max(0.0, v) / width))] += 1
    labels = {f"{_num(i * width)}": c for i, c in enumerate(counts)}
    return columns(labels, **kwargs)  # type: ignore[arg-type]


def _open(width: int, height: int) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">')


def _num(value: float) -> str:
    return f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"
