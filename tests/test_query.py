"""The query language: operators, weights, quotes, brackets, paths, and a clear error for every
query that does not parse (each says what is wrong and how to fix it)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

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
from gallery.text import Text
from tests.support.tiny_models import solid_colour_image


def _words(query: Query) -> list[tuple[float, str | None]]:
    return [(term.weight, term.text) for term in query.terms]


def _error(
    text: str, attachments: dict[str, ImageSource] | None = None, cwd: Path | None = None
) -> QueryError:
    with pytest.raises(QueryError) as raised:
        parse_query(text, attachments, cwd=cwd)
    return raised.value


# --- operators and terms --------------------------------------------------------------------------
def test_plus_and_minus_join_terms_of_several_words() -> None:
    query = parse_query("horse  +  stripes on grass - zoo")
    assert _words(query) == [(1.0, "horse"), (1.0, "stripes on grass"), (-1.0, "zoo")]
    assert query.text == "horse  +  stripes on grass - zoo"
    assert not query.empty


def test_operators_need_spaces_so_hyphens_stay_words() -> None:
    assert _words(parse_query("t-shirt")) == [(1.0, "t-shirt")]
    assert _words(parse_query("a -b +c")) == [(1.0, "a -b +c")]
    assert _words(parse_query("apple - fruit")) == [(1.0, "apple"), (-1.0, "fruit")]


def test_an_empty_query_browses() -> None:
    for text in ("", "   "):
        query = parse_query(text)
        assert query.empty and query.terms == () and query.text == ""


def test_a_leading_minus_leaves_a_term_out() -> None:
    assert _words(parse_query("- people + beach")) == [(-1.0, "people"), (1.0, "beach")]


# --- weights ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2:dog", [(2.0, "dog")]),
        ("0.5:dog", [(0.5, "dog")]),
        (".5:dog", [(0.5, "dog")]),
        ("cat - 1.5:dog", [(1.0, "cat"), (-1.5, "dog")]),
        ('"2:golden retriever" + pool', [(2.0, "golden retriever"), (1.0, "pool")]),
        ('2:"golden retriever"', [(2.0, "golden retriever")]),
        ("2: beach", [(2.0, "beach")]),
        # rclip reads a time at the start of a term as a weight, and so do we
        ("3:30 pm", [(3.0, "30 pm")]),
        ("1:3:30 pm", [(1.0, "3:30 pm")]),
        # only at the start of a term, and only as digits
        ("beach 2:sunset", [(1.0, "beach 2:sunset")]),
        ("x:dog", [(1.0, "x:dog")]),
        ('2":dog"', [(1.0, "2:dog")]),
    ],
)
def test_weight_prefixes(text: str, expected: list[tuple[float, str]]) -> None:
    assert _words(parse_query(text)) == expected


def test_a_weight_before_a_bracket_or_a_path(tmp_path: Path) -> None:
    photo = solid_colour_image(tmp_path / "pool.jpg", "blue")
    source = ImagePaths(("/photos/IMG_1.jpg",), "IMG_1.jpg")
    query = parse_query("2:[IMG_1.jpg] - 0.5:./pool.jpg", {"IMG_1.jpg": source}, cwd=tmp_path)
    assert query.terms == (
        Term(2.0, image=source),
        Term(-0.5, image=ImagePaths((str(photo),), "pool.jpg")),
    )


@pytest.mark.parametrize(
    ("text", "message", "hint"),
    [
        (
            "2:",
            "The weight “2:” has no term after it.",
            "Write the term right after it, e.g. “2:beach”.",
        ),
        ("beach + 0.5:", "The weight “0.5:” has no term after it.", "e.g. “0.5:beach”"),
        ('"2:"', "The weight “2:” has no term after it.", "Write the term right after it"),
        ("0:beach", "The weight 0 leaves out “beach”.", "Use a weight above 0, such as “0.5:”"),
        ("cat + 0.0:dog", "The weight 0 leaves out “dog”.", "or remove the term."),
    ],
)
def test_bad_weights(text: str, message: str, hint: str) -> None:
    error = _error(text)
    assert error.message == message and hint in error.hint


# --- quotes and brackets ------------------------------------------------------------------------
def test_quotes_keep_operators_and_spaces_as_words() -> None:
    assert _words(parse_query('"salt + pepper" - "a  b"')) == [
        (1.0, "salt + pepper"),
        (-1.0, "a  b"),
    ]
    assert _words(parse_query('cat "+" dog')) == [(1.0, "cat + dog")]
    assert _words(parse_query('say "cheese"')) == [(1.0, "say cheese")]


def test_brackets_name_attached_images() -> None:
    photo = ImagePaths(("/photos/a.jpg", "/photos/b.jpg"), "2 photos")
    pasted = ImagePixels(Image.new("RGB", (4, 4)), "pasted image")
    query = parse_query(
        "[2 photos] + at night - [pasted image]", {"2 photos": photo, "pasted image": pasted}
    )
    assert query.terms == (
        Term(1.0, image=photo),
        Term(1.0, text="at night"),
        Term(-1.0, image=pasted),
    )
    # brackets inside a word, or quoted, are just characters
    assert _words(parse_query('photo[1] + "[x]"')) == [(1.0, "photo[1]"), (1.0, "[x]")]


def test_brackets_work_without_paths_as_images() -> None:
    photo = ImagePaths(("/photos/a.jpg",), "a.jpg")
    query = parse_query("[a.jpg] - a.jpg", {"a.jpg": photo}, paths_as_images=False)
    assert query.terms == (Term(1.0, image=photo), Term(-1.0, text="a.jpg"))


@pytest.mark.parametrize(
    ("text", "message", "hint"),
    [
        (
            'beach "sunset at',
            "The quote before “sunset at” is not closed.",
            "Add the closing quote, or remove the opening one.",
        ),
        ('beach "', "The query ends with an opening quote.", "Add the closing quote"),
        (
            "[IMG_1.jpg + beach",
            "The bracket “[IMG_1.jpg + beach” is not closed.",
            "Add “]” after the image's name, or remove “[”.",
        ),
        ('""', "The query has empty quotes.", "Put words between the quotes, or remove them."),
        ('cat + ""', "The query has empty quotes.", "Put words between the quotes"),
        (
            "[photo] at night",
            "“[photo] at night” mixes an image and words in one term.",
            "Join them with “ + ” or “ - ”, e.g. “[photo] + at night”.",
        ),
        (
            "[nobody]",
            "No image is attached as “[nobody]”.",
            "Attach the image again, or remove “[nobody]” from the query.",
        ),
    ],
)
def test_quote_and_bracket_errors(text: str, message: str, hint: str) -> None:
    error = _error(text, {"photo": ImagePaths(("/a.jpg",), "a.jpg")})
    assert error.message == message and hint in error.hint


def test_a_long_unclosed_quote_is_quoted_short() -> None:
    error = _error('"' + "very " * 20)
    assert error.message.startswith("The quote before “very very") and "…”" in error.message
    assert len(error.message) < 60


# --- paths ----------------------------------------------------------------------------------------
def test_paths_are_image_terms_resolved_to_absolute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    here = tmp_path / "here"
    files = {
        name: solid_colour_image(path, "red")
        for name, path in {
            "abs": tmp_path / "abs dir" / "x.png",
            "rel": here / "sub" / "y.jpg",
            "up": tmp_path / "up.jpg",
            "home": home / "h.webp",
            "bare": here / "IMG_1.JPG",
        }.items()
    }
    query = parse_query(
        f"{files['abs']} + ./sub/y.jpg + ../up.jpg + ~/h.webp + IMG_1.JPG", cwd=here
    )
    assert [term.image for term in query.terms] == [
        ImagePaths((str(path),), path.name) for path in files.values()
    ]
    assert all(
        Path(term.image.paths[0]).is_absolute()
        for term in query.terms
        if isinstance(term.image, ImagePaths)
    )


def test_a_quoted_path_keeps_its_spaces(tmp_path: Path) -> None:
    photo = solid_colour_image(tmp_path / "my  photos" / "pool.jpg", "blue")
    query = parse_query(f'"2:{photo}" + sunny', cwd=tmp_path)
    assert query.terms == (
        Term(2.0, image=ImagePaths((str(photo),), "pool.jpg")),
        Term(1.0, text="sunny"),
    )


def test_relative_paths_resolve_against_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    photo = solid_colour_image(tmp_path / "a.jpg", "red")
    monkeypatch.chdir(tmp_path)
    assert parse_query("a.jpg").terms == (Term(1.0, image=ImagePaths((str(photo),), "a.jpg")),)
    assert image_term("a.jpg", 0.5) == Term(0.5, image=ImagePaths((str(photo),), "a.jpg"))


def test_what_is_not_a_path_stays_words(tmp_path: Path) -> None:
    assert _words(parse_query("a photo.jpg", cwd=tmp_path)) == [(1.0, "a photo.jpg")]
    assert _words(parse_query("notes.txt", cwd=tmp_path)) == [(1.0, "notes.txt")]
    assert _words(parse_query("/photos/x.jpg + ./y", paths_as_images=False)) == [
        (1.0, "/photos/x.jpg"),
        (1.0, "./y"),
    ]


def test_a_missing_file_or_a_folder_is_named(tmp_path: Path) -> None:
    missing = _error("beach - /x/y.jpg")
    assert missing.message == "There is no image file /x/y.jpg."
    assert missing.hint == "Check the path and the file name."
    assert (
        _error("IMG_9.jpg", cwd=tmp_path).message
        == f"There is no image file {tmp_path / 'IMG_9.jpg'}."
    )
    folder = _error(f"{tmp_path}/")
    assert folder.message == f"{tmp_path} is a folder, not an image file."
    assert folder.hint == "Name an image file inside it."
    with pytest.raises(QueryError, match="There is no image file"):
        image_term(tmp_path / "nope.png")
    nobody = _error("~nosuchuser_lumen/x.jpg")
    assert nobody.message == "There is no image file ~nosuchuser_lumen/x.jpg."


# --- operator errors --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "message", "hint"),
    [
        ("beach + ", "The query ends with “+”.", "Add a term after it, or remove it."),
        ("beach -", "The query ends with “-”.", "Add a term after it, or remove it."),
        ("-", "The query ends with “-”.", "Add a term after it, or remove it."),
        ("+ beach", "The query starts with “+”.", "Add a term before it, or remove it."),
        ("+", "The query starts with “+”.", "Add a term before it, or remove it."),
        (
            "a + + b",
            "There is no term between “+” and “+” after “a”.",
            "Add a term between them, or remove one.",
        ),
        (
            "sea at dawn - + b",
            "There is no term between “-” and “+” after “sea at dawn”.",
            "Add a term between them, or remove one.",
        ),
        ("- - a", "The query starts with “- -”.", "Add a term between them, or remove one."),
        (
            "- beach",
            "The query has only terms to leave out.",
            "Add something to look for before “ - ”, e.g. “beach - people”.",
        ),
        ("- beach - 2:sand", "The query has only terms to leave out.", "e.g. “beach - people”"),
    ],
)
def test_operator_errors(text: str, message: str, hint: str) -> None:
    error = _error(text)
    assert error.message == message and hint in error.hint
    assert str(error) == f"{message} {error.hint}"


def test_extra_terms_join_before_the_checks(tmp_path: Path) -> None:
    photo = image_term(solid_colour_image(tmp_path / "p.jpg", "red"))
    query = parse_query("- people", extra=(photo,))
    assert query.terms == (Term(-1.0, text="people"), photo) and query.text == "- people"
    only_image = parse_query("", extra=(photo,))
    assert only_image.terms == (photo,) and only_image.text == "" and not only_image.empty


def test_errors_are_sentences_the_app_can_translate() -> None:
    error = _error("a + + b")
    assert isinstance(error.message, Text) and isinstance(error.hint, Text)
    assert error.message.template == (
        "There is no term between “{first}” and “{second}” after “{before}”."
    )
    assert error.message.values == {"first": "+", "second": "+", "before": "a"}
