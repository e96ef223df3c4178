"""A BM25 index over the library's paragraphs (bm25s, saved without pickle), derived from the
store and rebuilt whenever the library's content signature changes."""

from __future__ import annotations

import contextlib
import json
import logging
import math
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.documents import split_key

log = logging.getLogger(__name__)

TOKEN_RE = re.compile(r"[a-z0-9£]+(?:[/.\-'’][a-z0-9]+)*")
STOPWORDS = frozenset((
    "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "did", "do", "does", "for",
    "from", "had", "has", "have", "how", "in", "is", "it", "its", "of", "on", "or", "that",
    "the", "their", "them", "there", "these", "they", "this", "to", "was", "were", "what",
    "when", "where", "which", "who", "will", "with", "would", "about", "into", "than", "then",
    "so", "such", "any", "all", "our", "we", "you", "your", "can", "could", "should", "may",
))
VECTORS_FILE = "vectors.npy"
CHECK_EVERY = 5.0  # seconds between checks that the library has not changed underneath


def _bm25s():
    """bm25s, imported on first use; it sets its own logger to DEBUG when imported."""
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)
    return bm25s


def _stemmer():
    try:
        import Stemmer

        return Stemmer.Stemmer("english")
    except ImportError:  # pragma: no cover - a core dependency, but keep working without it
        return None


_STEMMER = _stemmer()


GLUED_RE = re.compile(r"(?<=[a-z]{2})(?=[A-Z][a-z])")  # "forLifelong", "MemberFor" lost a space


def tokenize(text: str) -> list[str]:
    """Lower-cased, stemmed terms; references like "JOS/20/17" and "4.29" stay whole too.
    Words an extraction glued together ("forLifelong") are read apart."""
    tokens: list[str] = []
    for match in TOKEN_RE.finditer(GLUED_RE.sub(" ", text).lower().replace("’", "'")):
        token = match.group()
        if re.search(r"[/.\-']", token):
            tokens.append(token)
            tokens.extend(p for p in re.split(r"[/.\-']", token) if p and p not in STOPWORDS)
        elif token not in STOPWORDS:
            tokens.append(token)
    if _STEMMER is None:
        return tokens
    return [t if not t.isalpha() else s for t, s in zip(tokens, _STEMMER.stemWords(tokens),
                                                        strict=True)]


@dataclass(frozen=True)
class LexicalHit:
    """A paragraph id and its BM25 score."""

    para_id: str
    score: float


