"""Errors as the app says them: the message, the hint, and each remedy as the menu path that
does it, with a button where the window can do it at once. Never a command line."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from PySide6.QtWidgets import QMessageBox, QWidget

from gallery.errors import Action, GalleryError, Remedy, UserError


@dataclass(frozen=True)
class RemedyView:
    advice: str  # a sentence; "{subject}" is replaced by the remedy's subject
    button: str  # the button that does it, in an error dialog with a handler for it


REMEDIES: dict[Action, RemedyView] = {
    Action.IMPORT_MODEL: RemedyView(
        "Import a model folder: File > Import Model Folder…", "Import Model Folder…"
    ),
    Action.DOWNLOAD_MODEL: RemedyView(
        "Download {subject} in File > Models…", "Open Models…"
    ),
    Action.LIST_MODELS: RemedyView("See the models in File > Models…", "Open Models…"),
    Action.CHOOSE_MODEL: RemedyView(
        "Choose the model to use in File > Models…", "Open Models…"
    ),
    Action.INDEX_FOLDER: RemedyView("Add {subject} with File > Add Folder…", "Add Folder…"),
    Action.WAIT_FOR_INDEXER: RemedyView(
        "Wait for the other indexer to finish, then try again (File > Rescan).", "Rescan"
    ),
    Action.CHECK_LIBRARY: RemedyView(
        "See what is wrong with Help > Check Library…", "Check Library…"
    ),
    Action.REPAIR_LIBRARY: RemedyView(
        "Repair it with Help > Check Library…, then Repair.", "Check Library…"
    ),
    Action.CHOOSE_REVISION: RemedyView(
        "The model's source has moved on: update Lumen Gallery for a newer catalog.", ""
    ),
    Action.CHOOSE_PRECISION: RemedyView(
        "Another precision of this model may be published: see File > Models…", "Open Models…"
    ),
}
# What an unnamed subject reads as, per action.
_ANY_SUBJECT = {Action.DOWNLOAD_MODEL: "a model", Action.INDEX_FOLDER: "the folder"}

RemedyHandlers = Mapping[Action, Callable[[Remedy], object]]


def remedy_advice(remedy: Remedy) -> str:
    subject = remedy.subject or _ANY_SUBJECT.get(remedy.action, "")
    advice = REMEDIES[remedy.action].advice.replace("{subject}", subject)
    return advice if advice.endswith((".", "…")) else advice + "."


def error_text(error: GalleryError) -> str:
    """One paragraph: what happened, what to do, and the remedies (distinct advice once)."""
    if not isinstance(error, UserError):
        return str(error)
    advice = list(dict.fromkeys(remedy_advice(r) for r in error.remedies))
    return " ".join(part for part in (error.message, error.hint, *advice) if part)


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
        label = REMEDIES[remedy.action].button
        if handlers and remedy.action in handlers and label and label not in labels:
            labels.add(label)
            actions[box.addButton(label, QMessageBox.ButtonRole.ActionRole)] = remedy
    box.addButton(QMessageBox.StandardButton.Close)
    box.exec()
    chosen = actions.get(box.clickedButton())
    if chosen is not None and handlers is not None:
        handlers[chosen.action](chosen)
    return box
