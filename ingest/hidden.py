"""Text a reader of a PDF page cannot see: invisible render modes, type under 1 pt, type off
the page, and white type with nothing drawn beneath it. It is removed from a copy of the page
before the page's text is extracted, so hidden words never reach the library.

The rules are conservative: invisible text on a page that shows an image is an OCR layer and
stays; white text stays on any page that draws images, shadings or forms (what lies beneath it
cannot be judged) and wherever a filled shape that is not white was drawn beneath it (white
headings on dark table headers). Anything the rules cannot read is left as it is."""

from __future__ import annotations

import logging
import math
from collections import Counter
from dataclasses import dataclass, replace
from typing import Any

log = logging.getLogger(__name__)

Matrix = tuple[float, float, float, float, float, float]
Box = tuple[float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
SHOW = (b"Tj", b"TJ", b"'", b'"')
FILL = (b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*")
PAINT = (*FILL, b"S", b"s", b"n")
BENEATH_UNKNOWN = (b"Do", b"INLINE IMAGE", b"sh")  # images, forms, shadings
INVISIBLE_MODES = (3, 7)  # neither fill nor stroke (7 only clips)
MIN_POINTS = 1.0
WHITE = 0.95
COMPONENTS = {"/DeviceGray": 1, "/CalGray": 1, "/DeviceRGB": 3, "/CalRGB": 3, "/DeviceCMYK": 4}


def _mul(m: Matrix, n: Matrix) -> Matrix:
    a, b, c, d, e, f = m
    p, q, r, s, t, u = n
    return (a * p + b * r, a * q + b * s, c * p + d * r, c * q + d * s,
            e * p + f * r + t, e * q + f * s + u)


def _numbers(operands: list[Any]) -> list[float]:
    return [float(x) for x in operands]


def _matrix(operands: list[Any]) -> Matrix:
    a, b, c, d, e, f = _numbers(operands)
    return (a, b, c, d, e, f)


def _white(values: list[float], components: int | None) -> bool | None:
    """Whether a fill colour is white: None when the colour space is not one we can read."""
    if components is None or len(values) != components:
        return None
    if components == 4:
        return all(v <= 1 - WHITE for v in values)
    return all(v >= WHITE for v in values)


@dataclass(frozen=True)
class GraphicsState:
    """The part of the PDF graphics state that decides whether text can be seen."""

    ctm: Matrix = IDENTITY
    components: int | None = 1  # of the fill colour space; None: a space we cannot read
    white: bool | None = False  # the fill colour (black to begin with)
    render: int = 0
    size: float = 0.0
    leading: float = 0.0


class PageScan:
    """Walks a page's content stream, replacing text shown where no reader can see it."""

    def __init__(self, box: Box, spaces: dict[str, int | None], beneath_known: bool,
                 has_images: bool) -> None:
        self.box = box
        self.spaces = spaces
        self.beneath_known = beneath_known
        self.has_images = has_images
        self.state = GraphicsState()
        self.stack: list[GraphicsState] = []
        self.tm = self.tlm = IDENTITY
        self.path: list[tuple[float, float]] = []
        self.filled: list[Box] = []  # shapes filled with a colour that is not white
        self.removed: Counter[str] = Counter()

    def run(self, operations: list[tuple[Any, bytes]]) -> list[tuple[Any, bytes]]:
        """The operations with hidden text shows replaced by moves of about the same width."""
        out: list[tuple[Any, bytes]] = []
        for operands, operator in operations:
            try:
                if operator in SHOW:
                    out.extend(self._show(operands, operator))
                    continue
                self._visit(operands, operator)
            except (ArithmeticError, IndexError, TypeError, ValueError):
                pass  # a malformed operator changes nothing here, as in viewers
            out.append((operands, operator))
        return out

    def _visit(self, operands: list[Any], operator: bytes) -> None:
        state = self.state
        if operator == b"q":
            self.stack.append(state)
        elif operator == b"Q" and self.stack:
            self.state = self.stack.pop()
        elif operator == b"cm":
            self.state = replace(state, ctm=_mul(_matrix(operands), state.ctm))
        elif operator in (b"Tf", b"Tr", b"TL"):
            self._text_state(operands, operator)
        elif operator in (b"BT", b"Tm", b"Td", b"TD", b"T*"):
            self._move(operands, operator)
        elif operator in (b"g", b"rg", b"k", b"cs", b"sc", b"scn"):
            self._colour(operands, operator)
        elif operator in (b"m", b"l", b"c", b"v", b"y", b"re") or operator in PAINT:
            self._path(operands, operator)

    def _text_state(self, operands: list[Any], operator: bytes) -> None:
        if operator == b"Tf":
            self.state = replace(self.state, size=float(operands[1]))
        elif operator == b"Tr":
            self.state = replace(self.state, render=int(operands[0]))
        else:
            self.state = replace(self.state, leading=float(operands[0]))

    def _move(self, operands: list[Any], operator: bytes) -> None:
        if operator == b"BT":
            self.tm = self.tlm = IDENTITY
            return
        if operator == b"Tm":
            self.tm = self.tlm = _matrix(operands)
            return
        tx, ty = _numbers(operands) if operands else (0.0, -self.state.leading)
        if operator == b"TD":
            self.state = replace(self.state, leading=-ty)
        self.tm = self.tlm = _mul((1.0, 0.0, 0.0, 1.0, tx, ty), self.tlm)

    def _colour(self, operands: list[Any], operator: bytes) -> None:
        if operator == b"cs":
            components = self.spaces.get(str(operands[0]), COMPONENTS.get(str(operands[0])))
            self.state = replace(self.state, components=components, white=False)
            return
        components = {b"g": 1, b"rg": 3, b"k": 4}.get(operator, self.state.components)
        if operator in (b"g", b"rg", b"k"):
            self.state = replace(self.state, components=components)
        try:
            white = _white(_numbers(operands), components)
        except (TypeError, ValueError):  # a pattern name
            white = None
        self.state = replace(self.state, white=white)

    def _path(self, operands: list[Any], operator: bytes) -> None:
        if operator in PAINT:
            if operator in FILL and self.state.white is not True and self.path:
                xs, ys = zip(*self.path, strict=True)
                self.filled.append((min(xs), min(ys), max(xs), max(ys)))
            self.path = []
            return
        values = _numbers(operands)
        if operator == b"re":
            x, y, w, h = values
            values = [x, y, x + w, y + h, x, y + h, x + w, y]
        ctm = self.state.ctm
        for x, y in zip(values[::2], values[1::2], strict=True):
            self.path.append((x * ctm[0] + y * ctm[2] + ctm[4], x * ctm[1] + y * ctm[3] + ctm[5]))

    def _show(self, operands: list[Any], operator: bytes) -> list[tuple[Any, bytes]]:
        text = operands[-1]
        chars = sum(len(t) for t in text if not isinstance(t, (int, float))) \
            if operator == b"TJ" else len(text)
        before: list[tuple[Any, bytes]] = []
        if operator in (b"'", b'"'):
            if operator == b'"':
                before = [([operands[0]], b"Tw"), ([operands[1]], b"Tc")]
            before.append(([], b"T*"))
            self._move([], b"T*")
        reason = self._hidden(chars)
        if not reason:
            return [(operands, operator)]
        from pypdf.generic import ArrayObject, FloatObject

        self.removed[reason] += 1
        return [*before, ([ArrayObject([FloatObject(-500 * chars)])], b"TJ")]

    def _hidden(self, chars: int) -> str:
        """Why text shown now cannot be seen, or "" when it can."""
        a, b, c, d, x, y = _mul(self.tm, self.state.ctm)
        size = abs(self.state.size) * math.sqrt(abs(a * d - b * c))
        if self.state.render in INVISIBLE_MODES and not self.has_images:
            return "invisible"
        if size < MIN_POINTS:
            return "under 1 pt"
        left, bottom, right, top = self.box
        if x > right or y > top or y + size < bottom or x + chars * size < left:
            return "off the page"
        if self.state.white is True and self.state.render in (0, 4) and self.beneath_known \
                and not any(x0 - size <= x <= x1 and y0 - size <= y <= y1
                            for x0, y0, x1, y1 in self.filled):
            return "white on nothing"
        return ""


def _spaces(resources: Any) -> dict[str, int | None]:
    """Components of the page's named colour spaces (ICC-based ones say how many they have)."""
    spaces: dict[str, int | None] = {}
    try:
        named = ((resources or {}).get("/ColorSpace") or {}).items()
    except AttributeError:
        return spaces
    for name, value in named:
        try:
            space = value.get_object()
            family = str(space[0] if isinstance(space, list) else space)
            n = COMPONENTS.get(family)
            if family == "/ICCBased":
                n = int(space[1].get_object().get("/N", 0)) or None
            spaces[str(name)] = n
        except Exception:  # a damaged colour space is one we cannot read
            spaces[str(name)] = None
    return spaces


def without_hidden_text(page: Any) -> Any:
    """A copy of ``page`` without the text no reader can see, or ``page`` itself when it has
    none (or its content cannot be read: then the answer-side checks are the defence)."""
    from pypdf import PageObject
    from pypdf.generic import NameObject

    try:
        stream = page.get_contents()
        if stream is None:
            return page
        operations = stream.operations
        operators = {operator for _, operator in operations}
        left, bottom, right, top = (float(v) for v in page.cropbox)
        scan = PageScan((left, bottom, right, top), _spaces(page.get("/Resources")),
                        beneath_known=not operators & set(BENEATH_UNKNOWN),
                        has_images=bool(operators & {b"Do", b"INLINE IMAGE"}))
        kept = scan.run(operations)
    except Exception as exc:  # a content stream we cannot follow is left to the extractor
        log.debug("hidden-text scan skipped: %s", exc)
        return page
    if not scan.removed:
        return page
    log.info("removed hidden text from page: %s", dict(scan.removed))
    copy = PageObject(page.pdf)
    copy.update(page)
    stream.operations = kept
    copy[NameObject("/Contents")] = stream
    return copy
