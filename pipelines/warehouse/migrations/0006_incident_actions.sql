-- Incident status set by a person on the dashboard (issue #6): who, when, and a log of every change.
ALTER TABLE incidents ADD COLUMN status_by VARCHAR;     -- the person who set the status; NULL: the detector
ALTER TABLE incidents ADD COLUMN status_at TIMESTAMPTZ;

CREATE TABLE incident_actions (
    incident_id VARCHAR NOT NULL,
    acted_at    TIMESTAMPTZ NOT NULL,
    action      VARCHAR NOT NULL CHECK (action IN ('acknowledged', 'resolved', 'reopened')),
    actor       VARCHAR NOT NULL
);
