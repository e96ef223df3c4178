"""A real `chroma run` server on loopback, started and stopped around a block."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class ServerError(RuntimeError):
    """The server could not be started."""


def free_port() -> int:
    """A TCP port nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def chroma_binary() -> str:
    """The `chroma` CLI next to this Python, or on PATH; empty when absent."""
    found = Path(sys.executable).parent / "chroma"
    return str(found) if found.exists() else (shutil.which("chroma") or "")


@contextmanager
def chroma_server(path: Path, log_path: Path, wait: float = 60) -> Iterator[str]:
    """Serve the store at ``path`` with `chroma run` on 127.0.0.1; yields its URL."""
    binary = chroma_binary()
    if not binary:
        raise ServerError("the chroma CLI is not installed")
    port = free_port()
    with log_path.open("w") as log:
        process = subprocess.Popen([binary, "run", "--path", str(path), "--host", "127.0.0.1",
                                    "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_listening(process, port, wait, log_path)
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def _wait_listening(process: subprocess.Popen, port: int, wait: float, log_path: Path) -> None:
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            if process.poll() is not None:
                raise ServerError(f"chroma run exited: {log_path.read_text()[-2000:]}") from None
            time.sleep(0.2)
    raise ServerError(f"chroma run did not start listening within {wait:.0f} s")
