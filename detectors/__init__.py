"""Pure NLP functions: language, terms, bursts, clusters, kinds, severity. No I/O, no Dagster, no DuckDB."""
