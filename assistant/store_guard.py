"""Keeping processes apart on an embedded Chroma store, which is safe for threads but not for
processes: its vector index is read, updated from the write log and flushed by whichever
process touches it, and two processes doing so at once can crash (a segmentation fault) or
garble it. So, for an embedded store only:

- a writer (``write_lock``) holds ``store.lock`` exclusively for the whole write, after the
  store calls other processes have in flight have finished;
- every store call of any other process takes it shared for the call's length, and is refused
  with ``LibraryBusyError`` while another process writes (threads of the writing process go
  on: they share its store);
- a writer leaves ``store.generation`` naming itself, and a process whose view of the store
  predates it opens the store again before its next call.

A Chroma server (``SCRUTINEER_CHROMA_URL``) keeps its clients apart itself: nothing here
applies to it."""

from __future__ import annotations

import fcntl
import os
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from assistant.errors import LibraryBusyError

_GUARDS: dict[Path, StoreGuard] = {}
_MADE = threading.Lock()


class StoreGuard:
    """This process's side of ``store.lock`` for one data directory."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.lock_path = data_dir / "store.lock"
        self.generation_path = data_dir / "store.generation"
        self._lock = threading.Lock()
        self._handle: Any = None
        self._readers = 0  # this process's store calls in flight (threads)
        self._writing = 0  # this process's writes in progress
        self.epoch = 0  # bumped whenever this process drops its cached stores

    @classmethod
    def of(cls, data_dir: Path) -> StoreGuard:
        """The one guard of this process for ``data_dir``."""
        key = data_dir.resolve()
        with _MADE:
            return _GUARDS.setdefault(key, cls(key))

    def _open(self) -> Any:
        if self._handle is None:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            self._handle = open(self.lock_path, "a+", encoding="utf-8")  # noqa: SIM115
        return self._handle

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the store for this process's write (waits for other processes' calls)."""
        with self._lock:
            self._writing += 1
            first = self._writing == 1
        if first:
            fcntl.flock(self._open(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            with self._lock:
                self._writing -= 1
                if self._writing == 0:
                    self._leave_generation()
                    fcntl.flock(self._open(), fcntl.LOCK_SH if self._readers else fcntl.LOCK_UN)

    def _leave_generation(self) -> None:
        temporary = self.generation_path.with_suffix(".tmp")
        temporary.write_text(f"{uuid.uuid4().hex} {self._my_mark()}")
        temporary.replace(self.generation_path)

    @staticmethod
    def _my_mark() -> str:
        return f"pid {os.getpid()}"

    def generation(self) -> str:
        """Who wrote the store last (``<token> pid N``), or "" before any write."""
        try:
            return self.generation_path.read_text()
        except OSError:
            return ""

    def written_by_another(self, seen: str) -> bool:
        """Whether a process other than this one has written since ``seen``."""
        now = self.generation()
        return now != seen and not now.endswith(f" {self._my_mark()}")

    @contextmanager
    def reading(self, holder: Callable[[], str]) -> Iterator[None]:
        """Hold the store shared for one call; refused while another process writes."""
        with self._lock:
            if not self._writing and self._readers == 0:
                try:
                    fcntl.flock(self._open(), fcntl.LOCK_SH | fcntl.LOCK_NB)
                except BlockingIOError:
                    raise LibraryBusyError(
                        f"The library at {self.data_dir} is being written by {holder()}. "
                        f"Ask again when it has finished; to answer during ingests, serve the "
                        f"store with `chroma run` and set SCRUTINEER_CHROMA_URL.") from None
            self._readers += 1
        try:
            yield
        finally:
            with self._lock:
                self._readers -= 1
                if self._readers == 0 and not self._writing:
                    fcntl.flock(self._open(), fcntl.LOCK_UN)


class GuardedStore:
    """One Library's client and collections, every call made through the guard (embedded
    stores) and against a view of the store no older than its last write by another process."""

    def __init__(self, data_dir: Path, embedded: bool, open_client: Callable[[], Any],
                 open_collection: Callable[[Any, str], Any], holder: Callable[[], str]) -> None:
        self.guard = StoreGuard.of(data_dir) if embedded else None
        self._open_client, self._open_collection, self._holder = (open_client,
                                                                  open_collection, holder)
        self._objects: dict[str, Any] = {}
        self._seen, self._epoch = "", 0
        if self.guard is None:
            self._open()
            return
        with self.guard.reading(holder):
            self._open()

    def _open(self) -> None:
        client = self._open_client()
        self._objects = {"client": client,
                         **{kind: self._open_collection(client, kind)
                            for kind in ("paragraphs", "documents")}}
        if self.guard is not None:
            self._seen, self._epoch = self.guard.generation(), self.guard.epoch

    def reopen(self) -> None:
        """Drop this process's cached view of the embedded store and open it again."""
        from chromadb.api.shared_system_client import SharedSystemClient

        SharedSystemClient.clear_system_cache()
        if self.guard is not None:
            self.guard.epoch += 1
        self._open()

    def reload_collections(self) -> None:
        """Get the collections again (after they were dropped and created anew)."""
        client = self._objects["client"]
        self._objects.update({kind: self._open_collection(client, kind)
                              for kind in ("paragraphs", "documents")})

    def call(self, target: str, method: str, *args: Any, **kwargs: Any) -> Any:
        if self.guard is None:
            return getattr(self._objects[target], method)(*args, **kwargs)
        with self.guard.reading(self._holder):
            if self.guard.written_by_another(self._seen):
                self.reopen()
            elif self._epoch != self.guard.epoch:  # another Library here reopened the store
                self._open()
            return getattr(self._objects[target], method)(*args, **kwargs)

    def proxy(self, target: str) -> Guarded:
        return Guarded(self, target)

    def raw(self, target: str) -> Any:
        return self._objects[target]


class Guarded:
    """A client or collection of a GuardedStore: methods are called through the store,
    attributes (``name``, ``metadata``) read from the object as last opened."""

    def __init__(self, store: GuardedStore, target: str) -> None:
        self._store, self._target = store, target

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._store.raw(self._target), name)
        if not callable(value):
            return value
        return lambda *args, **kwargs: self._store.call(self._target, name, *args, **kwargs)
