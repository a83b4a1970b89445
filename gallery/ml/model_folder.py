"""Read a CLIP-style model folder in either published layout, without loading any weights.

Immich layout: config.json, visual/model.onnx (+ preprocess_cfg.json), textual/model.onnx,
textual/tokenizer.json (+ tokenizer_config.json). Hugging Face / transformers.js layout:
onnx/vision_model.onnx, onnx/text_model.onnx, tokenizer.json, preprocessor_config.json,
config.json.

Families are told apart by their own configs: an Immich config.json is open_clip's model config
(SigLIP: a timm `*siglip*` vision tower, `tokenizer_kwargs.clean`; nllb-clip: an NLLB
`hf_tokenizer_name`; XLM-R: an `xlm-roberta` one), and an HF preprocessor_config.json says its
resampling and whether it normalises (MobileCLIP: bilinear, no mean/std). What a folder cannot
say comes from the catalog through lumen.json (family, text cleaning, language prefix).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from gallery.errors import Action, ModelError, Remedy
from gallery.ml.model_files import marker_problem, read_facts
from gallery.text import say

Layout = Literal["immich", "hf"]
ResizeMode = Literal["shortest", "squash"]
Interpolation = Literal["bicubic", "bilinear"]
#: Text cleaning before tokenising, as Immich and open_clip do: "whitespace" collapses runs of
#: whitespace; "canonicalize" also lower-cases and removes punctuation.
TextClean = Literal["whitespace", "canonicalize"]

CLIP_MEAN = (0.48145466, 0.4578275, 0.40821073)
CLIP_STD = (0.26862954, 0.26130258, 0.27577711)
_IMPORT = (Remedy(Action.IMPORT_MODEL),)  # a model folder's files are unusable: install it anew


@dataclass(frozen=True)
class PreprocessSpec:
    size: int
    resize_mode: ResizeMode = "shortest"
    mean: tuple[float, float, float] = CLIP_MEAN
    std: tuple[float, float, float] = CLIP_STD
    interpolation: Interpolation = "bicubic"


@dataclass(frozen=True)
class VisionShape:
    """Enough of the vision tower's architecture to size batches by its real cost."""

    width: int
    layers: int
    patch_size: int
    image_size: int

    @property
    def gflops(self) -> float:
        """Approximate forward cost of one image (ViT: 24·width²·layers per token)."""
        tokens = (self.image_size // self.patch_size) ** 2 + 1
        return 24 * self.width**2 * self.layers * tokens / 1e9


@dataclass(frozen=True)
class ModelFolder:
    path: Path
    layout: Layout
    visual: Path
    textual: Path
    tokenizer: Path
    preprocess: PreprocessSpec
    embed_dim: int | None
    context_length: int | None
    pad_token: str | None
    vision: VisionShape | None
    #: Batch size per device class ("gpu", "cpu") from the catalog; None: sized by the heuristic.
    batch_sizes: dict[str, int] | None = field(default=None, compare=False)
    #: "clip", "siglip", "nllb-siglip", "mclip", "mobileclip", "chinese-clip"; None: unknown.
    family: str | None = None
    text_clean: TextClean | None = None
    #: "flores-200": the query is prefixed with its FLORES-200 language code (nllb-clip).
    text_prefix: str | None = None

    @property
    def name(self) -> str:
        return self.path.name


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise ModelError(
            say("The model file {path} cannot be read: {error}.", path=path, error=str(exc)),
            say("Re-download or re-import the model."),
            _IMPORT,
        ) from exc
    if not isinstance(data, dict):
        raise ModelError(
            say("The model file {path} is not a JSON object.", path=path),
            say("Re-import the model."),
            _IMPORT,
        )
    return data


def _require(files: list[Path], folder: Path, layout: str) -> None:
    missing = [str(f.relative_to(folder)) for f in files if not f.is_file()]
    if missing:
        raise ModelError(
            say(
                "The model folder {folder} ({layout} layout) is incomplete: missing {files}.",
                folder=folder,
                layout=layout,
                files=", ".join(missing),
            ),
            say("Download the model again or import a complete folder."),
            _IMPORT,
        )


def _token_text(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("content"), str):
        return str(value["content"])
    return None


def _pad_token(tokenizer_dir: Path) -> str | None:
    for name in ("tokenizer_config.json", "special_tokens_map.json"):
        token = _token_text(_read_json(tokenizer_dir / name).get("pad_token"))
        if token:
            return token
    return None


def _int(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, list) and value and isinstance(value[0], int):
        return int(value[0])
    return None


def _triple(value: Any, default: tuple[float, float, float]) -> tuple[float, float, float]:
    """Per-channel mean or std; a malformed entry falls back to CLIP's."""
    if (
        isinstance(value, list)
        and len(value) == 3
        and all(isinstance(v, int | float) for v in value)
    ):
        return (float(value[0]), float(value[1]), float(value[2]))
    return default


def _vision_shape(width: Any, layers: Any, patch: Any, size: Any) -> VisionShape | None:
    values = [_int(v) for v in (width, layers, patch, size)]
    if any(v is None or v <= 0 for v in values):
        return None
    w, n, p, s = (int(v) for v in values if v is not None)
    return VisionShape(width=w, layers=n, patch_size=p, image_size=s)


def _immich(folder: Path) -> ModelFolder:
    visual, textual = folder / "visual" / "model.onnx", folder / "textual" / "model.onnx"
    tokenizer = folder / "textual" / "tokenizer.json"
    _require([folder / "config.json", visual, textual, tokenizer], folder, "Immich")
    config = _read_json(folder / "config.json")
    vision_cfg = config.get("vision_cfg") or {}
    text_cfg = config.get("text_cfg") or {}
    pre = _read_json(folder / "visual" / "preprocess_cfg.json")
    size = _int(pre.get("size")) or _int(vision_cfg.get("image_size")) or 224
    mode: ResizeMode = "squash" if pre.get("resize_mode") == "squash" else "shortest"
    spec = PreprocessSpec(
        size=size,
        resize_mode=mode,
        mean=_triple(pre.get("mean"), CLIP_MEAN),
        std=_triple(pre.get("std"), CLIP_STD),
        interpolation="bilinear" if pre.get("interpolation") == "bilinear" else "bicubic",
    )
    family = _open_clip_family(vision_cfg, text_cfg)
    kwargs = text_cfg.get("tokenizer_kwargs")
    clean = kwargs.get("clean") if isinstance(kwargs, dict) else None
    return ModelFolder(
        path=folder,
        layout="immich",
        visual=visual,
        textual=textual,
        tokenizer=tokenizer,
        preprocess=spec,
        embed_dim=_int(config.get("embed_dim")),
        context_length=_int(text_cfg.get("context_length")),
        pad_token=_pad_token(folder / "textual"),
        vision=_vision_shape(
            vision_cfg.get("width"),
            vision_cfg.get("layers"),
            vision_cfg.get("patch_size"),
            vision_cfg.get("image_size"),
        ),
        family=family,
        # Immich collapses whitespace for every model; canonicalize when the config asks.
        text_clean="canonicalize" if clean == "canonicalize" else "whitespace",
        text_prefix="flores-200" if family == "nllb-siglip" else None,
    )


def _open_clip_family(vision_cfg: dict[str, Any], text_cfg: dict[str, Any]) -> str | None:
    """The family an open_clip model config describes (None: it does not say)."""
    tokenizer = str(text_cfg.get("hf_tokenizer_name") or text_cfg.get("hf_model_name") or "")
    timm = str(vision_cfg.get("timm_model_name") or "")
    if "nllb" in tokenizer.lower():
        return "nllb-siglip"
    if "siglip" in timm or "siglip" in tokenizer.lower():
        return "siglip"
    if "xlm-roberta" in tokenizer.lower():
        return "mclip"
    return None


def _hf_size(pre: dict[str, Any]) -> tuple[int, ResizeMode]:
    size = pre.get("size")
    crop = pre.get("crop_size")
    if isinstance(size, dict) and "shortest_edge" in size:
        crop_size = _int(crop.get("height") if isinstance(crop, dict) else crop)
        return crop_size or int(size["shortest_edge"]), "shortest"
    if isinstance(size, dict) and "height" in size:
        return int(size["height"]), "squash"
    if isinstance(size, int):
        return size, "shortest" if pre.get("do_center_crop", True) else "squash"
    return 224, "shortest"


def _hf(folder: Path) -> ModelFolder:
    visual, textual = folder / "onnx" / "vision_model.onnx", folder / "onnx" / "text_model.onnx"
    tokenizer = folder / "tokenizer.json"
    _require([visual, textual, tokenizer, folder / "preprocessor_config.json"], folder, "HF")
    config = _read_json(folder / "config.json")
    text_config = config.get("text_config") or {}
    vision_config = config.get("vision_config") or {}
    pre = _read_json(folder / "preprocessor_config.json")
    size, mode = _hf_size(pre)
    normalise = pre.get("do_normalize", True) is not False
    spec = PreprocessSpec(
        size=size,
        resize_mode=mode,
        # do_normalize false (MobileCLIP): pixels stay in [0, 1], whatever mean/std it lists
        mean=_triple(pre.get("image_mean"), CLIP_MEAN) if normalise else (0.0, 0.0, 0.0),
        std=_triple(pre.get("image_std"), CLIP_STD) if normalise else (1.0, 1.0, 1.0),
        # PIL's resample numbers, as transformers writes them: 2 bilinear, 3 bicubic
        interpolation="bilinear" if pre.get("resample") == 2 else "bicubic",
    )
    return ModelFolder(
        path=folder,
        layout="hf",
        visual=visual,
        textual=textual,
        tokenizer=tokenizer,
        preprocess=spec,
        embed_dim=_int(config.get("projection_dim")),
        context_length=_int(text_config.get("max_position_embeddings")),
        pad_token=_pad_token(folder),
        vision=_vision_shape(
            vision_config.get("hidden_size"),
            vision_config.get("num_hidden_layers"),
            vision_config.get("patch_size"),
            vision_config.get("image_size"),
        ),
    )


def detect_layout(folder: Path) -> Layout | None:
    if (folder / "visual").is_dir() or (folder / "textual").is_dir():
        return "immich"
    if (folder / "onnx").is_dir():
        return "hf"
    return None


def _with_facts(model: ModelFolder) -> ModelFolder:
    """Apply what the catalog knows and the published configs do not say (lumen.json), e.g.
    Chinese-CLIP's context of 52 where its BERT config says 512."""
    facts = read_facts(model.path)
    if not facts:
        return model
    preprocess = model.preprocess
    if facts.get("resize_mode") in ("shortest", "squash"):
        preprocess = replace(preprocess, resize_mode=facts["resize_mode"])
    batch = facts.get("batch_sizes")
    batch_sizes = (
        {str(k): int(v) for k, v in batch.items() if (_int(v) or 0) > 0}
        if isinstance(batch, dict)
        else None
    )
    clean = facts.get("text_clean")
    prefix = facts.get("text_prefix")
    family = facts.get("family")
    return replace(
        model,
        preprocess=preprocess,
        context_length=_int(facts.get("context_length")) or model.context_length,
        batch_sizes=batch_sizes or None,
        # the folder's own config says first; the catalog fills what it cannot say
        family=model.family or (family if isinstance(family, str) else None),
        text_clean=model.text_clean or (clean if clean in ("whitespace", "canonicalize") else None),
        text_prefix=model.text_prefix or (prefix if prefix == "flores-200" else None),
    )


def read_model_folder(folder: Path) -> ModelFolder:
    """Describe a model folder; raise ModelError saying what is missing or wrong."""
    folder = folder.expanduser().resolve()
    if not folder.is_dir():
        raise ModelError(say("No model folder at {folder}.", folder=folder), say("Check the path."))
    problem = marker_problem(folder, required=False)
    if problem is not None:
        raise ModelError(
            say(
                "The model folder {folder} is incomplete or damaged: {problem}.",
                folder=folder,
                problem=problem,
            ),
            say("Download it again, or re-import it."),
            (Remedy(Action.DOWNLOAD_MODEL, folder.name), Remedy(Action.IMPORT_MODEL)),
        )
    layout = detect_layout(folder)
    if layout == "immich":
        return _with_facts(_immich(folder))
    if layout == "hf":
        return _with_facts(_hf(folder))
    raise ModelError(
        say("{folder} is not a CLIP model folder in a supported layout.", folder=folder),
        say(
            "Expected visual/ and textual/ (Immich export) or onnx/vision_model.onnx and "
            "onnx/text_model.onnx (Hugging Face / transformers.js export)."
        ),
    )
