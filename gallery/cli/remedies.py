"""Remedies as the command line says them: each `Action` of an error becomes a command to run
(or the option to add), so `main` can print "Try: gallery models import DIR"."""

from __future__ import annotations

import shlex
from collections.abc import Iterable

from gallery.errors import Action, Remedy

# Each action: its words, and the placeholder in them that a remedy's subject replaces.
_RENDERINGS: dict[Action, tuple[str, str]] = {
    Action.IMPORT_MODEL: ("gallery models import DIR", "DIR"),
    Action.DOWNLOAD_MODEL: ("gallery models download NAME", "NAME"),
    Action.LIST_MODELS: ("gallery models list", ""),
    Action.CHOOSE_MODEL: (
        "pass --model NAME or set a default model (gallery models list shows them)",
        "",
    ),
    Action.INDEX_FOLDER: ("gallery index FOLDER", "FOLDER"),
    Action.WAIT_FOR_INDEXER: ("add --wait SECONDS to wait for it", ""),
    Action.CHECK_LIBRARY: ("gallery doctor --check", ""),
    Action.REPAIR_LIBRARY: ("gallery doctor --repair", ""),
    Action.CHOOSE_REVISION: ("--revision REV", "REV"),
    Action.CHOOSE_PRECISION: ("--precision fp32|fp16|quantized", "fp32|fp16|quantized"),
}


def render(remedy: Remedy) -> str:
    """The command (or option) for one remedy; a subject fills in its placeholder, quoted for
    the shell so that a folder with spaces can be pasted as is."""
    text, placeholder = _RENDERINGS[remedy.action]
    if placeholder and remedy.subject:
        return text.replace(placeholder, shlex.quote(remedy.subject))
    return text


def try_lines(remedies: Iterable[Remedy]) -> list[str]:
    """"Try: ..." then " or: ..." lines, one per distinct remedy, in the error's order."""
    rendered = dict.fromkeys(render(remedy) for remedy in remedies)
    return [f"{' or:' if i else 'Try:'} {line}" for i, line in enumerate(rendered)]
