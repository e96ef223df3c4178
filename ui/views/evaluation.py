"""Evaluation: run a test set through pipelines against the library, read the same report as
`scrutineer eval run`, browse failures, and compare earlier runs."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import streamlit as st

from assistant.settings import get_settings
from eval.pipelines import PIPELINES
from eval.report import headline_points, latency_points, tables_html
from ui.resources import guarded

settings = guarded(get_settings)
SHIPPED = Path(__file__).resolve().parent.parent.parent / "eval" / "data"
RUNS = settings.data_dir / "eval-runs"
st.title("Evaluation")
st.caption("Measure retrieval, citation accuracy, grounding and abstention on a test set, "
           "for the library as it is now. Formulas: docs/evaluation.md.")

shipped = sorted(p.name for p in SHIPPED.glob("*.jsonl") if p.name != "calibration.jsonl")
choice = st.selectbox("Test set", ["(upload)", *shipped], key="testset",
                      index=1 + shipped.index("samples.jsonl") if "samples.jsonl" in shipped
                      else 0)
upload = st.file_uploader("Test set (JSONL or CSV)", type=["jsonl", "csv"], key="upload") \
    if choice == "(upload)" else None
pipelines = st.multiselect("Pipelines", list(PIPELINES), default=["scrutineer"], key="pipelines")

if st.button("Run", type="primary", disabled=not pipelines or (choice == "(upload)"
                                                                and upload is None)):
    from eval.runner import run

    RUNS.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    out = next(RUNS / f"{stamp}{f'-{n}' if n else ''}" for n in range(100)
               if not (RUNS / f"{stamp}{f'-{n}' if n else ''}").exists())
    out.mkdir()
    if upload is not None:
        testset = out / Path(upload.name).name
        testset.write_bytes(upload.getvalue())
    else:
        testset = SHIPPED / choice
    bar = st.progress(0.0, text="Starting…")

    def progress(name: str, done: int, total: int) -> None:
        bar.progress(done / total, text=f"{name}: {done} of {total} questions")

    guarded(lambda: run(testset, settings.data_dir, pipelines, out, progress))
    st.session_state["shown_run"] = out.name

runs = sorted((p.name for p in RUNS.glob("*") if (p / "summary.json").exists()), reverse=True) \
    if RUNS.is_dir() else []
if not runs:
    st.info("No runs yet: pick a test set and pipelines, then Run.")
    st.stop()

shown = st.selectbox("Run", runs, key="run",
                     index=runs.index(st.session_state.get("shown_run", runs[0]))
                     if st.session_state.get("shown_run") in runs else 0)
folder = RUNS / shown
summary = json.loads((folder / "summary.json").read_text())
rows = [json.loads(line) for line in (folder / "results.jsonl").read_text().splitlines()]
tables = tables_html(summary, rows)  # the same tables as report.html; charts drawn natively
st.subheader("Headline metrics")
st.bar_chart(pd.DataFrame(headline_points(summary)), x="metric", y="value", color="pipeline",
             stack=False)
st.subheader("Side by side")
st.html(tables["Side by side"])
st.subheader("Latency")
st.scatter_chart(pd.DataFrame(latency_points(rows)), x="latency_ms", y="pipeline",
                 color="pipeline")
st.subheader("By tag")
st.html(tables["By tag"])
with st.expander("Failures: gold next to what was cited"):
    st.html(tables["Failures: gold next to what was cited"])
st.subheader("Questions")
only_failures = st.checkbox("Only failures", value=True, key="failures")
table = []
for row in rows:
    metrics = row["metrics"]
    failed = metrics.get("citation_f1", 1) < 1 or metrics.get("answer_correct", 1) < 1 or \
        metrics.get("abstention_correct", 1) < 1
    if only_failures and not failed:
        continue
    table.append({"pipeline": row["pipeline"], "id": metrics["id"],
                  "question": row["item"]["question"],
                  "citation_f1": metrics.get("citation_f1"), "hit@5": metrics.get("hit@5"),
                  "abstained": metrics["abstained"],
                  "cited": "; ".join(f"{c['doc']} {c['para']}" for c in
                                     row["answer"].get("citations", [])),
                  "gold": "; ".join(f"{e['doc']} {e['para']}" for e in row["item"]["evidence"])})
st.dataframe(table, hide_index=True, width="stretch")

if len(runs) >= 2:
    from eval.runner import compare

    st.subheader("Compare two runs")
    first = st.selectbox("Before", runs, index=1, key="before")
    second = st.selectbox("After", runs, index=0, key="after")
    changes = compare(RUNS / first, RUNS / second)
    st.dataframe([{"pipeline": p, "metric": m, "better": len(e["better"]),
                   "worse": len(e["worse"]), "same": e["same"], "p": e["p_value"]}
                  for p, metrics in changes.items() for m, e in metrics.items()],
                 hide_index=True, width="stretch")
