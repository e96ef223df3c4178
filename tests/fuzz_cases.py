"""Seeded hostile inputs for the fuzz suite: real PDFs damaged (truncated, bytes flipped,
cross-reference dropped), hand-built PDFs with deep nesting, huge page trees, enormous lines,
invisible, control and right-to-left characters and odd font encodings, and text, Markdown and
Word variants. Case ``i`` depends only on the seed and ``i``, so any failure can be replayed."""

from __future__ import annotations

import io
import random
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from tests.pdf_builder import PdfSpec, ascii_pdf, text_content, unicode_pdf, write_pdf

SEED = 20250521
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"
CONTROLS = [chr(c) for c in [*range(1, 9), 0x0b, *range(0x0e, 0x20), 0x7f, *range(0x80, 0xa0)]]
RTL_WORDS = ["שלום", "מועצה", "תקציב", "مرحبا", "المجلس", "ميزانية", "۱۲۳", "١٢٣"]
BIDI = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c"
ENCODINGS = ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-8-sig", "cp1252", "latin-1",
             "shift_jis", "gb18030", "koi8_r", "cp437", "mac_roman", "utf-7", "big5"]
FONT_ENCODINGS = [b"/WinAnsiEncoding", b"/MacRomanEncoding", b"/StandardEncoding",
                  b"/NoSuchEncoding", b"<< /Type /Encoding /Differences [128 /Euro /bogus "
                  b"/quotedblleft 200 /.notdef] >>", b"<< /BaseEncoding /Nonsense >>", b"42"]
WORDS = ("council", "partnership", "budget", "report", "crime", "safety", "community",
         "officers", "scrutiny", "committee", "recommendation", "funding", "strategy")


@dataclass(frozen=True)
class Seeds:
    """What the mutators start from: real PDFs, Markdown sources and a Word document."""

    pdfs: tuple[bytes, ...]
    texts: tuple[str, ...]
    docx: bytes


@dataclass(frozen=True)
class Case:
    """One hostile file."""

    index: int
    kind: str
    suffix: str
    data: bytes

    @property
    def name(self) -> str:
        return f"{self.index:05d}-{self.kind}{self.suffix}"


def load_seeds(kent: Path, samples: Path, sources: Path, smallest: int = 8) -> Seeds:
    """The smallest Kent PDFs (when the shared corpus is present) and the bundled samples."""
    kent_pdfs = sorted(kent.rglob("*.pdf"), key=lambda p: p.stat().st_size)[:smallest] \
        if kent.is_dir() else []
    pdfs = [*kent_pdfs, *sorted(samples.glob("*.pdf"))]
    texts = tuple(p.read_text() for p in sorted(sources.glob("*.md")))
    return Seeds(tuple(p.read_bytes() for p in pdfs), texts, _docx(texts[0]))


def _docx(markdown: str) -> bytes:
    import docx

    document = docx.Document()
    for line in markdown.splitlines():
        if line.startswith("#"):
            document.add_heading(line.lstrip("# "), level=line.count("#"))
        elif line.strip():
            document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _lines(rng: random.Random, seeds: Seeds, count: int = 30) -> list[str]:
    lines = [line for line in rng.choice(seeds.texts).splitlines() if line.strip()]
    return lines[:count]


def _sprinkle(rng: random.Random, text: str, chars: str | list[str], rate: float) -> str:
    return "".join(ch + (rng.choice(chars) if rng.random() < rate else "") for ch in text)


def _rtl(rng: random.Random, text: str) -> str:
    words = text.split(" ")
    for i in range(len(words)):
        if rng.random() < 0.3:
            words[i] = rng.choice(BIDI) + rng.choice(RTL_WORDS) + rng.choice(BIDI + " ")
    return " ".join(words)


def _odd_text(rng: random.Random, seeds: Seeds, kind: str) -> str:
    text = "\n".join(_lines(rng, seeds, 60))
    if kind == "zero_width":
        return _sprinkle(rng, text, ZERO_WIDTH, rng.choice([0.02, 0.2, 1.0]))
    if kind == "control":
        return _sprinkle(rng, text, CONTROLS, rng.choice([0.005, 0.05, 0.3]))
    return _rtl(rng, text)


def _flip(rng: random.Random, data: bytes, most: int = 64) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, most)):
        out[rng.randrange(len(out))] ^= rng.randint(1, 255)
    return bytes(out)


def pdf_truncate(rng: random.Random, seeds: Seeds) -> tuple[str, bytes]:
    data = rng.choice(seeds.pdfs)
    cut = data[:rng.randrange(1, len(data))]
    return ".pdf", cut + (b"\n%%EOF\n" if rng.random() < 0.6 else b"")


def pdf_flip(rng: random.Random, seeds: Seeds) -> tuple[str, bytes]:
    return ".pdf", _flip(rng, rng.choice(seeds.pdfs))


