"""One photo from its file (or its bytes) to what the writer needs: the model tensor, the
metadata and the thumbnail, from a single decode. Shared by the local pipeline's decode pool
and the cluster's workers, so both record a photo, or its failure, the same way."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
from PIL import Image

from gallery.errors import UnsupportedImageError
from gallery.imaging import decode_image, make_thumbnail
from gallery.imaging.decode import VANISHED, decode_image_data, read_image_file
from gallery.imaging.fingerprint import fingerprint
from gallery.library.store import Decoded, FileRow
from gallery.ml.model_folder import PreprocessSpec
from gallery.ml.preprocess import image_tensor

FloatArray = npt.NDArray[np.float32]
CHANGED = "file changed while it was being indexed; it is indexed again on the next run"


def ensure_unchanged(path: Path, row: FileRow) -> None:
    """The scan's size and mtime must still hold: a file that vanished or was rewritten since
    is recorded with that reason, never decoded into a vector for a version no row describes."""
    try:
        info = path.stat()
    except FileNotFoundError as exc:
        raise UnsupportedImageError(VANISHED) from exc
    except OSError:
        return  # the decode says why the file cannot be read
    if (info.st_size, info.st_mtime_ns) != (row.size, row.mtime_ns):
        raise UnsupportedImageError(CHANGED)


@dataclass
class DecodedPhoto:
    row: FileRow
    tensor: FloatArray | None = None
    meta: Decoded | None = None
    thumbnail: Image.Image | None = None
    error: str | None = None
    seconds: float = 0.0


def decode_photo(
    row: FileRow,
    preprocess: PreprocessSpec,
    min_side: int,
    *,
    thumbnail: bool,
    source: Path | bytes | None = None,
) -> DecodedPhoto:
    """Decode `row`'s photo from `source`: its path here (default), the path a cluster worker
    reads it at (checked against the row's size and mtime like a local path), or its bytes
    (checked by whoever read them)."""
    started = time.perf_counter()
    result = DecodedPhoto(row)
    path = Path(row.path) if source is None else source
    try:
        if isinstance(path, Path):
            ensure_unchanged(path, row)
            decoded = decode_image(path, min_side)
            ensure_unchanged(path, row)  # rewritten while it was being read
        else:
            decoded = decode_image_data(path, min_side)
        result.tensor = image_tensor(decoded.image, preprocess)
        width, height = decoded.original_size
        result.meta = Decoded(
            row.id, width, height, decoded.taken_at, decoded.format, fingerprint(decoded.image)
        )
        if thumbnail:
            result.thumbnail = make_thumbnail(decoded.image)
    except UnsupportedImageError as exc:
        result.error = exc.reason
    result.seconds = time.perf_counter() - started
    return result


def read_unchanged(row: FileRow) -> bytes:
    """The file's bytes for a worker that cannot read it, if it is still the scanned version;
    `UnsupportedImageError` with the reason otherwise."""
    path = Path(row.path)
    ensure_unchanged(path, row)
    data = read_image_file(path)
    if len(data) != row.size:
        raise UnsupportedImageError(CHANGED)
    return data
