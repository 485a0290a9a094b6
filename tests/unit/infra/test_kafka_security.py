"""The secure profile's pure parts: env -> client kwargs, the ACL plan, the wire requests,
the credentials file and the broker configuration. No broker needed."""

from __future__ import annotations

import stat
from pathlib import Path

import faust
import pytest

from clients.kafka_security import KafkaSecurity, KafkaSecurityError, client_kwargs
from infra.acl_admin import (
    AlterUserScramCredentials,
    AlterUserScramCredentialsRequest_v0,
    CreateAcls,
    CreateAclsRequest_v3,
    salted_password,
)
from infra.acls import (
    AclBinding,
    Operation,
    PatternType,
    Principal,
    ResourceType,
    default_principals,
    plan,
)
from infra.credentials import CredentialStore
from infra.kafka import plain_profile, secure_profile, server_properties
from infra.settings import load_settings

SASL_ENV = {
    "GOVROUTE_KAFKA_SECURITY_PROTOCOL": "sasl_plaintext",
    "GOVROUTE_KAFKA_USERNAME": "office-GEN-00001",
    "GOVROUTE_KAFKA_PASSWORD": "s3cret",
}
PREFIX, APP = "govroute", "govroute-router"
OFFICES = ("GEN-1", "GEN-10", "GEN-00042", "AGY-tax-7", "X_1")


# -- env -> kwargs ------------------------------------------------------------------------


def test_no_security_variables_change_nothing() -> None:
    assert client_kwargs({}) == {}
    assert KafkaSecurity.from_env({}).faust_credentials() is None
    assert KafkaSecurity.from_env({"GOVROUTE_KAFKA_SECURITY_PROTOCOL": "PLAINTEXT"}) == \
        KafkaSecurity()


def test_sasl_variables_become_aiokafka_kwargs_and_faust_credentials() -> None:
    assert client_kwargs(SASL_ENV) == {
        "security_protocol": "SASL_PLAINTEXT",
        "sasl_mechanism": "SCRAM-SHA-512",
        "sasl_plain_username": "office-GEN-00001",
        "sasl_plain_password": "s3cret",
    }
    creds = KafkaSecurity.from_env(SASL_ENV).faust_credentials()
    assert isinstance(creds, faust.SASLCredentials)
    assert (creds.username, creds.password) == ("office-GEN-00001", "s3cret")
    assert creds.mechanism.value == "SCRAM-SHA-512"
    assert creds.protocol.value == "SASL_PLAINTEXT"


def test_the_password_is_never_in_a_repr_and_env_round_trips() -> None:
    security = KafkaSecurity.from_env(SASL_ENV)
    assert "s3cret" not in repr(security)
    assert KafkaSecurity.from_env(security.env()) == security


@pytest.mark.parametrize("env", [
    {"GOVROUTE_KAFKA_SECURITY_PROTOCOL": "SSL"},
    {**SASL_ENV, "GOVROUTE_KAFKA_SASL_MECHANISM": "GSSAPI"},
    {**SASL_ENV, "GOVROUTE_KAFKA_PASSWORD": ""},
    {"GOVROUTE_KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT"},
])
def test_an_unusable_configuration_is_refused_with_the_variable_named(env: dict[str, str]) -> None:
    with pytest.raises(KafkaSecurityError, match="GOVROUTE_KAFKA_"):
        KafkaSecurity.from_env(env)


# -- the ACL plan -------------------------------------------------------------------------


def _topics(bindings: list[AclBinding]) -> set[str]:
    return {b.resource_name for b in bindings if b.resource_type is ResourceType.TOPIC}


