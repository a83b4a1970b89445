"""Architecture-faithful CLIP towers with random weights, so speed is measured without weights.

`build_bench_model` writes a complete Hugging Face layout folder (configs, a word-level
tokenizer, `onnx/vision_model.onnx`, `onnx/text_model.onnx`) that the app's real loader, batch
heuristic and pipeline read like a downloaded export. The image tower has the real layers,
widths, heads, patch size and FLOPs of OpenAI's ViT-B/32 or ViT-L/14 (pre-LN transformer,
class token + positional embedding, QuickGELU MLP, final LN, projection); the text tower those
of their text transformers (causal mask, EOS pooling). Weights are float32 random numbers:
the vectors mean nothing, the cost is the real one.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import onnx
from onnx import TensorProto, helper, numpy_helper

from gallery.ml.model_folder import CLIP_MEAN, CLIP_STD

OPSET = 17  # LayerNormalization is an operator from 17 on, as in current exports
IR_VERSION = 9
VOCAB_SIZE = 49408
BOS, EOS = "<|startoftext|>", "<|endoftext|>"  # CLIP's ids 49406 / 49407; EOS pads
#: The tokenizer's words: enough for realistic queries of a handful of tokens.
_VOCABULARY = (
    "a an the of on in at with and photo picture image dog dogs cat cats car cars red blue "
    "green yellow white black orange purple snow beach sea sunset mountain mountains city "
    "street night day child children people person man woman birthday cake party tree trees "
    "flower flowers house boat bike bicycle train plane bird birds horse food table kitchen "
    "window sky clouds rain forest river lake bridge old new small big my our"
)


@dataclass(frozen=True)
class VitSpec:
    """A CLIP model's shape: the image tower's ViT and the text transformer beside it."""

    name: str
    width: int
    layers: int
    heads: int
    patch_size: int
    image_size: int
    embed_dim: int
    text_width: int
    text_layers: int
    text_heads: int
    context_length: int = 77
    vocab_size: int = VOCAB_SIZE

    @property
    def tokens(self) -> int:
        """Patches plus the class token."""
        return (self.image_size // self.patch_size) ** 2 + 1

    def image_macs(self) -> int:
        """Multiply-accumulates of one image through the image tower, from the architecture."""
        w, t = self.width, self.tokens
        patches = (t - 1) * w * 3 * self.patch_size**2
        per_layer = 4 * t * w * w + 2 * t * t * w + 2 * t * w * 4 * w  # qkvo, attention, MLP
        return patches + self.layers * per_layer + w * self.embed_dim


#: OpenAI CLIP shapes (the issue's targets): ~4.4 and ~81 GMACs per image.
ARCHS: dict[str, VitSpec] = {
    "b32": VitSpec("bench-vit-b-32", 768, 12, 12, 32, 224, 512, 512, 12, 8),
    "l14": VitSpec("bench-vit-l-14", 1024, 24, 16, 14, 224, 768, 768, 12, 12),
}


class _Graph:
    """Collects nodes and random initializers with unique names."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.nodes: list[Any] = []
        self.inits: list[Any] = []
        self._count = 0

    def name(self, hint: str) -> str:
        self._count += 1
        return f"{hint}_{self._count}"

    def const(self, value: npt.ArrayLike, dtype: type[np.generic] = np.float32) -> str:
        name = self.name("c")
        self.inits.append(numpy_helper.from_array(np.asarray(value, dtype=dtype), name))
        return name

    def weight(self, *shape: int, scale: float = 0.02) -> str:
        values = self.rng.standard_normal(shape, dtype=np.float32)
        values *= np.float32(scale)
        return self.const(values)

    def op(self, op_type: str, inputs: list[str], output: str | None = None, **attrs: Any) -> str:
        out = output or self.name(op_type.lower())
        self.nodes.append(helper.make_node(op_type, inputs, [out], **attrs))
        return out

    def linear(self, x: str, fan_in: int, fan_out: int, bias: bool = True) -> str:
        y = self.op("MatMul", [x, self.weight(fan_in, fan_out)])
        return self.op("Add", [y, self.weight(fan_out)]) if bias else y

    def layer_norm(self, x: str, width: int) -> str:
        gamma, beta = self.const(np.ones(width)), self.const(np.zeros(width))
        return self.op("LayerNormalization", [x, gamma, beta], axis=-1, epsilon=1e-5)

    def activation(self, h: str, act: str = "quick_gelu") -> str:
        """The MLP's non-linearity: CLIP's QuickGELU, exact GELU (erf), tanh-GELU or ReLU."""
        if act == "relu":
            return self.op("Relu", [h])
        if act == "gelu":
            erf = self.op("Erf", [self.op("Mul", [h, self.const(2**-0.5)])])
            return self.op(
                "Mul",
                [self.op("Mul", [h, self.const(0.5)]), self.op("Add", [erf, self.const(1.0)])],
            )
        if act == "gelu_tanh":
            cube = self.op("Mul", [self.op("Mul", [h, h]), h])
            inner = self.op("Add", [h, self.op("Mul", [cube, self.const(0.044715)])])
            tanh = self.op("Tanh", [self.op("Mul", [inner, self.const((2 / np.pi) ** 0.5)])])
            return self.op(
                "Mul",
                [self.op("Mul", [h, self.const(0.5)]), self.op("Add", [tanh, self.const(1.0)])],
            )
        return self.op("Mul", [h, self.op("Sigmoid", [self.op("Mul", [h, self.const(1.702)])])])

    def attention(self, query: str, keys: str, width: int, heads: int, mask: str | None) -> str:
        """Multi-head attention of `query` [N, q, width] over `keys` [N, k, width] (the same
        tensor for self-attention), with the output projection."""
        head = width // heads
        split = self.const([0, 0, heads, head], np.int64)
        q = self.op("Mul", [self.linear(query, width, width), self.const(head**-0.5)])
        q = self.op("Transpose", [self.op("Reshape", [q, split])], perm=[0, 2, 1, 3])
        k = self.op("Reshape", [self.linear(keys, width, width), split])
        k = self.op("Transpose", [k], perm=[0, 2, 3, 1])
        v = self.op("Reshape", [self.linear(keys, width, width), split])
        v = self.op("Transpose", [v], perm=[0, 2, 1, 3])
        scores = self.op("MatMul", [q, k])
        if mask is not None:
            scores = self.op("Add", [scores, mask])
        context = self.op("MatMul", [self.op("Softmax", [scores], axis=-1), v])
        context = self.op("Transpose", [context], perm=[0, 2, 1, 3])
        context = self.op("Reshape", [context, self.const([0, 0, width], np.int64)])
        return self.linear(context, width, width)

    def mlp(self, x: str, width: int, act: str = "quick_gelu") -> str:
        """The block's MLP: width -> 4x width -> width."""
        h = self.activation(self.linear(x, width, 4 * width), act)
        return self.linear(h, 4 * width, width)

    def block(
        self, x: str, width: int, heads: int, mask: str | None, act: str = "quick_gelu"
    ) -> str:
        """One pre-LN residual block: multi-head attention, then an MLP of 4x width (QuickGELU
        unless told)."""
        h = self.layer_norm(x, width)
        x = self.op("Add", [x, self.attention(h, h, width, heads, mask)])
        return self.op("Add", [x, self.mlp(self.layer_norm(x, width), width, act)])

    def model(self, name: str, inputs: list[Any], outputs: list[Any]) -> Any:
        graph = helper.make_graph(self.nodes, name, inputs, outputs, self.inits)
        model = helper.make_model(
            graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="lumen-bench"
        )
        model.ir_version = IR_VERSION
        return model


