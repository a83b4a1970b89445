"""The text bench (`gallery bench --text`): the text pass's speed against its bound, its effect
on the embedding pass, text search at 100k photos of text, and word recall and precision.

(a) Speed. 12 MP photos (the corpus's real photos scaled to 12 MP, a word rendered on each)
are read by the real text pass in a fresh library (the embedding pass done first, untimed):
photos/s, and core-seconds per photo from the process's CPU time. Its bound is the models'
own cost: each photo decoded beforehand, `TextReader.read` alone (wall and CPU seconds), plus
the reduced decode on one thread; bound = cores / (models + decode core-seconds per photo).

(b) The embedding pass with the text pass on and off: the same photos indexed in fresh
libraries, alternately, twice each; img/s of the embedding stage (its own progress rate).

(c) Search. The search bench's library of N photos with clustered vectors, each photo also with
1-6 lines of text (English words and Chinese), built once; queries of each kind (a Chinese
character, a 2-character word, a long word, a part of a word, two words, a word no photo holds,
an ordinary query like "a red dog on the beach") timed whole (`Searcher.find`: query vector,
knn, cut, text hits, merge) and their text part alone (`texts.find` and the matching lines).

(d) Quality. The corpus's photos with known text (the page of text, the Japanese shop front,
the handwritten notes, the bar scene) and a generated set (a word rendered on real photos at
several heights, colours and angles, upside down included, English and Chinese), read by the
text pass, then each known word searched: word recall (photos holding the word that are
found) and precision (found photos that hold it), and the same for the merged best matches.
"""

from __future__ import annotations

import random
import shutil
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PIL import Image

from gallery.bench.machine import cores, describe
from gallery.bench.search import ensure_library, library_paths, queries
from gallery.bench.text_photos import Rendered, render
from gallery.imaging import decode_image
from gallery.library import text_pass, texts
from gallery.library.indexer import Indexer, IndexProgress
from gallery.library.library import Library
from gallery.library.query import parse_query
from gallery.library.search import Searcher
from gallery.library.store import Store
from gallery.ml.encoder import ClipModel
from gallery.ml.ocr import DECODE_SIDE, MAX_SIDE, TextLine, TextReader, model_bytes
from gallery.paths import AppPaths

_CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
SPEED_PIXELS = 12_000_000  # the speed set's photos: 12 MP whatever their shape
# What is written on the corpus's photos with text (read by a person, not by the models).
KNOWN_TEXT: dict[str, tuple[str, ...]] = {
    "captioned/page.png": (
        "Region-based segmentation",
        "markers",
        "coins",
        "background",
        "histogram",
        "grey values",
        "pixels",
        "unambiguously",
    ),
    "photos/japanese-shop.jpg": ("KIRIN", "キリン", "一番搾り", "取扱店", "キリンビール"),
    "photos/handwritten-notes.jpg": (
        "In progress",
        "feedback",
        "release fix",
        "discuss",
        "include",
        "publish",
        "pricing",
        "important",
        "platform",
        "remember this",
        "user story",
        "documents",
        "easily",
        "complete",
        "find existing",
    ),
    "photos/craft-beer.jpg": (
        "main stay",
        "seasonal",
        "barrel aged",
        "weekend warrior",
        "pale ale",
        "hop delusion",
        "mother-in-lager",
        "hopadillo",
        "rodeo clown",
        "session ipa",
        "collaboration",
        "maibock",
        "barleywine",
        "radler",
        "blonde",
    ),
}
_ENGLISH = (
    "ZEPHYR", "Marmalade", "LIGHTHOUSE", "Pelican", "HARBOUR", "Quince", "SAFFRON", "Juniper",
    "CINNAMON", "Walrus", "OBSIDIAN", "Tangerine", "VELVET", "Orchard", "MERIDIAN", "Lantern",
)  # fmt: skip
_CHINESE = (
    "图书馆", "北京", "欢迎光临", "火车站", "咖啡", "博物馆", "出口", "营业时间",
    "小心地滑", "停车场", "医院", "超市", "银行", "邮局", "公园", "学校",
)  # fmt: skip
HEIGHTS = (16, 24, 40, 64)  # pixels on a photo 2000 px across (the size the pass reads at)
ANGLES = (0, 10, 30, 90, 180)
COLOURS = ((255, 255, 255), (0, 0, 0), (255, 220, 0), (220, 30, 30), (30, 60, 200))


