"""Models: which are installed, which one is in use, how far each has indexed the library;
switch, download, delete an old index, remove a model. The rows are the same overview that
`gallery models list` prints; `ModelActions` does the work."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, SignalInstance
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

_COLUMNS = ("Model", "Languages", "State", "Indexed", "Still to index")
_STATES = {
    ModelState.AVAILABLE: "not installed",
    ModelState.INSTALLED: "installed",
    ModelState.DAMAGED: "damaged",
}


def state_text(entry: ModelEntry) -> str:
    """The overview's state as the dialog words it; the default installed model is "in use"."""
    return "in use" if entry.default and entry.installed else _STATES[entry.state]


class ModelsDialog(QDialog):
    use_requested = Signal(str)
    download_requested = Signal(str)
    delete_index_requested = Signal(str)
    remove_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Models")
        self.rows: list[ModelEntry] = []
        self.table = QTableWidget(0, len(_COLUMNS))
        self.table.setHorizontalHeaderLabels(_COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.use = QPushButton("Use This Model")
        self.download = QPushButton("Download")
        self.delete_index = QPushButton("Delete Its Index")
        self.remove = QPushButton("Remove Model")
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
                ", ".join(row.languages),
                state_text(row),
                f"{row.indexed:,}",
                f"{row.pending:,}" if row.installed or row.has_index else "—",
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
            self.note.setText(f"This model cannot be used: {row.problem}")
        elif row.installed and not row.default:
            self.note.setText(
                f"Switching to {row.title} keeps your current index; "
                f"{row.pending:,} photos still have to be indexed with it."
            )
        else:
            self.note.setText("")
