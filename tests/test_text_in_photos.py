"""Text in photos with the real PP-OCR models (from the rapidocr wheel) on real photos with
words rendered onto them: the text pass of the real indexer, what it stores, and the search
that finds a photo by a word, a part of it, or Chinese; nothing on a blank photo; failures
recorded and never read again; one ONNX Runtime in the environment."""

from __future__ import annotations

import importlib.metadata
import os
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image

from gallery.bench.text_photos import render
from gallery.library import text_pass, texts
from gallery.library.indexer import Indexer, IndexProgress
from gallery.library.library import Library
from gallery.library.query import parse_query
from gallery.library.search import Searcher
from gallery.ml.encoder import ClipModel
from gallery.ml.ocr import TextReader
from gallery.paths import AppPaths
from tests.conftest import CORPUS

PHOTOS = CORPUS / "photos"
# Every ONNX Runtime build on PyPI installs the same `onnxruntime` module: two would shadow
# each other (a CPU-only one hiding the GPU build).
ORT_DISTRIBUTIONS = (
    "onnxruntime",
    "onnxruntime-gpu",
    "onnxruntime-directml",
    "onnxruntime-openvino",
    "onnxruntime-qnn",
    "onnxruntime-silicon",
    "onnxruntime-training",
    "ort-nightly",
    "ort-nightly-gpu",
)


def test_one_onnx_runtime_distribution_serves_rapidocr_too() -> None:
    installed = []
    for name in ORT_DISTRIBUTIONS:
        try:
            installed.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            continue
    assert len(installed) == 1, installed
    requires = importlib.metadata.requires("rapidocr") or []
    assert not [r for r in requires if r.split()[0].lower().startswith("onnxruntime")], requires


@dataclass(frozen=True)
class ReadLibrary:
    paths: AppPaths
    folder: Path
    model: ClipModel


@pytest.fixture(scope="module")
def reader() -> TextReader:
    return TextReader("cpu", threads=2)


