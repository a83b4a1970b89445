"""Text in photos: PP-OCR (detection, 0/180° line orientation, recognition) through RapidOCR.

The three ONNX models ship inside the `rapidocr` wheel (Apache-2.0, Chinese and English). Each
is opened by `providers.create_session`, so the provider choice, the threads and the device
report are the CLIP towers' own, and the sessions are handed to RapidOCR; its model paths
point at the package's files too, so its downloader (default_models.yaml lists URLs of other
models) is never reached and nothing touches the network. The orientation model turns lines
that are upside down before they are read.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image

from gallery.errors import ModelError
from gallery.ml.providers import DeviceReport, create_session
from gallery.text import say

log = logging.getLogger(__name__)

# The long side a photo is read at. Measured (docs/benchmarks.md, "Text in photos"): of 960,
# 1280, 1600 and 2000 px, 1280 read as many of the corpus's known words as 2000 (39 of 43) and
# more of the words rendered at 16-64 px on 2000 px photos (36 of 64 against 25), at a third of
# the time; the detector misses small lines at 2000. A 12 MP photo decoded at 1/2 scale (JPEG
# draft mode) is brought down to it, never read at full size.
MAX_SIDE = 1280
# The short side to decode at least: a 3:2 or 4:3 photo then still has MAX_SIDE on its long side
# (a 4000x3000 JPEG decodes at 1/2 scale, 2000x1500).
DECODE_SIDE = 1024
# Lines recognised with less confidence than this are dropped (RapidOCR's default).
MIN_CONFIDENCE = 0.5

_MODELS = {
    "Det": "PP-OCRv6_det_small.onnx",
    "Cls": "ch_ppocr_mobile_v2.0_cls_mobile.onnx",
    "Rec": "PP-OCRv6_rec_small.onnx",
}

Point = tuple[float, float]


@dataclass(frozen=True)
class TextLine:
    """One recognised line: its text, its corners (x, y as fractions of the photo's width and
    height, clockwise from top left, so they hold at any display size) and confidence."""

    text: str
    box: tuple[Point, Point, Point, Point]
    confidence: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "box": [[round(x, 4), round(y, 4)] for x, y in self.box],
            "confidence": round(self.confidence, 4),
        }


# Luminance range (0-255) under which a photo is one flat colour with nothing to read.
FLAT_RANGE = 8
# A photo with a shorter short side holds no line anyone could read (an icon, a thumbnail).
MIN_SIDE = 32


def is_flat(image: Image.Image) -> bool:
    """A photo of one flat colour, or too small to hold a readable line, shows no text: skip
    the models (detection brings a small photo's short side up to 736 pixels, so even a
    thumbnail-sized one costs ~0.2 s)."""
    if min(image.size) < MIN_SIDE:
        return True
    extrema = image.reduce(max(1, min(image.size) // 64)).convert("L").getextrema()
    low, high = extrema if isinstance(extrema[0], int) else (0, 255)
    return int(high) - int(low) < FLAT_RANGE


def model_dir() -> Path:
    """The folder of the OCR models inside the installed `rapidocr` package."""
    import rapidocr

    return Path(rapidocr.__file__).resolve().parent / "models"


def model_bytes() -> int:
    """The models' total size (the bench reports it beside their cost)."""
    return sum((model_dir() / name).stat().st_size for name in _MODELS.values())


class TextReader:
    """Loads the three models once (on first use) and reads photos one at a time; one thread
    reads at a time (the text pass's), loading is guarded for the others."""

    def __init__(self, device: str = "auto", threads: int | None = None) -> None:
        self.device = device
        self.threads = threads
        self._engine: Any = None
        self._report: DeviceReport | None = None
        self._lock = threading.Lock()

    @property
    def report(self) -> DeviceReport:
        """Where the models run (loads them)."""
        self._load()
        assert self._report is not None
        return self._report

    def _load(self) -> Any:
        with self._lock:
            if self._engine is None:
                self._engine, self._report = _load_engine(self.device, self.threads)
            return self._engine

    def read(self, image: Image.Image) -> list[TextLine]:
        """The lines of an upright RGB photo, top to bottom; [] when it shows no text."""
        if is_flat(image):
            return []
        engine = self._load()
        width, height = image.size
        scale = MAX_SIDE / max(width, height)
        if scale < 1:
            image = image.resize(
                (round(width * scale), round(height * scale)), Image.Resampling.BILINEAR
            )
        read_width, read_height = image.size
        result = engine(image)
        if not result.txts:
            return []
        lines = []
        for text, points, confidence in zip(result.txts, result.boxes, result.scores, strict=True):
            text = " ".join(str(text).split())
            if not text or float(confidence) < MIN_CONFIDENCE:
                continue
            corners = [
                (
                    min(max(float(x) / read_width, 0.0), 1.0),
                    min(max(float(y) / read_height, 0.0), 1.0),
                )
                for x, y in points
            ]
            lines.append(
                TextLine(text, (corners[0], corners[1], corners[2], corners[3]), float(confidence))
            )
        return lines


def _load_engine(device: str, threads: int | None) -> tuple[Any, DeviceReport]:
    started = time.perf_counter()
    try:
        from omegaconf import open_dict
        from rapidocr import RapidOCR
    except ImportError as exc:  # a broken install: say what to do
        raise ModelError(
            say("The text recognition package could not be loaded: {error}.", error=exc),
            say("Reinstall Lumen Gallery: its text recognition is incomplete."),
        ) from exc
    folder = model_dir()
    missing = [name for name in _MODELS.values() if not (folder / name).is_file()]
    if missing:
        raise ModelError(
            say(
                "The text recognition models are missing from {folder}: {names}.",
                folder=folder,
                names=", ".join(missing),
            ),
            say("Reinstall Lumen Gallery: its text recognition is incomplete."),
        )
    params: dict[str, Any] = {
        f"{part}.model_path": str(folder / name) for part, name in _MODELS.items()
    }
    params["Global.log_level"] = "critical"  # its console logger; failures come back as errors
    params["Global.max_side_len"] = MAX_SIDE
    params["Global.text_score"] = MIN_CONFIDENCE
    engine = RapidOCR(params=params)
    reports = []
    with open_dict(engine.cfg):
        engine.cfg._set_flag("allow_objects", True)  # the sessions are objects, not YAML values
        for part, name in _MODELS.items():
            session, report = create_session(folder / name, device, threads=threads)
            engine.cfg[part].session = session
            reports.append(report)
    log.info(
        "Text recognition models loaded in %.2f s on %s",
        time.perf_counter() - started,
        reports[0].summary(),
    )
    return engine, reports[0]