@pytest.mark.parametrize("office", OFFICES)
def test_an_office_is_granted_its_own_stream_literally_and_no_other(office: str) -> None:
    bindings = plan(Principal.of("office", office), PREFIX, APP)
    assert _topics(bindings) == {f"{PREFIX}.office.{office}.assignments", f"{PREFIX}.fulfilment"}
    for other in OFFICES:
        if other != office:
            assert not any(other in b.resource_name.split(".") for b in bindings)
            assert f"office-{other}" not in {b.resource_name for b in bindings}
    assert {b.pattern_type for b in bindings} == {PatternType.LITERAL}
    assert {(b.resource_name, b.operation) for b in bindings if b.operation is Operation.WRITE} \
        == {(f"{PREFIX}.fulfilment", Operation.WRITE)}
    reads = {b.resource_name for b in bindings if b.operation is Operation.READ}
    assert reads == {f"{PREFIX}.office.{office}.assignments", f"office-{office}"}
    assert {b.principal for b in bindings} == {f"User:office-{office}"}


def test_an_intake_only_writes_requests() -> None:
    bindings = plan(Principal.of("intake", "portal"), PREFIX, APP)
    assert {(b.resource_name, b.operation) for b in bindings} == {
        (f"{PREFIX}.requests", Operation.WRITE), (f"{PREFIX}.requests", Operation.DESCRIBE)}
    assert Operation.READ not in {b.operation for b in bindings}


def test_ops_reads_but_never_writes_or_creates() -> None:
    bindings = plan(Principal.of("ops"), PREFIX, APP)
    assert {b.operation for b in bindings} <= {Operation.READ, Operation.DESCRIBE}
    assert {f"{PREFIX}.decisions", f"{PREFIX}.request-state", f"{PREFIX}.router-log",
            f"{PREFIX}.deadletter", f"{PREFIX}.requests", f"{PREFIX}.fulfilment",
            f"{PREFIX}.office."} <= _topics(bindings)


def test_agency_and_regulator_write_only_their_own_topics() -> None:
    agency = plan(Principal.of("agency", "tax"), PREFIX, APP)
    assert {b.resource_name for b in agency if b.operation is Operation.WRITE} == {
        f"{PREFIX}.inquiry-results"}
    assert {b.resource_name for b in agency if b.operation is Operation.READ} == {
        f"{PREFIX}.agency.tax.inquiries", "agency-tax"}
    regulator = plan(Principal.of("regulator"), PREFIX, APP)
    assert {b.resource_name for b in regulator if b.operation is Operation.WRITE} == {
        f"{PREFIX}.licences", f"{PREFIX}.catalog"}
    assert Operation.READ not in {b.operation for b in regulator}


def test_the_router_is_scoped_by_prefixes_and_is_no_super_user() -> None:
    bindings = plan(Principal.of("router"), PREFIX, APP)
    prefixed = {(b.resource_type, b.resource_name) for b in bindings
                if b.pattern_type is PatternType.PREFIXED}
    assert prefixed == {
        (ResourceType.TOPIC, f"{PREFIX}."), (ResourceType.TOPIC, APP),
        (ResourceType.GROUP, APP), (ResourceType.TRANSACTIONAL_ID, APP),
    }
    cluster = {b.operation for b in bindings if b.resource_type is ResourceType.CLUSTER}
    assert cluster == {Operation.IDEMPOTENT_WRITE}
    topic_ops = {b.operation for b in bindings if b.resource_name == f"{PREFIX}."}
    assert topic_ops == {Operation.READ, Operation.WRITE, Operation.CREATE, Operation.DESCRIBE}


def test_only_the_router_and_ops_get_prefixed_topic_patterns() -> None:
    principals = [*default_principals(), Principal.of("office", "GEN-1"),
                  Principal.of("agency", "tax")]
    for principal in principals:
        prefixed = [b for b in plan(principal, PREFIX, APP)
                    if b.pattern_type is PatternType.PREFIXED
                    and b.resource_type is ResourceType.TOPIC]
        if principal.kind not in ("router", "ops"):
            assert prefixed == [], principal


