"""Who may do what on the secure profile: the ACL plan, a pure function of a principal.

Principals (SCRAM users) and what their ACLs allow (everything else is refused: the
broker runs with ``allow.everyone.if.no.acl.found=false``):

- ``router``: read, write, create, describe every topic named ``<prefix>.*`` and
  ``<app id>*`` (Faust's changelogs and assignor topic); its consumer groups and
  transactional ids ``<app id>*``; idempotent write. Never a super user.
- ``intake-<name>``: write (and describe) ``<prefix>.requests`` (submissions and
  cancellations), nothing else.
- ``office-<id>``: read ``<prefix>.office.<id>.assignments`` (literal) with group
  ``office-<id>``; write ``<prefix>.fulfilment``.
- ``agency-<a>``: read ``<prefix>.agency.<a>.inquiries`` (literal) with group
  ``agency-<a>``; write ``<prefix>.inquiry-results``.
- ``regulator``: write ``<prefix>.licences`` and ``<prefix>.catalog``.
- ``ops``: read the audit and input topics and every office / agency stream (replay,
  disputes); describe the router's groups (lag); its own groups ``ops-*``; no write.

Only the router is granted PREFIXED patterns on topics it owns; every outside principal
gets LITERAL topics, so office A's bindings can never name office B's stream.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntEnum

from contracts.topics import agency_inquiry_topic, office_topic, topic_name


class ResourceType(IntEnum):
    """Kafka's wire codes (org.apache.kafka.common.resource.ResourceType)."""

    TOPIC = 2
    GROUP = 3
    CLUSTER = 4
    TRANSACTIONAL_ID = 5


class PatternType(IntEnum):
    LITERAL = 3
    PREFIXED = 4


class Operation(IntEnum):
    """Kafka's wire codes (org.apache.kafka.common.acl.AclOperation)."""

    READ = 3
    WRITE = 4
    CREATE = 5
    DESCRIBE = 8
    IDEMPOTENT_WRITE = 12


ALLOW = 3  # AclPermissionType.ALLOW
ANY_HOST = "*"
CLUSTER_NAME = "kafka-cluster"

KINDS = ("router", "intake", "office", "agency", "regulator", "ops")
#: kinds with one principal each; the others are ``<kind>-<ident>``
SINGLETONS = ("router", "regulator", "ops")
_IDENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


@dataclass(frozen=True, order=True)
class AclBinding:
    """One ALLOW rule: `principal` may do `operation` on the resource pattern."""

    principal: str  # "User:<name>"
    resource_type: ResourceType
    resource_name: str
    pattern_type: PatternType
    operation: Operation

    def describe(self) -> str:
        return (
            f"{self.principal} {self.operation.name} {self.resource_type.name} "
            f"{self.pattern_type.name} {self.resource_name!r}"
        )


@dataclass(frozen=True)
class Principal:
    """A SCRAM user of the secure profile: its kind and, for families, its identifier."""

    kind: str
    ident: str = ""

    @property
    def name(self) -> str:
        return self.kind if self.kind in SINGLETONS else f"{self.kind}-{self.ident}"

    @classmethod
    def of(cls, kind: str, ident: str = "") -> Principal:
        """Validated: a known kind; an identifier exactly for the family kinds."""
        if kind not in KINDS:
            raise ValueError(f"unknown principal kind {kind!r} (one of {', '.join(KINDS)})")
        if kind in SINGLETONS:
            if ident:
                raise ValueError(f"principal {kind!r} takes no identifier")
            return cls(kind)
        if not _IDENT.match(ident):
            raise ValueError(
                f"{kind} needs an identifier of letters, digits, '-' or '_' (got {ident!r})"
            )
        return cls(kind, ident)

    @classmethod
    def parse(cls, name: str) -> Principal:
        """`office-GEN-00001` -> Principal("office", "GEN-00001"); `router` -> router."""
        if name in SINGLETONS:
            return cls(name)
        kind, sep, ident = name.partition("-")
        if not sep:
            raise ValueError(f"not a principal name: {name!r}")
        return cls.of(kind, ident)


