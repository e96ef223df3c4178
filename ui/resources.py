"""Heavy objects built once per process, and turning domain errors into on-page messages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st

from assistant.assistant import Assistant
from assistant.errors import ScrutineerError
from assistant.settings import Settings, get_settings

T = TypeVar("T")


@st.cache_resource(show_spinner="Loading the library and the language model…")
def assistant_for(settings: Settings) -> Assistant:
    """The assistant for these settings; the model loads now, once, not on the first question."""
    assistant = Assistant(settings)
    assistant.warm_up()
    return assistant


def current_assistant() -> Assistant:
    """The assistant for the settings as they are now, or an on-page error and a stop."""
    return guarded(lambda: assistant_for(get_settings()))


def guarded(action: Callable[[], T]) -> T:
    """Run ``action``; a domain error becomes an st.error that says what to do, then stop."""
    try:
        return action()
    except ScrutineerError as exc:
        st.error(str(exc))
        st.stop()
    raise AssertionError("unreachable")  # pragma: no cover


def session(key: str, default: Any) -> Any:
    """A per-browser-session value, created on first use."""
    if key not in st.session_state:
        st.session_state[key] = default
    return st.session_state[key]
