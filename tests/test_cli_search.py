"""`gallery search` and `gallery similar` as the issue's command-line contract states them, end
to end through `python -m gallery`: one library of photos with known colours, dates (EXIF or
only a file time), types, shapes and sizes, indexed with the tiny colour model, so every
expected answer is known (a colour word finds the photos of that colour)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from gallery.cli.commands import MORE_RESULTS
from tests.conftest import REPO, RunResult, parse_json
from tests.support.tiny_models import COLOURS

Cli = Callable[..., RunResult]
JSON_KEYS = {"path", "score", "best", "taken_at", "date_source"}
EXIF_DATE_TIME = 0x0132  # IFD0 DateTime, one of the dates the indexer reads


@dataclass(frozen=True)
class Photo:
    name: str  # folder/file under the photo root
    colour: str | tuple[int, int, int]  # a `COLOURS` word or 0-255 RGB
    size: tuple[int, int] = (64, 48)
    exif: str | None = None  # "YYYY-MM-DDTHH:MM:SS" written into the file
    mtime: str = "2020-01-01T12:00:00"  # local time; the date when there is no EXIF date


PHOTOS = (
    Photo("2021/red-kite.jpg", "red", exif="2021-06-01T12:00:00"),
    Photo("2021/red-door.png", "red", (48, 64), mtime="2021-07-15T12:00:00"),
    Photo("2021/blue-sea.jpg", "blue", exif="2021-08-02T09:30:00"),
    Photo("2023/red-bus.jpg", "red", (64, 64), exif="2023-03-10T08:00:00"),
    Photo("2023/green-field.webp", "green", (80, 60), mtime="2023-05-01T12:00:00"),
    Photo("2023/yellow-sun.jpg", "yellow", (400, 300), exif="2023-09-09T18:00:00"),
    Photo("2023/white-wall.png", "white", (60, 80), mtime="2023-11-20T12:00:00"),
    # The rest of the library: what an unrelated photo scores, the bulk the best-match cut
    # compares with. Solid colours score exactly 0 for every other colour word (a flat bulk
    # gives no cut), so these are near-black reds, a shade apart: for "red" they score a few
    # thousandths, close together, for "purple" a few hundredths (and no photo is purple).
    *(
        Photo(
            f"misc/dark-{n:02d}.jpg",
            (81 + n % 5, 0, 0),
            exif=f"2022-{1 + n % 12:02d}-{1 + n:02d}T10:00:00",
        )
        for n in range(20)
    ),
)
REDS = {"red-kite.jpg", "red-door.png", "red-bus.jpg"}


def _write(root: Path, photo: Photo) -> Path:
    path = root / photo.name
    path.parent.mkdir(parents=True, exist_ok=True)
    colour = photo.colour
    rgb = tuple(round(255 * c) for c in COLOURS[colour]) if isinstance(colour, str) else colour
    image = Image.new("RGB", photo.size, rgb)
    options: dict[str, Any] = {"quality": 95} if path.suffix == ".jpg" else {}
    if photo.exif is not None:
        exif = Image.Exif()
        exif[EXIF_DATE_TIME] = photo.exif.replace("-", ":").replace("T", " ")
        options["exif"] = exif
    image.save(path, **options)
    moment = datetime.fromisoformat(photo.mtime).timestamp()
    os.utime(path, (moment, moment))
    return path


@dataclass(frozen=True)
class Library:
    home: Path  # LUMEN_HOME
    photos: Path
    outside: Path  # image files that are not in the library


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory, model_dirs: dict[str, Path]) -> Library:
    """Built once for the module: the tests only read it."""
    base = tmp_path_factory.mktemp("search-library")
    found = Library(base / "lumen-home", base / "photos", base / "outside")
    for photo in PHOTOS:
        _write(found.photos, photo)
    _write(found.outside, Photo("red-outside.jpg", "red"))
    (found.outside / "broken.jpg").write_bytes(b"not a picture at all\n" * 50)
    env = {**os.environ, "LUMEN_HOME": str(found.home)}
    for argv in (
        ("models", "import", str(model_dirs["colour-hf"]), "--name", "colours"),
        ("index", str(found.photos)),
    ):
        subprocess.run(
            [sys.executable, "-m", "gallery", *argv],
            env=env,
            cwd=REPO,
            check=True,
            capture_output=True,
            timeout=300,
        )
    return found


@pytest.fixture
def cli(library: Library, gallery_cli: Cli, monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.setenv("LUMEN_HOME", str(library.home))
    return gallery_cli


def _json(cli: Cli, *argv: str) -> list[dict[str, Any]]:
    hits: list[dict[str, Any]] = parse_json(cli(*argv, "--json"))
    return hits


def _names(hits: list[dict[str, Any]]) -> list[str]:
    return [Path(hit["path"]).name for hit in hits]


def _best(hits: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [hit for hit in hits if hit["best"]]


def _refused(cli: Cli, *argv: str) -> str:
    """A command that stops with a message for the user: exit 2, nothing on stdout."""
    result = cli(*argv, check=False)
    assert result.returncode == 2, result.stdout + result.stderr
    assert not result.stdout
    return result.stderr


def test_json_contract_best_matches_first(cli: Cli, library: Library) -> None:
    hits = _json(cli, "search", "red")
    assert len(hits) == 20  # -n defaults to 20
    assert all(set(hit) == JSON_KEYS for hit in hits)
    assert all(isinstance(hit["score"], float) for hit in hits)
    best = _best(hits)
    assert set(_names(best)) == REDS
    assert hits[: len(best)] == best  # the best matches, then the rest
    scores = [hit["score"] for hit in hits]
    assert scores == sorted(scores, reverse=True)  # relevance: best first within each part
    by_name = {Path(hit["path"]).name: hit for hit in hits}
    assert by_name["red-kite.jpg"]["path"] == str(library.photos / "2021" / "red-kite.jpg")
    assert (by_name["red-kite.jpg"]["taken_at"], by_name["red-kite.jpg"]["date_source"]) == (
        "2021-06-01T12:00:00",
        "exif",
    )
    assert (by_name["red-door.png"]["taken_at"], by_name["red-door.png"]["date_source"]) == (
        "2021-07-15T12:00:00",
        "mtime",
    )
    assert len(_json(cli, "search", "red", "-n", "5")) == 5


def test_text_output(cli: Cli) -> None:
    lines = cli("search", "red", "-n", "6").stdout.splitlines()
    assert lines[0] == "3 best matches"
    assert lines[4] == MORE_RESULTS
    assert len(lines) == 1 + 3 + 1 + 3 + 1  # headline, best, divider, rest, footnote
    score, day, clock, path = lines[1].split()
    assert float(score) > 0.9 and Path(path).name in REDS
    datetime.strptime(f"{day} {clock.rstrip('*')}", "%Y-%m-%d %H:%M")
    assert "2021-07-15 12:00* " in "\n".join(lines)  # a date from the file's time is marked
    assert lines[-1].startswith("* ")


def test_best_prints_only_the_best_matches(cli: Cli) -> None:
    everything = _json(cli, "search", "red", "-n", "30")
    best = _json(cli, "search", "red", "--best")
    assert best == _best(everything) and len(best) == 3
    assert _json(cli, "search", "red", "--best", "-n", "2") == best[:2]
    capped = cli("search", "red", "--best", "-n", "2").stdout.splitlines()
    assert capped[0].startswith("2 best matches") and "more" in capped[0]
    assert MORE_RESULTS not in capped


def test_no_close_match_still_shows_the_nearest(cli: Cli) -> None:
    """No photo is purple: the nearest come, none of them a best match."""
    hits = _json(cli, "search", "purple")
    assert len(hits) == 20 and not _best(hits)
    text = cli("search", "purple").stdout.splitlines()
    assert text[0] == "No close match; the nearest photos:" and MORE_RESULTS not in text
    assert _json(cli, "search", "purple", "--best") == []
    assert cli("search", "purple", "--best").stdout == "No close match.\n"


def test_folder_filters(cli: Cli, library: Library) -> None:
    one = _json(cli, "search", "red", "--folder", str(library.photos / "2021"))
    assert set(_names(one[:2])) == {"red-kite.jpg", "red-door.png"} and len(one) == 3
    assert all(Path(hit["path"]).parent.name == "2021" for hit in one)
    # the library's unrelated photos say what an unrelated one scores, also in a small folder
    assert set(_names(_best(one))) == {"red-kite.jpg", "red-door.png"}
    two = [str(library.photos / "2021"), str(library.photos / "misc")]
    both = _json(cli, "search", "red", "--folder", two[0], "--folder", two[1], "-n", "100")
    assert {Path(hit["path"]).parent.name for hit in both} == {"2021", "misc"}
    assert set(_names(_best(both))) == {"red-kite.jpg", "red-door.png"}


def test_a_relative_folder_is_the_one_under_the_working_directory(
    cli: Cli, library: Library
) -> None:
    relative = os.path.relpath(library.photos / "2023", REPO)  # the CLI runs in REPO
    assert relative.startswith("..")
    hits = _json(cli, "search", "red", "--folder", relative)
    assert _names(hits)[0] == "red-bus.jpg" and len(hits) == 4


def test_date_filters_are_inclusive_days(cli: Cli) -> None:
    summer = _json(cli, "search", "red", "--after", "2021-06-01", "--before", "2021-07-15")
    assert set(_names(summer)) == {"red-kite.jpg", "red-door.png"}  # EXIF, and a file time
    after = _json(cli, "search", "--after", "2023-01-01", "-n", "100")
    assert {hit["taken_at"][:4] for hit in after} == {"2023"} and len(after) == 4
    assert _names(_json(cli, "search", "--before", "2021-06-01")) == ["red-kite.jpg"]
    assert _names(_json(cli, "search", "--after", "2023-11-20")) == ["white-wall.png"]


def test_type_orientation_and_size_filters(cli: Cli) -> None:
    assert set(_names(_json(cli, "search", "--type", "png"))) == {
        "red-door.png",
        "white-wall.png",
    }
    assert set(_names(_json(cli, "search", "--type", "png", "--type", "webp"))) == {
        "red-door.png",
        "white-wall.png",
        "green-field.webp",
    }
    portrait = _json(cli, "search", "red", "--orientation", "portrait")
    assert set(_names(portrait)) == {"red-door.png", "white-wall.png"}
    square = _json(cli, "search", "red", "--orientation", "square")
    assert _names(square) == ["red-bus.jpg"]
    landscape = _json(cli, "search", "red", "--orientation", "landscape", "-n", "100")
    assert "red-kite.jpg" in _names(landscape) and not {"red-door.png", "red-bus.jpg"} & set(
        _names(landscape)
    )
    assert _names(_json(cli, "search", "--min-size", "300")) == ["yellow-sun.jpg"]
    at_least_64 = _json(cli, "search", "yellow", "--min-size", "64", "--type", "jpeg")
    assert _names(at_least_64) == ["yellow-sun.jpg", "red-bus.jpg"]  # the shorter side counts


def test_sorts_keep_the_best_matches_first(cli: Cli) -> None:
    newest = _json(cli, "search", "red", "--sort", "date", "-n", "8")
    assert _names(newest[:3]) == ["red-bus.jpg", "red-door.png", "red-kite.jpg"]
    rest = [hit["taken_at"] for hit in newest[3:]]
    assert all(not hit["best"] for hit in newest[3:]) and rest == sorted(rest, reverse=True)
    oldest = _json(cli, "search", "red", "--sort", "date-asc", "-n", "8")
    assert _names(oldest[:3]) == ["red-kite.jpg", "red-door.png", "red-bus.jpg"]
    rest = [hit["taken_at"] for hit in oldest[3:]]
    assert rest == sorted(rest)
    named = _json(cli, "search", "red", "--sort", "name", "-n", "8")
    assert _names(named[:3]) == ["red-bus.jpg", "red-door.png", "red-kite.jpg"]
    assert _names(named[3:]) == sorted(_names(named[3:]))
    lines = cli("search", "red", "--sort", "date", "-n", "8").stdout.splitlines()
    assert lines[0] == "3 best matches" and lines[4] == MORE_RESULTS


def test_browse_by_filters_without_a_query(cli: Cli, library: Library) -> None:
    folder = str(library.photos / "2023")
    hits = _json(cli, "search", "--folder", folder)
    assert len(hits) == 4 and not _best(hits)
    assert all(hit["score"] == 0.0 for hit in hits)
    dates = [hit["taken_at"] for hit in hits]
    assert dates == sorted(dates, reverse=True)  # "relevance" browses newest first
    named = _json(cli, "search", "--folder", folder, "--sort", "name")
    assert _names(named) == sorted(_names(hits))
    lines = cli("search", "--folder", folder, "-n", "2").stdout.splitlines()
    assert lines[0] == "4 photos (2 shown; raise -n for more)"
    assert lines[1].startswith(" " * 9 + "2023-11-20 12:00* ")  # no score when browsing
    assert lines[1].endswith("white-wall.png")
    assert len(_json(cli, "search", "-n", "100")) == len(PHOTOS)


def test_similar_with_filters_and_sort(cli: Cli, library: Library) -> None:
    kite = str(library.photos / "2021" / "red-kite.jpg")
    hits = _json(cli, "similar", kite, "-n", "30")
    assert kite not in {hit["path"] for hit in hits}  # the photo itself is left out
    assert set(_names(_best(hits))) == REDS - {"red-kite.jpg"}
    in_2023 = _json(cli, "similar", kite, "--folder", str(library.photos / "2023"))
    assert _names(in_2023)[0] == "red-bus.jpg" and len(in_2023) == 4
    oldest = _json(cli, "similar", kite, "--sort", "date-asc", "--best")
    assert _names(oldest) == ["red-door.png", "red-bus.jpg"]
    portrait = _json(cli, "similar", kite, "--orientation", "portrait", "--type", "png")
    assert _names(portrait) == ["red-door.png", "white-wall.png"]
    outside = _json(cli, "similar", str(library.outside / "red-outside.jpg"), "--best")
    assert set(_names(outside)) == REDS  # any image file, embedded on the fly


def test_image_terms(cli: Cli, library: Library) -> None:
    bus = library.photos / "2023" / "red-bus.jpg"
    by_path = _json(cli, "search", str(bus), "--best")
    assert set(_names(by_path)) == REDS - {"red-bus.jpg"}  # a library photo: left out
    outside = library.outside / "red-outside.jpg"
    assert set(_names(_json(cli, "search", "--image", str(outside), "--best"))) == REDS
    mixed = _json(cli, "search", "yellow", "--image", str(outside), "-n", "4")
    assert set(_names(mixed)) == REDS | {"yellow-sun.jpg"}
    two = _json(cli, "search", "--image", str(outside), "--image", str(bus), "--best")
    assert set(_names(two)) == {"red-kite.jpg", "red-door.png"}
    # Text and weighted images mix; a relative path is relative to the working directory.
    relative = os.path.relpath(outside, REPO)
    assert relative.startswith("..")  # the CLI runs in REPO
    leaning = _json(cli, "search", f"blue + 2:{relative}", "-n", "4")
    assert set(_names(leaning[:3])) == REDS and _names(leaning)[3] == "blue-sea.jpg"


def test_weights_and_exclusion(cli: Cli) -> None:
    red_more = _json(cli, "search", "2:red + blue", "-n", "4")
    assert set(_names(red_more[:3])) == REDS and _names(red_more)[3].startswith("blue-")
    blue_more = _json(cli, "search", '"3:blue" + red', "-n", "4")
    assert _names(blue_more)[0] == "blue-sea.jpg" and set(_names(blue_more)[1:]) == REDS
    away = _json(cli, "search", "blue - red", "-n", "100")
    assert _names(away)[0].startswith("blue-") and set(_names(away[-3:])) == REDS


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("search", "beach + "), "ends with “+”"),
        (("search", "+ red"), "starts with “+”"),
        (("search", '"red'), "is not closed"),
        (("search", "- red"), "only terms to leave out"),
        (("search", "0:red"), "weight 0"),
        (("search", "red", "--after", "2024-13-01"), "“2024-13-01” is not a date"),
        (("search", "red", "--before", "yesterday"), "Write dates as YYYY-MM-DD"),
        (("search", "red", "--folder", "/no/such/folder"), "No photos match these filters."),
        (("search", "--after", "2030-01-01"), "No photos match these filters."),
        (("similar", "/no/such/photo.jpg"), "There is no image file /no/such/photo.jpg"),
        (("search", "red", "--image", "/no/such/photo.jpg"), "/no/such/photo.jpg"),
        (("search", "/no/such/photo.jpg + red"), "/no/such/photo.jpg"),
    ],
)
def test_bad_input_exits_2_with_a_clear_message(
    cli: Cli, argv: tuple[str, ...], message: str
) -> None:
    assert message in _refused(cli, *argv)


def test_an_image_that_cannot_be_read_is_named(cli: Cli, library: Library) -> None:
    broken = str(library.outside / "broken.jpg")
    assert broken in _refused(cli, "search", "--image", broken)
    assert broken in _refused(cli, "similar", broken)
    assert str(library.outside) in _refused(cli, "search", "--image", str(library.outside))


def test_an_unknown_type_is_refused_by_the_parser(cli: Cli) -> None:
    stderr = _refused(cli, "search", "red", "--type", "raw")
    assert "invalid choice: 'raw'" in stderr and "jpeg" in stderr