def vision_model(spec: VitSpec, seed: int = 0) -> Any:
    """pixel_values [batch, 3, size, size] -> image_embeds [batch, embed_dim] (+ hidden state)."""
    g = _Graph(np.random.default_rng(seed))
    w, p = spec.width, spec.patch_size
    patches = g.op(
        "Conv", ["pixel_values", g.weight(w, 3, p, p)], kernel_shape=[p, p], strides=[p, p]
    )
    patches = g.op("Reshape", [patches, g.const([0, 0, -1], np.int64)])  # [N, w, patches]
    patches = g.op("Transpose", [patches], perm=[0, 2, 1])
    batch = g.op("Slice", [g.op("Shape", ["pixel_values"]), *_ints(g, [0], [1])])
    cls_shape = g.op("Concat", [batch, g.const([1, w], np.int64)], axis=0)
    cls = g.op("Expand", [g.weight(1, 1, w), cls_shape])
    x = g.op("Add", [g.op("Concat", [cls, patches], axis=1), g.weight(spec.tokens, w)])
    x = g.layer_norm(x, w)  # CLIP's ln_pre
    for _ in range(spec.layers):
        x = g.block(x, w, spec.heads, None)
    g.op("Identity", [x], "last_hidden_state")
    pooled = g.layer_norm(g.op("Gather", [x, g.const(0, np.int64)], axis=1), w)
    g.op("MatMul", [pooled, g.weight(w, spec.embed_dim)], "image_embeds")
    info = helper.make_tensor_value_info
    size = spec.image_size
    return g.model(
        f"{spec.name}-vision",
        [info("pixel_values", TensorProto.FLOAT, ["batch_size", 3, size, size])],
        [
            info("image_embeds", TensorProto.FLOAT, ["batch_size", spec.embed_dim]),
            info("last_hidden_state", TensorProto.FLOAT, ["batch_size", spec.tokens, w]),
        ],
    )