def bench_text(
    bench_dir: Path,
    sizes: Sequence[int],
    announce: Callable[[str], None],
    model: ClipModel,
    *,
    threads: int | None = None,
    photos: int = 16,
    query_count: int = 200,
) -> dict[str, Any]:
    reader = TextReader(model.device, threads)
    announce("loading the text recognition models")
    started = time.perf_counter()
    report = reader.report
    load = time.perf_counter() - started
    result: dict[str, Any] = {
        "machine": describe(),
        "ocr": {
            "device": report.summary(),
            "model_megabytes": round(model_bytes() / 1e6, 1),
            "load_seconds": round(load, 2),
            "threads": threads,
        },
        "model": model.name,
    }
    speed_set = _speed_photos(bench_dir / "text-speed", photos, announce)
    result["speed"] = _speed(speed_set, bench_dir / "text-runs", model, reader, announce)
    result["embedding"] = _embedding(speed_set, bench_dir / "text-runs", model, reader, announce)
    result["search"] = [
        _search(bench_dir / "text-search", n, query_count, model, announce) for n in sizes
    ]
    result["quality"] = _quality(bench_dir / "text-quality", model, reader, announce)
    return result


# (a) speed ---------------------------------------------------------------------------------
_WITH_TEXT = ("book-beside-flowers", "craft-beer", "handwritten-notes", "japanese-shop")


def _backgrounds(*, text_free: bool = False) -> list[Path]:
    """The corpus's photos; `text_free`: only those where the models read nothing (checked),
    so a generated photo holds its rendered word alone."""
    photos = sorted((_CORPUS / "photos").glob("*.jpg"))
    return [p for p in photos if not (text_free and p.stem in _WITH_TEXT)]


