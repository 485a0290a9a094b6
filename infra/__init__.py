"""Local infrastructure of the router: a single-node Apache Kafka (KRaft) and Postgres.

`router infra up` starts both under the stack dir (default ``<repo>/.stack``), applies
the SQL migrations and creates the fixed topics; `infra.stack` is the entry point for
code and tests, `infra.topics.ensure_topic` the one for per-office topics.
"""

from infra.errors import InfraError

__all__ = ["InfraError"]
