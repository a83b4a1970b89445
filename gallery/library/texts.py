"""Text in photos in SQLite (migration 4): what the text pass found, and finding photos by it.

Each photo the pass has read has a `text_status` row (its line count, 0 for no text, or the
reason it failed), so nothing is read twice and a failure is never retried in a loop; a
changed file gets a new id and is read again. Its lines keep their boxes and confidence.

Search runs over each photo's folded text (case and accents removed here, in Python, the same
way for the text and the query: SQLite's trigram tokenizer learned `remove_diacritics` only in
3.45). A word of 3+ characters is a substring match through the trigram index; a shorter one
(a 2-character Chinese word, "5k") through the index of character pairs, where a pair is a
token and a 1-character word matches the pairs it starts (and each run's last character).
SQLite's trigram LIKE cannot stand in: below 3 characters it scans every row, and before 3.44
it finds nothing at all for a 2-character CJK pattern.
"""

from __future__ import annotations

import json
import time
import unicodedata
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gallery.ml.ocr import TextLine

if TYPE_CHECKING:
    from gallery.library.store import FileRow, Store

_DECODED_PENDING = (
    "f.error IS NULL AND f.width IS NOT NULL AND NOT EXISTS "
    "(SELECT 1 FROM text_status t WHERE t.file_id = f.id)"
)
# Words shorter than this go to the index of pairs.
TRIGRAM = 3


@dataclass(frozen=True)
class TextCounts:
    done: int  # read, with or without text
    pending: int  # decoded photos not read yet
    failed: int