def _allow(
    principal: Principal,
    resource_type: ResourceType,
    name: str,
    pattern: PatternType,
    *operations: Operation,
) -> list[AclBinding]:
    user = f"User:{principal.name}"
    return [AclBinding(user, resource_type, name, pattern, op) for op in operations]


def _literal_topics(principal: Principal, names: list[str], *ops: Operation) -> list[AclBinding]:
    return [b for n in names for b in _allow(principal, ResourceType.TOPIC, n, LIT, *ops)]


LIT, PRE = PatternType.LITERAL, PatternType.PREFIXED
R, W, C, D = Operation.READ, Operation.WRITE, Operation.CREATE, Operation.DESCRIBE
TOPIC, GROUP = ResourceType.TOPIC, ResourceType.GROUP

#: what ops may read (unprefixed names): the audit trail and the outside inputs
OPS_TOPICS = (
    "decisions", "request-state", "router-log", "deadletter", "requests", "fulfilment",
    "inquiry-results", "licences", "catalog",
)


def _router(p: Principal, prefix: str, app_id: str) -> list[AclBinding]:
    return [
        # the product topics, including each office's and agency's stream, which the
        # relay creates (CreateTopics) when an office's licence is first seen
        *_allow(p, TOPIC, f"{prefix}.", PRE, R, W, C, D),
        # Faust's table changelogs and assignor topic: "<app id>-<table>-changelog"
        *_allow(p, TOPIC, app_id, PRE, R, W, C, D),
        # groups: <app id> (Faust), -ingest, -relay, -pg-sink
        *_allow(p, GROUP, app_id, PRE, R, D),
        # transactional ids: Faust's "<app id>-<group>-<partition>", the relay's
        # "<app id>-relay-<outbox>"
        *_allow(p, ResourceType.TRANSACTIONAL_ID, app_id, PRE, W, D),
        *_allow(p, ResourceType.CLUSTER, CLUSTER_NAME, LIT, Operation.IDEMPOTENT_WRITE),
    ]


def plan(principal: Principal, prefix: str, app_id: str) -> list[AclBinding]:
    """The ALLOW bindings of one principal, for a topic prefix and the router's app id."""
    if not prefix or not app_id:
        raise ValueError("the secure profile needs a non-empty topic prefix and app id")
    p = principal

    def t(name: str) -> str:
        return topic_name(name, prefix)

    if p.kind == "router":
        bindings = _router(p, prefix, app_id)
    elif p.kind == "intake":
        bindings = _literal_topics(p, [t("requests")], W, D)
    elif p.kind == "office":
        bindings = [
            *_literal_topics(p, [office_topic(p.ident, prefix)], R, D),
            *_allow(p, GROUP, f"office-{p.ident}", LIT, R, D),
            *_literal_topics(p, [t("fulfilment")], W, D),
        ]
    elif p.kind == "agency":
        bindings = [
            *_literal_topics(p, [agency_inquiry_topic(p.ident, prefix)], R, D),
            *_allow(p, GROUP, f"agency-{p.ident}", LIT, R, D),
            *_literal_topics(p, [t("inquiry-results")], W, D),
        ]
    elif p.kind == "regulator":
        bindings = _literal_topics(p, [t("licences"), t("catalog")], W, D)
    elif p.kind == "ops":
        bindings = [
            *_literal_topics(p, [t(n) for n in OPS_TOPICS], R, D),
            *_allow(p, TOPIC, t("office."), PRE, R, D),
            *_allow(p, TOPIC, t("agency."), PRE, R, D),
            *_allow(p, GROUP, app_id, PRE, D),
            *_allow(p, GROUP, "ops-", PRE, R, D),
        ]
    else:  # pragma: no cover - Principal.of validates the kind
        raise ValueError(p.kind)
    return sorted(set(bindings))


def default_principals() -> list[Principal]:
    """Created by `router infra up --secure`; offices and agencies are added one by one."""
    return [
        Principal("router"),
        Principal("regulator"),
        Principal("ops"),
        Principal("intake", "portal"),
        Principal("intake", "counter"),
    ]
