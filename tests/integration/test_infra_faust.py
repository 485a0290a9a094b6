"""A minimal faust-streaming worker runs against the real broker (exactly-once)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from infra.topics import admin_client, ensure_topic

APP_SOURCE = textwrap.dedent(
    """
    import os

    import faust

    app = faust.App(
        os.environ["APP_ID"],
        broker="kafka://" + os.environ["BOOTSTRAP"],
        processing_guarantee="exactly_once",
        store="memory://",
        topic_replication_factor=1,
        topic_partitions=1,
        web_enabled=False,
    )
    source = app.topic(os.environ["SOURCE"], value_type=bytes, value_serializer="raw")
    sink = app.topic(os.environ["SINK"], value_type=bytes, value_serializer="raw")
    seen = app.Table("seen", default=int, partitions=1)


    @app.agent(source)
    async def process(stream):
        async for key, value in stream.items():
            seen[key] += 1
            await sink.send(key=key, value=b"processed:" + value)
    """
)


def _start_worker(tmp_path: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    (tmp_path / "probe_app.py").write_text(APP_SOURCE)
    log = (tmp_path / "worker.log").open("wb")
    cmd = [sys.executable, "-m", "faust", "-A", "probe_app", "worker", "-l", "info"]
    return subprocess.Popen(
        [*cmd, "--without-web"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(tmp_path), **env},
        stdout=log,
        stderr=subprocess.STDOUT,
    )


async def _group_joined(bootstrap: str, group: str) -> bool:
    async with admin_client(bootstrap) as admin:
        groups = await admin.list_consumer_groups()
    return any(g[0] == group for g in groups)


async def test_faust_worker_processes_one_message(
    kafka_bootstrap: str, unique: str, tmp_path: Path
) -> None:
    app_id, source, sink = (
        f"test-app-{unique}",
        f"test.faust-in.{unique}",
        f"test.faust-out.{unique}",
    )
    await ensure_topic(source, 1, bootstrap=kafka_bootstrap)
    await ensure_topic(sink, 1, bootstrap=kafka_bootstrap)
    env = {"APP_ID": app_id, "BOOTSTRAP": kafka_bootstrap, "SOURCE": source, "SINK": sink}
    worker = _start_worker(tmp_path, env)
    try:
        producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
        await producer.start()
        await producer.send_and_wait(source, b"hello", key=b"r1")
        await producer.stop()
        reader = AIOKafkaConsumer(
            sink,
            bootstrap_servers=kafka_bootstrap,
            auto_offset_reset="earliest",
            isolation_level="read_committed",
        )
        await reader.start()
        try:
            record = await asyncio.wait_for(reader.getone(), 90)
        finally:
            await reader.stop()
        assert (record.key, record.value) == (b"r1", b"processed:hello")
        assert await _group_joined(kafka_bootstrap, app_id)
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            code = worker.wait(60)
        except subprocess.TimeoutExpired:
            worker.kill()
            code = worker.wait()
    log = (tmp_path / "worker.log").read_text(errors="replace")
    assert code == 0, log[-3000:]