def _speed_photos(folder: Path, count: int, announce: Callable[[str], None]) -> list[Path]:
    announce(f"{count} photos of 12 MP with a word on each (made once)")
    made = []
    backgrounds = _backgrounds()
    for i in range(count):
        out = folder / f"{i:03d}.jpg"
        if not out.is_file():
            background = backgrounds[i % len(backgrounds)]
            with Image.open(background) as image:
                width = round((SPEED_PIXELS * image.width / image.height) ** 0.5)
            render(background, out, _ENGLISH[i % len(_ENGLISH)], height=width // 25, width=width)
        made.append(out)
    return made


def _fresh_library(base: Path, name: str) -> AppPaths:
    home = base / name
    for db in (home / "data").glob("library.sqlite3*"):
        db.unlink()
    for index in (home / "data" / "indexes").glob("*"):
        index.unlink()
    return AppPaths(home / "data", home / "cache", home / "config", home / "log").ensure()


def _speed(
    photos: list[Path],
    base: Path,
    model: ClipModel,
    reader: TextReader,
    announce: Callable[[str], None],
) -> dict[str, Any]:
    folder = photos[0].parent
    paths = _fresh_library(base, "speed")
    with Library(paths) as library:
        announce("the embedding pass first (untimed)")
        Indexer(library, model, text=False, thumbnails=False).run([folder])
        announce("the text pass")
        wall, cpu = time.perf_counter(), time.process_time()
        done = text_pass.read_pending(library, reader, cores(), lambda: None, _quiet)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    announce("the models alone, and the reduced decode on one thread")
    decoded = []
    decode_cpu = time.process_time()
    for photo in photos:
        decoded.append(decode_image(photo, DECODE_SIDE).image)
    decode_cpu = (time.process_time() - decode_cpu) / len(photos)
    model_wall, model_cpu = time.perf_counter(), time.process_time()
    for image in decoded:
        reader.read(image)
    model_wall = (time.perf_counter() - model_wall) / len(photos)
    model_cpu = (time.process_time() - model_cpu) / len(photos)
    bound = cores() / (model_cpu + decode_cpu)
    rate = done.read / wall if wall else 0.0
    width, height = Image.open(photos[0]).size
    return {
        "photos": len(photos),
        "megapixels": round(width * height / 1e6, 1),
        "decoded_size": list(decoded[0].size),
        "read_size": _read_size(decoded[0].size),
        "with_text": done.with_text,
        "photos_per_second": rate,
        "core_seconds_per_photo": cpu / max(done.read, 1),
        "models_seconds_per_photo": model_wall,
        "models_core_seconds_per_photo": model_cpu,
        "decode_core_seconds_per_photo": decode_cpu,
        "bound_photos_per_second": bound,
        "efficiency": rate / bound if bound else None,
    }


def _read_size(size: tuple[int, int]) -> list[int]:
    scale = min(1.0, MAX_SIDE / max(size))
    return [round(size[0] * scale), round(size[1] * scale)]


def _quiet(done: int, total: int, failed: int, current: str) -> None:
    del done, total, failed, current


# (b) the embedding pass, text on and off ---------------------------------------------------
def _embedding(
    photos: list[Path],
    base: Path,
    model: ClipModel,
    reader: TextReader,
    announce: Callable[[str], None],
) -> dict[str, Any]:
    folder = photos[0].parent
    rates: dict[str, list[float]] = {"off": [], "on": []}
    for trial in ("off", "on", "off", "on"):
        announce(f"the embedding pass with the text pass {trial}")
        paths = _fresh_library(base, f"embedding-{trial}")
        last: list[IndexProgress] = []

        def progress(event: IndexProgress, seen: list[IndexProgress] = last) -> None:
            if event.stage == "index":
                seen[:] = [event]

        with Library(paths) as library:
            Indexer(library, model, text=trial == "on", text_reader=reader).run([folder], progress)
        rates[trial].append(last[0].rate if last else 0.0)
    return {
        trial: {"images_per_second": statistics.mean(values), "runs": values}
        for trial, values in rates.items()
    }


# (c) search --------------------------------------------------------------------------------
_LATIN_WORDS = 20_000


def _vocabulary(rng: random.Random) -> tuple[list[str], list[str]]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    latin = ["".join(rng.choices(letters, k=rng.randint(3, 10))) for _ in range(_LATIN_WORDS)]
    hanzi = [chr(c) for c in range(0x4E00, 0x4E00 + 3500)]
    return latin, hanzi


def _text_library(
    folder: Path, n: int, model: ClipModel, announce: Callable[[str], None]
) -> AppPaths:
    """The search bench's library of `n` photos with vectors (built once), each photo with
    1-6 lines of text: English words or Chinese (added once)."""
    dim = model.dim or int(model.embed_texts(["a photo"]).shape[1])
    announce(f"a library of {n:,} photos with vectors (built once)")
    ensure_library(folder, n, model.name, dim, "clustered")
    paths = library_paths(folder)
    with Library(paths) as library:
        store = library.store
        if texts.counts(store).pending:
            announce(f"text in each of the {n:,} photos (added once)")
            _add_text(store, n)
    return paths


def _add_text(store: Store, n: int) -> None:
    rng = random.Random(n)
    latin, hanzi = _vocabulary(rng)
    box = ((0.1, 0.1), (0.9, 0.1), (0.9, 0.2), (0.1, 0.2))
    step = 5000
    for start in range(1, n + 1, step):
        batch = []
        for file_id in range(start, min(start + step, n + 1)):
            lines = []
            for _ in range(rng.randint(1, 6)):
                if rng.random() < 0.3:
                    text = "".join(rng.choices(hanzi, k=rng.randint(2, 10)))
                else:
                    text = " ".join(rng.choices(latin, k=rng.randint(1, 5)))
                lines.append(TextLine(text, box, 0.9))
            batch.append((file_id, lines))
        texts.record(store, batch, [])


def _search(
    folder: Path, n: int, count: int, model: ClipModel, announce: Callable[[str], None]
) -> dict[str, Any]:
    """Per kind of query: the text part alone (`texts.find` for the pool and the matching
    lines) and the whole search (`Searcher.find`, the query's vector, knn, cut and merge)."""
    paths = _text_library(folder / f"{n}", n, model, announce)
    with Library(paths) as library:
        store = library.store
        searcher = Searcher(library, model)
        searcher.warm_up()
        rng = random.Random(7)
        latin, hanzi = _vocabulary(random.Random(n))
        ordinary = iter(queries(count))
        kinds: dict[str, Callable[[], str]] = {
            "chinese_1": lambda: rng.choice(hanzi),
            "chinese_2": lambda: _stored_pair(store, rng, n),
            "latin_2": lambda: rng.choice(latin)[:2],
            "word": lambda: rng.choice(latin),
            "part_of_word": lambda: rng.choice([w for w in latin[:200] if len(w) > 6])[1:5],
            "two_words": lambda: f"{rng.choice(latin)} {rng.choice(latin)[:3]}",
            "absent": lambda: "zzqx" + rng.choice(latin),
            "ordinary": lambda: next(ordinary),  # "a red dog on the beach"
        }
        announce(f"{count} queries of each kind against {n:,} photos with text")
        figures: dict[str, Any] = {}
        every_text: list[float] = []
        every_search: list[float] = []
        for kind, make in kinds.items():
            text_ms, search_ms, found = [], [], []
            for _ in range(count):
                typed = make()
                words = texts.query_words(typed)
                started = time.perf_counter()
                matches = texts.find(store, words, 200)
                texts.matching_lines(store, matches.ids, words)
                text_ms.append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                searcher.find(parse_query(typed, paths_as_images=False), limit=20)
                search_ms.append((time.perf_counter() - started) * 1000)
                found.append(len(matches.ids))
            every_text += text_ms
            every_search += search_ms
            figures[kind] = {
                "text": _percentiles(text_ms),
                "search": _percentiles(search_ms),
                "mean_hits": statistics.mean(found),
            }
        rows = store.db.execute("SELECT COUNT(*) FROM text_lines").fetchone()[0]
    return {
        "photos": n,
        "lines": rows,
        "text": _percentiles(every_text),
        "search": _percentiles(every_search),
        "kinds": figures,
    }


def _stored_pair(store: Store, rng: random.Random, n: int) -> str:
    """Two characters that follow each other in some photo's Chinese line."""
    while True:
        rows = store.db.execute(
            "SELECT text FROM text_lines WHERE file_id = ?", (rng.randint(1, n),)
        ).fetchall()
        chinese = [text for (text,) in rows if _is_cjk(text)]
        if chinese:
            line = rng.choice(chinese)
            start = rng.randrange(len(line) - 1)
            return str(line[start : start + 2])


def _percentiles(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    return {
        "p50_ms": ordered[len(ordered) // 2],
        "p95_ms": ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))],
        "max_ms": ordered[-1],
    }


