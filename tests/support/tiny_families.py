"""Tiny model folders of each model family, in the exact layouts of the real exports.

Built on tiny_models' graphs (`_vision_model`, `_text_model`: colour meaning planted, so a red
query finds the red photo through the real pipeline), with the family's own configs, tensor
names, dtypes and shapes, and tokenizers of the real kinds built here with `tokenizers`:

- SigLIP / SigLIP2 (``immich-app/ViT-B-16-SigLIP2__webli``, ``ViT-B-32-SigLIP2-256__webli``):
  open_clip's config.json (text_cfg context 64, ``tokenizer_kwargs: {"clean": "canonicalize"}``,
  a timm ``vit_base_patch16_siglip_224`` tower), preprocess_cfg.json (mean/std 0.5, squash), a
  SentencePiece Unigram tokenizer.json (Gemma's specials: <pad> 0, <eos> 1, <bos> 2, <unk> 3),
  and no attention mask. The colour pieces are lower case only, so "RED!" finds red only when
  the text is canonicalised first.
- nllb-clip (``immich-app/nllb-clip-base-siglip__mrl``): an NLLB config (``hf_tokenizer_name``
  facebook/nllb-200-distilled-600M, no context length: the exporter's 77), images at 384, an
  NLLB-style Unigram tokenizer whose FLORES-200 language codes are special tokens.
- M-CLIP XLM-R Base (``immich-app/XLM-Roberta-Base-ViT-B-32__laion5b_s13b_b90k``): open_clip's
  xlm-roberta-base-ViT-B-32 config and tiny_models' XLM-R tokenizer.
- MobileCLIP (``Xenova/mobileclip_s0``): the transformers.js layout with Xenova's
  preprocessor_config.json (do_normalize false, resample 2 = bilinear, shortest edge 256, crop
  256): its image tower reads raw [0, 1] pixels, so CLIP normalisation would find the wrong
  colours.

Graph formats (`fmt`): "new" as Immich's newer exports (uint8 image[batch,S,S,3] normalised
inside, int32 text[batch,ctx], outputs image_embedding / text_embedding, dynamic batch); "old"
as the exporter on ml-models' default branch (float32 image[1,3,S,S], int32 text[1,ctx],
output embedding, batch fixed at 1).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from onnx import TensorProto

from tests.support.tiny_models import (
    COLOURS,
    MULTILINGUAL_COLOURS,
    _save,
    _text_model,
    _vision_model,
    _write_json,
    build_clip_folder,
    build_multilingual_folder,
    colour_index,
)

Format = Literal["new", "old"]
HALF: tuple[float, float, float] = (0.5, 0.5, 0.5)
SIGLIP_CONTEXT = 64
NLLB_CONTEXT = 77
GEMMA_SPECIALS = ("<pad>", "<eos>", "<bos>", "<unk>")  # ids 0-3, as in Gemma's tokenizer
NLLB_SPECIALS = ("<s>", "<pad>", "</s>", "<unk>")  # ids 0-3, as in NLLB-200's
#: A few FLORES-200 codes, special tokens of the NLLB-style tokenizer (as in NLLB-200's).
FLORES_CODES = (
    "eng_Latn",
    "fra_Latn",
    "deu_Latn",
    "zho_Hans",
    "zho_Hant",
    "jpn_Jpan",
    "kor_Hang",
    "rus_Cyrl",
)
_WORDS = ("▁a", "▁photo", "▁of", "▁the", "▁car", "▁in", "▁snow", "▁please", "▁")
_LETTERS = tuple("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ!,.?")
OPEN_CLIP_CONFIGS = "https://github.com/mlfoundations/open_clip/blob/89fb801f1e6087880e951fc8354b8a2077b79c6d/src/open_clip/model_configs"


def _unigram(
    folder: Path,
    specials: tuple[str, ...],
    pieces: list[str],
    *,
    eos: str,
    added: tuple[str, ...] = (),
    config: dict[str, Any],
) -> dict[str, int]:
    """A SentencePiece Unigram tokenizer.json (Metaspace, "$A <eos>"), with `added` as special
    tokens at the end of the vocabulary, plus tokenizer_config.json; returns the vocab."""
    from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers, processors

    ordered = list(dict.fromkeys([*specials, *pieces, *added]))
    vocab = {piece: i for i, piece in enumerate(ordered)}
    scores = [(p, 0.0 if p in specials or p in added else -1.0 - len(p) * 0.01) for p in ordered]
    tokenizer = Tokenizer(models.Unigram(scores, unk_id=vocab["<unk>"]))
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace()
    tokenizer.decoder = decoders.Metaspace()
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"$A {eos}", special_tokens=[(eos, vocab[eos])]
    )
    tokenizer.add_special_tokens(
        [AddedToken(t, normalized=False, special=True) for t in (*specials, *added)]
    )
    folder.mkdir(parents=True, exist_ok=True)
    tokenizer.save(str(folder / "tokenizer.json"))
    _write_json(folder / "tokenizer_config.json", config)
    return vocab


def write_gemma_tokenizer(folder: Path, pad_token: str = "<pad>") -> dict[str, int]:
    """A SigLIP2 style tokenizer: Gemma's specials, lower-case colour pieces and a few words,
    single letters and punctuation (so anything else splits into pieces that mean nothing)."""
    pieces = [*(f"▁{word}" for word in COLOURS), *_WORDS, *_LETTERS]
    config = {
        "tokenizer_class": "GemmaTokenizer",
        "pad_token": pad_token,
        "eos_token": "<eos>",
        "bos_token": "<bos>",
        "unk_token": "<unk>",
        "model_max_length": SIGLIP_CONTEXT,
    }
    return _unigram(folder, GEMMA_SPECIALS, pieces, eos="<eos>", config=config)


def write_nllb_tokenizer(folder: Path) -> dict[str, int]:
    """An NLLB-200 style tokenizer: <s> <pad> </s> <unk>, the multilingual colour pieces
    (red/rouge/红 ...), and the FLORES-200 codes as special tokens after the pieces."""
    pieces = [
        *(piece for piece, _ in MULTILINGUAL_COLOURS),
        *_WORDS,
        *"雪地里的色汽车一张照片",
        *_LETTERS,
    ]
    config = {
        "tokenizer_class": "NllbTokenizer",
        "bos_token": "<s>",
        "eos_token": "</s>",
        "pad_token": "<pad>",
        "unk_token": "<unk>",
        "src_lang": "eng_Latn",
        "additional_special_tokens": list(FLORES_CODES),
    }
    return _unigram(folder, NLLB_SPECIALS, pieces, eos="</s>", added=FLORES_CODES, config=config)


def _colour_table(vocab: dict[str, int], pieces: list[tuple[str, str]]) -> npt.NDArray[np.float32]:
    table = np.zeros((len(vocab), len(COLOURS)), dtype=np.float32)
    for piece, colour in pieces:
        table[vocab[piece], colour_index(colour)] = 1.0
    return table


def _immich_graphs(
    dest: Path,
    *,
    fmt: Format,
    size: int,
    ctx: int,
    table: npt.NDArray[np.float32],
    mean: tuple[float, float, float],
    std: tuple[float, float, float],
) -> None:
    rng = np.random.default_rng(0)
    batch: int | str = "batch" if fmt == "new" else 1
    vision = _vision_model(
        "colour",
        size,
        len(COLOURS),
        rng,
        batch=batch,
        input_name="image",
        outputs=["image_embedding" if fmt == "new" else "embedding"],
        mean=mean,
        std=std,
        pixels="nhwc-uint8" if fmt == "new" else "nchw-float",
    )
    (dest / "visual").mkdir(parents=True, exist_ok=True)
    _save(vision, dest / "visual" / "model.onnx")
    text = _text_model(
        "colour",
        len(COLOURS),
        rng,
        batch=batch,
        seq=ctx,
        ids_name="text",
        ids_type=TensorProto.INT32,
        mask_name=None,
        outputs=["text_embedding" if fmt == "new" else "embedding"],
        table=table,
    )
    _save(text, dest / "textual" / "model.onnx")


def _preprocess_cfg(
    dest: Path,
    size: int,
    mean: tuple[float, float, float],
    std: tuple[float, float, float],
    mode: str,
) -> None:
    (dest / "visual").mkdir(parents=True, exist_ok=True)
    _write_json(
        dest / "visual" / "preprocess_cfg.json",
        {
            "size": [size, size],
            "mode": "RGB",
            "mean": list(mean),
            "std": list(std),
            "interpolation": "bicubic",
            "resize_mode": mode,
            "fill_color": 0,
        },
    )


def build_siglip_folder(
    dest: Path,
    *,
    fmt: Format = "new",
    image_size: int = 224,
    patch_size: int = 16,
    pad_token: str = "<pad>",
) -> Path:
    """An Immich SigLIP2 export (ViT-B-16-SigLIP2__webli; image_size 256 and patch_size 32 for
    ViT-B-32-SigLIP2-256): open_clip's config, mean/std 0.5 squash, a Gemma-style Unigram
    tokenizer at context 64 and no attention mask. Returns dest."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    timm = f"vit_base_patch{patch_size}_siglip_{image_size}"
    _write_json(
        dest / "config.json",
        {
            "embed_dim": len(COLOURS),
            "init_logit_bias": -10,
            "custom_text": True,
            "vision_cfg": {
                "image_size": image_size,
                "timm_model_name": timm,
                "timm_model_pretrained": False,
                "timm_pool": "map",
                "timm_proj": "none",
            },
            "text_cfg": {
                "context_length": SIGLIP_CONTEXT,
                "vocab_size": len(GEMMA_SPECIALS) + len(COLOURS) + len(_WORDS) + len(_LETTERS),
                "hf_tokenizer_name": "timm/ViT-B-16-SigLIP2",
                "tokenizer_kwargs": {"clean": "canonicalize"},
                "width": 8,
                "heads": 1,
                "layers": 1,
                "no_causal_mask": True,
                "proj_bias": True,
                "pool_type": "last",
                "norm_kwargs": {"eps": 1e-6},
                "act_kwargs": {"approximate": "tanh"},
            },
        },
    )
    _preprocess_cfg(dest, image_size, HALF, HALF, "squash")
    vocab = write_gemma_tokenizer(dest / "textual", pad_token)
    table = _colour_table(vocab, [(f"▁{word}", word) for word in COLOURS])
    _immich_graphs(
        dest, fmt=fmt, size=image_size, ctx=SIGLIP_CONTEXT, table=table, mean=HALF, std=HALF
    )
    return dest


