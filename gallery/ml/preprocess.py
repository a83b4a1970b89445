"""CLIP image preprocessing: bicubic resize, center crop (or squash), normalise, NCHW float32."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from PIL import Image

from gallery.ml.model_folder import PreprocessSpec

FloatArray = npt.NDArray[np.float32]


def _resize(image: Image.Image, spec: PreprocessSpec) -> Image.Image:
    size = spec.size
    if spec.resize_mode == "squash":
        return image.resize((size, size), Image.Resampling.BICUBIC)
    width, height = image.size
    scale = size / min(width, height)
    new_w, new_h = max(size, round(width * scale)), max(size, round(height * scale))
    if (new_w, new_h) != (width, height):
        image = image.resize((new_w, new_h), Image.Resampling.BICUBIC)
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
