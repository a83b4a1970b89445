"""Errors as the app says them: the message, the hint, and each remedy as the menu path that
does it, with a button where the window can do it at once. Never a command line."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from gallery.errors import Action, GalleryError, Remedy, UserError
from gallery.ui.i18n import QT_TRANSLATE_NOOP, translated

CONTEXT = "Remedies"


@dataclass(frozen=True)
class RemedyView:
    advice: str  # a sentence that says what to do and where
    button: str  # the button that does it, in an error dialog with a handler for it
    for_subject: str = ""  # the sentence when the remedy names its subject ("{subject}")


# The texts are translated where they are shown; QT_TRANSLATE_NOOP marks them for lupdate.
REMEDIES: dict[Action, RemedyView] = {
    Action.IMPORT_MODEL: RemedyView(
        QT_TRANSLATE_NOOP("Remedies", "Import a model folder: File > Import Model Folder…"),
        QT_TRANSLATE_NOOP("Remedies", "Import Model Folder…"),
    ),
    Action.DOWNLOAD_MODEL: RemedyView(
        QT_TRANSLATE_NOOP("Remedies", "Download a model in File > Models…"),
        QT_TRANSLATE_NOOP("Remedies", "Open Models…"),
        QT_TRANSLATE_NOOP("Remedies", "Download {subject} in File > Models…"),
    ),
    Action.LIST_MODELS: RemedyView(
        QT_TRANSLATE_NOOP("Remedies", "See the models in File > Models…"),
        QT_TRANSLATE_NOOP("Remedies", "Open Models…"),
    ),
    Action.CHOOSE_MODEL: RemedyView(
        QT_TRANSLATE_NOOP("Remedies", "Choose the model to use in File > Models…"),
        QT_TRANSLATE_NOOP("Remedies", "Open Models…"),
    ),
    Action.INDEX_FOLDER: RemedyView(
        QT_TRANSLATE_NOOP("Remedies", "Add the folder with File > Add Folder…"),
        QT_TRANSLATE_NOOP("Remedies", "Add Folder…"),
        QT_TRANSLATE_NOOP("Remedies", "Add {subject} with File > Add Folder…"),
    ),
    Action.WAIT_FOR_INDEXER: RemedyView(
        QT_TRANSLATE_NOOP(
            "Remedies", "Wait for the other indexer to finish, then try again (File > Rescan)."
        ),
        QT_TRANSLATE_NOOP("Remedies", "Rescan"),
    ),
    Action.CHECK_LIBRARY: RemedyView(
        QT_TRANSLATE_NOOP("Remedies", "See what is wrong with Help > Check Library…"),
        QT_TRANSLATE_NOOP("Remedies", "Check Library…"),
    ),
    Action.REPAIR_LIBRARY: RemedyView(
        QT_TRANSLATE_NOOP("Remedies", "Repair it with Help > Check Library…, then Repair."),
        QT_TRANSLATE_NOOP("Remedies", "Check Library…"),
    ),
    Action.CHOOSE_REVISION: RemedyView(
        QT_TRANSLATE_NOOP(
            "Remedies",
            "The model's source has moved on: update Lumen Gallery for a newer catalog.",
        ),
        "",
    ),
    Action.CHOOSE_PRECISION: RemedyView(
        QT_TRANSLATE_NOOP(
            "Remedies", "Another precision of this model may be published: see File > Models…"
        ),
        QT_TRANSLATE_NOOP("Remedies", "Open Models…"),
    ),
}

RemedyHandlers = Mapping[Action, Callable[[Remedy], object]]


def _tr(text: str) -> str:
    """A text marked above, translated (the context is the one the markers name)."""
    return QCoreApplication.translate(CONTEXT, text) if text else ""


def remedy_advice(remedy: Remedy) -> str:
    view = REMEDIES[remedy.action]
    if remedy.subject and view.for_subject:
        return _tr(view.for_subject).format(subject=remedy.subject)
    return _tr(view.advice)


def remedy_button(remedy: Remedy) -> str:
    return _tr(REMEDIES[remedy.action].button)


def waiting() -> str:
    """Why a change to the library or the model waits while indexing runs."""
    return QCoreApplication.translate(
        "Messages", "Please wait for indexing to finish, or cancel it first."
    )


def error_text(error: GalleryError) -> str:
    """One paragraph: what happened, what to do, and the remedies (distinct advice once)."""
    if not isinstance(error, UserError):
        return str(error)
    advice = list(dict.fromkeys(remedy_advice(r) for r in error.remedies))
    parts = [part for part in (translated(error.message), translated(error.hint), *advice) if part]
    return functools.reduce(_then, parts) if parts else ""


def _then(first: str, second: str) -> str:
    """Two sentences in a row (Chinese sets no space between them)."""
    return QCoreApplication.translate("Remedies", "{first} {second}").format(
        first=first, second=second
    )


def show_error(
    parent: QWidget, title: str, error: GalleryError, handlers: RemedyHandlers | None = None
) -> QMessageBox:
    """A warning with the error's text; each remedy that has a handler gets a button that
    closes the box and runs it."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, error_text(error), parent=parent)
    actions: dict[object, Remedy] = {}
    remedies = error.remedies if isinstance(error, UserError) else ()
    labels: set[str] = set()
    for remedy in remedies:
        label = remedy_button(remedy)
        if handlers and remedy.action in handlers and label and label not in labels:
            labels.add(label)
            actions[box.addButton(label, QMessageBox.ButtonRole.ActionRole)] = remedy
    box.addButton(QMessageBox.StandardButton.Close)
    box.exec()
    chosen = actions.get(box.clickedButton())
    if chosen is not None and handlers is not None:
        handlers[chosen.action](chosen)
    return box
