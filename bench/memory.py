"""Resident memory of the router state: many offices, many open requests, one process.

    python bench/memory.py [--offices 100000] [--open 1000000] [--quick]

Builds, in this process, what a worker's route agent holds: a RouterCore over
Faust-table-like dicts of ENCODED bytes (`streams.codecs` encoders behind the worker's
own `CodecMapping`, which also caches the decoded values it has seen), with the licences
of decision_cost.py's synthetic network and `--open` open (assigned) requests spread over
them; then `rebuild()` (registry, catalog, deadline heap), as after a rebalance. RSS
(VmRSS from /proc/self/status) is read after each step; the baseline is a fresh
interpreter with the same imports. Writes bench/results/memory.json.

A real worker holds more: Faust's own table objects (the same bytes, in its memory
store) and the changelog/producer buffers; this measures the router's share.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

IMPORTS = (
    "import decision_cost, stack_support; "
    "from router import CURRENT_POLICY; from router.engine import RouterCore; "
    "from router.records import RequestRecord; from router.states import RequestState; "
    "from streams import codecs"
)

import decision_cost  # noqa: E402
import stack_support  # noqa: E402

from router import CURRENT_POLICY  # noqa: E402
from router.engine import RouterCore  # noqa: E402
from router.records import RequestRecord  # noqa: E402
from router.regions import Region  # noqa: E402
from router.states import RequestState  # noqa: E402
from streams import codecs  # noqa: E402

HERE = Path(__file__).resolve().parent


def rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def settled_rss_mib() -> float:
    gc.collect()
    return round(rss_kib() / 1024, 1)


def baseline_mib() -> float:
    """An empty interpreter with the same imports."""
    code = (f"import sys; sys.path.insert(0, {str(HERE)!r}); {IMPORTS}; "
            "import gc; gc.collect(); "
            "print([l for l in open('/proc/self/status') if l.startswith('VmRSS:')][0].split()[1])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return round(int(out.stdout.strip()) / 1024, 1)


def _uuid(rng: random.Random) -> str:
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:32]}"


def trimmed(encode: Callable[[Any], bytes]) -> Callable[[Any], bytes]:
    """The same encoder, its output copied into a right-sized bytes object: orjson >= 3.12
    over-allocates the buffer behind the bytes it returns (about 4 KiB for a small
    document) and never shrinks it (ijl/orjson#483; home-assistant/core#181240)."""

    def encode_trimmed(value: Any) -> bytes:
        return bytes(memoryview(encode(value)))

    return encode_trimmed


def measure(offices: int, open_requests: int, seed: int, trim: bool = False) -> dict[str, Any]:
    steps: dict[str, float] = {"imports": settled_rss_mib()}
    tables: dict[str, dict[str, bytes]] = {n: {} for n in
                                           ("requests", "loads", "licences", "services", "clock")}
    enc_record: Callable[[Any], bytes] = codecs.encode_record
    enc_licence: Callable[[Any], bytes] = codecs.encode_licence
    enc_service: Callable[[Any], bytes] = codecs.encode_service
    if trim:
        enc_record, enc_licence, enc_service = (trimmed(enc_record), trimmed(enc_licence),
                                                trimmed(enc_service))
    core = RouterCore(
        requests=codecs.CodecMapping(tables["requests"], enc_record, codecs.decode_record),
        loads=codecs.CodecMapping(tables["loads"], codecs.encode_int, codecs.decode_int),
        licences=codecs.CodecMapping(tables["licences"], enc_licence, codecs.decode_licence),
        services=codecs.CodecMapping(tables["services"], enc_service, codecs.decode_service),
        clock=codecs.CodecMapping(tables["clock"], codecs.encode_time, codecs.decode_time),
        policy=CURRENT_POLICY,
    )
    started = time.perf_counter()
    world = decision_cost.build_world(offices, 0, seed)
    for svc in world.catalog.values():
        core.services[svc.code] = svc
    licences = list(world.registry)
    for lic in licences:
        core.licences[lic.office_id] = lic
    del world
    steps["offices"] = settled_rss_mib()

    rng = random.Random(seed)
    at = decision_cost.NOW
    loads: dict[str, int] = {}
    for n in range(open_requests):
        lic = licences[rng.randrange(len(licences))]
        submitted = at + timedelta(seconds=n % 86_400)
        record = RequestRecord(
            request_id=f"REQ-{seed % 1000:03d}-{n:09d}", service_code=f"S{rng.randrange(500):03d}",
            region=Region(lic.region.province, lic.region.city),
            citizen_national_id=f"{rng.randrange(10**9, 10**10)}", channel="web",
            preferred_office=None, submitted_at=submitted, state=RequestState.ASSIGNED,
            attempt=1, office_id=lic.office_id, assignment_id=f"A-{rng.getrandbits(96):024x}",
            accept_by=submitted + timedelta(minutes=10), seq=2, applied=(_uuid(rng),),
        )
        core.requests[record.request_id] = record
        loads[lic.office_id] = loads.get(lic.office_id, 0) + 1
    for office, load in loads.items():
        core.loads[office] = load
    steps["open_requests"] = settled_rss_mib()
    fill_s = time.perf_counter() - started

    rebuilt = time.perf_counter()
    core.rebuild()
    rebuild_s = time.perf_counter() - rebuilt
    steps["rebuilt"] = settled_rss_mib()

    for view in (core.requests, core.licences):
        assert isinstance(view, codecs.CodecMapping)
        view.clear_cache()
    steps["decoded_cache_dropped"] = settled_rss_mib()

    encoded = {name: sum(len(k) + len(v) for k, v in t.items()) for name, t in tables.items()}
    return {
        "variant": "codecs, trimmed copy" if trim else "streams.codecs as is",
        "offices": offices,
        "open_requests": open_requests,
        "deadlines": len(core.deadlines),
        "registry_offices": len(core.registry),
        "fill_s": round(fill_s, 1),
        "rebuild_s": round(rebuild_s, 2),
        "rss_mib": steps,
        "encoded_mib": {k: round(v / 2**20, 1) for k, v in encoded.items()},
        "encoded_bytes_per_request": round(encoded["requests"] / max(1, open_requests)),
        "offices_mib": round(steps["offices"] - steps["imports"], 1),
        "bytes_per_office": round((steps["offices"] - steps["imports"]) * 2**20 / max(1, offices)),
        "requests_mib": round(steps["open_requests"] - steps["offices"], 1),
        "bytes_per_request": round((steps["open_requests"] - steps["offices"]) * 2**20
                                   / max(1, open_requests)),
        "bytes_per_request_after_rebuild": round((steps["rebuilt"] - steps["offices"]) * 2**20
                                                 / max(1, open_requests)),
        "total_over_baseline_mib": round(steps["rebuilt"] - steps["imports"], 1),
    }


def child(offices: int, open_requests: int, seed: int, trim: bool) -> dict[str, Any]:
    """One variant in a fresh process, so the variants do not share an allocator."""
    out = subprocess.run(
        [sys.executable, __file__, "--child", "--offices", str(offices), "--open",
         str(open_requests), "--seed", str(seed), *(["--trim"] if trim else [])],
        capture_output=True, text=True, check=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def _rows(base: float, result: dict[str, Any]) -> list[dict[str, Any]]:
    steps, variant = result["rss_mib"], result["variant"]
    labels = [
        ("imports", "after imports"),
        ("offices", f"+ {result['offices']:,} licences + 500 services"),
        ("open_requests", f"+ {result['open_requests']:,} open requests (bytes + decoded cache)"),
        ("rebuilt", "+ rebuild (registry, catalog, deadline heap)"),
        ("decoded_cache_dropped", "decoded caches dropped (encoded bytes only)"),
    ]
    return [{"variant": variant, "step": label, "rss": steps[key],
             "delta": round(steps[key] - base, 1)} for key, label in labels]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--offices", type=int, default=100_000)
    parser.add_argument("--open", type=int, default=1_000_000, help="open requests")
    parser.add_argument("--seed", type=int, default=20261127)
    parser.add_argument("--quick", action="store_true", help="tiny sizes, for the smoke test")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--trim", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.offices, args.open = 1_000, 10_000
    if args.child:
        print(json.dumps(measure(args.offices, args.open, args.seed, args.trim)))
        return 0
    report: dict[str, Any] = {"bench": "memory", "quick": args.quick,
                              **stack_support.environment()}
    base = baseline_mib()
    results = [child(args.offices, args.open, args.seed, trim) for trim in (False, True)]
    rows = [{"variant": "-", "step": "empty interpreter, same imports (baseline)", "rss": base,
             "delta": 0.0}]
    for result in results:
        rows += _rows(base, result)
    print(stack_support.table(rows, [("variant", "variant"), ("step", "step"),
                                     ("rss", "RSS MiB"), ("delta", "over baseline MiB")]))
    print()
    summary = [{
        "variant": r["variant"], "per_request": r["bytes_per_request"],
        "per_request_rebuilt": r["bytes_per_request_after_rebuild"],
        "encoded": r["encoded_bytes_per_request"],
        "x_encoded": round(r["bytes_per_request"] / max(1, r["encoded_bytes_per_request"]), 1),
        "per_office": r["bytes_per_office"], "total": r["total_over_baseline_mib"],
        "rebuild_s": r["rebuild_s"],
    } for r in results]
    print(stack_support.table(summary, [
        ("variant", "variant"), ("per_request", "B/open request"),
        ("per_request_rebuilt", "B/request incl. heap"), ("encoded", "encoded B/request"),
        ("x_encoded", "x encoded"), ("per_office", "B/office"), ("total", "total MiB"),
        ("rebuild_s", "rebuild s")]))
    report.update({"offices": args.offices, "open_requests": args.open, "baseline_rss_mib": base,
                   "variants": results, "rows": rows, "summary": summary})
    path = stack_support.write_results("memory", report)
    print(f"wrote {path.relative_to(stack_support.ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
