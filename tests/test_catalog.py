"""The model catalog (gallery/ml/catalog.json, inside the package): the models the issue asks
for, with their facts, a damaged catalog refused with a clear message, and catalog facts applied
to installed folders."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from gallery.errors import ModelError, ModelNotFoundError
from gallery.ml.catalog import load_catalog, packaged_catalog
from gallery.ml.encoder import ClipModel
from gallery.ml.model_files import FACTS_NAME
from gallery.ml.model_folder import read_model_folder
from tests.support.tiny_models import build_clip_folder


def test_the_catalog_holds_the_models_and_facts_we_rely_on() -> None:
    catalog = load_catalog()
    assert catalog.default == "clip-vit-b-32"
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
    multilingual = catalog.get("xlm-roberta-large-vit-b-32")
    assert multilingual.layout == "immich" and "zh" in multilingual.languages
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
