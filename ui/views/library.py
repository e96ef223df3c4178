"""Library: add reports, see what is in the library, remove documents, read a document's
paragraphs as the assistant will cite them."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from assistant.citations import locator, readable_date
from assistant.settings import get_settings
from ingest.pipeline import FileResult
from ui.resources import current_assistant, guarded
from ui.uploads import save_uploads

assistant = current_assistant()
settings = get_settings()
st.title("Library")


class PageProgress:
    """Ingestion progress drawn as a Streamlit progress bar."""

    def __init__(self) -> None:
        self.bar = st.progress(0.0, text="Starting…")
        self.total, self.done = 1, 0

    def files(self, total: int) -> None:
        self.total = max(total, 1)

    def file_started(self, path: Path, paragraphs: int) -> None:
        self.bar.progress(self.done / self.total, text=f"Reading {path.name}…")

    def embedded(self, count: int) -> None:
        pass

    def file_done(self, result: FileResult) -> None:
        self.done += 1
        self.bar.progress(min(self.done / self.total, 1.0), text=f"{self.done} of {self.total}")


# No type= filter: every file reaches save_uploads, which says why it refuses one (archives,
# other types, contents that do not match the extension) instead of a bare Streamlit error.
uploads = st.file_uploader(f"Add reports (PDF, Word, text or Markdown; up to "
                           f"{settings.max_file_mb:g} MB each)", accept_multiple_files=True,
                           key="uploads")
if uploads and st.button("Add to the library", type="primary"):
    batch = save_uploads(((u.name, u.getvalue()) for u in uploads), settings)
    rows: list[dict[str, str | int]] = [{"file": r.name, "result": "refused",
                                         "reason": r.reason} for r in batch.refused]
    if batch.saved:
        summary = guarded(lambda: assistant.ingest(list(batch.saved), PageProgress()))
        rows += [{"file": Path(r.path).name, "result": r.status,
                  "reason": r.reason or "; ".join(r.notes),
                  "paragraphs": r.paragraphs} for r in summary.results]
    st.session_state["last_ingest"] = rows

if st.session_state.get("last_ingest"):
    st.subheader("Last upload")
    st.dataframe(st.session_state["last_ingest"], hide_index=True, width="stretch")

documents = assistant.documents()
st.subheader(f"{len(documents)} documents")
query = st.text_input("Search the list", key="search", placeholder="title, council, committee…")
shown = [d for d in documents if query.lower() in " ".join(
    (d.title, d.meta.council, d.meta.committee, d.file_name)).lower()]
st.dataframe([{"title": d.title, "council": d.meta.council, "committee": d.meta.committee,
               "date": readable_date(d.meta.meeting_date), "type": d.meta.doc_type,
               "paragraphs": d.paragraph_count, "access": d.meta.access, "file": d.file_name}
              for d in shown], hide_index=True, width="stretch")

names = {f"{d.title} ({d.file_name})": d for d in shown}
with st.expander("Remove documents"):
    doomed = st.multiselect("Documents to remove", list(names), key="doomed")
    if doomed and st.button("Remove", key="remove"):
        summary = guarded(lambda: assistant.remove([names[n].source for n in doomed]))
        st.success(f"Removed {summary.counts.get('removed', 0)} documents.")
        st.rerun()

chosen = st.selectbox("Read a document's paragraphs", ["", *names], key="reader")
if chosen:
    document = names[chosen]
    st.caption(document.identity)
    for paragraph in assistant.paragraphs(document.doc_id):
        heading = " › ".join(paragraph.heading_path)
        st.markdown(f"**{locator(paragraph)}**" + (f" — *{heading}*" if heading else ""))
        st.text(paragraph.text)
