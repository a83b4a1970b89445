"""Remedies as command lines, and how `main` prints a UserError with them."""

from __future__ import annotations

import pytest

from gallery.cli.entry import print_error
from gallery.cli.remedies import render, try_lines
from gallery.errors import Action, Remedy, UserError


@pytest.mark.parametrize("action", list(Action))
def test_every_action_renders(action: Action) -> None:
    text = render(Remedy(action))
    assert text and text == text.strip()


def test_renderings_and_subjects() -> None:
    assert render(Remedy(Action.IMPORT_MODEL)) == "gallery models import DIR"
    assert render(Remedy(Action.DOWNLOAD_MODEL)) == "gallery models download NAME"
    assert render(Remedy(Action.DOWNLOAD_MODEL, "clip-vit-b-32")) == (
        "gallery models download clip-vit-b-32"
    )
    assert render(Remedy(Action.INDEX_FOLDER, "/photos/my trip")) == (
        "gallery index '/photos/my trip'"
    )
    assert render(Remedy(Action.LIST_MODELS, "ignored")) == "gallery models list"
    assert render(Remedy(Action.CHECK_LIBRARY)) == "gallery doctor --check"
    assert render(Remedy(Action.REPAIR_LIBRARY)) == "gallery doctor --repair"
    assert render(Remedy(Action.WAIT_FOR_INDEXER)) == "add --wait SECONDS to wait for it"
    assert render(Remedy(Action.CHOOSE_REVISION)) == "--revision REV"
    assert render(Remedy(Action.CHOOSE_PRECISION)) == "--precision fp32|fp16|quantized"
    assert render(Remedy(Action.CHOOSE_PRECISION, "fp16")) == "--precision fp16"
    assert "--model NAME" in render(Remedy(Action.CHOOSE_MODEL))


def test_try_lines_keep_order_and_drop_repeats() -> None:
    remedies = [Remedy(Action.LIST_MODELS), Remedy(Action.IMPORT_MODEL), Remedy(Action.LIST_MODELS)]
    assert try_lines(remedies) == ["Try: gallery models list", " or: gallery models import DIR"]
    assert try_lines([]) == []


def test_an_error_prints_message_hint_and_remedies(capsys: pytest.CaptureFixture[str]) -> None:
    print_error(
        UserError(
            "No model is installed.",
            "Import a model folder.",
            (Remedy(Action.IMPORT_MODEL), Remedy(Action.DOWNLOAD_MODEL, "clip-vit-b-32")),
        )
    )
    out = capsys.readouterr()
    assert not out.out
    assert out.err.splitlines() == [
        "error: No model is installed.",
        "Import a model folder.",
        "Try: gallery models import DIR",
        " or: gallery models download clip-vit-b-32",
    ]
    print_error(UserError("Just the message."))
    assert capsys.readouterr().err == "error: Just the message.\n"
