"""Qt's own warnings into Python logging, and uncaught exceptions into the log and a dialog.

A desktop app must never exit silently: an exception in a slot is logged with its traceback and
shown to the user, and the app keeps running.
"""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

from PySide6.QtCore import QCoreApplication, QMessageLogContext, QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QMessageBox

log = logging.getLogger("gallery.qt")

_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def _qt_message(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    where = f" ({context.file}:{context.line})" if context.file else ""
    log.log(_LEVELS.get(kind, logging.WARNING), "%s%s", message, where)
    if kind == QtMsgType.QtFatalMsg:  # Qt aborts next: say why where it is seen at once
        for handler in logging.getLogger().handlers:
            handler.flush()
        stream = sys.__stderr__  # None in a windowed app without a console
        if stream is not None:
            stream.write(f"Qt fatal error: {message}{where}\n")
            stream.flush()


def install_qt_message_handler() -> None:
    qInstallMessageHandler(_qt_message)


def _show_crash(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> None:
    log.critical("Uncaught exception", exc_info=(exc_type, exc, tb))
    if QApplication.instance() is None:
        return
    box = QMessageBox(
        QMessageBox.Icon.Critical,
        QCoreApplication.translate("Crash", "Lumen Gallery — unexpected error"),
        QCoreApplication.translate(
            "Crash",
            "Something went wrong: {error}\n\nThe details are in the log file "
            "(Help > Open Logs Folder).",
        ).format(error=exc),
    )
    box.setDetailedText("".join(traceback.format_exception(exc_type, exc, tb)))
    box.exec()


def install_excepthook() -> None:
    sys.excepthook = _show_crash
