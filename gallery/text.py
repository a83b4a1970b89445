"""Sentences for people, translatable without Qt in the core.

`say("The folder {root} does not exist.", root=root)` gives a `Text`: a plain `str` (English,
filled in) that also keeps its template and values, so the app can look the template up in its
translations and fill in the same values (`gallery.ui.i18n.translated`). The CLI and the log
print it as it is, in English. `pyside6-lupdate` finds every `say("...")` template (the Makefile
passes `-tr-function-alias QT_TR_NOOP+=say`), so the template must be a literal, never an
f-string; the values are named `{placeholders}` with any format spec (`{count:,}`).
"""

from __future__ import annotations

from collections.abc import Mapping


class Text(str):
    template: str
    values: Mapping[str, object]

    def __new__(cls, template: str, values: Mapping[str, object]) -> Text:
        text = super().__new__(cls, template.format(**values))
        text.template = template
        text.values = dict(values)
        return text

    def __reduce__(self) -> tuple[type[Text], tuple[str, Mapping[str, object]]]:
        """Copy, deep-copy (`dataclasses.asdict`) and pickle as a Text, not a bare str."""
        return (Text, (self.template, self.values))


def say(template: str, **values: object) -> Text:
    return Text(template, values)
