"""The self-contained HTML report of a demo run (inline SVG, no scripts, no downloads)."""

from __future__ import annotations

import json
from html import escape
from pathlib import Path
from typing import Any

from . import svg

_STYLE = """
body { font-family: sans-serif; margin: 2em auto; max-width: 980px; color: #1a202c; }
h1 { font-size: 1.5em; } h2 { font-size: 1.15em; margin-top: 1.6em; }
table { border-collapse: collapse; } td, th { padding: 2px 10px; text-align: left; }
th { background: #edf2f7; } .small { font-size: 10px; } code { background: #f7fafc; }
"""


def _table(rows: dict[str, Any]) -> str:
    cells = "".join(f"<tr><td>{escape(str(k))}</td><td>{escape(str(v))}</td></tr>"
                    for k, v in rows.items())
    return f"<table>{cells}</table>"


def render_html(summary: dict[str, Any]) -> str:
    run, lat = summary["run"], summary["latency"]
    wall = lat["submitted_to_assigned_wall_ms"]
    sim = lat["assigned_to_fulfilled_sim_minutes"]
    hist = summary["histograms"]
    outcomes = {k: v for k, v in summary["outcomes"].items() if k != "open"}
    outcomes |= {f"open: {k}": v for k, v in summary["open_by_state"].items()}
    sections = [
        f"<h1>govroute demo — simulated day {escape(run['day'])}</h1>",
        f"<p>Run <code>{escape(run['run_id'])}</code>: {run['offices']} offices, "
        f"{run['published_requests']} requests published, {run['workers']} router worker(s); "
        f"topic prefix <code>{escape(run['prefix'])}</code>, database "
        f"<code>{escape(run['database'])}</code>. The day took {run['day_wall_seconds']} s "
        f"of wall time ({run['step_minutes']} simulated minute(s) per clock tick).</p>",
        "<h2>Requests per hour (Tehran time)</h2>",
        svg.columns(summary["requests_per_hour"], x_title="hour", y_title="requests"),
        "<h2>Outcomes</h2>", svg.hbars(outcomes),
        "<h2>Routing</h2>", _table(summary["routing"] | {}),
        "<h2>Assignments by office kind</h2>", svg.hbars(summary["assignments"]["by_office_kind"]),
        "<h2>Assignments by province</h2>", svg.hbars(summary["assignments"]["by_province"]),
        "<h2>Latency: submitted → assigned (wall clock)</h2>",
        f"<p>{escape(wall['measured'])}. p50 {wall.get('p50', '-')} ms, p95 "
        f"{wall.get('p95', '-')} ms, p99 {wall.get('p99', '-')} ms (n={wall['count']}).</p>",
        svg.histogram(hist["submitted_to_assigned_wall_ms"], x_title="milliseconds",
                      y_title="requests"),
        "<h2>Latency: assigned → fulfilled (simulated time)</h2>",
        f"<p>{escape(sim['measured'])}. p50 {sim.get('p50', '-')} min, p95 "
        f"{sim.get('p95', '-')} min, p99 {sim.get('p99', '-')} min (n={sim['count']}).</p>",
        svg.histogram(hist["assigned_to_fulfilled_sim_minutes"], x_title="simulated minutes",
                      y_title="requests"),
        "<h2>Dead letters by reason</h2>", svg.hbars(summary["dead_letters"]),
        "<h2>Summary (JSON)</h2>",
        f"<pre>{escape(json.dumps(_without_histograms(summary), indent=2))}</pre>",
    ]
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f"<title>govroute demo {escape(run['run_id'])}</title><style>{_STYLE}</style>"
            f"</head><body>{''.join(sections)}</body></html>\n")


def _without_histograms(summary: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in summary.items() if k != "histograms"}


def write_outputs(summary: dict[str, Any], out: Path) -> tuple[Path, Path]:
    """out/demo-report.html and out/demo-summary.json (without the raw histogram data)."""
    out.mkdir(parents=True, exist_ok=True)
    html_path, json_path = out / "demo-report.html", out / "demo-summary.json"
    html_path.write_text(render_html(summary), encoding="utf-8")
    json_path.write_text(json.dumps(_without_histograms(summary), indent=2) + "\n",
                         encoding="utf-8")
    return html_path, json_path
