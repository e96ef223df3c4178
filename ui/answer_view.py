"""How an answer looks on the page: the text with markers, source cards that open onto the
whole paragraph (quote highlighted, heading path, neighbours), and abstentions that look
different and cite nothing."""

from __future__ import annotations

import html
import re

import streamlit as st

from assistant.answers import Answer, Citation
from assistant.assistant import Assistant
from assistant.citations import citation, locator, readable_date


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
    return " · ".join(bits)


def source_card(cited: Citation, assistant: Assistant) -> None:
    """One source, opening onto the paragraph with its context."""
    paragraph, document = cited.passage.paragraph, cited.passage.document
    with st.expander(card_title(cited)):
        if paragraph.heading_path or paragraph.part_title:
            st.caption(" › ".join(p for p in (paragraph.part_title, *paragraph.heading_path) if p))
        st.markdown(highlighted(paragraph.text, cited.quote), unsafe_allow_html=True)
        st.caption(f"Cite as: {cited.text} — {document.file_name}")
        near = assistant.retriever.neighbours(paragraph)
        if near:
            st.markdown("**Neighbouring paragraphs**")
            for other in near:
                label = f"{other.label} " if other.label else ""
                st.caption(f"{label}{other.text[:400]}")


def show_answer(answer: Answer, assistant: Assistant) -> None:
    """The answer and its sources, or the abstention and what was searched."""
    if answer.rewritten_question:
        st.caption(f"Understood as: {answer.rewritten_question}")
    if answer.abstained:
        st.warning(answer.text)
        st.caption(f"Searched {answer.searched}.")
        if answer.related:
            with st.expander("Possibly related paragraphs — not an answer"):
                for passage in answer.related:
                    st.markdown(f"*{citation(passage.document, passage.paragraph)}*")
                    st.caption(passage.paragraph.text[:500])
        return
    st.markdown(re.sub(r"\n", "  \n", html.escape(answer.text, quote=False)))
    st.caption(f"Sources ({len(answer.citations)}) — searched {answer.searched}; "
               f"{answer.timings_ms.get('total', 0):.0f} ms")
    for cited in answer.citations:
        source_card(cited, assistant)


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
