"""`gallery bench` and what it relies on, at tiny sizes: the ViT builder (a valid HF-layout
folder the real loader runs, FLOPs that match the formula), the text tower running at the
query's length, fp16 towers and IOBinding, and the JSON both benchmarks report. No timings are
asserted: speed is for docs/benchmarks.md, not for CI."""

from __future__ import annotations

import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from gallery.bench import cut
from gallery.bench.photos import ensure_photos
from gallery.bench.report import cut_lines
from gallery.bench.search import (
    EF_LADDER,
    FILTER_SHARES,
    FOLDERS,
    STRATEGY_KS,
    exact_top,
    folder_filter,
    folder_of,
    photo_folder,
    queries,
    stored,
    vectors,
)
from gallery.bench.vit import ARCHS, VitSpec, bench_facts, build_bench_model, count_macs
from gallery.bench.vit import vision_model as vit_vision_model
from gallery.library import indexer
from gallery.library.best_matches import MARGIN
from gallery.library.library import Library
from gallery.library.vectors import search_ef
from gallery.ml.encoder import ClipModel
from gallery.ml.model_folder import read_model_folder
from gallery.paths import app_paths
from tests.conftest import RunResult, parse_json

TINY = VitSpec("tiny-bench", 32, 2, 4, 8, 32, 16, 32, 2, 4)


@pytest.fixture(scope="module")
def tiny_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_bench_model(TINY, tmp_path_factory.mktemp("bench") / TINY.name)


def _copy_with(folder: Path, dest: Path, which: str, model: onnx.ModelProto) -> Path:
    """The tiny folder with one tower replaced."""
    import shutil

    shutil.copytree(folder, dest)
    onnx.save_model(model, str(dest / "onnx" / which))
    return dest


def test_formula_gives_the_real_models_cost() -> None:
    assert ARCHS["b32"].image_macs() == pytest.approx(4.41e9, rel=0.01)  # 8.8 GFLOPs
    assert ARCHS["l14"].image_macs() == pytest.approx(80.9e9, rel=0.01)  # 162 GFLOPs


def test_tiny_vit_folder_runs_through_the_real_loader(tiny_folder: Path) -> None:
    folder = read_model_folder(tiny_folder)
    assert (folder.layout, folder.embed_dim, folder.preprocess.size) == ("hf", 16, 32)
    assert folder.vision is not None
    assert (folder.vision.width, folder.vision.layers, folder.vision.patch_size) == (32, 2, 8)
    model = ClipModel(folder, device="cpu")
    images = model.embed_image_tensors(np.random.default_rng(0).random((3, 3, 32, 32), "f4"))
    texts = model.embed_texts(["a dog on the beach", "zebra crossing"])
    assert images.shape == (3, 16) and texts.shape == (2, 16)
    assert np.allclose(np.linalg.norm(images, axis=1), 1.0, atol=1e-5)
    assert model.loaded_report is not None and model.batch_size_for(model.loaded_report) >= 1
    facts = bench_facts(tiny_folder)
    assert facts["image_macs_counted"] == facts["image_macs"] == TINY.image_macs()


def test_counted_macs_match_the_formula_for_other_shapes() -> None:
    spec = VitSpec("odd", 48, 3, 6, 16, 64, 24, 32, 1, 4)
    assert count_macs(vit_vision_model(spec)) == spec.image_macs()


def _feed_lengths(model: ClipModel) -> list[int]:
    """Record the sequence length of every text tower run."""
    tower = model.load_text_tower()
    lengths: list[int] = []
    run = tower.run

    def spy(feeds: dict[str, Any]) -> Any:
        lengths.append(next(iter(feeds.values())).shape[1])
        return run(feeds)

    tower.run = spy  # type: ignore[method-assign]
    return lengths


def _full_context(model: ClipModel, text: str) -> np.ndarray:
    ids, _ = model.tokenize([text])
    raw = model.load_text_tower().session.run(["text_embeds"], {"input_ids": ids})[0]
    return np.asarray(raw / np.linalg.norm(raw, axis=1, keepdims=True))


