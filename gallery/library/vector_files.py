"""Embeddings as Parquet files: a library embedded elsewhere (another workstation, a batch job,
a cluster run) joins this one without decoding a photo again.

One row per photo and model: `path`, `size`, `mtime` (nanoseconds, UTC), `model`, `vector`
(float32), and `root`, the library folder the photo belongs to (optional on import: files made
by other tools may lack it; the photo's own folder is used then). An import adds a row's photo
only when the file exists here with the same size and modification time, reads its size and
date from the header alone (the thumbnail is made when first shown, the duplicate fingerprint
by the next index run's backfill), and counts the rest by reason.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from gallery.errors import UserError
from gallery.extras import cluster_module
from gallery.imaging.photo_info import photo_info
from gallery.library.library import Library
from gallery.library.path_map import PathMap
from gallery.library.store import Decoded, ScannedFile
from gallery.text import say

log = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float32]
REQUIRED = ("path", "size", "mtime", "model", "vector")
_ROWS_PER_BATCH = 2048
Progress = Callable[[int, int], None]  # rows done, rows in all


@dataclass
class ExportSummary:
    exported: int = 0
    skipped: int = 0  # names that are not UTF-8 (Parquet strings must be)

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass
class ImportSummary:
    rows: int = 0
    imported: int = 0
    already: int = 0  # the library holds that photo's vector already
    missing: int = 0  # no such file here
    changed: int = 0  # the file here has another size or modification time
    unreadable: int = 0  # its header gives no size (not a photo here)

    @property
    def skipped(self) -> int:
        return self.rows - self.imported

    def as_dict(self) -> dict[str, int]:
        return asdict(self) | {"skipped": self.skipped}


def _schema(pa: Any, dim: int) -> Any:
    return pa.schema(
        [
            ("path", pa.string()),
            ("size", pa.int64()),
            ("mtime", pa.timestamp("ns", tz="UTC")),
            ("model", pa.string()),
            ("vector", pa.list_(pa.float32(), dim)),
            ("root", pa.string()),
        ]
    )


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def export_vectors(
    library: Library, model: str, out: Path, progress: Progress | None = None
) -> ExportSummary:
    """Write every vector the library holds for `model` to `out` (atomically: a temp file
    renamed into place, so a crash never leaves half a file under the name)."""
    pa = cluster_module("pyarrow", say("Exporting vectors"))
    pq = cluster_module("pyarrow.parquet", say("Exporting vectors"))
    store = library.store
    model_id = store.find_model(model)
    if model_id is None or not store.vector_count(model_id):
        raise UserError(
            say("The library holds no vectors for model {model!r}.", model=model),
            say("Index photos with that model first, or name another model."),
        )
    dim = store.model_dim(model_id)
    total = store.vector_count(model_id)
    summary = ExportSummary()
    schema = _schema(pa, dim)
    partial = out.with_name(out.name + ".partial")
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        with pq.ParquetWriter(partial, schema) as writer:
            for chunk in store.exported(model_id):
                kept = [row for row in chunk if _utf8(row[0]) and _utf8(row[3])]
                summary.skipped += len(chunk) - len(kept)
                vectors = np.frombuffer(b"".join(row[4] for row in kept), dtype=np.float32)
                columns = [
                    pa.array([row[0] for row in kept], pa.string()),
                    pa.array([row[1] for row in kept], pa.int64()),
                    pa.array([row[2] for row in kept], pa.int64()).cast(schema.field("mtime").type),
                    pa.array([model] * len(kept), pa.string()),
                    pa.FixedSizeListArray.from_arrays(pa.array(vectors, pa.float32()), dim),
                    pa.array([row[3] for row in kept], pa.string()),
                ]
                writer.write_table(pa.Table.from_arrays(columns, schema=schema))
                summary.exported += len(kept)
                if progress is not None:
                    progress(summary.exported + summary.skipped, total)
        partial.replace(out)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise UserError(
            say("Could not write {path}: {reason}", path=out, reason=exc.strerror or exc),
            say("Choose a folder you can write to, with enough free space."),
        ) from exc
    if summary.skipped:
        log.warning("%d photos with names that are not UTF-8 were left out", summary.skipped)
    return summary


@dataclass(frozen=True)
class _Row:
    path: str  # as here, after the path map
    size: int
    mtime_ns: int
    root: str
    vector: FloatArray


def _read(pq: Any, file: Path) -> Any:
    try:
        parquet = pq.ParquetFile(file)
    except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
        raise UserError(
            say("{path} is not a readable Parquet file: {reason}", path=file, reason=exc),
            say("Give a file written by an export of vectors."),
        ) from exc
    missing = [name for name in REQUIRED if name not in parquet.schema_arrow.names]
    if missing:
        raise UserError(
            say("{path} lacks the columns {missing}.", path=file, missing=", ".join(missing)),
            say("A vectors file has the columns path, size, mtime, model and vector."),
        )
    return parquet


def _batches(parquet: Any, path_map: PathMap) -> Iterator[tuple[str, list[_Row]]]:
    """The file's rows by model, a record batch at a time, paths as here."""
    pa = cluster_module("pyarrow", say("Importing vectors"))
    has_root = "root" in parquet.schema_arrow.names
    columns = [*REQUIRED, "root"] if has_root else list(REQUIRED)
    for batch in parquet.iter_batches(batch_size=_ROWS_PER_BATCH, columns=columns):
        mtime = batch.column("mtime")
        if not str(mtime.type).startswith("int"):
            mtime = mtime.cast(pa.timestamp("ns", tz="UTC")).cast(pa.int64())
        paths = batch.column("path").to_pylist()
        sizes = batch.column("size").to_pylist()
        mtimes = mtime.to_pylist()
        models = batch.column("model").to_pylist()
        vectors = batch.column("vector").to_pylist()
        roots = batch.column("root").to_pylist() if has_root else [None] * len(paths)
        by_model: dict[str, list[_Row]] = {}
        for path, size, ns, model, vector, root in zip(
            paths, sizes, mtimes, models, vectors, roots, strict=True
        ):
            here = path_map.apply(path)
            folder = path_map.apply(root) if root else str(Path(here).parent)
            row = _Row(here, size, ns, folder, np.asarray(vector, dtype=np.float32))
            by_model.setdefault(model, []).append(row)
        yield from by_model.items()


