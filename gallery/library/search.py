"""Text or photo -> vector -> hnswlib knn -> ranked paths with scores."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from gallery.errors import Action, Remedy, UserError
from gallery.library.library import Library
from gallery.library.vectors import VectorIndex
from gallery.ml.encoder import ClipModel
from gallery.text import say

FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True)
class SearchHit:
    path: str
    score: float
    file_id: int

    def as_dict(self) -> dict[str, object]:
        return {"path": self.path, "score": round(self.score, 6)}


class Searcher:
    """Keeps the model warm and the last query vectors cached; safe to share between threads."""

    def __init__(self, library: Library, model: ClipModel, cache_size: int = 64) -> None:
        self.library = library
        self.model = model
        self._cache: OrderedDict[str, FloatArray] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    def open_index(self) -> VectorIndex:
        """The model's vector index, opened (and caught up) on first use. A model whose config
        does not state its dimension embeds one text to learn it."""
        dim = self.model.dim or int(self.model.embed_texts(["a photo"]).shape[1])
        return self.library.vector_index(self.model.name, dim)

    def warm_up(self) -> None:
        """Load the text tower and open the vector index before the first query needs them
        (at 1M photos the index alone takes seconds to read)."""
        self.text_vector("a photo")
        self.open_index()

    def text_vector(self, text: str) -> FloatArray:
        key = " ".join(text.split()).lower()
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                return cached
        vector: FloatArray = self.model.embed_texts([text])[0]
        with self._lock:
            self._cache[key] = vector
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return vector

    def search(self, text: str, k: int = 20) -> list[SearchHit]:
        if not text.strip():
            return []
        return self._hits(self.open_index().query(self.text_vector(text), k))

    def similar(self, path: str, k: int = 20) -> list[SearchHit]:
        """Photos like an indexed one, from its stored vector; the photo itself is left out."""
        store = self.library.store
        file_id = store.file_id(path)
        index = self.open_index()
        vector = None if file_id is None else store.vector_of(index.model_id, file_id)
        if file_id is None or vector is None:
            raise UserError(
                say(
                    "{path} is not indexed with the model {model}.",
                    path=path,
                    model=self.model.name,
                ),
                say("Index its folder first."),
                (Remedy(Action.INDEX_FOLDER, str(Path(path).parent)),),
            )
        pairs = index.query(vector, k + 1)
        return [hit for hit in self._hits(pairs) if hit.file_id != file_id][:k]

    def _hits(self, pairs: list[tuple[int, float]]) -> list[SearchHit]:
        paths = self.library.store.paths_of([label for label, _ in pairs])
        return [SearchHit(paths[label], score, label) for label, score in pairs if label in paths]
