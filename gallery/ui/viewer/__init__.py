"""The photo viewer: `PhotoViewer` (the dialog), its canvas, info panel and image sources."""

from gallery.ui.viewer.dialog import PhotoViewer

__all__ = ["PhotoViewer"]
