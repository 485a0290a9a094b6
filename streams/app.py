"""The one wiring place: the Faust app, its topics, tables, agents and services.

Data flow (see README):
    intake/offices/agencies/regulator topics --Ingest (validate)--> router-log (1 partition)
    router-log --route agent (RouterCore over Faust tables)--> router-outbox
    router-outbox --OutboxRelay--> decisions, request-state, office.<id>.assignments,
        agency.<a>.inquiries, deadletter
    decisions, request-state, deadletter, router-log --PostgresSink--> Postgres
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import faust
from mode import Service

from clients.kafka_security import faust_credentials
from contracts.topics import spec
from router import CURRENT_POLICY, policy_named

from . import faust_fixes
from .config import Settings
from .ingest import Ingest
from .logs import get_logger
from .relay import OutboxRelay
from .routing import RouterAgent
from .sink.consumer import PostgresSink
from .ticker import Ticker
from .watchdog import EXIT_DIVERGED, Watchdog, consumer_probe, route_probe
from .web import WebServer

log = get_logger(__name__)

#: Topics the Postgres sink records.
RECORDED = ("router-log", "decisions", "request-state", "deadletter")


def create_app(settings: Settings) -> faust.App:
    faust_fixes.apply()
    app = faust.App(
        settings.app_id,
        broker=[f"kafka://{server}" for server in settings.bootstrap.split(",")],
        broker_credentials=faust_credentials(),
        store="memory://",
        Worker=faust_fixes.Worker,
        processing_guarantee=settings.processing_guarantee,
        topic_replication_factor=1,
        topic_allow_declare=True,
        topic_disable_leader=True,
        key_serializer="raw",
        value_serializer="raw",
        consumer_auto_offset_reset="earliest",
        table_standby_replicas=0,
        web_enabled=False,
        web_port=settings.web_port,
        datadir=str(settings.data_dir),
        broker_commit_every=500,
        broker_commit_interval=0.2,
        broker_session_timeout=10.0,
        broker_heartbeat_interval=2.0,
        producer_linger_ms=0,
        stream_buffer_maxsize=4096,
    )
    policy = policy_named(settings.policy_version) if settings.policy_version else CURRENT_POLICY
    router_log = _topic(app, settings, "router-log")
    tables = {
        name: app.Table(name, partitions=1, key_type=str, value_type=bytes)
        for name in ("requests", "loads", "licences", "services", "clock")
    }
    outbox = _topic(app, settings, "router-outbox")
    agent = RouterAgent(app, settings, tables, policy, outbox)
    app.agent(router_log, name="route", concurrency=1)(agent.process)
    # The app must consume the outbox for Faust to send to it transactionally (see relay.py).
    app.agent(outbox, name="outbox-enlistment")(_drain)

    @app.on_partitions_assigned.connect  # type: ignore[arg-type]
    async def _assigned(sender: Any, assigned: Any, **_: Any) -> None:
        if faust_fixes.uncommitted_writes(app):  # see there: only a fresh process is safe
            watchdog.leave(EXIT_DIVERGED, "rebalance found table writes no transaction "
                           "committed: exiting for a restart from the changelogs")
        agent.invalidate()

    sink = PostgresSink(
        settings.bootstrap, settings.dsn, [settings.topic(t) for t in RECORDED],
        group=f"{settings.app_id}-pg-sink", batch_size=settings.sink_batch,
    ) if settings.sink_enabled else None
    ingest = Ingest(settings)
    relay = OutboxRelay(settings)
    watchdog = Watchdog(settings, app, [
        route_probe(settings, app, agent),
        consumer_probe("ingest", ingest, "ingested"),
        consumer_probe("relay", relay, "records"),
    ])
    services: list[Service] = [
        ingest, relay, WebServer(settings, agent, sink, ingest), watchdog,
    ]
    if settings.clock == "system":
        services.append(Ticker(settings, _system_now))
    if sink is not None:
        services.append(_SinkService(sink))
    for service in services:
        app.service(_bound(service))
    app.router_agent = agent  # type: ignore[attr-defined]
    return app


async def _drain(stream: Any) -> None:
    async for _ in stream:
        pass


def _system_now() -> datetime:
    return datetime.now(UTC)


def _topic(app: faust.App, settings: Settings, name: str) -> Any:
    declared = spec(name)
    return app.topic(settings.topic(name), partitions=declared.partitions,
                     key_serializer="raw", value_serializer="raw")


class _SinkService(Service):
    def __init__(self, sink: PostgresSink, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.sink = sink

    async def on_start(self) -> None:
        await self.sink.start()

    async def on_stop(self) -> None:
        await self.sink.stop()


def _bound(instance: Service) -> type[Service]:
    """`app.service` takes a class it instantiates itself; hand it one that returns ours."""

    class Bound(Service):
        async def on_start(self) -> None:
            await instance.start()

        async def on_stop(self) -> None:
            await instance.stop()

    Bound.__name__ = type(instance).__name__
    return Bound
