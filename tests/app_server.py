"""The real app (`scrutineer ui`) on a free loopback port, for tests that drive it over HTTP:
started as a subprocess with the environment given, waited for, and stopped (killed when a
server busy with a session ignores SIGTERM)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_app(env: dict[str, str], log_path: Path, wait: float = 90) -> Iterator[str]:
    """`scrutineer ui` with ``env`` added to the environment; yields its URL once it answers
    its health check (failing with its log when it dies or does not answer within ``wait``)."""
    url = f"http://127.0.0.1:{free_port()}"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "ui.cli", "ui", "--port", url.rsplit(":", 1)[1]],
            env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
        try:
            wait_healthy(url, time.monotonic() + wait, process, log_path)
            yield url
        finally:
            stop(process)


def wait_healthy(url: str, deadline: float, process: subprocess.Popen, log_path: Path) -> None:
    """Return once the app at ``url`` answers its health check; fail at ``deadline``."""
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            if process.poll() is not None:
                pytest.fail(log_path.read_text())
            time.sleep(0.3)
    pytest.fail(f"the app at {url} did not start in time")


def stop(process: subprocess.Popen) -> None:
    """Stop a server; kill it when it has not stopped within 10 s."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
