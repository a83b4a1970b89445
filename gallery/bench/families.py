"""`gallery bench --models`: the CPU cost of each model family, measured on random-weight twins.

A twin has the real architecture's layers, widths, heads, patch size, image size, context
length and vocabulary (so its token table is as large as the real one: 256k x 768 floats for
SigLIP2), built with the graph builders of `gallery.bench.vit`; the weights are random, so
the vectors mean nothing and the cost is the real one. The architecture numbers are those of
open_clip's model configs and Immich's exported graphs (docs/models.md names them). Each twin
is two ONNX files (image and text tower) cached in the bench folder; a run times one photo
(batch 1, as Immich's published "ms per pass") and one query at the export's full context,
on ONNX Runtime's CPU provider with the app's session options.

Approximations (the cost, not the exact graph): post-LN encoders (XLM-R) are built pre-LN,
positional tables are learned even where they are sinusoidal (NLLB), token-type embeddings
are left out; MobileCLIP-S0's MCi0 image tower (a FastViT-style conv/attention hybrid) and its
text tower are stood in for by plain transformers of the same parameter counts.
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper

from gallery.bench import vit
from gallery.bench.machine import describe, rss_mb
from gallery.bench.vit import _Graph, _ints
from gallery.ml import providers

MARKER = "lumen-twin.json"
_LARGE = 1 << 30  # towers past this many bytes keep their weights in an external data file


@dataclass(frozen=True)
class VisionSpec:
    width: int
    layers: int
    heads: int
    patch_size: int
    image_size: int
    embed_dim: int
    act: str = "gelu"
    pool: str = "map"  # "map" (SigLIP's attention-pool head) or "avg"

    @property
    def tokens(self) -> int:
        return (self.image_size // self.patch_size) ** 2


@dataclass(frozen=True)
class TextSpec:
    vocab_size: int
    width: int
    layers: int
    heads: int
    context_length: int
    embed_dim: int
    act: str = "gelu"
    causal: bool = False
    pool: str = "last"  # "last" (SigLIP), "first" (NLLB's CLS), "mean" (XLM-R, by the mask)
    mask_input: bool = False  # an attention_mask input beside the ids (M-CLIP / XLM-R)
    proj: str = "linear"  # "linear", or "mlp": width -> 640 GELU -> embed_dim (open_clip's hf)


@dataclass(frozen=True)
class Twin:
    """One family's twin; `vision`/`text` are None where `vit.py`'s CLIP towers are used."""

    name: str
    title: str
    catalog: tuple[str, ...]  # the catalog entries it stands for
    vision: VisionSpec | None
    text: TextSpec | None
    clip_arch: str | None = None  # vit.ARCHS key for the towers built by vit.py
    note: str = ""


_SIGLIP2_TEXT = TextSpec(256_000, 768, 12, 12, 64, 768, act="gelu_tanh", proj="linear")

TWINS: tuple[Twin, ...] = (
    Twin(
        "clip-vit-b-32",
        "CLIP ViT-B/32 (OpenAI)",
        ("clip-vit-b-32", "immich-vit-b-32-openai"),
        None,
        None,
        clip_arch="b32",
        note="vit.py's ViT-B/32 towers (the previous default)",
    ),
    Twin(
        "siglip2-b16",
        "SigLIP2 ViT-B/16",
        ("vit-b-16-siglip2",),
        VisionSpec(768, 12, 12, 16, 224, 768, act="gelu"),
        _SIGLIP2_TEXT,
    ),
    Twin(
        "siglip2-b32-256",
        "SigLIP2 ViT-B/32 at 256",
        ("vit-b-32-siglip2-256",),
        VisionSpec(768, 12, 12, 32, 256, 768, act="gelu_tanh"),
        _SIGLIP2_TEXT,
    ),
    Twin(
        "xlm-roberta-base-vit-b-32",
        "XLM-RoBERTa base + ViT-B/32",
        ("xlm-roberta-base-vit-b-32",),
        VisionSpec(768, 12, 12, 32, 224, 512, act="gelu", pool="cls"),
        TextSpec(250_002, 768, 12, 12, 77, 512, pool="mean", mask_input=True, proj="mlp"),
        note="XLM-R built pre-LN, no token-type table",
    ),
    Twin(
        "nllb-clip-base-siglip",
        "NLLB-CLIP base (SigLIP)",
        ("nllb-clip-base-siglip",),
        VisionSpec(768, 12, 12, 16, 384, 768, act="gelu"),
        TextSpec(256_206, 1024, 12, 16, 77, 768, act="relu", pool="first", proj="linear"),
        note="NLLB-200-distilled-600M encoder; learned positions for its sinusoidal ones",
    ),
    Twin(
        "mobileclip-s0",
        "MobileCLIP-S0 (approximation)",
        ("mobileclip-s0",),
        VisionSpec(512, 4, 8, 32, 256, 512, act="gelu", pool="avg"),
        TextSpec(49_408, 512, 5, 8, 77, 512, pool="last", proj="linear"),
        note="plain transformers of MCi0's 11.4M and the text tower's ~42M parameters "
        "(45.5 MB and 169.8 MB fp32); the real image tower is a conv/attention hybrid",
    ),
)


# --- graphs ---------------------------------------------------------------------------------


def _batch(g: _Graph, source: str) -> str:
    return g.op("Slice", [g.op("Shape", [source]), *_ints(g, [0], [1])])


def _map_head(g: _Graph, x: str, source: str, width: int, heads: int, act: str) -> str:
    """SigLIP's attention-pool head: a learned probe attends over the tokens, then an MLP."""
    shape = g.op("Concat", [_batch(g, source), g.const([1, width], np.int64)], axis=0)
    probe = g.op("Expand", [g.weight(1, 1, width), shape])
    pooled = g.attention(probe, x, width, heads, None)
    pooled = g.op("Add", [pooled, g.mlp(g.layer_norm(pooled, width), width, act)])
    return g.op("Reshape", [pooled, g.const([0, width], np.int64)])


