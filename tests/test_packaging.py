"""The wheel holds everything the commands read: built from a copy of the project, installed
into a fresh virtual environment (its dependencies taken from this one, nothing downloaded)
and run from outside the checkout: `--version`, `ingest`, `ask` and the app's health check,
with the app's pages, the evaluation sets and the fitted models read from the install."""

from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from tests.app_server import free_port, wait_healthy
from tests.conftest import ROOT, SAMPLES

SOURCES = ("pyproject.toml", "README.md", "assistant", "ingest", "ui", "eval")
NEEDED = ("ui/app.py", "ui/views/chat.py", "ui/views/library.py", "ui/views/evaluation.py",
          "eval/data/judge.json", "eval/data/samples.jsonl", "assistant/stages/decide.py",
          "assistant/ranker.json", "assistant/selector.json", "assistant/decider.json",
          "assistant/calibration.json")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's wheel, built from a copy (the checkout is left as it was)."""
    copy = tmp_path_factory.mktemp("source")
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns(
                "__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, copy / name)
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "--quiet", "--wheel-dir", str(out), str(copy)], check=True,
                   capture_output=True, timeout=300)
    [built] = out.glob("scrutineer_council_papers-*.whl")
    return built


def test_the_wheel_holds_the_pages_the_data_and_the_models(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert set(NEEDED) <= names
    assert {n.split("/")[0] for n in names} == {
        "assistant", "ingest", "ui", "eval", wheel.name.split("-py3")[0] + ".dist-info"}


def test_installed_from_the_wheel_it_ingests_answers_and_serves(wheel: Path,
                                                               tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install",
                    "--no-deps", "--no-index", "--quiet", str(wheel)], check=True,
                   capture_output=True, timeout=300)
    packages = Path(subprocess.run([str(python), "-c", "import site; print("
                                    "site.getsitepackages()[0])"], check=True,
                                   capture_output=True, text=True).stdout.strip())
    (packages / "dependencies.pth").write_text(site.getsitepackages()[0] + "\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SCRUTINEER_", "PYTHON"))}
    env.update(SCRUTINEER_DATA_DIR=str(tmp_path / "data"), HF_HUB_OFFLINE="1",
               TRANSFORMERS_OFFLINE="1", ANONYMIZED_TELEMETRY="False")
    work = tmp_path / "elsewhere"
    work.mkdir()

    def scrutineer(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(venv / "bin" / "scrutineer"), *args], cwd=work, env=env,
                              capture_output=True, text=True, timeout=600)

    where = subprocess.run([str(python), "-c", "import assistant, ui; print(assistant.__file__)"],
                           cwd=work, env=env, capture_output=True, text=True, check=True)
    assert where.stdout.startswith(str(venv))  # the installed copy, not the checkout
    version = scrutineer("--version")
    assert version.returncode == 0 and version.stdout.strip() == "scrutineer, version 0.1.0"
    ingested = scrutineer("ingest", "--json", str(SAMPLES))
    assert ingested.returncode == 0, ingested.stderr
    assert json.loads(ingested.stdout)["counts"] == {"added": 3}
    asked = scrutineer("ask", "--json",
                       "How many arrests did Operation Sceptre lead to in Northshire?")
    answer = json.loads(asked.stdout)
    assert not answer["abstained"] and "46 arrests" in answer["answer"]
    port = free_port()
    log = tmp_path / "ui.log"
    with log.open("w") as out:
        app = subprocess.Popen([str(venv / "bin" / "scrutineer"), "ui", "--port", str(port)],
                               cwd=work, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_healthy(f"http://127.0.0.1:{port}", time.monotonic() + 120, app, log)
    finally:
        app.terminate()
        app.wait(timeout=30)
    for name in NEEDED:
        assert (packages / name).is_file(), name