class LexicalIndex:
    """BM25 over (identity + headings + paragraph) texts, persisted in one folder."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.signature = ""
        self._ids: list[str] = []
        self._doc_of = np.zeros(0, dtype=np.int32)  # each paragraph's document, as a code
        self._doc_codes: dict[str, int] = {}
        self._model = None
        self._vectors: np.ndarray | None = None
        self._vocab: set[str] = set()
        self._row_of: dict[str, int] | None = None  # built on first use
        self._last: tuple[tuple[int, tuple[str, ...]], np.ndarray] | None = None
        self._versions: dict[str, str] = {}
        self._checked = 0.0
        self._lock = threading.Lock()

    @property
    def ready(self) -> bool:
        return self._model is not None

    def is_current(self, signature: str) -> bool:
        """Whether the loaded index was built from the library as it is now."""
        return self._model is not None and self.signature == signature

    def due_for_check(self) -> bool:
        """Limit how often the library's signature is compared (it costs a store read)."""
        return time.monotonic() - self._checked > CHECK_EVERY

    def mark_checked(self) -> None:
        self._checked = time.monotonic()

    def load(self, signature: str) -> bool:
        """Load the saved index if it was built for ``signature``."""
        meta_path = self.directory / "scrutineer.json"
        if not meta_path.exists():
            return False
        try:
            meta = json.loads(meta_path.read_text())
            if meta.get("signature") != signature:
                return False
            model = _bm25s().BM25.load(str(self.directory), show_progress=False) \
                if meta["ids"] else None
            vectors_path = self.directory / VECTORS_FILE
            vectors = np.load(vectors_path, mmap_mode="r") if vectors_path.exists() else None
        except (OSError, ValueError, KeyError) as exc:
            log.info("lexical index at %s unreadable (%s); rebuilding", self.directory, exc)
            return False
        self._install(model, meta["ids"], signature, vectors)
        return True

    def _install(self, model, ids: list[str], signature: str,
                 vectors: np.ndarray | None = None) -> None:
        doc_codes: dict[str, int] = {}
        doc_of = np.fromiter((doc_codes.setdefault(pid.split("#", 1)[0], len(doc_codes))
                              for pid in ids), dtype=np.int32, count=len(ids))
        versions = {doc_id: version for doc_id, _, version in map(split_key, ids)}
        with self._lock:
            self._model, self._ids, self.signature = model, ids, signature
            self._row_of = None
            self._last = None
            self._versions = versions
            self._doc_of, self._doc_codes = doc_of, doc_codes
            self._vocab = set(model.vocab_dict) if model is not None else set()
            self._vectors = vectors

    def build(self, ids: Sequence[str], texts: Sequence[str], signature: str,
              vectors: np.ndarray | None = None) -> None:
        """Index ``texts`` (one per paragraph id) and save the index, with the paragraphs'
        ``vectors`` (float32 rows) for exact search within filters when given."""
        model = _bm25s().BM25()
        corpus = [tokenize(t) or ["∅"] for t in texts]
        if corpus:
            model.index(corpus, show_progress=False)
        self.directory.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=self.directory.name + ".build-",
                                        dir=self.directory.parent))
        if corpus:
            model.save(str(staging), show_progress=False)
        if vectors is not None:
            np.save(staging / VECTORS_FILE, np.asarray(vectors, dtype=np.float32))
        (staging / "scrutineer.json").write_text(json.dumps({"signature": signature,
                                                             "ids": list(ids)}))
        self._swap_in(staging)
        if not self.load(signature):  # read back memory-mapped; else keep what was built
            self._install(model if corpus else None, list(ids), signature, vectors)

    def _swap_in(self, staging: Path) -> None:
        """Replace the saved index by a finished build; another process building at the same
        time may win, and either index is a whole one."""
        retired = self.directory.with_name(f"{staging.name}.old")
        with contextlib.suppress(FileNotFoundError):
            self.directory.rename(retired)
        try:
            staging.rename(self.directory)
        except OSError:  # another process put its build there first
            shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(retired, ignore_errors=True)

    def knows(self, term: str) -> bool:
        """Whether a (tokenized) term occurs anywhere in the library."""
        return term in self._vocab

    def _in(self, documents: Collection[str]) -> np.ndarray:
        """For each indexed paragraph, whether it belongs to one of ``documents``."""
        with self._lock:
            doc_of, codes = self._doc_of, self._doc_codes
        wanted = np.fromiter((codes[d] for d in documents if d in codes), dtype=np.int32)
        return np.isin(doc_of, wanted)

    def rows(self, documents: Collection[str]) -> np.ndarray:
        """Index positions of the paragraphs of ``documents``."""
        return np.flatnonzero(self._in(documents))

    def versions(self) -> dict[str, str]:
        """The document versions the index holds (from its keys: ``doc#label|version``)."""
        with self._lock:
            return dict(self._versions)

    @property
    def size(self) -> int:
        return len(self._ids)

    def exact(self, vector: Sequence[float], rows: np.ndarray, k: int
              ) -> list[tuple[str, float]] | None:
        """The ``k`` rows most similar to ``vector`` by exact cosine similarity, or None when
        this index holds no vectors."""
        with self._lock:
            vectors, ids = self._vectors, self._ids
        if vectors is None:
            return None
        if not len(rows):
            return []
        similarity = np.asarray(vectors[rows]) @ np.asarray(vector, dtype=np.float32)
        return [(ids[int(rows[i])], float(similarity[i])) for i in _top(similarity, k)]

    def search(self, query: str, k: int = 50, documents: Collection[str] | None = None,
               extra: Sequence[str] = ()) -> list[LexicalHit]:
        """The best ``k`` paragraphs for ``query`` (with the ``extra`` words, e.g. the other
        form of an abbreviation); ``documents`` restricts to those doc ids."""
        with self._lock:
            model, ids = self._model, self._ids
        terms = [t for t in tokenize(" ".join((query, *extra))) if t in self._vocab]
        if model is None or not terms or not ids:
            return []
        scores = self._all_scores(model, terms)
        if documents is not None:
            allowed = self._in(documents)
            if not allowed.any():
                return []
            scores = scores * allowed
        return [LexicalHit(ids[int(i)], float(scores[i])) for i in _top(scores, k)
                if scores[i] > 0]


    def rows_of(self, keys: Sequence[str]) -> np.ndarray:
        """The index rows of store ``keys`` (-1 for a key the index does not hold)."""
        with self._lock:
            if self._row_of is None:
                self._row_of = {key: row for row, key in enumerate(self._ids)}
            row_of = self._row_of
        return np.fromiter((row_of.get(k, -1) for k in keys), dtype=np.int64, count=len(keys))

    def scores(self, terms: Sequence[str], rows: np.ndarray) -> np.ndarray:
        """BM25 scores of the index ``rows`` for already tokenized ``terms`` (zeros for terms
        the library does not hold)."""
        with self._lock:
            model = self._model
        known = [t for t in terms if t in self._vocab]
        if model is None or not known or not len(rows):
            return np.zeros(len(rows), dtype=np.float32)
        return self._all_scores(model, known)[rows]

    def _all_scores(self, model: object, terms: Sequence[str]) -> np.ndarray:
        """BM25 scores of every row; the last terms' are kept, as the ranker asks again for
        the same question's candidates right after the search."""
        key = (id(model), tuple(sorted(terms)))
        with self._lock:
            if self._last is not None and self._last[0] == key:
                return self._last[1]
        scores = np.asarray(model.get_scores(list(terms)), dtype=np.float32)  # type: ignore[attr-defined]
        with self._lock:
            self._last = (key, scores)
        return scores

    def similarities(self, vector: Sequence[float], rows: np.ndarray) -> np.ndarray | None:
        """Cosine similarities of ``vector`` with the stored vectors of ``rows`` (None when the
        index holds no vectors)."""
        with self._lock:
            vectors = self._vectors
        if vectors is None:
            return None
        return np.asarray(vectors[rows]) @ np.asarray(vector, dtype=np.float32)

    def idf(self, terms: Sequence[str]) -> dict[str, float]:
        """log(1 + N / (1 + df)) of each term over the whole library (a term it lacks gets the
        highest weight)."""
        with self._lock:
            model = self._model
        if model is None:
            return {t: 1.0 for t in terms}
        indptr = model.scores["indptr"]
        total = max(int(model.scores.get("num_docs", len(self._ids))), 1)
        out = {}
        for term in terms:
            index = model.vocab_dict.get(term)
            df = int(indptr[index + 1] - indptr[index]) if index is not None else 0
            out[term] = math.log(1 + total / (1 + df))
        return out


def _top(scores: np.ndarray, k: int) -> np.ndarray:
    """Positions of the ``k`` highest scores, best first."""
    count = min(k, len(scores))
    if count == 0:
        return np.zeros(0, dtype=np.int64)
    best = np.argpartition(-scores, count - 1)[:count]
    return best[np.argsort(-scores[best], kind="stable")]
