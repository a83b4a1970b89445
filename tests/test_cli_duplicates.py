"""`gallery duplicates`: the JSON shape, the exit codes, and that it deletes nothing."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from PIL import Image

from gallery.paths import AppPaths
from tests.conftest import RunResult, parse_json

Cli = Callable[..., RunResult]
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "photos"


def _library(tmp_path: Path, gallery_cli: Cli) -> tuple[Path, dict[str, bytes]]:
    photos = tmp_path / "photos"
    (photos / "copies").mkdir(parents=True)
    shutil.copyfile(CORPUS / "prairie_falcon.jpg", photos / "falcon.jpg")
    shutil.copyfile(CORPUS / "prairie_falcon.jpg", photos / "copies" / "falcon again.jpg")
    Image.open(CORPUS / "prairie_falcon.jpg").save(photos / "copies" / "falcon.png")
    shutil.copyfile(CORPUS / "tanners_ridge.jpg", photos / "ridge.jpg")
    gallery_cli("index", str(photos))
    contents = {str(p): p.read_bytes() for p in photos.rglob("*") if p.is_file()}
    return photos, contents


def test_json_lists_the_keeper_first_and_nothing_is_deleted(
    tmp_path: Path, gallery_cli: Cli, paths: AppPaths
) -> None:
    photos, contents = _library(tmp_path, gallery_cli)
    groups = parse_json(gallery_cli("duplicates", "--json"))
    assert groups == [
        {
            "keep": str(photos / "falcon.jpg"),
            "remove": sorted(
                [
                    str(photos / "copies" / "falcon again.jpg"),
                    str(photos / "copies" / "falcon.png"),
                ]
            ),
            # the runner-up is the byte-identical copy
            "reason": "same resolution, format and date; the shortest path",
            "similarity": groups[0]["similarity"],
        }
    ]
    assert 0.8 <= groups[0]["similarity"] < 1.0
    only_copies = parse_json(gallery_cli("duplicates", str(photos / "copies"), "--json"))
    assert [g["keep"] for g in only_copies] == [str(photos / "copies" / "falcon again.jpg")]
    text = gallery_cli("duplicates", "--model", "colours").stdout
    assert "keep    " + str(photos / "falcon.jpg") in text and "nothing is deleted" in text
    assert {str(p): p.read_bytes() for p in photos.rglob("*") if p.is_file()} == contents


def test_errors_exit_2_with_the_core_message(
    tmp_path: Path, gallery_cli: Cli, paths: AppPaths
) -> None:
    _library(tmp_path, gallery_cli)
    bad = gallery_cli("duplicates", "--threshold", "0.3", check=False)
    assert bad.returncode == 2 and "threshold must be between 0.8 and 1" in bad.stderr
    unknown = gallery_cli("duplicates", "--model", "nope", check=False)
    assert unknown.returncode == 2 and "nope" in unknown.stderr


def test_without_a_model_it_works_from_fingerprints(
    tmp_path: Path, gallery_cli: Cli, paths: AppPaths
) -> None:
    _library(tmp_path, gallery_cli)
    shutil.rmtree(paths.models)
    result = gallery_cli("duplicates", "--json")
    assert len(parse_json(result)) == 1
    assert "fingerprints alone" in result.stderr