@pytest.fixture(scope="module")
def library(
    tmp_path_factory: pytest.TempPathFactory, model_dirs: dict[str, Path], reader: TextReader
) -> Iterator[ReadLibrary]:
    """One folder of photos read by the text pass, in a library of its own."""
    base = tmp_path_factory.mktemp("text-library")
    folder = base / "photos"
    render(PHOTOS / "silver_fir.jpg", folder / "zephyr.jpg", "HOTEL ZEPHYR", height=44)
    render(
        PHOTOS / "wood_anemones.jpg",
        folder / "beijing.jpg",
        "北京欢迎你",
        lang="zh",
        height=44,
        colour=(255, 220, 0),
        seed=1,
    )
    render(
        PHOTOS / "tanners_ridge.jpg",
        folder / "upside-down.jpg",
        "Lighthouse",
        height=44,
        colour=(20, 20, 160),
        angle=180,
        seed=2,
    )
    Image.new("RGB", (640, 480), (240, 240, 236)).save(folder / "blank.jpg")
    (folder / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not a JPEG")
    paths = AppPaths(
        data=base / "data", cache=base / "cache", config=base / "config", log=base / "logs"
    ).ensure()
    model = ClipModel.from_path(model_dirs["colour-hf"], device="cpu")
    events: list[IndexProgress] = []
    with Library(paths) as lib:
        summary = Indexer(lib, model, decode_threads=2, text_reader=reader).run(
            [folder], events.append
        )
    assert (summary.embedded, summary.failed) == (4, 1)
    assert (summary.text_read, summary.text_found, summary.text_failed) == (4, 3, 0)
    text_events = [e for e in events if e.stage == "text"]
    assert text_events and text_events[-1].done == text_events[-1].total == 4
    yield ReadLibrary(paths, folder, model)


def _search(lib: ReadLibrary, text: str) -> list[tuple[str, bool, str | None]]:
    with Library(lib.paths) as library:
        hits = Searcher(library, lib.model).find(parse_query(text), limit=10).hits
    return [(Path(hit.path).name, hit.best, hit.text) for hit in hits]


def test_a_word_on_a_photo_is_found_with_the_line_it_is_on(library: ReadLibrary) -> None:
    assert _search(library, "zephyr")[0] == ("zephyr.jpg", True, "HOTEL ZEPHYR")
    assert _search(library, "Hotel Zephyr")[0] == ("zephyr.jpg", True, "HOTEL ZEPHYR")
    # both words must be there: no photo says "hotel lighthouse"
    assert all(text is None for _, _, text in _search(library, "hotel lighthouse"))


def test_a_part_of_a_word_finds_the_photo(library: ReadLibrary) -> None:
    assert _search(library, "EPHY")[0] == ("zephyr.jpg", True, "HOTEL ZEPHYR")
    assert _search(library, "ho")[0][0] == "zephyr.jpg"  # two letters: the pairs index


def test_upside_down_text_is_read(library: ReadLibrary) -> None:
    assert _search(library, "lighthouse")[0] == ("upside-down.jpg", True, "Lighthouse")


def test_chinese_is_found_by_two_characters_and_one(library: ReadLibrary) -> None:
    assert _search(library, "北京")[0] == ("beijing.jpg", True, "北京欢迎你")
    assert _search(library, "欢迎你")[0] == ("beijing.jpg", True, "北京欢迎你")
    assert _search(library, "迎")[0][0] == "beijing.jpg"


def test_nothing_is_found_on_a_blank_photo(library: ReadLibrary) -> None:
    with Library(library.paths) as lib:
        blank = lib.store.file_id(str(library.folder / "blank.jpg"))
        assert blank is not None
        assert texts.status_of(lib.store, blank) == (0, None)
        assert texts.lines_of(lib.store, blank) == []
        counts = texts.counts(lib.store)
    assert (counts.done, counts.pending, counts.failed) == (4, 0, 0)
    # a word nobody wrote finds no photo by its text
    assert all(text is None and not best for _, best, text in _search(library, "zebra"))


def test_the_lines_keep_their_boxes(library: ReadLibrary) -> None:
    with Library(library.paths) as lib:
        file_id = lib.store.file_id(str(library.folder / "zephyr.jpg"))
        assert file_id is not None
        (line,) = texts.lines_of(lib.store, file_id)
    with Image.open(library.folder / "zephyr.jpg") as image:
        width, height = image.size
    xs = [x * width for x, _ in line.box]
    ys = [y * height for _, y in line.box]
    assert line.text == "HOTEL ZEPHYR" and line.confidence > 0.8
    assert 30 < max(ys) - min(ys) < 90, "the box is about the rendered text's height"
    assert 200 < max(xs) - min(xs) < 600


def test_text_hits_go_with_filters_and_sorting(library: ReadLibrary) -> None:
    from gallery.library.filters import Filters

    with Library(library.paths) as lib:
        searcher = Searcher(lib, library.model)
        by_name = searcher.find(parse_query("zephyr"), Filters(orientation="landscape"), "name")
        blank = lib.store.file_id(str(library.folder / "blank.jpg"))
        wide = Filters(min_size=500)  # leaves the 640x480 blank photo out
        assert blank not in {hit.file_id for hit in searcher.find(parse_query("e"), wide).hits}
    assert (Path(by_name.hits[0].path).name, by_name.best_count) == ("zephyr.jpg", 1)
    assert by_name.hits[0].text == "HOTEL ZEPHYR"


def test_failures_are_recorded_and_never_read_again(
    tmp_path: Path, paths: AppPaths, model_dirs: dict[str, Path], reader: TextReader
) -> None:
    folder = tmp_path / "photos"
    render(PHOTOS / "silver_fir.jpg", folder / "word.jpg", "MARMALADE", width=480)
    vanishing = render(PHOTOS / "wood_anemones.jpg", folder / "gone.jpg", "KIWI", width=480)
    model = ClipModel.from_path(model_dirs["colour-hf"], device="cpu")
    with Library(paths) as lib:
        first = Indexer(lib, model, decode_threads=1, text=False).run([folder])
        assert (first.embedded, first.text_read) == (2, 0)
        assert texts.counts(lib.store).pending == 2
        # the same size and time, other bytes: the scan sees no change, the text pass a file
        # that no longer decodes
        stat = vanishing.path.stat()
        vanishing.path.write_bytes(b"\0" * stat.st_size)
        os.utime(vanishing.path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        second = Indexer(lib, model, decode_threads=1, text_reader=reader).run([folder])
        assert (second.text_read, second.text_found, second.text_failed) == (1, 1, 1)
        third = Indexer(lib, model, decode_threads=1, text_reader=reader).run([folder])
        assert (third.text_read, third.text_failed) == (0, 0)
        counts = texts.counts(lib.store)
        assert (counts.done, counts.pending, counts.failed) == (1, 0, 1)
        gone = lib.store.file_id(str(vanishing.path))
        assert gone is not None
        status = texts.status_of(lib.store, gone)
        assert status is not None and status[1]


def test_a_removed_photo_leaves_no_text_behind(
    tmp_path: Path, paths: AppPaths, model_dirs: dict[str, Path], reader: TextReader
) -> None:
    folder = tmp_path / "photos"
    word = render(PHOTOS / "silver_fir.jpg", folder / "word.jpg", "MARMALADE", width=480)
    model = ClipModel.from_path(model_dirs["colour-hf"], device="cpu")
    with Library(paths) as lib:
        Indexer(lib, model, decode_threads=1, text_reader=reader).run([folder])
        assert texts.find(lib.store, ["marmalade"], 10).ids
        word.path.unlink()
        Image.new("RGB", (64, 48), "red").save(folder / "other.jpg")
        Indexer(lib, model, decode_threads=1, text_reader=reader).run([folder])
        assert texts.find(lib.store, ["marmalade"], 10).ids == []
    db = sqlite3.connect(paths.library_db)
    for table in ("text_status", "text_lines", "text_trigrams", "text_pairs"):
        orphans = db.execute(
            f"SELECT COUNT(*) FROM {table} WHERE "
            f"{'rowid' if table.startswith('text_t') or table == 'text_pairs' else 'file_id'} "
            "NOT IN (SELECT id FROM files)"
        ).fetchone()[0]
        assert orphans == 0, table


def test_a_cancelled_text_pass_keeps_what_it_read_and_the_next_run_reads_the_rest(
    tmp_path: Path, paths: AppPaths, model_dirs: dict[str, Path], reader: TextReader
) -> None:
    folder = tmp_path / "photos"
    count = text_pass.BATCH + 2
    for i in range(count):
        render(PHOTOS / "silver_fir.jpg", folder / f"{i:02d}.jpg", f"WORD{i}", width=320, seed=i)
    model = ClipModel.from_path(model_dirs["colour-hf"], device="cpu")
    cancel = threading.Event()

    def cancel_after_first_commit(event: IndexProgress) -> None:
        if event.stage == "text":
            cancel.set()

    with Library(paths) as lib:
        first = Indexer(lib, model, decode_threads=1, text_reader=reader).run(
            [folder], cancel_after_first_commit, cancel
        )
        assert first.cancelled and first.embedded == count
        assert 0 < first.text_read < count
        assert texts.counts(lib.store).done == first.text_read
        second = Indexer(lib, model, decode_threads=1, text_reader=reader).run([folder])
        assert second.text_read == count - first.text_read and not second.cancelled
        assert texts.find(lib.store, ["word1"], 20).ids  # WORD1 and WORD1x


def test_the_text_pass_gives_way_to_photos_waiting_to_be_embedded(
    tmp_path: Path, paths: AppPaths, model_dirs: dict[str, Path], reader: TextReader
) -> None:
    folder = tmp_path / "photos"
    for i in range(3):
        render(PHOTOS / "silver_fir.jpg", folder / f"{i}.jpg", f"QUINCE{i}", width=320, seed=i)
    model = ClipModel.from_path(model_dirs["colour-hf"], device="cpu")
    asked: list[int] = []

    def waiting() -> bool:  # new photos arrive while the second photo is read
        asked.append(1)
        return len(asked) > 2

    with Library(paths) as lib:
        summary = Indexer(
            lib, model, decode_threads=1, text_reader=reader, photos_waiting=waiting
        ).run([folder])
        assert (summary.embedded, summary.text_read, summary.cancelled) == (3, 2, False)
        assert texts.counts(lib.store).pending == 1


def test_query_words_fold_case_accents_and_full_width_forms() -> None:
    assert texts.query_words("Hôtel ZÉPHYR") == ["hotel", "zephyr"]
    assert texts.query_words("ＫＩＲＩＮ ビール") == ["kirin", "ビール"]  # full-width, kana kept
    assert texts.query_words("a dog on a beach") == ["dog", "on", "beach"]  # "a" beside others
    assert texts.query_words("a") == ["a"]
    assert texts.query_words("北 京") == ["北", "京"]  # one character is a word in Chinese
    assert texts.query_words("c# -- x") == ["c", "x"]