def text_model(spec: VitSpec, seed: int = 1) -> Any:
    """input_ids [batch, sequence] -> text_embeds [batch, embed_dim]: token + position
    embeddings, causal transformer, final LN, the EOS token's state (the highest id), projection."""
    g = _Graph(np.random.default_rng(seed))
    w, ctx = spec.text_width, spec.context_length
    seq = g.op("Slice", [g.op("Shape", ["input_ids"]), *_ints(g, [1], [2])])
    zero = g.const([0], np.int64)
    positions = g.op("Slice", [g.weight(ctx, w), zero, seq, zero])
    x = g.op("Add", [g.op("Gather", [g.weight(spec.vocab_size, w), "input_ids"]), positions])
    causal = np.triu(np.full((ctx, ctx), np.finfo(np.float32).min, dtype=np.float32), 1)
    both = g.const([0, 1], np.int64)
    square = g.op("Concat", [seq, seq], axis=0)
    mask = g.op("Slice", [g.const(causal), g.const([0, 0], np.int64), square, both])
    for _ in range(spec.text_layers):
        x = g.block(x, w, spec.text_heads, mask)
    x = g.layer_norm(x, w)
    g.op("Identity", [x], "last_hidden_state")
    eos = g.op("ArgMax", [g.op("Cast", ["input_ids"], to=TensorProto.INT32)], axis=1, keepdims=1)
    pooled = g.op("GatherND", [x, g.op("Cast", [eos], to=TensorProto.INT64)], batch_dims=1)
    g.op("MatMul", [pooled, g.weight(w, spec.embed_dim)], "text_embeds")
    info = helper.make_tensor_value_info
    return g.model(
        f"{spec.name}-text",
        [info("input_ids", TensorProto.INT64, ["batch_size", "sequence_length"])],
        [
            info("text_embeds", TensorProto.FLOAT, ["batch_size", spec.embed_dim]),
            info("last_hidden_state", TensorProto.FLOAT, ["batch_size", "sequence_length", w]),
        ],
    )


def _ints(g: _Graph, starts: list[int], ends: list[int]) -> Iterator[str]:
    yield g.const(starts, np.int64)
    yield g.const(ends, np.int64)


def count_macs(model: Any) -> int:
    """Multiply-accumulates of one batch row, counted from the graph's MatMul and Conv nodes
    after shape inference: checks `VitSpec.image_macs` against what ONNX Runtime will run."""
    inferred = onnx.shape_inference.infer_shapes(model, data_prop=True)
    graph = inferred.graph
    shapes: dict[str, list[int]] = {i.name: list(i.dims) for i in graph.initializer}
    for value in (*graph.value_info, *graph.input, *graph.output):
        dims = value.type.tensor_type.shape.dim
        shapes[value.name] = [d.dim_value if d.HasField("dim_value") else 1 for d in dims]
    total = 0
    for node in graph.node:
        if node.op_type == "MatMul":
            total += int(np.prod(shapes[node.output[0]])) * shapes[node.input[0]][-1]
        elif node.op_type == "Conv":
            total += int(np.prod(shapes[node.output[0]])) * int(np.prod(shapes[node.input[1]][1:]))
    return total


