"""The Chinese interface stays complete: every string the code marks for translation is in
`lumen_zh_CN.ts`, translated, with the same placeholders; English plural forms are all there;
and the compiled catalogs load into Qt and answer."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QTranslator

from gallery.ui import translations

ZH = translations.HERE / "lumen_zh_CN.ts"
EN = translations.HERE / "lumen_en.ts"
PLACEHOLDER = re.compile(r"\{([a-z_]+)[^}]*\}")
COUNT = re.compile(r"%L?n")


# (context, source) -> (numerus, "unfinished"/"vanished"/"obsolete" or None, the translations)
Catalog = dict[tuple[str, str], tuple[bool, str | None, tuple[str, ...]]]


def _messages(ts: Path) -> Catalog:
    found: Catalog = {}
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            source = message.findtext("source") or ""
            translation = message.find("translation")
            assert translation is not None, (name, source)
            numerus = message.get("numerus") == "yes"
            forms = tuple(f.text or "" for f in translation.iter("numerusform"))
            text = (translation.text or "").strip()
            kind = translation.get("type")
            found[(name, source)] = (numerus, kind, forms if numerus else (text,))
    return found


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> dict[Path, set[tuple[str, str]]]:
    """What lupdate finds in the code today, into copies of the committed catalogs."""
    folder = tmp_path_factory.mktemp("ts")
    for ts in (ZH, EN):
        shutil.copy(ts, folder / ts.name)
    translations.update(folder)
    return {ts: set(_messages(folder / ts.name)) for ts in (ZH, EN)}


def test_every_marked_string_is_in_the_chinese_catalog(
    extracted: dict[Path, set[tuple[str, str]]],
) -> None:
    committed = set(_messages(ZH))
    new = sorted(extracted[ZH] - committed)
    stale = sorted(committed - extracted[ZH])
    assert not new, f"not in lumen_zh_CN.ts yet (run `make lupdate`, then translate): {new}"
    assert not stale, f"no longer in the code (run `make lupdate`): {stale}"
    assert len(committed) > 300, "the catalog covers the app and the core's sentences"


def test_every_chinese_translation_is_finished_and_keeps_its_placeholders() -> None:
    problems = []
    for (context, source), (numerus, kind, forms) in _messages(ZH).items():
        if kind is not None or not all(forms):
            problems.append(f"untranslated: {context}/{source!r}")
            continue
        wanted = set(PLACEHOLDER.findall(source))
        for form in forms:
            if set(PLACEHOLDER.findall(form)) != wanted:
                problems.append(f"placeholders differ: {source!r} -> {form!r}")
            if numerus and not COUNT.search(form):
                problems.append(f"count missing: {source!r} -> {form!r}")
        if numerus and len(forms) != 1:  # Chinese has one plural form
            problems.append(f"plural forms: {source!r}")
    assert not problems, "\n".join(problems)


def test_english_has_both_plural_forms_of_every_counted_string(
    extracted: dict[Path, set[tuple[str, str]]],
) -> None:
    english = _messages(EN)
    counted = {key for key, (numerus, _kind, _forms) in _messages(ZH).items() if numerus}
    assert set(english) == counted == extracted[EN]
    for key, (_numerus, kind, forms) in english.items():
        assert kind is None and len(forms) == 2, key
        assert all(COUNT.search(form) for form in forms), key


def test_the_compiled_catalogs_load_and_answer(tmp_path: Path, qapp: QCoreApplication) -> None:
    made = translations.compile_all(target=tmp_path)
    assert [p.name for p in made] == ["lumen_zh_CN.qm", "lumen_en.qm"]
    chinese, english = QTranslator(), QTranslator()
    assert chinese.load(str(made[0])) and english.load(str(made[1]))
    assert chinese.translate("MainWindow", "&File") == "文件(&F)"
    assert chinese.translate("", "No model is installed.") == "尚未安装任何模型。"
    assert english.translate("StatusMessage", "%Ln photos", "", 1) == "%Ln photo"
