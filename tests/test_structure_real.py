"""Exact structure on real documents: the five seed reports and Kent County Council PDFs."""

from __future__ import annotations

import re

import pytest

from tests.conftest import KENT, SEEDS, needs_kent, needs_seeds
from tests.helpers import by_label, containing, parsed

JOS = SEEDS / "004_290da240f6015a2f.txt"
HAMPSHIRE = SEEDS / "000_513ff26eba445388.txt"
SOUTHAMPTON = SEEDS / "001_2e9e71ebdc7d68ef.txt"
PACK = SEEDS / "002_47a57ccbc947807c.txt"
TEST_VALLEY = SEEDS / "003_13839a5041a4a226.txt"
KENT_PACK = KENT / "cabinet/2025-01-30/public_packs/Item 7 - Supplementary - 2400109 - " \
                   "Transfer the 18-25 section of the Strengthening Independence Ser.pdf"
KENT_ICS = KENT / "cabinet/2025-01-30/originals/24-00115 - Adoption of Integrated Care " \
                  "Strategy delivery plan - Report.pdf"
KENT_MINUTES = KENT / "cabinet/2025-01-30/originals/Printed minutes 30th-Jan-2025 10.00 " \
                      "Cabinet.pdf"


@needs_seeds
def test_jos_paragraph_4_29_is_one_chunk_under_satellite_accommodation() -> None:
    doc = parsed(JOS)
    [paragraph] = by_label(doc, "4.29")
    assert "The 19 bed spaces distributed across the County" in paragraph.text
    assert paragraph.text.startswith("With funding from Suffolk Public Health")
    assert "Satellite Accommodation" in paragraph.heading_path
    assert paragraph.heading_path[0] == "4. KEY INFORMATION"
    assert paragraph.page is None


@needs_seeds
def test_jos_document_metadata() -> None:
    document = parsed(JOS).document
    assert document.meta.report_ref == "JOS/20/17"
    assert document.meta.meeting_date == "2021-03-22"
    assert document.meta.committee == "Joint Overview and Scrutiny Committee"
    assert document.meta.council == "Babergh District Council; Mid Suffolk District Council"
    assert document.meta.doc_type == "report"
    assert document.title == "Review of Western Suffolk Community Safety Partnership (WSCSP)"
    assert document.meta.author.startswith("Vicky Moseley")


@needs_seeds
def test_jos_bullets_belong_to_their_numbered_paragraph() -> None:
    doc = parsed(JOS)
    [paragraph] = by_label(doc, "4.19")
    assert paragraph.text.count("•") == 5
    assert "• are in conflict with other, similar, gangs." in paragraph.text
    [themes] = by_label(doc, "4.36")
    assert "• Improve the quality of investigations" in themes.text


@needs_seeds
def test_jos_labels_run_in_order_without_gaps() -> None:
    labels = [p.label for p in parsed(JOS).paragraphs if p.label.startswith("4.")]
    assert labels == [f"4.{n}" for n in range(1, 57)]


@needs_seeds
def test_hampshire_paragraph_11_keeps_its_bullets_and_sub_headings() -> None:
    doc = parsed(HAMPSHIRE)
    parts = by_label(doc, "11")
    text = "\n".join(p.text for p in parts)
    assert "Breaking drug supply chains" in text
    assert "• disruption of county lines" in text
    assert "• protecting vulnerable adults from cuckooing" in text
    assert "• build partnerships with local housing services" in text
    assert all(p.heading_path[-1] == "Hampshire Combating Drugs Partnership" for p in parts)
    assert containing(doc, "disruption of county lines")[0].label != ""


@needs_seeds
def test_hampshire_metadata_from_the_decision_report_cover() -> None:
    document = parsed(HAMPSHIRE).document
    assert document.meta.council == "Hampshire County Council"
    assert document.meta.committee == "Cabinet"
    assert document.meta.meeting_date == "2023-12-02"
    assert document.title == "Hampshire Community Safety Strategy Group"
    assert document.meta.author == "Robert Ormerod"
    assert document.meta.doc_type == "report"


@needs_seeds
def test_hampshire_priority_headings_nest_their_subsections() -> None:
    doc = parsed(HAMPSHIRE)
    [nine] = by_label(doc, "9")
    assert nine.heading_path == (
        "Priority 1: Exploitation, serious violence and drug related harm through organised "
        "crime", "Violence Reduction Unit (VRU)")
    [eighteen] = by_label(doc, "18")
    assert eighteen.heading_path[0].startswith("Priority 3: Hate related offences")


@needs_seeds
def test_southampton_progress_table_rows_are_chunks_with_priority_action_and_lead() -> None:
    doc = parsed(SOUTHAMPTON)
    rows = [p for p in doc.paragraphs if p.kind == "table_row"]
    assert len(rows) == 23
    first = rows[0].text.split("\n")
    assert first[0] == "Priority: Reduce crime, reoffending and antisocial behaviour"
    assert first[1].startswith("Action: Continue to raise awareness and improve communication")
    assert first[2] == "Lead Agency: All"
    assert first[3].startswith("Update: Housing Staff raise this")
    hate = [r for r in rows if "victims of hate crime the confidence" in r.text]
    assert len(hate) == 1
    assert "Action: Support communities to give victims of hate crime the confidence to " \
           "report incidents, and ensure this crime data is monitored to identify trends." \
           in hate[0].text
    assert "Lead Agency: Hampshire Constabulary" in hate[0].text
    drugs = [r for r in rows if "Implement the Drugs Strategy" in r.text]
    assert "Priority: Reduce the harm caused by drugs and alcohol" in drugs[0].text
    assert all(r.text.startswith("Priority: ") for r in rows)


