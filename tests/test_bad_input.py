"""Every kind of bad or odd input is indexed correctly or recorded with a clear reason, and the
run goes on: broken and hostile files, odd image modes, names that are not UTF-8, loops,
unreadable files and folders, files that vanish or change between the scan and the decode."""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from PIL import Image

from gallery.imaging.decode import VANISHED
from gallery.library.decoding import CHANGED
from gallery.library.indexer import Indexer
from gallery.library.library import Library
from gallery.ml.encoder import ClipModel
from gallery.paths import app_paths
from tests.conftest import CORPUS, REPO, RunResult, parse_json
from tests.support.tiny_models import COLOURS, solid_colour_image

Cli = Callable[..., RunResult]

NOT_UTF8_FILE = b"caf\xe9-red.jpg"  # Latin-1, as old cameras and Windows shares write them
NOT_UTF8_FOLDER = b"\xff-folder"


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG claiming width x height with no pixels: a decompression bomb's header."""
    import struct
    import zlib

    def chunk(tag: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(tag + data))
        return struct.pack(">I", len(data)) + tag + data + crc

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b"")


def _odd_photos(root: Path) -> tuple[dict[str, str], set[str]]:
    """Write the odd tree; returns {name: expected failure reason} and the names to index."""
    root.mkdir(parents=True)
    failing = {
        "zero.jpg": "empty file",
        "truncated.jpg": "truncated or corrupt image data",
        "random.jpg": "not a supported image format",
        "bomb.png": "image too large: 2500 MP exceeds the 179 MP limit",  # from the header
    }
    (root / "zero.jpg").write_bytes(b"")
    shutil.copyfile(CORPUS / "odd" / "truncated.jpg", root / "truncated.jpg")
    (root / "random.jpg").write_bytes(os.urandom(8192))
    (root / "bomb.png").write_bytes(_png_header_only(50_000, 50_000))

    solid_colour_image(root / "png-named.jpg", "green", fmt="PNG")
    solid_colour_image(root / "jpeg-named.txt", "blue", fmt="JPEG")
    solid_colour_image(root / "panorama.jpg", "yellow", size=(16_000, 400))
    Image.new("CMYK", (64, 48), (255, 0, 255, 0)).save(root / "cmyk.jpg")  # green
    Image.new("I;16", (64, 48), 65_535).save(root / "gray16.png")
    palette = Image.new("P", (64, 48), 1)
    palette.putpalette([0, 0, 0, 0, 0, 255] + [0] * 762)
    palette.save(root / "palette.png", transparency=0)
    Image.new("RGBA", (64, 48), (255, 128, 0, 100)).save(root / "alpha.png")
    frames = [Image.new("RGB", (64, 48), colour) for colour in ((0, 0, 0), (0, 0, 255))]
    frames[0].save(root / "animated.gif", save_all=True, append_images=frames[1:], duration=100)
    frames[0].save(root / "multipage.tif", save_all=True, append_images=frames[1:])
    solid_colour_image(root / "folder.jpg" / "inside.jpg", "white")  # a folder named like a photo
    solid_colour_image(Path(os.fsdecode(bytes(root) + b"/" + NOT_UTF8_FILE)), "red")
    folder = Path(os.fsdecode(bytes(root) + b"/" + NOT_UTF8_FOLDER))
    solid_colour_image(folder / "inside-not-utf8.jpg", "purple")
    (root / "loop").symlink_to(root)  # a symlink loop
    os.mkfifo(root / "pipe.jpg")  # not a regular file: never opened (it would block)
    indexed = {
        "png-named.jpg",
        "jpeg-named.txt",
        "panorama.jpg",
        "cmyk.jpg",
        "gray16.png",
        "palette.png",
        "alpha.png",
        "animated.gif",
        "multipage.tif",
        "inside.jpg",
        os.fsdecode(NOT_UTF8_FILE),
        "inside-not-utf8.jpg",
    }
    return failing, indexed