def test_text_queries_run_at_their_own_length(tiny_folder: Path) -> None:
    model = ClipModel.from_path(tiny_folder, device="cpu")
    lengths = _feed_lengths(model)
    vector = model.embed_texts(["a red car"])
    assert lengths[-1] == 5  # BOS a red car EOS, not the 77 of the context
    assert np.allclose(vector, _full_context(model, "a red car"), atol=1e-5)


def test_a_tower_that_reads_padding_keeps_the_full_context(
    tiny_folder: Path, tmp_path: Path
) -> None:
    table = np.random.default_rng(0).standard_normal((49408, 16)).astype(np.float32)
    graph = helper.make_graph(
        [
            helper.make_node("Gather", ["table", "input_ids"], ["tokens"]),
            helper.make_node("ReduceMean", ["tokens", "axis"], ["text_embeds"], keepdims=0),
        ],
        "mean-over-padding",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "sequence"])],
        [helper.make_tensor_value_info("text_embeds", TensorProto.FLOAT, ["batch", 16])],
        [numpy_helper.from_array(table, "table"), numpy_helper.from_array(np.array([1]), "axis")],
    )
    model_proto = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])
    model_proto.ir_version = 9
    folder = _copy_with(tiny_folder, tmp_path / "padded", "text_model.onnx", model_proto)
    model = ClipModel.from_path(folder, device="cpu")
    lengths = _feed_lengths(model)
    vector = model.embed_texts(["a red car"])
    assert lengths[-1] == 77
    assert np.allclose(vector, _full_context(model, "a red car"), atol=1e-5)


def _fp16_vision(dim: int = 16, size: int = 32) -> onnx.ModelProto:
    """float16 pixels in, float16 vectors out, as fp16 exports of the catalog are."""
    proj = np.random.default_rng(1).standard_normal((3, dim)).astype(np.float32)
    graph = helper.make_graph(
        [
            helper.make_node("Cast", ["pixel_values"], ["pixels32"], to=TensorProto.FLOAT),
            helper.make_node("ReduceMean", ["pixels32"], ["mean"], axes=[2, 3], keepdims=0),
            helper.make_node("MatMul", ["mean", "proj"], ["embeds32"]),
            helper.make_node("Cast", ["embeds32"], ["image_embeds"], to=TensorProto.FLOAT16),
        ],
        "fp16-vision",
        [
            helper.make_tensor_value_info(
                "pixel_values", TensorProto.FLOAT16, ["batch", 3, size, size]
            )
        ],
        [helper.make_tensor_value_info("image_embeds", TensorProto.FLOAT16, ["batch", dim])],
        [numpy_helper.from_array(proj, "proj")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 9
    return model


@pytest.mark.parametrize("bound", [False, True], ids=["run", "iobinding"])
def test_fp16_image_tower_gives_float32_vectors(
    tiny_folder: Path, tmp_path: Path, bound: bool
) -> None:
    folder = _copy_with(tiny_folder, tmp_path / "fp16", "vision_model.onnx", _fp16_vision())
    model = ClipModel.from_path(folder, device="cpu")
    assert model.load_image_tower().inputs[0].dtype == np.float16
    if bound:
        model.load_image_tower().bind_device = "cpu"  # the CUDA path's code, on the CPU provider
    pixels = np.random.default_rng(2).random((4, 3, 32, 32), dtype=np.float32)
    vectors = model.embed_image_tensors(pixels)
    assert vectors.dtype == np.float32 and vectors.shape == (4, 16)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)


def test_iobinding_gives_what_a_plain_run_gives(tiny_folder: Path) -> None:
    model = ClipModel.from_path(tiny_folder, device="cpu")
    assert model.load_image_tower().bind_device is None  # CPU sessions run plainly
    pixels = np.random.default_rng(3).random((5, 3, 32, 32), dtype=np.float32)
    plain = model.embed_image_tensors(pixels)
    model.load_image_tower().bind_device = "cpu"
    assert np.allclose(model.embed_image_tensors(pixels), plain, atol=1e-6)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="nice is per thread on Linux")
