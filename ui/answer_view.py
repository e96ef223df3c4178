"""How an answer looks on the page: the text with markers, source cards that open onto the
whole paragraph (quote highlighted, heading path, neighbours) and its original (fetched through
the Assistant's access check, never served from a folder), and abstentions that look different
and cite nothing."""

from __future__ import annotations

import html
import re

import streamlit as st

from assistant.answers import Answer, Citation
from assistant.assistant import Assistant
from assistant.citations import citation, locator, readable_date
from assistant.errors import OriginalUnavailableError

MARKDOWN_RE = re.compile(r"([\\`*_{}\[\]()#+!|~<>$])")
READER_SPAN = 3  # paragraphs shown either side of the cited one in "Read in document"


def plain(text: str) -> str:
    """Text from a document or a user, shown literally where Streamlit renders Markdown: a
    quoted ``![](https://…)`` must not become an image fetched from elsewhere, nor a link."""
    return MARKDOWN_RE.sub(r"\\\1", text)


def highlighted(text: str, quote: str) -> str:
    """The paragraph as safe HTML with the quoted part marked; Markdown in it stays literal
    (no image fetched from elsewhere, no link)."""
    escaped = _literal(text)
    if not quote:
        return escaped
    marked = _literal(quote)
    return escaped.replace(marked, f"<mark>{marked}</mark>", 1)


def _literal(text: str) -> str:
    """Text escaped for HTML and for Markdown, line breaks kept."""
    return plain(html.escape(text, quote=False)).replace("\n", "<br>")


def card_title(cited: Citation) -> str:
    """Title, meeting, reference, paragraph and page of one source."""
    document, paragraph = cited.passage.document, cited.passage.paragraph
    bits = [f"[{cited.n}] {document.title}"]
    meeting = ", ".join(b for b in (document.meta.committee,
                                    readable_date(document.meta.meeting_date)) if b)
    if meeting:
        bits.append(meeting)
    if document.meta.report_ref:
        bits.append(f"report {document.meta.report_ref}")
    bits.append(locator(paragraph))
    return plain(" · ".join(bits))


def source_card(cited: Citation, assistant: Assistant, turn: int = 0) -> None:
    """One source, opening onto the paragraph with its context and its original."""
    paragraph, document = cited.passage.paragraph, cited.passage.document
    with st.expander(card_title(cited)):
        if paragraph.heading_path or paragraph.part_title:
            st.caption(plain(" › ".join(p for p in (paragraph.part_title,
                                                    *paragraph.heading_path) if p)))
        st.markdown(highlighted(paragraph.text, cited.quote), unsafe_allow_html=True)
        st.caption(plain(f"Cite as: {cited.text} — {document.file_name}"))
        key = f"{turn}-{cited.n}"
        original_file(cited, assistant, key)
        if not document.file_name.lower().endswith(".pdf"):
            reader_view(cited, assistant, key)
        near = assistant.neighbours(paragraph)
        if near:
            st.markdown("**Neighbouring paragraphs**")
            for other in near:
                label = f"{other.label} " if other.label else ""
                st.caption(plain(f"{label}{other.text[:400]}"))


def original_file(cited: Citation, assistant: Assistant, key: str) -> None:
    """The original, fetched through the Assistant (so after its access check, and only while
    the document is in the library): a download button and, for a PDF, the cited page as an
    image on request. Nothing is written to disk or served under a URL of its own."""
    try:
        found = assistant.fetch_original(cited.passage.document.doc_id)
    except OriginalUnavailableError as exc:
        st.caption(plain(str(exc)))
        return
    st.download_button(f"Download the original ({found.file_name})", found.data,
                       file_name=found.file_name, mime=found.mime_type, key=f"original-{key}")
    page = cited.passage.paragraph.page
    if found.is_pdf and page and st.toggle(f"Show page {page}", key=f"page-{key}"):
        image = assistant.page_image(found.doc_id, page)
        if image is None:
            st.caption(f"Page {page} of the original cannot be shown.")
        else:
            st.image(image, caption=plain(f"{found.file_name}, page {page}"))


def reader_view(cited: Citation, assistant: Assistant, key: str, span: int = READER_SPAN
                ) -> None:
    """The paragraph in its document on request: the paragraphs around it as the library
    holds them (never read from the file), the cited one highlighted."""
    if not st.toggle("Read in document", key=f"read-{key}"):
        return
    paragraph = cited.passage.paragraph
    around = assistant.neighbours(paragraph, span)
    for other in sorted([*around, paragraph], key=lambda p: p.ordinal):
        label = f"<b>{_literal(other.label)}</b> " if other.label else ""
        cited_here = other.para_id == paragraph.para_id
        st.markdown(label + highlighted(other.text, other.text if cited_here else ""),
                    unsafe_allow_html=True)


def show_answer(answer: Answer, assistant: Assistant, turn: int = 0) -> None:
    """The answer and its sources, or the abstention and what was searched."""
    if answer.rewritten_question:
        st.caption(plain(f"Understood as: {answer.rewritten_question}"))
    if answer.abstained:
        st.warning(plain(answer.text))
        st.caption(plain(f"Searched {answer.searched}."))
        if answer.related:
            with st.expander("Possibly related paragraphs — not an answer"):
                for passage in answer.related:
                    st.markdown(f"*{plain(citation(passage.document, passage.paragraph))}*")
                    st.caption(plain(passage.paragraph.text[:500]))
        return
    st.markdown(re.sub(r"\n", "  \n", plain(answer.text)))
    st.caption(plain(f"Sources ({len(answer.citations)}) — searched {answer.searched}; "
                     f"{answer.timings_ms.get('total', 0):.0f} ms"))
    for cited in answer.citations:
        source_card(cited, assistant, turn)


def briefing_note(turns: list[dict]) -> str:
    """The conversation as a Markdown briefing note with full citations."""
    lines = ["# Briefing note", ""]
    for turn in turns:
        answer: Answer = turn["answer"]
        lines += [f"## {answer.question}", ""]
        if answer.rewritten_question:
            lines += [f"*Understood as: {answer.rewritten_question}*", ""]
        lines += [answer.text, ""]
        if answer.citations:
            lines += ["Sources:", ""]
            lines += [f"{c.n}. {c.text} — {c.passage.document.file_name}: “{c.quote}”"
                      for c in answer.citations]
            lines.append("")
    return "\n".join(lines)
