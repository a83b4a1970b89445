"""CLIP image preprocessing: resize (bicubic, or bilinear where the folder says so: MobileCLIP),
center crop (or squash), normalise, NCHW float32.

A graph that takes uint8 pixels [batch, H, W, 3] and normalises them itself (newer Immich
exports) gets the same pixels back through `to_uint8_nhwc`: the NCHW tensors are made once,
whichever the graph wants, so every caller (indexer, queries, benches) stays one path.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from PIL import Image

from gallery.ml.model_folder import PreprocessSpec

FloatArray = npt.NDArray[np.float32]


_RESAMPLING = {"bicubic": Image.Resampling.BICUBIC, "bilinear": Image.Resampling.BILINEAR}


def _resize(image: Image.Image, spec: PreprocessSpec) -> Image.Image:
    size = spec.size
    resample = _RESAMPLING[spec.interpolation]
    if spec.resize_mode == "squash":
        return image.resize((size, size), resample)
    width, height = image.size
    scale = size / min(width, height)
    new_w, new_h = max(size, round(width * scale)), max(size, round(height * scale))
    if (new_w, new_h) != (width, height):
        image = image.resize((new_w, new_h), resample)
    left, top = (new_w - size) // 2, (new_h - size) // 2
    return image.crop((left, top, left + size, top + size))


def image_tensor(image: Image.Image, spec: PreprocessSpec) -> FloatArray:
    """One image as a CHW float32 array, ready to stack into a batch."""
    rgb = _resize(image.convert("RGB") if image.mode != "RGB" else image, spec)
    pixels = np.asarray(rgb, dtype=np.float32)
    std = np.asarray(spec.std, dtype=np.float32)
    mean = np.asarray(spec.mean, dtype=np.float32)
    normalised = pixels * (1.0 / (255.0 * std)) - mean / std
    return np.ascontiguousarray(normalised.transpose(2, 0, 1), dtype=np.float32)


def to_uint8_nhwc(batch: FloatArray, spec: PreprocessSpec) -> npt.NDArray[np.uint8]:
    """Normalised NCHW float pixels back to the uint8 NHWC pixels they were made from (exact
    for `image_tensor`'s output: the pixels were whole numbers before normalising)."""
    std = np.asarray(spec.std, dtype=np.float32).reshape(1, 3, 1, 1)
    mean = np.asarray(spec.mean, dtype=np.float32).reshape(1, 3, 1, 1)
    pixels = np.rint((batch * std + mean) * 255.0)
    nhwc = np.clip(pixels, 0, 255).astype(np.uint8).transpose(0, 2, 3, 1)
    return np.ascontiguousarray(nhwc)
