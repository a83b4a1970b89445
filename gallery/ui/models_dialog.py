"""Models: which are installed, which one is in use, how far each has indexed the library,
each one's published search quality per language, download size, memory and time per photo,
and the one recommended for this computer with the reason; switch, download, delete an old
index, remove a model. The rows are the same overview that `gallery models list` prints;
`ModelActions` does the work."""

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
from gallery.ui.i18n import QT_TRANSLATE_NOOP, number, size, translated

translate = QCoreApplication.translate
FIGURE_COLUMNS = (
    QT_TRANSLATE_NOOP("ModelsDialog", "English search"),
    QT_TRANSLATE_NOOP("ModelsDialog", "Chinese search"),
    QT_TRANSLATE_NOOP("ModelsDialog", "Download"),
    QT_TRANSLATE_NOOP("ModelsDialog", "Memory"),
    QT_TRANSLATE_NOOP("ModelsDialog", "Time per photo"),
)
_COLUMNS = (
    QT_TRANSLATE_NOOP("ModelsDialog", "Model"),
    QT_TRANSLATE_NOOP("ModelsDialog", "Languages"),
    QT_TRANSLATE_NOOP("ModelsDialog", "State"),
    QT_TRANSLATE_NOOP("ModelsDialog", "Indexed"),
    QT_TRANSLATE_NOOP("ModelsDialog", "Still to index"),
    *FIGURE_COLUMNS,
)
#: Where the figures come from, for the headers' tooltips.
FIGURES_NOTE = QT_TRANSLATE_NOOP(
    "ModelsDialog",
    "Search quality: published recall on Crossmodal-3600 (mean of R@1, R@5 and R@10, in %); "
    "memory and time per photo: published for an 8-core desktop processor. — where nothing "
    "is published.",
)
_FIRST_FIGURE = len(_COLUMNS) - len(FIGURE_COLUMNS)
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


def figure_cells(entry: ModelEntry) -> tuple[str, str, str, str, str]:
    """English and Chinese recall, download size, memory and time per photo as shown; a dash
    where nothing is published."""
    locale = QLocale()

    def recall(language: str) -> str:
        value = entry.recall.get(language)
        return "—" if value is None else locale.toString(value, "f", 1)

    download = "—" if entry.download_bytes is None else size(entry.download_bytes)
    memory = "—" if entry.memory_mb is None else size(entry.memory_mb * 2**20)
    ms = entry.published_ms
    speed = (
        "—"
        if ms is None
        else translate("ModelsDialog", "%1 ms").replace("%1", locale.toString(ms, "f", 1))
    )
    return recall("en"), recall("zh"), download, memory, speed


def title_text(entry: ModelEntry) -> str:
    """The model's title, marked when it is the one recommended for this computer."""
    if entry.recommended:
        return translate("ModelsDialog", "{title} (recommended)").format(title=entry.title)
    return entry.title


def recommendation_text(rows: list[ModelEntry]) -> str:
    """'Recommended for this computer: TITLE. Why.' or nothing."""
    for row in rows:
        if row.recommended and row.reason:
            text = translate("ModelsDialog", "Recommended for this computer: {title}. {reason}")
            return text.format(title=row.title, reason=translated(row.reason))
    return ""


def fill_figures(table: QTableWidget, row: int, first: int, entry: ModelEntry) -> None:
    """The figure cells of one row from column `first` on, right-aligned."""
    for column, text in enumerate(figure_cells(entry), first):
        item = QTableWidgetItem(text)
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if entry.source and column < first + 2:
            item.setToolTip(entry.source)
        table.setItem(row, column, item)


def figure_headers(table: QTableWidget, first: int) -> None:
    note = translate("ModelsDialog", FIGURES_NOTE)
    for column in range(first, first + len(FIGURE_COLUMNS)):
        header = table.horizontalHeaderItem(column)
        if header is not None:
            header.setToolTip(note)


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
        figure_headers(self.table, _FIRST_FIGURE)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.recommendation = QLabel(wordWrap=True)
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
        layout.addWidget(self.recommendation)
        layout.addWidget(self.table)
        layout.addWidget(self.note)
        layout.addLayout(buttons)
        layout.addWidget(close)
        self.resize(1100, 400)

    def set_rows(self, rows: list[ModelEntry]) -> None:
        selected = self.selected
        self.rows = rows
        self.table.setRowCount(len(rows))
        for i, row in enumerate(rows):
            cells = (
                title_text(row),
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
            fill_figures(self.table, i, _FIRST_FIGURE, row)
        self.recommendation.setText(recommendation_text(rows))
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
