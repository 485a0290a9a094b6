"""Comparing a re-derived decision with the recorded one, and naming the cause.

Both sides are reduced to the same flat, JSON-able *view* (`recorded_view`,
`replayed_view`), so classification is pure and testable with synthetic data.

Causes, checked in this order:

* ``POLICY_VERSION_CHANGED`` - the replay ran under another policy version;
* ``NONDETERMINISM``          - same inputs digest, different outcome (a core bug);
* ``INPUT_DIFFERS``           - the request itself differs (preferred office, prior
  exclusions, attempt) or, when no office-level difference explains the digest,
  the service definition / request fields do;
* ``REGISTRY_LAGGING``        - the licence state differs: an office considered on one
  side only, another kind or capacity, or another licence-derived exclusion reason;
* ``LOAD_SNAPSHOT_DIFFERED``  - same offices and licences, only their loads differ;
* ``MISSING_RECORDED`` / ``MISSING_REPLAYED`` - a decision exists on one side only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from router.decision import Decision

POLICY_VERSION_CHANGED = "POLICY_VERSION_CHANGED"
NONDETERMINISM = "NONDETERMINISM"
INPUT_DIFFERS = "INPUT_DIFFERS"
REGISTRY_LAGGING = "REGISTRY_LAGGING"
LOAD_SNAPSHOT_DIFFERED = "LOAD_SNAPSHOT_DIFFERED"
MISSING_RECORDED = "MISSING_RECORDED"
MISSING_REPLAYED = "MISSING_REPLAYED"
CAUSES = (POLICY_VERSION_CHANGED, NONDETERMINISM, INPUT_DIFFERS, REGISTRY_LAGGING,
          LOAD_SNAPSHOT_DIFFERED, MISSING_RECORDED, MISSING_REPLAYED)

# Exclusion reasons that depend on load or on the request, not on the licence.
LOAD_REASONS = frozenset({"CAPACITY_EXHAUSTED"})
REQUEST_REASONS = frozenset({"PREVIOUSLY_REJECTED", "PREVIOUSLY_TIMED_OUT"})

View = dict[str, Any]
Key = tuple[str, int]


def recorded_view(payload: Any) -> View:
    """A `routing.decided` payload (contract model or its JSON dict) as a view."""
    d = payload if isinstance(payload, Mapping) else payload.model_dump(mode="json")
    explanation = d.get("explanation") or {}
    return {
        "request_id": d["request_id"], "attempt": d["attempt"], "outcome": d["outcome"],
        "office_id": d.get("office_id"), "office_kind": d.get("office_kind"),
        "policy_version": d["policy_version"], "inputs_digest": d["inputs_digest"],
        "decided_at": _iso(d.get("decided_at")),
        "candidates": list(explanation.get("candidates") or ()),
        "exclusions": list(explanation.get("exclusions") or ()),
        "preferred": explanation.get("preferred"),
    }


def replayed_view(decision: Decision, at: Any = None) -> View:
    d = decision.to_dict()
    return {
        "request_id": d["request_id"], "attempt": d["attempt"], "outcome": d["outcome"],
        "office_id": d["office_id"], "office_kind": d["office_kind"],
        "policy_version": d["policy_version"], "inputs_digest": d["inputs_digest"],
        "decided_at": _iso(at), "candidates": d["candidates"], "exclusions": d["exclusions"],
        "preferred": d["preferred"],
    }


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return str(value.isoformat()).replace("+00:00", "Z")


def key_of(view: View) -> Key:
    return str(view["request_id"]), int(view["attempt"])


@dataclass(frozen=True)
class Comparison:
    key: Key
    cause: str | None  # None: the decision was reproduced
    assignment_changed: bool
    details: list[str] = field(default_factory=list)

    @property
    def matched(self) -> bool:
        return self.cause is None


def _brief(view: View | None) -> View | None:
    if view is None:
        return None
    return {k: view.get(k) for k in ("outcome", "office_id", "office_kind", "policy_version",
                                     "inputs_digest", "decided_at")}


def finding_record(comparison: Comparison, recorded: View | None, replayed: View | None,
                   extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """One line of the findings file."""
    request_id, attempt = comparison.key
    return {
        "request_id": request_id, "attempt": attempt, "cause": comparison.cause,
        "assignment_changed": comparison.assignment_changed, "details": comparison.details,
        "recorded": _brief(recorded), "replayed": _brief(replayed), **(extra or {}),
    }


def missing(view: View, *, recorded_side: bool) -> Comparison:
    """A decision on one side only (`recorded_side`: it exists only as recorded)."""
    cause = MISSING_REPLAYED if recorded_side else MISSING_RECORDED
    where = "recorded but not re-derived" if recorded_side else "re-derived but never recorded"
    return Comparison(key_of(view), cause, True, [f"decision {where}"])


def classify(recorded: View, replayed: View) -> Comparison:
    key = key_of(recorded)
    changed = (recorded["outcome"], recorded["office_id"]) != (
        replayed["outcome"], replayed["office_id"])
    moved = [f"office {recorded['office_id']} -> {replayed['office_id']}"] if changed else []
    if recorded["policy_version"] != replayed["policy_version"]:
        return Comparison(key, POLICY_VERSION_CHANGED, changed, [
            f"policy {recorded['policy_version']} -> {replayed['policy_version']}", *moved])
    if recorded["inputs_digest"] == replayed["inputs_digest"]:
        if changed:
            return Comparison(key, NONDETERMINISM, True,
                              ["same inputs digest, different outcome", *moved])
        return Comparison(key, None, False)
    request_diff = _request_differences(recorded, replayed)
    if request_diff:
        return Comparison(key, INPUT_DIFFERS, changed, request_diff + moved)
    licence_diff, load_diff = _office_differences(recorded, replayed)
    if licence_diff:
        return Comparison(key, REGISTRY_LAGGING, changed, licence_diff + moved)
    if load_diff:
        return Comparison(key, LOAD_SNAPSHOT_DIFFERED, changed, load_diff + moved)
    return Comparison(key, INPUT_DIFFERS, changed, [
        "inputs digest differs with the same offices, licences and loads: the request's "
        "fields or the service definition differ", *moved])


def _request_differences(recorded: View, replayed: View) -> list[str]:
    out: list[str] = []
    rp, pp = recorded.get("preferred") or {}, replayed.get("preferred") or {}
    if rp.get("office_id") != pp.get("office_id"):
        out.append(f"preferred office {rp.get('office_id')} -> {pp.get('office_id')}")
    rx = {e["office_id"]: e["reason"] for e in recorded["exclusions"]
          if e["reason"] in REQUEST_REASONS}
    px = {e["office_id"]: e["reason"] for e in replayed["exclusions"]
          if e["reason"] in REQUEST_REASONS}
    if rx != px:
        out.append(f"prior-attempt exclusions {sorted(rx.items())} -> {sorted(px.items())}")
    return out


def _office_differences(recorded: View, replayed: View) -> tuple[list[str], list[str]]:
    rc = {c["office_id"]: c for c in recorded["candidates"]}
    pc = {c["office_id"]: c for c in replayed["candidates"]}
    rx = {e["office_id"]: e["reason"] for e in recorded["exclusions"]}
    px = {e["office_id"]: e["reason"] for e in replayed["exclusions"]}
    licence: list[str] = []
    load: list[str] = []
    for office in sorted(set(rc) | set(pc) | set(rx) | set(px)):
        before = _state(office, rc, rx)
        after = _state(office, pc, px)
        if before == after:
            continue
        text = f"{office}: {_describe(before)} -> {_describe(after)}"
        if before[0] == "candidate" and after[0] == "candidate":
            if (before[1], before[2]) != (after[1], after[2]):  # kind / capacity
                licence.append(text)
            else:
                load.append(text)
        elif {before[0], after[0]} == {"candidate", "excluded"} and (
            _reason(before) in LOAD_REASONS or _reason(after) in LOAD_REASONS
        ):
            load.append(text)
        else:
            licence.append(text)
    return licence, load


def _state(office: str, candidates: Mapping[str, Any], exclusions: Mapping[str, str]
           ) -> tuple[Any, ...]:
    if office in candidates:
        c = candidates[office]
        return ("candidate", c["kind"], c["capacity"], c["load"])
    if office in exclusions:
        return ("excluded", exclusions[office])
    return ("not considered",)


def _reason(state: tuple[Any, ...]) -> str | None:
    return str(state[1]) if state[0] == "excluded" else None


def _describe(state: tuple[Any, ...]) -> str:
    if state[0] == "candidate":
        return f"candidate ({state[1]}, load {state[3]}/{state[2]})"
    if state[0] == "excluded":
        return f"excluded {state[1]}"
    return "not considered"
