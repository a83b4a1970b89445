"""The model catalog: which models can be downloaded, from where, and their known facts.

The catalog is a data file so that adding a model or a pin is a data change, not a code change.
It ships inside the package (`gallery/ml/catalog.json`) and is read through importlib.resources,
so a wheel, a zip import and a PyInstaller bundle find it as a checkout does. A file's size and
SHA-256 are optional ("where published"); without a pin the download checks the hub's own LFS
SHA-256 instead.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Literal

from gallery.errors import Action, ModelError, ModelNotFoundError, Remedy
from gallery.text import Text, say

CATALOG_FILE = "catalog.json"
#: A catalog file read instead of the packaged one (a mirror with pins of its own; the tests'
#: loopback hub, whose tiny stand-in files cannot match the published SHA-256).
CATALOG_ENV = "LUMEN_CATALOG"

#: "hf": separate onnx/vision_model*.onnx and onnx/text_model*.onnx; "hf-combined": one
#: onnx/model*.onnx holding both towers, split at install time; "immich": visual/ + textual/.
RepoLayout = Literal["hf", "hf-combined", "immich"]
_LAYOUTS: tuple[RepoLayout, ...] = ("hf", "hf-combined", "immich")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_COMMIT = re.compile(r"^[0-9a-f]{40}$")
#: Model families: how a folder's text and pixels are prepared beyond what its files say.
FAMILIES = ("clip", "chinese-clip", "mclip", "siglip", "nllb-siglip", "mobileclip")
#: Text cleaning before tokenising (Immich / open_clip): "whitespace" collapses runs of
#: whitespace; "canonicalize" also lower-cases and removes punctuation.
TEXT_CLEANING = ("whitespace", "canonicalize")
#: A language prefix glued before the query: "flores-200" (nllb-clip).
TEXT_PREFIXES = ("flores-200",)


@dataclass(frozen=True)
class ModelFile:
    """One file to fetch: its path in the repo and in the installed folder (they may differ:
    `onnx/vision_model_fp16.onnx` installs as `onnx/vision_model.onnx`)."""

    remote: str
    local: str
    size: int | None = None
    sha256: str | None = None
    optional: bool = False


@dataclass(frozen=True)
class CatalogModel:
    name: str
    title: str
    repo: str
    revision: str
    upstream: str | None
    layout: RepoLayout
    languages: tuple[str, ...]
    license: str | None
    embed_dim: int
    image_size: int
    resize_mode: str
    tokenizer_kind: str
    context_length: int
    batch_sizes: dict[str, int]
    default_precision: str
    common_files: tuple[ModelFile, ...]
    precisions: dict[str, tuple[ModelFile, ...]]
    approx_bytes: dict[str, int | None]
    notes: str
    family: str = "clip"
    #: Published retrieval per language ("en", "zh"): Crossmodal-3600 mean of R@1/5/10 in %.
    recall: dict[str, float | None] = field(default_factory=dict)
    recall_source: str = ""
    #: The default precision's files: the exact sum where sizes are known, else an estimate.
    download_bytes: int = 0
    memory_mb: int | None = None
    published_ms: float | None = None
    #: Why `revision` is not a 40-hex commit id (None when it is one).
    revision_note: str | None = None
    text_clean: str | None = None
    text_prefix: str | None = None
    interpolation: str = "bicubic"

    @property
    def pinned(self) -> bool:
        """Whether the revision is a full commit id, not a branch."""
        return bool(_COMMIT.match(self.revision))

    def files(self, precision: str | None = None) -> tuple[ModelFile, ...]:
        """Everything to fetch for one precision (the model's default when None)."""
        chosen = precision or self.default_precision
        if chosen not in self.precisions:
            raise ModelError(
                say(
                    "The model {name} has no {precision!r} precision.",
                    name=self.name,
                    precision=chosen,
                ),
                say("Choose one of: {precisions}.", precisions=", ".join(self.precisions)),
                (Remedy(Action.CHOOSE_PRECISION),),
            )
        return self.common_files + self.precisions[chosen]

    def install_facts(self, precision: str) -> dict[str, Any]:
        """What the installed folder keeps about itself (its `lumen.json`): the loader applies
        the context length, resize mode and batch sizes from it."""
        return {
            "catalog": self.name,
            "title": self.title,
            "precision": precision,
            "languages": list(self.languages),
            "license": self.license,
            "tokenizer": self.tokenizer_kind,
            "context_length": self.context_length,
            "resize_mode": self.resize_mode,
            "interpolation": self.interpolation,
            "batch_sizes": dict(self.batch_sizes),
            "family": self.family,
            "text_clean": self.text_clean,
            "text_prefix": self.text_prefix,
        }


@dataclass(frozen=True)
class Catalog:
    default: str
    models: tuple[CatalogModel, ...]

    def get(self, name: str) -> CatalogModel:
        for model in self.models:
            if model.name == name:
                return model
        raise ModelNotFoundError(
            say("The catalog has no model named {name!r}.", name=name),
            say(
                "Known models: {names}. Any Hugging Face "
                "repository in a supported layout can be downloaded too.",
                names=", ".join(m.name for m in self.models),
            ),
            (Remedy(Action.LIST_MODELS), Remedy(Action.DOWNLOAD_MODEL)),
        )


def packaged_catalog() -> Traversable:
    """The catalog inside the package, wherever the package lives (a folder, a wheel's
    site-packages, a zip, a PyInstaller bundle): never a path relative to a checkout."""
    return resources.files("gallery.ml").joinpath(CATALOG_FILE)


class _Damaged(Exception):
    """A malformed entry; `load_catalog` turns it into a ModelError naming the file."""

    def __init__(self, where: str, problem: Text) -> None:
        super().__init__(where, problem)
        self.where = where
        self.problem = problem


class _Reader:
    """Typed access to one JSON object, naming the catalog entry in every error.

    `where` names the entry: a JSON path ("models[2]") or a Text (say("model {name!r}", ...)),
    and `problem` reads after it: say("is not a JSON object").
    """

    def __init__(self, data: Any, where: str) -> None:
        if not isinstance(data, dict):
            raise _Damaged(where, say("is not a JSON object"))
        self.data: dict[str, Any] = data
        self.where = where

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = ...) -> Any:
        if key not in self.data or self.data[key] is None:
            if default is ...:
                raise _Damaged(self.where, say("has no {key!r}", key=key))
            return default
        value = self.data[key]
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
            raise _Damaged(self.where, say("has a malformed {key!r}", key=key))
        return value


