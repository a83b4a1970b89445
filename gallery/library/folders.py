"""The library's folders as a tree with photo counts, for the sidebar.

Read with one query (every decoded photo's path, the photos a browse shows) and grouped in
Python by folder: the folders are few next to the photos, so each folder's count walks up to
its root once per folder, not once per photo (100,000 photos: docs/benchmarks.md). A folder
appears when it holds photos or leads to them; every library root appears, even empty or
unreachable (an unplugged drive is shown as such, never dropped: its photos stay in the library
until the person removes the folder).
"""

from __future__ import annotations

import itertools
import os
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from gallery.library.store import Store

# The photos a browse shows (Store's decoded photos): the counts match the grid's.
_PHOTO_PATHS = "SELECT path FROM files WHERE error IS NULL AND width IS NOT NULL"


@dataclass(frozen=True)
class FolderNode:
    path: str  # absolute, as the store and the filter bar's folder filter write it
    name: str  # the last part ("/" for the file system's root)
    count: int  # photos in this folder and every folder under it
    children: tuple[FolderNode, ...]  # by name, ignoring case
    reachable: bool = True  # its root exists and is a folder (False: unplugged, renamed)

    def find(self, path: str) -> FolderNode | None:
        """This node or the one under it for `path`."""
        if path == self.path:
            return self
        if not _is_under(path, self.path):
            return None
        for child in self.children:
            found = child.find(path)
            if found is not None:
                return found
        return None


@dataclass(frozen=True)
class FolderTree:
    roots: tuple[FolderNode, ...]  # the library's roots, in Store.roots() order
    total: int  # every photo in the library (All Photos)

    def find(self, path: str) -> FolderNode | None:
        """The node for `path` (a root or a folder under one); None when the tree lacks it."""
        for root in self.roots:
            found = root.find(path)
            if found is not None:
                return found
        return None


def folder_tree(store: Store) -> FolderTree:
    """The store's roots and their folders that hold photos, with counts and reachability."""
    roots = store.roots()
    paths = [p if isinstance(p, str) else os.fsdecode(p) for (p,) in store.db.execute(_PHOTO_PATHS)]
    return build_tree(roots, paths, reachable=[Path(root).is_dir() for root in roots])


def build_tree(
    roots: Sequence[str], photo_paths: Iterable[str], reachable: Sequence[bool]
) -> FolderTree:
    """The tree of `roots` over the photos at `photo_paths`. A root inside another root
    shows both as a root of its own and as a folder of the outer one, each counting every
    photo under it, as the folder filter does. Photos under no root count in the total only."""
    direct = _photos_per_folder(photo_paths)
    total = sum(direct.values())
    root_set = set(roots)
    counts: Counter[str] = Counter()
    children: defaultdict[str, set[str]] = defaultdict(set)
    for folder, count in direct.items():
        chain = _chain_to_top_root(folder, root_set)
        for below, above in itertools.pairwise(chain):
            children[above].add(below)
        for part in chain:
            counts[part] += count
    nodes = tuple(
        _node(root, counts, children, ok) for root, ok in zip(roots, reachable, strict=True)
    )
    return FolderTree(nodes, total)


def _chain_to_top_root(folder: str, roots: set[str]) -> list[str]:
    """`folder` and its parents up to the outermost root above it (empty: under no root)."""
    chain: list[str] = []
    top = 0
    current = folder
    while True:
        chain.append(current)
        if current in roots:
            top = len(chain)
        parent = _folder_of(current)
        if parent == current:
            return chain[:top]
        current = parent


def _node(
    path: str, counts: Counter[str], children: dict[str, set[str]], reachable: bool
) -> FolderNode:
    below = sorted(children.get(path, ()), key=lambda p: (_name(p).casefold(), p))
    return FolderNode(
        path=path,
        name=_name(path),
        count=counts[path],
        children=tuple(_node(child, counts, children, reachable) for child in below),
        reachable=reachable,
    )


def _photos_per_folder(paths: Iterable[str]) -> Counter[str]:
    """How many photos each folder holds directly: by string, once per photo, and the few
    folders' names put in PurePath.parent's form after ("" is "/", "C:" is "C:\\")."""
    heads = Counter(path.rpartition(os.sep)[0] for path in paths)
    folders: Counter[str] = Counter()
    for head, count in heads.items():
        folders[head if os.sep in head else head + os.sep] += count
    return folders


def _folder_of(path: str) -> str:
    """The folder `path` is in, as PurePath.parent writes it: "/a" is in "/", "/" in itself."""
    head = path.rpartition(os.sep)[0]
    return head if os.sep in head else head + os.sep


def _name(path: str) -> str:
    return path.rpartition(os.sep)[2] or path


def _is_under(path: str, folder: str) -> bool:
    return path.startswith(folder.rstrip(os.sep) + os.sep)