def test_a_decode_thread_yields_to_inference_and_no_other_does() -> None:
    def nice() -> int:
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    def lowered() -> int:
        indexer.yield_to_inference()
        return nice()

    before = nice()
    with ThreadPoolExecutor(1) as pool:
        assert pool.submit(lowered).result() == indexer.DECODE_NICE == 19
    assert nice() == before


def test_the_indexer_lowers_its_decode_threads_on_the_cpu(
    tiny_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    monkeypatch.setattr(indexer, "yield_to_inference", lambda: calls.append(1))
    photos = ensure_photos(tmp_path, 3, size=(400, 300))
    with Library(app_paths().ensure()) as library:
        model = ClipModel.from_path(tiny_folder, device="cpu")
        summary = indexer.Indexer(library, model, decode_threads=2, text=False).run(
            [photos[0].parent]
        )
    assert summary.embedded == 3 and 1 <= len(calls) <= 2


def test_generated_vectors_and_exact_search() -> None:
    first = np.concatenate(list(vectors(500, 32, "clustered", seed=0)))
    again = np.concatenate(list(vectors(500, 32, "clustered", seed=0)))
    assert np.array_equal(first, again)
    assert np.allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-5)
    probes = np.concatenate(list(vectors(7, 32, "uniform", seed=1)))
    top = exact_top(500, 32, "clustered", probes, 10)
    expected = np.argsort(-(probes @ first.T), axis=1)[:, :10] + 1
    assert [set(row) for row in top] == [set(row) for row in expected]
    assert len(set(queries(300))) == 300 and queries(900)[:300] == queries(300)
    assert np.array_equal(stored(500, 32, "clustered", [0, 7, 499]), first[[0, 7, 499]])
    in_two = np.arange(10)  # the first two folders' photos: 5 each
    assert list(folder_of(np.arange(500), 500)[[0, 4, 5, 499]]) == [0, 0, 1, FOLDERS - 1]
    top = exact_top(500, 32, "clustered", probes, 3, folders=2)
    expected = in_two[np.argsort(-(probes @ first[in_two].T), axis=1)[:, :3]] + 1
    assert [set(row) for row in top] == [set(row) for row in expected]
    assert folder_filter(0.01) == (photo_folder(0),) == ("/bench/photos/f000",)
    assert folder_filter(0.5)[-1] == photo_folder(49) == photo_folder(149) == "/bench/photos/f049"


def test_cut_bench_measures_planted_matches_and_a_flat_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At a tiny size (96-d, so weaker figures than at 512-d): the planted library goes
    through Searcher.find, the strongest matches are found at the loosest margin and nothing
    but matches at the app's, queries without a match get no best match, and the random
    model's flat scores none either."""
    monkeypatch.setattr(cut, "SIZES", (100, 400))
    monkeypatch.setattr(cut, "QUERIES_PER_STRENGTH", 2)
    monkeypatch.setattr(cut, "NO_MATCH_QUERIES", 2)
    monkeypatch.setattr(cut, "VIT_PHOTOS", 6)
    monkeypatch.setattr(cut, "_CORPUS_FOLDERS", ("photos",))
    spec = VitSpec("tiny-cut", 32, 2, 4, 8, 32, 96, 32, 2, 4)  # room outside the 65-d cone
    model = ClipModel.from_path(build_bench_model(spec, tmp_path / spec.name), device="cpu")
    result = cut.bench_cut(tmp_path / "cut", model=model)
    assert result["path"] == "Searcher.find" and result["margin"] == MARGIN
    rows = {(row["size"], row["strength"]): row for row in result["planted"]}
    assert set(rows) == {(size, s) for size in (100, 400) for s in cut.STRENGTHS}
    loosest = str(min(cut.MARGINS))  # 96-d matches stand out less than 512-d ones
    assert rows[100, 0.15]["recall_by_margin"][loosest] > 0 and rows[100, 0.06]["recall"] == 0
    assert all(row["precision"] in (1.0, None) for row in rows.values())
    assert rows[100, 0.15]["population"] == 100 + 1 + 5  # unrelated, related, matches
    assert [row["best_sizes"] for row in result["no_match"]] == [[0, 0], [0, 0]]
    assert {row["margin"] for row in result["margins"]} == set(cut.MARGINS)
    vit = result["vit"]
    assert vit["photos"] >= 6 and vit["model"] == "tiny-cut"
    assert [row["text"] for row in vit["queries"]] == list(cut.VIT_TEXTS)
    assert all(row["best"] == 0 for row in vit["queries"])
    assert len(cut_lines(result)) > len(result["planted"]) + len(vit["queries"])


