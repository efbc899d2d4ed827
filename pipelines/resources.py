"""Dagster resources: the warehouse and the settings, both resolved from the environment."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from pipelines.config import Settings, load_settings
from pipelines.warehouse.connection import connect, publish_read_copy


class Warehouse(dg.ConfigurableResource):
    """The DuckDB file. Connections are short-lived and retry while another process holds the lock."""

    db_path: str
    config_path: str = ""

    @property
    def path(self) -> Path:
        return Path(self.db_path)

    def settings(self) -> Settings:
        return load_settings(self.config_path or None)

    @contextmanager
    def connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with connect(self.path) as con:
            yield con

    def publish_read_copy(self) -> Path:
        with connect(self.path) as con:
            return publish_read_copy(con, self.path)
