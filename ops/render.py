"""Rendering ops reports: plain text tables, JSON, and one self-contained HTML page."""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from typing import Any


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    cells = [[str("-" if v is None else v) for v in row] for row in rows]
    widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(headers)]
    line = "  ".join(f"{h:<{w}}" for h, w in zip(headers, widths, strict=True))
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(f"{c:<{w}}" for c, w in zip(r, widths, strict=True)) for r in cells]
    return "\n".join(out)


def as_json(data: Any) -> str:
    return json.dumps(data, indent=2, sort_keys=True, default=str)


# -- replay -------------------------------------------------------------------------------

def replay_text(result: dict[str, Any]) -> str:
    c = result["counts"]
    lines = [
        f"replay with policy {result['policy_version']} "
        f"(recorded: {', '.join(result['recorded_policies']) or '-'})",
        f"router log: {c['events']} events applied (end offset {result['router_log_end']}) "
        f"in {result['seconds']}s",
        f"decisions: {c['replayed_decisions']} re-derived, {c['recorded_decisions']} recorded, "
        f"{c['compared']} compared: {c['matched']} match, {c['divergent']} diverge, "
        f"{c['changed_assignments']} changed assignment(s)"
        + (f"; {c['duplicate_recorded']} re-emitted duplicate(s) dropped"
           if c.get("duplicate_recorded") else ""),
    ]
    if c["causes"]:
        lines.append(table(["CAUSE", "COUNT"], sorted(c["causes"].items())))
    if result.get("what_if"):
        dist = result["distribution"]
        lines.append("")
        lines.append(f"what-if: {dist['changed_assignments']} of {dist['compared']} "
                     f"assignments would change")
        lines.append(table(["OFFICE KIND", "RECORDED", "WHAT-IF", "SHIFT"],
                           [(r["kind"], r["recorded"], r["replayed"], f"{r['shift']:+d}")
                            for r in dist["by_office_kind"]]))
        lines.append("")
        lines.append(table(["PROVINCE", "OFFICE KIND", "RECORDED", "WHAT-IF", "SHIFT"],
                           [(r["province"], r["kind"], r["recorded"], r["replayed"],
                             f"{r['shift']:+d}") for r in dist["by_province"]]))
    if result.get("findings"):
        lines.append(f"findings: {result['findings']}")
    return "\n".join(lines)


# -- fairness -----------------------------------------------------------------------------

def fairness_text(report: dict[str, Any]) -> str:
    rows = [(o["office_id"], o["kind"], o["eligible"], o["assigned"], f"{o['fair_share']:.2f}",
             "-" if o["ratio"] is None else f"{o['ratio']:.2f}", "SKIPPED" if o["skipped"] else "")
            for o in report["offices"]]
    lines = [f"{report['decisions']} decisions, {report['assigned']} assigned",
             table(["OFFICE", "KIND", "ELIGIBLE", "ASSIGNED", "FAIR SHARE", "RATIO", ""], rows)]
    skipped = report["skipped"]
    lines.append(f"systematically skipped (< {report['threshold']:.0%} of fair share, "
                 f">= {report['min_samples']} samples): {', '.join(skipped) or 'none'}")
    a = report["agency_services"]
    if a["decisions"]:
        lines.append(
            f"agency services: {a['decisions']} assigned, {a['to_agency']} to agency offices "
            f"({a['agency_ratio']:.0%}), {a['to_general']} to general; capacity-weighted fair "
            f"share of agency offices {a['agency_fair_ratio']:.0%}")
        lines.append(table(["AGENCY", "ASSIGNED", "TO AGENCY", "TO GENERAL", "AGENCY %",
                            "FAIR %"],
                           [(k, v["decisions"], v["to_agency"], v["to_general"],
                             f"{v['agency_ratio']:.0%}", f"{v['agency_fair_ratio']:.0%}")
                            for k, v in report["by_agency"].items()]))
    else:
        lines.append("agency services: none assigned")
    return "\n".join(lines)


# -- dispute ------------------------------------------------------------------------------

