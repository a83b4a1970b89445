"""The interface language: English or Simplified Chinese, following the system unless the
settings say otherwise (applied at start). Qt translates the app's own strings (`tr`) and, from
`lumen_zh_CN.qm`, the core's sentences (`gallery.text.Text`, by their English template);
Qt's `qtbase_zh_CN.qm` translates its standard dialogs and buttons. The log stays English.

Numbers, sizes and dates shown in the window are formatted by the chosen locale.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import (
    QCoreApplication,
    QDateTime,
    QLibraryInfo,
    QLocale,
    QTranslator,
)

from gallery.text import Text

log = logging.getLogger(__name__)

TRANSLATIONS = Path(__file__).resolve().parent / "translations"
SYSTEM, ENGLISH, CHINESE = "system", "en", "zh_CN"
# The Settings choices, each named in its own language.
CHOICES = {SYSTEM: "", ENGLISH: "English", CHINESE: "简体中文"}
CORE_CONTEXT = ""  # lupdate files the core's say() templates under the empty context
LANGUAGE_LOG = "Interface language: %s (setting %r)"  # logged at start; tests read it

_installed: list[QTranslator] = []  # kept alive as long as the application


def QT_TRANSLATE_NOOP(context: str, source: str) -> str:
    """Marks a string for translation where it is defined; `translate` it where it is shown.
    (PySide6's own marker is typed as returning `object`.)"""
    return source


def resolve(choice: str, system: QLocale | None = None) -> str:
    """The language a setting means here: the system's when it is Chinese, else English."""
    if choice in (ENGLISH, CHINESE):
        return choice
    locale = system or QLocale.system()
    return CHINESE if locale.language() == QLocale.Language.Chinese else ENGLISH


def install(choice: str) -> str:
    """Load the translations for `choice` into the running application (replacing any loaded
    before); returns the language in use. English loads only its plural forms. A missing
    catalog is logged and leaves that part of the interface in English."""
    for translator in _installed:
        QCoreApplication.removeTranslator(translator)
    _installed.clear()
    language = resolve(choice)
    if language == CHINESE:
        QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        catalogs = [(f"lumen_{language}", str(TRANSLATIONS)), (f"qtbase_{language}", qt_dir)]
    else:
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
        catalogs = [(f"lumen_{language}", str(TRANSLATIONS))]
    for name, folder in catalogs:
        translator = QTranslator()
        if translator.load(name, folder):
            QCoreApplication.installTranslator(translator)
            _installed.append(translator)
        else:
            log.warning("No %s translations in %s; that part of the interface stays English",
                        name, folder)
    log.info(LANGUAGE_LOG, language, choice)
    return language


def translated(text: str) -> str:
    """A core sentence in the interface language; any other string as it is."""
    if not isinstance(text, Text):
        return text
    template = QCoreApplication.translate(CORE_CONTEXT, text.template)
    values = {key: translated(value) if isinstance(value, str) else value
              for key, value in text.values.items()}
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):  # a translation that lost a placeholder
        log.warning("Translation of %r does not fit its values", text.template)
        return text.template.format(**values)


def number(value: int) -> str:
    """'12,345' in English, '12,345' or the locale's grouping elsewhere."""
    return QLocale().toString(value)


def size(count: int) -> str:
    """Bytes as the locale writes sizes (decimal units, as the file managers do)."""
    return QLocale().formattedDataSize(count, 1, QLocale.DataSizeFormat.DataSizeSIFormat)


def date_time(seconds: float) -> str:
    """A date and time as the locale writes them, short form."""
    moment = QDateTime.fromSecsSinceEpoch(int(seconds))
    return QLocale().toString(moment, QLocale.FormatType.ShortFormat)
