-- The router's own schema; tables arrive in later migrations (0002+).
CREATE SCHEMA IF NOT EXISTS govroute;
