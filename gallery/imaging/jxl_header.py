"""Read a JPEG XL image's size from its header.

pillow_jxl decodes the whole image while Pillow is still "opening" the file, before any
size check can run, so decode_image reads the size here first to refuse decompression bombs.
"""

from __future__ import annotations

from typing import BinaryIO

_CODESTREAM = b"\xff\x0a"
_CONTAINER = b"\x00\x00\x00\x0cJXL \r\n\x87\n"
_MAX_BOXES = 64  # a real file has its codestream within the first few boxes
_HEADER_BYTES = 16  # the SizeHeader is at most 68 bits
_U32_BITS = (9, 13, 18, 30)  # U32(Bits(9)+1, Bits(13)+1, Bits(18)+1, Bits(30)+1)
_RATIOS = {1: (1, 1), 2: (12, 10), 3: (4, 3), 4: (3, 2), 5: (16, 9), 6: (5, 4), 7: (2, 1)}


class _Bits:
    """LSB-first bit reader, the order JPEG XL headers use."""

    def __init__(self, data: bytes) -> None:
        self._value = int.from_bytes(data, "little")
        self._left = 8 * len(data)

    def read(self, count: int) -> int:
        if count > self._left:
            raise ValueError("JPEG XL header cut short")
        bits = self._value & ((1 << count) - 1)
        self._value >>= count
        self._left -= count
        return bits


def jxl_size(fh: BinaryIO) -> tuple[int, int] | None:
    """(width, height) as stored, or None if no JPEG XL size header can be found."""
    fh.seek(0)
    start = fh.read(len(_CONTAINER))
    if start.startswith(_CODESTREAM):
        fh.seek(len(_CODESTREAM))
    elif start == _CONTAINER:
        if not _seek_to_codestream(fh):
            return None
    else:
        return None
    try:
        return _parse_size_header(fh.read(_HEADER_BYTES))
    except ValueError:
        return None


def _seek_to_codestream(fh: BinaryIO) -> bool:
    """Walk ISO-BMFF boxes to the first jxlc/jxlp box and stop just past its FF0A marker."""
    offset = len(_CONTAINER)
    for _ in range(_MAX_BOXES):
        fh.seek(offset)
        header = fh.read(8)
        if len(header) < 8:
            return False
        size, box_type = int.from_bytes(header[:4], "big"), header[4:]
        header_len = 8
        if size == 1:
            large = fh.read(8)
            if len(large) < 8:
                return False
            size, header_len = int.from_bytes(large, "big"), 16
        if box_type in (b"jxlc", b"jxlp"):
            skip = 4 if box_type == b"jxlp" else 0  # jxlp payloads start with an index
            fh.seek(offset + header_len + skip)
            return fh.read(2) == _CODESTREAM
        if size == 0 or size < header_len:
            return False  # box runs to the end of the file, or is malformed
        offset += size
    return False


def _parse_size_header(data: bytes) -> tuple[int, int]:
    """Decode the SizeHeader that follows the FF0A signature."""
    bits = _Bits(data)
    small = bits.read(1)
    height = (bits.read(5) + 1) * 8 if small else _read_u32(bits)
    ratio = bits.read(3)
    if ratio:
        numerator, denominator = _RATIOS[ratio]
        width = height * numerator // denominator
    else:
        width = (bits.read(5) + 1) * 8 if small else _read_u32(bits)
    return width, height


def _read_u32(bits: _Bits) -> int:
    return bits.read(_U32_BITS[bits.read(2)]) + 1
