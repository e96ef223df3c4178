"""The Streamlit app: chat, library and evaluation pages (`scrutineer ui`)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

PAGES = Path(__file__).parent / "views"  # not pages/: Streamlit would list that folder itself

st.set_page_config(page_title="Scrutineer", page_icon="📑", layout="wide")
navigation = st.navigation([
    st.Page(PAGES / "chat.py", title="Ask", icon="💬", default=True),
    st.Page(PAGES / "library.py", title="Library", icon="📚"),
    st.Page(PAGES / "evaluation.py", title="Evaluation", icon="📊"),
])
navigation.run()
