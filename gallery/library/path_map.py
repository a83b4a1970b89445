"""Where the same files live under another mount point: `A=B` pairs that rewrite a path's
leading folder, for a vectors file made on another machine and for cluster workers that mount
the photos elsewhere."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

from gallery.errors import UserError
from gallery.text import say


def _folder(path: str) -> str:
    return path.rstrip("/\\") or path[:1]


@dataclass(frozen=True)
class PathMap:
    """Prefix pairs (from, to); the longest `from` that holds a path wins."""

    pairs: tuple[tuple[str, str], ...] = ()

    @classmethod
    def parse(cls, items: Sequence[str]) -> PathMap:
        """`["A=B", ...]`: A and B are folders; a path under A is read under B."""
        pairs = []
        for item in items:
            source, sep, target = item.partition("=")
            if not sep or not source or not target:
                raise UserError(
                    say("The path map {item!r} is not of the form FROM=TO.", item=item),
                    say("Give two folders joined by '=', e.g. /Volumes/Photos=/mnt/photos."),
                )
            pairs.append((_folder(source), _folder(target)))
        return cls(tuple(sorted(pairs, key=lambda pair: len(pair[0]), reverse=True)))

    def apply(self, path: str) -> str:
        for source, target in self.pairs:
            if path == source:
                return target
            if path.startswith(source + "/") or path.startswith(source + os.sep):
                return target + path[len(source) :]
        return path
