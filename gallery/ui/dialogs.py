"""Small dialogs: diagnostics (copyable), about, settings, and the first-run choice."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gallery import APP_NAME, __version__
from gallery.diagnostics import LICENSES, versions
from gallery.library.model_overview import ModelEntry
from gallery.ml.providers import DEVICE_CHOICES
from gallery.settings import Settings
from gallery.ui import i18n
from gallery.ui.models_dialog import (
    FIGURE_COLUMNS,
    figure_headers,
    fill_figures,
    recommendation_text,
    title_text,
)


class DiagnosticsDialog(QDialog):
    """The report stays in English: it is pasted into bug reports, like the log."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Diagnostics"))
        self.text = QPlainTextEdit(text, readOnly=True)
        self.text.setMinimumSize(640, 420)
        copy = QPushButton(self.tr("Copy to Clipboard"))
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.text.toPlainText()))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)


def about_text() -> str:
    runtime = "".join(f"<li>{name} {version}</li>" for name, version in versions().items())
    licenses = "".join(f"<li>{name}: {lic}</li>" for name, lic in LICENSES.items())
    text = QCoreApplication.translate(
        "About",
        "<h3>{app} {version}</h3><p>Find photos by what is in them, on your own machine.</p>"
        "<p><b>Runtime</b></p><ul>{runtime}</ul>"
        "<p><b>Licenses of bundled components</b></p><ul>{licenses}</ul>",
    )
    return text.format(app=APP_NAME, version=__version__, runtime=runtime, licenses=licenses)


