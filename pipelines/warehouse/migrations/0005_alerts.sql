-- Alerts (issue #5): what the care team was told about each incident, on which channel, and every
-- delivery attempt. One row per (incident lifecycle event, channel): the primary key is what makes an
-- alert never go out twice.

CREATE TABLE alerts (
    alert_id        VARCHAR PRIMARY KEY,   -- incident:event:unix seconds of event_at:channel
    incident_id     VARCHAR NOT NULL,
    event           VARCHAR NOT NULL,      -- opened, escalated, resolved, reopened (incident_events)
    event_at        TIMESTAMPTZ NOT NULL,
    severity        INTEGER NOT NULL,
    channel         VARCHAR NOT NULL,      -- the configured channel's name
    status          VARCHAR NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'suppressed')),
    reason          VARCHAR,               -- why suppressed, or the last delivery error
    attempts        INTEGER NOT NULL DEFAULT 0,
    created_at      TIMESTAMPTZ NOT NULL,
    next_attempt_at TIMESTAMPTZ,           -- pending: not before this (backoff after a failed delivery)
    sent_at         TIMESTAMPTZ
);
CREATE INDEX alerts_incident ON alerts (incident_id, channel);

CREATE TABLE alert_attempts (
    alert_id     VARCHAR NOT NULL,
    attempted_at TIMESTAMPTZ NOT NULL,
    ok           BOOLEAN NOT NULL,
    error        VARCHAR
);
