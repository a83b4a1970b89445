"""ONNX towers and the CLIP model that pairs them: load once, keep warm, embed in batches.

Tensor names, dtypes and whether the batch dimension is dynamic are read from the session
itself: older Immich exports are fixed at batch 1 with int32 text and float NCHW pixels, newer
ones take uint8 NHWC pixels [batch, H, W, 3] (normalised inside the graph) at a dynamic batch
and answer `image_embedding` / `text_embedding`; HF exports are dynamic int64, with or without
attention_mask.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from gallery.errors import GalleryError, ModelError
from gallery.ml.batching import choose_batch_size, is_allocation_failure
from gallery.ml.model_folder import ModelFolder, read_model_folder
from gallery.ml.preprocess import to_uint8_nhwc
from gallery.ml.providers import CUDA, TENSORRT, DeviceReport, create_session
from gallery.ml.tokenizer import DEFAULT_CONTEXT, TextTokenizer
from gallery.text import Text, say

log = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float32]
_NUMPY_TYPES = {
    "tensor(int32)": np.int32,
    "tensor(int64)": np.int64,
    "tensor(float)": np.float32,
    "tensor(float16)": np.float16,
    "tensor(uint8)": np.uint8,
}
_IMAGE_OUTPUTS = ("image_embeds", "image_embedding", "embedding", "embeddings", "image_features")
_TEXT_OUTPUTS = ("text_embeds", "text_embedding", "embedding", "embeddings", "text_features")
# Providers whose sessions run through an IOBinding, and the device their output is bound to.
_BOUND_DEVICES = {CUDA: "cuda", TENSORRT: "cuda"}
_TRIM_PROBE = "a photo of a dog on the beach"


def l2_normalise(vectors: FloatArray) -> FloatArray:
    """Unit rows; a zero row stays zero instead of becoming NaN."""
    vectors = vectors.astype(np.float32, copy=False)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    out: FloatArray = np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)
    return out


def _inconsistent(name: str, detail: Text) -> ModelError:
    """Image and text vectors from towers that do not share one space cannot be compared."""
    return ModelError(
        say("The model {name} is inconsistent: {detail}.", name=name, detail=detail),
        say("Image and text vectors must share one space; re-import a matching pair."),
    )


@dataclass(frozen=True)
class _Input:
    name: str
    dtype: Any
    shape: tuple[int | str | None, ...]


class OnnxTower:
    """One ONNX graph (image or text) with its inputs described from the session."""

    def __init__(
        self,
        path: Path,
        device: str,
        threads: int | None,
        preferred: tuple[str, ...],
        cache_dir: Path | None = None,
        session_config: Mapping[str, str] | None = None,
    ) -> None:
        started = time.perf_counter()
        try:
            self.session, self.report = create_session(
                path, device, threads=threads, cache_dir=cache_dir, config=session_config
            )
        except GalleryError:
            raise
        except Exception as exc:  # ORT's pybind errors (InvalidProtobuf, ...) share no other base
            raise ModelError(
                say("The model file {path} cannot be loaded: {error}.", path=path, error=str(exc)),
                say("Re-download or re-import the model."),
            ) from exc
        self.load_seconds = time.perf_counter() - started
        self.inputs = [
            _Input(i.name, _NUMPY_TYPES.get(i.type, np.float32), tuple(i.shape))
            for i in self.session.get_inputs()
        ]
        outputs = self.session.get_outputs()
        names = [o.name for o in outputs]
        chosen = next((n for n in preferred if n in names), None)
        if chosen is None:
            chosen = next((o.name for o in outputs if len(o.shape) == 2), names[0])
        self.output = chosen
        out_shape = next(o.shape for o in outputs if o.name == chosen)
        self.dim: int | None = out_shape[-1] if isinstance(out_shape[-1], int) else None
        first = self.inputs[0].shape[0] if self.inputs[0].shape else None
        self.fixed_batch: int | None = first if isinstance(first, int) else None
        shape = self.inputs[0].shape
        #: uint8 pixels [batch, H, W, 3] that the graph normalises itself (newer Immich exports).
        self.takes_uint8_nhwc = (
            self.inputs[0].dtype == np.uint8 and len(shape) == 4 and shape[-1] == 3
        )
        #: Where the output is bound (None: plain `run`); any ORT device works, "cpu" included.
        self.bind_device: str | None = _BOUND_DEVICES.get(self.report.provider)
        log.info(
            "Loaded %s in %.2f s: inputs %s, output %s, batch %s",
            path,
            self.load_seconds,
            [(i.name, np.dtype(i.dtype).name, i.shape) for i in self.inputs],
            chosen,
            self.fixed_batch or "dynamic",
        )

    def input_named(self, *names: str) -> _Input | None:
        return next((i for i in self.inputs if i.name in names), None)

    def run(self, feeds: dict[str, npt.NDArray[Any]]) -> FloatArray:
        """Run a batch; a fixed-batch graph is fed one row at a time."""
        rows = next(iter(feeds.values())).shape[0]
        if self.fixed_batch is not None and rows != self.fixed_batch:
            step = self.fixed_batch
            parts = [
                self.run({k: v[i : i + step] for k, v in feeds.items()})
                for i in range(0, rows, step)
            ]
            return np.concatenate(parts, axis=0)
        if self.bind_device is not None:
            result = self._run_bound(feeds, self.bind_device)
        else:
            result = self.session.run([self.output], feeds)[0]
        return np.asarray(result, dtype=np.float32).reshape(rows, -1)  # fp16 models too

    def _run_bound(self, feeds: dict[str, npt.NDArray[Any]], device: str) -> npt.NDArray[Any]:
        """On a GPU only the chosen output is made on the device and brought back: the hidden
        state an HF export also returns is neither allocated for the caller nor copied."""
        binding = self.session.io_binding()
        for name, value in feeds.items():
            binding.bind_cpu_input(name, np.ascontiguousarray(value))
        binding.bind_output(self.output, device)
        self.session.run_with_iobinding(binding)
        result: npt.NDArray[Any] = binding.copy_outputs_to_cpu()[0]
        return result


class ClipModel:
    """A CLIP-style model from a folder. A tower loads on an explicit `load_*_tower` call or
    the first embedding that needs it, never on reading an attribute, and stays loaded."""

    def __init__(
        self,
        folder: ModelFolder,
        *,
        device: str = "auto",
        threads: int | None = None,
        batch_size: int | None = None,
        cache_dir: Path | None = None,
        session_config: Mapping[str, str] | None = None,
        language: str | None = None,
    ) -> None:
        """`session_config` passes ONNX Runtime session config entries through unchanged;
        `language` is the system language a language-prefixed model (nllb-clip) falls back on
        for Latin-script queries (None: Python's locale)."""
        self.folder = folder
        self.language = language
        self.session_config = dict(session_config or {})
        self.device = device
        self.threads = threads
        self.cache_dir = cache_dir
        self._batch_override = batch_size
        self._lock = threading.Lock()
        self._towers: dict[str, OnnxTower] = {}
        self._tokenizer: TextTokenizer | None = None
        self._trims_padding: bool | None = None  # decided on the first text embedding
        self.dim = folder.embed_dim

    @classmethod
    def from_path(cls, path: Path, **kwargs: Any) -> ClipModel:
        return cls(read_model_folder(path), **kwargs)

    @property
    def name(self) -> str:
        return self.folder.name

    def _check_dim(self, tower: OnnxTower, which: str) -> None:
        if tower.dim is None:
            return
        if self.dim is not None and tower.dim != self.dim:
            detail = (
                say(
                    "its image tower gives {dim}-d vectors but the rest of the model uses "
                    "{model_dim}-d",
                    dim=tower.dim,
                    model_dim=self.dim,
                )
                if which == "image"
                else say(
                    "its text tower gives {dim}-d vectors but the rest of the model uses "
                    "{model_dim}-d",
                    dim=tower.dim,
                    model_dim=self.dim,
                )
            )
            raise _inconsistent(self.name, detail)
        self.dim = tower.dim

    def _tower(self, which: str, path: Path, outputs: tuple[str, ...]) -> OnnxTower:
        """Load a tower once (thread-safe) and keep it warm for every later call."""
        with self._lock:
            tower = self._towers.get(which)
            if tower is None:
                tower = OnnxTower(
                    path, self.device, self.threads, outputs, self.cache_dir, self.session_config
                )
                self._check_dim(tower, which)
                self._towers[which] = tower
            return tower

    def load_image_tower(self) -> OnnxTower:
        """Idempotent and thread-safe: seconds the first time, free after."""
        return self._tower("image", self.folder.visual, _IMAGE_OUTPUTS)

    def load_text_tower(self) -> OnnxTower:
        """Idempotent and thread-safe: seconds the first time, free after."""
        return self._tower("text", self.folder.textual, _TEXT_OUTPUTS)

    @property
    def loaded_report(self) -> DeviceReport | None:
        """The device of a tower already loaded (image first); None before either loads.

        Read without the lock, so it never waits on a tower that is loading (a dict read is
        atomic)."""
        tower = self._towers.get("image") or self._towers.get("text")
        return None if tower is None else tower.report

    def batch_size_for(self, report: DeviceReport) -> int:
        """The batch for `report`'s device class; the caller passes the report, so asking
        never loads a tower."""
        return choose_batch_size(
            self.folder.vision, report.device_class, self._batch_override, self.folder.batch_sizes
        )

    def image_dim(self) -> int:
        """The image vectors' length; a graph that does not declare it embeds a blank image."""
        if self.dim is None:
            size = self.folder.preprocess.size
            self.embed_image_tensors(np.zeros((1, 3, size, size), dtype=np.float32))
        assert self.dim is not None
        return self.dim

    def validate(self) -> None:
        """Load both towers and embed once: proves the folder works before it is installed."""
        probe = np.zeros(
            (1, 3, self.folder.preprocess.size, self.folder.preprocess.size), dtype=np.float32
        )
        image = self.embed_image_tensors(probe)
        text = self.embed_texts(["a photo"])
        if image.shape[1] != text.shape[1]:
            raise _inconsistent(
                self.name,
                say(
                    "image vectors are {image}-d, text vectors {text}-d",
                    image=image.shape[1],
                    text=text.shape[1],
                ),
            )

    def embed_image_tensors(
        self, batch: FloatArray, on_retry: Callable[[int], None] | None = None
    ) -> FloatArray:
        """Embed NCHW pixels (`preprocess.image_tensor`'s; a graph that takes uint8 NHWC gets
        them as such); on an allocation failure halve the batch and retry the same rows."""
        tower = self.load_image_tower()
        name = tower.inputs[0].name
        dtype = tower.inputs[0].dtype
        pixels: npt.NDArray[Any] = (
            to_uint8_nhwc(batch, self.folder.preprocess) if tower.takes_uint8_nhwc else batch
        )
        step = len(pixels)
        while True:
            try:
                parts = [
                    tower.run({name: pixels[i : i + step].astype(dtype, copy=False)})
                    for i in range(0, len(pixels), step)
                ]
                break
            except Exception as exc:
                if not is_allocation_failure(exc) or step == 1:
                    raise
                step = max(1, step // 2)
                log.warning(
                    "Out of memory embedding %d images on %s; retrying in batches of %d",
                    len(batch),
                    tower.report.summary(),
                    step,
                )
                if on_retry is not None:
                    on_retry(step)
        vectors = np.concatenate(parts, axis=0)
        self._check_dim_runtime(vectors)
        return l2_normalise(vectors)

    def _tokenizer_for(self, tower: OnnxTower) -> TextTokenizer:
        if self._tokenizer is None:
            ids_input = tower.inputs[0]
            static = ids_input.shape[1] if len(ids_input.shape) > 1 else None
            context = (
                static
                if isinstance(static, int)
                else (self.folder.context_length or DEFAULT_CONTEXT)
            )
            self._tokenizer = TextTokenizer(
                self.folder.tokenizer,
                context,
                self.folder.pad_token,
                clean=self.folder.text_clean,
                prefix=self.folder.text_prefix,
                language=self.language,
            )
        return self._tokenizer

    def tokenize(self, texts: list[str]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        return self._tokenizer_for(self.load_text_tower()).encode(texts)

    def embed_texts(self, texts: list[str]) -> FloatArray:
        """Text vectors. Padding past the longest text is cut off where the graph allows it and
        it changes nothing: a query costs its own length, not the whole context."""
        tower = self.load_text_tower()
        ids, mask = self._tokenizer_for(tower).encode(texts)
        if self._padding_is_free(tower):
            used = max(1, int(mask.sum(axis=1).max()))
            ids, mask = ids[:, :used], mask[:, :used]
        return self._embed_tokens(tower, ids, mask)

    def _padding_is_free(self, tower: OnnxTower) -> bool:
        """Whether trailing padding can be dropped: the sequence must be dynamic and, checked
        once on a probe, the vector the same without it (CLIP's causal mask, or an attention
        mask, make it so; a tower that attends to padding keeps the full context)."""
        if self._trims_padding is None:
            ids, mask = self._tokenizer_for(tower).encode([_TRIM_PROBE])
            shape = self._ids_input(tower).shape
            dynamic = len(shape) > 1 and not isinstance(shape[1], int)
            used = max(1, int(mask.sum()))
            self._trims_padding = (
                dynamic
                and used < ids.shape[1]
                and np.allclose(
                    self._embed_tokens(tower, ids, mask),
                    self._embed_tokens(tower, ids[:, :used], mask[:, :used]),
                    atol=1e-4,
                )
            )
            log.info(
                "Text queries of %s %s",
                self.name,
                "run at their own length" if self._trims_padding else "run at the full context",
            )
        return self._trims_padding

    @staticmethod
    def _ids_input(tower: OnnxTower) -> _Input:
        return tower.input_named("input_ids", "text", "input") or tower.inputs[0]

    def _embed_tokens(
        self, tower: OnnxTower, ids: npt.NDArray[np.int64], mask: npt.NDArray[np.int64]
    ) -> FloatArray:
        ids_input = self._ids_input(tower)
        feeds: dict[str, npt.NDArray[Any]] = {ids_input.name: ids.astype(ids_input.dtype)}
        mask_input = tower.input_named("attention_mask")
        if mask_input is not None:
            feeds[mask_input.name] = mask.astype(mask_input.dtype)
        types_input = tower.input_named("token_type_ids")  # BERT text towers (Chinese-CLIP)
        if types_input is not None:
            feeds[types_input.name] = np.zeros(ids.shape, dtype=types_input.dtype)
        vectors = tower.run(feeds)
        self._check_dim_runtime(vectors)
        return l2_normalise(vectors)

    def _check_dim_runtime(self, vectors: FloatArray) -> None:
        if self.dim is None:
            self.dim = int(vectors.shape[1])
        elif vectors.shape[1] != self.dim:
            raise _inconsistent(
                self.name,
                say(
                    "it gave {dim}-d vectors where {expected}-d were expected",
                    dim=vectors.shape[1],
                    expected=self.dim,
                ),
            )
