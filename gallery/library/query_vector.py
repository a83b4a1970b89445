"""A parsed query -> the one vector the index is searched with.

Text terms go through the text tower, cached, since a person refines a query a word at a time
and the app asks again on every keystroke. An image term uses the vector the indexer stored
for a library photo (the same numbers its own search would find, and no decode); any other
file, or pasted pixels, is decoded and embedded on the fly and never stored. Several photos
(More Like These) mean the mean of their unit vectors. The query is the weighted sum of the
terms' unit vectors, normalised, so a weight says how much a term counts whatever its tower.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
from PIL import Image

from gallery.errors import UnsupportedImageError
from gallery.imaging.color import to_rgb
from gallery.imaging.decode import VANISHED, decode_image
from gallery.library.query import (
    ImagePaths,
    ImagePixels,
    ImageSource,
    Query,
    QueryError,
    no_such_image,
)
from gallery.library.store import Store
from gallery.ml.encoder import ClipModel
from gallery.ml.preprocess import image_tensor
from gallery.text import say

FloatArray = npt.NDArray[np.float32]
# Below this share of the terms' total weight the sum is rounding noise: the terms cancel out.
_CANCELLED = 1e-3


@dataclass(frozen=True)
class QueryVector:
    vector: FloatArray  # unit length; zero only when the model reads nothing in any term
    photo_ids: frozenset[int]  # library photos used as positive image terms (left out of results)


class QueryVectors:
    """Turns queries into vectors; caches text vectors (LRU) and is safe to share between
    threads (the towers lock themselves)."""

    def __init__(self, store: Store, model: ClipModel, cache_size: int = 64) -> None:
        self.store = store
        self.model = model
        self._cache: OrderedDict[str, FloatArray] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    def text(self, text: str) -> FloatArray:
        """The text tower's vector; texts that differ only in case or spacing share one."""
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

    def image(self, source: ImageSource, model_id: int) -> tuple[FloatArray, frozenset[int]]:
        """The unit vector of an image term and the library photos it used (their ids)."""
        if isinstance(source, ImagePixels):
            return self._embed([self._pixels(source.image)])[0], frozenset()
        return self._photos(source, model_id)

    def of(self, query: Query, model_id: int) -> QueryVector:
        """sum(weight * unit(term vector)), normalised; QueryError when the terms cancel out."""
        if query.empty:
            raise ValueError("an empty query has no vector: browse instead")
        parts: list[FloatArray] = []
        weight_read = 0.0  # the weight of the terms the model saw something in
        photo_ids: set[int] = set()
        for term in query.terms:
            if term.image is not None:
                vector, ids = self.image(term.image, model_id)
                if term.weight > 0:
                    photo_ids |= ids
            else:
                vector = _unit(self.text(term.text or ""))
            if vector.any():
                weight_read += abs(term.weight)
            parts.append(term.weight * vector)
        total: FloatArray = np.sum(parts, axis=0, dtype=np.float32)
        norm = float(np.linalg.norm(total))
        if weight_read and norm < _CANCELLED * weight_read:
            raise QueryError(
                say("The terms of this query cancel each other out."),
                say("Change a weight, or remove a term after “ - ”."),
            )
        return QueryVector(_unit(total), frozenset(photo_ids))

    def _photos(self, source: ImagePaths, model_id: int) -> tuple[FloatArray, frozenset[int]]:
        """Stored vectors where the library has them, the rest embedded in one batch."""
        if not source.paths:
            raise ValueError("an image term needs at least one photo")
        vectors: list[FloatArray] = []
        used: set[int] = set()
        tensors: list[FloatArray] = []
        for path in source.paths:
            file_id = self.store.file_id(path)
            stored = None if file_id is None else self.store.vector_of(model_id, file_id)
            if file_id is not None and stored is not None:
                vectors.append(_unit(stored))
                used.add(file_id)
            else:
                tensors.append(self._decoded(path))
        if tensors:
            vectors.extend(self._embed(tensors))
        return _unit(np.mean(vectors, axis=0)), frozenset(used)

    def _decoded(self, path: str) -> FloatArray:
        """The model's input for an image file; QueryError names the file and what is wrong."""
        spec = self.model.folder.preprocess
        try:
            return image_tensor(decode_image(Path(path), spec.size).image, spec)
        except UnsupportedImageError as exc:
            if exc.reason == VANISHED:
                raise no_such_image(path) from exc
            raise QueryError(
                say("The image {path} cannot be read: {reason}.", path=path, reason=exc.reason),
                say("Choose another image, or save this one as JPEG or PNG and use that."),
            ) from exc

    def _pixels(self, image: Image.Image) -> FloatArray:
        """A pasted image in any mode (RGBA, P, deep grey...) as the model's input."""
        try:
            return image_tensor(to_rgb(image), self.model.folder.preprocess)
        except UnsupportedImageError as exc:
            raise QueryError(
                say("The pasted image cannot be read: {reason}.", reason=exc.reason),
                say("Copy the image again, or save it to a file and use that."),
            ) from exc

    def _embed(self, tensors: list[FloatArray]) -> list[FloatArray]:
        return list(self.model.embed_image_tensors(np.stack(tensors)))


def _unit(vector: FloatArray) -> FloatArray:
    """Unit length; a zero vector (a model that sees nothing in a text) stays zero."""
    norm = float(np.linalg.norm(vector))
    return (vector / norm).astype(np.float32) if norm > 0 else vector.astype(np.float32)
