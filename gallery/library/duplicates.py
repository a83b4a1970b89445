"""Groups of duplicate photos, and which copy of each to keep.

Never all pairs. Candidate pairs come from two places:
- fingerprint neighbours (`near_pairs`): multi-index hashing over the 63 informative bits of
  the pHash, three bands of 21 bits; two prints within Hamming distance r agree to within
  r // 3 bits in at least one band (pigeonhole), so probing each band's keys at that radius
  finds every pair, and only those are compared in full;
- the model's stored vectors, when a model is named: each photo's few nearest neighbours in
  the library's hnswlib index whose cosine is at least EMBEDDING_AGREEMENT.
A pair is a duplicate when its fingerprints are within the threshold's radius, or within a
looser radius (LOOSE_FACTOR times it) when the embeddings agree too: a light crop moves a
fingerprint further than a re-encode does, and the model confirms it is the same picture.
Photos of a similar scene (another shot, another part of the scene) differ by 14 bits and more
(measured: docs/benchmarks.md, Duplicates), so they stay apart. Flat photos (a solid colour)
all share the FEATURELESS print: a pair of them is kept only when the bytes are the same.
Exact copies: pairs of the same size are hashed (the bytes, in chunks, once per file) and a
group whose copies all share one hash is exact. Groups are the connected parts of the pairs
(union-find); a group's similarity is its weakest pair's.

Similarity of a pair: 1.0 for byte-identical files, else the share of the fingerprint's 64 bits
that agree (capped below 1.0). The threshold is the least similarity a pair needs on its
fingerprint alone: 0.875 (8 bits) by default.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

import numpy as np
import numpy.typing as npt

from gallery.errors import Cancelled, UserError
from gallery.imaging.fingerprint import FEATURELESS, hamming_many
from gallery.library.library import Library
from gallery.library.store import Fingerprints, PhotoRow
from gallery.text import Text, say

log = logging.getLogger(__name__)

IntArray = npt.NDArray[np.int64]
DEFAULT_THRESHOLD = 0.875  # 8 of 64 bits: every re-encode, resize and brightening measured
MIN_THRESHOLD = 0.8  # below it the probes grow combinatorially and other photos get grouped
LOOSE_FACTOR = 1.5  # how much further apart two prints may be when the embeddings agree
EMBEDDING_AGREEMENT = 0.9  # cosine of the model's vectors for "the same picture"
NEIGHBOURS = 6  # per photo, from the vector index (itself among them)
# hnswlib's search breadth for them: at 1M photos 32 finds every planted copy that 64 does, in
# half the time (16 misses 1 %; docs/benchmarks.md, Duplicates).
NEIGHBOUR_EF = 32
NOT_EXACT_CAP = 0.995  # a pair of different bytes is never shown as 1.0
BANDS = 3
BAND_BITS = 21  # bit 63 (the DC position) is always 0: 3 x 21 bits cover the other 63
_HASH_CHUNK = 1 << 20
_PROBE_CHUNK = 200_000  # queries per searchsorted: bounds the candidate arrays' memory
# Formats a camera or a phone writes; a PNG/WebP/... copy of the same picture is a conversion.
_CAMERA_FORMATS = frozenset({"jpeg", "heif", "tiff"})


@dataclass(frozen=True)
class DuplicateGroup:
    keep: PhotoRow  # the proposed keeper
    remove: tuple[PhotoRow, ...]  # the rest, proposed for removal
    reason: Text  # why `keep` is kept
    similarity: float  # 0..1, 1.0 for byte-identical copies
    exact: bool  # every copy has the same bytes

    def as_dict(self) -> dict[str, object]:
        return {
            "keep": self.keep.path,
            "remove": [row.path for row in self.remove],
            "reason": str(self.reason),
            "similarity": round(self.similarity, 4),
        }


def radius_for(threshold: float) -> int:
    """The Hamming radius a similarity cut allows on the fingerprint alone."""
    return int(round((1.0 - threshold) * 64, 6))


def find_duplicates(
    library: Library,
    model_name: str | None,
    folders: Sequence[str] = (),
    threshold: float | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancel: threading.Event | None = None,
) -> list[DuplicateGroup]:
    """The duplicate groups among the library's fingerprinted photos (under `folders`), the
    largest first; `model_name`'s embeddings (when the library holds them) help find lightly
    cropped copies. `progress(done, total)` counts steps; a set `cancel` raises Cancelled."""
    cut = DEFAULT_THRESHOLD if threshold is None else threshold
    if not MIN_THRESHOLD <= cut <= 1.0:
        raise UserError(
            say(
                "The threshold must be between {low} and 1, not {given}.",
                low=MIN_THRESHOLD,
                given=cut,
            ),
            say("Leave it out for the measured default ({default}).", default=DEFAULT_THRESHOLD),
        )
    steps = _Steps(progress, cancel, total=4)
    store = library.store
    prints = store.fingerprints(folders)
    steps.next()
    radius = radius_for(cut)
    pairs, distances = near_pairs(prints.fingerprints, radius, steps.check)
    steps.next()
    if model_name is not None and len(prints.ids):
        extra, extra_distances = _embedding_pairs(
            library, model_name, prints, int(radius * LOOSE_FACTOR), steps.check
        )
        pairs, distances = _merge(pairs, distances, extra, extra_distances)
    hashes = _Hashes()
    pairs, distances = _without_flat_lookalikes(library, prints, pairs, distances, hashes)
    steps.next()
    groups = _build_groups(library, prints, pairs, distances, hashes, steps.check)
    steps.next()
    log.info(
        "Duplicates among %d photos: %d candidate pairs, %d groups (radius %d, model %s)",
        len(prints.ids),
        len(pairs),
        len(groups),
        radius,
        model_name,
    )
    return groups


class _Steps:
    def __init__(
        self,
        progress: Callable[[int, int], None] | None,
        cancel: threading.Event | None,
        total: int,
    ) -> None:
        self.progress = progress
        self.cancel = cancel
        self.total = total
        self.done = 0
        self.check()

    def check(self) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise Cancelled("finding duplicates cancelled")

    def next(self) -> None:
        self.check()
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, self.total)


# candidate pairs from fingerprints -----------------------------------------------------------
def _ball(bits: int, radius: int) -> IntArray:
    """Every mask of `bits` bits with at most `radius` bits set."""
    masks = [0]
    for weight in range(1, radius + 1):
        masks += [sum(1 << b for b in chosen) for chosen in combinations(range(bits), weight)]
    return np.array(masks, dtype=np.int64)


def near_pairs(
    prints: IntArray, radius: int, check: Callable[[], None] = lambda: None
) -> tuple[IntArray, IntArray]:
    """Every pair (i < j, positions in `prints`) within `radius` bits, as an [n, 2] array, and
    their distances. Multi-index hashing: see the module's docstring."""
    n = len(prints)
    found: list[IntArray] = []
    if n < 2:
        return np.zeros((0, 2), dtype=np.int64), np.zeros(0, dtype=np.int64)
    masks = _ball(BAND_BITS, radius // BANDS)
    band_mask = (1 << BAND_BITS) - 1
    for band in range(BANDS):
        keys = (prints >> (band * BAND_BITS)) & band_mask
        order = np.argsort(keys, kind="stable")
        # Where each key's run starts in `order`: a table lookup instead of a binary search
        # per probe (the search was 90 % of the time at 1M photos).
        starts = np.zeros((1 << BAND_BITS) + 1, dtype=np.int64)
        np.cumsum(np.bincount(keys, minlength=1 << BAND_BITS), out=starts[1:])
        for mask in masks:
            check()
            for start in range(0, n, _PROBE_CHUNK):
                block = np.arange(start, min(n, start + _PROBE_CHUNK))
                found.append(_probe(starts, order, keys[block] ^ mask, block, prints, radius))
    codes = np.unique(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)
    pairs = np.stack([codes // n, codes % n], axis=1)
    return pairs, hamming_many(prints[pairs[:, 0]], prints[pairs[:, 1]]).astype(np.int64)


def _probe(
    starts: IntArray,
    order: IntArray,
    wanted: IntArray,
    queries: IntArray,
    prints: IntArray,
    radius: int,
) -> IntArray:
    """Pairs (coded i * n + j, i < j) of `queries` with the photos whose band key is `wanted`
    (their run in `order` begins at `starts[key]`) and whose whole print is within `radius`."""
    n = len(prints)
    low, high = starts[wanted], starts[wanted + 1]
    hit = high > low
    if not hit.any():
        return np.zeros(0, dtype=np.int64)
    low, queries = low[hit], queries[hit]
    counts = high[hit] - low
    left = np.repeat(queries, counts)
    offsets = np.repeat(low - np.cumsum(counts) + counts, counts)
    right = order[offsets + np.arange(len(left))]
    keep = left < right
    left, right = left[keep], right[keep]
    close = hamming_many(prints[left], prints[right]) <= radius
    return left[close] * n + right[close]


# candidate pairs from embeddings ------------------------------------------------------------
def _embedding_pairs(
    library: Library,
    model_name: str,
    prints: Fingerprints,
    loose_radius: int,
    check: Callable[[], None],
) -> tuple[IntArray, IntArray]:
    """Pairs (positions in `prints`) that are near neighbours in the model's index with a
    cosine of at least EMBEDDING_AGREEMENT and fingerprints within `loose_radius`."""
    from gallery.library.vectors import VectorIndex

    store = library.store
    model_id = store.find_model(model_name)
    empty = np.zeros((0, 2), dtype=np.int64), np.zeros(0, dtype=np.int64)
    if model_id is None or store.vector_count(model_id) == 0:
        return empty
    dim = int(store.db.execute("SELECT dim FROM models WHERE id = ?", (model_id,)).fetchone()[0])
    index: VectorIndex = library.vector_index(model_name, dim)
    found: list[IntArray] = []
    scope = None if len(prints.ids) == len(index) else prints.ids.tolist()
    for ids, vectors in store.vectors(model_id, scope):
        check()
        rows = _positions(prints.ids, np.asarray(ids, dtype=np.int64))
        inside = rows >= 0
        if not inside.any():
            continue
        labels, scores = index.knn_many(vectors[inside], NEIGHBOURS, NEIGHBOUR_EF)
        left = np.repeat(rows[inside], labels.shape[1])
        right = _positions(prints.ids, labels.ravel())
        keep = (scores.ravel() >= EMBEDDING_AGREEMENT) & (right >= 0) & (left != right)
        left, right = left[keep], right[keep]
        low, high = np.minimum(left, right), np.maximum(left, right)
        close = hamming_many(prints.fingerprints[low], prints.fingerprints[high]) <= loose_radius
        found.append(low[close] * len(prints.ids) + high[close])
    if not found:
        return empty
    codes = np.unique(np.concatenate(found))
    n = len(prints.ids)
    pairs = np.stack([codes // n, codes % n], axis=1)
    return pairs, hamming_many(
        prints.fingerprints[pairs[:, 0]], prints.fingerprints[pairs[:, 1]]
    ).astype(np.int64)


def _positions(sorted_ids: IntArray, ids: IntArray) -> IntArray:
    """Where each of `ids` is in `sorted_ids` (-1: not there), without a dict of a million."""
    at = np.minimum(np.searchsorted(sorted_ids, ids), max(len(sorted_ids) - 1, 0))
    return np.where(sorted_ids[at] == ids, at, -1).astype(np.int64)


def _merge(
    pairs: IntArray, distances: IntArray, extra: IntArray, extra_distances: IntArray
) -> tuple[IntArray, IntArray]:
    both = np.concatenate([pairs, extra])
    both_distances = np.concatenate([distances, extra_distances])
    _, first = np.unique(both, axis=0, return_index=True)
    return both[first], both_distances[first]


# groups -------------------------------------------------------------------------------------
def _components(n: int, pairs: IntArray) -> Iterator[list[int]]:
    """Union-find over positions 0..n-1; yields each component of two or more."""
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in pairs.tolist():
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    members: dict[int, list[int]] = {}
    for i in {int(x) for x in pairs.ravel().tolist()}:
        members.setdefault(root(i), []).append(i)
    for group in members.values():
        if len(group) > 1:
            yield sorted(group)


def _without_flat_lookalikes(
    library: Library, prints: Fingerprints, pairs: IntArray, distances: IntArray, hashes: _Hashes
) -> tuple[IntArray, IntArray]:
    """Drop pairs of two flat photos unless their bytes are the same: their prints agree
    whatever their colours, and a model may well find two plain walls alike."""
    flat = (prints.fingerprints[pairs[:, 0]] == FEATURELESS) & (
        prints.fingerprints[pairs[:, 1]] == FEATURELESS
    )
    if not flat.any():
        return pairs, distances
    keep = ~flat
    for position in np.flatnonzero(flat).tolist():
        a, b = pairs[position].tolist()
        keep[position] = prints.sizes[a] == prints.sizes[b] and hashes.same(
            library, int(prints.ids[a]), int(prints.ids[b])
        )
    return pairs[keep], distances[keep]


def _build_groups(
    library: Library,
    prints: Fingerprints,
    pairs: IntArray,
    distances: IntArray,
    hashes: _Hashes,
    check: Callable[[], None],
) -> list[DuplicateGroup]:
    if not len(pairs):
        return []
    components = list(_components(len(prints.ids), pairs))
    weakest: dict[int, float] = {}
    group_of = {}
    for number, members in enumerate(components):
        for i in members:
            group_of[i] = number
    for (a, b), distance in zip(pairs.tolist(), distances.tolist(), strict=True):
        check()
        exact = prints.sizes[a] == prints.sizes[b] and hashes.same(
            library, int(prints.ids[a]), int(prints.ids[b])
        )
        similarity = 1.0 if exact else min(1.0 - distance / 64, NOT_EXACT_CAP)
        number = group_of[a]
        weakest[number] = min(weakest.get(number, 1.0), similarity)
    rows = library.store.photo_rows([int(prints.ids[i]) for m in components for i in m])
    groups = []
    for number, members in enumerate(components):
        copies = [rows[int(prints.ids[i])] for i in members if int(prints.ids[i]) in rows]
        if len(copies) < 2:
            continue  # removed while this ran
        digests = {hashes.digest(library, row.id) for row in copies}
        exact = len(digests) == 1 and None not in digests
        keep, reason = choose_keeper(copies, exact)
        remove = tuple(row for row in copies if row.id != keep.id)
        groups.append(DuplicateGroup(keep, remove, reason, weakest[number], exact))
    groups.sort(key=lambda group: (-len(group.remove), -group.similarity, group.keep.path))
    return groups


class _Hashes:
    """Each file's BLAKE2b, read in chunks, at most once a run (None: it cannot be read)."""

    def __init__(self) -> None:
        self._known: dict[int, bytes | None] = {}

    def digest(self, library: Library, file_id: int) -> bytes | None:
        if file_id not in self._known:
            path = library.store.path_of(file_id)
            self._known[file_id] = None if path is None else _file_digest(path)
        return self._known[file_id]

    def same(self, library: Library, a: int, b: int) -> bool:
        first = self.digest(library, a)
        return first is not None and first == self.digest(library, b)


def _file_digest(path: str) -> bytes | None:
    digest = hashlib.blake2b(digest_size=20)
    try:
        with Path(path).open("rb") as handle:
            while chunk := handle.read(_HASH_CHUNK):
                digest.update(chunk)
    except OSError:
        return None
    return digest.digest()


# the keeper ---------------------------------------------------------------------------------
def _pixels(row: PhotoRow) -> int:
    return (row.width or 0) * (row.height or 0)


def _original_rank(row: PhotoRow) -> tuple[int, int, int]:
    """Lower is more likely the original: a camera format, then a camera date, then the larger
    file (a re-encode of the same format at the same size is smaller)."""
    return (
        0 if row.format in _CAMERA_FORMATS else 1,
        0 if row.taken_at is not None else 1,
        -row.size,
    )


def _rank(row: PhotoRow) -> tuple[object, ...]:
    taken = row.taken_at if row.taken_at is not None else float("inf")
    return (-_pixels(row), _original_rank(row), taken, len(row.path), row.path)


def choose_keeper(copies: Sequence[PhotoRow], exact: bool = False) -> tuple[PhotoRow, Text]:
    """The copy to keep and why: highest resolution, then the original format over a converted
    copy (camera format, camera date, larger file), then the oldest date taken, then the
    shortest path. The reason names the rule that beat the runner-up."""
    ordered = sorted(copies, key=_rank)
    keep, runner = ordered[0], ordered[1]
    return keep, _reason(keep, runner, exact)


def _format_name(row: PhotoRow) -> str:
    return (row.format or Path(row.path).suffix.lstrip(".") or "?").upper()


def _reason(keep: PhotoRow, runner: PhotoRow, exact: bool) -> Text:
    if exact:
        return say("identical copies; the shortest path")
    if _pixels(keep) != _pixels(runner):
        return say("highest resolution ({width} × {height})", width=keep.width, height=keep.height)
    kept, other = _original_rank(keep), _original_rank(runner)
    if kept[0] != other[0]:
        return say(
            "same resolution; original format ({kept}) over a converted copy ({other})",
            kept=_format_name(keep),
            other=_format_name(runner),
        )
    if kept[1] != other[1]:
        return say("same resolution and format; the copy with the camera's date")
    if kept[2] != other[2]:
        return say("same resolution and format; the larger file (less recompressed)")
    if keep.taken_at != runner.taken_at:
        return say(
            "same resolution and format; the oldest date taken ({date})", date=keep.taken_text()
        )
    return say("same resolution, format and date; the shortest path")
