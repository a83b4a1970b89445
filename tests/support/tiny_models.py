"""Tiny CLIP-style ONNX model folders for tests, written in the real published layouts.

Pretrained weights cannot be downloaded in tests, so these builders write folders laid out
exactly like the real exports the loader must read:

- ``"immich"`` like ``immich-app/ViT-B-32__openai``: ``config.json``, ``visual/`` and
  ``textual/`` each with a ``model.onnx``; fixed batch 1 and int32 token ids.
- ``"hf"`` like ``Xenova/clip-vit-base-patch32``: HF configs and tokenizer at the top,
  ``onnx/vision_model.onnx`` and ``onnx/text_model.onnx``; dynamic batch and int64 token ids.

Two kinds of weights:

- ``"colour"`` has planted meaning, so an end-to-end test can assert that a text query finds
  the right photo through the real pipeline: axis ``k`` of the image embedding is a sharp
  similarity of the photo's mean colour to ``COLOURS``' k-th prototype, and the text embedding
  counts the colour words of the query on the same axes (a query without one embeds to zeros).
- ``"random"`` has seeded random weights, for shape, batching and execution-provider tests.

A third builder, ``build_chinese_clip_folder``, writes a folder like
``Xenova/chinese-clip-vit-base-patch16``: Chinese-CLIP configs (images squashed, no crop), a BERT
wordpiece tokenizer (``[PAD]`` = 0, context 52) and one combined graph ``onnx/model.onnx`` that
the installer must split; its text tower maps Chinese colour words (红色 red, ...) to the
colour axes.

Graphs are built with ``onnx.helper`` only (no torch) and each folder takes well under a second.
"""

from __future__ import annotations

import functools
import json
import shutil
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import onnx
from onnx import TensorProto, helper, numpy_helper
from onnx.compose import add_prefix_graph

Layout = Literal["immich", "hf"]
Kind = Literal["colour", "random"]
Dim = int | str  # a fixed size or an ONNX dim_param name
Pixels = Literal["nchw-float", "nhwc-uint8"]  # what an image tower takes

#: The real openai/clip-vit-base-patch32 tokenizer and configs, shared by every checkout.
TOKENIZER_DIR: Path = Path(__file__).resolve().parents[2].parent / "shared" / "clip-tokenizer"

#: Colour word -> RGB in [0, 1]. Every word is a single CLIP token; prototypes are at least
#: 0.25 apart in squared RGB distance, so a solid photo is unambiguous even after JPEG.
COLOURS: dict[str, tuple[float, float, float]] = {
    "red": (1.0, 0.0, 0.0),
    "green": (0.0, 1.0, 0.0),
    "blue": (0.0, 0.0, 1.0),
    "yellow": (1.0, 1.0, 0.0),
    "white": (1.0, 1.0, 1.0),
    "black": (0.0, 0.0, 0.0),
    "orange": (1.0, 0.5, 0.0),
    "purple": (0.5, 0.0, 0.5),
}

CLIP_MEAN: tuple[float, float, float] = (0.48145466, 0.4578275, 0.40821073)
CLIP_STD: tuple[float, float, float] = (0.26862954, 0.26130258, 0.27577711)
VOCAB_SIZE = 49408
BOS_ID = 49406  # <|startoftext|>
EOS_ID = 49407  # <|endoftext|>, also the pad token
OPSET = 17
IR_VERSION = 9  # opset 17 needs IR >= 8; 9 loads in every onnxruntime the app supports
PATCH_SIZE = 32
RANDOM_WIDTH = 8  # hidden width of the random towers before the projection to `dim`
SHARPNESS = 0.05  # colour similarity is exp(-squared_distance / SHARPNESS)
TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")

