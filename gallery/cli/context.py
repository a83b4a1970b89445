"""What every command needs: paths, settings, the model registry, a model, and JSON output."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from gallery.paths import AppPaths
from gallery.settings import Settings

if TYPE_CHECKING:
    from gallery.library.store import Store
    from gallery.ml.encoder import ClipModel
    from gallery.ml.registry import ModelRegistry


class Context:
    """Paths and settings at once; the registry and models only when a command asks."""

    def __init__(self, paths: AppPaths) -> None:
        self.paths = paths
        self.settings = Settings.load(paths.settings_file)

    def registry(self) -> ModelRegistry:
        from gallery.ml.registry import SOURCE_MODELS_DIR, ModelRegistry

        return ModelRegistry(self.paths.models, (SOURCE_MODELS_DIR,))

    def model(self, args: argparse.Namespace) -> ClipModel:
        """The model the options name (else the configured or only one); nothing loads yet."""
        from gallery.ml.encoder import ClipModel

        folder = self.registry().resolve(getattr(args, "model", None), self.settings.default_model)
        return ClipModel(
            folder,
            device=getattr(args, "device", None) or self.settings.device,
            threads=getattr(args, "threads", None),
            batch_size=getattr(args, "batch_size", None) or self.settings.batch_size,
            cache_dir=self.paths.cache,
        )

    def require_known_model(self, store: Store, name: str) -> None:
        """One rule for every command that takes a model name: a model is known when it is
        installed or the library holds an index for it; otherwise the registry's own error
        (the one `gallery search --model NAME` gives)."""
        if store.find_model(name) is None:
            self.registry().resolve(name)


def print_json(data: object) -> None:
    text = json.dumps(data, indent=2, ensure_ascii=False)
    # A file name that is not valid UTF-8 holds lone surrogates: as \udcXX escapes the JSON
    # stays valid and os.fsencode(json.loads(...)) gives back the exact bytes.
    print(text.encode("utf-8", "backslashreplace").decode("utf-8"))
