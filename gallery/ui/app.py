"""Start the desktop app: QApplication, logging bridges, the main window."""

from __future__ import annotations

import logging
import sys

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from gallery import APP_NAME, __version__
from gallery.paths import AppPaths
from gallery.settings import Settings
from gallery.ui import i18n
from gallery.ui.main_window import MainWindow
from gallery.ui.qt_logging import install_excepthook, install_qt_message_handler
from gallery.ui.resources import app_icon_path

log = logging.getLogger(__name__)
# Log lines that say the app started and ended; tests read the log file for them.
SHOWN = "Main window shown"
QUIT = "Quit with code %d"


def create_application(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    install_qt_message_handler()
    app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName("Lumen")
    app.setDesktopFileName("lumen-gallery")
    icon = app_icon_path()
    if icon is not None:
        app.setWindowIcon(QIcon(str(icon)))
    return app


def run_app(paths: AppPaths) -> int:
    app = create_application()
    i18n.install(Settings.load(paths.settings_file).language)
    install_excepthook()
    window = MainWindow(paths)
    window.show()
    log.info(SHOWN)
    code = app.exec()
    log.info(QUIT, code)
    return code
