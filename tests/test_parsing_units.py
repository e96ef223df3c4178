"""Parsing pieces on small made-up inputs: cleaning, wraps, labels, dates, tables, Word."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.blocks import build_blocks, heading_like
from ingest.clean import clean, strip_markup
from ingest.dates import find_date
from ingest.labels import expected_next, parse_label
from ingest.pages import PageText, RawDocument
from ingest.parse import parse_file
from ingest.tables import table_rows


def pages(*texts: str) -> RawDocument:
    return RawDocument(tuple(PageText(i, t) for i, t in enumerate(texts, start=1)), paged=True)


def body(raw: RawDocument) -> list[str]:
    return [line.text for line in clean(raw) if not line.blank]


def test_running_headers_footers_and_page_numbers_are_dropped() -> None:
    words = ["Patrols increased.", "Arrests fell.", "Schools joined.", "Funding agreed."]
    raw = pages(*[f"Cabinet – 14 March 2024\n{w}\nPage {n} of 4\n"
                  for n, w in enumerate(words, start=1)])
    assert body(raw) == words


@pytest.mark.parametrize("number", ["7", "- 7 -", "Page 7", "Page 7 of 54", "7 of 54",
                                    "7 | P a g e", "vii"])
def test_page_number_lines_are_dropped(number: str) -> None:
    raw = pages("Title\nFirst page body.\n1", f"Second page body.\n{number}")
    assert body(raw) == ["Title", "First page body.", "Second page body."]


def test_blank_pages_are_dropped_with_their_stamps() -> None:
    raw = pages("Report body.", "This page is intentionally left blank\nPage 2", "More body.")
    assert body(raw) == ["Report body.", "More body."]


def test_markup_from_text_conversions_is_removed() -> None:
    assert strip_markup("- 4.12 **Domestic Homicide reviews:** including") == \
        "- 4.12 Domestic Homicide reviews: including"
    assert strip_markup("[Council meetings](#) and <u>Document</u>") == \
        "Council meetings and Document"
    assert strip_markup("*A total of 711 referrals.*") == "A total of 711 referrals."
    assert strip_markup("<p>Risk</p>\t<p>Likely</p>") == "Risk\tLikely"


def _texts(*lines: str, paged: bool = True) -> list[tuple[str, str, str]]:
    raw = RawDocument((PageText(1, "\n".join(lines)),), paged=paged)
    return [(b.kind, b.label, b.text) for b in build_blocks(clean(raw), paged)]


def test_hard_wraps_are_joined_and_hyphenation_repaired() -> None:
    blocks = _texts(
        "4.1 The partnership commissioned a strategic assessment of organ-",
        "isation and community-",
        "based services in 2023. It found that anti-social behaviour had",
        "fallen. Organisation matters.",
        "4.2 Next paragraph.")
    assert blocks[0] == ("numbered", "4.1", "The partnership commissioned a strategic "
                         "assessment of organisation and community-based services in 2023. It "
                         "found that anti-social behaviour had fallen. Organisation matters.")
    assert blocks[1] == ("numbered", "4.2", "Next paragraph.")


def test_a_number_in_a_wrapped_line_is_not_a_paragraph_label() -> None:
    blocks = _texts("3.2 The population of the district grew to", "1.5 million people in 2021.",
                    "3.3 The next paragraph.")
    assert [b[1] for b in blocks] == ["3.2", "3.3"]
    assert blocks[0][2].endswith("grew to 1.5 million people in 2021.")


def test_dates_at_line_start_are_not_labels() -> None:
    blocks = _texts("Cabinet", "2 December 2023", paged=False)
    assert [b[0] for b in blocks] == ["text", "text"]


def test_labels_parse_and_predict_their_successors() -> None:
    assert parse_label("4.29").parts == (4, 29)
    assert parse_label("1.").printed == "1"
    assert parse_label("(3)").printed == "(3)"
    assert parse_label("2.4.2").is_child_of(parse_label("2.4"))
    assert {"4.30", "4.29.1", "5", "5.1"} <= expected_next("4.29")
    assert "1.5" not in expected_next("3.2")


@pytest.mark.parametrize(("text", "iso"), [
    ("DATE OF MEETING: 22 March 2021", "2021-03-22"),
    ("Monday, 9th September, 2024, at 7.00 pm", "2024-09-09"),
    ("Cabinet - 30 January 2025", "2025-01-30"),
    ("CHAIRS REPORT – 09/09/2024", "2024-09-09"),
    ("held on Thursday, 30 January 2025.", "2025-01-30"),
    ("Sept 3, 2023", "2023-09-03"),
])
def test_dates_as_councils_print_them(text: str, iso: str) -> None:
    assert find_date(text) == iso


def test_month_only_dates_when_allowed() -> None:
    assert find_date("October 2019") is None
    assert find_date("October 2019", allow_month_only=True) == "2019-10"


def test_heading_like() -> None:
    assert heading_like("Satellite Accommodation")
    assert heading_like("Priority 1: Exploitation, serious violence")
    assert heading_like("Recommendation(s):")
    assert not heading_like("The meeting closed at 8.51 pm.")
    assert not heading_like("Email: someone@council.gov.uk")
    assert not heading_like("8 - 31")


def test_table_rows_merge_wrapped_cells_and_skip_repeated_headers() -> None:
    rows = table_rows([
        (1, ["Priority", "Action", "Lead Agency", "Update"]),
        (1, ["Reduce harm", "Work with the Health and Wellbeing", "All", "Started."]),
        (1, ["", "Board to monitor the strategy.", "", "Going well."]),
        (2, ["Priority", "Action", "Lead Agency", "Update"]),
        (2, ["", "", "", "Continued on the next page."]),
        (2, ["", "Second action.", "Hampshire", "Done."]),
        (2, ["", "", "Constabulary", ""]),
    ])
    assert [r.text for r in rows] == [
        "Priority: Reduce harm\nAction: Work with the Health and Wellbeing Board to monitor "
        "the strategy.\nLead Agency: All\nUpdate: Started. Going well. Continued on the next "
        "page.",
        "Priority: Reduce harm\nAction: Second action.\nLead Agency: Hampshire Constabulary\n"
        "Update: Done.",
    ]
    assert [r.page for r in rows] == [1, 2]


def test_word_documents_keep_headings_numbering_tables_and_bullets(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_heading("Eastvale Community Safety Briefing", level=1)
    document.add_paragraph("Report to: Overview and Scrutiny Committee")
    document.add_paragraph("Date of meeting: 5 February 2024")
    document.add_heading("Knife crime", level=2)
    document.add_paragraph("The partnership funded workshops in three schools.",
                           style="List Number")
    document.add_paragraph("Workshops reached 1,200 pupils.", style="List Number")
    document.add_paragraph("Street Doctors", style="List Bullet")
    table = document.add_table(rows=3, cols=4)
    for row, cells in zip(table.rows, [["Priority", "Action", "Lead Agency", "Update"],
                                       ["Knife crime", "Run workshops in every secondary school.",
                                        "Eastvale Borough Council", "Workshops ran in 9 of the "
                                        "11 schools; the other two follow in the summer term."],
                                       ["ASB", "Review PSPOs across the borough.",
                                        "Eastvale Police", "Consultation on renewing the town "
                                        "centre order closed with 800 responses."]],
                                      strict=True):
        for cell, value in zip(row.cells, cells, strict=True):
            cell.text = value
    path = tmp_path / "briefing.docx"
    document.save(str(path))
    parsed = parse_file(path)
    assert parsed.document.title == "Eastvale Community Safety Briefing"
    assert parsed.document.meta.meeting_date == "2024-02-05"
    assert parsed.document.meta.committee == "Overview and Scrutiny Committee"
    numbered = [(p.label, p.text) for p in parsed.paragraphs if p.label]
    assert numbered[:2] == [("1", "The partnership funded workshops in three schools."),
                            ("2", "Workshops reached 1,200 pupils.\n• Street Doctors")]
    assert next(p for p in parsed.paragraphs if p.label == "1").heading_path == ("Knife crime",)
    rows = [p for p in parsed.paragraphs if p.kind == "table_row"]
    assert len(rows) == 2 and rows[1].text.startswith("Priority: ASB\nAction: Review PSPOs")
