"""Every model a person can choose from, in one list for `gallery models list` and the app's
Models dialog: the catalog's models (installed or not), other installed models, models whose
index the library still holds, and damaged installs, each with this library's counts.

Nothing is loaded: installed sizes come from the folders, facts from the catalog or the
folder's own `lumen.json`, counts from SQLite.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from gallery.errors import ModelError
from gallery.library.model_indexes import index_status
from gallery.library.store import Store
from gallery.ml.catalog import Catalog, CatalogModel, load_catalog
from gallery.ml.model_files import read_facts
from gallery.ml.recommend import (
    LANGUAGES,
    Machine,
    Recommendation,
    machine_facts,
    recommend,
    system_language,
)
from gallery.ml.registry import DamagedModel, InstalledModel, ModelRegistry
from gallery.text import Text

log = logging.getLogger(__name__)


class ModelState(StrEnum):
    AVAILABLE = "available"  # not installed: downloadable, or only its index is left
    INSTALLED = "installed"
    DAMAGED = "damaged"  # an interrupted or corrupted install: never loaded


@dataclass(frozen=True)
class ModelEntry:
    name: str
    title: str
    state: ModelState
    default: bool
    languages: tuple[str, ...]
    size: int | None  # installed bytes, else the catalog's approximate size
    indexed: int  # this library's counts for the model
    failed: int
    pending: int
    has_index: bool  # the library holds an index (vectors or a model row) for it
    repo: str | None
    precisions: tuple[str, ...]
    layout: str | None
    path: Path | None
    problem: str | None
    #: Published retrieval per language (Crossmodal-3600, mean R@1/5/10 in %), None where
    #: nothing is published; `source` says where the figures come from.
    recall: dict[str, float | None] = field(default_factory=dict)
    source: str | None = None
    download_bytes: int | None = None  # the catalog's download of the default precision
    memory_mb: int | None = None  # published peak memory
    published_ms: float | None = None  # published time per photo (8-core desktop CPU)
    revision: str | None = None  # a 40-hex commit id, else a branch and `revision_note`
    revision_note: str | None = None
    recommended: bool = False  # the model `recommend` picks for this computer and language
    reason: Text | None = None  # why, in one line (the recommended row only)

    @property
    def installed(self) -> bool:
        return self.state is ModelState.INSTALLED

    def as_dict(self) -> dict[str, object]:
        """The row of `gallery models list --json`."""
        return {
            "name": self.name,
            "installed": self.installed,
            "state": self.state.value,
            "default": self.default,
            "languages": list(self.languages),
            "size": self.size,
            "title": self.title,
            "repo": self.repo,
            "precisions": list(self.precisions),
            "layout": self.layout,
            "path": None if self.path is None else str(self.path),
            "problem": self.problem,
            "indexed": self.indexed,
            "failed": self.failed,
            "pending": self.pending,
            "has_index": self.has_index,
            "recall": {language: self.recall.get(language) for language in LANGUAGES},
            "source": self.source,
            "download_bytes": self.download_bytes,
            "memory_mb": self.memory_mb,
            "revision": self.revision,
            "revision_note": self.revision_note,
            "recommended": self.recommended,
        }


@dataclass(frozen=True)
class _Facts:
    """What a row says about a model before the library's counts are added."""

    name: str
    title: str
    state: ModelState
    languages: tuple[str, ...] = ()
    size: int | None = None
    repo: str | None = None
    precisions: tuple[str, ...] = ()
    layout: str | None = None
    path: Path | None = None
    problem: str | None = None
    catalog: CatalogModel | None = None


def _pick_default(
    installed: Sequence[str], configured: str | None, catalog_default: str | None
) -> str | None:
    if configured:
        return configured
    if len(installed) == 1:
        return installed[0]
    return None if installed else catalog_default  # what a first download should be


def default_model_name(
    registry: ModelRegistry, configured: str | None, catalog_default: str | None
) -> str | None:
    """The configured model, else the only installed one; with none installed, the catalog's
    default (what a first download should be); with several and none configured, None."""
    return _pick_default([m.name for m in registry.installed()], configured, catalog_default)


def _strings(value: object) -> tuple[str, ...]:
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _catalog_facts(entry: CatalogModel) -> _Facts:
    return _Facts(
        name=entry.name,
        title=entry.title,
        state=ModelState.AVAILABLE,
        languages=entry.languages,
        size=entry.approx_bytes.get(entry.default_precision),
        repo=entry.repo,
        precisions=tuple(entry.precisions),
        catalog=entry,
    )


