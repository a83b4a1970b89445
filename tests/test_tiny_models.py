"""The tiny test models are only useful if they match the real exports and carry their meaning.

These tests use onnxruntime directly (not the app's loader), so a loader bug cannot hide a
broken fixture and vice versa.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from PIL import Image

from tests.support.tiny_models import (
    CLIP_MEAN,
    CLIP_STD,
    COLOURS,
    EOS_ID,
    TOKENIZER_DIR,
    Kind,
    Layout,
    build_clip_folder,
    clip_tokenize,
    colour_index,
    colour_token_ids,
    solid_colour_image,
)

LAYOUTS: list[Layout] = ["immich", "hf"]
KINDS: list[Kind] = ["colour", "random"]
SIZE = 64  # small images keep the tests fast; the graphs work for any size


def _session(path: Path) -> ort.InferenceSession:
    return ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])


def _paths(folder: Path, layout: Layout) -> tuple[Path, Path]:
    if layout == "immich":
        return folder / "visual" / "model.onnx", folder / "textual" / "model.onnx"
    return folder / "onnx" / "vision_model.onnx", folder / "onnx" / "text_model.onnx"


def _solid_pixels(rgb: tuple[float, float, float], batch: int = 1) -> np.ndarray:
    """A CLIP-normalised NCHW batch of one solid colour."""
    norm = (np.asarray(rgb, np.float32) - np.asarray(CLIP_MEAN, np.float32)) / np.asarray(
        CLIP_STD, np.float32
    )
    return np.broadcast_to(norm[None, :, None, None], (batch, 3, SIZE, SIZE)).astype(np.float32)


def _embed_image(folder: Path, layout: Layout, pixels: np.ndarray) -> np.ndarray:
    vision, _ = _paths(folder, layout)
    if layout == "immich":
        out = _session(vision).run(["embedding"], {"image": pixels})[0]
    else:
        out = _session(vision).run(["image_embeds"], {"pixel_values": pixels})[0]
    return np.asarray(out, dtype=np.float32)


def _embed_texts(folder: Path, layout: Layout, texts: list[str]) -> np.ndarray:
    _, text = _paths(folder, layout)
    ids = np.array([clip_tokenize(t) for t in texts])
    if layout == "immich":
        sess = _session(text)
        rows = [sess.run(["embedding"], {"text": row[None].astype(np.int32)})[0] for row in ids]
        return np.concatenate(rows).astype(np.float32)
    out = _session(text).run(["text_embeds"], {"input_ids": ids.astype(np.int64)})[0]
    return np.asarray(out, dtype=np.float32)


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    root = tmp_path_factory.mktemp("models")
    return {
        (layout, kind): build_clip_folder(
            root / f"{layout}-{kind}", layout=layout, kind=kind, image_size=SIZE
        )
        for layout in LAYOUTS
        for kind in KINDS
    }


def test_tokenizer_is_the_real_clip_one() -> None:
    assert clip_tokenize("a photo of a cat", context_length=7) == [
        49406, 320, 1125, 539, 320, 2368, 49407,
    ]  # fmt: skip
    ids = clip_tokenize("a photo of a red car")
    assert len(ids) == 77 and ids[:8] == [49406, 320, 1125, 539, 320, 736, 1615, 49407]
    assert set(ids[8:]) == {EOS_ID}
    long = clip_tokenize("red " * 100)
    assert len(long) == 77 and long[0] == 49406 and long[-1] == EOS_ID


def test_colour_words_are_single_distinct_tokens() -> None:
    ids = colour_token_ids()
    assert list(ids) == list(COLOURS)
    assert ids["red"] == 736
    assert len(set(ids.values())) == len(ids)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("kind", KINDS)
def test_folder_files_and_checker(
    folders: dict[tuple[str, str], Path], layout: Layout, kind: Kind
) -> None:
    folder = folders[layout, kind]
    tok_dir = folder / "textual" if layout == "immich" else folder
    for name in ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"):
        assert (tok_dir / name).read_bytes() == (TOKENIZER_DIR / name).read_bytes()
    for path in _paths(folder, layout):
        model = onnx.load(str(path))
        onnx.checker.check_model(model, full_check=True)
        assert model.opset_import[0].version == 17
    dim = 8 if kind == "colour" else 16
    if layout == "immich":
        config = json.loads((folder / "config.json").read_text())
        assert config["embed_dim"] == dim
        assert config["vision_cfg"]["image_size"] == SIZE
        assert config["text_cfg"]["context_length"] == 77
        pre = json.loads((folder / "visual" / "preprocess_cfg.json").read_text())
        assert pre["size"] == [SIZE, SIZE] and pre["interpolation"] == "bicubic"
        assert pre["mean"] == list(CLIP_MEAN) and pre["std"] == list(CLIP_STD)
    else:
        config = json.loads((folder / "config.json").read_text())
        assert config["projection_dim"] == dim
        assert config["text_config"]["projection_dim"] == dim
        assert config["vision_config"]["projection_dim"] == dim
        assert config["vision_config"]["image_size"] == SIZE
        pre = json.loads((folder / "preprocessor_config.json").read_text())
        assert pre["size"] == {"shortest_edge": SIZE}
        assert pre["crop_size"] == {"height": SIZE, "width": SIZE}


@pytest.mark.parametrize("kind", KINDS)
def test_immich_signature_is_fixed_batch_one(
    folders: dict[tuple[str, str], Path], kind: Kind
) -> None:
    vision, text = _paths(folders["immich", kind], "immich")
    dim = 8 if kind == "colour" else 16
    v, t = _session(vision), _session(text)
    assert [(i.name, i.type, i.shape) for i in v.get_inputs()] == [
        ("image", "tensor(float)", [1, 3, SIZE, SIZE])
    ]
    assert [(o.name, o.type, o.shape) for o in v.get_outputs()] == [
        ("embedding", "tensor(float)", [1, dim])
    ]
    assert [(i.name, i.type, i.shape) for i in t.get_inputs()] == [
        ("text", "tensor(int32)", [1, 77])
    ]
    assert [(o.name, o.type, o.shape) for o in t.get_outputs()] == [
        ("embedding", "tensor(float)", [1, dim])
    ]
    assert v.run(None, {"image": _solid_pixels((0.5, 0.5, 0.5))})[0].shape == (1, dim)
    ids = np.array([clip_tokenize("a cat")], dtype=np.int32)
    assert t.run(None, {"text": ids})[0].shape == (1, dim)
    # Like the real export, a batch of two is refused: the loader must feed one at a time.
    with pytest.raises(Exception, match=r"(?i)dimension"):
        v.run(None, {"image": _solid_pixels((0.5, 0.5, 0.5), batch=2)})
    with pytest.raises(Exception, match=r"(?i)type|int32|int64"):
        t.run(None, {"text": ids.astype(np.int64)})


@pytest.mark.parametrize("kind", KINDS)
def test_hf_signature_has_dynamic_batch(folders: dict[tuple[str, str], Path], kind: Kind) -> None:
    vision, text = _paths(folders["hf", kind], "hf")
    dim = 8 if kind == "colour" else 16
    v, t = _session(vision), _session(text)
    assert [(i.name, i.type, i.shape) for i in v.get_inputs()] == [
        ("pixel_values", "tensor(float)", ["batch_size", 3, SIZE, SIZE])
    ]
    assert [o.name for o in v.get_outputs()] == ["image_embeds", "last_hidden_state"]
    assert v.get_outputs()[0].shape == ["batch_size", dim]
    assert [(i.name, i.type, i.shape) for i in t.get_inputs()] == [
        ("input_ids", "tensor(int64)", ["batch_size", "sequence_length"])
    ]
    assert [o.name for o in t.get_outputs()] == ["text_embeds", "last_hidden_state"]
    assert t.get_outputs()[0].shape == ["batch_size", dim]

    image_embeds, hidden = v.run(None, {"pixel_values": _solid_pixels((0.2, 0.4, 0.6), 3)})
    assert image_embeds.shape == (3, dim) and hidden.shape == (3, 1, dim)
    ids = np.array([clip_tokenize(s) for s in ("a cat", "a red car", "sunset")], dtype=np.int64)
    text_embeds, _ = t.run(None, {"input_ids": ids})
    assert text_embeds.shape == (3, dim)
    # Batched rows equal single rows, and (as with real CLIP) padding length does not matter.
    single = t.run(["text_embeds"], {"input_ids": ids[1:2]})[0]
    np.testing.assert_allclose(text_embeds[1:2], single, rtol=1e-6)
    short = t.run(["text_embeds"], {"input_ids": ids[1:2, :10]})[0]
    np.testing.assert_allclose(short, single, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_colour_photo_lands_on_its_axis(
    folders: dict[tuple[str, str], Path], layout: Layout
) -> None:
    folder = folders[layout, "colour"]
    for word, rgb in COLOURS.items():
        embedding = _embed_image(folder, layout, _solid_pixels(rgb))[0]
        assert int(np.argmax(embedding)) == colour_index(word), word
        assert np.all(embedding > 0), "no photo may embed to a zero vector"


@pytest.mark.parametrize("layout", LAYOUTS)
def test_colour_words_land_on_their_axis(
    folders: dict[tuple[str, str], Path], layout: Layout
) -> None:
    folder = folders[layout, "colour"]
    words = list(COLOURS)
    embeds = _embed_texts(folder, layout, [f"a photo of a {w} car" for w in words])
    np.testing.assert_array_equal(embeds, np.eye(len(words), dtype=np.float32))
    red = _embed_texts(folder, layout, ["A photo of a RED car"])[0]
    assert int(np.argmax(red)) == colour_index("red")


@pytest.mark.parametrize("layout", LAYOUTS)
def test_text_without_colour_is_zero(folders: dict[tuple[str, str], Path], layout: Layout) -> None:
    embeds = _embed_texts(folders[layout, "colour"], layout, ["a photo of a cat", ""])
    assert not np.any(embeds)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_end_to_end_query_finds_the_red_photo(
    tmp_path: Path, folders: dict[tuple[str, str], Path], layout: Layout
) -> None:
    """A decoded JPEG, simply normalised, ranks first for the query naming its colour."""
    folder = folders[layout, "colour"]
    photos = {}
    for word in COLOURS:
        path = solid_colour_image(tmp_path / f"{word}.jpg", word, size=(SIZE, SIZE))
        rgb = np.asarray(Image.open(path).convert("RGB"), np.float32) / 255.0
        pixels = ((rgb - np.asarray(CLIP_MEAN)) / np.asarray(CLIP_STD)).transpose(2, 0, 1)
        vec = _embed_image(folder, layout, pixels[None].astype(np.float32))[0]
        photos[word] = vec / np.linalg.norm(vec)
    for word in COLOURS:
        query = _embed_texts(folder, layout, [f"a {word} thing"])[0]
        query = query / np.linalg.norm(query)
        best = max(photos, key=lambda w: float(photos[w] @ query))
        assert best == word


def test_hf_attention_mask_is_a_real_input(tmp_path: Path) -> None:
    folder = build_clip_folder(tmp_path / "m", kind="random", attention_mask=True)
    sess = _session(folder / "onnx" / "text_model.onnx")
    assert [(i.name, i.type, i.shape) for i in sess.get_inputs()] == [
        ("input_ids", "tensor(int64)", ["batch_size", "sequence_length"]),
        ("attention_mask", "tensor(int64)", ["batch_size", "sequence_length"]),
    ]
    ids = np.array([clip_tokenize("a photo of a cat")], dtype=np.int64)
    ones = np.ones_like(ids)
    real = (np.arange(77) < 7).astype(np.int64)[None]
    full = sess.run(["text_embeds"], {"input_ids": ids, "attention_mask": ones})[0]
    masked = sess.run(["text_embeds"], {"input_ids": ids, "attention_mask": real})[0]
    np.testing.assert_allclose(full, masked, rtol=1e-6)  # masking pads changes nothing
    zeros = sess.run(["text_embeds"], {"input_ids": ids, "attention_mask": 0 * ones})[0]
    assert not np.any(zeros)  # but the graph really reads the mask


@pytest.mark.parametrize("layout", LAYOUTS)
def test_inconsistent_text_dim(tmp_path: Path, layout: Layout) -> None:
    folder = build_clip_folder(tmp_path / "m", layout=layout, kind="random", text_dim=12)
    vision, text = _paths(folder, layout)
    assert _session(vision).get_outputs()[0].shape[-1] == 16
    assert _session(text).get_outputs()[0].shape[-1] == 12


def test_colour_dim_padding_and_limits(tmp_path: Path) -> None:
    folder = build_clip_folder(tmp_path / "m", kind="colour", dim=12, image_size=SIZE)
    embedding = _embed_image(folder, "hf", _solid_pixels(COLOURS["blue"]))[0]
    assert embedding.shape == (12,) and not np.any(embedding[len(COLOURS) :])
    assert int(np.argmax(embedding)) == colour_index("blue")
    with pytest.raises(ValueError):
        build_clip_folder(tmp_path / "small", kind="colour", dim=4)


def test_random_weights_follow_the_seed(tmp_path: Path) -> None:
    pixels = _solid_pixels((0.3, 0.6, 0.9))
    outs = [
        _embed_image(
            build_clip_folder(tmp_path / str(i), kind="random", seed=s, image_size=SIZE),
            "hf",
            pixels,
        )
        for i, s in enumerate((1, 1, 2))
    ]
    np.testing.assert_array_equal(outs[0], outs[1])
    assert not np.allclose(outs[0], outs[2])


def test_immich_context_length(tmp_path: Path) -> None:
    folder = build_clip_folder(tmp_path / "m", layout="immich", kind="random", context_length=52)
    sess = _session(folder / "textual" / "model.onnx")
    assert sess.get_inputs()[0].shape == [1, 52]
    assert json.loads((folder / "config.json").read_text())["text_cfg"]["context_length"] == 52


@pytest.mark.parametrize("suffix", [".jpg", ".png", ".webp"])
def test_solid_colour_image(tmp_path: Path, suffix: str) -> None:
    path = solid_colour_image(tmp_path / f"x{suffix}", "orange")
    with Image.open(path) as image:
        assert image.size == (64, 48)
        mean = np.asarray(image.convert("RGB"), np.float32).mean(axis=(0, 1))
    np.testing.assert_allclose(mean, (255, 128, 0), atol=4)
    no_suffix = solid_colour_image(tmp_path / "plain", (10, 20, 30))
    with Image.open(no_suffix) as image:
        assert image.format == "JPEG"