def fold(text: str) -> str:
    """Case- and accent-free: NFKD (full-width forms become ASCII), the combining accents of
    Latin, Greek and Cyrillic dropped (a kana's voicing marks kept), casefolded, recomposed."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not 0x300 <= ord(ch) <= 0x36F)
    return unicodedata.normalize("NFC", bare.casefold())


def _pairs(folded: str) -> str:
    """The pair tokens of folded text: each run of letters and digits as its overlapping
    pairs and its last character, space-separated."""
    tokens: list[str] = []
    for word in "".join(ch if ch.isalnum() else " " for ch in folded).split():
        tokens.extend(word[i : i + 2] for i in range(len(word) - 1))
        tokens.append(word[-1])
    return " ".join(tokens)


def _phrase(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def query_words(text: str) -> list[str]:
    """The folded words a photo's text must all contain (each short word reduced to its
    letters and digits; nothing left of one drops it). Beside other words, a one-letter word
    ("a dog on a beach") is left out: nearly every text holds it, and as a prefix of pairs it
    was the costliest part of the search (100k photos: 14 ms of an ordinary query's 29)."""
    words = []
    for word in fold(text).split():
        if len(word) < TRIGRAM:
            word = "".join(ch for ch in word if ch.isalnum())
        if word:
            words.append(word)
    words = list(dict.fromkeys(words))
    if len(words) > 1:
        words = [w for w in words if len(w) > 1 or _is_cjk(w)] or words
    return words


def _is_cjk(text: str) -> bool:
    """Any character of the CJK blocks and beyond (a single one is a word there)."""
    return any(ord(ch) >= 0x2E80 for ch in text)


# the pass ----------------------------------------------------------------------------------
def pending(store: Store, after_id: int, limit: int) -> list[FileRow]:
    """Decoded photos the pass has not read, by id after `after_id`, at most `limit`."""
    from gallery.library.store import _file_row

    rows = store.db.execute(
        f"SELECT id, path, size, mtime_ns FROM files f WHERE {_DECODED_PENDING} AND id > ? "
        "ORDER BY id LIMIT ?",
        (after_id, limit),
    )
    return [_file_row(r) for r in rows]


def counts(store: Store) -> TextCounts:
    done, failed = store.db.execute(
        "SELECT COUNT(*) - COUNT(t.error), COUNT(t.error) FROM text_status t"
    ).fetchone()
    waiting = store.db.execute(f"SELECT COUNT(*) FROM files f WHERE {_DECODED_PENDING}")
    return TextCounts(int(done), int(waiting.fetchone()[0]), int(failed))


def record(
    store: Store,
    read: Sequence[tuple[int, Sequence[TextLine]]],
    failures: Sequence[tuple[int, str]],
) -> None:
    """One batch in one transaction: each photo's lines (none: no text) or failure. A file
    deleted or changed meanwhile (its id gone) is skipped."""
    now = time.time()
    db = store.db
    with store.transaction():
        alive = {
            r[0]
            for r in store._rows_in(
                "SELECT id FROM files WHERE id IN ({marks})",
                [file_id for file_id, _ in read] + [file_id for file_id, _ in failures],
            )
        }
        for file_id, lines in read:
            if file_id not in alive:
                continue
            added = db.execute(
                "INSERT OR IGNORE INTO text_status(file_id, lines, error, read_at) "
                "VALUES (?, ?, NULL, ?)",
                (file_id, len(lines), now),
            )
            if not added.rowcount:
                continue  # read already
            db.executemany(
                "INSERT INTO text_lines(file_id, line, text, box, confidence) VALUES (?,?,?,?,?)",
                [
                    (file_id, n, line.text, json.dumps(line.as_dict()["box"]), line.confidence)
                    for n, line in enumerate(lines)
                ],
            )
            if lines:
                body = "\n".join(fold(line.text) for line in lines)
                db.execute("INSERT INTO text_trigrams(rowid, body) VALUES (?, ?)", (file_id, body))
                db.execute(
                    "INSERT INTO text_pairs(rowid, body) VALUES (?, ?)", (file_id, _pairs(body))
                )
        db.executemany(
            "INSERT OR IGNORE INTO text_status(file_id, lines, error, read_at) VALUES (?, 0, ?, ?)",
            [(file_id, reason, now) for file_id, reason in failures if file_id in alive],
        )


# reading it back ---------------------------------------------------------------------------
def lines_of(store: Store, file_id: int) -> list[TextLine]:
    rows = store.db.execute(
        "SELECT text, box, confidence FROM text_lines WHERE file_id = ? ORDER BY line",
        (file_id,),
    )
    return [_line(text, box, confidence) for text, box, confidence in rows]


def status_of(store: Store, file_id: int) -> tuple[int, str | None] | None:
    """(lines, error) once the pass has read the photo; None before."""
    row = store.db.execute(
        "SELECT lines, error FROM text_status WHERE file_id = ?", (file_id,)
    ).fetchone()
    return None if row is None else (int(row[0]), row[1])


def _line(text: str, box: str, confidence: float) -> TextLine:
    corners = [(float(x), float(y)) for x, y in json.loads(box)]
    return TextLine(text, (corners[0], corners[1], corners[2], corners[3]), confidence)


# search ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TextMatches:
    ids: list[int]  # photos whose text holds every word, newest ids first
    more: bool  # more photos match than the limit
    whole: frozenset[int]  # of them, those holding the words in the order typed


def find(
    store: Store,
    words: Sequence[str],
    limit: int,
    allowed: AbstractSet[int] | None = None,
    excluded: AbstractSet[int] = frozenset(),
) -> TextMatches:
    """The photos whose text contains every word, among `allowed` (None: all) and not in
    `excluded`, newest ids first, at most `limit`."""
    if not words:
        return TextMatches([], False, frozenset())
    selects: list[str] = []
    params: list[object] = []
    long = [w for w in words if len(w) >= TRIGRAM]
    short = [w for w in words if len(w) < TRIGRAM]
    if long:
        selects.append("SELECT rowid FROM text_trigrams WHERE text_trigrams MATCH ?")
        params.append(" AND ".join(map(_phrase, long)))
    if short:
        selects.append("SELECT rowid FROM text_pairs WHERE text_pairs MATCH ?")
        params.append(" AND ".join(_phrase(w) + ("" if len(w) == 2 else " *") for w in short))
    query = f"SELECT rowid FROM ({' INTERSECT '.join(selects)}) ORDER BY rowid DESC"
    if allowed is None and not excluded:
        query += " LIMIT ?"
        params.append(limit + 1)
    found = (int(r[0]) for r in store.db.execute(query, params))
    ids = [
        file_id
        for file_id in found
        if (allowed is None or file_id in allowed) and file_id not in excluded
    ]
    more = len(ids) > limit
    ids = ids[:limit]
    whole = frozenset(ids)
    if len(words) > 1:
        phrase = " ".join(words)
        whole = frozenset(file_id for file_id, body in _bodies(store, ids) if phrase in body)
    return TextMatches(ids, more, whole)


def _bodies(store: Store, ids: Sequence[int]) -> Iterable[tuple[int, str]]:
    yield from store._rows_in("SELECT rowid, body FROM text_trigrams WHERE rowid IN ({marks})", ids)


def matching_lines(store: Store, ids: Sequence[int], words: Sequence[str]) -> dict[int, str]:
    """Each photo's line that best shows why it matched: the first holding the whole query,
    else the one holding the most of its words."""
    whole = " ".join(words)
    found: dict[int, tuple[tuple[bool, int], str]] = {}
    rows = store._rows_in(
        "SELECT file_id, text FROM text_lines WHERE file_id IN ({marks}) ORDER BY file_id, line",
        ids,
    )
    for file_id, text in rows:
        folded = fold(text)
        rank = (whole in folded, sum(word in folded for word in words))
        if file_id not in found or rank > found[file_id][0]:
            found[file_id] = (rank, text)
    return {file_id: text for file_id, (_, text) in found.items()}