class SettingsDialog(QDialog):
    """Model, device, batch size override, excluded folder patterns, the text pass, the Ray
    cluster to index on (with its path map) and the language."""

    def __init__(
        self, settings: Settings, models: list[str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Settings"))
        self.model = QComboBox()
        self.model.addItem(self.tr("Automatic (the only installed model)"), None)
        for name in models:
            self.model.addItem(name, name)
        self.model.setCurrentIndex(max(0, self.model.findData(settings.default_model)))
        self.device = QComboBox()
        for choice in DEVICE_CHOICES:
            label = self.tr("Automatic") if choice == "auto" else choice.upper()
            self.device.addItem(label, choice)
        self.device.setCurrentIndex(max(0, self.device.findData(settings.device)))
        self.batch = QSpinBox()
        self.batch.setRange(0, 4096)
        self.batch.setSpecialValueText(self.tr("Automatic"))
        self.batch.setValue(settings.batch_size or 0)
        self.excluded = QPlainTextEdit("\n".join(settings.excluded_patterns))
        self.excluded.setPlaceholderText(self.tr("One pattern per line, e.g. *.tmp or Screenshots"))
        self.cluster = QLineEdit(settings.cluster or "")
        self.cluster.setPlaceholderText(self.tr("Empty: this computer; or local, ray://host:10001"))
        self.path_map = QPlainTextEdit("\n".join(settings.cluster_path_map))
        self.path_map.setPlaceholderText(
            self.tr("Where the cluster finds the photos, one per line: /Volumes/Photos=/mnt/photos")
        )
        self.language = QComboBox()
        for choice, name in i18n.CHOICES.items():
            self.language.addItem(name or self.tr("Same as the system"), choice)
        self.language.setCurrentIndex(max(0, self.language.findData(settings.language)))
        self.language_note = QLabel(self.tr("A new language applies when the app starts again."))
        self.language_note.setWordWrap(True)
        self.read_text = QCheckBox(self.tr("Read the text in photos, so they can be found by it"))
        self.read_text.setChecked(settings.read_text)
        self.read_text.setToolTip(
            self.tr(
                "After indexing, recognise the words written in photos (signs, receipts, "
                "slides, notes) on this computer."
            )
        )
        form = QFormLayout()
        form.addRow(self.tr("Model:"), self.model)
        form.addRow(self.tr("Device:"), self.device)
        form.addRow(self.tr("Batch size:"), self.batch)
        form.addRow(self.tr("Excluded folders:"), self.excluded)
        form.addRow(self.tr("Text in photos:"), self.read_text)
        form.addRow(self.tr("Ray cluster:"), self.cluster)
        form.addRow(self.tr("Cluster path map:"), self.path_map)
        form.addRow(self.tr("Language:"), self.language)
        form.addRow("", self.language_note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def apply_to(self, settings: Settings) -> None:
        settings.default_model = self.model.currentData()
        settings.device = str(self.device.currentData())
        settings.batch_size = self.batch.value() or None
        settings.excluded_patterns = [
            line.strip() for line in self.excluded.toPlainText().splitlines() if line.strip()
        ]
        settings.cluster = self.cluster.text().strip() or None
        settings.cluster_path_map = [
            line.strip() for line in self.path_map.toPlainText().splitlines() if line.strip()
        ]
        settings.language = str(self.language.currentData())
        settings.read_text = self.read_text.isChecked()


class FirstRunDialog(QDialog):
    """No model yet: download one (the one recommended for this computer is selected, each
    with its published search quality, size and time per photo, and the choice explained in
    a line), or import a folder (works offline)."""

    DOWNLOAD, IMPORT = 1, 2
    _COLUMNS = 6  # model, English, Chinese, download, memory, time per photo

    def __init__(
        self,
        models: list[ModelEntry],
        offline_reason: str | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Welcome to Lumen Gallery"))
        self.models = [m for m in models if m.repo]  # what can be downloaded
        text = self.tr(
            "<h3>Welcome to Lumen Gallery</h3><p>To find photos by what is in them, Lumen "
            "Gallery needs a model. It runs on this computer; your photos never leave it.</p>"
        )
        if offline_reason:
            text += self.tr(
                "<p><b>You seem to be offline</b> ({reason}). You can import a model folder you "
                "copied here, or download later.</p>"
            ).format(reason=offline_reason)
        label = QLabel(text, wordWrap=True)
        self.recommendation = QLabel(recommendation_text(self.models), wordWrap=True)
        self.table = QTableWidget(len(self.models), self._COLUMNS)
        self.table.setHorizontalHeaderLabels(
            [
                QCoreApplication.translate("ModelsDialog", "Model"),
                *(QCoreApplication.translate("ModelsDialog", c) for c in FIGURE_COLUMNS),
            ]
        )
        figure_headers(self.table, 1)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        for i, entry in enumerate(self.models):
            self.table.setItem(i, 0, QTableWidgetItem(title_text(entry)))
            fill_figures(self.table, i, 1, entry)
        self.table.resizeColumnsToContents()
        self.table.setVisible(bool(self.models))
        buttons = QDialogButtonBox()
        self.download = buttons.addButton(
            self.tr("Download a Model"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.import_button = buttons.addButton(
            self.tr("Import Model Folder…"), QDialogButtonBox.ButtonRole.ActionRole
        )
        later = buttons.addButton(self.tr("Not Now"), QDialogButtonBox.ButtonRole.RejectRole)
        self.download.clicked.connect(lambda: self.done(self.DOWNLOAD))
        self.import_button.clicked.connect(lambda: self.done(self.IMPORT))
        later.clicked.connect(self.reject)
        self.offline = offline_reason is not None
        self.table.itemSelectionChanged.connect(self._update_download)
        names = [m.name for m in self.models]
        first = next((m.name for m in self.models if m.recommended), None)
        first = first or next((m.name for m in self.models if m.default), None)
        if first is not None:
            self.table.selectRow(names.index(first))
        self._update_download()
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.recommendation)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(760, 420)

    @property
    def chosen(self) -> str | None:
        """The model to download: the selected row (the recommended one unless changed)."""
        rows = self.table.selectionModel().selectedRows()
        return self.models[rows[0].row()].name if rows else None

    def _update_download(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        entry = self.models[rows[0].row()] if rows else None
        if entry is None:
            self.download.setText(self.tr("Download a Model"))
        else:
            self.download.setText(self.tr("Download {model}").format(model=entry.title))
        self.download.setEnabled(entry is not None and not self.offline)
