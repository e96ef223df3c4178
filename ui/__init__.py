"""User-facing edges: the `scrutineer` command line (and, later, the Streamlit app)."""
