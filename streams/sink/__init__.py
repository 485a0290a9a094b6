"""The Postgres record: an idempotent, restartable, batching sink of the router's topics."""