def build_nllb_folder(dest: Path, *, fmt: Format = "new", image_size: int = 384) -> Path:
    """An Immich nllb-clip-base-siglip export: open_clip's nllb config (no context length, so
    the exporter's 77), SigLIP's mean/std 0.5 squash at 384, the NLLB-style tokenizer; the
    text tower puts red/rouge/红 ... on the colour axes and ignores the language tokens."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    _write_json(
        dest / "config.json",
        {
            "embed_dim": len(COLOURS),
            "custom_text": True,
            "init_logit_bias": -10,
            "vision_cfg": {
                "image_size": image_size,
                "timm_model_name": "vit_base_patch16_siglip_384",
                "timm_model_pretrained": False,
                "timm_pool": "map",
                "timm_proj": "none",
            },
            "text_cfg": {
                "hf_model_name": "facebook/nllb-200-distilled-600M",
                "hf_tokenizer_name": "facebook/nllb-200-distilled-600M",
                "hf_proj_type": "linear",
                "hf_pooler_type": "cls_pooler",
            },
        },
    )
    _preprocess_cfg(dest, image_size, HALF, HALF, "squash")
    vocab = write_nllb_tokenizer(dest / "textual")
    table = _colour_table(vocab, list(MULTILINGUAL_COLOURS))
    _immich_graphs(
        dest, fmt=fmt, size=image_size, ctx=NLLB_CONTEXT, table=table, mean=HALF, std=HALF
    )
    return dest


def build_xlmr_base_folder(dest: Path) -> Path:
    """An Immich XLM-Roberta-Base-ViT-B-32__laion5b_s13b_b90k export as the default-branch
    exporter writes it (batch 1, float32 image, int32 text, output embedding): tiny_models'
    multilingual folder with open_clip's xlm-roberta-base-ViT-B-32 config. Returns dest."""
    dest = build_multilingual_folder(Path(dest))
    _write_json(
        dest / "config.json",
        {
            "embed_dim": len(COLOURS),
            "vision_cfg": {"image_size": 224, "layers": 1, "width": 8, "patch_size": 32},
            "text_cfg": {
                "hf_model_name": "xlm-roberta-base",
                "hf_tokenizer_name": "xlm-roberta-base",
                "hf_proj_type": "mlp",
                "hf_pooler_type": "mean_pooler",
            },
        },
    )
    return dest


