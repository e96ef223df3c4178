"""The bundled samples parse as their layouts promise, the generator doubles as a fixture
factory, and the real packaged model embeds offline."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.embedder import SentenceTransformerEmbedder, packaged_model_path
from assistant.settings import DEFAULT_EMBEDDING_MODEL
from samples.content import SAMPLES as SAMPLE_CONTENT
from samples.generate import render_markdown, render_pdf
from tests.conftest import SAMPLES
from tests.helpers import by_label, parsed


def test_report_sample_drops_running_header_and_footer_and_keeps_pages() -> None:
    doc = parsed(SAMPLES / "northshire-csp-annual-review-2024.pdf")
    every = "\n".join(p.text for p in doc.paragraphs)
    assert "Northshire County Council – Cabinet – 14 March 2024" not in every
    assert "Page 1 of 2" not in every and "Northshire CSP Annual Review 2023-24" not in every
    [para] = by_label(doc, "4.3")
    assert para.page == 2
    assert para.text.endswith("a) a night-time economy safety charter for licensed premises;\n"
                              "b) bystander training for staff in bars and on late-night "
                              "transport; and\nc) a single referral pathway for stalking "
                              "victims.")
    [bullets] = by_label(doc, "3.2")
    assert bullets.text.count("\n• ") == 4


def test_table_sample_rows_continue_across_pages() -> None:
    doc = parsed(SAMPLES / "riverton-safer-streets-progress-2023-24.pdf")
    rows = [p for p in doc.paragraphs if p.kind == "table_row"]
    assert len(rows) == 11
    assert {r.page for r in rows} == {1, 2}
    assert all(r.heading_path == ("Progress against the strategy's actions",) for r in rows)
    assert rows[0].text == (
        "Priority: Reduce violent crime\nAction: Deliver targeted patrols in the evening economy "
        "hot spots identified by the violence problem profile.\nLead Agency: Riverton Police\n"
        "Update: Operation Lantern patrols ran every Friday and Saturday night from May to "
        "September 2023. Violence with injury in the city centre fell by 12% compared with the "
        "same months of 2022.")


def test_minutes_sample_skips_the_blank_page() -> None:
    doc = parsed(SAMPLES / "eastvale-oscom-minutes-2024-02-05.pdf")
    assert doc.document.pages == 3
    assert [p.label for p in doc.paragraphs if p.kind == "minutes_item"] == ["41", "42", "43",
                                                                             "44"]
    [work] = by_label(doc, "44")
    assert work.page == 3
    assert "intentionally" not in "\n".join(p.text for p in doc.paragraphs)


def test_generator_builds_new_layouts_as_a_fixture_factory(tmp_path: Path) -> None:
    blocks = [("title", "Westmoor Council"), ("heading", "1. Purpose")]
    blocks += [("para", f"1.{n}", f"Paragraph {n} on patrol numbers in Westmoor town centre, "
                                  "which the partnership reviews every quarter. " * 3)
               for n in range(1, 31)]
    sample = {"file": "westmoor", "header": "Westmoor Council – Scrutiny Board",
              "footer": "Westmoor", "blocks": blocks}
    path = render_pdf(sample, tmp_path / "westmoor.pdf")
    doc = parsed(path)
    assert doc.document.pages >= 3
    assert [p.label for p in doc.paragraphs if p.label] == [f"1.{n}" for n in range(1, 31)]
    assert "Scrutiny Board" not in "\n".join(p.text for p in doc.paragraphs)
    assert doc.document.meta.committee == "Scrutiny Board"


def test_committed_samples_match_their_markdown_sources() -> None:
    sources = SAMPLES.parent / "sources"
    for sample in SAMPLE_CONTENT:
        assert (sources / f"{sample['file']}.md").read_text() == render_markdown(sample)
        assert (SAMPLES / f"{sample['file']}.pdf").is_file()


@pytest.fixture(scope="module")
def real_model() -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder(DEFAULT_EMBEDDING_MODEL)


def test_packaged_model_loads_offline_from_its_local_path(real_model, monkeypatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert Path(packaged_model_path()).is_dir()
    assert real_model.dimension == 384
    bed, beds, budget = real_model.embed([
        "The 19 bed spaces for victims of domestic abuse will be available until March 2021.",
        "How many refuge beds are there for domestic abuse victims?",
        "The capital programme for highways maintenance is £2.1bn over ten years."])
    similarity = sum(a * b for a, b in zip(bed, beds, strict=True))
    unrelated = sum(a * b for a, b in zip(beds, budget, strict=True))
    assert similarity > unrelated + 0.2
    assert abs(sum(v * v for v in bed) - 1.0) < 1e-4


def test_a_missing_local_model_is_a_clear_error(monkeypatch) -> None:
    from click.testing import CliRunner

    from ui.cli import main

    monkeypatch.setenv("SCRUTINEER_EMBEDDING_MODEL", "/no/such/model")
    result = CliRunner().invoke(main, ["ingest", str(SAMPLES)])
    assert result.exit_code == 1
    assert "Cannot load embedding model '/no/such/model' (no such local path; nothing is " \
           "downloaded)" in result.output