def test_odd_and_broken_files_are_indexed_or_recorded(
    tmp_path: Path, gallery_cli: Cli, model_dirs: dict[str, Path], lumen_home: Path
) -> None:
    gallery_cli("models", "import", str(model_dirs["colour-hf"]), "--name", "colours")
    root = tmp_path / "photos"
    failing, indexed = _odd_photos(root)

    summary = parse_json(gallery_cli("index", str(root), "--json"))

    assert summary["scanned"] == len(failing) + len(indexed)
    assert (summary["embedded"], summary["failed"]) == (len(indexed), len(failing))
    status = parse_json(gallery_cli("status", "--json"))
    assert {Path(f["path"]).name: f["reason"] for f in status["failed_files"]} == failing
    db = sqlite3.connect(lumen_home / "data" / "library.sqlite3")
    rows = db.execute("SELECT path, width, height FROM files WHERE error IS NULL").fetchall()
    stored = {Path(os.fsdecode(path)).name: (w, h) for path, w, h in rows}
    assert set(stored) == indexed
    assert stored["panorama.jpg"] == (16_000, 400)
    assert stored["multipage.tif"] == stored["animated.gif"] == (64, 48)
    # A name that is not UTF-8 is stored as its exact bytes (a BLOB) and found again.
    blobs = db.execute("SELECT path FROM files WHERE typeof(path) = 'blob'").fetchall()
    assert {bytes(p).rsplit(b"/", 1)[1] for (p,) in blobs} == {
        NOT_UTF8_FILE,
        b"inside-not-utf8.jpg",
    }
    db.close()
    red = parse_json(gallery_cli("search", "red", "-n", "1", "--json"))[0]["path"]
    assert os.fsencode(red).rsplit(b"/", 1)[1] == NOT_UTF8_FILE
    purple = parse_json(gallery_cli("search", "purple", "-n", "1", "--json"))[0]["path"]
    assert os.fsencode(purple).split(b"/")[-2] == NOT_UTF8_FOLDER
    text = gallery_cli("search", "purple", "-n", "1").stdout
    assert "\\udcff-folder/inside-not-utf8.jpg" in text  # printable, and says which bytes
    like = parse_json(gallery_cli("similar", purple, "-n", "2", "--json"))
    assert purple not in {hit["path"] for hit in like} and len(like) == 2

    again = parse_json(gallery_cli("index", str(root), "--json"))
    assert (again["new"], again["updated"], again["removed"], again["embedded"]) == (0, 0, 0, 0)
    assert gallery_cli("doctor", "--check").returncode == 0


def test_files_that_vanish_or_change_after_the_scan(
    tmp_path: Path, model_dirs: dict[str, Path]
) -> None:
    folder = tmp_path / "photos"
    for i in range(20):
        solid_colour_image(folder / f"a{i:02d}.jpg", list(COLOURS)[i % len(COLOURS)])
    vanishing = solid_colour_image(folder / "z-vanishing.jpg", "red")
    changing = solid_colour_image(folder / "z-changing.jpg", "red")

    def meddle(event: object) -> None:
        """After the first batch, long before the decoder reaches the z files."""
        if getattr(event, "stage", "") == "index" and getattr(event, "done", 0) == 2:
            vanishing.unlink()
            solid_colour_image(changing, "blue", size=(80, 60))

    model = ClipModel.from_path(model_dirs["colour-hf"], device="cpu", batch_size=2)
    with Library(app_paths().ensure()) as library:
        first = Indexer(library, model, decode_threads=1).run([folder], meddle)
        assert (first.embedded, first.failed) == (20, 2)
        assert dict(library.store.failures()) == {str(vanishing): VANISHED, str(changing): CHANGED}

        second = Indexer(library, model, decode_threads=1).run([folder])
        assert (second.removed, second.updated, second.embedded, second.failed) == (1, 1, 1, 0)
        assert library.store.failures() == []
        counts = library.store.counts(library.store.find_model(model.name))
        assert (counts.files, counts.indexed, counts.pending) == (21, 21, 0)


# --- unreadable files and folders ----------------------------------------------------------

_PR_CAPBSET_DROP = 24
_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH = 1, 2


def _obey_file_modes() -> None:
    """In the child: root without the capabilities that bypass file modes, so a mode-000 file
    is unreadable to it as to any user (the permitted set after exec is the bounding set)."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH):
        if libc.prctl(_PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def test_unreadable_files_are_recorded_and_unreadable_folders_keep_their_photos(
    tmp_path: Path, gallery_cli: Cli, model_dirs: dict[str, Path], lumen_home: Path
) -> None:
    gallery_cli("models", "import", str(model_dirs["colour-hf"]), "--name", "colours")
    photos = tmp_path / "photos"
    solid_colour_image(photos / "good.jpg", "red")
    solid_colour_image(photos / "private" / "kept.jpg", "green")
    gallery_cli("index", str(photos))
    locked = solid_colour_image(photos / "locked.jpg", "blue")
    locked.chmod(0)
    (photos / "private").chmod(0)

    try:
        result = subprocess.run(
            [sys.executable, "-m", "gallery", "index", str(photos), "--json"],
            capture_output=True,
            text=True,
            timeout=300,
            cwd=REPO,
            preexec_fn=_obey_file_modes if os.geteuid() == 0 else None,
        )
    finally:
        (photos / "private").chmod(0o755)

    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert (summary["new"], summary["failed"], summary["removed"]) == (1, 1, 0)
    status = parse_json(gallery_cli("status", "--json"))
    assert status["failed_files"] == [
        {"path": str(locked), "reason": "unreadable: permission denied"}
    ]
    assert status["models"]["colours"]["indexed"] == 2, "the unlistable folder kept its photo"
    log = (lumen_home / "logs" / "lumen-gallery.log").read_text(encoding="utf-8")
    assert f"Cannot list folder {photos / 'private'}" in log
