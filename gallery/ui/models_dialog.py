"""Models: which are installed, which one is in use, how far each has indexed the library;
switch, download, delete an old index, remove a model. The rows are the same overview that
`gallery models list` prints; `ModelActions` does the work."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLocale, Qt, Signal, SignalInstance
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gallery.library.model_overview import ModelEntry, ModelState
from gallery.ui.i18n import QT_TRANSLATE_NOOP, number, translated

translate = QCoreApplication.translate
_COLUMNS = (
    QT_TRANSLATE_NOOP("ModelsDialog", "Model"),
    QT_TRANSLATE_NOOP("ModelsDialog", "Languages"),
    QT_TRANSLATE_NOOP("ModelsDialog", "State"),
    QT_TRANSLATE_NOOP("ModelsDialog", "Indexed"),
    QT_TRANSLATE_NOOP("ModelsDialog", "Still to index"),
)
_STATES = {
    ModelState.AVAILABLE: QT_TRANSLATE_NOOP("ModelsDialog", "not installed"),
    ModelState.INSTALLED: QT_TRANSLATE_NOOP("ModelsDialog", "installed"),
    ModelState.DAMAGED: QT_TRANSLATE_NOOP("ModelsDialog", "damaged"),
}


def state_text(entry: ModelEntry) -> str:
    """The overview's state as the dialog words it; the default installed model is "in use"."""
    if entry.default and entry.installed:
        return translate("ModelsDialog", "in use")
    return translate("ModelsDialog", _STATES[entry.state])


_LANGUAGES = {
    "en": QT_TRANSLATE_NOOP("ModelsDialog", "English"),
    "zh": QT_TRANSLATE_NOOP("ModelsDialog", "Chinese"),
    "multilingual": QT_TRANSLATE_NOOP("ModelsDialog", "multilingual"),
}


def language_names(codes: tuple[str, ...]) -> str:
    """The languages a model reads, named in the interface language; others by Qt's name."""
    names = [
        translate("ModelsDialog", _LANGUAGES[code])
        if code in _LANGUAGES
        else QLocale.languageToString(QLocale(code).language())
        for code in codes
    ]
    return translate("ModelsDialog", ", ").join(names)


class ModelsDialog(QDialog):
    use_requested = Signal(str)
    download_requested = Signal(str)
    delete_index_requested = Signal(str)
    remove_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Models"))
        self.rows: list[ModelEntry] = []
        self.table = QTableWidget(0, len(_COLUMNS))
        self.table.setHorizontalHeaderLabels([translate("ModelsDialog", c) for c in _COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.use = QPushButton(self.tr("Use This Model"))
        self.download = QPushButton(self.tr("Download"))
        self.delete_index = QPushButton(self.tr("Delete Its Index"))
        self.remove = QPushButton(self.tr("Remove Model"))
        for button, signal in (
            (self.use, self.use_requested),
            (self.download, self.download_requested),
            (self.delete_index, self.delete_index_requested),
            (self.remove, self.remove_requested),
        ):
            button.clicked.connect(lambda _=False, s=signal: self._emit(s))
        self.note = QLabel(wordWrap=True)
        buttons = QHBoxLayout()
        for button in (self.use, self.download, self.delete_index, self.remove):
            buttons.addWidget(button)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(self.note)
        layout.addLayout(buttons)
        layout.addWidget(close)
        self.resize(760, 360)

    def set_rows(self, rows: list[ModelEntry]) -> None:
        selected = self.selected
        self.rows = rows
        self.table.setRowCount(len(rows))
        for i, row in enumerate(rows):
            cells = (
                row.title,
                language_names(row.languages),
                state_text(row),
                number(row.indexed),
                number(row.pending) if row.installed or row.has_index else "—",
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column >= 3:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(i, column, item)
        self.table.resizeColumnsToContents()
        names = [r.name for r in rows]
        self.table.selectRow(
            names.index(selected.name) if selected and selected.name in names else 0
        )
        self._update_buttons()

    @property
    def selected(self) -> ModelEntry | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.rows[rows[0].row()] if rows and rows[0].row() < len(self.rows) else None

    def select(self, name: str) -> None:
        for i, row in enumerate(self.rows):
            if row.name == name:
                self.table.selectRow(i)

    def _emit(self, signal: SignalInstance) -> None:
        row = self.selected
        if row is not None:
            signal.emit(row.name)

    def _update_buttons(self) -> None:
        row = self.selected
        self.use.setEnabled(bool(row and row.installed and not row.default))
        self.download.setEnabled(bool(row and not row.installed and row.repo))
        self.delete_index.setEnabled(bool(row and row.has_index and not row.default))
        self.remove.setEnabled(bool(row and row.installed and not row.default))
        if row is None:
            self.note.clear()
        elif row.problem:
            text = self.tr("This model cannot be used: {problem}")
            self.note.setText(text.format(problem=translated(row.problem)))
        elif row.installed and not row.default:
            pending = row.pending
            note = self.tr(
                "Switching to {title} keeps your current index; %Ln photos still have to "
                "be indexed with it.",
                "",
                pending,
            )
            self.note.setText(note.format(title=row.title))
        else:
            self.note.setText("")