def vision_graph(spec: VisionSpec, seed: int = 0) -> Any:
    """image [batch, 3, S, S] float32 -> image_embedding [batch, embed_dim]."""
    g = _Graph(np.random.default_rng(seed))
    w, p = spec.width, spec.patch_size
    x = g.op(
        "Conv", ["image", g.weight(w, 3, p, p), g.weight(w)], kernel_shape=[p, p], strides=[p, p]
    )
    x = g.op("Transpose", [g.op("Reshape", [x, g.const([0, 0, -1], np.int64)])], perm=[0, 2, 1])
    tokens = spec.tokens
    if spec.pool == "cls":
        shape = g.op("Concat", [_batch(g, "image"), g.const([1, w], np.int64)], axis=0)
        x = g.op("Concat", [g.op("Expand", [g.weight(1, 1, w), shape]), x], axis=1)
        tokens += 1
    x = g.op("Add", [x, g.weight(tokens, w)])
    for _ in range(spec.layers):
        x = g.block(x, w, spec.heads, None, spec.act)
    x = g.layer_norm(x, w)
    if spec.pool == "map":
        pooled = _map_head(g, x, "image", w, spec.heads, spec.act)
    elif spec.pool == "cls":
        pooled = g.op("Gather", [x, g.const(0, np.int64)], axis=1)
    else:
        pooled = g.op("ReduceMean", [x], axes=[1], keepdims=0)
    if spec.embed_dim != w:
        pooled = g.op("MatMul", [pooled, g.weight(w, spec.embed_dim)])
    g.op("Identity", [pooled], "image_embedding")
    info = helper.make_tensor_value_info
    size = spec.image_size
    return g.model(
        "twin-vision",
        [info("image", TensorProto.FLOAT, ["batch", 3, size, size])],
        [info("image_embedding", TensorProto.FLOAT, ["batch", spec.embed_dim])],
    )


