"""What Edit > Undo can take back: the app's own copies and moves, newest first.

A move is undone by moving the files back, a copy by sending the copies to the trash. A trash
has no entry: the system's Trash restores (the confirmation says so), and putting a file back
by hand would fight whatever the person does there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

HISTORY = 20  # entries kept; older ones are dropped


@dataclass(frozen=True)
class Undoable:
    kind: Literal["copy", "move"]
    pairs: tuple[tuple[str, str], ...]  # (source, destination), as the core returned them


class UndoHistory:
    def __init__(self, limit: int = HISTORY) -> None:
        self.limit = limit
        self._entries: list[Undoable] = []

    def push(self, entry: Undoable) -> None:
        if entry.pairs:
            self._entries = [*self._entries, entry][-self.limit :]

    def last(self) -> Undoable | None:
        return self._entries[-1] if self._entries else None

    def pop(self) -> Undoable | None:
        return self._entries.pop() if self._entries else None
