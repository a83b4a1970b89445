"""The query language: what a person types into the search box or after `gallery search`.

rclip's arithmetic, extended: terms joined by ` + ` and ` - `, each optionally weighted and each
either words or an image. Operators are whole tokens, so "t-shirt" and "-b" stay words; the
tokens between two operators form one term. A weight prefix (`2:`, `0.5:`, `.5:`) starts a
term, also inside quotes (`"2:golden retriever"`) and before a bracket or a path
(`2:[IMG_1.jpg]`, `0.5:./pool.jpg`). Like rclip, "3:30 pm" therefore reads as the words
"30 pm" at weight 3; a time or a ratio that starts a term needs a weight before it ("1:3:30 pm")
to stay words. `[label]` names an image the front end attached (dropped, pasted, "More Like
These"); with `paths_as_images` a term that looks like a path names an image file. Parsing
checks everything it can without the model, so a typo is reported before any photo is
searched; whether an image decodes is `query_vector`'s business.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from gallery.errors import UserError
from gallery.imaging.formats import IMAGE_EXTENSIONS
from gallery.text import say


class QueryError(UserError):
    """A query that does not parse, or an image term that cannot be read."""


@dataclass(frozen=True)
class ImagePaths:
    """Photos named by path: library photos (their stored vectors) or outside files."""

    paths: tuple[str, ...]  # absolute
    label: str  # how the query shows it: "IMG_0042.jpg", "4 photos"


@dataclass(frozen=True, eq=False)
class ImagePixels:
    """An image pasted from the clipboard: embedded on the fly, never added to the library."""

    image: Image.Image
    label: str  # "pasted image"


ImageSource = ImagePaths | ImagePixels


@dataclass(frozen=True)
class Term:
    weight: float  # signed: a term after " - " is negative
    text: str | None = None
    image: ImageSource | None = None


@dataclass(frozen=True)
class Query:
    terms: tuple[Term, ...]
    text: str  # as typed ("" for none)

    @property
    def empty(self) -> bool:
        """No terms: the front ends browse by filter."""
        return not self.terms


_OPERATORS = frozenset({"+", "-"})
_WEIGHT = re.compile(r"(\d+(?:\.\d+)?|\.\d+):")
_LABEL = re.compile(r"\[([^\]]*)\]")
# /abs, ./rel, ../rel, ~ and ~user, and Windows' C:\ or C:/ and .\ or ..\
_PATH_START = re.compile(r"/|\.{1,2}[/\\]|~|[A-Za-z]:[/\\]")
_SNIPPET = 24  # characters of the query an error quotes


@dataclass(frozen=True)
class _Token:
    raw: str  # as typed, quotes included: an operator only when unquoted
    text: str  # quotes removed


def parse_query(
    text: str,
    attachments: Mapping[str, ImageSource] | None = None,
    *,
    paths_as_images: bool = True,
    cwd: Path | None = None,
    extra: Sequence[Term] = (),
) -> Query:
    """Parse `text` into terms; QueryError says what is wrong and how to fix it.

    `attachments` are the images `[label]` may name; relative paths resolve against `cwd`
    (default: the working directory). `extra` terms (the CLI's `--image FILE`s) join the
    typed ones before the checks, so "- people" with an image is a query, alone it is not.
    """
    groups = _groups(_tokens(text))
    terms = [
        _term(sign, tokens, attachments or {}, paths_as_images, cwd) for sign, tokens in groups
    ]
    terms.extend(extra)
    if terms and all(term.weight < 0 for term in terms):
        raise QueryError(
            say("The query has only terms to leave out."),
            say("Add something to look for before “ - ”, e.g. “beach - people”."),
        )
    return Query(tuple(terms), text.strip())


def image_term(path: str | Path, weight: float = 1.0) -> Term:
    """An image file as a term (`--image FILE`): resolved, and checked that it exists."""
    found = _image_file(str(path), None)
    return Term(weight, image=ImagePaths((str(found),), found.name))


def _tokens(text: str) -> list[_Token]:
    """Split on whitespace outside "quotes" and [brackets]; an unclosed one is an error."""
    tokens: list[_Token] = []
    raw: list[str] = []
    inner: list[str] = []
    closing = ""  # the character that ends the quote or bracket we are in, if any
    opened = 0  # where that quote or bracket opened
    for at, char in enumerate(text):
        if closing:
            raw.append(char)
            if char == closing == '"':
                closing = ""
                continue
            inner.append(char)
            if char == closing:
                closing = ""
        elif char.isspace():
            if raw:
                tokens.append(_Token("".join(raw), "".join(inner)))
                raw, inner = [], []
        else:
            raw.append(char)
            if char == '"':
                closing, opened = '"', at
                continue
            inner.append(char)
            if char == "[":
                closing, opened = "]", at
    if closing == '"':
        rest = _snippet(text[opened + 1 :])
        raise QueryError(
            say("The quote before “{rest}” is not closed.", rest=rest)
            if rest
            else say("The query ends with an opening quote."),
            say("Add the closing quote, or remove the opening one."),
        )
    if closing:
        raise QueryError(
            say("The bracket “{rest}” is not closed.", rest=_snippet(text[opened:])),
            say("Add “]” after the image's name, or remove “[”."),
        )
    if raw:
        tokens.append(_Token("".join(raw), "".join(inner)))
    return tokens


def _snippet(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _SNIPPET else text[: _SNIPPET - 1] + "…"


def _groups(tokens: list[_Token]) -> list[tuple[int, list[_Token]]]:
    """The tokens of each term with its sign; a leading " - " is allowed (the only-negative
    check comes later), a leading " + " and two operators in a row are not."""
    groups: list[tuple[int, list[_Token]]] = []
    operator: str | None = None  # the operator before the term being read
    current: list[_Token] = []
    for token in tokens:
        if token.raw not in _OPERATORS:
            current.append(token)
            continue
        if current:
            groups.append((-1 if operator == "-" else 1, current))
            current, operator = [], token.raw
        elif operator is None and not groups and token.raw == "-":
            operator = "-"
        elif operator is None:
            raise QueryError(
                say("The query starts with “{operator}”.", operator=token.raw),
                say("Add a term before it, or remove it."),
            )
        elif groups:
            before = _snippet(" ".join(t.text for t in groups[-1][1]))
            raise QueryError(
                say(
                    "There is no term between “{first}” and “{second}” after “{before}”.",
                    first=operator,
                    second=token.raw,
                    before=before,
                ),
                say("Add a term between them, or remove one."),
            )
        else:
            raise QueryError(
                say("The query starts with “{first} {second}”.", first=operator, second=token.raw),
                say("Add a term between them, or remove one."),
            )
    if current:
        groups.append((-1 if operator == "-" else 1, current))
    elif operator is not None:
        raise QueryError(
            say("The query ends with “{operator}”.", operator=operator),
            say("Add a term after it, or remove it."),
        )
    return groups


def _term(
    sign: int,
    tokens: list[_Token],
    attachments: Mapping[str, ImageSource],
    paths_as_images: bool,
    cwd: Path | None,
) -> Term:
    weight, tokens = _weight(tokens)
    labels = [_LABEL.fullmatch(token.raw) for token in tokens]
    label = next((match.group(1) for match in labels if match), None)
    text = " ".join(token.text for token in tokens).strip()
    if label is not None:
        if len(tokens) > 1:
            raise QueryError(
                say("“{term}” mixes an image and words in one term.", term=_snippet(text)),
                say("Join them with “ + ” or “ - ”, e.g. “[photo] + at night”."),
            )
        source = attachments.get(label)
        if source is None:
            raise QueryError(
                say("No image is attached as “[{label}]”.", label=label),
                say("Attach the image again, or remove “[{label}]” from the query.", label=label),
            )
        return Term(sign * weight, image=source)
    if not text:
        raise QueryError(
            say("The query has empty quotes."),
            say("Put words between the quotes, or remove them."),
        )
    if paths_as_images and _names_a_file(text, len(tokens)):
        path = _image_file(text, cwd)
        return Term(sign * weight, image=ImagePaths((str(path),), path.name))
    return Term(sign * weight, text=text)


def _weight(tokens: list[_Token]) -> tuple[float, list[_Token]]:
    """Take a weight prefix off the term's first token (inside its opening quote, too)."""
    first = tokens[0]
    match = _WEIGHT.match(first.text)
    skip = 1 if first.raw.startswith('"') else 0  # the prefix sits after the opening quote
    if match is None or not first.raw.startswith(match.group(0), skip):
        return 1.0, tokens
    prefix = match.group(0)
    rest = _Token(first.raw[:skip] + first.raw[skip + len(prefix) :], first.text[len(prefix) :])
    remaining = [rest, *tokens[1:]] if rest.raw.strip('"') or rest.text else tokens[1:]
    if not remaining:
        raise QueryError(
            say("The weight “{weight}” has no term after it.", weight=prefix),
            say("Write the term right after it, e.g. “{weight}beach”.", weight=prefix),
        )
    weight = float(match.group(1))
    if weight == 0:
        term = _snippet(" ".join(token.text for token in remaining))
        raise QueryError(
            say("The weight 0 leaves out “{term}”.", term=term),
            say("Use a weight above 0, such as “0.5:”, or remove the term."),
        )
    return weight, remaining


def _names_a_file(text: str, tokens: int) -> bool:
    """Starts like a path, or is one word with an image file's extension ("IMG_1.jpg")."""
    if _PATH_START.match(text):
        return True
    return tokens == 1 and Path(text).suffix.lower() in IMAGE_EXTENSIONS


def _image_file(text: str, cwd: Path | None) -> Path:
    """`text` as an absolute, resolved path of an existing file (`~` expanded); `cwd` is asked
    for only when needed (the working directory may have been deleted)."""
    path = Path(text)
    try:
        path = path.expanduser()
        path = (path if path.is_absolute() else (cwd or Path.cwd()) / path).resolve()
    except (RuntimeError, OSError):  # ~nosuchuser, a symlink loop, no working directory
        pass
    if path.is_dir():
        raise QueryError(
            say("{path} is a folder, not an image file.", path=path),
            say("Name an image file inside it."),
        )
    if not path.is_file():
        raise no_such_image(path)
    return path


def no_such_image(path: str | Path) -> QueryError:
    """The error for an image term whose file is not there (typed, or gone since)."""
    return QueryError(
        say("There is no image file {path}.", path=path),
        say("Check the path and the file name."),
    )