def pdf_drop_xref(rng: random.Random, seeds: Seeds) -> tuple[str, bytes]:
    data = rng.choice(seeds.pdfs)
    at = data.rfind(b"startxref")
    offset = int(data[at + 9:].split()[0])
    variant = rng.randrange(4)
    if variant == 0:  # no startxref at all
        return ".pdf", data[:at] + b"%%EOF\n"
    if variant == 1:  # startxref points somewhere else
        return ".pdf", data[:at] + b"startxref\n%d\n%%%%EOF\n" % rng.randrange(len(data) * 2)
    if variant == 2:  # the table or stream itself cut out
        return ".pdf", data[:offset] + data[offset + rng.randint(10, 4000):]
    return ".pdf", data[:offset] + b"%%EOF\n"  # everything from the table on dropped


def _nest(rng: random.Random, depth: int) -> bytes:
    opening, closing = rng.choice([(b"[", b"]"), (b"<< /A ", b" >>"), (b"[<< /B [", b"] >>]")])
    return opening * depth + closing * depth


def pdf_deep_nesting(rng: random.Random, seeds: Seeds) -> tuple[str, bytes]:
    depth = rng.choice([64, 900, 5_000, 50_000])
    lines = _lines(rng, seeds)
    if rng.random() < 0.5:
        return ".pdf", unicode_pdf([lines], page_extra=b"/Junk " + _nest(rng, depth) + b" ")
    encoded = [line.encode("latin-1", "replace") for line in lines]
    body = b"q " * depth + text_content(encoded) + b" Q" * depth
    return ".pdf", write_pdf(PdfSpec([body], [0]))


def pdf_huge_pages(rng: random.Random, seeds: Seeds) -> tuple[str, bytes]:
    variant = rng.randrange(3)
    if variant == 0:
        return ".pdf", ascii_pdf(rng.choice([2_001, 2_500, 6_000, 20_000]), line=b"1.1 Text.")
    if variant == 1:  # a page tree whose /Count lies
        return ".pdf", ascii_pdf(rng.randint(1, 3), count=rng.choice([10**9, -1, 0, 2**31]))
    pages = rng.choice([60, 300])  # many pages under the limit, each its own
    contents = [text_content([b"%d.1 Paragraph %d on the budget." % (n, n)]) for n in range(pages)]
    return ".pdf", write_pdf(PdfSpec(contents, list(range(pages))))