def _file(data: Any, where: str) -> ModelFile:
    entry = _Reader(data, where)
    remote = entry.get("path", str)
    sha = entry.get("sha256", str, None)
    if sha is not None and not _SHA256.match(sha):
        raise _Damaged(where, say("pins {file} to a malformed SHA-256", file=remote))
    return ModelFile(
        remote=remote,
        local=entry.get("local", str, remote),
        size=entry.get("size", int, None),
        sha256=sha,
        optional=entry.get("optional", bool, False),
    )


def _files(items: Any, where: str) -> tuple[ModelFile, ...]:
    if not isinstance(items, list):
        raise _Damaged(where, say("is not a list of files"))
    return tuple(
        _file(item, say("{where}[{index}]", where=where, index=i)) for i, item in enumerate(items)
    )


def _model(data: Any, index: int) -> CatalogModel:
    entry = _Reader(data, f"models[{index}]")
    name = entry.get("name", str)
    entry.where = say("model {name!r}", name=name)
    layout = entry.get("layout", str)
    if layout not in _LAYOUTS:
        raise _Damaged(entry.where, say("has an unknown layout {layout!r}", layout=layout))
    pre = _Reader(entry.get("preprocessing", dict), say("{where} preprocessing", where=entry.where))
    tok = _Reader(entry.get("tokenizer", dict), say("{where} tokenizer", where=entry.where))
    precisions: dict[str, tuple[ModelFile, ...]] = {}
    approx: dict[str, int | None] = {}
    for key, value in entry.get("precisions", dict).items():
        spec = _Reader(value, say("{where} precision {key!r}", where=entry.where, key=key))
        precisions[key] = _files(spec.get("files", list), spec.where)
        approx[key] = spec.get("approx_bytes", int, None)
    default_precision = entry.get("default_precision", str)
    if default_precision not in precisions:
        raise _Damaged(
            entry.where,
            say("has no files for its default {precision!r}", precision=default_precision),
        )
    batch = entry.get("batch_sizes", dict)
    if not all(isinstance(v, int) and v > 0 for v in batch.values()):
        raise _Damaged(entry.where, say("has a malformed 'batch_sizes'"))
    family = _choice(entry, "family", FAMILIES, "clip")
    revision = entry.get("revision", str, "main")
    revision_note = entry.get("revision_note", str, None)
    if not _COMMIT.match(revision) and not revision_note:
        raise _Damaged(
            entry.where,
            say("follows {revision!r} without a 'revision_note' saying why", revision=revision),
        )
    recall = _recall(entry.get("recall", dict, {}), entry.where)
    approx_default = approx.get(default_precision)
    download_bytes = entry.get("download_bytes", int, approx_default or 0)
    return CatalogModel(
        name=name,
        title=entry.get("title", str, name),
        repo=entry.get("repo", str),
        revision=revision,
        upstream=entry.get("upstream", str, None),
        layout=layout,
        languages=tuple(entry.get("languages", list, [])),
        license=entry.get("license", str, None),
        embed_dim=entry.get("embed_dim", int),
        image_size=entry.get("image_size", int),
        resize_mode=pre.get("resize_mode", str, "shortest"),
        tokenizer_kind=tok.get("kind", str),
        context_length=tok.get("context_length", int),
        batch_sizes=dict(batch),
        default_precision=default_precision,
        common_files=_files(
            entry.get("common_files", list, []), say("{where} common_files", where=entry.where)
        ),
        precisions=precisions,
        approx_bytes=approx,
        notes=entry.get("notes", str, ""),
        family=family,
        recall=recall,
        recall_source=entry.get("recall_source", str, ""),
        download_bytes=download_bytes,
        memory_mb=entry.get("memory_mb", int, None),
        published_ms=_number(entry, "published_ms"),
        revision_note=revision_note,
        text_clean=_choice(tok, "clean", TEXT_CLEANING, None),
        text_prefix=_choice(tok, "prefix", TEXT_PREFIXES, None),
        interpolation=_choice(pre, "interpolation", ("bicubic", "bilinear"), "bicubic"),
    )