class _Importer:
    """One import: the library's roots and each model's stored ids, looked up once."""

    def __init__(self, library: Library, summary: ImportSummary) -> None:
        self.library = library
        self.summary = summary
        self.roots = library.store.roots()
        self.stored: dict[int, set[int]] = {}

    def root_of(self, row: _Row) -> str:
        """The library folder that holds the photo already, else the file's own root."""
        holding = [root for root in self.roots if row.path.startswith(root.rstrip(os.sep) + os.sep)]
        return max(holding, key=len) if holding else row.root

    def usable(self, row: _Row) -> bool:
        """The file is here as it was when it was embedded; counts the reason if not."""
        try:
            info = Path(row.path).stat()
        except OSError:
            self.summary.missing += 1
            return False
        if (info.st_size, info.st_mtime_ns) != (row.size, row.mtime_ns):
            self.summary.changed += 1
            return False
        return True

    def add(self, model: str, rows: list[_Row]) -> None:
        store = self.library.store
        dims = {len(row.vector) for row in rows}
        if len(dims) != 1:
            raise UserError(
                say("The vectors of model {model!r} differ in length.", model=model),
                say("The file is damaged; export it again."),
            )
        index = self.library.vector_index(model, dims.pop())
        stored = self.stored.setdefault(index.model_id, store.vector_ids(index.model_id)[0])
        rows = [row for row in {row.path: row for row in rows}.values() if self.usable(row)]
        known = store.file_rows([row.path for row in rows])
        fresh: list[_Row] = []
        ids: dict[str, int] = {}
        for row in rows:
            existing = known.get(row.path)
            if existing is None:
                fresh.append(row)
            elif (existing.size, existing.mtime_ns) != (row.size, row.mtime_ns):
                self.summary.changed += 1  # the library's row is another version: index it
            elif existing.id in stored:
                self.summary.already += 1
            else:
                ids[row.path] = existing.id
        headers = {row.path: photo_info(Path(row.path)) for row in fresh}
        readable = [row for row in fresh if headers[row.path].width is not None]
        self.summary.unreadable += len(fresh) - len(readable)
        by_root: dict[str, list[ScannedFile]] = {}
        for row in readable:
            scanned = ScannedFile(row.path, row.size, row.mtime_ns)
            by_root.setdefault(self.root_of(row), []).append(scanned)
        for root, files in by_root.items():
            if root not in self.roots:
                self.roots.append(root)
            ids |= store.add_files(store.add_root(root), files)
        decoded = []
        for row in readable:
            info = headers[row.path]
            assert info.width is not None and info.height is not None
            decoded.append(
                Decoded(ids[row.path], info.width, info.height, info.taken_at, info.format)
            )
        chosen = [row for row in rows if row.path in ids]
        if not chosen:
            return
        vectors = np.stack([row.vector for row in chosen])
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        vectors = (vectors / np.where(norms > 0, norms, 1)).astype(np.float32)
        labels = [ids[row.path] for row in chosen]
        generation = store.commit_batch(index.model_id, decoded, labels, vectors, [])
        index.add(labels, vectors, generation)
        stored.update(labels)
        self.summary.imported += len(chosen)


def import_vectors(
    library: Library,
    file: Path,
    path_map: PathMap | None = None,
    progress: Progress | None = None,
    lock_wait: float = 0.0,
) -> ImportSummary:
    """Add the photos of a vectors file that are here, unchanged, with their vectors; holds
    the library's writer lock. Each record batch is one commit: a crash keeps those before."""
    pq = cluster_module("pyarrow.parquet", say("Importing vectors"))
    parquet = _read(pq, file)
    total = int(parquet.metadata.num_rows)
    summary = ImportSummary()
    with library.writing(say("importing vectors into this library"), lock_wait):
        importer = _Importer(library, summary)
        for model, rows in _batches(parquet, path_map or PathMap()):
            summary.rows += len(rows)
            importer.add(model, rows)
            if progress is not None:
                progress(summary.rows, total)
        library.save()
    return summary
