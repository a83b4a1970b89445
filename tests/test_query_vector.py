"""Queries -> vectors through the real tiny colour model, whose text and image towers put a
colour word and a photo of that colour on the same axis: the arithmetic can be checked as
directions (red + blue lies between them, red - blue points away from blue)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from PIL import Image

from gallery.library.indexer import Indexer
from gallery.library.library import Library
from gallery.library.query import (
    ImagePaths,
    ImagePixels,
    ImageSource,
    Query,
    QueryError,
    Term,
    image_term,
    parse_query,
)
from gallery.library.query_vector import QueryVectors
from gallery.library.store import Decoded, ScannedFile, Store
from gallery.ml.encoder import ClipModel
from gallery.paths import app_paths
from tests.support.tiny_models import COLOURS, colour_index, solid_colour_image

FloatArray = npt.NDArray[np.float32]
DIM = len(COLOURS)


@pytest.fixture(params=["colour-hf", "colour-immich"])
def model(request: pytest.FixtureRequest, model_dirs: dict[str, Path]) -> ClipModel:
    """Both layouts: the immich towers take one image at a time, the hf ones a batch."""
    return ClipModel.from_path(model_dirs[request.param], device="cpu")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store(tmp_path / "library.db")
    yield store
    store.close()


@pytest.fixture
def vectors(store: Store, model: ClipModel) -> QueryVectors:
    return QueryVectors(store, model)


def _axis(colour: str) -> FloatArray:
    axis = np.zeros(DIM, dtype=np.float32)
    axis[colour_index(colour)] = 1.0
    return axis


def _cos(a: FloatArray, b: FloatArray) -> float:
    return float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))


def _of(vectors: QueryVectors, text: str, **attachments: ImageSource) -> FloatArray:
    vector = vectors.of(parse_query(text, attachments), model_id=1).vector
    assert np.linalg.norm(vector) == pytest.approx(1.0, abs=1e-5)
    return vector


def _library_photo(store: Store, path: Path, vector: FloatArray) -> tuple[int, int]:
    """Record `path` as an indexed photo with `vector` as its stored vector: (model id, file id)."""
    model_id = store.model_id("colours", DIM)
    root = store.add_root(str(path.parent))
    stat = path.stat()
    store.apply_scan(root, [ScannedFile(str(path), stat.st_size, stat.st_mtime_ns)])
    file_id = store.file_id(str(path))
    assert file_id is not None
    store.commit_batch(model_id, [Decoded(file_id, 64, 48, None)], [file_id], vector[None, :], [])
    return model_id, file_id


# --- text arithmetic ----------------------------------------------------------------------------
def test_a_sum_lies_between_its_terms(vectors: QueryVectors) -> None:
    vector = _of(vectors, "red + blue")
    assert _cos(vector, _axis("red")) == pytest.approx(_cos(vector, _axis("blue")), abs=1e-4)
    assert _cos(vector, _axis("red")) == pytest.approx(np.sqrt(0.5), abs=1e-3)
    assert _cos(vector, _axis("green")) == pytest.approx(0.0, abs=1e-4)


def test_a_difference_points_away_from_what_is_left_out(vectors: QueryVectors) -> None:
    vector = _of(vectors, "red - blue")
    assert _cos(vector, _axis("red")) > 0.5
    assert _cos(vector, _axis("blue")) < -0.5


def test_a_weight_pulls_the_query_towards_its_term(vectors: QueryVectors) -> None:
    heavy = _of(vectors, "2:red + blue")
    assert _cos(heavy, _axis("red")) > _cos(heavy, _axis("blue")) > 0
    light = _of(vectors, "0.5:red + blue")
    assert _cos(light, _axis("blue")) > _cos(light, _axis("red")) > 0
    # weights count per term, whatever a tower's raw scale: a term is a unit vector first
    assert _cos(_of(vectors, "red red + blue"), _axis("red")) == pytest.approx(
        _cos(_of(vectors, "red + blue"), _axis("red")), abs=1e-4
    )


def test_terms_that_cancel_out_are_an_error(vectors: QueryVectors) -> None:
    for text in ("red - red", "2:red - red - red", "red + blue - red - blue"):
        with pytest.raises(QueryError) as raised:
            vectors.of(parse_query(text), model_id=1)
        assert raised.value.message == "The terms of this query cancel each other out."
        assert raised.value.hint == "Change a weight, or remove a term after “ - ”."


def test_words_the_model_sees_nothing_in_give_a_zero_vector_not_an_error(
    vectors: QueryVectors,
) -> None:
    """The colour model reads only colour words: a query of other words matches every photo
    equally (score 0), which the best-match cut reports as no close match."""
    for text in ("cat", "cat - cat"):
        assert not vectors.of(parse_query(text), model_id=1).vector.any()
    assert _cos(_of(vectors, "cat + red"), _axis("red")) == pytest.approx(1.0, abs=1e-4)


def test_an_empty_query_has_no_vector(vectors: QueryVectors) -> None:
    with pytest.raises(ValueError, match="browse"):
        vectors.of(Query((), ""), model_id=1)
    with pytest.raises(ValueError, match="at least one photo"):
        vectors.image(ImagePaths((), "0 photos"), model_id=1)


def test_text_vectors_are_cached_least_recently_used_first(
    store: Store, model: ClipModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[list[str]] = []
    embed = model.embed_texts

    def counted(texts: list[str]) -> FloatArray:
        asked.append(texts)
        return embed(texts)

    monkeypatch.setattr(model, "embed_texts", counted)
    vectors = QueryVectors(store, model, cache_size=2)
    red = vectors.text("red")
    assert vectors.text("  RED ") is red, "case and spacing share one entry"
    vectors.text("blue")
    vectors.text("red")  # now the most recent
    vectors.text("green")  # evicts blue
    vectors.text("red")
    vectors.text("blue")
    assert asked == [["red"], ["blue"], ["green"], ["blue"]]


# --- image terms ----------------------------------------------------------------------------------
def test_an_outside_file_embeds_as_the_indexer_would_store_it(
    tmp_path: Path, model: ClipModel
) -> None:
    library_photo = solid_colour_image(tmp_path / "photos" / "red.jpg", "red", size=(400, 300))
    outside = solid_colour_image(tmp_path / "elsewhere" / "red.png", "red", size=(300, 500))
    with Library(app_paths().ensure()) as library:
        Indexer(library, model, decode_threads=1).run([library_photo.parent])
        store = library.store
        model_id = store.find_model(model.name)
        file_id = store.file_id(str(library_photo))
        assert model_id is not None and file_id is not None
        stored = store.vector_of(model_id, file_id)
        assert stored is not None
        term = image_term(outside)
        assert term.image is not None
        vector, used = QueryVectors(store, model).image(term.image, model_id)
    assert used == frozenset(), "an outside file is no library photo to leave out"
    assert _cos(vector, stored) > 0.99
    assert np.linalg.norm(vector) == pytest.approx(1.0, abs=1e-5)


def test_a_library_photo_uses_its_stored_vector(
    tmp_path: Path, store: Store, vectors: QueryVectors
) -> None:
    photo = solid_colour_image(tmp_path / "photos" / "red.jpg", "red")
    distinctive = np.linspace(-1.0, 1.0, DIM, dtype=np.float32)
    model_id, file_id = _library_photo(store, photo, 3.0 * distinctive)
    source = ImagePaths((str(photo),), "red.jpg")
    vector, used = vectors.image(source, model_id)
    assert used == {file_id}
    assert np.allclose(vector, distinctive / np.linalg.norm(distinctive), atol=1e-6)
    # another model has no vector for it: the photo is decoded and embedded instead
    other_id = store.model_id("another", DIM)
    decoded, none_used = vectors.image(source, other_id)
    assert none_used == frozenset() and _cos(decoded, _axis("red")) > 0.99


def test_only_positive_library_photos_are_left_out_of_the_results(
    tmp_path: Path, store: Store, vectors: QueryVectors
) -> None:
    photo = solid_colour_image(tmp_path / "photos" / "red.jpg", "red")
    model_id, file_id = _library_photo(store, photo, _axis("red"))
    source = ImagePaths((str(photo),), "red.jpg")
    liked = vectors.of(parse_query("[red.jpg] + blue", {"red.jpg": source}), model_id)
    assert liked.photo_ids == {file_id}
    disliked = vectors.of(parse_query("blue - [red.jpg]", {"red.jpg": source}), model_id)
    assert disliked.photo_ids == frozenset()
    assert _cos(disliked.vector, _axis("red")) < 0 < _cos(disliked.vector, _axis("blue"))


def test_several_photos_are_their_mean(tmp_path: Path, store: Store, vectors: QueryVectors) -> None:
    red = solid_colour_image(tmp_path / "photos" / "red.jpg", "red")
    blue = solid_colour_image(tmp_path / "outside" / "blue.jpg", "blue")
    green = solid_colour_image(tmp_path / "outside" / "green.jpg", "green")
    model_id, red_id = _library_photo(store, red, _axis("red"))
    source = ImagePaths((str(red), str(blue), str(green)), "3 photos")
    vector, used = vectors.image(source, model_id)
    assert used == {red_id}
    for colour in ("red", "blue", "green"):
        assert _cos(vector, _axis(colour)) == pytest.approx(np.sqrt(1 / 3), abs=0.02)


def test_text_and_image_terms_mix(tmp_path: Path, vectors: QueryVectors) -> None:
    blue = solid_colour_image(tmp_path / "blue.jpg", "blue")
    vector = vectors.of(parse_query(f"{blue} + red", cwd=tmp_path), model_id=1).vector
    assert _cos(vector, _axis("red")) == pytest.approx(_cos(vector, _axis("blue")), abs=0.02)
    assert _cos(vector, _axis("red")) > 0.6


@pytest.mark.parametrize("mode", ["RGBA", "P", "L", "CMYK"])
def test_pasted_pixels_in_any_mode(vectors: QueryVectors, mode: str) -> None:
    colour = "white" if mode == "L" else "purple"
    rgb = tuple(round(c * 255) for c in COLOURS[colour])
    image = Image.new("RGB", (90, 60), rgb).convert(mode)
    pasted = ImagePixels(image, "pasted image")
    vector, used = vectors.image(pasted, model_id=1)
    assert used == frozenset()
    assert _cos(vector, _axis(colour)) > 0.99
    query = vectors.of(parse_query("[pasted image] - red", {"pasted image": pasted}), 1)
    assert _cos(query.vector, _axis(colour)) > 0.5


def test_a_transparent_paste_reads_as_paper(vectors: QueryVectors) -> None:
    """Transparent pixels are flattened on white (as the indexer does), not read as black."""
    clear = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    vector, _ = vectors.image(ImagePixels(clear, "pasted image"), model_id=1)
    assert _cos(vector, _axis("white")) > 0.99


def test_an_unreadable_image_is_named_with_the_reason(
    tmp_path: Path, vectors: QueryVectors
) -> None:
    fake = tmp_path / "notes.jpg"
    fake.write_text("not an image at all, just text")
    term = Term(1.0, image=ImagePaths((str(fake),), fake.name))
    with pytest.raises(QueryError) as raised:
        vectors.of(Query((term,), str(fake)), model_id=1)
    assert raised.value.message == f"The image {fake} cannot be read: not a supported image format."
    assert "JPEG or PNG" in raised.value.hint
    empty = tmp_path / "empty.png"
    empty.touch()
    with pytest.raises(QueryError, match=r"empty\.png cannot be read: empty file"):
        vectors.image(ImagePaths((str(empty),), empty.name), model_id=1)


def test_an_image_gone_since_the_query_was_typed_is_named(
    tmp_path: Path, vectors: QueryVectors
) -> None:
    photo = solid_colour_image(tmp_path / "red.jpg", "red")
    query = parse_query(str(photo))
    photo.unlink()
    with pytest.raises(QueryError) as raised:
        vectors.of(query, model_id=1)
    assert raised.value.message == f"There is no image file {photo}."
