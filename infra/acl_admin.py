"""CreateAcls and AlterUserScramCredentials over aiokafka's own connection.

aiokafka 0.14's admin client has neither call, and its protocol module only knows
CreateAcls v0-v1, which Kafka 4.x no longer accepts (KIP-896). The two requests are
small, so they are declared here with aiokafka's protocol types (flexible versions,
compact strings, tagged fields) and sent with `AIOKafkaClient.send`, which negotiates
the version and authenticates exactly like every other client: no JVM per call, no
extra jar. The schemas follow Kafka's CreateAclsRequest.json (v2-v3) and
AlterUserScramCredentialsRequest.json (v0).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import AsyncIterator, Iterable
from typing import Any

from aiokafka.client import AIOKafkaClient
from aiokafka.errors import for_code
from aiokafka.protocol.api import Request, RequestStruct, Response
from aiokafka.protocol.types import (
    CompactArray,
    CompactBytes,
    CompactString,
    Int8,
    Int16,
    Int32,
    Schema,
    TaggedFields,
)

from infra.acls import ALLOW, ANY_HOST, AclBinding
from infra.errors import InfraError

SCRAM_SHA_512 = 2  # ScramMechanism.SCRAM_SHA_512
SCRAM_ITERATIONS = 4096  # Kafka's minimum for SCRAM-SHA-512
_STR = CompactString("utf-8")


class CreateAclsResponse_v2(Response):  # type: ignore[misc]
    API_KEY = 30
    API_VERSION = 2
    SCHEMA = Schema(
        ("throttle_time_ms", Int32),
        (
            "results",
            CompactArray(("error_code", Int16), ("error_message", _STR), ("tags", TaggedFields)),
        ),
        ("tags", TaggedFields),
    )


class CreateAclsResponse_v3(CreateAclsResponse_v2):
    API_VERSION = 3


_CREATION = CompactArray(
    ("resource_type", Int8),
    ("resource_name", _STR),
    ("resource_pattern_type", Int8),
    ("principal", _STR),
    ("host", _STR),
    ("operation", Int8),
    ("permission_type", Int8),
    ("tags", TaggedFields),
)


class CreateAclsRequest_v2(RequestStruct):  # type: ignore[misc]
    FLEXIBLE_VERSION = True
    API_KEY = 30
    API_VERSION = 2
    RESPONSE_TYPE = CreateAclsResponse_v2
    SCHEMA = Schema(("creations", _CREATION), ("tags", TaggedFields))


class CreateAclsRequest_v3(CreateAclsRequest_v2):
    API_VERSION = 3  # v3 adds the USER resource type; the layout is v2's
    RESPONSE_TYPE = CreateAclsResponse_v3


class CreateAcls(Request[CreateAclsRequest_v2 | CreateAclsRequest_v3]):  # type: ignore[misc]
    API_KEY = 30

    def __init__(self, bindings: Iterable[AclBinding]) -> None:
        self._creations: list[tuple[Any, ...]] = [
            (
                int(b.resource_type), b.resource_name, int(b.pattern_type), b.principal,
                ANY_HOST, int(b.operation), ALLOW, {},
            )
            for b in bindings
        ]

    def build(self, request_struct_class: type[Any]) -> Any:
        return request_struct_class(self._creations, {})


class AlterUserScramCredentialsResponse_v0(Response):  # type: ignore[misc]
    API_KEY = 51
    API_VERSION = 0
    SCHEMA = Schema(
        ("throttle_time_ms", Int32),
        (
            "results",
            CompactArray(
                ("user", _STR),
                ("error_code", Int16),
                ("error_message", _STR),
                ("tags", TaggedFields),
            ),
        ),
        ("tags", TaggedFields),
    )


class AlterUserScramCredentialsRequest_v0(RequestStruct):  # type: ignore[misc]
    FLEXIBLE_VERSION = True
    API_KEY = 51
    API_VERSION = 0
    RESPONSE_TYPE = AlterUserScramCredentialsResponse_v0
    SCHEMA = Schema(
        ("deletions", CompactArray(("name", _STR), ("mechanism", Int8), ("tags", TaggedFields))),
        (
            "upsertions",
            CompactArray(
                ("name", _STR),
                ("mechanism", Int8),
                ("iterations", Int32),
                ("salt", CompactBytes),
                ("salted_password", CompactBytes),
                ("tags", TaggedFields),
            ),
        ),
        ("tags", TaggedFields),
    )


class AlterUserScramCredentials(Request[AlterUserScramCredentialsRequest_v0]):  # type: ignore[misc]
    API_KEY = 51

    def __init__(self, users: Iterable[tuple[str, str]]) -> None:
        self._upsertions = [_upsertion(name, password) for name, password in users]

    def build(self, request_struct_class: type[Any]) -> Any:
        return request_struct_class([], self._upsertions, {})


def salted_password(password: str, salt: bytes, iterations: int = SCRAM_ITERATIONS) -> bytes:
    """RFC 5802's SaltedPassword (Hi = PBKDF2-HMAC) for SCRAM-SHA-512, as Kafka stores it."""
    return hashlib.pbkdf2_hmac("sha512", password.encode(), salt, iterations)


def _upsertion(name: str, password: str) -> tuple[Any, ...]:
    salt = os.urandom(32)
    return (name, SCRAM_SHA_512, SCRAM_ITERATIONS, salt, salted_password(password, salt), {})


class AclAdmin:
    """Creates SCRAM users and ACLs on a (secure) broker, as a super user."""

    def __init__(self, client: AIOKafkaClient) -> None:
        self._client = client

    async def _send(self, request: Request[Any]) -> Any:
        return await self._client.send(self._client.get_random_node(), request)

    async def upsert_users(self, users: Iterable[tuple[str, str]]) -> None:
        """Create (or reset) SCRAM-SHA-512 credentials: (name, password) pairs."""
        users = list(users)
        if not users:
            return
        response = await self._send(AlterUserScramCredentials(users))
        failed = [
            f"{user}: {for_code(code).__name__} {message or ''}".strip()
            for user, code, message, _ in response.results
            if code != 0
        ]
        if failed:
            raise InfraError(f"cannot set SCRAM credentials: {'; '.join(failed)}")

    async def create_acls(self, bindings: Iterable[AclBinding]) -> int:
        """Create ALLOW bindings (an existing one is left as it is); how many were sent."""
        bindings = list(bindings)
        if not bindings:
            return 0
        response = await self._send(CreateAcls(bindings))
        failed = [
            f"{binding.describe()}: {for_code(code).__name__} {message or ''}".strip()
            for binding, (code, message, _) in zip(bindings, response.results, strict=True)
            if code != 0
        ]
        if failed:
            raise InfraError(f"cannot create ACLs: {'; '.join(failed)}")
        return len(bindings)


@contextlib.asynccontextmanager
async def acl_admin(bootstrap: str, security: dict[str, Any]) -> AsyncIterator[AclAdmin]:
    client = AIOKafkaClient(
        bootstrap_servers=bootstrap, client_id="govroute-infra", request_timeout_ms=15000,
        **security,
    )
    await client.bootstrap()
    try:
        yield AclAdmin(client)
    finally:
        await client.close()
