"""The two exempt reports that leaked, in every format; statements that read as public; weak
wording stored restricted with a note; and the second line of defence (a paragraph or title
that states a restricted level is never shown in a public deployment, whatever its document
was recorded as, also in a library written before ranks covered it)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.assistant import Assistant
from assistant.exemption import carried_level, read_access
from assistant.library import Library
from assistant.settings import Settings
from ingest import ingest
from tests.conftest import SAMPLES

TEST_VALLEY = """TEST VALLEY BOROUGH COUNCIL
Report to: Licensing Sub-Committee
EXEMPT INFORMATION - NOT FOR PUBLICATION
By virtue of paragraph 1 of Part 1 of Schedule 12A of the Local Government Act 1972.

1. Purpose of Report
1.1 The named individual at 14 Quarry Lane, Andover received a closure order on 3 May 2024 \
after repeated disorder.
1.2 The order runs for three months and the tenant was offered support by the housing team.
"""
CLASSIFIED = """Cabinet
Date: 12 March 2024
Report No. CAB/24/031
Classification: Exempt – Not for publication by virtue of paragraph 3 of Part 1 of \
Schedule 12A of the Local Government Act 1972
Disposal of the Old Depot, Mill Road

1. Summary
1.1 The preferred bidder has offered £1,475,000 for the Old Depot site on Mill Road.
1.2 The offer is conditional on planning consent for forty homes.
"""
SECRETS = {"test-valley": ("Andover", "Who received a closure order at Quarry Lane?"),
           "classified": ("1,475,000", "How much has the preferred bidder offered for the "
                                       "Old Depot site?")}


def write_formats(folder: Path, stem: str, text: str) -> list[Path]:
    """The same report as text, Markdown, PDF and Word."""
    from docx import Document
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    lines = text.splitlines()
    (folder / f"{stem}.txt").write_text(text)
    (folder / f"{stem}.md").write_text("\n\n".join(f"**{line}**" if i < 3 else line
                                                   for i, line in enumerate(lines) if line))
    canvas = Canvas(str(folder / f"{stem}.pdf"), pagesize=A4, invariant=1)
    y = 800
    for line in lines:
        for start in range(0, len(line), 95):
            canvas.drawString(50, y, line[start:start + 95])
            y -= 16
    canvas.save()
    word = Document()
    for line in lines:
        if line:
            word.add_paragraph(line)
    word.save(str(folder / f"{stem}.docx"))
    return [folder / f"{stem}.{suffix}" for suffix in ("txt", "md", "pdf", "docx")]


@pytest.fixture(scope="module")
def library_dir(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, Path]:
    folder = tmp_path_factory.mktemp("exempt")
    write_formats(folder, "test-valley", TEST_VALLEY)
    write_formats(folder, "classified", CLASSIFIED)
    settings = Settings(data_dir=tmp_path_factory.mktemp("data"), embedding_model="fake:64")
    summary = ingest([SAMPLES, folder], settings)
    assert summary.exit_code == 0, summary.failed
    return settings, folder


def test_both_reports_are_stored_exempt_in_every_format(library_dir: tuple[Settings, Path]
                                                         ) -> None:
    settings, _ = library_dir
    stored = {d.file_name: d.meta.access
              for d in Library(settings).unrestricted().documents()}
    for stem in SECRETS:
        for suffix in ("txt", "md", "pdf", "docx"):
            assert stored[f"{stem}.{suffix}"] == "exempt", (stem, suffix)
    assert {stored[p.name] for p in SAMPLES.iterdir() if p.name in stored} == {"public"}


def test_a_public_deployment_answers_nothing_from_them(library_dir: tuple[Settings, Path],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from ui.cli import main

    settings, _ = library_dir
    monkeypatch.setenv("SCRUTINEER_DATA_DIR", str(settings.data_dir))
    runner = CliRunner()
    for secret, question in SECRETS.values():
        answer = Assistant(settings).ask(question)
        shown = answer.text + " ".join(p.paragraph.text + p.document.title
                                       for p in (*answer.passages, *answer.related))
        assert secret not in shown
        asked = runner.invoke(main, ["ask", question, "--json"])
        assert asked.exit_code == 0 and secret not in asked.output
        assert "EXEMPT" not in json.dumps(json.loads(asked.output)["citations"])
    listing = runner.invoke(main, ["library"])
    assert "test-valley" not in listing.output and "classified" not in listing.output


def test_a_cleared_deployment_finds_them(library_dir: tuple[Settings, Path]) -> None:
    from assistant.answers import Filters

    settings, _ = library_dir
    cleared = settings.model_copy(update={"access": "exempt"})
    answer = Assistant(cleared).ask(SECRETS["test-valley"][1],
                                    filters=Filters(include_exempt=True))
    assert any("Quarry Lane" in c.passage.paragraph.text for c in answer.citations)


@pytest.mark.parametrize(("text", "classification"), [
    ("This report contains no exempt information.", "Not exempt"),
    ("It is considered that this report does not contain exempt information within the "
     "meaning of Schedule 12A of the Local Government Act 1972, as amended, and can be made "
     "public.", "Not exempt"),
    ("Classification: Unrestricted", "Unrestricted"),
    ("Exempt: No", "Not exempt"),
    ("For publication: Yes", "Public"),
    ("EXEMPT ITEMS\n(At the time of preparing the agenda there were no exempt items.)", ""),
    ("RESOLVED that the press and public be excluded for the following item of business on "
     "the grounds that it involves the likely disclosure of exempt information as defined in "
     "paragraph 3 of Part 1 of Schedule 12A of the Act.", ""),
    ("For publication [Do not include information which is exempt from publication under "
     "schedule 12a of the Local Government Act 1972]", ""),
    ("The Action Plan is a restricted document reviewed at the meetings.", ""),
])
def test_statements_that_read_as_public(text: str, classification: str) -> None:
    reading = read_access(f"Cabinet\n4 March 2024\n{text}\n\n1. Purpose of Report")
    assert (reading.level, reading.classification, reading.doubt) == ("public",
                                                                      classification, "")


@pytest.mark.parametrize(("text", "level"), [
    ("Commercially sensitive", "exempt"),
    ("The tender prices are commercially sensitive.", "exempt"),
    ("Classification: Unrestricted\nAppendix 2 is not for publication by virtue of paragraph "
     "3 of Part 1 of Schedule 12A.", "exempt"),
    ("This report contains no exempt information, but Appendix B is confidential.",
     "confidential"),
])
def test_doubtful_wording_is_stored_restricted_and_said(text: str, level: str) -> None:
    reading = read_access(f"Cabinet\n4 March 2024\n{text}\n\n1. Purpose of Report")
    assert reading.level == level and reading.doubt.startswith(f"stored as {level} on '")


def test_the_ingest_summary_names_the_file_and_phrase(tmp_path: Path, data_dir: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from ui.cli import main

    (tmp_path / "bids.md").write_text("# Leisure contract\n\nThe bids are commercially "
                                      "sensitive.\n\n1. The contract starts in April.\n")
    result = CliRunner().invoke(main, ["ingest", str(tmp_path)])
    assert result.exit_code == 0
    assert (f"ACCESS  {tmp_path / 'bids.md'}: stored as exempt on 'The bids are commercially "
            f"sensitive'") in result.output
    assert Library(Settings()).unrestricted().documents()[0].meta.access == "exempt"


def test_a_marked_paragraph_of_a_public_document_is_never_shown(tmp_path: Path,
                                                                data_dir: Path) -> None:
    path = tmp_path / "overridden.md"
    path.write_text("# Housing update\n\n1. The council built 40 homes at Ferry Wharf.\n\n"
                    "2. EXEMPT INFORMATION - NOT FOR PUBLICATION. The tenant at 3 Ferry Wharf "
                    "was evicted for arrears.\n")
    summary = ingest([path], Settings(), access="public")
    assert summary.results[0].notes == ("stored as public but paragraph 2 states exempt: "
                                        "those paragraphs are shown only to deployments "
                                        "cleared for it",)
    public = Assistant(Settings())
    texts = [p.text for p in public.library.paragraphs(summary.results[0].doc_id)]
    assert texts == ["The council built 40 homes at Ferry Wharf."]
    answer = public.ask("Who was evicted at Ferry Wharf?")
    assert "evicted" not in answer.text + " ".join(p.paragraph.text for p in answer.passages)
    cleared = Library(Settings(access="exempt"))
    assert len(cleared.paragraphs(summary.results[0].doc_id)) == 2


def test_reads_check_text_even_where_the_stored_rank_misses_it(tmp_path: Path,
                                                               data_dir: Path) -> None:
    """A library written before paragraph ranks covered what a paragraph states: every read
    checks the text itself, and a title stating a level hides its whole document."""
    (tmp_path / "old.md").write_text("# Depot sale\n\n1. The depot closes in June.\n\n"
                                     "2. Strictly confidential: the buyer pays £90,000.\n")
    (tmp_path / "titled.md").write_text("# CONFIDENTIAL - Depot buyer\n\n1. The buyer is "
                                        "Marlow Estates.\n")
    ingest([tmp_path], Settings(), access="public")
    library = Library(Settings())
    rows = library._paragraphs.get(include=["metadatas"])
    library._paragraphs.update(ids=rows["ids"], metadatas=[
        {**m, "access_rank": 0} for m in rows["metadatas"]])
    documents = library._documents.get(include=["metadatas"])
    library._documents.update(ids=documents["ids"], metadatas=[  # titled as before the
        {**m, "access_rank": 0,  # title finder skipped statements
         "title": "CONFIDENTIAL - Depot buyer" if m["file_name"] == "titled.md" else m["title"]}
        for m in documents["metadatas"]])
    assert [d.file_name for d in library.documents()] == ["old.md"]
    shown = [p.text for p, _ in library.export()]
    assert shown == ["The depot closes in June."]
    assert carried_level("Strictly confidential: the buyer pays £90,000.") == "confidential"


PACK = [
    ["AGENDA", "Cabinet, 4 March 2024", "1. Apologies", "2. Library opening hours",
     "3. Sale of the Quarry depot"],
    ["Minutes of the meeting held on 5 February 2024",
     "1. Apologies were received from Cllr Hart.",
     "2. The minutes of the last meeting were agreed."],
    ["Agenda Item 2", "Title of report: Library opening hours",
     "1. Libraries will open until 8pm on Thursdays from April."],
    ["Agenda Item 3", "Report title: Sale of the Quarry depot",
     "EXEMPT INFORMATION - NOT FOR PUBLICATION",
     "By virtue of paragraph 3 of Part 1 of Schedule 12A of the Local Government Act 1972.",
     "1. The Quarry depot is to be sold to Marlow Estates for £812,000."],
    ["2. Completion is expected in June, subject to the Marlow Estates survey."],
    ["Agenda Item 4", "Title of report: Parks maintenance",
     "1. Grass cutting moves to a six-week cycle in the summer."],
    ["Agenda Item 5", "Report title: Allotments", "1. Allotment rents rise by 3%."],
]


def test_a_restricted_report_bound_into_a_public_pack_is_withheld(tmp_path: Path,
                                                                  data_dir: Path) -> None:
    """A report stating its level at the head of its first page, past the pack's opening
    pages: its pages are withheld below that level, the rest of the pack is public."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    path = tmp_path / "pack.pdf"
    canvas = Canvas(str(path), pagesize=A4, invariant=1)
    for lines in PACK:
        for row, line in enumerate(lines):
            canvas.drawString(50, 800 - 40 * row, line)
        canvas.showPage()
    canvas.save()
    summary = ingest([path], Settings())
    result = summary.results[0]
    assert result.notes == ("pages 4-5 state exempt ('EXEMPT INFORMATION - NOT FOR "
                            "PUBLICATION'): their paragraphs are shown only to deployments "
                            "cleared for it",)
    public = Library(Settings())
    assert public.documents()[0].meta.access == "public"
    shown = " ".join(p.text for p in public.paragraphs(result.doc_id))
    assert "Thursdays" in shown and "six-week" in shown and "Marlow" not in shown
    cleared = " ".join(p.text for p in Library(Settings(access="exempt")).paragraphs(
        result.doc_id))
    assert "£812,000" in cleared and "survey" in cleared
    from eval.pipelines import NaiveLangChainPipeline

    naive = NaiveLangChainPipeline(Settings(), [])  # reads files: never one with pages withheld
    assert not naive.store.similarity_search("Marlow Estates", k=4)
    assistant = Assistant(Settings())
    assert assistant.original(result.doc_id) is None  # the file holds the withheld pages
    assert assistant.page_image(result.doc_id, 3) is None
    assert Assistant(Settings(access="exempt")).original(result.doc_id) is not None


def test_a_scanned_cover_with_nothing_stated_elsewhere_is_stored_exempt(tmp_path: Path) -> None:
    from PIL import Image
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    from ingest.parse import parse_file

    cover = tmp_path / "cover.png"
    Image.new("RGB", (400, 560), "white").save(cover)
    for name, second_page in (("scanned.pdf", "1. The depot sale completes in June."),
                              ("stated.pdf", "Classification: Unrestricted")):
        canvas = Canvas(str(tmp_path / name), pagesize=A4, invariant=1)
        canvas.drawImage(str(cover), 50, 200, 400, 560)
        canvas.showPage()
        canvas.drawString(50, 800, second_page)
        canvas.drawString(50, 760, "2. Members noted the report.")
        canvas.save()
    scanned = parse_file(tmp_path / "scanned.pdf")
    assert scanned.document.meta.access == "exempt"
    assert scanned.notes[0].startswith("stored as exempt: page 1 is an image without text")
    assert parse_file(tmp_path / "stated.pdf").document.meta.access == "public"
