"""The status line: what the grid shows, or while indexing how far it has come, plus the
outcome of the last run and any message the window has for the person."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QLabel, QWidget

from gallery import formatting
from gallery.errors import GalleryError
from gallery.library.indexer import IndexProgress, IndexSummary
from gallery.ui.messages import error_text
from gallery.ui.search_controller import Answer

SCANNING = "Scanning…"


def progress_text(progress: IndexProgress) -> str:
    if progress.stage == "scan":
        return f"{SCANNING} {progress.done:,} files found"
    parts = [
        f"Indexing {progress.done:,} of {progress.total:,} — "
        f"{formatting.rate(progress.rate, 'photos')}",
        formatting.eta(progress.eta_seconds),
        f"{progress.failed} skipped" if progress.failed else "",
    ]
    return ", ".join(part for part in parts if part)


def summary_text(summary: IndexSummary) -> str:
    verb = "Indexing cancelled" if summary.cancelled else "Indexing done"
    failed = f", {summary.failed} could not be read" if summary.failed else ""
    return f"{verb}: {summary.embedded:,} photos added{failed}."


class StatusMessage(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._indexing = ""  # how far the run in progress is; "" when none runs
        self._paused = False
        self._note = ""  # the outcome of the last run, shown beside the photo count
        self._problem = ""  # why no model can be used, shown there until one can

    def _show(self, text: str) -> None:
        """A run in progress speaks over what the grid shows."""
        if self._indexing:
            text = ("Paused — " if self._paused else "") + self._indexing
        self.setText(text)

    @Slot(str)
    def say(self, text: str) -> None:
        self.setText(text)

    @Slot(object)
    def on_error(self, error: GalleryError) -> None:
        self.setText(error_text(error))

    @Slot(object)
    def on_answer(self, answer: Answer) -> None:
        if answer.ranked:
            self._show(f"{len(answer.items)} results for {answer.query}")
        else:
            note = self._problem or self._note
            self._show(f"{len(answer.items):,} photos" + (f" — {note}" if note else ""))

    def on_model_problem(self, error: GalleryError | None) -> None:
        self._problem = error_text(error) if error is not None else ""
        if self._problem:
            self._show(self._problem)

    @Slot()
    def on_index_started(self) -> None:
        self._note, self._indexing, self._paused = "", SCANNING, False
        self._show("")

    @Slot(object)
    def on_index_progress(self, progress: IndexProgress) -> None:
        self._indexing = progress_text(progress)
        self._show("")

    @Slot(bool)
    def on_paused(self, paused: bool) -> None:
        self._paused = paused
        self._show("")

    @Slot()
    def on_cancelling(self) -> None:
        self.setText("Cancelling after the current batch…")

    @Slot(object)
    def on_index_finished(self, summary: IndexSummary) -> None:
        self._indexing = ""
        self._note = summary_text(summary)
        self.setText(self._note)

    @Slot(object)
    def on_index_failed(self, error: GalleryError) -> None:
        self._indexing = ""
        self.on_error(error)
