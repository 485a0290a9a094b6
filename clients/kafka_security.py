"""How every Kafka client of the product authenticates: one place, read from the environment.

| variable | default | meaning |
| --- | --- | --- |
| `GOVROUTE_KAFKA_SECURITY_PROTOCOL` | `PLAINTEXT` | `PLAINTEXT` or `SASL_PLAINTEXT` |
| `GOVROUTE_KAFKA_SASL_MECHANISM` | `SCRAM-SHA-512` | `SCRAM-SHA-512`, `SCRAM-SHA-256` or `PLAIN` |
| `GOVROUTE_KAFKA_USERNAME` / `GOVROUTE_KAFKA_PASSWORD` | (none) | the principal's credentials |

With nothing set, `client_kwargs()` is empty, so every client behaves exactly as it
does without this module. `router infra principal env NAME` prints these variables for
a principal of the local secure profile. Producers, consumers and admin clients (aiokafka)
take `**client_kwargs()`; the Faust app takes `faust_credentials()` as its
`broker_credentials`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

PROTOCOLS = ("PLAINTEXT", "SASL_PLAINTEXT")
MECHANISMS = ("SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN")
DEFAULT_MECHANISM = "SCRAM-SHA-512"

ENV_PROTOCOL = "GOVROUTE_KAFKA_SECURITY_PROTOCOL"
ENV_MECHANISM = "GOVROUTE_KAFKA_SASL_MECHANISM"
ENV_USERNAME = "GOVROUTE_KAFKA_USERNAME"
ENV_PASSWORD = "GOVROUTE_KAFKA_PASSWORD"


class KafkaSecurityError(ValueError):
    """The security variables do not describe a usable configuration."""


@dataclass(frozen=True)
class KafkaSecurity:
    """A client's security settings; `repr` never shows the password."""

    protocol: str = "PLAINTEXT"
    mechanism: str = DEFAULT_MECHANISM
    username: str = ""
    password: str = field(default="", repr=False)

    def __post_init__(self) -> None:
        if self.protocol not in PROTOCOLS:
            raise KafkaSecurityError(
                f"{ENV_PROTOCOL} must be one of {', '.join(PROTOCOLS)}, got {self.protocol!r}"
            )
        if self.mechanism not in MECHANISMS:
            raise KafkaSecurityError(
                f"{ENV_MECHANISM} must be one of {', '.join(MECHANISMS)}, got {self.mechanism!r}"
            )
        if self.sasl and not (self.username and self.password):
            raise KafkaSecurityError(
                f"{ENV_PROTOCOL}={self.protocol} needs {ENV_USERNAME} and {ENV_PASSWORD}"
            )

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> KafkaSecurity:
        env = os.environ if env is None else env
        return cls(
            protocol=env.get(ENV_PROTOCOL, "").strip().upper() or "PLAINTEXT",
            mechanism=env.get(ENV_MECHANISM, "").strip().upper() or DEFAULT_MECHANISM,
            username=env.get(ENV_USERNAME, "").strip(),
            password=env.get(ENV_PASSWORD, ""),
        )

    @classmethod
    def scram(cls, username: str, password: str) -> KafkaSecurity:
        """SASL_PLAINTEXT with SCRAM-SHA-512: how the local secure profile is reached."""
        return cls("SASL_PLAINTEXT", DEFAULT_MECHANISM, username, password)

    @property
    def sasl(self) -> bool:
        return self.protocol == "SASL_PLAINTEXT"

    def client_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for aiokafka producers, consumers and admin clients."""
        if not self.sasl:
            return {}
        return {
            "security_protocol": self.protocol,
            "sasl_mechanism": self.mechanism,
            "sasl_plain_username": self.username,
            "sasl_plain_password": self.password,
        }

    def faust_credentials(self) -> Any:
        """`faust.SASLCredentials` for `faust.App(broker_credentials=...)`, or None."""
        if not self.sasl:
            return None
        import faust  # only the worker needs Faust; embedded clients must not import it

        return faust.SASLCredentials(
            username=self.username, password=self.password, mechanism=self.mechanism
        )

    def env(self) -> dict[str, str]:
        """The variables that reproduce these settings in another process."""
        if not self.sasl:
            return {ENV_PROTOCOL: self.protocol}
        return {
            ENV_PROTOCOL: self.protocol,
            ENV_MECHANISM: self.mechanism,
            ENV_USERNAME: self.username,
            ENV_PASSWORD: self.password,
        }


def client_kwargs(env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """aiokafka security kwargs from the environment (empty for PLAINTEXT)."""
    return KafkaSecurity.from_env(env).client_kwargs()


def faust_credentials(env: Mapping[str, str] | None = None) -> Any:
    """Faust `broker_credentials` from the environment (None for PLAINTEXT)."""
    return KafkaSecurity.from_env(env).faust_credentials()
