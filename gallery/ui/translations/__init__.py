"""The interface translations: `lumen_zh_CN.ts` (every string) and `lumen_en.ts` (English plural
forms only), kept as Qt Linguist sources and compiled to the `.qm` files the app loads.

    python -m gallery.ui.translations update    # refresh the .ts from the code (`make lupdate`)
    python -m gallery.ui.translations compile   # .ts -> .qm beside them (`make translations`)

lupdate reads `self.tr(...)`, `QCoreApplication.translate(...)`, `QT_TRANSLATE_NOOP(...)` and
the core's `say(...)` (as an alias of QT_TR_NOOP, so its templates land in the empty context).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCES = HERE.parent.parent  # the gallery package
# (file, target language, plural forms only)
CATALOGS = (("lumen_zh_CN.ts", "zh_CN", False), ("lumen_en.ts", "en", True))


def _tool(name: str, *args: str) -> None:
    """Run PySide6's lupdate or lrelease (PySide6.scripts.pyside_tool finds the binary)."""
    code = f"import sys; from PySide6.scripts import pyside_tool; sys.argv[0] = '{name}'; " \
        f"sys.exit(pyside_tool.{name}())"
    subprocess.run([sys.executable, "-c", code, *args], check=True)


def lupdate_args(ts: Path, language: str, plurals_only: bool) -> list[str]:
    args = ["-tr-function-alias", "QT_TR_NOOP+=say", "-extensions", "py", "-locations", "none"]
    args += ["-no-obsolete", "-source-language", "en", "-target-language", language]
    args += ["-silent", *(["-pluralonly"] if plurals_only else []), str(SOURCES), "-ts", str(ts)]
    return args


def update_one(ts: Path, language: str, plurals_only: bool) -> None:
    _tool("lupdate", *lupdate_args(ts, language, plurals_only))


def update(folder: Path = HERE) -> None:
    for name, language, plurals_only in CATALOGS:
        update_one(folder / name, language, plurals_only)


def compile_all(source: Path = HERE, target: Path = HERE) -> list[Path]:
    target.mkdir(parents=True, exist_ok=True)
    made = []
    for name, _language, _plurals in CATALOGS:
        qm = target / Path(name).with_suffix(".qm").name
        _tool("lrelease", "-silent", str(source / name), "-qm", str(qm))
        made.append(qm)
    return made

