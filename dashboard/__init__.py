"""The Streamlit dashboard (read side): pages under pages/, every query in queries.py."""
