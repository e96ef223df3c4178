"""The answering stages (assistant.stages) one by one, and the Assistant's entry points for the
edges: understanding and scope, a ranker swapped in, the library read and changed through it.
Over the bundled samples with the fake embedder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.answers import Citation, Filters
from assistant.assistant import Assistant
from assistant.documents import Document, Passage
from assistant.extractive import Draft
from assistant.health import index_dir
from assistant.lexical import tokenize
from assistant.library import Library
from assistant.query import Intent, intent, names_in
from assistant.retrieval import Retriever
from assistant.settings import Settings
from assistant.stages.decide import ABSTAIN_TEXT, decide
from assistant.stages.gather import Candidate, Candidates, Hit
from assistant.stages.rank import FusionRanker, Ranked
from assistant.stages.understand import Understanding
from assistant.stages.verify import Verified, permitted
from ingest import ingest
from tests.conftest import SAMPLES

NORTHSHIRE = "northshire-csp-annual-review-2024.pdf"
ARRESTS = "How many arrests did Operation Sceptre lead to in Northshire?"


@pytest.fixture
def assistant() -> Assistant:
    assert ingest([SAMPLES]).exit_code == 0
    return Assistant()


def plain(question: str, unknown: tuple[str, ...] = ()) -> Understanding:
    return Understanding(question, question, Intent("general"), Filters(), unknown=unknown)


# -- gather and rank ---------------------------------------------------------------------------

def test_candidates_list_each_paragraph_once_with_its_rank_in_both_searches() -> None:
    found = Candidates("q", dense=(Hit("a", 0.9), Hit("b", 0.8)),
                       lexical=(Hit("c", 7.0), Hit("a", 5.0)))
    assert found.each() == [Candidate("a", 0, 0.9, 1, 5.0), Candidate("b", 1, 0.8, None, 0.0),
                            Candidate("c", None, 0.0, 0, 7.0)]


def test_fusion_ranks_by_reciprocal_rank_and_ties_keep_dense_order_first() -> None:
    found = Candidates("q", dense=(Hit("a", 0.9), Hit("b", 0.8)),
                       lexical=(Hit("c", 7.0), Hit("b", 5.0)))
    ranked = FusionRanker().rank(plain("q"), found, k=3)
    assert ranked == [Ranked("b", 1 / 61 + 1 / 61, 0.8, 5.0), Ranked("a", 1 / 60, 0.9, 0.0),
                      Ranked("c", 1 / 60, 0.0, 7.0)]
    assert FusionRanker().rank(plain("q"), found, k=1) == ranked[:1]


def test_a_ranker_swapped_in_orders_the_passages(assistant: Assistant) -> None:
    class Reversed:
        def rank(self, understanding: Understanding, candidates: Candidates, k: int
                 ) -> list[Ranked]:
            return list(reversed(FusionRanker().rank(understanding, candidates, k)))

    assistant.use_ranker(None)  # reciprocal rank fusion
    shipped = [p.paragraph.key for p in assistant.search("county lines", k=5)]
    assistant.ranker = Reversed()
    assert [p.paragraph.key for p in assistant.search("county lines", k=5)] == shipped[::-1]


def test_the_retriever_searches_through_the_same_stages(assistant: Assistant) -> None:
    assistant.use_ranker(None)  # the retriever's own search ranks by fusion
    vector = assistant.library.embedder.embed_one("county lines")
    direct = assistant.retriever.retrieve("county lines", vector, Filters(), k=6)
    assert direct == assistant.search("county lines", k=6)


# -- understand and scope ----------------------------------------------------------------------

def test_understanding_states_filters_names_and_what_the_library_lacks(
        assistant: Assistant) -> None:
    understood = assistant.understand(f"{ARRESTS[:-1]} since 2023?")
    assert understood.intent.kind == "figure" and understood.intent.years == (2023,)
    assert understood.names == ("Operation Sceptre", "Northshire")
    assert understood.preferences == Filters(councils=("Northshire",))  # a name only prefers
    assert understood.stated == understood.filters == Filters(date_from="2023-01-01",
                                                              undated_too=True)
    assert assistant.understand("What did Zanzibar say about knife crime?").unknown == \
        ("Zanzibar",)


def test_a_name_only_the_file_name_gives_is_known(tmp_path: Path) -> None:
    """Papers often print their council only as an abbreviation or a web address; the file
    name's words are searched too, and a name they give is not unknown."""
    folder = tmp_path / "papers"
    folder.mkdir()
    shutil.copy(SAMPLES / NORTHSHIRE, folder / "harbourside-borough--csp-review-2024.pdf")
    assert ingest([folder]).exit_code == 0
    assistant = Assistant()
    assert assistant.understand("What did Harbourside Borough say about arrests?").unknown == ()
    assert assistant.understand("What did Zanzibar say about arrests?").unknown == ("Zanzibar",)
    found = assistant.search("Harbourside Borough arrests", k=3)
    assert found and found[0].document.file_name.startswith("harbourside")


