"""Photos with known text: words rendered onto real photos (the text bench and the tests).

A word is drawn at a given height, colour and angle (180 is upside down) with a contrasting
outline, at a random place on the photo where it fits, so the truth of what is written where
is known. Fonts come from fontconfig (`fc-list`): any Latin font, and a CJK one for Chinese
(fonts-wqy-microhei on Debian, which the CI installs).
"""

from __future__ import annotations

import functools
import random
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont


class NoFont(RuntimeError):
    """No font for the script on this machine."""


@functools.cache
def font_file(lang: str) -> Path:
    """A font file for `lang` ("en", "zh") from fontconfig."""
    if shutil.which("fc-list") is None:
        raise NoFont("fontconfig is not installed")
    pattern = ":lang=zh" if lang == "zh" else ":lang=en:style=Bold"
    listed = subprocess.run(
        ["fc-list", pattern, "file"], capture_output=True, text=True, check=False
    ).stdout.split("\n")
    files = sorted(line.split(":")[0] for line in listed if line.strip())
    if not files:
        raise NoFont(
            f"no font for {lang}" + (" (install fonts-wqy-microhei)" if lang == "zh" else "")
        )
    found = files[0]
    return Path(found)


@dataclass(frozen=True)
class Rendered:
    path: Path
    text: str
    lang: str
    height: int  # pixels of the text's line on the photo as saved
    angle: int


def render(
    photo: Path,
    out: Path,
    text: str,
    *,
    lang: str = "en",
    height: int = 48,
    colour: tuple[int, int, int] = (255, 255, 255),
    angle: int = 0,
    width: int = 1024,
    seed: int = 0,
) -> Rendered:
    """`photo` scaled to `width` pixels across with `text` drawn on it, saved as JPEG `out`."""
    rng = random.Random(seed)
    with Image.open(photo) as source:
        image = source.convert("RGB")
    image = image.resize((width, round(image.height * width / image.width)))
    font = ImageFont.truetype(str(font_file(lang)), height)
    outline = (0, 0, 0) if sum(colour) > 380 else (255, 255, 255)
    left, top, right, bottom = (
        round(v) for v in font.getbbox(text, stroke_width=max(1, height // 16))
    )
    label = Image.new("RGBA", (right - left + 8, bottom - top + 8), (0, 0, 0, 0))
    ImageDraw.Draw(label).text(
        (4 - left, 4 - top),
        text,
        font=font,
        fill=colour,
        stroke_width=max(1, height // 16),
        stroke_fill=outline,
    )
    label = label.rotate(angle, expand=True, resample=Image.Resampling.BICUBIC)
    if label.width >= image.width or label.height >= image.height:
        raise ValueError(f"{text!r} at {height} px does not fit on a {image.size} photo")
    x = rng.randrange(image.width - label.width)
    y = rng.randrange(image.height - label.height)
    image.paste(label, (x, y), label)
    out.parent.mkdir(parents=True, exist_ok=True)
    image.save(out, quality=92)
    return Rendered(out, text, lang, height, angle)
