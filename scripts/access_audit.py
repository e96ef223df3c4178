"""How every file under the folders given would be classified at ingest: its access level, the
classification as printed, any doubt, and paragraphs that state a level of their own.

    python scripts/access_audit.py ../shared/corpus/kent ../shared/corpus/councils/docs
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from assistant.errors import ExtractionError
from assistant.exemption import carried_level
from ingest.formats import SUPPORTED_SUFFIXES
from ingest.parse import parse_file


def audit(folder: Path) -> Counter[str]:
    """Print one line per file that is not plainly public, and return the counts of levels."""
    counts: Counter[str] = Counter()
    for path in sorted(p for p in folder.rglob("*") if p.suffix.lower() in SUPPORTED_SUFFIXES):
        try:
            parsed = parse_file(path)
        except ExtractionError as exc:
            counts["failed"] += 1
            print(f"FAILED  {path.name}: {exc.reason}")
            continue
        meta = parsed.document.meta
        counts[meta.access] += 1
        marked = [p for p in parsed.paragraphs
                  if carried_level(p.text) != "public" or p.access != "public"]
        counts["paragraphs marked"] += len(marked)
        if meta.access != "public" or parsed.notes or marked:
            print(f"{meta.access:12} {path.name}: {meta.classification!r} {list(parsed.notes)}")
            for paragraph in marked[:3]:
                print(f"             paragraph {paragraph.label}: {paragraph.text[:120]!r}")
    return counts


if __name__ == "__main__":
    for name in sys.argv[1:]:
        print(f"{name}: {dict(audit(Path(name)))}")