# --- the model folder -----------------------------------------------------------------------

MARKER = "lumen-bench.json"


def _tokenizer(dest: Path, context_length: int) -> None:
    """A word-level tokenizer with CLIP's specials and ids (BOS 49406, EOS 49407 pads): queries
    come out a handful of tokens long, as with CLIP's BPE."""
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors

    vocab = {"<unk>": 0, **{word: i + 1 for i, word in enumerate(_VOCABULARY.split())}}
    vocab |= {BOS: VOCAB_SIZE - 2, EOS: VOCAB_SIZE - 1}
    tokenizer = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    tokenizer.normalizer = normalizers.Lowercase()
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{BOS} $A {EOS}", special_tokens=[(BOS, vocab[BOS]), (EOS, vocab[EOS])]
    )
    tokenizer.save(str(dest / "tokenizer.json"))
    specials = {"bos_token": BOS, "eos_token": EOS, "pad_token": EOS, "unk_token": "<unk>"}
    _write_json(dest / "special_tokens_map.json", specials)
    _write_json(dest / "tokenizer_config.json", specials | {"model_max_length": context_length})


def _configs(spec: VitSpec, dest: Path) -> None:
    def tower(width: int, layers: int, heads: int) -> dict[str, Any]:
        return {
            "hidden_size": width,
            "intermediate_size": 4 * width,
            "num_attention_heads": heads,
            "num_hidden_layers": layers,
            "hidden_act": "quick_gelu",
            "projection_dim": spec.embed_dim,
        }

    text = tower(spec.text_width, spec.text_layers, spec.text_heads)
    text |= {"max_position_embeddings": spec.context_length, "vocab_size": spec.vocab_size}
    vision = tower(spec.width, spec.layers, spec.heads)
    vision |= {"patch_size": spec.patch_size, "image_size": spec.image_size}
    _write_json(
        dest / "config.json",
        {
            "model_type": "clip",
            "projection_dim": spec.embed_dim,
            "text_config": text,
            "vision_config": vision,
        },
    )
    size = spec.image_size
    _write_json(
        dest / "preprocessor_config.json",
        {
            "image_processor_type": "CLIPImageProcessor",
            "do_resize": True,
            "size": {"shortest_edge": size},
            "resample": 3,
            "do_center_crop": True,
            "crop_size": {"height": size, "width": size},
            "do_normalize": True,
            "image_mean": list(CLIP_MEAN),
            "image_std": list(CLIP_STD),
        },
    )


def _write_json(path: Path, data: dict[str, Any]) -> None:
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def build_bench_model(spec: VitSpec, dest: Path) -> Path:
    """Write the model folder at `dest` (replaced atomically, so a half-built one is never
    used) and return it; the marker records the MACs counted from the image graph."""
    staging = dest.with_name(f".{dest.name}.building-{os.getpid()}")
    (staging / "onnx").mkdir(parents=True, exist_ok=True)
    _configs(spec, staging)
    _tokenizer(staging, spec.context_length)
    vision = vision_model(spec)
    counted = count_macs(vision)
    onnx.save_model(vision, str(staging / "onnx" / "vision_model.onnx"))
    del vision
    onnx.save_model(text_model(spec), str(staging / "onnx" / "text_model.onnx"))
    facts = {"arch": spec.name, "image_macs_counted": counted, "image_macs": spec.image_macs()}
    _write_json(staging / MARKER, facts)
    if dest.exists():
        shutil.rmtree(dest)
    staging.replace(dest)
    return dest


def ensure_bench_model(arch: str, cache_dir: Path) -> Path:
    """The cached folder of `arch` ("b32", "l14"), built on first use (minutes, ~0.6/2 GB)."""
    spec = ARCHS[arch]
    dest = cache_dir / spec.name
    if not (dest / MARKER).is_file():
        cache_dir.mkdir(parents=True, exist_ok=True)
        build_bench_model(spec, dest)
    return dest


def bench_facts(folder: Path) -> dict[str, Any]:
    """The marker of a bench model folder; empty for any other model."""
    try:
        data: dict[str, Any] = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data
