"""A query's text hits, merged into its semantic results.

The rule: a photo whose recognised text contains every word of the query's word terms (those
not left out with " - ") is a best match. Text hits come first, those holding the words in the
order typed before the others; within each group those the semantic search found among its
candidates by their score, then the newest (scoring every text hit from its stored vector cost
5-8 ms of SQLite reads at the pool of 200, so only the hits shown are scored); then the
semantic best matches that are not text hits; then the rest. Words found written in a photo
are the most specific evidence a query can have (CLIP-family models barely read: "hotel
zephyr" scores a receipt that says so like any receipt), so they lead; the semantic cut is
still made on the semantic candidates alone, so a query that no photo's text holds gives the
results it gave before. Measured by `gallery bench --text` (docs/benchmarks.md, "Text in photos").
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from gallery.library import texts
from gallery.library.query import Query, QueryError, parse_query
from gallery.library.query_vector import QueryVector
from gallery.library.store import PhotoRow, Store
from gallery.library.vectors import FloatArray
from gallery.ml.ocr import TextLine

if TYPE_CHECKING:
    from collections.abc import Set as AbstractSet

    from gallery.library.search import SearchHit


@dataclass(frozen=True)
class TextHits:
    ids: list[int] = field(default_factory=list)  # in merged order
    words: list[str] = field(default_factory=list)  # the folded words they hold
    more: bool = False  # more photos' text matches than the pool holds
    found: list[tuple[PhotoRow, float]] = field(default_factory=list)  # NaN: not scored yet

    def merged(
        self, kept: Sequence[tuple[PhotoRow, float]], best: int
    ) -> tuple[list[tuple[PhotoRow, float]], int]:
        """The semantic candidates (`best` of them best matches) with the text hits merged in
        by the rule; returns the candidates and how many lead as best matches."""
        if not self.found:
            return list(kept), best
        held = set(self.ids)
        semantic_best = [pair for pair in kept[:best] if pair[0].id not in held]
        rest = [pair for pair in kept[best:] if pair[0].id not in held]
        return [*self.found, *semantic_best, *rest], len(self.found) + len(semantic_best)

    def finish(
        self, store: Store, model_id: int, vector: FloatArray, hits: Sequence[SearchHit]
    ) -> list[SearchHit]:
        """The hits shown, the text hits among them with their matching line and score (only
        those shown are looked up: a pool of 200 would cost ~8 ms of SQLite reads)."""
        held = set(self.ids)
        shown = [hit.file_id for hit in hits if hit.file_id in held]
        if not shown:
            return list(hits)
        unscored = [hit.file_id for hit in hits if hit.file_id in held and _unscored(hit)]
        scores = _scores(store, model_id, vector, unscored)
        lines = texts.matching_lines(store, shown, self.words)
        return [
            replace(
                hit,
                score=scores.get(hit.file_id, -1.0) if hit.file_id in unscored else hit.score,
                text=lines.get(hit.file_id),
            )
            if hit.file_id in held
            else hit
            for hit in hits
        ]


def _unscored(hit: SearchHit) -> bool:
    return hit.score is not None and math.isnan(hit.score)


def query_text(query: Query) -> str:
    """The words of the terms to look for (weights and image terms aside)."""
    return " ".join(term.text for term in query.terms if term.text and term.weight > 0)


def typed_words(typed: str) -> list[str]:
    """The folded words a typed query looks for in photos' text ([] when it does not parse)."""
    try:
        return texts.query_words(query_text(parse_query(typed, paths_as_images=False)))
    except QueryError:
        return []


def matched(lines: Sequence[TextLine], words: Sequence[str]) -> list[TextLine]:
    """The lines that hold any of the words (the ones a viewer outlines)."""
    return [line for line in lines if any(word in texts.fold(line.text) for word in words)]


def _scores(
    store: Store, model_id: int, vector: FloatArray, ids: Sequence[int]
) -> dict[int, float]:
    """The photos' semantic scores from their stored vectors (a photo the model has not
    embedded has none). From SQLite, not the vector index: its filtered query would copy
    this set out of hnswlib and push out the copies that keep a filter's queries fast."""
    scores: dict[int, float] = {}
    for found, vectors in store.vectors(model_id, ids):
        scores.update(zip(found, (vectors @ vector).tolist(), strict=True))
    return scores


def text_matches(
    store: Store,
    query: Query,
    wanted: QueryVector,
    allowed: AbstractSet[int] | None,
    pool: int,
    known: dict[int, float],
) -> TextHits:
    """The photos whose text holds the query's words, among `allowed` (None: all), at most
    `pool`: those holding the words in the order typed first, then those among the semantic
    candidates (`known`: their scores) by score, then the newest. Their scores are `known`
    or NaN until `TextHits.finish` looks up the ones shown."""
    words = texts.query_words(query_text(query))
    if not words:
        return TextHits()
    matches = texts.find(store, words, pool, allowed, wanted.photo_ids)
    if not matches.ids:
        return TextHits()
    rows = store.photo_rows(matches.ids)
    ordered = sorted(
        (file_id for file_id in matches.ids if file_id in rows),  # newest first, kept as ties
        key=lambda file_id: (
            file_id not in matches.whole,
            file_id not in known,
            -known.get(file_id, 0.0),
        ),
    )
    return TextHits(
        ordered,
        words,
        matches.more,
        [(rows[file_id], known.get(file_id, math.nan)) for file_id in ordered],
    )
