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
