"""Optional dependencies: the `cluster` extra (Ray, pyarrow) is imported only by the commands
that need it, and its absence is a message that says what to install, never a traceback."""

from __future__ import annotations

import importlib
from types import ModuleType

from gallery.errors import UserError
from gallery.text import say

CLUSTER_EXTRA = 'pip install "lumen-gallery[cluster]"'


def cluster_module(name: str, feature: str) -> ModuleType:
    """Import `name` (e.g. "ray", "pyarrow.parquet") from the cluster extra for `feature`."""
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        raise UserError(
            say(
                "{feature} needs {package}, which is not installed.",
                feature=feature,
                package=name.partition(".")[0],
            ),
            say("Install the cluster extra: {command}", command=CLUSTER_EXTRA),
        ) from exc
