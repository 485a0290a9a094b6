"""Health and Prometheus metrics over HTTP (aiohttp), beside the worker."""

from __future__ import annotations

import time
from typing import Any

from aiohttp import web
from mode import Service

from . import metrics
from .config import Settings


class WebServer(Service):
    def __init__(self, settings: Settings, agent: Any, sink: Any = None, ingest: Any = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.settings = settings
        self.agent = agent
        self.sink = sink
        self.ingest = ingest
        self.runner: web.AppRunner | None = None
        self.started_at = time.time()

    async def on_start(self) -> None:
        app = web.Application()
        app.router.add_get("/health", self.health)
        app.router.add_get("/metrics", self.metrics)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, self.settings.web_host, self.settings.web_port)
        await site.start()

    async def on_stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()

    async def health(self, request: web.Request) -> web.Response:
        consumer = getattr(self.agent.app, "consumer", None)
        assigned = sorted(f"{tp.topic}:{tp.partition}" for tp in consumer.assignment()) \
            if consumer is not None else []
        await self._update_lag(consumer)
        sink = None if self.sink is None else {
            "rows_written": self.sink.written, "last_write_at": self.sink.last_write_at,
            "failure": self.sink.failure,
        }
        body = {
            "status": "degraded" if sink and sink["failure"] else "ok",
            "sink": sink,
            "uptime_seconds": round(time.time() - self.started_at, 1),
            "owns_router_log": any(a.endswith("router-log:0") for a in assigned),
            "events_applied": self.agent.processed,
            "last_applied_at": self.agent.last_processed_at,
            "assigned_partitions": assigned,
            "ingest_partitions": self._ingest_partitions(),
            "ingested": None if self.ingest is None else self.ingest.ingested,
        }
        return web.json_response(body)

    def _ingest_partitions(self) -> list[str]:
        consumer = None if self.ingest is None else self.ingest.consumer
        if consumer is None:
            return []
        return sorted(f"{tp.topic}:{tp.partition}" for tp in consumer.assignment())

    async def metrics(self, request: web.Request) -> web.Response:
        consumer = getattr(self.agent.app, "consumer", None)
        await self._update_lag(consumer)
        return web.Response(body=metrics.render(),
                            headers={"Content-Type": "text/plain; version=0.0.4"})

    async def _update_lag(self, consumer: Any) -> None:
        if consumer is None:
            return
        for tp in consumer.assignment():
            try:
                position = await consumer.position(tp)
                highwater = consumer.highwater(tp)
            except Exception:
                continue
            if position is not None and highwater is not None:
                metrics.CONSUMER_LAG.labels(topic=tp.topic, partition=str(tp.partition)).set(
                    max(0, highwater - position)
                )
