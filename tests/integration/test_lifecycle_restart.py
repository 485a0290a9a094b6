"""A worker replaced mid-lifecycle: state and timers come back from the changelogs."""

from __future__ import annotations

from collections import Counter

import pytest
from lifecycle_steps import (
    at,
    office_events,
    offices,
    other,
    router_up,
    wait_assignment,
    wait_request_row,
    wait_states,
    wait_withdrawal,
)
from scenario_builders import report, request, service
from streams_harness import Harness

OFFICES = ("GEN-00001", "GEN-00002")


@pytest.mark.parametrize("how", ["stop", "kill"])
async def test_a_restarted_worker_keeps_the_timers_and_state_of_open_requests(
        harness: Harness, how: str) -> None:
    h = harness
    first_worker = await router_up(h, [service("CIV-101", accept_s=600)], offices(*OFFICES))
    await h.publish("requests", request("REQ-RST-0001", at=at(1)), at=at(1))
    await h.publish("requests", request("REQ-RST-0002", at=at(2)), at=at(2))
    waiting = await wait_assignment(h, "REQ-RST-0001")
    working = await wait_assignment(h, "REQ-RST-0002")
    await h.publish("fulfilment", report("accepted", working), at=at(30))
    await wait_states(h, "REQ-RST-0002", "accepted")

    getattr(first_worker, how)()  # stop: SIGTERM; kill: SIGKILL
    assert first_worker.process.returncode is not None
    second_worker = h.start_worker("w2")
    # after SIGKILL the group holds the dead member's partitions until its session expires
    # (Faust's default broker_session_timeout, 60 s): the new worker is ready only after that
    await h.wait_ready(second_worker, timeout=150 if how == "kill" else 60)

    # the accept deadline of REQ-RST-0001 was set by the first worker; the second fires it
    await h.tick(at(700))
    withdrawn = await wait_withdrawal(h, waiting.office_id, "REQ-RST-0001")
    assert (withdrawn.assignment_id, withdrawn.reason) == (
        waiting.assignment_id, "acceptance_timeout")
    rerouted = await wait_assignment(h, "REQ-RST-0001", attempt=2)
    assert rerouted.office_id == other(OFFICES, waiting.office_id)
    await wait_states(h, "REQ-RST-0001", "timed_out", "assigned", timeout=120)

    # the accepted request came back too: its office can still fulfil it
    await h.publish("fulfilment", report("fulfilled", working), at=at(800))
    await wait_states(h, "REQ-RST-0002", "fulfilled")
    await wait_request_row(h, "REQ-RST-0001", "assigned", 4)
    await wait_request_row(h, "REQ-RST-0002", "fulfilled", 4)

    states = await h.states()
    by_id = {e.event_id: e.payload for e in states}  # what each distinct change said
    assert sorted((p.request_id, p.seq, str(p.to_state), p.attempt) for p in by_id.values()) == [
        ("REQ-RST-0001", 1, "received", 0), ("REQ-RST-0001", 2, "assigned", 1),
        ("REQ-RST-0001", 3, "timed_out", 1), ("REQ-RST-0001", 4, "assigned", 2),
        ("REQ-RST-0002", 1, "received", 0), ("REQ-RST-0002", 2, "assigned", 1),
        ("REQ-RST-0002", 3, "accepted", 1), ("REQ-RST-0002", 4, "fulfilled", 1)]

    # exactly once: the replacement re-emitted nothing the first worker had already emitted
    made = [e.payload.assignment_id
            for office in OFFICES for e in await office_events(h, office)
            if e.event_type == "assignment.made"]
    assert sorted(set(made)) == sorted([waiting.assignment_id, working.assignment_id,
                                        rerouted.assignment_id])
    twice = [a for a, n in Counter(made).items() if n > 1]
    assert twice == [], f"assignments made twice on the office topics: {twice}"
    repeated = [(by_id[i].request_id, by_id[i].seq, str(by_id[i].to_state))
                for i, n in Counter(e.event_id for e in states).items() if n > 1]
    assert repeated == [], f"state changes emitted twice on request-state: {repeated}"
    inputs = Counter(e.event_id for e in await h.read(h.topic("router-log")))
    assert [i for i, n in inputs.items() if n > 1] == [], "inputs sequenced twice"
