"""For analysts: where to connect, the schema as it is now, the metric definitions, and SQL to start from."""
from __future__ import annotations

import streamlit as st

from dashboard import queries
from dashboard.analysts import DEFINITIONS, EXAMPLES
from pipelines.warehouse.dictionary import TABLES, describe

st.title("For analysts")
st.write("Connect to the read copy the pipeline publishes after every run; it never blocks the pipeline:")
st.code(f"duckdb -readonly {queries.read_copy()}", language="sh")

st.subheader("Metric definitions")
st.markdown(DEFINITIONS)

st.subheader("Example SQL")
for title, sql in EXAMPLES:
    with st.expander(title):
        st.code(sql, language="sql")   # the copy button is on the block

st.subheader("Tables and views")
schema = queries.schema()
relation = st.selectbox("Table or view", sorted(schema["table_name"].unique()), key="analysts_relation")
st.caption(TABLES.get(relation, ("",))[0])
columns = schema[schema["table_name"] == relation][["column_name", "data_type"]]
st.dataframe(columns.assign(meaning=[describe(relation, c) for c in columns["column_name"]]), hide_index=True,
             width="stretch")
