"""Every directory the app uses, from platformdirs; LUMEN_HOME relocates all of them.

LUMEN_HOME exists for tests (never touch the real user directories) and portable installs.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_DIR_NAME = "LumenGallery"
APP_AUTHOR = "Lumen"
HOME_ENV = "LUMEN_HOME"


@dataclass(frozen=True)
class AppPaths:
    data: Path
    cache: Path
    config: Path
    log: Path

    @property
    def models(self) -> Path:
        """Installed model folders, one per model name."""
        return self.data / "models"

    @property
    def library_db(self) -> Path:
        return self.data / "library.sqlite3"

    @property
    def indexes(self) -> Path:
        """One hnswlib file per model: derived from SQLite, rebuildable."""
        return self.data / "indexes"

    @property
    def thumbnails(self) -> Path:
        return self.cache / "thumbnails"

    @property
    def settings_file(self) -> Path:
        return self.config / "settings.json"

    def ensure(self) -> AppPaths:
        for folder in (self.data, self.cache, self.config, self.log, self.models, self.indexes):
            folder.mkdir(parents=True, exist_ok=True)
        return self

    def as_dict(self) -> dict[str, str]:
        return {
            "data": str(self.data),
            "cache": str(self.cache),
            "config": str(self.config),
            "log": str(self.log),
            "models": str(self.models),
            "library": str(self.library_db),
        }


def app_paths() -> AppPaths:
    home = os.environ.get(HOME_ENV)
    if home:
        root = Path(home).expanduser().resolve()
        return AppPaths(root / "data", root / "cache", root / "config", root / "logs")
    return AppPaths(
        data=Path(platformdirs.user_data_dir(APP_DIR_NAME, APP_AUTHOR)),
        cache=Path(platformdirs.user_cache_dir(APP_DIR_NAME, APP_AUTHOR)),
        config=Path(platformdirs.user_config_dir(APP_DIR_NAME, APP_AUTHOR)),
        log=Path(platformdirs.user_log_dir(APP_DIR_NAME, APP_AUTHOR)),
    )
