"""Every constant that decides what is retrieved and how it is ranked, in one place: each
with its reason and the command that measured it. The ranker's weights are not here: they
are fitted (`scrutineer eval fit-ranker` writes assistant/ranker.json) and reported out of
sample by `scrutineer eval dev` (README, Evaluation). The vector index's own parameters
(HNSW) stay beside the store in assistant/library.py, measured by `make bench`."""

from __future__ import annotations

# Candidates each search (dense, BM25) gives the ranker. With 50 the gold paragraph is among
# the candidates for 98.7% (seeds + Kent), 100% (councils) and 98.5% (QMSum val) of
# answerable questions: "in_pool" of `scrutineer eval fit-ranker --dry-run`.
CANDIDATES = 50

# A scope of at most this many paragraphs is searched exactly over the index's vectors; a
# larger one by over-fetching from the approximate index (exact search of 50k rows takes a few
# milliseconds: `make bench`, query latency by library size).
EXACT_ROWS = 50_000
# Most ids asked of the approximate index when over-fetching for a scope (`make bench`).
MAX_FETCH = 2_000

# Reciprocal rank fusion's constant: the usual 60 (Cormack et al. 2009). Fusion orders the
# passages only when no fitted ranker is shipped, and in the dense/BM25 baselines.
RRF_K = 60

# Passages gathered for a precedent question ("has any partnership ..."), which lists every
# occasion: enough for the councils set's precedent questions to find their 2-4 pages
# (`scrutineer eval dev`, tag "precedent" in OUT/councils/summary.json).
PRECEDENT_PASSAGES = 40

# Paragraphs either side that count as the same passage of discussion (the "nearby" feature:
# the share of them among the candidates); a meeting's discussion of one matter runs over a
# few turns (QMSum's gold spans: median 6 turns).
NEARBY = 3

# L2 penalties tried when fitting the ranker, the one chosen by cross-validation grouped by
# source and council, meeting or document on the questions fitted (best MRR@10), and the one
# used when none is chosen.
STRENGTHS = (0.03, 0.1, 0.3, 1.0, 3.0)
STRENGTH = 1.0
