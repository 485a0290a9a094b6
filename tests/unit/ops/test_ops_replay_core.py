"""Replaying a synthetic router log in memory reproduces the decisions it implies."""

from __future__ import annotations

from ops import compare
from ops.core import apply_raw, fresh_core
from ops.render import dispute_html, replay_text
from ops.synthetic import build_log
from router import AGENCY_FIRST_POLICY, CURRENT_POLICY
from router.effects import Decided


def _decisions(log: list[bytes], policy=CURRENT_POLICY) -> list[compare.View]:  # type: ignore[no-untyped-def]
    core = fresh_core(policy)
    out = []
    for raw in log:
        applied = apply_raw(core, raw)
        assert applied is not None
        out += [compare.replayed_view(e.decision, e.at) for e in applied.effects
                if isinstance(e, Decided)]
    return out


def test_replay_is_deterministic_and_a_policy_change_is_detected() -> None:
    log, requests = build_log(offices=40, requests=60, seed=3)
    first, second = _decisions(log), _decisions(log)
    assert len(first) == requests
    assert all(compare.classify(a, b).matched for a, b in zip(first, second, strict=True))
    what_if = _decisions(log, AGENCY_FIRST_POLICY)
    causes = {compare.classify(a, b).cause for a, b in zip(first, what_if, strict=True)}
    assert causes == {compare.POLICY_VERSION_CHANGED}


def test_refused_input_is_skipped_like_the_worker_does() -> None:
    core = fresh_core(CURRENT_POLICY)
    assert apply_raw(core, b"{not json") is None
    assert apply_raw(core, b'{"event_type": "routing.decided", "schema_version": 1}') is None


def test_renderers_escape_and_summarise() -> None:
    html = dispute_html({"request_id": "<R>", "office_id": None, "request": None,
                         "timeline": [], "decisions": [], "replay": [], "dead_letters": []})
    assert "&lt;R&gt;" in html
    assert "<R>" not in html
    text = replay_text({"policy_version": "p", "recorded_policies": ["p"], "router_log_end": 3,
                        "seconds": 0.1, "what_if": False, "findings": None,
                        "counts": {"events": 3, "replayed_decisions": 1,
                                   "recorded_decisions": 1, "compared": 1, "matched": 1,
                                   "divergent": 0, "changed_assignments": 0, "causes": {}},
                        "distribution": {}})
    assert "1 match, 0 diverge" in text
