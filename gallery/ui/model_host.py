"""Which model the app uses now. Choosing one reads its folder only (cheap, GUI thread); its
towers load in the workers that use them, and the device they run on is known from then."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal, Slot

from gallery.diagnostics import ModelFacts
from gallery.errors import UserError
from gallery.ml.encoder import ClipModel
from gallery.ml.providers import DeviceReport
from gallery.ml.registry import ModelRegistry
from gallery.paths import AppPaths
from gallery.settings import Settings


class ModelHost(QObject):
    changed = Signal(bool)  # a new model (True) or none (False): its users start over

    def __init__(
        self, paths: AppPaths, settings: Settings, registry: ModelRegistry, parent: QObject
    ) -> None:
        super().__init__(parent)
        self.paths = paths
        self.settings = settings
        self.registry = registry
        self.model: ClipModel | None = None
        self.problem: UserError | None = None
        self.report: DeviceReport | None = None

    def load(self) -> None:
        """The configured model, else the only installed one; none is a state, not an error."""
        self.report = None
        try:
            folder = self.registry.resolve(None, self.settings.default_model)
        except UserError as exc:
            # Kept without its traceback, whose frames would tie this host (and the window
            # that made it) into a cycle only the garbage collector breaks, in any thread.
            self.model, self.problem = None, exc.with_traceback(None)
        else:
            self.problem = None
            self.model = ClipModel(
                folder,
                device=self.settings.device,
                batch_size=self.settings.batch_size,
                cache_dir=self.paths.cache,
            )
        self.changed.emit(self.model is not None)

    @Slot(object)
    def on_device_ready(self, report: DeviceReport) -> None:
        self.report = report

    def facts(self) -> ModelFacts:
        model, report = self.model, self.report
        return ModelFacts(
            name=model.name if model else None,
            path=model.folder.path if model else None,
            report=report,
            batch_size=model.batch_size_for(report) if model and report else None,
            problem=str(self.problem) if self.problem else None,
        )
