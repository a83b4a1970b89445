"""The model catalog (gallery/ml/catalog.json, inside the package): the models the issue asks
for, with their facts, a damaged catalog refused with a clear message, and catalog facts applied
to installed folders."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from gallery.errors import ModelError, ModelNotFoundError
from gallery.ml.catalog import CATALOG_ENV, load_catalog, packaged_catalog
from gallery.ml.encoder import ClipModel
from gallery.ml.model_files import FACTS_NAME
from gallery.ml.model_folder import read_model_folder
from tests.support.tiny_models import build_clip_folder


def test_the_catalog_holds_the_models_and_facts_we_rely_on() -> None:
    catalog = load_catalog()
    assert catalog.default == "vit-b-16-siglip2"
    repos = {m.name: m.repo for m in catalog.models}
    assert repos["clip-vit-b-32"] == "Xenova/clip-vit-base-patch32"
    assert repos["clip-vit-b-16"] == "Xenova/clip-vit-base-patch16"
    assert repos["clip-vit-l-14"] == "Xenova/clip-vit-large-patch14"
    chinese = catalog.get("chinese-clip-vit-b-16")
    assert (chinese.layout, chinese.tokenizer_kind, chinese.context_length) == (
        "hf-combined",
        "bert-wordpiece",
        52,
    )
    assert chinese.resize_mode == "squash" and "zh" in chinese.languages
    multilingual = catalog.get("xlm-roberta-base-vit-b-32")
    assert multilingual.layout == "immich" and "zh" in multilingual.languages
    assert multilingual.family == "mclip" and multilingual.recall == {"en": 68.33, "zh": 72.52}
    siglip2 = catalog.get("vit-b-16-siglip2")
    assert (siglip2.family, siglip2.context_length, siglip2.resize_mode) == ("siglip", 64, "squash")
    assert siglip2.text_clean == "canonicalize" and siglip2.recall["en"] == 75.19
    assert catalog.get("vit-b-32-siglip2-256").image_size == 256
    nllb = catalog.get("nllb-clip-base-siglip")
    assert (nllb.family, nllb.text_prefix, nllb.image_size) == ("nllb-siglip", "flores-200", 384)
    mobile = catalog.get("mobileclip-s0")
    assert (mobile.family, mobile.interpolation, mobile.download_bytes) == (
        "mobileclip",
        "bilinear",
        45_543_630 + 169_805_586,
    )
    b32 = catalog.get("clip-vit-b-32")
    assert [f.local for f in b32.files("fp16") if f.local.endswith(".onnx")] == [
        "onnx/vision_model.onnx",
        "onnx/text_model.onnx",
    ]
    assert catalog.get("clip-vit-l-14").batch_sizes["gpu"] < b32.batch_sizes["gpu"]
    for model in catalog.models:
        assert model.notes and model.license and model.embed_dim in (512, 768)
        assert "fp32" in model.precisions and {"gpu", "cpu"} <= set(model.batch_sizes)
        for precision in model.precisions:
            for file in model.files(precision):
                assert file.sha256 is None or re.fullmatch(r"[0-9a-f]{64}", file.sha256)
    with pytest.raises(ModelNotFoundError, match="Known models: clip-vit-b-32"):
        catalog.get("clip-vit-h-14")


def test_a_damaged_catalog_names_the_entry(tmp_path: Path) -> None:
    data = json.loads(packaged_catalog().read_text(encoding="utf-8"))
    data["models"][1]["layout"] = "zip"
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ModelError, match="model 'clip-vit-b-16' has an unknown layout 'zip'"):
        load_catalog(path)
    path.write_text("{", encoding="utf-8")
    with pytest.raises(ModelError, match="cannot be read"):
        load_catalog(path)


def test_catalog_facts_in_lumen_json_apply_to_the_folder(tmp_path: Path) -> None:
    folder = build_clip_folder(tmp_path / "m", layout="hf", kind="random")
    facts = {"context_length": 52, "resize_mode": "squash", "batch_sizes": {"cpu": 3, "gpu": 96}}
    (folder / FACTS_NAME).write_text(json.dumps(facts), encoding="utf-8")
    spec = read_model_folder(folder)
    assert spec.context_length == 52 and spec.preprocess.resize_mode == "squash"
    model = ClipModel(spec, device="cpu")
    cpu = model.load_image_tower().report
    assert model.batch_size_for(cpu) == 3, "the catalog's CPU batch replaces the heuristic's 8"
    assert model.tokenize(["a photo"])[0].shape == (1, 52)
    assert ClipModel(spec, device="cpu", batch_size=5).batch_size_for(cpu) == 5


HEX40 = re.compile(r"[0-9a-f]{40}")
PAGE = re.compile(r"https://(huggingface\.co|github\.com)/\S+")


def test_every_entry_is_pinned_or_says_why_and_names_its_sources() -> None:
    catalog = load_catalog()
    assert len(catalog.models) >= 10
    for model in catalog.models:
        if HEX40.fullmatch(model.revision):
            assert model.pinned
        else:
            assert model.revision == "main" and not model.pinned
            assert model.revision_note and len(model.revision_note) > 40, model.name
        # published figures come with their page (a commit-pinned GitHub page), or say none is
        assert PAGE.search(model.recall_source), model.name
        if any(v is not None for v in model.recall.values()) or model.published_ms is not None:
            assert "01a09bb36ba03cfc135dbe48c886ad68e8d5e720" in model.recall_source, model.name
        else:
            assert "No published" in model.recall_source, model.name
        assert set(model.recall) == {"en", "zh"}, model.name
        assert model.download_bytes > 10_000_000 and model.family
        # every verified size or SHA-256 comes from a page the notes name
        pinned = [f for p in model.precisions for f in model.files(p) if f.sha256 or f.size]
        if pinned:
            assert "huggingface.co/" + model.repo in model.notes, model.name
        for file in pinned:
            assert file.sha256 is None or file.sha256 in model.notes or PAGE.search(model.notes)
        assert PAGE.search(model.notes), model.name


def test_the_new_families_are_in_the_catalog_with_their_published_figures() -> None:
    catalog = load_catalog()
    assert {m.family for m in catalog.models} == {
        "clip",
        "chinese-clip",
        "mclip",
        "siglip",
        "nllb-siglip",
        "mobileclip",
    }
    assert catalog.get("clip-vit-b-32").revision == "4c1807b705b1d015fb032789cc4d221b23025a6f"
    b16 = catalog.get("clip-vit-b-16")
    assert b16.pinned and all(f.size and f.sha256 for f in b16.precisions["fp32"])
    assert b16.download_bytes == sum(f.size or 0 for f in b16.precisions["fp32"])
    assert "fp16" not in b16.precisions, "the pinned revision has no fp16 graphs"
    for model in catalog.models:
        if model.layout == "immich":
            required = {f.local for f in model.common_files if not f.optional}
            assert "textual/tokenizer_config.json" in required, model.name
        if model.recall.get("en") is not None:
            assert model.memory_mb and model.published_ms, model.name
    facts = catalog.get("nllb-clip-base-siglip").install_facts("fp32")
    assert facts["family"] == "nllb-siglip" and facts["text_prefix"] == "flores-200"


def test_an_unpinned_entry_without_a_reason_is_refused(tmp_path: Path) -> None:
    data = json.loads(packaged_catalog().read_text(encoding="utf-8"))
    entry = next(m for m in data["models"] if m["name"] == "clip-vit-l-14")
    entry["revision_note"] = None
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ModelError, match="follows 'main' without a 'revision_note'"):
        load_catalog(path)
    entry["revision_note"], entry["family"] = "not verifiable", "gpt"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ModelError, match="unknown 'family'"):
        load_catalog(path)
    entry["family"], entry["recall"] = "clip", {"en": 160}
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ModelError, match="malformed 'recall'"):
        load_catalog(path)


def test_lumen_catalog_names_another_catalog_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = json.loads(packaged_catalog().read_text(encoding="utf-8"))
    data["default"] = "mobileclip-s0"
    path = tmp_path / "mirror.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setenv(CATALOG_ENV, str(path))
    assert load_catalog().default == "mobileclip-s0"
