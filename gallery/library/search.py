"""A query and filters -> the photos a person would pick: the best matches, then the rest.

The filters become the allowed set (SQLite, `Store.photo_ids`), the query one vector
(`QueryVectors`); the vector index answers with a pool of candidates from the allowed set,
and `best_matches.best_count` says how many leading candidates stand out from what an
unrelated photo of the library scores for this query (a random background sample of the whole
index, also under filters: a folder of beach photos searched for "beach" is all best). The best
matches and the rest are each sorted as asked, so "newest first" keeps the cut. An empty query
browses: the photos the filters let through, sorted, from SQLite alone.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from gallery.library.best_matches import best_count
from gallery.library.filters import NO_FILTERS, Filters, NoPhotosMatch, Sort
from gallery.library.library import Library
from gallery.library.query import Query, image_term, parse_query
from gallery.library.query_vector import QueryVectors
from gallery.library.store import PhotoRow, Store, sort_key
from gallery.library.text_matches import text_matches
from gallery.library.vectors import VectorIndex
from gallery.ml.encoder import ClipModel

log = logging.getLogger(__name__)

# Candidates the cut looks at: more than a page, so a query with many true matches is not cut
# at the page size (a full pool of best matches says "more"), few enough that the knn and the
# rows stay cheap. `best_only` without a limit looks further.
_POOL = 200
_POOL_BEST_ONLY = 1000


@dataclass(frozen=True)
class SearchHit:
    row: PhotoRow
    score: float | None  # None when browsing without a query
    best: bool = False
    text: str | None = None  # the line of the photo's text that matched the query

    @property
    def path(self) -> str:
        return self.row.path

    @property
    def file_id(self) -> int:
        return self.row.id

    def as_dict(self) -> dict[str, object]:
        """The CLI's JSON object for one photo (the issue's contract)."""
        data: dict[str, object] = {
            "path": self.path,
            "score": round(self.score or 0.0, 6),
            "best": self.best,
            "taken_at": self.row.taken_text(),
            "date_source": self.row.date_source,
        }
        if self.text is not None:
            data["text"] = self.text
        return data


@dataclass(frozen=True)
class SearchResult:
    hits: list[SearchHit]  # requested order: the best matches (sorted), then the rest (sorted)
    best_count: int  # hits[:best_count] are best matches
    more_best: bool  # more best matches exist than were returned
    ranked: bool  # a query was given
    searched: int  # photos searched (the filters' allowed set, or the whole index)

    @property
    def no_close_match(self) -> bool:
        """Nearest photos were found, but none stands out: the front ends say so."""
        return self.ranked and bool(self.hits) and self.best_count == 0


class Searcher:
    """Keeps the model warm, the last query vectors and the last allowed set cached; safe to
    share between threads."""

    def __init__(self, library: Library, model: ClipModel, cache_size: int = 64) -> None:
        self.library = library
        self.model = model
        self._cache_size = cache_size
        self._local = threading.local()
        self._lock = threading.Lock()
        self._allowed: tuple[tuple[Store, Filters, tuple[int, int]], frozenset[int]] | None = None

    def open_index(self) -> VectorIndex:
        """The model's vector index, opened (and caught up) on first use. A model whose config
        does not state its dimension embeds one text to learn it."""
        dim = self.model.dim or int(self.model.embed_texts(["a photo"]).shape[1])
        return self.library.vector_index(self.model.name, dim)

    def warm_up(self) -> None:
        """Load the text tower and open the vector index before the first query needs them
        (at 1M photos the index alone takes seconds to read)."""
        self.query_vectors().text("a photo")
        self.open_index()

    def query_vectors(self) -> QueryVectors:
        """This thread's: query vectors read stored photo vectors through the thread's own
        store connection (see `Library.store`); the app searches from one thread per model."""
        vectors: QueryVectors | None = getattr(self._local, "vectors", None)
        if vectors is None:
            vectors = QueryVectors(self.library.store, self.model, self._cache_size)
            self._local.vectors = vectors
        return vectors

    def find(
        self,
        query: Query,
        filters: Filters = NO_FILTERS,
        sort: Sort = "relevance",
        limit: int | None = 20,
        *,
        best_only: bool = False,
    ) -> SearchResult:
        """The best matches, then the rest, each sorted by `sort`, at most `limit` (None: the
        whole candidate pool, or everything when browsing). An empty query browses. Raises
        NoPhotosMatch when active filters let nothing through."""
        if query.empty:
            return browse(self.library.store, filters, sort, limit)
        started = time.perf_counter()
        allowed = self._allowed_ids(filters)
        index = self.open_index()
        wanted = self.query_vectors().of(query, index.model_id)
        pool = _POOL_BEST_ONLY if best_only and limit is None else max(limit or 0, _POOL)
        found = index.query(wanted.vector, pool + len(wanted.photo_ids), allowed)
        pairs = [(label, score) for label, score in found if label not in wanted.photo_ids]
        pairs = pairs[:pool]
        searched = len(index) if allowed is None else len(allowed)
        store = self.library.store
        rows = store.photo_rows([label for label, _ in pairs])
        kept = [(rows[label], score) for label, score in pairs if label in rows]
        scores = [score for _, score in kept]
        best = best_count(scores, index.background(wanted.vector), searched) if kept else 0
        by_text = text_matches(store, query, wanted, allowed, pool, dict(pairs))
        kept, best = by_text.merged(kept, best)
        hits = self._ordered(kept, best, sort, best_only)[:limit]
        hits = by_text.finish(store, index.model_id, wanted.vector, hits)
        shown_best = min(best, len(hits))
        full_pool = len(pairs) == pool < searched
        result = SearchResult(
            hits=hits,
            best_count=shown_best,
            more_best=shown_best < best or (full_pool and best == len(kept)) or by_text.more,
            ranked=True,
            searched=searched,
        )
        log.info(
            "Search: %d terms, filters %s, %d photos searched, pool %d, %d candidates, "
            "%d best (%d by text), sort %s, %.1f ms",
            len(query.terms),
            filters,
            searched,
            pool,
            len(kept),
            best,
            len(by_text.ids),
            sort,
            (time.perf_counter() - started) * 1000,
        )
        return result

    def search(self, text: str, k: int = 20) -> list[SearchHit]:
        """The hits of a typed text query (words only: no path is read as an image)."""
        if not text.strip():
            return []
        return self.find(parse_query(text, paths_as_images=False), limit=k).hits

    def similar(self, path: str, k: int = 20) -> list[SearchHit]:
        """Photos like an image file: a library photo by its stored vector (and left out of
        the hits), any other image embedded on the fly."""
        return self.find(Query((image_term(path),), str(path)), limit=k).hits

    def _allowed_ids(self, filters: Filters) -> frozenset[int] | None:
        """The photos active filters let through (None: no filter). Kept until the filters
        or the library change: at 100k photos a broad filter's ids take tens of ms to read
        from SQLite, and a person types query after query with the same filters."""
        if not filters.active:
            return None
        store = self.library.store
        key = (store, filters, store.version())
        with self._lock:
            if self._allowed is not None and self._allowed[0] == key:
                return self._allowed[1]
        ids = frozenset(store.photo_ids(filters))
        if not ids:
            raise NoPhotosMatch()
        with self._lock:
            self._allowed = (key, ids)
        return ids

    @staticmethod
    def _ordered(
        kept: list[tuple[PhotoRow, float]], best: int, sort: Sort, best_only: bool
    ) -> list[SearchHit]:
        """The best matches, then (unless `best_only`) the rest, each group in `sort` order."""
        groups = [
            [SearchHit(row, score, True) for row, score in kept[:best]],
            [] if best_only else [SearchHit(row, score) for row, score in kept[best:]],
        ]
        key = sort_key(sort)
        if key is not None:
            for group in groups:
                group.sort(key=lambda hit: key(hit.row))
        return groups[0] + groups[1]


def browse(store: Store, filters: Filters, sort: Sort, limit: int | None) -> SearchResult:
    """The photos `filters` let through, sorted ("relevance": newest first), at most `limit`
    (None: all): an empty query, which needs no model. Raises NoPhotosMatch when active
    filters let nothing through."""
    started = time.perf_counter()
    searched = store.photo_count(filters)
    if not searched and filters.active:
        raise NoPhotosMatch()
    rows = store.browse(filters, sort, limit)
    log.info(
        "Browse: filters %s, %d photos, sort %s, %d shown, %.1f ms",
        filters,
        searched,
        sort,
        len(rows),
        (time.perf_counter() - started) * 1000,
    )
    return SearchResult(
        hits=[SearchHit(row, None) for row in rows],
        best_count=0,
        more_best=False,
        ranked=False,
        searched=searched,
    )