#: Chinese colour words -> `COLOURS` key; the first character carries the colour (色 = colour).
CHINESE_COLOURS: dict[str, str] = {
    "红色": "red",
    "绿色": "green",
    "蓝色": "blue",
    "黄色": "yellow",
    "白色": "white",
    "黑色": "black",
    "橙色": "orange",
    "紫色": "purple",
}
CHINESE_CONTEXT = 52  # Chinese-CLIP's text context
#: A tiny BERT wordpiece vocabulary: the specials first ([PAD] is 0, as in bert-base-chinese),
#: every character of the Chinese test queries, and a few English words and a suffix piece.
BERT_VOCAB: tuple[str, ...] = (
    "[PAD]",
    "[UNK]",
    "[CLS]",
    "[SEP]",
    "[MASK]",
    *"红绿蓝黄白黑橙紫色雪地里的汽车一张照片猫狗海边",
    "a",
    "photo",
    "of",
    "##s",
)


@functools.cache
def _tokenizer() -> Any:
    """Load the real CLIP tokenizer once; imported lazily so collecting tests stays cheap."""
    from tokenizers import Tokenizer

    return Tokenizer.from_file(str(TOKENIZER_DIR / "tokenizer.json"))


def clip_tokenize(text: str, context_length: int = 77) -> list[int]:
    """Reference CLIP ids for `text`: BOS ... EOS, truncated (EOS kept) and padded with EOS.

    Independent of the app's own tokenizer, so tests can feed models directly.
    """
    ids: list[int] = list(_tokenizer().encode(text).ids)
    if len(ids) > context_length:
        ids = [*ids[: context_length - 1], EOS_ID]
    return ids + [EOS_ID] * (context_length - len(ids))


@functools.cache
def _colour_token_ids() -> tuple[tuple[str, int], ...]:
    pairs = []
    for word in COLOURS:
        inner = _tokenizer().encode(word).ids[1:-1]
        if len(inner) != 1:
            raise ValueError(f"colour word {word!r} is not a single CLIP token: {inner}")
        pairs.append((word, inner[0]))
    return tuple(pairs)


def colour_token_ids() -> dict[str, int]:
    """Colour word -> its CLIP token id (e.g. "red" -> 736), in `COLOURS` order."""
    return dict(_colour_token_ids())


def colour_index(word: str) -> int:
    """The embedding axis a colour word (and a photo of that colour) lands on."""
    return list(COLOURS).index(word)


def solid_colour_image(
    path: Path,
    colour: str | tuple[int, int, int],
    size: tuple[int, int] = (64, 48),
    fmt: str | None = None,
) -> Path:
    """Write a solid-colour photo (a `COLOURS` word or 0-255 RGB) and return `path`.

    The format follows the suffix unless `fmt` is given; no suffix means JPEG. JPEG quality is
    high so the decoded mean colour stays within a few levels of the requested one.
    """
    from PIL import Image

    if isinstance(colour, str):
        rgb = tuple(round(c * 255) for c in COLOURS[colour])
    else:
        rgb = tuple(colour)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.new("RGB", size, rgb)
    fmt = fmt or (None if path.suffix else "JPEG")
    is_jpeg = (fmt or path.suffix.lstrip(".")).upper() in {"JPEG", "JPG"}
    image.save(path, format=fmt, **({"quality": 95} if is_jpeg else {}))
    return path


def build_clip_folder(
    dest: Path,
    *,
    layout: Layout = "hf",
    kind: Kind = "colour",
    image_size: int = 224,
    dim: int | None = None,
    text_dim: int | None = None,
    context_length: int = 77,
    attention_mask: bool = False,
    seed: int = 0,
) -> Path:
    """Write a complete model folder at dest (created) and return dest.

    `dim` defaults to len(COLOURS) (8) for "colour" and 16 for "random"; a colour `dim` larger
    than 8 is zero-padded. `text_dim` defaults to `dim`; a different value writes an
    inconsistent folder (configs still say `dim`) that a loader must refuse. `context_length`
    fixes the immich text input and is written into the configs; `attention_mask` adds that
    input to the hf text model. `seed` only affects "random" weights.
    """
    if layout not in ("immich", "hf"):
        raise ValueError(f"unknown layout {layout!r}")
    if kind not in ("colour", "random"):
        raise ValueError(f"unknown kind {kind!r}")
    dim = dim if dim is not None else (len(COLOURS) if kind == "colour" else 16)
    text_dim = text_dim if text_dim is not None else dim
    if kind == "colour" and dim < len(COLOURS):
        raise ValueError(f"a colour model needs dim >= {len(COLOURS)}, got {dim}")
    if min(dim, text_dim, image_size, context_length) < 1:
        raise ValueError("dim, text_dim, image_size and context_length must be positive")
    if attention_mask and layout == "immich":
        raise ValueError("immich text models take only 'text'; attention_mask is hf-only")

    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    if layout == "immich":
        _write_immich(dest, kind, image_size, dim, text_dim, context_length, rng)
    else:
        _write_hf(dest, kind, image_size, dim, text_dim, context_length, attention_mask, rng)
    return dest


