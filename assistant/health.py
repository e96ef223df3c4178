"""Is the library whole? A cheap check when it is opened (the manifest file and the search
index), a full inspection for `scrutineer repair` (unfinished writes, incomplete documents)."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import LibraryDamagedError
from assistant.library import Library
from assistant.settings import Settings

REPAIR_COMMAND = "scrutineer repair"


def index_dir(settings: Settings, access: str) -> Path:
    """Where the search index for a deployment's access level is kept."""
    return settings.data_dir / "lexical" / f"{settings.collection}.{access}"


def _manifest_problems(library: Library) -> list[str]:
    """The manifest file (embedded stores only) must be readable and agree with the store."""
    path = library.settings.manifest_path
    if library.settings.chroma_url or library.manifest is None:
        return []
    if not path.exists():
        return [f"the manifest {path} is missing"]
    try:
        recorded = json.loads(path.read_text())
        model, dimension = str(recorded["embedding_model"]), int(recorded["dimension"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return [f"the manifest {path} is unreadable ({type(exc).__name__})"]
    stored = library.manifest
    if (model, dimension) != (stored.embedding_model, stored.dimension):
        return [f"the manifest {path} says {model} ({dimension} dimensions) but the store "
                f"holds {stored.embedding_model} ({stored.dimension})"]
    return []


def _built(settings: Settings) -> dict[str, bool]:
    path = settings.data_dir / "indexes.json"
    try:
        return dict(json.loads(path.read_text())) if path.exists() else {}
    except (OSError, ValueError, TypeError):
        return {}


def _index_problems(library: Library) -> list[str]:
    """A search index once built for this access level must still be there and readable."""
    settings = library.settings
    if not _built(settings).get(f"{settings.collection}.{library.access}"):
        return []  # never built here (a new data directory, or the first ingest was cut short)
    folder = index_dir(settings, library.access)
    try:
        ids = json.loads((folder / "scrutineer.json").read_text())["ids"]
    except (OSError, ValueError, KeyError, TypeError):
        return [f"the search index {folder} is missing or unreadable"]
    if ids and not (folder / "params.index.json").exists():
        return [f"the search index {folder} is incomplete"]
    return []


def record_index(settings: Settings, access: str) -> None:
    """Note that the search index for ``access`` was built here, so that its loss is noticed."""
    built = _built(settings)
    key = f"{settings.collection}.{access}"
    if built.get(key):
        return
    built[key] = True
    path = settings.data_dir / "indexes.json"
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(built))
    temporary.replace(path)


def store_problems(library: Library) -> list[str]:
    """The store itself must answer a read."""
    cause = library.unreadable()
    return [f"its store cannot be read ({cause})"] if cause else []


def refuse_unreadable(library: Library) -> None:
    """Raise LibraryDamagedError naming the repair command when the store cannot be read."""
    if unreadable := store_problems(library):
        raise LibraryDamagedError(
            f"The library at {library.settings.data_dir} is damaged: {unreadable[0]}. Run "
            f"`{REPAIR_COMMAND}`: it ingests every document again from its file.")


def check_on_open(library: Library) -> None:
    """Raise LibraryDamagedError naming the repair command when files are missing or corrupt."""
    refuse_unreadable(library)
    problems = _manifest_problems(library) + _index_problems(library)
    if problems:
        raise LibraryDamagedError(
            f"The library at {library.settings.data_dir} is damaged: {'; '.join(problems)}. "
            f"Run `{REPAIR_COMMAND}` to rebuild what is derived and clear unfinished writes.")


@dataclass(frozen=True)
class Inspection:
    """What a full look at the stored paragraphs found."""

    documents: int
    orphans: tuple[str, ...]  # keys of paragraphs of no published or just-replaced version
    incomplete: tuple[str, ...]  # documents whose published version lacks paragraphs
    problems: tuple[str, ...]  # from the cheap check

    @property
    def healthy(self) -> bool:
        return not (self.orphans or self.incomplete or self.problems)


def inspect(library: Library, batch: int = 5000) -> Inspection:
    """Every stored paragraph against the published versions (reads the whole store)."""
    everything = library.unrestricted()
    published = {d.doc_id: d for d in everything.documents()}
    orphans: list[str] = []
    counted: Counter[str] = Counter()
    for keys, metas in everything.paragraph_rows(batch):
        for key, meta in zip(keys, metas, strict=True):
            owner = published.get(str(meta.get("doc_id")))
            version = str(meta.get("version", ""))
            if owner is not None and version == owner.version:
                counted[owner.doc_id] += 1
            elif owner is None or version != owner.previous_version or not version:
                orphans.append(key)  # the version just replaced is kept on purpose
    incomplete = [d for d, doc in published.items() if counted[d] != doc.paragraph_count]
    return Inspection(len(published), tuple(orphans), tuple(sorted(incomplete)),
                      tuple(_manifest_problems(library) + _index_problems(library)))


def clear_unfinished_writes(library: Library) -> int:
    """Delete paragraphs left by writes that never finished (a killed ingest), as the end of
    every ingest does; how many went. The store's row count is compared with what the
    documents account for first, so a whole inspection runs only when something is left."""
    everything = library.unrestricted()
    expected = sum(d.paragraph_count + d.previous_count for d in everything.documents())
    if everything.paragraph_count() == expected:
        return 0
    orphans = inspect(everything).orphans
    everything.delete_keys(orphans)
    return len(orphans)