def _words(rng: random.Random, chars: int) -> str:
    if rng.random() < 0.2:
        return rng.choice("ax.-") * chars  # no spaces at all
    return " ".join(rng.choice(WORDS) for _ in range(chars // 8))


def pdf_long_line(rng: random.Random, seeds: Seeds) -> tuple[str, bytes]:
    return ".pdf", unicode_pdf([[_words(rng, rng.choice([5_000, 30_000, 120_000]))]])


def _odd_pdf(kind: str) -> Callable[[random.Random, Seeds], tuple[str, bytes]]:
    def mutate(rng: random.Random, seeds: Seeds) -> tuple[str, bytes]:
        lines = _odd_text(rng, seeds, kind).splitlines()
        lines = [line.replace("\r", " ") for line in lines if line]
        return ".pdf", unicode_pdf([lines[:30], lines[30:]] if len(lines) > 30 else [lines])
    return mutate


def pdf_font_encoding(rng: random.Random, seeds: Seeds) -> tuple[str, bytes]:
    lines = [line + " £5 €10 “quoted” café" for line in _lines(rng, seeds)]
    encoded = [line.encode("cp1252", "replace") for line in lines]
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding " + \
        rng.choice(FONT_ENCODINGS) + b" >>"
    return ".pdf", write_pdf(PdfSpec([text_content(encoded)], [0], font=font))


@cache
def _spaces_pdf(megabytes: int) -> bytes:
    return write_pdf(PdfSpec([b"  " * (megabytes * 512 * 1024)], [0], compress=True))


def pdf_bomb(rng: random.Random, seeds: Seeds) -> tuple[str, bytes]:
    return ".pdf", _spaces_pdf(rng.choice([8, 100]))  # a stream that inflates 1000-fold


def _text_suffix(rng: random.Random) -> str:
    return rng.choice([".txt", ".md"])


def _odd_text_file(kind: str) -> Callable[[random.Random, Seeds], tuple[str, bytes]]:
    def mutate(rng: random.Random, seeds: Seeds) -> tuple[str, bytes]:
        return _text_suffix(rng), _odd_text(rng, seeds, kind).encode("utf-8")
    return mutate


def text_encoding(rng: random.Random, seeds: Seeds) -> tuple[str, bytes]:
    text = "\n".join(_lines(rng, seeds)) + "\nThe budget is £5m (€6m), a “modest” café rise.\n"
    return _text_suffix(rng), text.encode(rng.choice(ENCODINGS), "replace")


def text_long_line(rng: random.Random, seeds: Seeds) -> tuple[str, bytes]:
    return _text_suffix(rng), _words(rng, rng.choice([20_000, 200_000, 1_000_000])).encode()


def text_flip(rng: random.Random, seeds: Seeds) -> tuple[str, bytes]:
    return _text_suffix(rng), _flip(rng, "\n".join(_lines(rng, seeds)).encode(), 200)


def text_many_pages(rng: random.Random, seeds: Seeds) -> tuple[str, bytes]:
    lines, pages = _lines(rng, seeds, 60), rng.choice([100, 1_000, 8_000])
    return ".txt", "\f".join(f"{n}. {lines[n % len(lines)]}" for n in range(pages)).encode()


def markdown_nesting(rng: random.Random, seeds: Seeds) -> tuple[str, bytes]:
    depth = rng.choice([20, 300, 3_000])
    pattern = rng.choice(["> " * depth + "quoted text", "#" * depth + " heading",
                          "\n".join("  " * i + f"- item {i}" for i in range(depth)),
                          "\n".join(f"{'.'.join(['1'] * (i % 40 + 1))} para" for i in
                                    range(depth)), "[" * depth + "link" + "](x)" * depth])
    return ".md", pattern.encode()


def docx_damage(rng: random.Random, seeds: Seeds) -> tuple[str, bytes]:
    if rng.random() < 0.5:
        return ".docx", seeds.docx[:rng.randrange(1, len(seeds.docx))]
    return ".docx", _flip(rng, seeds.docx, 16)


def _with_document_xml(docx: bytes, xml: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            body = xml if item.filename == "word/document.xml" else source.read(item)
            target.writestr(item, body, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;")
                                                 * 10) for i in range(1, 10))
          + b']><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/'
          b'main"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>')


@cache
def _docx_bomb(seed_docx: bytes, megabytes: int) -> bytes:
    """A Word document whose text inflates to ``megabytes`` (written in blocks)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(seed_docx)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != "word/document.xml":
                target.writestr(item, source.read(item), compress_type=zipfile.ZIP_DEFLATED)
        with target.open("word/document.xml", "w", force_zip64=True) as xml:
            xml.write(b'<w:document xmlns:w="http://schemas.openxmlformats.org/'
                      b'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>')
            for _ in range(megabytes):
                xml.write(b" " * 1024 * 1024)
            xml.write(b"</w:t></w:r></w:p></w:body></w:document>")
    return out.getvalue()


def docx_xml(rng: random.Random, seeds: Seeds) -> tuple[str, bytes]:
    variant = rng.randrange(3)
    if variant == 0:
        return ".docx", _with_document_xml(seeds.docx, LAUGHS)
    if variant == 1:
        depth = rng.choice([300, 5_000])
        nested = b"<w:sdt><w:sdtContent>" * depth + b"</w:sdtContent></w:sdt>" * depth
        xml = (b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/'
               b'main"><w:body>' + nested + b"</w:body></w:document>")
        return ".docx", _with_document_xml(seeds.docx, xml)
    return ".docx", _docx_bomb(seeds.docx, rng.choice([64, 600]))


MUTATORS: dict[str, Callable[[random.Random, Seeds], tuple[str, bytes]]] = {
    "pdf_truncate": pdf_truncate, "pdf_flip": pdf_flip, "pdf_drop_xref": pdf_drop_xref,
    "pdf_deep_nesting": pdf_deep_nesting, "pdf_huge_pages": pdf_huge_pages,
    "pdf_long_line": pdf_long_line, "pdf_zero_width": _odd_pdf("zero_width"),
    "pdf_control": _odd_pdf("control"), "pdf_rtl": _odd_pdf("rtl"),
    "pdf_font_encoding": pdf_font_encoding, "pdf_bomb": pdf_bomb,
    "text_zero_width": _odd_text_file("zero_width"), "text_control": _odd_text_file("control"),
    "text_rtl": _odd_text_file("rtl"), "text_encoding": text_encoding,
    "text_long_line": text_long_line, "text_flip": text_flip,
    "text_many_pages": text_many_pages, "markdown_nesting": markdown_nesting,
    "docx_damage": docx_damage, "docx_xml": docx_xml,
}
RARE = {"pdf_bomb": 0.25, "docx_xml": 0.5}  # costly kinds, drawn less often


def case(index: int, seeds: Seeds, kinds: tuple[str, ...] = tuple(MUTATORS)) -> Case:
    """The ``index``-th case: kinds in turn (the costly ones skipped some turns)."""
    rng = random.Random(f"{SEED}-{index}")
    kind = kinds[index % len(kinds)]
    if rng.random() > RARE.get(kind, 1.0):
        kind = "pdf_flip" if kind.startswith("pdf") else "docx_damage"
    suffix, data = MUTATORS[kind](rng, seeds)
    return Case(index, kind, suffix, data)


def write_cases(folder: Path, count: int, seeds: Seeds,
                kinds: tuple[str, ...] = tuple(MUTATORS)) -> dict[Path, str]:
    """Write ``count`` cases into ``folder``; each file's path and kind."""
    written = {}
    for index in range(count):
        made = case(index, seeds, kinds)
        path = folder / made.name
        path.write_bytes(made.data)
        written[path] = made.kind
    return written
