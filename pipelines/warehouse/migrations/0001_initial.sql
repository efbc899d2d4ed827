-- Earshot schema, version 1. Names and columns of CONTRACT section 4; more columns may follow in later
-- migrations, never fewer. Timestamps are TIMESTAMPTZ.

CREATE TABLE messages (
    platform         VARCHAR NOT NULL,
    id               VARCHAR NOT NULL,
    kind             VARCHAR NOT NULL CHECK (kind IN ('mention', 'dm', 'comment', 'post')),
    direction        VARCHAR NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    author_id        VARCHAR NOT NULL,
    author_handle    VARCHAR,
    created_at       TIMESTAMPTZ NOT NULL,
    text             VARCHAR NOT NULL,
    in_reply_to_id   VARCHAR,
    conversation_id  VARCHAR,
    lang             VARCHAR,          -- BCP 47 from the platform, else detected (see lang_source)
    lang_source      VARCHAR,          -- 'platform' or 'detected'; NULL when no language could be told
    url              VARCHAR,
    account          VARCHAR,          -- the configured source (brand account) it came through
    extra            JSON,             -- unknown fields of the canonical record, kept verbatim
    conversation_key VARCHAR,          -- CONTRACT 4 "Conversations"; maintained by every write
    ingested_at      TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ,      -- last time an import changed this row's content
    PRIMARY KEY (platform, id)
);

CREATE TABLE rejected_messages (
    source      VARCHAR NOT NULL,      -- file path, 'stdin', or a connector's source name
    line_no     BIGINT,
    reason      VARCHAR NOT NULL,
    raw         VARCHAR,
    rejected_at TIMESTAMPTZ NOT NULL
);

-- Where each source's incremental pull stands. Advanced in the same transaction as the messages it
-- covers, so a crash never skips or duplicates.
CREATE TABLE source_cursors (
    source     VARCHAR PRIMARY KEY,
    cursor     VARCHAR NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

-- Settings the views need (SLA target, ...), written from earshot.toml on every run.
CREATE TABLE settings (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);

-- Business-hours intervals in UTC, with the business seconds before each, so that business time between
-- two instants is B(end) - B(start) via two ASOF joins.
CREATE TABLE business_calendar (
    open_at           TIMESTAMPTZ NOT NULL PRIMARY KEY,
    close_at          TIMESTAMPTZ NOT NULL,
    business_s_before DOUBLE NOT NULL
);

CREATE TABLE incidents (
    incident_id      VARCHAR PRIMARY KEY,
    kind             VARCHAR NOT NULL CHECK (kind IN ('outage', 'scam', 'complaint', 'other')),
    status           VARCHAR NOT NULL CHECK (status IN ('open', 'acknowledged', 'resolved')),
    title            VARCHAR NOT NULL,
    severity         INTEGER NOT NULL,
    lang             VARCHAR,
    terms            VARCHAR[] NOT NULL,
    first_message_at TIMESTAMPTZ NOT NULL,
    detected_at      TIMESTAMPTZ NOT NULL,
    last_message_at  TIMESTAMPTZ NOT NULL,
    message_count    INTEGER NOT NULL,
    author_count     INTEGER NOT NULL
);

CREATE TABLE incident_messages (
    incident_id VARCHAR NOT NULL,
    platform    VARCHAR NOT NULL,
    message_id  VARCHAR NOT NULL,
    PRIMARY KEY (incident_id, platform, message_id)
);

CREATE TABLE notices (
    notice_id    VARCHAR PRIMARY KEY,
    incident_id  VARCHAR NOT NULL,
    platform     VARCHAR NOT NULL,
    lang         VARCHAR,
    text         VARCHAR NOT NULL,
    status       VARCHAR NOT NULL CHECK (status IN ('draft', 'approved', 'published', 'rejected', 'failed')),
    created_at   TIMESTAMPTZ NOT NULL,
    approved_at  TIMESTAMPTZ,
    published_at TIMESTAMPTZ,
    external_id  VARCHAR
);
