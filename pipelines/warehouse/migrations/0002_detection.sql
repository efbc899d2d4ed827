-- Detection (issue #3): what the care team needs beside CONTRACT's incident columns, the lifecycle log
-- that alerts are sent from, and the detector's state between ticks.

ALTER TABLE incidents ADD COLUMN langs VARCHAR[];
ALTER TABLE incidents ADD COLUMN platforms VARCHAR[];
ALTER TABLE incidents ADD COLUMN kind_cues JSON;        -- share of messages with each kind's cues, and the cues
ALTER TABLE incidents ADD COLUMN alerted_at TIMESTAMPTZ; -- event time its kind first became alertable
ALTER TABLE incidents ADD COLUMN merged_into VARCHAR;    -- set when found to be a duplicate of another
ALTER TABLE incidents ADD COLUMN updated_at TIMESTAMPTZ;

-- opened, escalated, resolved, reopened, merged: one row each, in event time.
CREATE TABLE incident_events (
    incident_id VARCHAR NOT NULL,
    event       VARCHAR NOT NULL CHECK (event IN ('opened', 'escalated', 'resolved', 'reopened', 'merged')),
    event_at    TIMESTAMPTZ NOT NULL,
    severity    INTEGER NOT NULL,
    PRIMARY KEY (incident_id, event, event_at)
);

-- The detector's whole state after the last processed window (term baselines, recent posts, open
-- incidents), so each tick continues exactly where the last one stopped.
CREATE TABLE detector_state (
    name             VARCHAR PRIMARY KEY,
    version          INTEGER NOT NULL,
    window_end       TIMESTAMPTZ NOT NULL,  -- event time processed so far
    ingested_through TIMESTAMPTZ,           -- messages ingested later than this are new to the detector
    state            BLOB NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL
);
