"""Chinese and multilingual queries: a BERT wordpiece tokenizer (Chinese-CLIP) and an XLM-R style
tokenizer (multilingual Immich export) through the real text path, and end to end through
`gallery models download`, `gallery index` and `gallery search` against the loopback hub."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from gallery.ml.encoder import ClipModel
from gallery.ml.model_folder import read_model_folder
from gallery.ml.split_graph import split_combined_clip
from gallery.ml.tokenizer import TextTokenizer
from tests.conftest import RunResult, parse_json
from tests.support.hub_server import HubServer
from tests.support.tiny_models import (
    CHINESE_CONTEXT,
    bert_vocab,
    build_chinese_clip_folder,
    build_multilingual_folder,
    colour_index,
    solid_colour_image,
)

Cli = Callable[..., RunResult]
QUERY = "雪地里的红色汽车"  # "a red car in the snow"


def test_chinese_query_is_tokenised_by_bert_wordpiece_through_the_text_path(
    tmp_path: Path,
) -> None:
    folder = build_chinese_clip_folder(tmp_path / "cn", context_length=CHINESE_CONTEXT)
    vocab = bert_vocab()
    onnx_dir = folder / "onnx"
    split_combined_clip(
        onnx_dir / "model.onnx", onnx_dir / "vision_model.onnx", onnx_dir / "text_model.onnx"
    )
    model = ClipModel.from_path(folder, device="cpu")

    ids, mask = model.tokenize([QUERY])

    expected = [vocab["[CLS]"], *(vocab[c] for c in QUERY), vocab["[SEP]"]]
    assert ids.shape == (1, CHINESE_CONTEXT) and ids.dtype == np.int64
    assert ids[0, : len(expected)].tolist() == expected
    assert set(ids[0, len(expected) :].tolist()) == {0}, "padded with [PAD] = 0"
    assert mask[0].tolist() == [1] * len(expected) + [0] * (CHINESE_CONTEXT - len(expected))
    assert [i.name for i in model.load_text_tower().inputs] == ["input_ids", "attention_mask"]
    assert model.load_text_tower().inputs[0].shape[1] == CHINESE_CONTEXT
    vector = model.embed_texts([QUERY])[0]
    assert int(vector.argmax()) == colour_index("red") and vector.max() == pytest.approx(1.0)
    # A long query is cut at the context, keeping the closing [SEP].
    long_ids, _ = TextTokenizer(folder / "tokenizer.json", CHINESE_CONTEXT).encode(["红色" * 40])
    assert long_ids.shape == (1, CHINESE_CONTEXT)
    assert long_ids[0, 0] == vocab["[CLS]"] and long_ids[0, -1] == vocab["[SEP]"]


def _colour_photos(root: Path) -> None:
    for name in ("red", "green", "blue", "white"):
        solid_colour_image(root / f"{name}.jpg", name, size=(96, 48))


def _top(gallery_cli: Cli, query: str) -> str:
    hits = parse_json(gallery_cli("search", query, "-n", "1", "--json"))
    return Path(hits[0]["path"]).name


def test_chinese_clip_downloads_splits_and_answers_a_chinese_query(
    tmp_path: Path, gallery_cli: Cli, hub: HubServer, lumen_home: Path
) -> None:
    hub.add_repo(
        "Xenova/chinese-clip-vit-base-patch16", build_chinese_clip_folder(tmp_path / "repo")
    )
    gallery_cli("models", "download", "chinese-clip-vit-b-16")

    installed = lumen_home / "data" / "models" / "chinese-clip-vit-b-16"
    assert not (installed / "onnx" / "model.onnx").exists(), "the combined graph was split"
    folder = read_model_folder(installed)
    assert folder.context_length == CHINESE_CONTEXT, "the catalog's 52, not BERT's 512"
    assert folder.preprocess.resize_mode == "squash"
    photos = tmp_path / "photos"
    _colour_photos(photos)
    assert parse_json(gallery_cli("index", str(photos), "--json"))["embedded"] == 4
    assert _top(gallery_cli, QUERY) == "red.jpg"
    assert _top(gallery_cli, "一张绿色的照片") == "green.jpg"  # "a green photo"
    assert _top(gallery_cli, "海边的蓝色") == "blue.jpg"


def test_multilingual_model_answers_chinese_english_and_french(
    tmp_path: Path, gallery_cli: Cli, hub: HubServer
) -> None:
    hub.add_repo(
        "immich-app/XLM-Roberta-Large-Vit-B-32", build_multilingual_folder(tmp_path / "repo")
    )
    gallery_cli("models", "download", "xlm-roberta-large-vit-b-32")
    photos = tmp_path / "photos"
    _colour_photos(photos)
    gallery_cli("index", str(photos))
    assert _top(gallery_cli, QUERY) == "red.jpg"
    assert _top(gallery_cli, "a blue car in the snow") == "blue.jpg"
    assert _top(gallery_cli, "une voiture verte") == "green.jpg"