# (d) quality -------------------------------------------------------------------------------
def _generated(folder: Path, announce: Callable[[str], None]) -> list[Rendered]:
    announce("the generated set: words rendered on real photos (made once)")
    made = []
    backgrounds = _backgrounds(text_free=True)
    words = [(w, "en") for w in _ENGLISH] + [(w, "zh") for w in _CHINESE]
    for i, (word, lang) in enumerate(words):
        for j, height in enumerate(HEIGHTS):
            angle = ANGLES[(i + j) % len(ANGLES)]
            colour = COLOURS[(i + 2 * j) % len(COLOURS)]
            out = folder / f"{lang}-{i:02d}-{height}.jpg"
            rendered = Rendered(out, word, lang, height, angle)
            if not out.is_file():
                background = backgrounds[(i * len(HEIGHTS) + j) % len(backgrounds)]
                rendered = render(
                    background,
                    out,
                    word,
                    lang=lang,
                    height=height,
                    colour=colour,
                    angle=angle,
                    width=2000,
                    seed=i * 10 + j,
                )
            made.append(rendered)
    return made


def _quality(
    base: Path, model: ClipModel, reader: TextReader, announce: Callable[[str], None]
) -> dict[str, Any]:
    folder = base / "photos"
    generated = _generated(folder / "generated", announce)
    truth: dict[str, set[str]] = {}  # folded word -> photos holding it
    for rendered in generated:
        truth.setdefault(texts.fold(rendered.text), set()).add(str(rendered.path))
    corpus_folder = folder / "corpus"
    corpus_folder.mkdir(parents=True, exist_ok=True)
    for name, words in KNOWN_TEXT.items():
        target = corpus_folder / Path(name).name
        if not target.exists():
            shutil.copyfile(_CORPUS / name, target)
        for word in words:
            truth.setdefault(texts.fold(word), set()).add(str(target))
    announce(f"the text pass over {len(generated) + len(KNOWN_TEXT)} photos with known text")
    paths = _fresh_library(base, "library")
    recall: dict[str, list[tuple[bool, bool]]] = {}  # group: (found by text, a best match)
    precision: dict[str, list[tuple[int, int, int, int]]] = {}  # group: (right, found) x2
    with Library(paths) as library:
        Indexer(library, model, text_reader=reader, thumbnails=False).run([folder])
        searcher = Searcher(library, model)
        for word, holders in truth.items():
            ids = texts.find(library.store, texts.query_words(word), 1000).ids
            found = set(library.store.paths_of(ids).values())
            best = searcher.find(parse_query(word), limit=None, best_only=True).hits
            merged = {hit.path for hit in best}
            # a photo holding the word as a part of another word holds it too
            relevant = {p for known, ps in truth.items() if word in known for p in ps}
            for path in holders:
                for group in _groups(path, generated):
                    recall.setdefault(group, []).append((path in found, path in merged))
            row = (len(found & relevant), len(found), len(merged & relevant), len(merged))
            for group in ("all", "chinese" if _is_cjk(word) else "latin"):
                precision.setdefault(group, []).append(row)
    return {
        "recall": {group: _recall(rows) for group, rows in sorted(recall.items())},
        "precision": {group: _precision(rows) for group, rows in sorted(precision.items())},
    }