def text_graph(spec: TextSpec, seed: int = 1) -> Any:
    """text [batch, ctx] int32 (+ attention_mask) -> text_embedding [batch, embed_dim]."""
    g = _Graph(np.random.default_rng(seed))
    w, ctx = spec.width, spec.context_length
    seq = g.op("Slice", [g.op("Shape", ["text"]), *_ints(g, [1], [2])])
    zero = g.const([0], np.int64)
    positions = g.op("Slice", [g.weight(ctx, w), zero, seq, zero])
    x = g.op("Add", [g.op("Gather", [g.weight(spec.vocab_size, w), "text"]), positions])
    mask: str | None = None
    keep: str | None = None
    if spec.mask_input:
        keep = g.op("Cast", ["attention_mask"], to=TensorProto.FLOAT)  # [N, S]
        drop = g.op("Mul", [g.op("Sub", [g.const(1.0), keep]), g.const(-1e9)])
        mask = g.op("Unsqueeze", [drop, g.const([1, 2], np.int64)])  # [N, 1, 1, S]
    elif spec.causal:
        causal = np.triu(np.full((ctx, ctx), np.finfo(np.float32).min, dtype=np.float32), 1)
        square = g.op("Concat", [seq, seq], axis=0)
        mask = g.op(
            "Slice", [g.const(causal), g.const([0, 0], np.int64), square, g.const([0, 1], np.int64)]
        )
    for _ in range(spec.layers):
        x = g.block(x, w, spec.heads, mask, spec.act)
    x = g.layer_norm(x, w)
    if spec.pool == "mean" and keep is not None:
        weights = g.op("Unsqueeze", [keep, g.const([2], np.int64)])
        total = g.op("ReduceSum", [g.op("Mul", [x, weights]), g.const([1], np.int64)], keepdims=0)
        count = g.op("ReduceSum", [weights, g.const([1], np.int64)], keepdims=0)
        pooled = g.op("Div", [total, count])
    else:
        index = -1 if spec.pool == "last" else 0
        pooled = g.op("Gather", [x, g.const(index, np.int64)], axis=1)
    if spec.proj == "mlp":
        hidden = g.activation(g.linear(pooled, w, 640), "gelu")
        pooled = g.linear(hidden, 640, spec.embed_dim, bias=False)
    else:
        pooled = g.linear(pooled, w, spec.embed_dim)
    g.op("Identity", [pooled], "text_embedding")
    info = helper.make_tensor_value_info
    inputs = [info("text", TensorProto.INT32, ["batch", "sequence"])]
    if spec.mask_input:
        inputs.append(info("attention_mask", TensorProto.INT32, ["batch", "sequence"]))
    return g.model(
        "twin-text", inputs, [info("text_embedding", TensorProto.FLOAT, ["batch", spec.embed_dim])]
    )


def _save(model: Any, path: Path) -> None:
    size = sum(t.ByteSize() for t in model.graph.initializer)
    if size > _LARGE:
        onnx.save_model(
            model,
            str(path),
            save_as_external_data=True,
            all_tensors_to_one_file=True,
            location=f"{path.name}.data",
        )
    else:
        onnx.save_model(model, str(path))


def _specs(twin: Twin) -> dict[str, Any]:
    return {
        "vision": None if twin.vision is None else asdict(twin.vision),
        "text": None if twin.text is None else asdict(twin.text),
        "clip_arch": twin.clip_arch,
    }


def build_twin(twin: Twin, dest: Path) -> Path:
    """Write the twin's two towers at `dest` (replaced atomically) and return it."""
    staging = dest.with_name(f".{dest.name}.building-{os.getpid()}")
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    if twin.clip_arch is not None:
        spec = vit.ARCHS[twin.clip_arch]
        _save(vit.vision_model(spec), staging / "vision.onnx")
        _save(vit.text_model(spec), staging / "text.onnx")
    else:
        assert twin.vision is not None and twin.text is not None
        _save(vision_graph(twin.vision), staging / "vision.onnx")
        gc.collect()
        _save(text_graph(twin.text), staging / "text.onnx")
    (staging / MARKER).write_text(json.dumps(_specs(twin), indent=2) + "\n", encoding="utf-8")
    if dest.exists():
        shutil.rmtree(dest)
    staging.replace(dest)
    return dest


