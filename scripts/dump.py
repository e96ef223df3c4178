"""Print how files parse: metadata, parts and every paragraph (for eyeballing the parser).

Usage: python scripts/dump.py FILE...
"""

import sys
from pathlib import Path

from ingest.parse import parse_file


def show(name: str) -> None:
    parsed = parse_file(Path(name))
    doc = parsed.document
    print(f"== {doc.file_name}\n   title: {doc.title}\n   meta: {doc.meta}\n   parts: {doc.parts}")
    print(f"   pages: {doc.pages} image-only: {doc.image_only_pages} "
          f"paragraphs: {len(parsed.paragraphs)}")
    for p in parsed.paragraphs:
        part = f" [{p.part}/{p.parts}]" if p.parts > 1 else ""
        print(f"-- {p.kind} label={p.label!r}{part} page={p.page} part_title={p.part_title!r}")
        print(f"   path: {' > '.join(p.heading_path)}")
        print("   " + p.text[:400].replace("\n", "\n   "))


if __name__ == "__main__":
    for argument in sys.argv[1:]:
        show(argument)
