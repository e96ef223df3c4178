"""How an answer looks on the page: the text with markers, source cards that open onto the
whole paragraph (quote highlighted, heading path, neighbours), and abstentions that look
different and cite nothing."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import streamlit as st

from assistant.answers import Answer, Citation
from assistant.assistant import Assistant
from assistant.citations import citation, locator, readable_date
from assistant.documents import Document

MARKDOWN_RE = re.compile(r"([\\`*_{}\[\]()#+!|~<>$])")


def plain(text: str) -> str:
    """Text from a document or a user, shown literally where Streamlit renders Markdown: a
    quoted ``![](https://…)`` must not become an image fetched from elsewhere, nor a link."""
    return MARKDOWN_RE.sub(r"\\\1", text)


def highlighted(text: str, quote: str) -> str:
    """The paragraph as safe HTML with the quoted part marked."""
    escaped = html.escape(text).replace("\n", "<br>")
    if not quote:
        return escaped
    marked = html.escape(quote).replace("\n", "<br>")
    return escaped.replace(marked, f"<mark>{marked}</mark>", 1)


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
    """One source, opening onto the paragraph with its context."""
    paragraph, document = cited.passage.paragraph, cited.passage.document
    with st.expander(card_title(cited)):
        if paragraph.heading_path or paragraph.part_title:
            st.caption(plain(" › ".join(p for p in (paragraph.part_title,
                                                    *paragraph.heading_path) if p)))
        st.markdown(highlighted(paragraph.text, cited.quote), unsafe_allow_html=True)
        st.caption(plain(f"Cite as: {cited.text} — {document.file_name}"))
        if paragraph.page and document.file_name.lower().endswith(".pdf"):
            original_page(document, paragraph.page, f"page-{turn}-{cited.n}")
        near = assistant.retriever.neighbours(paragraph)
        if near:
            st.markdown("**Neighbouring paragraphs**")
            for other in near:
                label = f"{other.label} " if other.label else ""
                st.caption(plain(f"{label}{other.text[:400]}"))


STATIC = Path(__file__).with_name("static")


def served_copy(document: Document) -> str | None:
    """The app-relative URL of the original PDF, copied once into the app's static folder."""
    source = Path(document.source)
    if not source.is_file():
        return None
    target = STATIC / "docs" / f"{document.doc_id}.pdf"
    if not target.exists() or target.stat().st_size != source.stat().st_size:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    return f"app/static/docs/{target.name}"


def original_page(document: Document, page: int, key: str) -> None:
    """A link that opens the original PDF at the page, and the page as an image on request."""
    url = served_copy(document)
    if url is None:
        st.caption("The original file is no longer where it was ingested from.")
        return
    st.markdown(f"[Open the original at page {page}]({url}#page={page})")
    if st.toggle(f"Show page {page}", key=key):
        import pypdfium2

        pdf = pypdfium2.PdfDocument(document.source)
        try:
            st.image(pdf[page - 1].render(scale=1.4).to_pil(),
                     caption=f"{document.file_name}, page {page}")
        finally:
            pdf.close()


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
