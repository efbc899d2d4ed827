-- The landing zone (issue #7): every file a pull landed that the loader has taken, so none loads twice.
CREATE TABLE landed_files (
    path       VARCHAR PRIMARY KEY,   -- relative to the landing directory: source=<name>/<start>-<run id>.parquet
    source     VARCHAR NOT NULL,
    run_id     VARCHAR,               -- the pull, as in connector_runs
    landed_by  VARCHAR,               -- host:pid of the process that pulled
    messages   BIGINT,                -- in the file
    inserted   BIGINT,                -- of those, new to the warehouse
    loaded_at  TIMESTAMPTZ NOT NULL,
    error      VARCHAR                -- not loadable, and why: kept in the landing zone, skipped from then on
);