def test_glued_words_are_read_apart() -> None:
    assert tokenize("the Portfolio Holder forLifelong Learning") == \
        tokenize("the Portfolio Holder for Lifelong Learning")
    assert tokenize("McDonald") == ["mcdonald"]


def test_when_asks_for_a_date_only_as_the_questions_word() -> None:
    assert intent("When was the plan approved?").kind == "date"
    assert intent("And when did the panel meet?").kind == "date"
    assert intent("What did the Cabinet decide when it considered the CCTV report?").kind == \
        "general"


def test_a_possessive_ends_a_name() -> None:
    assert names_in("What did Gedling's Cabinet decide about CCTV?") == ["Gedling", "Cabinet",
                                                                       "CCTV"]
    assert names_in("What are the HCSSG's priorities?") == ["HCSSG"]
    assert names_in("How many arrests did Operation Sceptre lead to?") == ["Operation Sceptre"]


def test_which_councils_asks_for_every_occasion() -> None:
    assert intent("Which councils have run scrutiny reviews of hate crime?").kind == "precedent"
    assert intent("Which London boroughs adopted a PSPO?").kind == "precedent"
    assert intent("Which council chairs the panel?").kind != "precedent"
    assert intent("Which other councils' guidance did the motion cite?").kind != "precedent"
    assert intent("Which districts does the partnership cover, and since when?").kind != \
        "precedent"


def test_a_follow_up_is_understood_from_the_conversation(assistant: Assistant) -> None:
    understood = assistant.understand("And in Riverton?", [{"role": "user", "content": ARRESTS}])
    assert understood.question == "And in Riverton?"
    assert understood.standalone == "How many arrests did Operation Sceptre lead to in Riverton?"
    assert understood.preferences.councils == ("Riverton",) and not understood.filters.councils


def test_filters_given_come_before_those_the_question_states(assistant: Assistant) -> None:
    understood = assistant.understand(ARRESTS, filters=Filters(councils=("Eastvale",)))
    assert understood.filters.councils == ("Eastvale",)
    assert understood.preferences.councils == ("Northshire",)
    assert assistant.understand(ARRESTS, precedent=True).precedent


def test_scope_is_the_documents_a_question_is_searched_in(assistant: Assistant) -> None:
    understood = assistant.understand(ARRESTS)  # the council it names boosts, not narrows
    assert len(assistant.scope(understood.filters)) == len(assistant.scope(Filters())) == 3
    assert [d.file_name for d in assistant.scope(Filters(councils=("Northshire",)))] == \
        [NORTHSHIRE]
    assert assistant.scope(Filters(date_from="2030-01-01")) == []


# -- verify and decide -------------------------------------------------------------------------

def test_a_citation_to_a_document_not_retrieved_is_not_permitted(assistant: Assistant) -> None:
    northshire = assistant.search(ARRESTS, k=4)
    eastvale = assistant.search("county lines", Filters(councils=("Eastvale",)), k=1)
    inside, outside = Citation(1, northshire[0], "x"), Citation(2, eastvale[0], "y")
    assert permitted([inside], northshire) and permitted([outside], eastvale)
    assert not permitted([inside, outside], northshire)


def test_decide_abstains_saying_why(assistant: Assistant) -> None:
    passages = assistant.search(ARRESTS, k=4)
    draft = Draft("It led to 46 arrests. [1]", (Citation(1, passages[0], "46 arrests"),), 0.9,
                  0.9)
    assert decide(plain("q"), Verified(draft), [], 0.0).text.endswith(
        "No document matches the filters.")
    assert decide(plain("q", ("Zanzibar",)), Verified(draft), passages, 0.0).text.endswith(
        "No document mentions Zanzibar.")
    assert decide(plain("q"), Verified(draft), passages, 0.95).text == ABSTAIN_TEXT
    withheld = decide(plain("q"), Verified(draft, permitted=False), passages, 0.0)
    assert (withheld.text, withheld.citations, withheld.abstained) == (ABSTAIN_TEXT, (), True)
    answered = decide(plain("q"), Verified(draft), passages, 0.0)
    assert (answered.text, answered.abstained) == (draft.text, False)


def test_an_llm_refusal_is_an_abstention() -> None:
    refused = Verified(Draft("", (), 0.0, 0.0), mode="llm", refused=True)
    assert decide(plain("q"), refused, [], 0.0).abstained


def test_ask_runs_the_stages_to_a_cited_answer(assistant: Assistant) -> None:
    assistant.use_decider(None)  # the fake embedder's similarities are not what it was fitted on
    answer = assistant.ask(ARRESTS)
    assert not answer.abstained and answer.citations
    assert all(isinstance(p, Passage) for p in answer.passages)
    assert answer.searched == "3 of 3 documents, preferring council: Northshire"


# -- the library through the Assistant ---------------------------------------------------------

