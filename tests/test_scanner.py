"""The folder walk: what is found, what is skipped, and loops that must not hang it."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from gallery.errors import Cancelled
from gallery.library.scanner import scan
from tests.support.tiny_models import solid_colour_image


def _names(root: Path, excluded: tuple[str, ...] = ()) -> set[str]:
    return {str(Path(f.path).relative_to(root)) for f in scan(root, excluded)}


def test_finds_images_by_content_and_any_extension_case(tmp_path: Path) -> None:
    solid_colour_image(tmp_path / "a.jpg", "red")
    solid_colour_image(tmp_path / "sub" / "B.JPG", "blue")
    solid_colour_image(tmp_path / "sub" / "deeper" / "c.PnG", "green", fmt="PNG")
    jpeg = (tmp_path / "a.jpg").read_bytes()
    (tmp_path / "sub" / "disguised.dat").write_bytes(jpeg)
    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "empty.jpeg").write_bytes(b"")  # a candidate by name: recorded, not ignored
    assert _names(tmp_path) == {
        "a.jpg",
        "sub/B.JPG",
        "sub/deeper/c.PnG",
        "sub/disguised.dat",
        "empty.jpeg",
    }


def test_skips_hidden_nas_and_excluded_folders(tmp_path: Path) -> None:
    for folder in (".hidden", "@eaDir", ".thumbnails", "keep", "private", "keep/.git"):
        solid_colour_image(tmp_path / folder / "x.jpg", "red")
    solid_colour_image(tmp_path / "keep" / ".dotfile.jpg", "red")
    assert _names(tmp_path, ("private",)) == {"keep/x.jpg"}


def test_symlink_loops_are_walked_once(tmp_path: Path) -> None:
    solid_colour_image(tmp_path / "a" / "x.jpg", "red")
    (tmp_path / "a" / "loop").symlink_to(tmp_path)
    (tmp_path / "alias").symlink_to(tmp_path / "a")
    found = list(scan(tmp_path))
    assert len(found) == 1, [f.path for f in found]


def test_size_and_mtime_are_recorded(tmp_path: Path) -> None:
    photo = solid_colour_image(tmp_path / "a.jpg", "red")
    os.utime(photo, ns=(1_000_000_000, 2_000_000_000))
    (item,) = scan(tmp_path)
    assert (item.size, item.mtime_ns) == (photo.stat().st_size, 2_000_000_000)


def test_cancel_stops_the_walk(tmp_path: Path) -> None:
    for i in range(3):
        solid_colour_image(tmp_path / f"d{i}" / "x.jpg", "red")
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        list(scan(tmp_path, cancel=cancel))
