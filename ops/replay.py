"""`router replay`: re-derive every decision from the router log and compare.

State must be rebuilt from the start of the router log to be exact, so the whole log
is always applied; only the *comparison* is restricted to an offset range, a time
range or a list of requests. The recorded decisions come from the one-partition
decisions topic, which the router writes in router-log order: the N-th `Decided`
effect of the replay corresponds to the N-th recorded decision. Both streams are
read lazily and joined on the fly by (request_id, attempt) through two small
pending buffers that stay (nearly) empty when the two agree, so memory does not
grow with the number of decisions (only the core's own state does).

Resuming (`--resume`): a checkpoint file next to the findings holds the last
router-log offset compared, the next decisions-topic offset and the counts so far.
The core's state is *not* snapshotted; a resumed run re-applies the log up to the
checkpoint without comparing (applying is cheap, see bench/replay_rate.py, and it
needs no serialisation format that could drift from the core), then continues
comparing and appends to the findings file. Checkpoints are only taken when both
pending buffers are empty, so nothing half-joined is lost.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter, OrderedDict
from collections.abc import AsyncGenerator, Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from contracts.errors import ContractError
from contracts.registry import parse_event
from router import CURRENT_POLICY, Policy
from router.effects import Decided

from . import compare
from .compare import Comparison, View
from .core import apply_raw, fresh_core
from .logread import Endpoints, Record, read_topic

MAX_PENDING = 10_000  # beyond this, the oldest unmatched decision is reported missing
# Outputs carry event ids derived from their cause, and the router may re-emit them after
# a restart (consumers are meant to drop a repeat by its id): recent ids are remembered.
SEEN_IDS = 200_000


@dataclass(frozen=True)
class Scope:
    """Which decisions are compared (state is always rebuilt from offset 0)."""

    from_offset: int | None = None
    to_offset: int | None = None
    since: datetime | None = None
    until: datetime | None = None
    requests: frozenset[str] | None = None

    def admits(self, view: View, offset: int | None) -> bool:
        if self.requests is not None and view["request_id"] not in self.requests:
            return False
        if offset is not None:
            if self.from_offset is not None and offset < self.from_offset:
                return False
            if self.to_offset is not None and offset > self.to_offset:
                return False
        at = view.get("decided_at")
        if at and (self.since or self.until):
            when = datetime.fromisoformat(at.replace("Z", "+00:00"))
            if self.since is not None and when < self.since:
                return False
            if self.until is not None and when >= self.until:
                return False
        return True


@dataclass
class WhatIf:
    """Where assignments went, recorded vs replayed, by office kind and by province."""

    by_kind: dict[str, Counter[str]] = field(
        default_factory=lambda: {"recorded": Counter(), "replayed": Counter()})
    by_province: dict[str, Counter[str]] = field(
        default_factory=lambda: {"recorded": Counter(), "replayed": Counter()})
    changed: int = 0
    compared: int = 0

    def add(self, recorded: View, replayed: View, province: str | None,
            comparison: Comparison) -> None:
        self.compared += 1
        self.changed += comparison.assignment_changed
        for side, view in (("recorded", recorded), ("replayed", replayed)):
            kind = view["office_kind"] or "unroutable"
            self.by_kind[side][kind] += 1
            self.by_province[side][f"{province or '?'}|{kind}"] += 1

    def to_dict(self) -> dict[str, Any]:
        kinds = sorted(set(self.by_kind["recorded"]) | set(self.by_kind["replayed"]))
        cells = sorted(set(self.by_province["recorded"]) | set(self.by_province["replayed"]))
        return {
            "compared": self.compared, "changed_assignments": self.changed,
            "by_office_kind": [
                {"kind": k, "recorded": self.by_kind["recorded"][k],
                 "replayed": self.by_kind["replayed"][k],
                 "shift": self.by_kind["replayed"][k] - self.by_kind["recorded"][k]}
                for k in kinds],
            "by_province": [
                {"province": c.split("|")[0], "kind": c.split("|")[1],
                 "recorded": self.by_province["recorded"][c],
                 "replayed": self.by_province["replayed"][c],
                 "shift": self.by_province["replayed"][c] - self.by_province["recorded"][c]}
                for c in cells],
        }


@dataclass
class Counts:
    events: int = 0
    replayed_decisions: int = 0
    recorded_decisions: int = 0
    compared: int = 0
    matched: int = 0
    divergent: int = 0
    changed_assignments: int = 0
    duplicate_recorded: int = 0  # re-emitted decisions (same event id), not compared twice
    causes: dict[str, int] = field(default_factory=dict)


@dataclass
class Checkpoint:
    router_log_offset: int  # the last router-log offset whose decisions were compared
    decisions_offset: int  # the next decisions-topic offset to read
    policy_version: str
    counts: Counts

    def save(self, path: Path) -> None:
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_text(json.dumps(asdict(self), indent=2))
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> Checkpoint:
        data = json.loads(path.read_text())
        return cls(data["router_log_offset"], data["decisions_offset"], data["policy_version"],
                   Counts(**data["counts"]))


class Joiner:
    """Pairs recorded and replayed decisions by (request_id, attempt) as they stream in."""

    def __init__(self, scope: Scope, emit: Callable[[dict[str, Any]], None],
                 counts: Counts, what_if: WhatIf) -> None:
        self.scope, self.emit, self.counts, self.what_if = scope, emit, counts, what_if
        self.recorded: OrderedDict[compare.Key, View] = OrderedDict()
        self.replayed: OrderedDict[compare.Key, tuple[View, int, str | None]] = OrderedDict()

    @property
    def idle(self) -> bool:
        return not self.recorded and not self.replayed

    def add_recorded(self, view: View) -> None:
        self.counts.recorded_decisions += 1
        key = compare.key_of(view)
        other = self.replayed.pop(key, None)
        if other is None:
            self.recorded[key] = view
            self._bound()
        else:
            self._pair(view, *other)

    def add_replayed(self, view: View, offset: int, province: str | None) -> None:
        self.counts.replayed_decisions += 1
        key = compare.key_of(view)
        other = self.recorded.pop(key, None)
        if other is None:
            self.replayed[key] = (view, offset, province)
            self._bound()
        else:
            self._pair(other, view, offset, province)

    def _pair(self, recorded: View, replayed: View, offset: int, province: str | None) -> None:
        if not self.scope.admits(replayed, offset):
            return
        comparison = compare.classify(recorded, replayed)
        self.what_if.add(recorded, replayed, province, comparison)
        self._count(comparison)
        if not comparison.matched:
            self.emit(compare.finding_record(comparison, recorded, replayed,
                                             {"router_log_offset": offset,
                                              "province": province}))

    def _count(self, comparison: Comparison) -> None:
        c = self.counts
        c.compared += 1
        c.changed_assignments += comparison.assignment_changed
        if comparison.matched:
            c.matched += 1
        else:
            c.divergent += 1
            assert comparison.cause is not None
            c.causes[comparison.cause] = c.causes.get(comparison.cause, 0) + 1

    def _bound(self) -> None:
        while len(self.recorded) > MAX_PENDING:
            self._missing_recorded_side(self.recorded.popitem(last=False)[1])
        while len(self.replayed) > MAX_PENDING:
            view, offset, _ = self.replayed.popitem(last=False)[1]
            self._missing_replayed_side(view, offset)

    def _missing_recorded_side(self, view: View) -> None:
        if self.scope.admits(view, None):
            comparison = compare.missing(view, recorded_side=True)
            self._count(comparison)
            self.emit(compare.finding_record(comparison, view, None))

    def _missing_replayed_side(self, view: View, offset: int) -> None:
        if self.scope.admits(view, offset):
            comparison = compare.missing(view, recorded_side=False)
            self._count(comparison)
            self.emit(compare.finding_record(comparison, None, view,
                                             {"router_log_offset": offset}))

    def finish(self) -> None:
        for view in list(self.recorded.values()):
            self._missing_recorded_side(view)
        for view, offset, _ in list(self.replayed.values()):
            self._missing_replayed_side(view, offset)
        self.recorded.clear()
        self.replayed.clear()


@dataclass
class ReplayResult:
    policy_version: str
    recorded_policies: list[str]
    counts: Counts
    what_if: WhatIf
    router_log_end: int
    seconds: float
    findings_path: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "policy_version": self.policy_version, "recorded_policies": self.recorded_policies,
            "what_if": self.policy_version not in self.recorded_policies
            and bool(self.recorded_policies),
            "counts": asdict(self.counts), "distribution": self.what_if.to_dict(),
            "router_log_end": self.router_log_end, "seconds": round(self.seconds, 3),
            "findings": self.findings_path,
        }


async def _recorded(ep: Endpoints, start: int, stop: int | None = None,
                    counts: Counts | None = None) -> AsyncGenerator[tuple[int, View], None]:
    """Recorded decisions, a repeated event id (a re-emitted decision) dropped."""
    seen: OrderedDict[str, None] = OrderedDict()
    async for record in read_topic(ep.bootstrap, ep.topic("decisions"), start=start, stop=stop):
        try:
            envelope = parse_event(record.value)
        except ContractError:
            continue
        event_id = str(envelope.event_id)
        if event_id in seen:
            if counts is not None:
                counts.duplicate_recorded += 1
            continue
        seen[event_id] = None
        if len(seen) > SEEN_IDS:
            seen.popitem(last=False)
        yield record.offset, compare.recorded_view(envelope.payload)


async def recorded_policy(ep: Endpoints) -> str | None:
    """The policy version of the first recorded decision (the policy in force)."""
    async for _, view in _recorded(ep, 0, 1):
        return str(view["policy_version"])
    return None


class Progress:
    def __init__(self, stream: IO[str], end: int, every_s: float = 2.0) -> None:
        self.stream, self.end, self.every = stream, end, every_s
        self.started = self.last = time.monotonic()

    def tick(self, offset: int, counts: Counts, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.last < self.every:
            return
        self.last = now
        rate = counts.events / max(now - self.started, 1e-9)
        print(f"replay: offset {offset + 1}/{self.end}  events {counts.events} "
              f"({rate:,.0f}/s)  compared {counts.compared}  divergent {counts.divergent}",
              file=self.stream, flush=True)


async def run_replay(ep: Endpoints, *, policy: Policy | None = None, scope: Scope | None = None,
                     out: Path | None = None, resume: bool = False,
                     progress: IO[str] | None = sys.stderr,
                     checkpoint_every: int = 5000) -> ReplayResult:
    started = time.monotonic()
    scope = scope or Scope()
    first_policy = await recorded_policy(ep)
    if policy is None:
        from router import policy_named

        policy = policy_named(first_policy) if first_policy else CURRENT_POLICY
    checkpoint_path = Path(str(out) + ".checkpoint.json") if out is not None else None
    checkpoint: Checkpoint | None = None
    if resume and checkpoint_path is not None and checkpoint_path.exists():
        checkpoint = Checkpoint.load(checkpoint_path)
        if checkpoint.policy_version != policy.version:
            raise ValueError(f"the checkpoint was taken with policy {checkpoint.policy_version}, "
                             f"not {policy.version}")
    counts = checkpoint.counts if checkpoint else Counts()
    skip_to = checkpoint.router_log_offset if checkpoint else -1
    decisions_next = checkpoint.decisions_offset if checkpoint else 0
    what_if = WhatIf()
    sink: IO[str] | None = None
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        sink = out.open("a" if checkpoint else "w", encoding="utf-8")

    def emit(line: dict[str, Any]) -> None:
        if sink is not None:
            sink.write(json.dumps(line, sort_keys=True) + "\n")

    joiner = Joiner(scope, emit, counts, what_if)
    recorded_policies: set[str] = {first_policy} if first_policy else set()
    core = fresh_core(policy)
    recorded = _recorded(ep, decisions_next, counts=counts)
    recorded_done = False
    log_topic = ep.topic("router-log")
    from .logread import end_offset

    end = await end_offset(ep.bootstrap, log_topic)
    meter = Progress(progress, end) if progress is not None else None
    last_offset = -1
    try:
        record: Record
        async for record in read_topic(ep.bootstrap, log_topic, start=0, stop=end):
            last_offset = record.offset
            applied = apply_raw(core, record.value)
            if record.offset <= skip_to:
                continue  # rebuilding state only (resume)
            counts.events += 1
            if applied is not None:
                for effect in applied.effects:
                    if not isinstance(effect, Decided):
                        continue
                    if not recorded_done:
                        try:
                            decisions_next, view = await anext(recorded)
                            decisions_next += 1
                            recorded_policies.add(str(view["policy_version"]))
                            joiner.add_recorded(view)
                        except StopAsyncIteration:
                            recorded_done = True
                    rid = effect.decision.request_id
                    held = core.requests.get(rid)
                    province = held.region.province if held is not None else None
                    joiner.add_replayed(compare.replayed_view(effect.decision, effect.at),
                                        record.offset, province)
            if meter is not None:
                meter.tick(record.offset, counts)
            if (checkpoint_path is not None and joiner.idle
                    and counts.events % checkpoint_every == 0):
                Checkpoint(record.offset, decisions_next, policy.version, counts
                           ).save(checkpoint_path)
        if not recorded_done:  # recorded decisions the replay never produced
            async for decisions_next, view in recorded:
                decisions_next += 1
                recorded_policies.add(str(view["policy_version"]))
                joiner.add_recorded(view)
        joiner.finish()
        if checkpoint_path is not None:
            Checkpoint(max(last_offset, skip_to), decisions_next, policy.version, counts
                       ).save(checkpoint_path)
    finally:
        await recorded.aclose()
        if sink is not None:
            sink.close()
    if meter is not None:
        meter.tick(last_offset, counts, force=True)
    return ReplayResult(policy.version, sorted(recorded_policies), counts, what_if, end,
                        time.monotonic() - started, None if out is None else str(out))