def dispute_text(d: dict[str, Any]) -> str:
    lines = [f"dispute: request {d['request_id']}"]
    req = d.get("request")
    if req:
        lines.append(f"  now {req['state']} (attempt {req['attempt']}, office "
                     f"{req['office_id'] or '-'}); service {req['service_code']}, "
                     f"city {req['city']}, channel {req['channel']}")
    lines.append("")
    lines.append("timeline:")
    for item in d["timeline"]:
        lines.append(f"  {item['at'] or '-':<27} {item['kind']:<11} {item['what']}"
                     + (f"  [{item['detail']}]" if item.get("detail") else ""))
    for dec in d["decisions"]:
        lines.append("")
        where = dec["office_id"] or "unroutable"
        lines.append(f"decision attempt {dec['attempt']}: {dec['outcome']} -> {where} "
                     f"(policy {dec['policy_version']}, digest {dec['inputs_digest'][:12]}...)")
        pref = dec.get("preferred")
        if pref:
            fate = "honoured" if pref["honoured"] else (
                f"NOT honoured: {pref['reason']} ({pref.get('detail') or ''})")
            lines.append(f"  preferred {pref['office_id']}: {fate}")
        for c in dec["candidates"]:
            lines.append(f"  candidate #{c['rank']} {c['office_id']} ({c['kind']}, {c['tier']}) "
                         f"load {c['load']}/{c['capacity']} score {c['score']:.4f}")
        for x in dec["exclusions"]:
            lines.append(f"  excluded  {x['office_id']}: {x['reason']} - {x['detail']}")
    for r in d.get("replay", []):
        verdict = "reproduced" if r["reproduced"] else "NOT reproduced"
        lines.append(f"replay attempt {r['attempt']}: {verdict} (router-log offset "
                     f"{r['router_log_offset']}, office {r['replayed_office']})")
    if d.get("office_id"):
        lines.append("")
        lines.append(f"why not {d['office_id']}?")
        if not d["office_findings"]:
            lines.append("  no decision was taken for this request")
        for f in d["office_findings"]:
            lines.append(f"  attempt {f['attempt']}: {f['verdict']}"
                         + (f" {f['reason']}" if f.get("reason") else "")
                         + f" - {f['detail']}  ({f['source']})")
    if d.get("dead_letters"):
        lines.append("")
        lines.append(f"dead letters: {len(d['dead_letters'])}")
    return "\n".join(lines)


_CSS = """
body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:70em}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ddd;padding:.25em .6em;
text-align:left;vertical-align:top;font-size:.9em}th{background:#f3f3f3}
.code{font-family:monospace}.bad{color:#a40000;font-weight:600}.ok{color:#0a6b0a}
"""


def _html_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str('-' if v is None else v))}</td>"
                                    for v in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def dispute_html(d: dict[str, Any]) -> str:
    e = html.escape
    parts = [f"<h1>Dispute: request <span class=code>{e(d['request_id'])}</span></h1>"]
    req = d.get("request")
    if req:
        parts.append(f"<p>Now <b>{e(str(req['state']))}</b>, attempt {req['attempt']}, office "
                     f"{e(str(req['office_id'] or '-'))}; service {e(str(req['service_code']))}"
                     f", city {e(str(req['city']))}.</p>")
    if d.get("office_id"):
        parts.append(f"<h2>Why not {e(d['office_id'])}?</h2>")
        parts.append(_html_table(
            ["attempt", "verdict", "reason", "detail", "source"],
            [(f["attempt"], f["verdict"], f.get("reason"), f["detail"], f["source"])
             for f in d["office_findings"]]))
    parts.append("<h2>Timeline</h2>")
    parts.append(_html_table(["at", "kind", "what", "detail"],
                             [(i["at"], i["kind"], i["what"], i.get("detail"))
                              for i in d["timeline"]]))
    for dec in d["decisions"]:
        parts.append(f"<h2>Decision, attempt {dec['attempt']}: {e(dec['outcome'])} &rarr; "
                     f"{e(str(dec['office_id'] or 'unroutable'))}</h2>")
        parts.append(f"<p>Policy {e(dec['policy_version'])}; inputs digest "
                     f"<span class=code>{e(dec['inputs_digest'])}</span></p>")
        pref = dec.get("preferred")
        if pref:
            fate = ("<span class=ok>honoured</span>" if pref["honoured"] else
                    f"<span class=bad>not honoured: {e(str(pref['reason']))}</span> "
                    f"{e(str(pref.get('detail') or ''))}")
            parts.append(f"<p>Preferred office {e(pref['office_id'])}: {fate}</p>")
        parts.append(_html_table(["rank", "office", "kind", "tier", "load", "capacity", "score"],
                                 [(c["rank"], c["office_id"], c["kind"], c["tier"], c["load"],
                                   c["capacity"], f"{c['score']:.4f}")
                                  for c in dec["candidates"]]))
        if dec["exclusions"]:
            parts.append(_html_table(["excluded office", "reason", "detail"],
                                     [(x["office_id"], x["reason"], x["detail"])
                                      for x in dec["exclusions"]]))
    if d.get("replay"):
        parts.append("<h2>Replay check</h2>")
        parts.append(_html_table(["attempt", "router-log offset", "office", "reproduced"],
                                 [(r["attempt"], r["router_log_offset"], r["replayed_office"],
                                   "yes" if r["reproduced"] else "NO") for r in d["replay"]]))
    if d.get("dead_letters"):
        parts.append("<h2>Dead letters</h2>")
        parts.append(_html_table(["at", "reason", "message"],
                                 [(x["at"], x["reason_code"], x["message"])
                                  for x in d["dead_letters"]]))
    body = "\n".join(parts)
    return (f"<!doctype html><html lang=en><head><meta charset=utf-8>"
            f"<title>Dispute {e(d['request_id'])}</title><style>{_CSS}</style></head>"
            f"<body>{body}</body></html>\n")
