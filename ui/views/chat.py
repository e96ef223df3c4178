"""Chat: ask the library, read answers with their sources, give feedback, export a note."""

from __future__ import annotations

import datetime as dt
import json

import streamlit as st

from assistant.answers import Filters
from assistant.errors import QuestionError
from assistant.questions import checked_question
from assistant.settings import get_settings
from ui.answer_view import briefing_note, plain, show_answer
from ui.resources import current_assistant, guarded, session

assistant = current_assistant()
settings = get_settings()
turns: list[dict] = session("turns", [])
documents = assistant.documents()

with st.sidebar:
    st.header("Search")
    councils = st.multiselect("Council", sorted({c.strip() for d in documents
                                                 for c in d.meta.council.split(";") if c}),
                              key="councils")
    committees = st.multiselect("Committee", sorted({d.meta.committee for d in documents
                                                     if d.meta.committee}), key="committees")
    types = st.multiselect("Document type", sorted({d.meta.doc_type for d in documents
                                                    if d.meta.doc_type}), key="types")
    since = st.date_input("Meetings from", value=None, key="since", format="DD/MM/YYYY")
    until = st.date_input("Meetings until", value=None, key="until", format="DD/MM/YYYY")
    exempt = st.checkbox("Include exempt documents", key="exempt") if settings.access != "public" \
        else False
    modes = ["extractive", "llm"] if settings.llm_model else ["extractive"]
    mode = st.radio("Answer mode", modes, key="mode", horizontal=True)
    sources = st.slider("Passages to quote from", 2, 12, settings.answer_passages, key="sources")
    precedent = st.toggle("Every occasion (precedent timeline)", key="precedent")

filters = Filters(councils=tuple(councils), committees=tuple(committees),
                  doc_types=tuple(types), date_from=since.isoformat() if since else "",
                  date_to=until.isoformat() if until else "", include_exempt=exempt)

st.title("Ask the documents")
if not documents:
    st.info("The library is empty. Add reports on the Library page.")
    st.stop()
st.caption(f"{len(documents)} documents. Every sentence of an answer cites the paragraph "
           f"that says it.")


def save_feedback(index: int) -> None:
    """Append the rating, comment, question, answer and citations to feedback.jsonl."""
    turn = turns[index]
    answer = turn["answer"]
    record = {"time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
              "rating": "up" if st.session_state.get(f"rating-{index}") == 1 else "down",
              "comment": st.session_state.get(f"comment-{index}", ""),
              "question": answer.question, "answer": answer.text,
              "abstained": answer.abstained,
              "citations": [{"n": c.n, "citation": c.text, "doc": c.passage.document.file_name,
                             "para": c.passage.paragraph.label, "quote": c.quote}
                            for c in answer.citations]}
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with (settings.data_dir / "feedback.jsonl").open("a") as handle:
        handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    turn["feedback_saved"] = True


for index, turn in enumerate(turns):
    with st.chat_message("user"):
        st.markdown(plain(turn["answer"].question))
    with st.chat_message("assistant"):
        show_answer(turn["answer"], assistant, index)
        if turn.get("feedback_saved"):
            st.caption("Thank you: your feedback was saved.")
        else:
            st.feedback("thumbs", key=f"rating-{index}")
            st.text_input("Comment (optional)", key=f"comment-{index}")
            st.button("Save feedback", key=f"save-{index}", on_click=save_feedback,
                      args=(index,))

if prompt := st.chat_input("Ask about the reports, e.g. What did the partnership say about "
                           "county lines?"):
    try:
        question = checked_question(prompt, settings.max_question_chars)
    except QuestionError as exc:
        st.warning(str(exc))  # the conversation goes on: the next question is asked as usual
    else:
        history = [m for t in turns for m in (
            {"role": "user", "content": t["answer"].rewritten_question or t["answer"].question},
            {"role": "assistant", "content": t["answer"].text})]
        with st.chat_message("user"):
            st.markdown(plain(question))
        with st.chat_message("assistant"), st.spinner("Searching the library…"):
            answer = guarded(lambda: assistant.ask(question, history, filters, mode=mode,
                                                   precedent=precedent, max_sources=sources))
        turns.append({"answer": answer})
        st.rerun()

if turns:
    st.download_button("Export the conversation as a briefing note (Markdown)",
                       briefing_note(turns), file_name="briefing-note.md",
                       mime="text/markdown")
