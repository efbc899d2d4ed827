-- Detection: an alerted incident that now reads as another kind of problem (alerted as a complaint, it is an
-- outage) logs `reclassified`, and the channels that heard of it are told. DuckDB cannot alter a CHECK
-- constraint: the table is re-created with the wider one, its rows copied over, in this migration's transaction.
CREATE TABLE incident_events_0010 (
    incident_id VARCHAR NOT NULL,
    event       VARCHAR NOT NULL CHECK (event IN ('opened', 'escalated', 'reclassified', 'resolved', 'withdrawn',
                                                  'reopened', 'merged')),
    event_at    TIMESTAMPTZ NOT NULL,
    severity    INTEGER NOT NULL,
    PRIMARY KEY (incident_id, event, event_at)
);
INSERT INTO incident_events_0010 SELECT incident_id, event, event_at, severity FROM incident_events;
DROP TABLE incident_events;
ALTER TABLE incident_events_0010 RENAME TO incident_events;
