"""The router outbox's record format: every output of one router-log event in one record.

The route agent used to write one outbox record per output (about four per request);
each went through Faust's send path, its transaction bookkeeping and the app's own
consumer of the outbox, and that per-record cost was the worker's largest. Now each
applied event writes ONE record holding its frames, in order; the relay unpacks them.

A frame is ``kind (1 byte) | topic length (2) | key length (4) | value length (4)``
followed by the topic, key and value bytes, big-endian. ``DELIVER`` frames go to
their topic as they are; ``OPEN_TOPIC`` frames ask the relay to create their topic
(an office's or an agency's own stream) and deliver nothing. A record carries the
``format`` header so that the relay can still read the older one-output-per-record
layout (``destination`` header) left in an outbox by a worker of a previous version.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import IntEnum

FORMAT = "format"
FRAMES_V1 = b"frames-1"

_HEAD = struct.Struct(">BHII")


class FrameKind(IntEnum):
    DELIVER = 0
    OPEN_TOPIC = 1


@dataclass(frozen=True)
class Frame:
    kind: FrameKind
    topic: str
    key: bytes
    value: bytes


class OutboxFormatError(ValueError):
    """An outbox record that does not hold well-formed frames."""


def deliver(topic: str, key: bytes, value: bytes) -> Frame:
    return Frame(FrameKind.DELIVER, topic, key, value)


def open_topic(topic: str) -> Frame:
    return Frame(FrameKind.OPEN_TOPIC, topic, b"", b"")


def pack(frames: Iterable[Frame]) -> bytes:
    parts: list[bytes] = []
    for frame in frames:
        topic = frame.topic.encode()
        parts.append(_HEAD.pack(frame.kind, len(topic), len(frame.key), len(frame.value)))
        parts += (topic, frame.key, frame.value)
    return b"".join(parts)


def unpack(record: bytes) -> Iterator[Frame]:
    view, at, end = memoryview(record), 0, len(record)
    while at < end:
        if end - at < _HEAD.size:
            raise OutboxFormatError(f"truncated frame header at byte {at}")
        kind, topic_len, key_len, value_len = _HEAD.unpack_from(view, at)
        at += _HEAD.size
        if end - at < topic_len + key_len + value_len:
            raise OutboxFormatError(f"truncated frame body at byte {at}")
        try:
            frame_kind = FrameKind(kind)
        except ValueError:
            raise OutboxFormatError(f"unknown frame kind {kind} at byte {at}") from None
        topic = bytes(view[at:at + topic_len]).decode()
        at += topic_len
        key = bytes(view[at:at + key_len])
        at += key_len
        value = bytes(view[at:at + value_len])
        at += value_len
        yield Frame(frame_kind, topic, key, value)
