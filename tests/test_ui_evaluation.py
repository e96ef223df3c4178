"""The evaluation page through AppTest: run the sample test set, see the report, compare."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.conftest import SAMPLES

PAGE = str(Path(__file__).resolve().parent.parent / "ui" / "views" / "evaluation.py")


def test_run_the_sample_test_set_and_compare_two_runs(data_dir: Path, monkeypatch) -> None:
    from ingest import ingest

    ingest([SAMPLES])
    app = AppTest.from_file(PAGE, default_timeout=300)
    app.run()
    assert not app.exception, app.exception
    assert app.info and "No runs yet" in app.info[0].value
    app.button[0].click().run()
    assert not app.exception, app.exception
    charts = app.get("vega_lite_chart")  # native charts: Streamlit strips inline SVG
    assert len(charts) == 2
    assert [s.value for s in app.subheader[:4]] == ["Headline metrics", "Side by side",
                                                     "Latency", "By tag"]
    assert not any("<svg" in h.proto.body for h in app.get("html"))
    assert any("<table>" in h.proto.body for h in app.get("html"))
    assert app.dataframe  # the per-question table
    runs = list((data_dir / "eval-runs").iterdir())
    assert len(runs) == 1 and (runs[0] / "report.html").exists()
    app.button[0].click().run()
    assert not app.exception, app.exception
    assert app.subheader[-1].value == "Compare two runs"
    compared = app.dataframe[-1].value
    assert set(compared["pipeline"]) == {"scrutineer"}
    # the same deterministic pipeline twice: nothing better, nothing worse
    assert (compared["better"] == 0).all() and (compared["worse"] == 0).all()
