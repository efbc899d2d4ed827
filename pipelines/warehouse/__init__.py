"""The DuckDB warehouse: connections, migrations, and the SQL that writes messages."""
