"""The folders tree with counts, from a real store indexed from real folders of photos."""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

import pytest

from gallery.library.filters import Filters
from gallery.library.folders import FolderNode, FolderTree, build_tree, folder_tree
from gallery.library.indexer import Indexer
from gallery.library.library import Library
from gallery.library.store import ScannedFile, Store
from gallery.ml.encoder import ClipModel
from gallery.paths import app_paths
from tests.support.tiny_models import solid_colour_image


def _index(library: Library, model_dirs: dict[str, Path], roots: list[Path]) -> None:
    model = ClipModel.from_path(model_dirs["colour-hf"], device="cpu", batch_size=4)
    Indexer(library, model, decode_threads=1).run(roots)


def _photo(path: Path, colour: str = "red") -> None:
    solid_colour_image(path, colour, size=(40, 30))


def _shape(node: FolderNode) -> tuple[str, int, list[object]]:
    return (node.name, node.count, [_shape(child) for child in node.children])


@pytest.fixture
def pictures(tmp_path: Path) -> Path:
    """Pictures/ with photos at the top, two levels down, and folders that hold none."""
    root = tmp_path / "Pictures"
    _photo(root / "top.jpg")
    _photo(root / "Trips" / "a.jpg")
    _photo(root / "Trips" / "Alps 2019" / "b.jpg", "green")
    _photo(root / "Trips" / "Alps 2019" / "c.png", "blue")
    _photo(root / "cats" / "d.jpg")
    (root / "Empty").mkdir()
    (root / "Notes").mkdir()
    (root / "Notes" / "readme.txt").write_text("not a photo")
    (root / "Broken").mkdir()
    (root / "Broken" / "bad.jpg").write_bytes(b"not a jpeg at all")
    return root


def test_nested_folders_count_their_subfolders_and_only_folders_with_photos_appear(
    pictures: Path, model_dirs: dict[str, Path]
) -> None:
    with Library(app_paths().ensure()) as library:
        _index(library, model_dirs, [pictures])
        tree = folder_tree(library.store)
        assert tree.total == 5
        (root,) = tree.roots
        assert root.path == str(pictures) and root.reachable
        # cats before Trips: by name, ignoring case; Empty, Notes, Broken (no photo that
        # decoded) are not shown
        assert _shape(root) == (
            "Pictures",
            5,
            [("cats", 1, []), ("Trips", 3, [("Alps 2019", 2, [])])],
        )
        alps = tree.find(str(pictures / "Trips" / "Alps 2019"))
        assert alps is not None and alps.count == 2
        assert tree.find(str(pictures / "Empty")) is None
        # each count is what the grid shows when the folder filter scopes it to that folder
        for node in _walk(tree):
            assert node.count == library.store.photo_count(Filters(folders=(node.path,)))


def _walk(tree: FolderTree) -> list[FolderNode]:
    nodes: list[FolderNode] = []
    stack = list(tree.roots)
    while stack:
        node = stack.pop()
        nodes.append(node)
        stack.extend(node.children)
    return nodes


def test_an_unreachable_root_stays_with_its_counts_and_an_empty_root_shows(
    tmp_path: Path, pictures: Path, model_dirs: dict[str, Path]
) -> None:
    drive = tmp_path / "Drive"
    _photo(drive / "2020" / "e.jpg")
    _photo(drive / "2020" / "f.jpg", "green")
    empty = tmp_path / "New"
    empty.mkdir()
    with Library(app_paths().ensure()) as library:
        _index(library, model_dirs, [pictures, drive])
        library.store.add_root(str(empty))
        drive.rename(tmp_path / "Drive (unplugged)")
        tree = folder_tree(library.store)
        by_name = {root.name: root for root in tree.roots}
        assert set(by_name) == {"Pictures", "Drive", "New"}
        assert not by_name["Drive"].reachable
        assert _shape(by_name["Drive"]) == ("Drive", 2, [("2020", 2, [])])
        assert not by_name["Drive"].children[0].reachable
        assert by_name["Pictures"].reachable and by_name["New"].reachable
        assert by_name["New"].count == 0 and by_name["New"].children == ()
        assert tree.total == 7
        # a root replaced by a file is no folder either
        empty.rmdir()
        empty.write_text("a file now")
        assert not {r.name: r for r in folder_tree(library.store).roots}["New"].reachable


def test_a_folder_name_that_is_not_utf8_is_counted(
    tmp_path: Path, model_dirs: dict[str, Path]
) -> None:
    if os.name != "posix":
        pytest.skip("only POSIX file names may be any bytes")
    root = tmp_path / "Photos"
    root.mkdir()
    odd = os.fsdecode(os.fsencode(root) + b"/caf\xe9")
    Path(odd).mkdir()
    _photo(Path(odd) / "g.jpg")
    _photo(root / "h.jpg")
    with Library(app_paths().ensure()) as library:
        _index(library, model_dirs, [root])
        (node,) = folder_tree(library.store).roots
        assert node.count == 2
        assert [(child.path, child.count) for child in node.children] == [(odd, 1)]


def test_a_root_inside_another_is_a_root_and_a_folder_and_stray_photos_count_in_all() -> None:
    sep = os.sep
    outer, inner = f"{sep}p", f"{sep}p{sep}in"
    photos = [f"{outer}{sep}a.jpg", f"{inner}{sep}b.jpg", f"{inner}{sep}x{sep}c.jpg", f"{sep}z.jpg"]
    tree = build_tree([outer, inner], photos, reachable=[True, False])
    assert tree.total == 4
    assert [_shape(root) for root in tree.roots] == [
        ("p", 3, [("in", 2, [("x", 1, [])])]),
        ("in", 2, [("x", 1, [])]),
    ]
    assert [root.reachable for root in tree.roots] == [True, False]


@pytest.mark.slow
def test_100k_photos_give_a_tree_well_under_200_ms(tmp_path: Path) -> None:
    """The sidebar refreshes after every indexing run: at 100,000 photos in 960 folders the
    tree must stay far below a noticeable pause (figures in docs/benchmarks.md)."""
    store = Store(tmp_path / "library.db")
    try:
        for root in (tmp_path / "Pictures", tmp_path / "Drive"):
            root_id = store.add_root(str(root))
            store.apply_scan(
                root_id,
                [
                    ScannedFile(f"{root}/{y}/{m:02d}/event {e}/IMG_{i:04d}.jpg", 1000, 1)
                    for y in range(2010, 2020)
                    for m in range(1, 13)
                    for e in range(4)
                    for i in range(105)
                ],
            )
        with store.transaction():  # decoded, as an indexing run leaves them
            store.db.execute("UPDATE files SET width = 400, height = 300, format = 'jpeg'")
        seconds = []
        for _ in range(5):
            start = time.perf_counter()
            tree = folder_tree(store)
            seconds.append(time.perf_counter() - start)
        assert tree.total == 100_800 and [r.count for r in tree.roots] == [50_400, 50_400]
        assert statistics.median(seconds) < 0.2, seconds
    finally:
        store.close()
