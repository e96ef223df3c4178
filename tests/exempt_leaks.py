"""Finding exempt-report secrets on public paths, and the fuzz run's report: every secret
token, file name and document id of the restricted variants is searched for at once, and
each hit is recorded with the variant's statement, layout family and format."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Any

from assistant.answers import Answer
from assistant.documents import Passage
from tests.exempt_variants import Variant

SHOWN = 15  # misses and leaks listed in an assertion message
WORD = re.compile(r"£\d[\d,]*\d|[\w.\-]*\w")  # figures, names, file names, document ids


class LeakFinder:
    """Searches texts for anything that belongs to a restricted variant."""

    def __init__(self, restricted: Iterable[Variant], doc_ids: dict[str, str],
                 stored: dict[str, str]) -> None:
        restricted = list(restricted)
        self.stored = stored
        self.hidden = {doc_ids[v.name]: v for v in restricted if v.name in doc_ids}
        self.owner = {token: v for v in restricted for token in (*v.secrets, v.name)}
        self.owner.update(self.hidden)
        odd = sorted((t for t in self.owner if not WORD.fullmatch(t)), key=len, reverse=True)
        self.odd = re.compile("|".join(map(re.escape, odd))) if odd else None
        self.found: dict[tuple[str, str], dict[str, Any]] = {}

    @property
    def leaks(self) -> list[dict[str, Any]]:
        """Each (path, token) once, with how often it was seen; leaks from documents stored
        above public (the access checks failed) before those of missed variants."""
        return sorted(self.found.values(), key=lambda leak: leak["stored"] == "public")

    def record(self, path: str, token: str) -> None:
        variant = self.owner[token]
        leak = self.found.setdefault((path, token), {
            "path": path, "token": token, **describe(variant),
            "stored": self.stored.get(variant.name, "absent"), "hits": 0})
        leak["hits"] += 1

    def scan(self, path: str, text: str, ignore: Collection[str] = ()) -> None:
        """Record every restricted token in ``text`` except those in ``ignore`` (the words of
        the question asked, which an abstention may echo)."""
        for token in sorted(self.tokens_in(text) - set(ignore)):
            self.record(path, token)

    def tokens_in(self, text: str) -> set[str]:
        """The restricted tokens in ``text``: its words looked up (fast whatever the number
        of variants), and any token that is not one word searched for as it is."""
        found = {w for w in WORD.findall(text) if w in self.owner}
        found |= {w.strip(".-") for w in WORD.findall(text) if w.strip(".-") in self.owner}
        return found | set(self.odd.findall(text) if self.odd else ())

    def scan_lines(self, path: str, text: str, asked: Iterable[Variant]) -> None:
        """Scan line by line, ignoring on each line the secrets named by a question it holds."""
        asked = list(asked)
        for line in text.splitlines():
            ignore = {t for v in asked if v.question in line for t in v.secrets
                      if t in v.question}
            self.scan(path, line, ignore)

    def check_ids(self, path: str, doc_ids: Iterable[str]) -> None:
        """Record every restricted document among ``doc_ids``."""
        for doc_id in sorted(set(doc_ids) & set(self.hidden)):
            self.record(path, doc_id)

    def check_passages(self, path: str, passages: Iterable[Passage]) -> None:
        """Passages shown: their documents, and everything they print."""
        passages = list(passages)
        self.check_ids(path, (p.document.doc_id for p in passages))
        for passage in passages:
            self.scan(path, "\n".join([passage.paragraph.text, passage.document.title,
                                       passage.document.file_name,
                                       *passage.paragraph.heading_path]))

    def check_answer(self, answer: Answer, variant: Variant) -> None:
        """An answer to a restricted variant's question: nothing of any restricted variant."""
        asked = [t for t in variant.secrets if t in variant.question]
        self.scan("ask: answer text", "\n".join([answer.text, answer.rewritten_question,
                                                 answer.searched]), asked)
        for citation in answer.citations:
            self.scan("ask: citation", f"{citation.text}\n{citation.quote}")
        self.check_passages("ask: citation passage", (c.passage for c in answer.citations))
        self.check_passages("ask: passages", answer.passages)
        self.check_passages("ask: related", answer.related)


def describe(variant: Variant) -> dict[str, str]:
    """What to show of a variant in a miss or leak."""
    return {"file": variant.name, "statement": variant.statement, "family": variant.family,
            "format": variant.format, "expected": variant.expected, "source": variant.source}


def counts(variants: Iterable[Variant], missed: Collection[str]) -> dict[str, dict[str, int]]:
    """Variants and misses per format x layout family x expected level."""
    table: dict[str, Counter[str]] = {}
    for v in variants:
        cell = table.setdefault(f"{v.format} {v.family} {v.expected}", Counter())
        cell["variants"] += 1
        cell["misses"] += v.name in missed
    return {key: dict(value) for key, value in sorted(table.items())}


def by(variants: Iterable[Variant], missed: Collection[str], field: str) -> dict[str, str]:
    """Misses out of variants along one field ("family", "format", "expected")."""
    table: dict[str, Counter[str]] = {}
    for v in variants:
        cell = table.setdefault(str(getattr(v, field)), Counter())
        cell["all"] += 1
        cell["missed"] += v.name in missed
    return {k: f"{c['missed']}/{c['all']}" for k, c in sorted(table.items())}


def write_report(path: Path, run: dict[str, Any], variants: list[Variant],
                 misses: list[dict[str, str]], leaks: list[dict[str, Any]]) -> dict[str, Any]:
    """tests/output/exempt_fuzz.json: the run, counts, every miss and every leak."""
    missed = {m["file"] for m in misses}
    report = {**run, "variants": len(variants), "misses": len(misses), "leaks": len(leaks),
              "missed_by_family": by(variants, missed, "family"),
              "missed_by_format": by(variants, missed, "format"),
              "missed_by_expected": by(variants, missed, "expected"),
              "leaks_from_stored_restricted": sum(leak["stored"] != "public" for leak in leaks),
              "leaks_by_path": dict(Counter(leak["path"] for leak in leaks)),
              "counts": counts(variants, missed), "miss_list": misses, "leak_list": leaks}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    return report


def failure_message(misses: list[dict[str, str]], leaks: list[dict[str, Any]],
                    report_path: Path) -> str:
    """The first misses and leaks, each with its statement, family and format."""
    enforced = [leak for leak in leaks if leak["stored"] != "public"]
    followed = Counter(leak["path"] for leak in leaks if leak["stored"] == "public")
    lines = [f"{len(misses)} misses; {len(enforced)} leaks from documents stored above public; "
             f"{sum(followed.values())} leaks of missed variants (all in {report_path})"]
    lines += [f"MISS {m['expected']} stored {m['stored']}: {m['statement']!r} "
              f"[{m['family']}, {m['format']}] {m['file']} <- {m['source']}"
              for m in misses[:SHOWN]]
    lines += [f"LEAK {leak['path']}: {leak['token']} of {leak['statement']!r} stored "
              f"{leak['stored']} [{leak['family']}, {leak['format']}] {leak['file']}"
              for leak in enforced[:SHOWN]]
    if followed:
        lines.append(f"missed variants' secrets were shown by: {dict(followed)}")
    return "\n".join(lines)
