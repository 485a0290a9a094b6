"""Router worker subprocesses for the demo: start, wait until ready, watch, stop."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from infra.settings import REPO_ROOT


class DemoError(Exception):
    """The demo cannot go on; the message says why (and what to look at)."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Worker:
    name: str
    process: subprocess.Popen[bytes]
    web_port: int
    log: Path

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        if not self.alive():
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def log_tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    async def health(self) -> dict[str, Any]:
        reader, writer = await asyncio.open_connection("127.0.0.1", self.web_port)
        writer.write(b"GET /health HTTP/1.0\r\nHost: x\r\n\r\n")
        data = await reader.read()
        writer.close()
        return dict(orjson.loads(data.split(b"\r\n\r\n", 1)[1]))


def start_worker(name: str, run_dir: Path, env: dict[str, str]) -> Worker:
    """A supervised `router worker` in its own session (so it can be stopped with its
    children): a worker that exits for a restart (streams/watchdog.py) is started again."""
    port = free_port()
    log = run_dir / f"{name}.log"
    environment = {
        **os.environ,
        **env,
        "GOVROUTE_CLOCK": "manual",
        "GOVROUTE_WEB_PORT": str(port),
        "GOVROUTE_DATA_DIR": str(run_dir / f"data-{name}"),
        "GOVROUTE_LOG_FORMAT": "json",
        "GOVROUTE_LOG_LEVEL": "warning",
        "PYTHONUNBUFFERED": "1",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "worker", "--supervise", "--loglevel", "warn"],
        cwd=REPO_ROOT, env=environment, stdout=log.open("wb"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return Worker(name, process, port, log)


def check_alive(workers: list[Worker]) -> None:
    for worker in workers:
        if not worker.alive():
            raise DemoError(
                f"worker {worker.name} exited with code {worker.process.returncode}; "
                f"its log ({worker.log}) ends:\n{worker.log_tail()}"
            )


async def wait_ready(workers: list[Worker], timeout: float = 90) -> None:
    """Until every worker answers /health and one of them owns the router log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        check_alive(workers)
        owners = 0
        answered = 0
        for worker in workers:
            try:
                health = await worker.health()
            except (OSError, ValueError, IndexError):
                continue
            answered += 1
            owners += bool(health.get("owns_router_log"))
        if answered == len(workers) and owners == 1:
            return
        await asyncio.sleep(0.3)
    tails = "\n".join(f"--- {w.name} ---\n{w.log_tail()}" for w in workers)
    raise DemoError(f"workers not ready within {timeout:.0f}s:\n{tails}")
