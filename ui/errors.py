"""Domain errors turned into one-line command-line messages (they already say what to do)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

import click

from assistant.errors import ScrutineerError


def domain_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn domain errors into one-line messages (they already say what to do next)."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ScrutineerError as exc:
            raise click.ClickException(str(exc)) from exc

    return wrapper