def test_the_library_is_read_through_the_assistant(assistant: Assistant) -> None:
    assert assistant.document_count() == 3 and len(assistant.documents()) == 3
    [northshire] = [d for d in assistant.documents() if d.file_name == NORTHSHIRE]
    paragraphs = assistant.paragraphs(northshire.doc_id)
    assert len(paragraphs) == northshire.paragraph_count
    assert assistant.paragraph_count() >= len(paragraphs)
    assert assistant.neighbours(paragraphs[1]) == [paragraphs[0], paragraphs[2]]
    assert assistant.neighbours(paragraphs[2], span=2) == paragraphs[:2] + paragraphs[3:5]
    assistant.warm_up()
    assistant.clear_caches()


def test_ingest_and_remove_through_the_assistant_refresh_the_search(
        assistant: Assistant, tmp_path: Path) -> None:
    report = tmp_path / "quokka.md"
    report.write_text("# Quokka patrols\n\nThe board funded quokka patrols in 2024.\n")
    assert assistant.ingest([report]).exit_code == 0
    assert assistant.search("quokka patrols", k=1)[0].document.file_name == "quokka.md"
    assert assistant.remove([report]).counts["removed"] == 1
    assert all(p.document.file_name != "quokka.md"
               for p in assistant.search("quokka patrols", k=5))


def test_a_range_of_years_in_the_question_keeps_papers_that_print_no_date(
        assistant: Assistant, tmp_path: Path) -> None:
    report = tmp_path / "wombat.md"
    report.write_text("# Wombat crossings\n\nThe board funded wombat crossings.\n")
    assert assistant.ingest([report]).exit_code == 0
    understood = assistant.understand("What was funded for wombat crossings since 2031?")
    assert understood.filters == Filters(date_from="2031-01-01", undated_too=True)
    assert [d.file_name for d in assistant.scope(understood.filters)] == ["wombat.md"]
    assert assistant.scope(Filters(date_from="2031-01-01")) == []  # a filter set by hand
    assert assistant.remove([report]).counts["removed"] == 1


def test_a_search_index_rebuilt_after_the_scope_was_read_makes_the_gather_stale(
        assistant: Assistant) -> None:
    """The scope names the versions read before a document was replaced; the index, rebuilt
    meanwhile by another asker, holds the new version: its paragraphs went unfound, so the
    candidates are stale, and the search, run again, finds the new version."""
    understood = assistant.understand(ARRESTS)
    vector = assistant.embedder.embed_one(understood.standalone)
    scope = assistant.scope(understood.filters)
    assert ingest([SAMPLES / NORTHSHIRE], force=True).exit_code == 0
    assistant.refresh()
    before = {d.doc_id: d.version for d in scope}
    candidates = assistant.gatherer.gather(understood, vector, scope)
    assert candidates.stale
    found = assistant.search(ARRESTS, k=3)
    assert found[0].document.file_name == NORTHSHIRE
    assert found[0].document.version != before[found[0].document.doc_id]
    fresh = assistant.gatherer.gather(understood, vector, assistant.scope(understood.filters))
    assert not fresh.stale


class ReplacedWhileRead(Library):
    """A library whose document another writer replaces twice just as the search index
    starts each of its first ``races`` reads: the version the index asked for is gone."""

    def __init__(self, settings: Settings, races: int) -> None:
        super().__init__(settings)
        self.races = races

    def export(self, versions=None, batch=5000):  # type: ignore[no-untyped-def]
        if versions and self.races:
            self.races -= 1
            for _ in range(2):
                assert ingest([SAMPLES / NORTHSHIRE], force=True).exit_code == 0
        return super().export(versions, batch)


def _northshire(library: Library) -> Document:
    return next(d for d in library.documents() if d.file_name == NORTHSHIRE)


def test_an_index_built_while_a_document_is_replaced_reads_it_again_at_its_new_version(
        assistant: Assistant) -> None:
    library = ReplacedWhileRead(assistant.settings, races=1)
    shutil.rmtree(index_dir(library.settings, library.access))  # nothing saved: it is built
    retriever = Retriever(library)
    retriever.refresh(force=True)
    northshire = _northshire(library)
    assert retriever.documents[northshire.doc_id].version == northshire.version
    assert retriever.lexical.versions()[northshire.doc_id] == northshire.version
    assert len(retriever.lexical.rows([northshire.doc_id])) == northshire.paragraph_count


def test_a_document_replaced_through_every_read_is_left_out_until_the_next_refresh(
        assistant: Assistant) -> None:
    library = ReplacedWhileRead(assistant.settings, races=5)
    shutil.rmtree(index_dir(library.settings, library.access))
    retriever = Retriever(library)
    retriever.refresh(force=True)
    doc_id = _northshire(library).doc_id
    assert doc_id not in retriever.lexical.versions()  # left out, not indexed half-read
    assert len(retriever.lexical.rows([doc_id])) == 0
    assert retriever.lexical.signature.endswith(":partial")  # so the next check rebuilds
    retriever.refresh(force=True)  # the writer has stopped: read whole
    northshire = _northshire(library)
    assert retriever.documents[doc_id].version == northshire.version
    assert retriever.lexical.versions()[doc_id] == northshire.version
    assert len(retriever.lexical.rows([doc_id])) == northshire.paragraph_count
