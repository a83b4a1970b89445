"""The wheel carries the interface translations: its build compiles the Qt Linguist sources
(`gallery/ui/translations/*.ts`) into the `.qm` files the app loads. Everything else about the
package is in pyproject.toml."""

from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithTranslations(build_py):
    def run(self) -> None:
        super().run()
        from gallery.ui import translations

        target = Path(self.build_lib) / "gallery" / "ui" / "translations"
        translations.compile_all(target=target)


setup(cmdclass={"build_py": BuildWithTranslations})