def test_bench_json_reports_every_figure(
    tiny_folder: Path, tmp_path: Path, gallery_cli: Any
) -> None:
    gallery_cli("models", "import", str(tiny_folder), "--name", "tiny")
    photos = ensure_photos(tmp_path / "cache", 6, size=(800, 600))
    folder = photos[0].parent
    args = ("--model", "tiny", "--device", "cpu", "--bench-dir", str(tmp_path / "bench"))
    result: RunResult = gallery_cli(
        "bench", str(folder), *args, "--batches", "1,2", "--seconds", "0.05", "--json"
    )
    data = parse_json(result)
    pipeline = data["pipeline"]
    assert pipeline["embedded"] == 6 and pipeline["images_per_second"] > 0
    assert set(pipeline["stages"]) == {"scan", "decode", "encode", "write"}
    assert sum(s["share"] for s in pipeline["stages"].values()) == pytest.approx(1.0)
    assert data["provider"] == "CPUExecutionProvider" and data["batch_size"] >= 1
    assert data["decode_threads"] >= 1
    bound = data["bound"]
    assert bound["images_per_second"] > 0 and bound["cores"] >= 1
    assert bound["model_core_seconds_per_image"] > 0 < bound["decode_core_seconds_per_image"]
    drift = (bound["before_images_per_second"], bound["after_images_per_second"])
    assert min(drift) * 0.999 <= bound["images_per_second"] <= max(drift) * 1.001
    assert data["efficiency"] > 0 and data["speedup_vs_naive"] > 0
    assert [p["batch"] for p in data["batch_curve"]] == [1, 2]
    assert data["model"]["gflops_counted"] is True
    assert data["machine"]["cores"] >= 1
    assert pipeline["memory"]["rss_peak_mb"] > 0
    assert data["photos"] == {
        "count": 6,
        "folder": str(folder),
        "generated": False,
        "mean_megabytes": pytest.approx(data["photos"]["mean_megabytes"]),
    }

    searched = parse_json(
        gallery_cli("bench", "--search", "--sizes", "300", "--queries", "12", *args, "--json")
    )
    (row,) = searched["sizes"]
    assert row["vectors"] == 300 and row["ef"] == search_ef(300)
    assert row["least_ef"]["ef"] in EF_LADDER
    assert 0.0 <= row["recall_at_10"] <= 1.0 and 0.0 <= row["least_ef"]["recall_at_10"] <= 1.0
    assert 0 < row["search"]["p50_ms"] <= row["search"]["p95_ms"]
    assert row["first_query_seconds"] > 0 and row["build"]["index_build_seconds"] >= 0
    assert [f["share"] for f in row["filtered"]] == list(FILTER_SHARES)
    for filtered in row["filtered"]:
        assert filtered["allowed"] == round(300 * filtered["share"])
        assert filtered["folders"] == round(FOLDERS * filtered["share"])
        for figures in ("search", "search_filter_changed", "sql"):
            assert 0 < filtered[figures]["p50_ms"] <= filtered[figures]["p95_ms"]
        assert 0.0 <= filtered["recall_at_10"] <= 1.0 and filtered["first_query_seconds"] > 0
        assert set(filtered["strategy"]) == {str(k) for k in STRATEGY_KS}
        forced = {(f["k"], f["strategy"]) for f in filtered["strategies"]}
        assert forced == {(k, s) for k in STRATEGY_KS for s in ("exact", "overfetch", "filtered")}
    assert not (tmp_path / "lumen-home" / "data" / "library.sqlite3").exists()
