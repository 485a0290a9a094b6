"""Prometheus metrics of a worker, served on /metrics by the Faust web server."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

REGISTRY = CollectorRegistry(auto_describe=True)

ROUTED = Counter(
    "govroute_requests_routed_total", "Requests assigned to an office",
    ["office_kind"], registry=REGISTRY,
)
UNROUTABLE = Counter(
    "govroute_requests_unroutable_total", "Requests no office could take, by main reason",
    ["reason"], registry=REGISTRY,
)
DEAD_LETTERS = Counter(
    "govroute_dead_letters_total", "Refused input, by reason code",
    ["reason"], registry=REGISTRY,
)
STATE_CHANGES = Counter(
    "govroute_state_changes_total", "Request state transitions", ["to_state"], registry=REGISTRY,
)
OFFICE_LOAD = Gauge(
    "govroute_office_open_assignments", "Open assignments per office",
    ["office_id"], registry=REGISTRY,
)
CONSUMER_LAG = Gauge(
    "govroute_consumer_lag", "Messages behind the end of each assigned partition",
    ["topic", "partition"], registry=REGISTRY,
)
DECISION_SECONDS = Histogram(
    "govroute_decision_seconds", "Time spent in the pure routing policy per decision",
    buckets=(1e-5, 5e-5, 1e-4, 5e-4, 1e-3, 5e-3, 1e-2), registry=REGISTRY,
)
SINK_ROWS = Counter(
    "govroute_sink_rows_total", "Rows written to Postgres by the sink", ["table"],
    registry=REGISTRY,
)
LOOP_ERRORS = Counter(
    "govroute_loop_errors_total", "Failed steps of the ingest, relay and sink loops (retried)",
    ["loop"], registry=REGISTRY,
)
COMMITS = Counter(
    "govroute_router_commits_total", "Transactions the route agent's app committed, by whether "
    "table writes were still in Faust's producer buffer (without the commit barrier they "
    "would have gone into the next transaction)", ["buffer"], registry=REGISTRY,
)


def render() -> bytes:
    return generate_latest(REGISTRY)
