"""Understand: what a question asks once its conversation is taken into account: the
standalone question, the kind of answer wanted, the filters it states, and the names it
mentions (with those no paragraph in the library knows)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from assistant.answers import Filters
from assistant.conversation import Turn, rewrite
from assistant.documents import Document
from assistant.lexical import tokenize
from assistant.query import Intent, intent, stated_filters


@dataclass(frozen=True)
class Understanding:
    """A question as the later stages see it."""

    question: str  # as asked (cleaned)
    standalone: str  # rewritten from the conversation when it leans on it; else the question
    intent: Intent
    filters: Filters  # what narrows the search: those given, then those the question states
    stated: Filters = field(default_factory=Filters)  # narrowing filters read from the question
    preferences: Filters = field(default_factory=Filters)  # what it states that only boosts
    unknown: tuple[str, ...] = ()  # names the question mentions that no paragraph mentions

    @property
    def names(self) -> tuple[str, ...]:
        """The names the question mentions ("Norfolk", "Op Sceptre")."""
        return self.intent.names

    @property
    def precedent(self) -> bool:
        """Whether every occasion is wanted (a timeline), not one answer."""
        return self.intent.kind == "precedent"


def understand(question: str, history: Sequence[Turn], filters: Filters | None,
               documents: Sequence[Document], knows: Callable[[str], bool],
               precedent: bool = False) -> Understanding:
    """The Understanding of a cleaned question. ``documents`` resolve the filters it states
    ("in Suffolk", "the Safe City update"); ``knows`` tells whether a term is in the library;
    ``precedent`` asks for every occasion whatever the question's wording."""
    standalone = rewrite(question, history)
    certain, preferred = stated_filters(standalone, documents)
    wanted = intent(standalone)
    if precedent:
        wanted = Intent("precedent", wanted.years, wanted.names)
    return Understanding(question, standalone, wanted, (filters or Filters()).merged(certain),
                         certain, preferred, unknown=unknown_names(wanted.names, knows))


def unknown_names(names: Sequence[str], knows: Callable[[str], bool]) -> tuple[str, ...]:
    """The names with a word (of four letters or more) that no paragraph in the library
    holds: "Operation Nightjar" when only Operation Sceptre is there."""
    return tuple(n for n in names if any(
        len(word) >= 4 and (terms := tokenize(word)) and not any(knows(t) for t in terms)
        for word in re.findall(r"[A-Za-z][\w'’\-]*", n)))
