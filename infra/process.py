"""Daemon processes of the stack: pid files, liveness, and stopping a process group."""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path


def read_pid(pid_file: Path) -> int | None:
    try:
        return int(pid_file.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def _reap(pid: int) -> None:
    """Collect our own exited child so it does not linger as a zombie."""
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)


def _task_states(pid: int) -> list[str]:
    """The scheduler state of every thread of `pid` (empty when it does not exist)."""
    states = []
    for stat in Path(f"/proc/{pid}/task").glob("*/stat"):
        with contextlib.suppress(OSError, IndexError):
            states.append(stat.read_text().rsplit(")", 1)[-1].split()[0])
    return states


def _cmdline(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return ""
    return raw.replace(b"\0", b" ").decode(errors="replace")


def pid_alive(pid: int, cmdline_marker: str | None = None) -> bool:
    """True while any thread of `pid` runs and, if given, its command line has the marker.

    Threads, not the process entry, decide: a JVM's main thread can be a zombie while
    its shutdown hooks still run (and still hold the data dir lock).
    """
    _reap(pid)
    if not any(state not in ("Z", "X") for state in _task_states(pid)):
        return False
    return cmdline_marker is None or cmdline_marker in _cmdline(pid)


def running_pid(pid_file: Path, cmdline_marker: str) -> int | None:
    """The pid recorded in `pid_file` if that process is still the one we started."""
    pid = read_pid(pid_file)
    if pid is not None and pid_alive(pid, cmdline_marker):
        return pid
    return None


def _signal_group(pid: int, sig: signal.Signals) -> None:
    try:
        os.killpg(os.getpgid(pid), sig)
    except ProcessLookupError:
        return
    except PermissionError:
        os.kill(pid, sig)


def wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not pid_alive(pid):
            return True
        time.sleep(0.1)
    return not pid_alive(pid)


def stop_process_group(pid: int, timeout: float = 30.0) -> bool:
    """SIGTERM the process group of `pid`, wait, then SIGKILL. True when it exited cleanly."""
    if not pid_alive(pid):
        return True
    _signal_group(pid, signal.SIGTERM)
    if wait_gone(pid, timeout):
        return True
    _signal_group(pid, signal.SIGKILL)
    wait_gone(pid, 10.0)
    return False


def log_tail(path: Path, lines: int = 30) -> str:
    """The last lines of a log file, or a note that it does not exist."""
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return f"(no log at {path})"
    return "\n".join(text.splitlines()[-lines:])