# --- folder layouts --------------------------------------------------------------------------


def _write_immich(
    dest: Path, kind: Kind, size: int, dim: int, text_dim: int, ctx: int, rng: np.random.Generator
) -> None:
    _write_json(
        dest / "config.json",
        {
            "embed_dim": dim,
            "vision_cfg": {"image_size": size, "layers": 1, "width": 8, "patch_size": PATCH_SIZE},
            "text_cfg": {
                "context_length": ctx,
                "vocab_size": VOCAB_SIZE,
                "width": 8,
                "heads": 1,
                "layers": 1,
            },
        },
    )
    (dest / "visual").mkdir(exist_ok=True)
    _write_json(
        dest / "visual" / "preprocess_cfg.json",
        {
            "size": [size, size],
            "mode": "RGB",
            "mean": list(CLIP_MEAN),
            "std": list(CLIP_STD),
            "interpolation": "bicubic",
            "resize_mode": "shortest",
            "fill_color": 0,
        },
    )
    _save(
        _vision_model(kind, size, dim, rng, batch=1, input_name="image", outputs=["embedding"]),
        dest / "visual" / "model.onnx",
    )
    (dest / "textual").mkdir(exist_ok=True)
    _copy_tokenizer(dest / "textual", ctx)
    _save(
        _text_model(
            kind,
            text_dim,
            rng,
            batch=1,
            seq=ctx,
            ids_name="text",
            ids_type=TensorProto.INT32,
            mask_name=None,
            outputs=["embedding"],
        ),
        dest / "textual" / "model.onnx",
    )


def _write_hf(
    dest: Path,
    kind: Kind,
    size: int,
    dim: int,
    text_dim: int,
    ctx: int,
    attention_mask: bool,
    rng: np.random.Generator,
) -> None:
    config = _read_json(TOKENIZER_DIR / "config.json")
    config["projection_dim"] = dim
    config["text_config"]["projection_dim"] = dim
    config["text_config"]["max_position_embeddings"] = ctx
    config["vision_config"]["projection_dim"] = dim
    config["vision_config"]["image_size"] = size
    config["vision_config"]["patch_size"] = min(PATCH_SIZE, size)
    _write_json(dest / "config.json", config)
    pre = _read_json(TOKENIZER_DIR / "preprocessor_config.json")
    pre["size"] = {"shortest_edge": size}
    pre["crop_size"] = {"height": size, "width": size}
    _write_json(dest / "preprocessor_config.json", pre)
    _copy_tokenizer(dest, ctx)
    (dest / "onnx").mkdir(exist_ok=True)
    _save(
        _vision_model(
            kind,
            size,
            dim,
            rng,
            batch="batch_size",
            input_name="pixel_values",
            outputs=["image_embeds", "last_hidden_state"],
        ),
        dest / "onnx" / "vision_model.onnx",
    )
    _save(
        _text_model(
            kind,
            text_dim,
            rng,
            batch="batch_size",
            seq="sequence_length",
            ids_name="input_ids",
            ids_type=TensorProto.INT64,
            mask_name="attention_mask" if attention_mask else None,
            outputs=["text_embeds", "last_hidden_state"],
        ),
        dest / "onnx" / "text_model.onnx",
    )


