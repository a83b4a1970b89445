"""Model families read from their own published configs: SigLIP / SigLIP2 (Immich export: text
cleaning, context 64, pad token from tokenizer_config.json, uint8 NHWC pixels), nllb-clip (the
FLORES-200 code glued before the query), M-CLIP XLM-R Base, MobileCLIP (no normalisation,
bilinear), each downloaded from the loopback hub under its catalog name, indexed and searched."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from gallery.library.indexer import Indexer
from gallery.library.library import Library
from gallery.library.query import parse_query
from gallery.library.search import Searcher
from gallery.ml.encoder import ClipModel
from gallery.ml.installer import catalog_plan, download_model
from gallery.ml.model_folder import read_model_folder
from gallery.ml.preprocess import image_tensor, to_uint8_nhwc
from gallery.ml.tokenizer import clean_text, flores_code
from gallery.paths import AppPaths
from tests.support.hub_server import HubServer
from tests.support.tiny_families import (
    FAMILY_REPOS,
    NLLB_CONTEXT,
    SIGLIP_CONTEXT,
    build_mobileclip_folder,
    build_nllb_folder,
    build_siglip_folder,
    build_xlmr_base_folder,
)
from tests.support.tiny_models import colour_index, solid_colour_image


def _tokenizer_ids(folder: Path, text: str) -> list[int]:
    from tokenizers import Tokenizer

    return list(Tokenizer.from_file(str(folder / "tokenizer.json")).encode(text).ids)


# --- SigLIP / SigLIP2 ---------------------------------------------------------------------------
def test_siglip2_reads_its_open_clip_config_and_cleans_queries_as_it_asks(tmp_path: Path) -> None:
    folder = read_model_folder(build_siglip_folder(tmp_path / "siglip2"))
    assert folder.family == "siglip" and folder.layout == "immich"
    assert folder.context_length == SIGLIP_CONTEXT and folder.text_clean == "canonicalize"
    pre = folder.preprocess
    assert (pre.resize_mode, pre.mean, pre.std, pre.size) == ("squash", (0.5,) * 3, (0.5,) * 3, 224)
    assert folder.pad_token == "<pad>"
    model = ClipModel(folder, device="cpu")
    text = model.load_text_tower()
    assert [(i.name, np.dtype(i.dtype).name, i.shape) for i in text.inputs] == [
        ("text", "int32", ("batch", SIGLIP_CONTEXT))
    ], "no attention mask, int32, dynamic batch"
    assert text.output == "text_embedding"
    ids, _ = model.tokenize(["RED, please!"])
    own = _tokenizer_ids(folder.tokenizer.parent, "red please")  # its post-processor's </eos>
    assert ids.shape == (1, SIGLIP_CONTEXT)
    assert ids[0, : len(own)].tolist() == own and set(ids[0, len(own) :].tolist()) == {0}
    assert int(model.embed_texts(["RED!"])[0].argmax()) == colour_index("red")
    image = model.load_image_tower()
    assert image.takes_uint8_nhwc and image.fixed_batch is None
    assert image.inputs[0].shape == ("batch", 224, 224, 3) and image.output == "image_embedding"


def test_without_canonicalising_an_upper_case_query_means_nothing(tmp_path: Path) -> None:
    folder = read_model_folder(build_siglip_folder(tmp_path / "siglip2"))
    from dataclasses import replace

    raw = ClipModel(replace(folder, text_clean="whitespace"), device="cpu")
    assert not raw.embed_texts(["RED!"]).any(), "the planted meaning needs the cleaning"
    assert clean_text("  A_red,  CAR!\t", "canonicalize") == "a red car"
    assert clean_text("  A_red,  CAR!\t", "whitespace") == "A_red, CAR!"
    assert clean_text("  A  b ", None) == "  A  b "


def test_older_siglip_export_batch_1_float_pixels_and_its_own_pad_token(tmp_path: Path) -> None:
    folder = read_model_folder(
        build_siglip_folder(
            tmp_path / "old", fmt="old", image_size=256, patch_size=32, pad_token="<eos>"
        )
    )
    assert folder.pad_token == "<eos>" and folder.preprocess.size == 256
    model = ClipModel(folder, device="cpu")
    ids, _ = model.tokenize(["red"])
    assert ids[0, -1] == 1, "padded with tokenizer_config.json's pad token (<eos> = 1)"
    image = model.load_image_tower()
    assert not image.takes_uint8_nhwc and image.fixed_batch == 1
    # The same photo through both graph formats gives the same vector.
    new = ClipModel.from_path(
        build_siglip_folder(tmp_path / "new", image_size=256, patch_size=32), device="cpu"
    )
    photo = Image.new("RGB", (300, 200), (250, 120, 5))
    tensor = image_tensor(photo, folder.preprocess)[None]
    assert np.allclose(
        model.embed_image_tensors(tensor), new.embed_image_tensors(tensor), atol=1e-5
    )
    assert int(new.embed_image_tensors(tensor)[0].argmax()) == colour_index("orange")


def test_uint8_pixels_are_exactly_the_decoded_ones(tmp_path: Path) -> None:
    folder = read_model_folder(build_siglip_folder(tmp_path / "s"))
    rng = np.random.default_rng(1)
    photo = Image.fromarray(rng.integers(0, 256, (224, 224, 3), dtype=np.uint8))
    pixels = to_uint8_nhwc(image_tensor(photo, folder.preprocess)[None], folder.preprocess)
    assert pixels.dtype == np.uint8 and pixels.shape == (1, 224, 224, 3)
    assert np.array_equal(pixels[0], np.asarray(photo))


# --- nllb-clip --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "language", "code"),
    [
        ("红色的车", None, "zho_Hans"),
        ("红色的车", "en_US", "zho_Hans"),
        ("紅色的車", "zh-TW", "zho_Hant"),
        ("赤い車", "en-US", "jpn_Jpan"),  # kana beats the kanji
        ("車", "ja_JP", "jpn_Jpan"),
        ("빨간 자동차", None, "kor_Hang"),
        ("красная машина", "en", "rus_Cyrl"),
        ("червона машина", "uk_UA", "ukr_Cyrl"),
        ("κόκκινο", None, "ell_Grek"),
        ("سيارة حمراء", None, "arb_Arab"),
        ("लाल गाड़ी", None, "hin_Deva"),
        ("a red car", None, "eng_Latn"),
        ("voiture rouge", "fr_FR", "fra_Latn"),
        ("rotes Auto", "de-DE", "deu_Latn"),
        ("red car", "ru_RU", "eng_Latn"),  # Latin text under a Cyrillic-script language
        ("red car", "zh_CN", "eng_Latn"),
        ("a 红色 car", None, "zho_Hans"),  # the script other than Latin decides
        ("2024", "es_ES", "spa_Latn"),
    ],
)
def test_flores_code_from_the_script_and_the_system_language(
    text: str, language: str | None, code: str
) -> None:
    assert flores_code(text, language) == code


def test_nllb_glues_the_language_code_before_the_query(tmp_path: Path) -> None:
    folder = read_model_folder(build_nllb_folder(tmp_path / "nllb"))
    assert folder.family == "nllb-siglip" and folder.text_prefix == "flores-200"
    assert folder.context_length is None and folder.preprocess.size == 384
    model = ClipModel(folder, device="cpu", language="fr_FR")
    vocab = _vocab(folder.tokenizer)
    ids, _ = model.tokenize(["红色的车", "voiture rouge"])
    assert ids.shape == (2, NLLB_CONTEXT)
    assert ids[0].tolist() == _padded(_tokenizer_ids(folder.tokenizer.parent, "zho_Hans红色的车"))
    assert ids[0, 0] == vocab["zho_Hans"] and ids[1, 0] == vocab["fra_Latn"]
    assert ids[0, 6] == vocab["</s>"] and set(ids[0, 7:].tolist()) == {vocab["<pad>"]}
    for query, colour in (("红色的车", "red"), ("voiture rouge", "red"), ("blue", "blue")):
        assert int(model.embed_texts([query])[0].argmax()) == colour_index(colour)
    english = ClipModel(folder, device="cpu", language="ru_RU")
    assert english.tokenize(["red"])[0][0, 0] == vocab["eng_Latn"]


def _vocab(tokenizer: Path) -> dict[str, int]:
    from tokenizers import Tokenizer

    vocab: dict[str, int] = Tokenizer.from_file(str(tokenizer)).get_vocab()
    return vocab


def _padded(ids: list[int]) -> list[int]:
    return ids + [1] * (NLLB_CONTEXT - len(ids))


# --- M-CLIP XLM-R Base, MobileCLIP --------------------------------------------------------------
def test_xlmr_base_in_the_exporters_layout(tmp_path: Path) -> None:
    folder = read_model_folder(build_xlmr_base_folder(tmp_path / "xlmr"))
    assert folder.family == "mclip" and folder.text_clean == "whitespace"
    assert folder.text_prefix is None and folder.preprocess.resize_mode == "shortest"
    model = ClipModel(folder, device="cpu")
    text = model.load_text_tower()
    assert [(i.name, np.dtype(i.dtype).name, i.shape) for i in text.inputs] == [
        ("text", "int32", (1, 77))
    ]
    assert text.output == "embedding" and text.fixed_batch == 1
    vectors = model.embed_texts(["红色", "une voiture verte", "blue  car"])
    assert [int(v.argmax()) for v in vectors] == [colour_index(c) for c in ("red", "green", "blue")]


def test_mobileclip_honours_no_normalisation_and_bilinear(tmp_path: Path) -> None:
    folder = read_model_folder(build_mobileclip_folder(tmp_path / "mobile"))
    pre = folder.preprocess
    assert (pre.size, pre.resize_mode, pre.interpolation) == (256, "shortest", "bilinear")
    assert pre.mean == (0.0, 0.0, 0.0) and pre.std == (1.0, 1.0, 1.0)
    rng = np.random.default_rng(2)
    photo = Image.fromarray(rng.integers(0, 256, (300, 400, 3), dtype=np.uint8))
    expected = photo.resize((341, 256), Image.Resampling.BILINEAR).crop((42, 0, 298, 256))
    tensor = image_tensor(photo, pre)
    assert np.allclose(tensor.transpose(1, 2, 0) * 255.0, np.asarray(expected), atol=1e-3)
    model = ClipModel(folder, device="cpu")
    red = image_tensor(Image.new("RGB", (300, 256), (255, 0, 0)), pre)[None]
    assert int(model.embed_image_tensors(red)[0].argmax()) == colour_index("red")


# --- each family from the loopback hub, indexed and searched --------------------------------
def _photos(root: Path) -> Path:
    for name in ("red", "green", "blue", "yellow", "white"):
        solid_colour_image(root / f"{name}.jpg", name, size=(96, 64))
    return root


QUERIES: dict[str, list[tuple[str, str]]] = {
    "vit-b-16-siglip2": [("Red!", "red"), ("a photo of the BLUE car", "blue")],
    "vit-b-32-siglip2-256": [("red", "red"), ("Yellow.", "yellow")],
    "xlm-roberta-base-vit-b-32": [("雪地里的红色汽车", "red"), ("une voiture verte", "green")],
    "nllb-clip-base-siglip": [("红色的车", "red"), ("bleu", "blue"), ("white", "white")],
    "mobileclip-s0": [("red", "red"), ("a green car", "green")],
}


@pytest.mark.parametrize("name", list(FAMILY_REPOS))
def test_each_family_downloads_indexes_and_finds_the_planted_photo(
    name: str, tmp_path: Path, hub: HubServer
) -> None:
    repo, build = FAMILY_REPOS[name]
    served: Any = build(tmp_path / "repo")
    commit = hub.add_repo(repo, served)
    plan = catalog_plan(name)
    assert plan.revision in (commit, "main")
    installed = download_model(tmp_path / "models", plan)
    assert installed.name == name
    model = ClipModel.from_path(installed.path, device="cpu", language="en_US")
    facts_family = model.folder.family
    assert facts_family == plan.facts["family"], "the folder and the catalog agree"
    photos = _photos(tmp_path / "photos")
    paths = AppPaths(tmp_path / "d", tmp_path / "c", tmp_path / "cfg", tmp_path / "l").ensure()
    with Library(paths) as library:
        summary = Indexer(library, model, decode_threads=1).run([photos])
        assert summary.embedded == 5 and not summary.failed
        searcher = Searcher(library, model)
        for query, colour in QUERIES[name]:
            result = searcher.find(parse_query(query), limit=3)
            assert Path(result.hits[0].path).name == f"{colour}.jpg", (name, query)