def ensure_twin(twin: Twin, cache_dir: Path) -> Path:
    """The cached twin folder, (re)built when missing or built from other numbers."""
    dest = cache_dir / twin.name
    try:
        built = json.loads((dest / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        built = None
    if built != json.loads(json.dumps(_specs(twin))):
        cache_dir.mkdir(parents=True, exist_ok=True)
        build_twin(twin, dest)
    return dest


# --- timing ---------------------------------------------------------------------------------


def _session(path: Path, threads: int | None) -> ort.InferenceSession:
    return ort.InferenceSession(
        os.fspath(path),
        sess_options=providers.session_options(threads),
        providers=[providers.CPU],
    )


def _time_ms(run: Callable[[], object], warm: int, runs: int) -> float:
    for _ in range(warm):
        run()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _feeds(session: ort.InferenceSession, rng: np.random.Generator) -> dict[str, Any]:
    """Inputs of one photo or one query at the graph's own size (context from the twin)."""
    feeds: dict[str, Any] = {}
    for item in session.get_inputs():
        if item.name in ("image", "pixel_values"):  # a twin's, vit.py's CLIP tower's
            size = int(item.shape[2])
            feeds[item.name] = rng.standard_normal((1, 3, size, size), dtype=np.float32)
    return feeds


def _dir_mb(folder: Path, stem: str) -> float:
    return sum(p.stat().st_size for p in folder.glob(f"{stem}.onnx*")) / 1e6


def bench_twin(
    twin: Twin, folder: Path, *, threads: int | None = None, warm: int = 1, runs: int = 3
) -> dict[str, Any]:
    """Per-image and per-query milliseconds (medians), tower sizes and the memory it took."""
    rng = np.random.default_rng(0)
    gc.collect()
    before = rss_mb()
    vision = _session(folder / "vision.onnx", threads)
    image = _feeds(vision, rng)
    image_ms = _time_ms(partial(vision.run, None, image), warm, runs)
    text = _session(folder / "text.onnx", threads)
    context = (
        twin.text.context_length if twin.text else vit.ARCHS[twin.clip_arch or "b32"].context_length
    )
    vocab = twin.text.vocab_size if twin.text else vit.VOCAB_SIZE
    ids = rng.integers(1, vocab - 1, (1, context))
    names = [i.name for i in text.get_inputs()]
    if "input_ids" in names:  # vit.py's CLIP text tower: int64 ids, EOS (the highest) last
        ids[0, -1] = vocab - 1
        query: dict[str, Any] = {"input_ids": ids.astype(np.int64)}
    else:
        query = {"text": ids.astype(np.int32)}
        if "attention_mask" in names:
            query["attention_mask"] = np.ones((1, context), dtype=np.int32)
    query_ms = _time_ms(partial(text.run, None, query), warm, runs)
    after = rss_mb()
    del vision, text
    gc.collect()
    return {
        "name": twin.name,
        "title": twin.title,
        "catalog": list(twin.catalog),
        "image_ms": round(image_ms, 1),
        "query_ms": round(query_ms, 1),
        "context_length": context,
        "vision_mb": round(_dir_mb(folder, "vision"), 1),
        "text_mb": round(_dir_mb(folder, "text"), 1),
        "rss_mb": None if before is None or after is None else round(after - before),
        "note": twin.note,
    }


def bench_families(
    cache_dir: Path,
    announce: Callable[[str], None],
    *,
    twins: Sequence[Twin] = TWINS,
    threads: int | None = None,
    warm: int = 1,
    runs: int = 3,
) -> dict[str, Any]:
    """Build (once) and time every twin, one at a time so their memory does not add up."""
    rows = []
    for twin in twins:
        announce(f"building or reading the {twin.title} twin")
        folder = ensure_twin(twin, cache_dir)
        announce(f"timing {twin.title}")
        rows.append(bench_twin(twin, folder, threads=threads, warm=warm, runs=runs))
    return {"machine": describe(), "threads": threads, "runs": runs, "families": rows}


def family_lines(result: dict[str, Any]) -> list[str]:
    machine = result["machine"]
    lines = [
        f"random-weight twins on {machine['cpu']} ({machine['cores']} cores), CPU provider, "
        f"median of {result['runs']} runs, batch 1",
        f"{'family':<28} {'ms/photo':>9} {'ms/query':>9} {'image MB':>9} {'text MB':>8} "
        f"{'RSS MB':>7}",
    ]
    for row in result["families"]:
        rss = "-" if row["rss_mb"] is None else f"{row['rss_mb']:.0f}"
        lines.append(
            f"{row['title']:<28} {row['image_ms']:>9.1f} {row['query_ms']:>9.1f} "
            f"{row['vision_mb']:>9.1f} {row['text_mb']:>8.1f} {rss:>7}"
        )
    notes = [f"  {row['title']}: {row['note']}" for row in result["families"] if row["note"]]
    return lines + (["notes:", *notes] if notes else [])