def _choice(entry: _Reader, key: str, allowed: tuple[str, ...], default: str | None) -> Any:
    value = entry.get(key, str, default)
    if value is not None and value not in allowed:
        raise _Damaged(entry.where, say("has an unknown {key!r}: {value!r}", key=key, value=value))
    return value


def _number(entry: _Reader, key: str) -> float | None:
    value = entry.get(key, (int, float), None)
    return None if value is None else float(value)


def _recall(data: dict[str, Any], where: str) -> dict[str, float | None]:
    """Published recall per language: a number in [0, 100] or null (not published)."""
    recall: dict[str, float | None] = {}
    for language, value in data.items():
        if value is None:
            recall[str(language)] = None
        elif isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 100:
            recall[str(language)] = float(value)
        else:
            raise _Damaged(where, say("has a malformed 'recall'"))
    return recall


def load_catalog(path: Traversable | None = None) -> Catalog:
    """Read and check the catalog (the packaged one unless told, or unless $LUMEN_CATALOG
    names another file); a damaged file is a ModelError naming the entry."""
    if path is None and os.environ.get(CATALOG_ENV):
        path = Path(os.environ[CATALOG_ENV])
    source = packaged_catalog() if path is None else path
    try:
        raw = json.loads(source.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(
            say("The model catalog {path} cannot be read: {error}.", path=source, error=str(exc)),
            say("Reinstall Lumen Gallery, or import a model folder."),
            (Remedy(Action.IMPORT_MODEL),),
        ) from exc
    try:
        return _catalog(raw)
    except _Damaged as damaged:
        raise ModelError(
            say(
                "The model catalog is damaged: {where} {problem}.",
                where=damaged.where,
                problem=damaged.problem,
            ),
            say("Reinstall Lumen Gallery or fix {path}.", path=source),
        ) from None


def _catalog(raw: Any) -> Catalog:
    top = _Reader(raw, say("the top level"))
    models = tuple(_model(item, i) for i, item in enumerate(top.get("models", list)))
    default = top.get("default", str)
    if default not in {m.name for m in models}:
        raise _Damaged(
            say("the top level"), say("names an unknown default {default!r}", default=default)
        )
    return Catalog(default=default, models=models)