@needs_seeds
def test_southampton_rows_continuing_over_a_page_stay_one_row() -> None:
    doc = parsed(SOUTHAMPTON)
    parts = [p for p in doc.paragraphs if "reduce children's use of weapons" in p.text]
    assert [p.part for p in parts] == [1, 2] and all(p.parts == 2 for p in parts)
    assert parts[0].para_id.endswith("~1") and parts[1].para_id.endswith("~2")
    assert "continue with the PYP strategy" in parts[0].text
    assert "violence reduction summit on 6th February 2020" in parts[1].text
    for part in parts:  # every part says which row it is
        assert "Lead Agency: Youth Offending Service" in part.text
        assert part.text.startswith("Priority: Reducing Youth Crime\nAction: Work "
                                    "collaboratively to reduce children's use of weapons")


@needs_seeds
def test_agenda_pack_parts_are_recognised_and_titled() -> None:
    doc = parsed(PACK)
    assert doc.document.meta.doc_type == "agenda pack"
    assert doc.document.parts[:3] == (
        "Agenda", "Minutes of the meeting held on 13 June 2023",
        "Report: Performance Review of the Safer North Hampshire Community Safety Partnership "
        "(CSP) 2023 - 2024")
    assert "Appendix 3 – Glossary" in doc.document.parts
    [minute] = [p for p in doc.paragraphs if "appointed Chairman for the meeting" in p.text]
    assert minute.kind == "minutes_item" and minute.label == "2"
    assert minute.part_title == "Minutes of the meeting held on 13 June 2023"
    [sceptre] = [p for p in doc.paragraphs if p.text.startswith("Op SCEPTRE")
                 or "• Op SCEPTRE – specific to knife crime prevention" in p.text]
    assert sceptre.part_title.startswith("Appendix 4 – Safer North Hampshire CSP")
    [crimes] = [p for p in doc.paragraphs if "24,752 crimes were recorded" in p.text]
    assert crimes.label == "2.2" and crimes.part_title.startswith("Appendix 1")


@needs_seeds
def test_agenda_pack_minutes_item_keeps_its_discussion_bullets() -> None:
    doc = parsed(PACK)
    items = [p for p in doc.paragraphs if p.label == "7" and p.kind == "minutes_item"]
    text = "\n".join(p.text for p in items)
    assert "• Data showed a reduction in most serious crime of 9% and in knife crime of 11% " \
           "in the Hampshire area." in text
    assert [p.part for p in items] == list(range(1, len(items) + 1))


@needs_seeds
def test_test_valley_report_metadata_from_its_footer_table() -> None:
    doc = parsed(TEST_VALLEY)
    meta = doc.document.meta
    assert (meta.committee, meta.meeting_date, meta.author) == ("OSCOM", "2019-10",
                                                                 "Andrew Pilley")
    assert meta.council == "Test Valley Borough Council"
    assert meta.exempt is False and meta.classification == "Not exempt"
    [knife] = by_label(doc, "2.15")
    assert knife.text.startswith("Knife Crime: The CSMG is currently working with the Police")
    assert knife.heading_path == ("2. Context",)


@needs_kent
def test_kent_decision_report_paragraphs_carry_pages_and_no_running_text() -> None:
    doc = parsed(KENT_PACK)
    [para] = by_label(doc, "1.2")
    assert para.page == 4
    assert para.text.startswith("The Strengthening Independence Service (SIS) currently "
                                "oversees Transitions between 18-25")
    assert "As of January 2025, the 18-25 section of the Strengthening Independence Service " \
           "were working with 925 young adults." in para.text
    every = "\n".join(p.text for p in doc.paragraphs)
    assert "intentionally left blank" not in every
    assert not re.search(r"(?m)^(Page \d+|Agenda Item \d+)$", every)
    assert doc.document.meta.report_ref == "24/00109"
    assert doc.document.meta.classification == "Unrestricted"


@needs_kent
def test_kent_report_numbered_headings_form_the_heading_path() -> None:
    doc = parsed(KENT_ICS)
    [para] = by_label(doc, "1.3.1")
    assert para.heading_path == ("1. Summary of Approach", "1.3 How the delivery plan can be "
                                 "used and is intended to be implemented")
    assert para.page == 2
    [later] = by_label(doc, "3.2")
    assert later.page == 4
    meta = doc.document.meta
    assert (meta.council, meta.committee, meta.meeting_date, meta.report_ref) == (
        "Kent County Council", "Cabinet", "2025-01-30", "24/00115")
    assert doc.document.title == "Kent County Council Integrated Care Strategy (KCC ICS) " \
                                 "Delivery Plan"


@needs_kent
def test_kent_printed_minutes_items() -> None:
    doc = parsed(KENT_MINUTES)
    meta = doc.document.meta
    assert (meta.committee, meta.meeting_date, meta.doc_type) == ("Cabinet", "2025-01-30",
                                                                  "minutes")
    [apologies] = [p for p in doc.paragraphs if "Apologies were received from Mrs C Bell" in p.text]
    assert apologies.label == "84"
    assert apologies.heading_path[-1].startswith("84. Apologies")


@pytest.mark.parametrize("path", [JOS, HAMPSHIRE, SOUTHAMPTON, PACK, TEST_VALLEY])
@needs_seeds
def test_paragraph_ids_are_unique_and_stable(path) -> None:
    from ingest.parse import parse_file

    first = [p.para_id for p in parse_file(path).paragraphs]
    again = [p.para_id for p in parse_file(path).paragraphs]
    assert first == again
    assert len(set(first)) == len(first)
