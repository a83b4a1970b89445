"""One index per model: what switching to a model costs, and deleting an index no longer used.

Switching models never mixes vector spaces: each model has its own vectors in SQLite and its
own hnswlib file. Before switching, the app asks how many photos the new model still has to
index; an old model's index can be deleted to reclaim the space.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from gallery.library.library import Library
from gallery.library.store import Store
from gallery.text import say

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ModelIndexStatus:
    model: str
    files: int
    indexed: int
    failed: int
    pending: int  # photos this model still has to index


def index_status(store: Store, model_name: str) -> ModelIndexStatus:
    """Counts for one model; a model never used to index yet has every photo pending."""
    counts = store.counts(store.find_model(model_name))
    return ModelIndexStatus(model_name, counts.files, counts.indexed, counts.failed, counts.pending)


def index_statuses(store: Store) -> list[ModelIndexStatus]:
    """Every model the library holds an index for (installed or not), by name."""
    return [index_status(store, name) for name in store.model_names()]


def delete_model_index(library: Library, model_name: str) -> int:
    """Delete a model's vectors from SQLite and its hnswlib files; returns how many vectors
    went. SQLite goes first: if the files outlive a crash, they no longer match the library
    and are caught up (emptied) when that model's index is next opened."""
    with library.writing(say("deleting the index of {model}", model=model_name)):
        path = library.drop_index(model_name)
        removed = library.store.delete_model(model_name)
        for leftover in (path, path.with_name(path.name + ".json")):
            leftover.unlink(missing_ok=True)
    log.info("Deleted the index of model %s (%d vectors)", model_name, removed)
    return removed
