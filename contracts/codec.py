"""The Faust codec "orjson": envelopes and plain JSON values through orjson.

The only module of `contracts` that imports faust. Importing it registers the codec,
so agents and topics can say ``value_serializer="orjson"``. Decoding yields plain
JSON data; agents that must dead-letter bad input read raw bytes and call
`contracts.registry.parse_event` themselves.
"""

from __future__ import annotations

from typing import Any

import orjson
from faust.serializers import codecs

from contracts.envelope import Envelope
from contracts.registry import to_bytes

CODEC_NAME = "orjson"


class OrjsonCodec(codecs.Codec):
    """Envelopes are written with `to_bytes`; anything else orjson can encode, as is."""

    def _dumps(self, obj: Any) -> bytes:
        if isinstance(obj, Envelope):
            return to_bytes(obj)
        return orjson.dumps(obj)

    def _loads(self, s: bytes) -> Any:
        return orjson.loads(s)


codecs.register(CODEC_NAME, OrjsonCodec())
