"""`router publish FILE`: validate citizens' requests locally, then publish the valid ones.

The loading machinery here (validate every row, report the refused ones with masked
national ids, show progress, publish, count) is shared by `router catalog load` and
`router licences load`. Exit codes: 0 all published, 1 some row refused (or Kafka
failed), 2 usage error (bad arguments, unreadable file or CSV header).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:  # `clients` is imported lazily: `router --help` must never need it
    from clients.batch import Accepted, Row, Stream

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2
CHUNK = 500


class Progress:
    """A text bar on a terminal; otherwise a line every `every` seconds (and at the end)."""

    def __init__(self, total: int, stream: TextIO, label: str, every: float = 2.0) -> None:
        self.total, self.stream, self.label, self.every = total, stream, label, every
        self.tty = stream.isatty()
        self._last = time.monotonic()
        self.done = 0

    def update(self, done: int) -> None:
        self.done = done
        if self.tty:
            filled = int(30 * done / self.total) if self.total else 30
            bar = "#" * filled + "." * (30 - filled)
            print(f"\r{self.label} [{bar}] {done}/{self.total}", end="", file=self.stream)
            if done >= self.total:
                print(file=self.stream)
        elif done >= self.total or time.monotonic() - self._last >= self.every:
            self._last = time.monotonic()
            print(f"{self.label}: {done}/{self.total}", file=self.stream)
        self.stream.flush()


def read_rows(path: Path, fmt: str, stream: Stream, producer: str) -> list[Row]:
    """All rows of the file, validated; raises `InputFileError` / `OSError`."""
    from clients.batch import read_jsonl, read_requests_csv

    if fmt == "csv":
        with path.open(encoding="utf-8", newline="") as handle:
            return list(read_requests_csv(handle, producer))
    with path.open("rb") as handle:
        return list(read_jsonl(handle, stream, producer))


def detect_format(path: Path, given: str | None) -> str:
    if given:
        return given
    return "csv" if path.suffix.lower() == ".csv" else "jsonl"


async def _publish(
    accepted: Sequence[Accepted], topic: str, producer: str, progress: Progress
) -> int:
    from clients.producer import EnvelopeProducer
    from infra.settings import load_settings

    settings = load_settings()
    sent = 0
    client_id = f"govroute-{producer}"
    async with EnvelopeProducer(
        settings.kafka_bootstrap, settings.topic_prefix, client_id=client_id
    ) as out:
        for start in range(0, len(accepted), CHUNK):
            chunk = accepted[start : start + CHUNK]
            sent += await out.send_many(topic, [(r.key, r.envelope) for r in chunk])
            progress.update(sent)
    return sent


def load_and_publish(
    rows: Sequence[Row], stream: Stream, producer: str, *, dry_run: bool, noun: str
) -> int:
    """Report refused rows, publish the accepted ones, print the counts; the exit code."""
    from clients.batch import Accepted, Refused
    from infra.aio import run_sync

    refused = [r for r in rows if isinstance(r, Refused)]
    accepted = [r for r in rows if isinstance(r, Accepted)]
    for row in refused:
        print(row.describe(), file=sys.stderr)
    if dry_run:
        print(f"dry run: {len(accepted)} {noun} valid, {len(refused)} refused; nothing published")
        return EXIT_REFUSED if refused else EXIT_OK
    published = 0
    if accepted:
        progress = Progress(len(accepted), sys.stderr, f"publishing to {stream.topic}")
        try:
            published = run_sync(_publish(accepted, stream.topic, producer, progress))
        except Exception as exc:
            problem = f"{type(exc).__name__}: {exc}"
            print(f"error: publishing to Kafka failed: {problem}", file=sys.stderr)
            unconfirmed = len(accepted) - progress.done
            print(f"published {progress.done}, refused {len(refused)}, unconfirmed {unconfirmed}")
            return EXIT_REFUSED
    print(f"published {published}, refused {len(refused)}")
    return EXIT_REFUSED if refused else EXIT_OK


def run_file_command(
    args: argparse.Namespace,
    stream: Stream,
    *,
    noun: str,
    reader: Callable[[Path, str, Stream, str], list[Row]] | None = None,
) -> int:
    """Read, validate and publish `args.file`; usage problems give exit code 2."""
    from clients.batch import InputFileError

    path = Path(args.file)
    fmt = detect_format(path, getattr(args, "format", None))
    try:
        rows = (reader or read_rows)(path, fmt, stream, args.producer)
    except (OSError, InputFileError, UnicodeDecodeError) as exc:
        print(f"error: cannot read {path}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    return load_and_publish(rows, stream, args.producer, dry_run=args.dry_run, noun=noun)


def add_file_arguments(parser: argparse.ArgumentParser, default_producer: str) -> None:
    parser.add_argument("file", help="the file to load")
    parser.add_argument(
        "--producer", default=default_producer, help=f"producer name (default {default_producer})"
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="validate and report only; publish nothing"
    )


def _publish_requests(args: argparse.Namespace) -> int:
    from clients.batch import REQUESTS

    return run_file_command(args, REQUESTS, noun="requests")


def register(subparsers: Any) -> None:
    """Add `router publish FILE ...`."""
    parser = subparsers.add_parser(
        "publish",
        help="validate citizens' requests from a file and publish them",
        description=(
            "Publish citizens' requests to the requests topic. JSONL: one request.submitted "
            "payload (or a full envelope) per line; CSV: header "
            "request_id,service_code,citizen_national_id,province,city,channel,"
            "preferred_office,submitted_at. Every row is validated first; refused rows are "
            "reported with line number and reason code. Exit 1 if any row was refused, "
            "2 on usage errors. Env: GOVROUTE_KAFKA_BOOTSTRAP, GOVROUTE_TOPIC_PREFIX."
        ),
    )
    add_file_arguments(parser, "intake-cli")
    parser.add_argument(
        "--format", choices=("jsonl", "csv"), help="input format (default: by file extension)"
    )
    parser.set_defaults(handler=_publish_requests)
