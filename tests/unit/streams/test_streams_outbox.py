"""The outbox record format: frames survive a round trip, in order; damage is refused."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from streams.outbox import (
    Frame,
    FrameKind,
    OutboxFormatError,
    deliver,
    open_topic,
    pack,
    unpack,
)

frames = st.lists(st.builds(
    Frame,
    st.sampled_from(FrameKind),
    st.text(min_size=1, max_size=80),
    st.binary(max_size=64),
    st.binary(max_size=2048),
), max_size=12)


@given(frames)
def test_frames_round_trip_in_order(original: list[Frame]) -> None:
    assert list(unpack(pack(original))) == original


def test_a_record_of_one_event_keeps_the_open_before_the_delivery() -> None:
    record = pack([
        open_topic("p.office.GEN-1.assignments"),
        deliver("p.office.GEN-1.assignments", b"R-1", b'{"a":1}'),
        deliver("p.decisions", b"R-1", b'{"d":2}'),
    ])
    kinds = [(f.kind, f.topic) for f in unpack(record)]
    assert kinds == [
        (FrameKind.OPEN_TOPIC, "p.office.GEN-1.assignments"),
        (FrameKind.DELIVER, "p.office.GEN-1.assignments"),
        (FrameKind.DELIVER, "p.decisions"),
    ]


def test_an_empty_record_holds_no_frames() -> None:
    assert list(unpack(b"")) == []


@pytest.mark.parametrize("cut", [1, 5, 11, 14])
def test_a_truncated_record_is_refused(cut: int) -> None:
    record = pack([deliver("p.decisions", b"R-1", b'{"d":2}')])
    with pytest.raises(OutboxFormatError, match="truncated"):
        list(unpack(record[:cut]))


def test_an_unknown_frame_kind_is_refused() -> None:
    record = bytearray(pack([deliver("t", b"k", b"v")]))
    record[0] = 7
    with pytest.raises(OutboxFormatError, match="unknown frame kind 7"):
        list(unpack(bytes(record)))


class _Record:
    """An outbox record as aiokafka hands it to the relay."""

    def __init__(self, value: bytes, headers: list[tuple[str, bytes]], key: bytes | None = None,
                 offset: int = 0) -> None:
        self.value, self.headers, self.key, self.offset = value, headers, key, offset


def test_the_relay_reads_both_record_layouts() -> None:
    from streams.relay import CONTROL, DESTINATION, OPEN_TOPIC, _frames

    framed = _Record(pack([open_topic("p.office.A.assignments"),
                           deliver("p.office.A.assignments", b"R-1", b"{}")]),
                     [("format", b"frames-1")])
    assert _frames(framed) == [open_topic("p.office.A.assignments"),
                               deliver("p.office.A.assignments", b"R-1", b"{}")]
    # written by a worker of the previous version: one output per record, in headers
    old = _Record(b'{"d":1}', [(DESTINATION, b"p.decisions")], key=b"R-2")
    assert _frames(old) == [deliver("p.decisions", b"R-2", b'{"d":1}')]
    control = _Record(b"", [(DESTINATION, b"p.office.B.assignments"), (CONTROL, OPEN_TOPIC)])
    assert _frames(control) == [open_topic("p.office.B.assignments")]


def test_a_record_with_neither_layout_is_refused_not_skipped() -> None:
    from streams.relay import _frames

    with pytest.raises(OutboxFormatError, match="offset 7"):
        _frames(_Record(b"x", [], offset=7))
