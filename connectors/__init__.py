"""Sources of canonical messages: pure clients that know nothing of Dagster, DuckDB or Streamlit."""
