"""Hand-written PDFs for hostile-input tests: uncompressed objects, so a test can put any
Unicode text on a page (through a ToUnicode map), any page tree, or any odd object in one."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass

CMAP_HEAD = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
             b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
             b"/CMapName /Fuzz-UCS def /CMapType 2 def\n"
             b"1 begincodespacerange <00> <FF> endcodespacerange\n")
CMAP_TAIL = b"endcmap CMapName currentdict /CMap defineresource pop end end\n"
SPARE_CODES = [*range(0x80, 0x100), *range(0x01, 0x20)]  # codes for characters beyond ASCII


@dataclass
class PdfSpec:
    """What to write: page contents (indexes into ``contents``), the font, and oddities."""

    contents: list[bytes]
    pages: list[int]  # for each page, the index of its content stream
    font: bytes = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    to_unicode: bytes = b""  # a CMap stream body, when the font needs one
    page_extra: bytes = b""  # inserted into every page dictionary
    count: int | None = None  # the page tree's /Count, when it should lie
    compress: bool = False


def _stream(body: bytes, compress: bool) -> bytes:
    if compress:
        body = zlib.compress(body, 9)
        return b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(body) + body + \
            b"\nendstream"
    return b"<< /Length %d >>\nstream\n" % len(body) + body + b"\nendstream"


def write_pdf(spec: PdfSpec) -> bytes:
    """A complete PDF with a correct cross-reference table."""
    first_content = 5
    first_page = first_content + len(spec.contents)
    kids = b" ".join(b"%d 0 R" % (first_page + i) for i in range(len(spec.pages)))
    count = len(spec.pages) if spec.count is None else spec.count
    font = spec.font if not spec.to_unicode else spec.font[:-2] + b" /ToUnicode 4 0 R >>"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % count,
               font, _stream(spec.to_unicode or b"", False)]
    objects += [_stream(body, spec.compress) for body in spec.contents]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font "
                b"<< /F1 3 0 R >> >> /Contents %d 0 R " % (first_content + c) + spec.page_extra
                + b">>" for c in spec.pages]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def text_content(lines: Sequence[bytes]) -> bytes:
    """A content stream showing each line (already encoded as font codes) below the last."""
    shown = b"".join(b"<" + line.hex().encode() + b"> Tj T*\n" for line in lines)
    return b"BT /F1 10 Tf 14 TL 40 800 Td\n" + shown + b"ET"


def _utf16_hex(char: str) -> bytes:
    return char.encode("utf-16-be").hex().upper().encode()


def encode_lines(lines: Sequence[str]) -> tuple[list[bytes], bytes]:
    """Lines of any Unicode text as one-byte font codes, and the ToUnicode map that reads
    them back: ASCII keeps its codes, other characters take spare ones (at most 159)."""
    codes: dict[str, int] = {}
    spare = iter(SPARE_CODES)
    encoded = []
    for line in lines:
        out = bytearray()
        for char in line:
            if char not in codes:
                codes[char] = ord(char) if 0x20 <= ord(char) < 0x7f else next(spare)
            out.append(codes[char])
        encoded.append(bytes(out))
    pairs = [b"<%02X> <%s>" % (code, _utf16_hex(char)) for char, code in codes.items()]
    blocks = [pairs[i:i + 100] for i in range(0, len(pairs), 100)]
    body = b"".join(b"%d beginbfchar\n" % len(block) + b"\n".join(block) + b"\nendbfchar\n"
                    for block in blocks)
    return encoded, CMAP_HEAD + body + CMAP_TAIL


def unicode_pdf(pages: Sequence[Sequence[str]], page_extra: bytes = b"") -> bytes:
    """A PDF whose pages show these lines of Unicode text, readable through ToUnicode."""
    every = [line for page in pages for line in page]
    encoded, cmap = encode_lines(every)
    contents, start = [], 0
    for page in pages:
        contents.append(text_content(encoded[start:start + len(page)]))
        start += len(page)
    return write_pdf(PdfSpec(contents, list(range(len(pages))), to_unicode=cmap,
                             page_extra=page_extra))


def ascii_pdf(pages: int, line: bytes = b"Page text for the committee report.",
              **oddities: object) -> bytes:
    """A PDF of ``pages`` pages that all show the same line (cheap even for thousands)."""
    return write_pdf(PdfSpec([text_content([line])], [0] * pages, **oddities))  # type: ignore[arg-type]