def _installed_facts(model: InstalledModel, entry: CatalogModel | None) -> _Facts:
    """An installed model: the catalog's facts when it is a catalog model, else its own."""
    if entry is not None:
        base = _catalog_facts(entry)
    else:
        facts = read_facts(model.path)
        source = facts.get("source")
        precision = _text(facts.get("precision"))
        base = _Facts(
            name=model.name,
            title=_text(facts.get("title")) or model.name,
            state=ModelState.INSTALLED,
            languages=_strings(facts.get("languages")),
            repo=_text(source.get("repo")) if isinstance(source, dict) else None,
            precisions=() if precision is None else (precision,),
        )
    return replace(
        base,
        state=ModelState.INSTALLED,
        size=model.size_bytes,
        layout=model.layout,
        path=model.path,
    )


def _damaged_facts(model: DamagedModel, entry: CatalogModel | None) -> _Facts:
    """A damaged install keeps its catalog facts (a download repairs it) but is not installed."""
    if entry is None:
        base = _Facts(model.name, model.name, ModelState.DAMAGED)
    else:
        base = _catalog_facts(entry)
    return replace(
        base,
        state=ModelState.DAMAGED,
        path=model.path,
        problem=model.problem,
    )


def _read_catalog() -> Catalog | None:
    try:
        return load_catalog()
    except ModelError as exc:
        log.warning("Listing installed models only: %s", exc.message)
        return None


def _rows(
    catalog: Catalog | None,
    installed: Iterable[InstalledModel],
    damaged: Iterable[DamagedModel],
    indexed_names: Iterable[str],
) -> list[_Facts]:
    """Catalog order first, then other installed models, then indexes of models no longer
    installed, then damaged installs; a name appears once."""
    entries = {entry.name: entry for entry in catalog.models} if catalog else {}
    installs = {model.name: model for model in installed}
    broken = {model.name: model for model in damaged}
    rows: dict[str, _Facts] = {}
    for name, entry in entries.items():
        if name in installs:
            rows[name] = _installed_facts(installs[name], entry)
        elif name in broken:
            rows[name] = _damaged_facts(broken[name], entry)
        else:
            rows[name] = _catalog_facts(entry)
    for name, model in installs.items():
        rows.setdefault(name, _installed_facts(model, None))
    for name in indexed_names:
        if name not in broken:
            rows.setdefault(name, _Facts(name, name, ModelState.AVAILABLE))
    for name, broken_model in broken.items():
        rows.setdefault(name, _damaged_facts(broken_model, None))
    return list(rows.values())


def recommendation(
    catalog: Catalog | None, machine: Machine | None = None, language: str | None = None
) -> Recommendation | None:
    """The catalog model for this computer (its GPU, memory and cores) and language (the
    system's unless told)."""
    if catalog is None:
        return None
    return recommend(catalog.models, machine or machine_facts(), language or system_language())


def model_overview(
    registry: ModelRegistry,
    store: Store,
    configured: str | None,
    *,
    machine: Machine | None = None,
    language: str | None = None,
) -> list[ModelEntry]:
    """Every model to show, with this library's indexed, failed and pending counts for each,
    the catalog's published figures and which one is recommended for this computer (`machine`,
    by default its own facts with the "auto" device) and `language` (by default the system's).
    A catalog that cannot be read is logged and the list holds what is installed."""
    catalog = _read_catalog()
    recommended = recommendation(catalog, machine, language)
    installed = registry.installed()
    indexed_names = store.model_names()
    default = _pick_default(
        [m.name for m in installed], configured, catalog.default if catalog else None
    )
    entries = []
    for facts in _rows(catalog, installed, registry.damaged(), indexed_names):
        status = index_status(store, facts.name)
        entries.append(
            ModelEntry(
                name=facts.name,
                title=facts.title,
                state=facts.state,
                default=facts.name == default,
                languages=facts.languages,
                size=facts.size,
                indexed=status.indexed,
                failed=status.failed,
                pending=status.pending,
                has_index=facts.name in indexed_names,
                repo=facts.repo,
                precisions=facts.precisions,
                layout=facts.layout,
                path=facts.path,
                problem=facts.problem,
                **_published(facts.catalog),
                recommended=recommended is not None and facts.name == recommended.name,
                reason=(
                    recommended.reason
                    if recommended is not None and facts.name == recommended.name
                    else None
                ),
            )
        )
    return entries


def _published(entry: CatalogModel | None) -> dict[str, Any]:
    """The catalog's published figures of a row (none for a model outside the catalog)."""
    if entry is None:
        return {}
    return {
        "recall": dict(entry.recall),
        "source": entry.recall_source or None,
        "download_bytes": entry.download_bytes or None,
        "memory_mb": entry.memory_mb,
        "published_ms": entry.published_ms,
        "revision": entry.revision,
        "revision_note": entry.revision_note,
    }
