"""The headless contract, end to end through `python -m gallery` with real parts: a real photo
corpus in every format plus broken files, a tiny model with planted colour meaning, real
SQLite, real hnswlib and real ONNX Runtime."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

from tests.conftest import CORPUS, RunResult, parse_json
from tests.support.tiny_models import COLOURS, solid_colour_image

Cli = Callable[..., RunResult]
BROKEN = {
    "empty.jpg": b"",
    "random.jpg": os.urandom(4096),
    "notes-as.png": b"this is not a picture at all\n" * 20,
}


def _photo_folder(root: Path) -> dict[str, Path]:
    """The corpus, solid colour photos and broken files, all in one tree."""
    shutil.copytree(CORPUS, root / "corpus")
    colours = {}
    for name in ("red", "green", "blue", "yellow"):
        colours[name] = solid_colour_image(root / "colours" / f"{name}.jpg", name)
    for name, data in BROKEN.items():
        (root / "broken" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "broken" / name).write_bytes(data)
    (root / ".hidden").mkdir()
    solid_colour_image(root / ".hidden" / "secret.jpg", "red")
    (root / "@eaDir").mkdir()
    solid_colour_image(root / "@eaDir" / "nas-thumb.jpg", "red")
    (root / "readme.txt").write_text("not a photo")
    return colours


def test_index_search_and_incremental_runs(
    tmp_path: Path, gallery_cli: Cli, model_dirs: dict[str, Path]
) -> None:
    gallery_cli("models", "import", str(model_dirs["colour-hf"]), "--name", "colours")
    photos = tmp_path / "photos"
    colours = _photo_folder(photos)
    corpus_files = [p for p in (photos / "corpus").rglob("*") if p.is_file()]
    broken_corpus = {"truncated.jpg", "multipage_rgb.tif"}
    expected_failed = len(BROKEN) + len(broken_corpus)
    expected_total = len(corpus_files) + len(colours) + len(BROKEN)

    first = parse_json(gallery_cli("index", str(photos), "--json"))
    assert first["scanned"] == expected_total
    assert first["new"] == expected_total
    assert first["failed"] == expected_failed
    assert first["embedded"] == expected_total - expected_failed
    assert {"scanned", "new", "updated", "removed", "failed", "skipped", "seconds"} <= set(first)

    status = parse_json(gallery_cli("status", "--json"))
    assert status["models"]["colours"] == {
        "indexed": expected_total - expected_failed,
        "failed": expected_failed,
        "pending": 0,
    }
    reasons = {Path(item["path"]).name: item["reason"] for item in status["failed_files"]}
    assert set(reasons) == set(BROKEN) | broken_corpus
    assert reasons["empty.jpg"] == "empty file"
    assert "truncated" in reasons["truncated.jpg"]
    assert all(reasons.values())

    hits = parse_json(gallery_cli("search", "a red car", "-n", "3", "--json"))
    assert Path(hits[0]["path"]) == colours["red"].resolve()
    assert hits[0]["score"] >= hits[1]["score"] >= hits[2]["score"]
    for word in COLOURS.keys() & colours.keys():
        top = parse_json(gallery_cli("search", f"something {word}", "-n", "1", "--json"))
        assert Path(top[0]["path"]).name == f"{word}.jpg"

    second = parse_json(gallery_cli("index", str(photos), "--json"))
    assert second["embedded"] == 0
    assert (second["new"], second["updated"], second["removed"], second["failed"]) == (0, 0, 0, 0)
    assert second["skipped"] == expected_total

    # A changed file is re-embedded: blue.jpg becomes a red photo.
    solid_colour_image(colours["blue"], "red", size=(80, 60))
    os.utime(colours["blue"], ns=(10**18, 10**18))
    third = parse_json(gallery_cli("index", str(photos), "--json"))
    assert (third["updated"], third["embedded"], third["new"]) == (1, 1, 0)
    reds = parse_json(gallery_cli("search", "red", "-n", "2", "--json"))
    assert {Path(h["path"]).name for h in reds} == {"red.jpg", "blue.jpg"}

    # A deleted file leaves the results; similar-photo search excludes the photo itself.
    colours["red"].unlink()
    fourth = parse_json(gallery_cli("index", str(photos), "--json"))
    assert (fourth["removed"], fourth["embedded"]) == (1, 0)
    reds = parse_json(gallery_cli("search", "red", "-n", "5", "--json"))
    assert "red.jpg" not in {Path(h["path"]).name for h in reds}
    assert Path(reds[0]["path"]).name == "blue.jpg"
    similar = parse_json(gallery_cli("similar", str(colours["yellow"]), "-n", "3", "--json"))
    assert str(colours["yellow"].resolve()) not in {h["path"] for h in similar}
    assert len(similar) == 3


def test_immich_layout_end_to_end(
    tmp_path: Path, gallery_cli: Cli, model_dirs: dict[str, Path]
) -> None:
    gallery_cli("models", "import", str(model_dirs["colour-immich"]))
    photos = tmp_path / "photos"
    for name in ("green", "purple", "white"):
        solid_colour_image(photos / f"{name}.png", name)
    summary = parse_json(gallery_cli("index", str(photos), "--batch-size", "2", "--json"))
    assert summary["embedded"] == 3 and summary["batch_size"] == 2
    top = parse_json(gallery_cli("search", "a purple flower", "-n", "1", "--json"))
    assert Path(top[0]["path"]).name == "purple.png"


def test_models_list_status_and_doctor(
    gallery_cli: Cli, model_dirs: dict[str, Path], lumen_home: Path
) -> None:
    catalog = parse_json(gallery_cli("models", "list", "--json"))  # the catalog, none installed
    assert catalog and not any(m["installed"] for m in catalog)
    gallery_cli("models", "import", str(model_dirs["random-hf"]), "--name", "rnd")
    listed = parse_json(gallery_cli("models", "list", "--json"))
    installed = [(m["name"], m["installed"], m["default"]) for m in listed if m["installed"]]
    assert installed == [("rnd", True, True)]
    assert not any(m["default"] for m in listed if not m["installed"])
    doctor = parse_json(gallery_cli("doctor", "--json"))
    assert doctor["paths"]["log"] == str(lumen_home / "logs")
    assert doctor["device"]["active"][-1] == "CPUExecutionProvider"
    assert doctor["device"]["runtime_version"]
    assert "CPUExecutionProvider" in doctor["providers"]["available"]
    assert doctor["model"]["name"] == "rnd" and doctor["model"]["batch_size"] >= 1
    log_text = (lumen_home / "logs" / "lumen-gallery.log").read_text()
    assert "ONNX Runtime" in log_text and "requested" in log_text


def test_clear_errors(tmp_path: Path, gallery_cli: Cli, model_dirs: dict[str, Path]) -> None:
    missing = gallery_cli("search", "cat", check=False)
    assert missing.returncode == 2
    assert "No model is installed" in missing.stderr
    assert "Try: gallery models download NAME" in missing.stderr
    assert " or: gallery models import DIR" in missing.stderr
    bad = gallery_cli("models", "import", str(tmp_path), check=False)
    assert bad.returncode == 2 and "not a CLIP model folder" in bad.stderr
    gallery_cli("models", "import", str(model_dirs["random-hf"]), "--name", "rnd")
    nowhere = gallery_cli("index", str(tmp_path / "nope"), check=False)
    assert nowhere.returncode == 2 and "does not exist" in nowhere.stderr


def test_an_emptied_folder_is_not_taken_for_deleted_photos(
    tmp_path: Path, gallery_cli: Cli, model_dirs: dict[str, Path]
) -> None:
    """The empty mount point of an unplugged drive must not wipe its photos from the index."""
    gallery_cli("models", "import", str(model_dirs["colour-hf"]))
    mount = tmp_path / "usb-drive"
    for name in ("red", "green"):
        solid_colour_image(mount / f"{name}.jpg", name)
    gallery_cli("index", str(mount))
    shutil.move(str(mount), str(tmp_path / "unplugged"))
    mount.mkdir()
    refused = gallery_cli("index", str(mount), check=False)
    assert refused.returncode == 2
    assert "is empty now, but the library holds 2 photos" in refused.stderr
    assert "connect it" in refused.stderr
    status = parse_json(gallery_cli("status", "--json"))
    assert status["models"]["colour-hf"]["indexed"] == 2


def test_status_and_search_refuse_an_unknown_model_alike(
    tmp_path: Path, gallery_cli: Cli, model_dirs: dict[str, Path]
) -> None:
    """One rule for model names: installed, or the library holds an index for it."""
    gallery_cli("models", "import", str(model_dirs["colour-hf"]), "--name", "colours")
    solid_colour_image(tmp_path / "photos" / "red.jpg", "red")
    gallery_cli("index", str(tmp_path / "photos"))

    status = gallery_cli("status", "--model", "NOSUCH", check=False)
    search = gallery_cli("search", "--model", "NOSUCH", "x", check=False)
    assert (status.returncode, search.returncode) == (2, 2)
    assert status.stderr == search.stderr
    assert "No installed model named 'NOSUCH'" in status.stderr and not status.stdout

    # A model whose index outlives its install is still known to status.
    gallery_cli("models", "remove", "colours")
    left = parse_json(gallery_cli("status", "--model", "colours", "--json"))
    assert left["models"] == {"colours": {"indexed": 1, "failed": 0, "pending": 0}}
