"""The status line: what the grid shows, or while indexing how far it has come, plus the
outcome of the last run and any message the window has for the person."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QLabel, QWidget

from gallery import formatting
from gallery.errors import GalleryError, UserError
from gallery.library.indexer import IndexProgress, IndexSummary
from gallery.ui.i18n import number, translated
from gallery.ui.messages import error_text
from gallery.ui.search_controller import Answer


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
            text = self.tr("Paused — {progress}") if self._paused else "{progress}"
            text = text.format(progress=self._indexing)
        self.setText(text)

    def scanning_text(self) -> str:
        return self.tr("Scanning…")

    def progress_text(self, progress: IndexProgress) -> str:
        done, total, failed = progress.done, progress.total, progress.failed
        if progress.stage == "scan":
            return self.tr("Scanning… %Ln files found", "", done)
        if progress.stage == "fingerprints":
            return self.tr("Checking photos for duplicates: {done} of {total}").format(
                done=number(done), total=number(total)
            )
        if progress.stage == "text":
            parts = [
                self.tr("Reading text in photos: {done} of {total}").format(
                    done=number(done), total=number(total)
                )
            ]
            if progress.eta_seconds is not None:
                parts.append(translated(formatting.eta(progress.eta_seconds)))
            return self.tr(", ").join(parts)
        parts = [
            self.tr("Indexing {done} of {total} — {rate} photos/s").format(
                done=number(done), total=number(total), rate=f"{progress.rate:.1f}"
            )
        ]
        if progress.eta_seconds is not None:
            parts.append(translated(formatting.eta(progress.eta_seconds)))
        if failed:
            parts.append(self.tr("%Ln skipped", "", failed))
        return self.tr(", ").join(parts)

    def summary_text(self, summary: IndexSummary) -> str:
        added, failed = summary.embedded, summary.failed
        if summary.cancelled:
            text = self.tr("Indexing cancelled: %Ln photos added", "", added)
        else:
            text = self.tr("Indexing done: %Ln photos added", "", added)
        if failed:
            text += self.tr(", %Ln could not be read", "", failed)
        return text + self.tr(".")

    @Slot(str)
    def say(self, text: str) -> None:
        self.setText(text)

    @Slot(object)
    def on_error(self, error: GalleryError) -> None:
        self.setText(error_text(error))

    @Slot(object)
    def on_answer(self, answer: Answer) -> None:
        count = len(answer.items)
        if answer.ranked:
            self._show(self.ranked_text(answer))
            return
        if answer.filtered:
            photos = self.tr("%Ln photos match the filters", "", count)
        else:
            photos = self.tr("%Ln photos", "", count)
        note = self._problem or self._note
        if note:
            photos = self.tr("{photos} — {note}").format(photos=photos, note=note)
        self._show(photos)

    def ranked_text(self, answer: Answer) -> str:
        """How many photos answer the query closely, and whether more follow below them."""
        best, query = answer.best_count, answer.query
        if answer.no_close_match:
            text = self.tr("No close match for “{query}” — showing the nearest photos")
        elif answer.more_best:
            text = self.tr("More than %Ln best matches for “{query}”", "", best)
        elif best < len(answer.items):
            text = self.tr("%Ln best matches for “{query}” — more below", "", best)
        else:
            text = self.tr("%Ln best matches for “{query}”", "", best)
        return text.format(query=query)

    @Slot(object)
    def on_nothing_matched(self, error: UserError) -> None:
        """The filters let no photo through (the message under the search box says more)."""
        self._show(translated(error.message))

    def on_model_problem(self, error: GalleryError | None) -> None:
        self._problem = error_text(error) if error is not None else ""
        if self._problem:
            self._show(self._problem)

    @Slot()
    def on_index_started(self) -> None:
        self._note, self._indexing, self._paused = "", self.scanning_text(), False
        self._show("")

    @Slot(object)
    def on_index_progress(self, progress: IndexProgress) -> None:
        self._indexing = self.progress_text(progress)
        self._show("")

    @Slot(bool)
    def on_paused(self, paused: bool) -> None:
        self._paused = paused
        self._show("")

    @Slot()
    def on_cancelling(self) -> None:
        self.setText(self.tr("Cancelling after the current batch…"))

    @Slot(object)
    def on_index_finished(self, summary: IndexSummary) -> None:
        self._indexing = ""
        self._note = self.summary_text(summary)
        self.setText(self._note)

    @Slot(object)
    def on_index_failed(self, error: GalleryError) -> None:
        self._indexing = ""
        self.on_error(error)