def _copy_tokenizer(folder: Path, ctx: int) -> None:
    # copyfile, not copy: the shared files are read-only and a loader may rewrite its folder.
    for name in TOKENIZER_FILES:
        shutil.copyfile(TOKENIZER_DIR / name, folder / name)
    if ctx != 77:
        tok_cfg = _read_json(folder / "tokenizer_config.json")
        tok_cfg["model_max_length"] = ctx
        _write_json(folder / "tokenizer_config.json", tok_cfg)


def _read_json(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _write_json(path: Path, data: dict[str, Any]) -> None:
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


# --- graphs ----------------------------------------------------------------------------------


def _vision_model(
    kind: Kind,
    size: int,
    dim: int,
    rng: np.random.Generator,
    *,
    batch: Dim,
    input_name: str,
    outputs: list[str],
    mean: tuple[float, float, float] = CLIP_MEAN,
    std: tuple[float, float, float] = CLIP_STD,
    pixels: Pixels = "nchw-float",
) -> onnx.ModelProto:
    """Image tower: NCHW pixels normalised with `mean`/`std` -> [batch, dim] (+ [batch, 1, dim]
    if asked). `pixels` "nhwc-uint8" takes uint8 [batch, size, size, 3] instead and normalises
    inside the graph, as newer Immich exports do (Cast and Transpose first)."""
    x = input_name
    nodes: list[onnx.NodeProto] = []
    inits: list[onnx.TensorProto] = [_const("axes_1", [1], np.int64)]
    if pixels == "nhwc-uint8":  # the graph's own front: uint8 HWC -> normalised float NCHW
        channel = [1, 3, 1, 1]
        inits += [
            _const("in_mean", np.reshape(mean, channel) * 255.0, np.float32),
            _const("in_inv_std", 1.0 / (np.reshape(std, channel) * 255.0), np.float32),
        ]
        nodes += [
            helper.make_node("Cast", [input_name], ["pixels_f"], to=TensorProto.FLOAT),
            helper.make_node("Transpose", ["pixels_f"], ["pixels_nchw"], perm=[0, 3, 1, 2]),
            helper.make_node("Sub", ["pixels_nchw", "in_mean"], ["pixels_centred"]),
            helper.make_node("Mul", ["pixels_centred", "in_inv_std"], ["pixels_normalised"]),
        ]
        x = "pixels_normalised"
    if kind == "colour":
        n_colours = len(COLOURS)
        protos = np.array(list(COLOURS.values()), dtype=np.float32)  # [K, 3]
        pad = np.eye(n_colours, dim, dtype=np.float32)  # [K, dim]: zero-pads beyond K
        inits += [
            _const("prototypes", protos, np.float32),
            _const("neg_inv_sharpness", -1.0 / SHARPNESS, np.float32),
            _const("pad", pad, np.float32),
            _const("axes_2", [2], np.int64),
            _const("std", std, np.float32),
            _const("mean", mean, np.float32),
        ]
        nodes += [
            helper.make_node("ReduceMean", [x], ["norm_rgb"], axes=[2, 3], keepdims=0),
            helper.make_node("Mul", ["norm_rgb", "std"], ["scaled_rgb"]),
            helper.make_node("Add", ["scaled_rgb", "mean"], ["rgb"]),  # [N, 3] in [0, 1]
            helper.make_node("Unsqueeze", ["rgb", "axes_1"], ["rgb_n13"]),
            helper.make_node("Sub", ["rgb_n13", "prototypes"], ["diff"]),  # [N, K, 3]
            helper.make_node("Mul", ["diff", "diff"], ["diff_sq"]),
            helper.make_node("ReduceSum", ["diff_sq", "axes_2"], ["dist"], keepdims=0),
            helper.make_node("Mul", ["dist", "neg_inv_sharpness"], ["logits"]),
            helper.make_node("Exp", ["logits"], ["similarity"]),  # [N, K]
            helper.make_node("MatMul", ["similarity", "pad"], ["embeds"]),
        ]
    else:
        patch = min(PATCH_SIZE, size)
        conv_w = rng.standard_normal((RANDOM_WIDTH, 3, patch, patch)) / np.sqrt(3 * patch * patch)
        inits += [
            _const("patch_w", conv_w, np.float32),
            _const("patch_b", rng.standard_normal(RANDOM_WIDTH) * 0.1, np.float32),
            _const("proj", rng.standard_normal((RANDOM_WIDTH, dim)), np.float32),
        ]
        nodes += [
            helper.make_node(
                "Conv",
                [x, "patch_w", "patch_b"],
                ["patches"],
                kernel_shape=[patch, patch],
                strides=[patch, patch],
            ),
            helper.make_node("ReduceMean", ["patches"], ["pooled"], axes=[2, 3], keepdims=0),
            helper.make_node("MatMul", ["pooled", "proj"], ["embeds"]),
        ]
    out_infos = [_info(outputs[0], TensorProto.FLOAT, [batch, dim])]
    nodes.append(helper.make_node("Identity", ["embeds"], [outputs[0]]))
    if len(outputs) > 1:  # hf exports also return a hidden state; the loader must not pick it
        nodes.append(helper.make_node("Unsqueeze", ["embeds", "axes_1"], [outputs[1]]))
        out_infos.append(_info(outputs[1], TensorProto.FLOAT, [batch, 1, dim]))
    graph = helper.make_graph(
        nodes,
        f"tiny_{kind}_vision",
        [
            _info(input_name, TensorProto.UINT8, [batch, size, size, 3])
            if pixels == "nhwc-uint8"
            else _info(input_name, TensorProto.FLOAT, [batch, 3, size, size])
        ],
        out_infos,
        inits,
    )
    return _model(graph)


def _text_model(
    kind: Kind,
    text_dim: int,
    rng: np.random.Generator,
    *,
    batch: Dim,
    seq: Dim,
    ids_name: str,
    ids_type: int,
    mask_name: str | None,
    outputs: list[str],
    table: npt.NDArray[np.float32] | None = None,
) -> onnx.ModelProto:
    """Text tower: token ids -> sum of per-token vectors -> [batch, text_dim].

    The EOS/pad row of the table is zero, so padding (to any length) changes nothing, and
    masking pads with an attention mask changes nothing either -- as with real CLIP. A
    "colour" `table` ([vocab, text_dim]) replaces the CLIP colour-token table.
    """
    nodes: list[onnx.NodeProto] = []
    inits: list[onnx.TensorProto] = [_const("axes_1", [1], np.int64)]
    if kind == "colour":
        if table is None:
            table = np.zeros((VOCAB_SIZE, text_dim), dtype=np.float32)
            for k, (_word, token) in enumerate(_colour_token_ids()):
                if k < text_dim:
                    table[token, k] = 1.0
        hidden = text_dim
    else:
        table = rng.standard_normal((VOCAB_SIZE, RANDOM_WIDTH)).astype(np.float32)
        table[EOS_ID] = 0.0
        inits.append(_const("proj", rng.standard_normal((RANDOM_WIDTH, text_dim)), np.float32))
        hidden = RANDOM_WIDTH
    inits.append(_const("token_table", table, np.float32))

    ids = ids_name
    if ids_type != TensorProto.INT64:  # immich feeds int32
        nodes.append(helper.make_node("Cast", [ids_name], ["ids64"], to=TensorProto.INT64))
        ids = "ids64"
    nodes.append(helper.make_node("Gather", ["token_table", ids], ["tokens"], axis=0))
    tokens = "tokens"  # [N, L, hidden]
    if mask_name is not None:
        inits.append(_const("axes_last", [-1], np.int64))
        nodes += [
            helper.make_node("Cast", [mask_name], ["mask_f"], to=TensorProto.FLOAT),
            helper.make_node("Unsqueeze", ["mask_f", "axes_last"], ["mask_nl1"]),
            helper.make_node("Mul", ["tokens", "mask_nl1"], ["masked_tokens"]),
        ]
        tokens = "masked_tokens"
    nodes.append(helper.make_node("ReduceSum", [tokens, "axes_1"], ["pooled"], keepdims=0))
    if kind == "colour":
        nodes.append(helper.make_node("Identity", ["pooled"], [outputs[0]]))
    else:
        nodes.append(helper.make_node("MatMul", ["pooled", "proj"], [outputs[0]]))
    out_infos = [_info(outputs[0], TensorProto.FLOAT, [batch, text_dim])]
    if len(outputs) > 1:
        nodes.append(helper.make_node("Identity", [tokens], [outputs[1]]))
        out_infos.append(_info(outputs[1], TensorProto.FLOAT, [batch, seq, hidden]))
    inputs = [_info(ids_name, ids_type, [batch, seq])]
    if mask_name is not None:
        inputs.append(_info(mask_name, TensorProto.INT64, [batch, seq]))
    graph = helper.make_graph(nodes, f"tiny_{kind}_text", inputs, out_infos, inits)
    return _model(graph)


def _const(name: str, value: Any, dtype: type[np.generic]) -> onnx.TensorProto:
    return numpy_helper.from_array(np.asarray(value, dtype=dtype), name)


def _info(name: str, elem_type: int, shape: list[Dim]) -> onnx.ValueInfoProto:
    return helper.make_tensor_value_info(name, elem_type, shape)


def _model(graph: onnx.GraphProto) -> onnx.ModelProto:
    # Drop constants no node reads (e.g. the Unsqueeze axes of a single-output export), or
    # onnxruntime warns about them on every session it opens.
    used = {name for node in graph.node for name in node.input}
    kept = [init for init in graph.initializer if init.name in used]
    del graph.initializer[:]
    graph.initializer.extend(kept)
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", OPSET)],
        producer_name="lumen-gallery-tests",
    )
    model.ir_version = IR_VERSION
    onnx.checker.check_model(model, full_check=True)
    return model


