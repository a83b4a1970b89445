"""What runs on a cluster worker (a Ray actor): the model loaded once, then batches of photos
decoded and encoded, sent back as vectors, metadata and thumbnail bytes. Nothing here writes
the library; the photos are read from shared storage at their mapped path, or arrive as bytes.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import shutil
import socket
import tarfile
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gallery.errors import ModelError
from gallery.imaging import THUMBNAIL_SIZE
from gallery.imaging.thumbnails import thumbnail_jpeg
from gallery.library.decoding import DecodedPhoto, decode_photo
from gallery.library.indexer import EmbeddedBatch, encode_photos
from gallery.library.store import FileRow
from gallery.ml.encoder import ClipModel
from gallery.ml.model_folder import ModelFolder, read_model_folder

log = logging.getLogger(__name__)
_PACKED = "model"  # the model folder's name inside `pack_model`'s tar


@dataclass(frozen=True)
class WorkItem:
    row: FileRow  # as the desktop's library has it (its path is the desktop's)
    path: str  # where the worker reads the photo: the path map applied
    data: bytes | None = None  # the photo's bytes, for a worker that cannot read the photos


@dataclass(frozen=True)
class WorkerOptions:
    device: str  # "auto", "cpu", "cuda", ... as `--device`
    batch_size: int | None  # `--batch-size`; None: the model-aware size of the worker's device
    threads: int  # the CPUs the actor holds: decode threads and ONNX Runtime's
    thumbnails: bool


@dataclass(frozen=True)
class WorkerFacts:
    """A worker's device report, logged by the desktop for every actor."""

    host: str
    pid: int
    device: str
    batch_size: int
    dim: int
    decode_threads: int


@dataclass
class WorkResult:
    batch: EmbeddedBatch  # the photos' tensors and thumbnail images dropped
    thumbnails: list[bytes | None]  # one JPEG per photo (None: failed, or thumbnails off)


def pack_model(folder: Path) -> bytes:
    """The model folder as one uncompressed tar (ONNX weights do not compress)."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as tar:
        tar.add(folder, arcname=_PACKED)
    return out.getvalue()


def _unpack_model(data: bytes) -> Path:
    """Unpack once per node and model version (the actors of a node, and the next runs, share
    the copy in the temp folder), whole or not at all: staged, then renamed into place."""
    digest = hashlib.sha1(data, usedforsecurity=False).hexdigest()[:16]
    target = Path(tempfile.gettempdir()) / f"lumen-model-{digest}"
    if not target.is_dir():
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-"))
        with tarfile.open(fileobj=io.BytesIO(data), mode="r") as tar:
            tar.extractall(staging, filter="data")
        try:
            staging.rename(target)
        except OSError:  # another actor of this node unpacked it first
            shutil.rmtree(staging, ignore_errors=True)
    return target / _PACKED


class EmbedWorker:
    """One Ray actor. The model folder is read at the desktop's path when the worker sees it
    (shared storage, `--cluster local`), else unpacked once from the object store."""

    def __init__(self, model_path: str, archive: list[Any], options: WorkerOptions) -> None:
        """`archive`: [] or [an ObjectRef of `pack_model`'s bytes], in a list so Ray hands the
        ref over unresolved and the bytes travel only to a worker without the folder."""
        self.options = options
        folder = self._folder(Path(model_path), archive)
        self.model = ClipModel(
            folder, device=options.device, threads=options.threads, batch_size=options.batch_size
        )
        report = self.model.load_image_tower().report
        size = folder.preprocess.size
        self.min_side = max(size, THUMBNAIL_SIZE) if options.thumbnails else size
        self.facts = WorkerFacts(
            socket.gethostname(),
            os.getpid(),
            str(report.summary()),
            self.model.batch_size_for(report),
            self.model.image_dim(),
            options.threads,
        )
        self.pool = ThreadPoolExecutor(options.threads, thread_name_prefix="decode")
        log.info("Cluster worker ready: %s", self.facts)

    @staticmethod
    def _folder(path: Path, archive: list[Any]) -> ModelFolder:
        try:
            return read_model_folder(path)
        except ModelError:
            if not archive:
                raise
        import ray

        return read_model_folder(_unpack_model(ray.get(archive[0])))

    def report(self) -> WorkerFacts:
        return self.facts

    def sees(self, path: str, size: int, mtime_ns: int) -> bool:
        """Whether this worker reads the photos itself: the file is here, as scanned."""
        try:
            info = Path(path).stat()
        except OSError:
            return False
        return (info.st_size, info.st_mtime_ns) == (size, mtime_ns)

    def _decode(self, item: WorkItem) -> DecodedPhoto:
        return decode_photo(
            item.row,
            self.model.folder.preprocess,
            self.min_side,
            thumbnail=self.options.thumbnails,
            source=Path(item.path) if item.data is None else item.data,
        )

    def embed(self, items: list[WorkItem]) -> WorkResult:
        photos = list(self.pool.map(self._decode, items))
        thumbnails = [
            None if photo.thumbnail is None else thumbnail_jpeg(photo.thumbnail) for photo in photos
        ]
        for photo in photos:
            photo.thumbnail = None
        return WorkResult(encode_photos(self.model, photos, self.facts.dim), thumbnails)
