-- The durable, queryable record of what the router did.
-- Every row that comes from an event carries that event's id as its key, so the
-- sink can apply a batch twice and change nothing (idempotent by construction).

CREATE SCHEMA IF NOT EXISTS govroute;

-- Where the Postgres sink has got to in each topic partition: committed in the
-- same transaction as the rows, so a crash neither loses nor doubles a row.
CREATE TABLE IF NOT EXISTS govroute.sink_offsets (
    consumer     text    NOT NULL,
    topic        text    NOT NULL,
    partition    integer NOT NULL,
    next_offset  bigint  NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, topic, partition)
);

-- Offices and their licences, as projected from the regulator's licence events.
CREATE TABLE IF NOT EXISTS govroute.offices (
    office_id     text PRIMARY KEY,
    licence_id    text NOT NULL,
    kind          text NOT NULL CHECK (kind IN ('general', 'agency')),
    agency        text,
    province      text NOT NULL,
    city          text NOT NULL,
    capacity      integer NOT NULL CHECK (capacity > 0),
    status        text NOT NULL CHECK (status IN ('active', 'suspended', 'revoked')),
    valid_from    timestamptz NOT NULL,
    valid_to      timestamptz NOT NULL,
    scope         jsonb NOT NULL,
    last_event_id uuid NOT NULL,
    last_offset   bigint NOT NULL,
    updated_at    timestamptz NOT NULL
);

CREATE TABLE IF NOT EXISTS govroute.licence_events (
    event_id     uuid PRIMARY KEY,
    office_id    text NOT NULL,
    event_type   text NOT NULL,
    payload      jsonb NOT NULL,
    occurred_at  timestamptz NOT NULL,
    topic_offset bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS licence_events_office ON govroute.licence_events (office_id, topic_offset);

-- Requests: their current state (one row each) ...
CREATE TABLE IF NOT EXISTS govroute.requests (
    request_id     text PRIMARY KEY,
    service_code   text,
    province       text,
    city           text,
    channel        text,
    citizen_masked text,
    submitted_at   timestamptz,
    state          text NOT NULL,
    attempt        integer NOT NULL,
    office_id      text,
    reason         text,
    seq            integer NOT NULL,
    updated_at     timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS requests_office_state ON govroute.requests (office_id, state);
CREATE INDEX IF NOT EXISTS requests_state ON govroute.requests (state);

-- ... and the append-only history of every state change.
CREATE TABLE IF NOT EXISTS govroute.request_history (
    event_id       uuid PRIMARY KEY,
    request_id     text NOT NULL,
    seq            integer NOT NULL,
    from_state     text,
    to_state       text NOT NULL,
    attempt        integer NOT NULL,
    office_id      text,
    reason         text,
    cause_event_id uuid,
    at             timestamptz NOT NULL,
    recorded_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (request_id, seq)
);

-- Every routing decision (assigned or unroutable) with its explanation.
CREATE TABLE IF NOT EXISTS govroute.decisions (
    event_id        uuid PRIMARY KEY,
    request_id      text NOT NULL,
    attempt         integer NOT NULL,
    outcome         text NOT NULL CHECK (outcome IN ('assigned', 'unroutable')),
    assignment_id   text UNIQUE,
    office_id       text,
    office_kind     text,
    policy_version  text NOT NULL,
    inputs_digest   text NOT NULL,
    explanation     jsonb NOT NULL,
    decided_at      timestamptz NOT NULL,
    UNIQUE (request_id, attempt)
);
CREATE INDEX IF NOT EXISTS decisions_office ON govroute.decisions (office_id, decided_at);

CREATE OR REPLACE VIEW govroute.assignments AS
    SELECT assignment_id, request_id, attempt, office_id, office_kind, policy_version,
           inputs_digest, explanation, decided_at
      FROM govroute.decisions
     WHERE outcome = 'assigned';

-- Input that was refused, with its machine-readable reason.
CREATE TABLE IF NOT EXISTS govroute.dead_letters (
    event_id         uuid PRIMARY KEY,
    reason_code      text NOT NULL,
    message          text NOT NULL,
    source_topic     text,
    source_partition integer,
    source_offset    bigint,
    source_key       text,
    source_event_id  text,
    raw              text NOT NULL,
    raw_size         integer NOT NULL,
    raw_sha256       text NOT NULL,
    at               timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS dead_letters_reason ON govroute.dead_letters (reason_code, at);