def _save(model: onnx.ModelProto, path: Path) -> None:
    onnx.save_model(model, str(path))


# --- Chinese-CLIP: BERT wordpiece tokenizer, combined graph ---------------------------------


def bert_vocab() -> dict[str, int]:
    return {token: i for i, token in enumerate(BERT_VOCAB)}


def write_bert_tokenizer(folder: Path, context_length: int = CHINESE_CONTEXT) -> dict[str, int]:
    """Write a BERT wordpiece tokenizer as Chinese-CLIP repos ship it and return its vocab.

    tokenizer.json: WordPiece over `BERT_VOCAB`, BertNormalizer (lower case, CJK characters
    split apart), BertPreTokenizer, "[CLS] $A [SEP]"; plus tokenizer_config.json (pad [PAD]),
    special_tokens_map.json and vocab.txt.
    """
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    vocab = bert_vocab()
    tokenizer = Tokenizer(models.WordPiece(vocab, unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.BertNormalizer(
        clean_text=True, handle_chinese_chars=True, strip_accents=None, lowercase=True
    )
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", vocab["[CLS]"]), ("[SEP]", vocab["[SEP]"])],
    )
    tokenizer.decoder = decoders.WordPiece(prefix="##")
    folder.mkdir(parents=True, exist_ok=True)
    tokenizer.save(str(folder / "tokenizer.json"))
    specials = {
        "pad_token": "[PAD]",
        "unk_token": "[UNK]",
        "cls_token": "[CLS]",
        "sep_token": "[SEP]",
        "mask_token": "[MASK]",
    }
    config = {"tokenizer_class": "BertTokenizer", "do_lower_case": True, **specials}
    _write_json(folder / "tokenizer_config.json", config | {"model_max_length": context_length})
    _write_json(folder / "special_tokens_map.json", specials)
    (folder / "vocab.txt").write_text("\n".join(BERT_VOCAB) + "\n", encoding="utf-8")
    return vocab


def chinese_colour_table(dim: int = len(COLOURS)) -> npt.NDArray[np.float32]:
    """[len(BERT_VOCAB), dim]: the colour character of each Chinese colour word on its axis."""
    vocab = bert_vocab()
    table = np.zeros((len(BERT_VOCAB), dim), dtype=np.float32)
    for word, colour in CHINESE_COLOURS.items():
        table[vocab[word[0]], colour_index(colour)] = 1.0
    return table


def combined_clip_model(
    image_size: int = 224, context_length: int | None = None, kind: Kind = "colour", seed: int = 0
) -> onnx.ModelProto:
    """One graph with both towers, as transformers.js exports Chinese-CLIP.

    Inputs input_ids [text_batch, seq] and attention_mask (int64), pixel_values [image_batch, 3,
    size, size]; outputs logits_per_image, logits_per_text (which need both towers), then the
    L2-normalised text_embeds and image_embeds. "colour" uses `chinese_colour_table`; "random"
    gives both towers random weights. `context_length` None keeps the sequence dynamic.
    """
    rng = np.random.default_rng(seed)
    dim = len(COLOURS) if kind == "colour" else 16
    seq: Dim = context_length if context_length is not None else "sequence_length"
    vision = _vision_model(
        kind, image_size, dim, rng, batch="image_batch", input_name="pixel_values", outputs=["v"]
    ).graph
    text = _text_model(
        kind,
        dim,
        rng,
        batch="text_batch",
        seq=seq,
        ids_name="input_ids",
        ids_type=TensorProto.INT64,
        mask_name="attention_mask",
        outputs=["t"],
        table=chinese_colour_table(dim) if kind == "colour" else None,
    ).graph
    vision = add_prefix_graph(vision, "vision/", rename_inputs=False, rename_outputs=False)
    text = add_prefix_graph(text, "text/", rename_inputs=False, rename_outputs=False)
    nodes = [*vision.node, *text.node]
    for raw, out in (("v", "image_embeds"), ("t", "text_embeds")):
        nodes += [
            helper.make_node("ReduceL2", [raw], [f"{raw}_norm"], axes=[1], keepdims=1),
            helper.make_node("Max", [f"{raw}_norm", "eps"], [f"{raw}_safe"]),
            helper.make_node("Div", [raw, f"{raw}_safe"], [out]),
        ]
    nodes += [
        helper.make_node("Transpose", ["image_embeds"], ["image_embeds_t"], perm=[1, 0]),
        helper.make_node("MatMul", ["text_embeds", "image_embeds_t"], ["cosine"]),
        helper.make_node("Mul", ["cosine", "logit_scale"], ["logits_per_text"]),
        helper.make_node("Transpose", ["logits_per_text"], ["logits_per_image"], perm=[1, 0]),
    ]
    graph = helper.make_graph(
        nodes,
        "tiny_chinese_clip",
        [text.input[0], vision.input[0], text.input[1]],
        [
            _info("logits_per_image", TensorProto.FLOAT, ["image_batch", "text_batch"]),
            _info("logits_per_text", TensorProto.FLOAT, ["text_batch", "image_batch"]),
            _info("text_embeds", TensorProto.FLOAT, ["text_batch", dim]),
            _info("image_embeds", TensorProto.FLOAT, ["image_batch", dim]),
        ],
        [
            *vision.initializer,
            *text.initializer,
            _const("eps", 1e-12, np.float32),
            _const("logit_scale", 100.0, np.float32),
        ],
    )
    return _model(graph)


def build_chinese_clip_folder(
    dest: Path, *, image_size: int = 224, context_length: int | None = None
) -> Path:
    """Write a folder laid out like Xenova/chinese-clip-vit-base-patch16 and return it.

    Chinese-CLIP configs (a BERT text config whose 512 positions are not the context; images
    squashed, no center crop), the BERT tokenizer, and the combined colour graph at
    onnx/model.onnx (dynamic sequence unless `context_length` fixes it).
    """
    dest = Path(dest)
    dim = len(COLOURS)
    write_bert_tokenizer(dest)
    _write_json(
        dest / "config.json",
        {
            "model_type": "chinese_clip",
            "projection_dim": dim,
            "text_config": {
                "model_type": "chinese_clip_text_model",
                "vocab_size": len(BERT_VOCAB),
                "hidden_size": dim,
                "max_position_embeddings": 512,
                "pad_token_id": 0,
            },
            "vision_config": {
                "model_type": "chinese_clip_vision_model",
                "hidden_size": 8,
                "num_hidden_layers": 1,
                "patch_size": 16,
                "image_size": image_size,
            },
        },
    )
    _write_json(
        dest / "preprocessor_config.json",
        {
            "crop_size": image_size,
            "do_center_crop": False,
            "do_normalize": True,
            "do_resize": True,
            "feature_extractor_type": "ChineseCLIPFeatureExtractor",
            "image_mean": list(CLIP_MEAN),
            "image_std": list(CLIP_STD),
            "resample": 3,
            "size": image_size,
        },
    )
    (dest / "onnx").mkdir(exist_ok=True)
    _save(combined_clip_model(image_size, context_length), dest / "onnx" / "model.onnx")
    return dest


# --- multilingual (Immich export of an XLM-R text tower) -------------------------------------

#: (piece, colour) of a tiny XLM-R style Unigram vocabulary: the colour in English, French and
#: Chinese lands on the same axis, as a multilingual text tower maps them to one meaning.
MULTILINGUAL_COLOURS: tuple[tuple[str, str], ...] = (
    *((f"▁{word}", word) for word in COLOURS),
    ("▁rouge", "red"),
    ("▁vert", "green"),
    ("▁bleu", "blue"),
    *((word[0], colour) for word, colour in CHINESE_COLOURS.items()),
)
XLMR_SPECIAL_TOKENS = ("<s>", "<pad>", "</s>", "<unk>")  # ids 0-3, as in XLM-RoBERTa


def write_xlmr_tokenizer(folder: Path) -> dict[str, int]:
    """An XLM-R style tokenizer (SentencePiece Unigram, Metaspace, "<s> $A </s>", pad <pad> = 1)
    over the multilingual colour pieces, every character of the Chinese test queries and a few
    English and French words; returns the vocab."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors

    words = ("▁a", "▁car", "▁in", "▁the", "▁snow", "▁photo", "▁of", "▁une", "▁voiture", "▁")
    pieces = [
        *XLMR_SPECIAL_TOKENS,
        *(piece for piece, _ in MULTILINGUAL_COLOURS),
        *words,
        *"雪地里的色汽车一张照片猫狗海边",
    ]
    vocab = {piece: i for i, piece in enumerate(pieces)}
    scores = [(piece, 0.0 if piece in XLMR_SPECIAL_TOKENS else -1.0) for piece in pieces]
    tokenizer = Tokenizer(models.Unigram(scores, unk_id=vocab["<unk>"]))
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace()
    tokenizer.decoder = decoders.Metaspace()
    tokenizer.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>",
        special_tokens=[("<s>", vocab["<s>"]), ("</s>", vocab["</s>"])],
    )
    folder.mkdir(parents=True, exist_ok=True)
    tokenizer.save(str(folder / "tokenizer.json"))
    specials = {"bos_token": "<s>", "eos_token": "</s>", "pad_token": "<pad>", "unk_token": "<unk>"}
    config = {"tokenizer_class": "XLMRobertaTokenizer", **specials}
    _write_json(folder / "tokenizer_config.json", config)
    _write_json(folder / "special_tokens_map.json", specials)
    return vocab


def build_multilingual_folder(dest: Path, *, context_length: int = 77) -> Path:
    """An Immich-layout folder like immich-app/XLM-Roberta-Large-Vit-B-32: the colour image
    tower at batch 1, and a batch-1 int32 text tower whose Unigram tokenizer and table put
    red/rouge/红, green/vert/绿, ... on the colour axes. Returns dest."""
    dest = build_clip_folder(dest, layout="immich", kind="colour", context_length=context_length)
    vocab = write_xlmr_tokenizer(dest / "textual")
    table = np.zeros((len(vocab), len(COLOURS)), dtype=np.float32)
    for piece, colour in MULTILINGUAL_COLOURS:
        table[vocab[piece], colour_index(colour)] = 1.0
    text = _text_model(
        "colour",
        len(COLOURS),
        np.random.default_rng(0),
        batch=1,
        seq=context_length,
        ids_name="text",
        ids_type=TensorProto.INT32,
        mask_name=None,
        outputs=["embedding"],
        table=table,
    )
    _save(text, dest / "textual" / "model.onnx")
    return dest
