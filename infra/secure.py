"""The secure profile's principals: SCRAM users, their ACLs, and how to act as one.

`provision()` (run by `router infra up --secure`) gives each default principal a
generated password (kept in ``credentials.json``, mode 0600), creates its SCRAM-SHA-512
credential through the Admin API (AlterUserScramCredentials) and its ACLs (CreateAcls,
from the pure plan in `infra.acls`). Both calls are idempotent, so every `up --secure`
re-applies them. `add_principal()` does the same for one office, agency or intake later.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Iterable
from typing import Any

from clients.kafka_security import KafkaSecurity
from infra.acl_admin import acl_admin
from infra.acls import Principal, default_principals, plan
from infra.aio import run_sync
from infra.credentials import ADMIN
from infra.errors import InfraError
from infra.kafka import BrokerProfile, broker_pid

Echo = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


async def _apply(prof: BrokerProfile, principals: Iterable[Principal]) -> int:
    principals = list(principals)
    store, settings = prof.credentials, prof.settings
    users = [(p.name, store.ensure(p.name)) for p in principals]
    bindings = [b for p in principals for b in plan(p, settings.topic_prefix, settings.app_id)]
    async with acl_admin(prof.bootstrap, prof.admin_kwargs()) as admin:
        await admin.upsert_users(users)
        return await admin.create_acls(bindings)


def provision(
    prof: BrokerProfile, principals: Iterable[Principal] | None = None, echo: Echo = _quiet
) -> list[str]:
    """Users and ACLs for `principals` (default: router, regulator, ops, two intakes)
    plus every principal already in the credentials file; their names."""
    wanted = {p.name: p for p in (principals or default_principals())}
    for name in prof.credentials.names():
        if name != ADMIN:
            wanted.setdefault(name, Principal.parse(name))
    count = run_sync(_apply(prof, wanted.values()))
    names = sorted(wanted)
    echo(f"principals: {', '.join(names)} ({count} ACL bindings, SCRAM-SHA-512)")
    return names


def add_principal(prof: BrokerProfile, kind: str, ident: str = "") -> Principal:
    """Create one principal (password, SCRAM user, ACLs) on the running secure broker."""
    try:
        principal = Principal.of(kind, ident)
    except ValueError as exc:
        raise InfraError(str(exc)) from None
    if broker_pid(prof) is None:
        raise InfraError("the secure broker is not running (router infra up --secure)")
    run_sync(_apply(prof, [principal]))
    return principal


def principal_env(prof: BrokerProfile, name: str) -> dict[str, str]:
    """The environment under which the product's clients act as principal `name`."""
    security = KafkaSecurity.scram(name, prof.credentials.password(name))
    env = {
        "GOVROUTE_KAFKA_BOOTSTRAP": prof.bootstrap,
        "GOVROUTE_TOPIC_PREFIX": prof.settings.topic_prefix,
        **security.env(),
    }
    if name == "router":  # its groups and transactional ids are granted by app id
        env["GOVROUTE_APP_ID"] = prof.settings.app_id
    return env


def export_lines(env: dict[str, str]) -> str:
    return "".join(f"export {key}={shlex.quote(value)}\n" for key, value in env.items())


def principals_status(prof: BrokerProfile) -> dict[str, Any]:
    """Names only: passwords stay in the file."""
    return {
        "credentials": str(prof.credentials.path),
        "principals": [n for n in prof.credentials.names() if n != ADMIN],
    }
