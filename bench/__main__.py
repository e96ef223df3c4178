"""`make bench`: ingest, embedding, re-ingest, query latency at growing library sizes (embedded
store and a `chroma run` server), the naive LangChain pipeline and concurrent askers.
Writes bench/results.json and bench/results.md and prints the table.

Usage: python -m bench [--sizes 10000,100000,1000000] [--questions 200] [--corpus DIR]"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant.settings import Settings
from bench.measure import KENT, ROOT
from bench.report import table, targets
from bench.server import ServerError, chroma_server

HERE = Path(__file__).resolve().parent


def stage(name: str, logs: Path, **arguments: Any) -> dict[str, Any]:
    """Run one stage in its own process and return what it reported."""
    print(f"[bench] {name} {json.dumps(arguments)}", flush=True)
    started = time.perf_counter()
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
           "ANONYMIZED_TELEMETRY": "False", "TOKENIZERS_PARALLELISM": "false"}
    log = logs / f"{name}-{int(time.time() * 1000)}.log"
    with log.open("w") as err:
        done = subprocess.run([sys.executable, "-m", "bench.stages", name, json.dumps(arguments)],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=err, text=True)
    if done.returncode != 0:
        raise SystemExit(f"bench stage {name} failed; see {log}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"[bench]   {time.perf_counter() - started:.0f} s: {json.dumps(result)[:300]}",
          flush=True)
    return result


def machine() -> dict[str, Any]:
    memory = Path("/proc/meminfo").read_text().split()[1]
    return {"cores": os.cpu_count(), "memory_gb": round(int(memory) / 1024 / 1024, 1),
            "python": platform.python_version(), "platform": platform.platform()}


def run(sizes: list[int], count: int, work: Path, corpus: Path, out: Path,
        budget: float) -> dict[str, Any]:
    backend = Settings().embedding_backend
    logs = work / "logs"
    shutil.rmtree(work, ignore_errors=True)
    logs.mkdir(parents=True)
    kent = str(work / "kent")
    results: dict[str, Any] = {"started": datetime.now(UTC).isoformat(timespec="seconds"),
                               "machine": machine(), "backend": backend, "corpus": str(corpus),
                               "complete": False, "sizes": {}}
    results["ingest"] = stage("ingest", logs, data_dir=kent, corpus=str(corpus))
    results["reingest"] = stage("reingest", logs, data_dir=kent, corpus=str(corpus))
    results["embedding"] = {backend: stage("embed", logs, data_dir=kent, backend=backend)}
    for other in ("torch", "onnx-int8"):  # the other backends on a sample, for the speed-up
        if other != backend:
            results["embedding"][other] = stage("embed", logs, data_dir=kent, backend=other,
                                                limit=1500)
    save(results, out)
    results["sizes"]["kent"] = stage("query", logs, data_dir=kent, count=count)
    results["naive"] = stage("naive", logs, data_dir=kent, count=count, corpus=str(corpus))
    save(results, out)
    scale = work / "scale"
    shutil.copytree(kent, scale, ignore=shutil.ignore_patterns("naive-langchain"))
    for size in sizes:
        reason = over_budget(results, size, budget)
        if reason:
            results["sizes"][str(size)] = {"skipped": reason}
            continue
        filled = stage("fill", logs, data_dir=str(scale), target=size)
        measured = stage("query", logs, data_dir=str(scale), count=count,
                         concurrency=8 if size == 100_000 else 0)
        results["sizes"][str(size)] = {**measured, "fill": filled}
        if size == 100_000:
            results["sizes"]["100000-server"] = server_query(scale, logs, count)
        save(results, out)
    results["complete"] = True
    return results


def over_budget(results: dict[str, Any], size: int, budget: float) -> str:
    """Why growing to ``size`` would overrun the time budget (empty when it fits), projected
    from the last growth's insert rate and index build time."""
    fills = [at["fill"] for at in results["sizes"].values() if "fill" in at]
    if not fills or not budget:
        return ""
    last = fills[-1]
    rate = max(last["paragraphs_per_s"], 1)
    needed = (size - last["paragraphs"]) / rate + last["lexical_index_s"] * size / \
        last["paragraphs"] + 120
    left = budget * 60 - (time.perf_counter() - STARTED)
    if needed <= left:
        return ""
    return (f"growing to {size:,} paragraphs needs about {needed / 60:.0f} min at the measured "
            f"{rate:,} paragraphs/s and index build time, {max(left, 0) / 60:.0f} min of the "
            f"{budget:.0f}-minute budget are left (python -m bench --budget 0 runs it anyway)")


def save(results: dict[str, Any], out: Path) -> None:
    """Write what has been measured so far (a stopped run keeps its figures)."""
    results["seconds"] = round(time.perf_counter() - STARTED)
    out.write_text(json.dumps(results, indent=2) + "\n")


def server_query(scale: Path, logs: Path, count: int) -> dict[str, Any]:
    """The same questions against a `chroma run` server serving the same store."""
    try:
        with chroma_server(scale / "chroma", logs / "chroma-server.log") as url:
            return stage("query", logs, data_dir=str(scale), chroma_url=url, count=count)
    except ServerError as exc:
        return {"error": str(exc)}


STARTED = time.perf_counter()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--work", type=Path, default=HERE / "work")
    parser.add_argument("--out", type=Path, default=HERE / "results.json")
    parser.add_argument("--budget", type=float, default=30, help="minutes; a library size whose "
                        "growth would overrun it is skipped and says so (0: no budget)")
    parser.add_argument("--corpus", type=Path, default=KENT,
                        help="the real documents ingested and queried (default: Kent's PDFs)")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        raise SystemExit(f"No corpus at {args.corpus}: the benchmark needs ../shared (or "
                         f"--corpus FOLDER).")
    results = run([int(s) for s in args.sizes.split(",") if s], args.questions, args.work,
                  args.corpus.resolve(), args.out, args.budget)
    results["targets"] = targets(results)
    save(results, args.out)
    text = table(results)
    args.out.with_suffix(".md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
