"""A 64-bit perceptual fingerprint (DCT pHash) of an already decoded photo.

The indexer computes it from the image it decodes for the model anyway (shrunk, upright), so a
fingerprint costs a 32x32 grey reduction and two small matrix products, never a second decode.
The 8x8 lowest frequencies of the DCT (but the DC term, which only says how bright the photo
is) are compared with their median: resizing, recompression, format conversion and a change of
brightness or contrast leave the signs alone, a light crop flips a few, a different photo about
half. Stored as a signed 64-bit integer (SQLite's INTEGER).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from PIL import Image

SIDE = 32  # the grey reduction the DCT runs on
_LOW = 8  # the 8x8 lowest frequencies make the 64 bits
BITS = _LOW * _LOW
# A flat photo (a solid colour, a black frame) has no pattern to print: its bits would be the
# DCT's rounding noise, the same for every flat photo, so it gets this print instead (never a
# real one: the median leaves 31 of 63 bits set) and is matched by its bytes alone.
FEATURELESS = 0
_FLAT_SPREAD = 1.0  # coefficients this close together: under 0.1 grey level of detail


def _dct_matrix(n: int, keep: int) -> npt.NDArray[np.float64]:
    """The first `keep` rows of the orthonormal DCT-II basis of length `n`."""
    k = np.arange(keep)[:, None]
    x = np.arange(n)[None, :]
    basis = np.cos(np.pi * (2 * x + 1) * k / (2 * n)) * np.sqrt(2.0 / n)
    basis[0] /= np.sqrt(2.0)
    result: npt.NDArray[np.float64] = basis
    return result


_DCT = _dct_matrix(SIDE, _LOW)
_WEIGHTS = (1 << np.arange(BITS - 1, -1, -1, dtype=np.uint64)).astype(np.uint64)


def fingerprint(image: Image.Image) -> int:
    """The photo's 64-bit pHash as a signed int (bit 63 first: the DC position, always 0)."""
    grey = image.convert("L").resize((SIDE, SIDE), Image.Resampling.BOX)
    pixels = np.asarray(grey, dtype=np.float64)
    return fingerprint_of_pixels(pixels)


def fingerprint_of_pixels(pixels: npt.NDArray[np.float64]) -> int:
    """The pHash of a SIDE x SIDE grey array (split out so a test can feed exact pixels)."""
    low = _DCT @ pixels @ _DCT.T
    coefficients = low.ravel()[1:]  # the DC term only says how bright the photo is
    if np.ptp(coefficients) < _FLAT_SPREAD:
        return FEATURELESS
    bits = np.concatenate(([False], coefficients > np.median(coefficients)))
    unsigned = int(np.sum(_WEIGHTS[bits], dtype=np.uint64))
    return unsigned - (1 << 64) if unsigned >= 1 << 63 else unsigned


def hamming(a: int, b: int) -> int:
    """How many of the 64 bits differ."""
    return ((a ^ b) & 0xFFFF_FFFF_FFFF_FFFF).bit_count()


_POPCOUNT8 = np.array([bin(v).count("1") for v in range(256)], dtype=np.uint8)


def hamming_many(a: npt.NDArray[np.int64], b: npt.NDArray[np.int64]) -> npt.NDArray[np.uint8]:
    """Element-wise Hamming distances of two int64 arrays (a byte table: numpy < 2 has no
    bit_count ufunc)."""
    x = np.bitwise_xor(a.astype(np.int64), b.astype(np.int64)).view(np.uint8)
    counts: npt.NDArray[np.uint8] = _POPCOUNT8[x].reshape(-1, 8).sum(axis=1, dtype=np.uint8)
    return counts