#: Xenova/mobileclip_s0's preprocessor_config.json at 9db4e77d9bbdeb1c1e8c1efa9702047e8d2d5ec2.
MOBILECLIP_PREPROCESSOR: dict[str, Any] = {
    "crop_size": {"height": 256, "width": 256},
    "do_center_crop": True,
    "do_convert_rgb": True,
    "do_normalize": False,
    "do_rescale": True,
    "do_resize": True,
    "feature_extractor_type": "CLIPFeatureExtractor",
    "image_processor_type": "CLIPFeatureExtractor",
    "resample": 2,
    "rescale_factor": 0.00392156862745098,
    "size": {"shortest_edge": 256},
}


def build_mobileclip_folder(dest: Path) -> Path:
    """Xenova/mobileclip_s0's layout: transformers.js (onnx/vision_model.onnx, text_model.onnx,
    dynamic batch, int64 ids), its config.json and preprocessor_config.json, the CLIP BPE
    tokenizer; the image tower reads un-normalised [0, 1] pixels at 256. Returns dest."""
    dest = build_clip_folder(Path(dest), layout="hf", kind="colour", image_size=256)
    _write_json(
        dest / "config.json",
        {
            "model_type": "clip",
            "transformers.js_config": {
                "dtype": {"vision_model": "fp32"},
                "device_config": {
                    "webnn": {"free_dimension_overrides": {"batch_size": 1}},
                    "webnn-gpu": {"free_dimension_overrides": {"batch_size": 1}},
                },
            },
        },
    )
    _write_json(dest / "preprocessor_config.json", MOBILECLIP_PREPROCESSOR)
    vision = _vision_model(
        "colour",
        256,
        len(COLOURS),
        np.random.default_rng(0),
        batch="batch_size",
        input_name="pixel_values",
        outputs=["image_embeds"],
        mean=(0.0, 0.0, 0.0),
        std=(1.0, 1.0, 1.0),
    )
    _save(vision, dest / "onnx" / "vision_model.onnx")
    return dest


#: Catalog name -> (hub repository, builder) of each family's tiny stand-in.
FAMILY_REPOS: dict[str, tuple[str, Any]] = {
    "vit-b-16-siglip2": ("immich-app/ViT-B-16-SigLIP2__webli", build_siglip_folder),
    "vit-b-32-siglip2-256": (
        "immich-app/ViT-B-32-SigLIP2-256__webli",
        lambda dest: build_siglip_folder(dest, image_size=256, patch_size=32),
    ),
    "xlm-roberta-base-vit-b-32": (
        "immich-app/XLM-Roberta-Base-ViT-B-32__laion5b_s13b_b90k",
        build_xlmr_base_folder,
    ),
    "nllb-clip-base-siglip": ("immich-app/nllb-clip-base-siglip__mrl", build_nllb_folder),
    "mobileclip-s0": ("Xenova/mobileclip_s0", build_mobileclip_folder),
}


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))
