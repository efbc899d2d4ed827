-- Connector health (issue #4): one row per pull of a source, written when it starts and completed when it
-- ends, so a pull that crashed or hangs shows as unfinished instead of vanishing.

CREATE TABLE connector_runs (
    run_id       VARCHAR PRIMARY KEY,        -- uuid
    source       VARCHAR NOT NULL,           -- the source's name in earshot.toml
    platform     VARCHAR NOT NULL,
    started_at   TIMESTAMPTZ NOT NULL,
    finished_at  TIMESTAMPTZ,                -- NULL: still running, or the process died
    fetched      BIGINT,                     -- messages the platform returned
    inserted     BIGINT,                     -- of those, new to the warehouse
    rejected     BIGINT,                     -- of those, not valid canonical messages
    error        VARCHAR,                    -- NULL on success; one line, never a secret
    cursor       VARCHAR,                    -- the cursor stored after this run
    newest_at    TIMESTAMPTZ,                -- the newest message the source had shown by then
    cursor_lag_s DOUBLE GENERATED ALWAYS AS (epoch(started_at - newest_at)) VIRTUAL
                                             -- how far behind the source's stream the pull was
);
CREATE INDEX connector_runs_source ON connector_runs (source, started_at);