def _is_cjk(word: str) -> bool:
    return any(ord(ch) >= 0x2E80 for ch in word)


def _groups(path: str, generated: list[Rendered]) -> list[str]:
    """The sets a photo with known text counts in: the corpus, or the generated set by
    language, text height and angle."""
    rendered = next((r for r in generated if str(r.path) == path), None)
    if rendered is None:
        return ["all", "corpus"]
    return [
        "all",
        f"generated {rendered.lang}",
        f"height {rendered.height} px",
        f"angle {rendered.angle}",
    ]


def _recall(rows: list[tuple[bool, bool]]) -> dict[str, Any]:
    return {
        "words": len(rows),
        "text": sum(text for text, _ in rows) / len(rows),
        "best_matches": sum(best for _, best in rows) / len(rows),
    }


def _precision(rows: list[tuple[int, int, int, int]]) -> dict[str, Any]:
    def share(right: int, found: int) -> float | None:
        return right / found if found else None

    return {
        "queries": len(rows),
        "text": share(sum(r[0] for r in rows), sum(r[1] for r in rows)),
        "best_matches": share(sum(r[2] for r in rows), sum(r[3] for r in rows)),
    }


def text_lines(result: dict[str, Any]) -> list[str]:
    ocr, speed, embedding = result["ocr"], result["speed"], result["embedding"]
    lines = [
        f"Text recognition: PP-OCR det+cls+rec ({ocr['model_megabytes']} MB) on {ocr['device']}, "
        f"loaded in {ocr['load_seconds']} s",
        f"Text pass: {speed['photos']} photos of {speed['megapixels']} MP (decoded at "
        f"{speed['decoded_size'][0]}x{speed['decoded_size'][1]}, read at "
        f"{speed['read_size'][0]}x{speed['read_size'][1]}): {speed['photos_per_second']:.2f} "
        f"photos/s, {speed['core_seconds_per_photo']:.2f} core-s per photo",
        f"  models alone: {speed['models_seconds_per_photo']:.2f} s, "
        f"{speed['models_core_seconds_per_photo']:.2f} core-s per photo; decode "
        f"{speed['decode_core_seconds_per_photo']:.3f} core-s; bound "
        f"{speed['bound_photos_per_second']:.2f} photos/s; efficiency "
        f"{(speed['efficiency'] or 0) * 100:.0f} %",
        f"Embedding pass ({result['model']}): text pass off "
        f"{embedding['off']['images_per_second']:.1f} img/s "
        f"({', '.join(f'{v:.1f}' for v in embedding['off']['runs'])}), on "
        f"{embedding['on']['images_per_second']:.1f} img/s "
        f"({', '.join(f'{v:.1f}' for v in embedding['on']['runs'])})",
    ]
    for size in result["search"]:
        text, search = size["text"], size["search"]
        lines.append(
            f"Search, {size['photos']:,} photos with text ({size['lines']:,} lines): whole "
            f"search p50 {search['p50_ms']:.1f} ms, p95 {search['p95_ms']:.1f} ms; its text "
            f"part p50 {text['p50_ms']:.1f} ms, p95 {text['p95_ms']:.1f} ms"
        )
        for kind, figures in size["kinds"].items():
            lines.append(
                f"  {kind:<13} search p50 {figures['search']['p50_ms']:5.1f} p95 "
                f"{figures['search']['p95_ms']:5.1f} ms; text p50 {figures['text']['p50_ms']:5.1f}"
                f" p95 {figures['text']['p95_ms']:5.1f} ms; text hits {figures['mean_hits']:.0f}"
            )
    quality = result["quality"]
    lines.append("Word recall (photos with the word found; as text hits, as best matches):")
    for group, figures in quality["recall"].items():
        lines.append(
            f"  {group:<16} {figures['words']:4d} words  text {_pct(figures['text'])}  "
            f"best {_pct(figures['best_matches'])}"
        )
    lines.append("Precision (found photos that hold the word; text hits, best matches):")
    for group, figures in quality["precision"].items():
        lines.append(
            f"  {group:<16} {figures['queries']:4d} queries  text {_pct(figures['text'])}  "
            f"best {_pct(figures['best_matches'])}"
        )
    return lines


def _pct(value: float | None) -> str:
    return "  -  " if value is None else f"{value * 100:4.0f} %"
