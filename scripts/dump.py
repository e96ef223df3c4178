"""Print how a file parses: metadata, parts, and every paragraph (for eyeballing the parser)."""

import sys
from pathlib import Path

from ingest.parse import parse_file

for name in sys.argv[1:]:
    parsed = parse_file(Path(name))
    doc = parsed.document
    print(f"== {doc.file_name}\n   title: {doc.title}\n   meta: {doc.meta}\n   parts: {doc.parts}")
    print(f"   pages: {doc.pages} image-only: {doc.image_only_pages} paragraphs: {len(parsed.paragraphs)}")
    for p in parsed.paragraphs:
        head = " > ".join(p.heading_path)
        part = f" [{p.part}/{p.parts}]" if p.parts > 1 else ""
        print(f"-- {p.kind} label={p.label!r}{part} page={p.page} part_title={p.part_title!r}\n   path: {head}")
        print("   " + p.text[:400].replace("\n", "\n   "))
