"""Earshot's wiring: Dagster definitions, the DuckDB warehouse, configuration and the CLI."""