@pytest.mark.parametrize(("kind", "ident"), [
    ("office", ""), ("office", "GEN 1"), ("office", "../x"), ("office", "a.b"),
    ("router", "x"), ("tenant", "x"),
])
def test_principal_names_are_validated(kind: str, ident: str) -> None:
    with pytest.raises(ValueError, match=r"identifier|unknown principal kind"):
        Principal.of(kind, ident)


def test_principal_names_parse_back() -> None:
    for principal in [*default_principals(), Principal.of("office", "GEN-00042")]:
        assert Principal.parse(principal.name) == principal
    assert Principal.parse("office-GEN-00042").ident == "GEN-00042"


def test_an_empty_prefix_is_refused() -> None:
    with pytest.raises(ValueError, match="prefix"):
        plan(Principal.of("router"), "", APP)


# -- the wire requests --------------------------------------------------------------------


def test_create_acls_encodes_a_flexible_v3_request_that_decodes_back() -> None:
    bindings = plan(Principal.of("office", "GEN-1"), PREFIX, APP)
    struct = CreateAcls(bindings).build(CreateAclsRequest_v3)
    decoded = CreateAclsRequest_v3.decode(struct.encode())
    assert [(c[0], c[1], c[2], c[3], c[4], c[5], c[6]) for c in decoded.creations] == [
        (int(b.resource_type), b.resource_name, int(b.pattern_type), b.principal, "*",
         int(b.operation), 3) for b in bindings]


def test_scram_upsertions_carry_a_salted_password_not_the_password() -> None:
    struct = AlterUserScramCredentials([("ops", "pw")]).build(
        AlterUserScramCredentialsRequest_v0)
    decoded = AlterUserScramCredentialsRequest_v0.decode(struct.encode())
    name, mechanism, iterations, salt, salted, _ = decoded.upsertions[0]
    assert (name, mechanism, iterations) == ("ops", 2, 4096)
    assert salted == salted_password("pw", salt)
    assert b"pw" not in salted
    assert len(salted) == 64  # SHA-512


# -- credentials and configuration --------------------------------------------------------


def test_credentials_are_generated_once_and_kept_mode_0600(tmp_path: Path) -> None:
    store = CredentialStore(tmp_path / "kafka-secure" / "credentials.json")
    first = store.ensure("router")
    assert store.ensure("router") == first
    assert len(first) >= 24
    assert store.ensure("ops") != first
    assert store.names() == ["ops", "router"]
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600


def test_secure_profile_has_its_own_dir_and_ports_and_a_deny_by_default_config(
        tmp_path: Path) -> None:
    settings = load_settings({"GOVROUTE_STACK_DIR": str(tmp_path),
                              "GOVROUTE_KAFKA_SECURE_PORT": "29094",
                              "GOVROUTE_KAFKA_SECURE_CONTROLLER_PORT": "29095"})
    prof = secure_profile(settings)
    assert prof.dir == tmp_path / "kafka-secure"
    assert prof.bootstrap == "127.0.0.1:29094"
    assert (load_settings({}).kafka_secure_port, load_settings({}).kafka_secure_controller_port) \
        == (19094, 19095)
    props = dict(line.split("=", 1) for line in
                 server_properties(prof, "adminpw").splitlines())
    assert props["listeners"] == \
        "SASL_PLAINTEXT://127.0.0.1:29094,CONTROLLER://127.0.0.1:29095"
    assert props["sasl.enabled.mechanisms"] == "SCRAM-SHA-512"
    assert props["authorizer.class.name"] == \
        "org.apache.kafka.metadata.authorizer.StandardAuthorizer"
    assert props["allow.everyone.if.no.acl.found"] == "false"
    assert props["super.users"] == "User:admin"
    assert props["log.dirs"] == str(tmp_path / "kafka-secure" / "data")
    plain = server_properties(plain_profile(settings))
    assert "sasl" not in plain
    assert "authorizer" not in plain
    assert "PLAINTEXT://127.0.0.1:19092" in plain
