"""The viewer's canvas: one photo, fitted to the window or zoomed and panned.

Geometry lives in the photo's own pixels (the whole photo, as displayed), not in the decoded
image's: the canvas may hold a screen-size decode and later the full-resolution one, and the
view (scale, the point at the centre) stays where it was when the sharper image arrives. It
paints a QImage (converted to RGB32 in the worker), so a full-resolution decode costs the GUI
thread no conversion.
`scale` counts device pixels per photo pixel, so 1.0 is "100 %": one photo pixel on one screen
pixel, also on a high-DPI screen.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QImage,
    QMouseEvent,
    QNativeGestureEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPolygonF,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QGestureEvent, QPinchGesture, QSizePolicy, QWidget

MAX_SCALE = 16.0  # 1,600 %: single pixels are big squares well before this
WHEEL_STEP = 1.25  # one notch of the wheel (120 eighths of a degree)
KEY_STEP = 1.25
BACKGROUND = Qt.GlobalColor.black
OUTLINE = QColor(255, 200, 0)  # a matched line of text: amber, seen on dark and light photos

Outline = Sequence[tuple[float, float]]  # corners as fractions of the photo's width and height


class PhotoCanvas(QWidget):
    """Paints the image at the current scale; the wheel, a pinch, keys (through the viewer)
    zoom; dragging pans when the photo is larger than the window; a double-click toggles fit
    and 100 %."""

    scale_changed = Signal(float)
    detail_wanted = Signal()  # the view shows more photo pixels than the image holds

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(200, 150)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys belong to the viewer
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents)
        self.grabGesture(Qt.GestureType.PinchGesture)
        self._image: QImage | None = None
        self._original = QSize()
        self._message = ""
        self._fitted = True
        self._scale = 1.0
        self._centre = QPointF()  # the photo point shown at the widget's centre
        self._drag_from: QPointF | None = None
        self._outlines: list[Outline] = []

    # -- what is shown ---------------------------------------------------------------------

    def image(self) -> QImage | None:
        """The decode being painted (None: a message instead)."""
        return self._image

    def set_photo(self, image: QImage, original: QSize, *, keep_view: bool = False) -> None:
        """Show `image` (any decode of a photo of `original` size); `keep_view` keeps the
        zoom and position (a sharper decode of the photo on screen), else the photo is fitted."""
        self._image, self._original, self._message = image, QSize(original), ""
        if not keep_view:
            self._fitted = True
            self._centre = QPointF(original.width() / 2, original.height() / 2)
        self._update_scale(self._scale if not self._fitted else self.fit_scale())

    def set_outlines(self, outlines: Sequence[Outline]) -> None:
        """Frame these parts of the photo (the lines of its text that matched the search)."""
        self._outlines = list(outlines)
        self.update()

    @property
    def outlines(self) -> list[Outline]:
        return list(self._outlines)

    def set_message(self, text: str) -> None:
        """Text instead of a photo (loading, or why it cannot be shown)."""
        self._image, self._original, self._message = None, QSize(), text
        self.update()

    @property
    def message(self) -> str:
        return self._message

    @property
    def scale(self) -> float:
        return self._scale

    @property
    def fitted(self) -> bool:
        return self._fitted

    @property
    def centre(self) -> QPointF:
        return QPointF(self._centre)

    def fit_scale(self) -> float:
        """The scale that shows the whole photo, never enlarged past 100 %."""
        if self._original.isEmpty():
            return 1.0
        ratio = self.devicePixelRatioF()
        return min(
            1.0,
            self.width() * ratio / self._original.width(),
            self.height() * ratio / self._original.height(),
        )

    def needs_detail(self) -> bool:
        """More photo pixels on screen than the image has (a screen-size decode zoomed in)."""
        if self._image is None or self._original.isEmpty():
            return False
        held = self._image.width() / self._original.width()
        return self._scale > held * 1.01

    # -- zoom and pan ----------------------------------------------------------------------

    def fit(self) -> None:
        self._fitted = True
        self._centre = QPointF(self._original.width() / 2, self._original.height() / 2)
        self._update_scale(self.fit_scale())

    def actual_size(self, around: QPointF | None = None) -> None:
        """100 %, keeping the photo point under `around` (the widget's centre by default)."""
        self.zoom_to(1.0, around)

    def zoom_by(self, factor: float, around: QPointF | None = None) -> None:
        self.zoom_to(self._scale * factor, around)

    def zoom_to(self, scale: float, around: QPointF | None = None) -> None:
        """Zoom keeping the photo point under `around` (widget coordinates) where it is;
        zooming out to the fitted scale fits again (and follows the window's size)."""
        if self._image is None:
            return
        lowest = self.fit_scale()
        scale = min(MAX_SCALE, scale)
        if scale <= lowest * (1 + 1e-9):  # zooming in and out again lands on fit exactly
            scale = lowest
        anchor = around if around is not None else self._widget_centre()
        fixed = self.photo_point(anchor)
        self._fitted = scale == lowest
        offset = (anchor - self._widget_centre()) * self.devicePixelRatioF() / scale
        self._centre = fixed - offset
        self._update_scale(scale)

    def pan_by(self, dx: float, dy: float) -> None:
        """Move the photo by (dx, dy) widget pixels (the way a drag moves it)."""
        step = self.devicePixelRatioF() / self._scale
        self._centre -= QPointF(dx * step, dy * step)
        self._clamp()
        self.update()

    def photo_point(self, widget_point: QPointF) -> QPointF:
        """The photo pixel (in the whole photo's coordinates) under a widget point."""
        delta = (widget_point - self._widget_centre()) * self.devicePixelRatioF() / self._scale
        return self._centre + delta

    def can_pan(self) -> bool:
        shown = self._shown_size()
        return shown.width() > self.width() + 0.5 or shown.height() > self.height() + 0.5

    def _widget_centre(self) -> QPointF:
        return QPointF(self.width() / 2, self.height() / 2)

    def _shown_size(self) -> QSize:
        """The whole photo's size on screen, in widget (logical) pixels."""
        ratio = self._scale / self.devicePixelRatioF()
        return QSize(round(self._original.width() * ratio), round(self._original.height() * ratio))

    def _update_scale(self, scale: float) -> None:
        changed = scale != self._scale
        self._scale = scale
        self._clamp()
        self.update()
        if changed:
            self.scale_changed.emit(scale)
        if self.needs_detail():
            self.detail_wanted.emit()

    def _clamp(self) -> None:
        """Keep the photo covering the window where it can: no empty margin on a side while
        the other side of the photo is cut off; centred on an axis where it is smaller."""
        if self._original.isEmpty():
            return
        half_w = self.width() / 2 * self.devicePixelRatioF() / self._scale
        half_h = self.height() / 2 * self.devicePixelRatioF() / self._scale
        x = _clamp_axis(self._centre.x(), half_w, self._original.width())
        y = _clamp_axis(self._centre.y(), half_h, self._original.height())
        self._centre = QPointF(x, y)

    # -- painting --------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), BACKGROUND)
        if self._image is None or self._original.isEmpty():
            painter.setPen(Qt.GlobalColor.lightGray)
            painter.drawText(
                self.rect().adjusted(24, 24, -24, -24),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                self._message,
            )
            return
        target = self._target_rect()
        visible = target.intersected(QRectF(self.rect()))
        if visible.isEmpty():
            return
        # Only the part on screen is drawn: a zoomed-in full-resolution image is never
        # scaled whole.
        sx = self._image.width() / target.width()
        sy = self._image.height() / target.height()
        source = QRectF(
            (visible.left() - target.left()) * sx,
            (visible.top() - target.top()) * sy,
            visible.width() * sx,
            visible.height() * sy,
        )
        smooth = self._scale < 2.0  # enlarged pixels stay crisp squares when zoomed far in
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, smooth)
        painter.drawImage(visible, self._image, source)
        if self._outlines:
            self._paint_outlines(painter, target)

    def _paint_outlines(self, painter: QPainter, target: QRectF) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(OUTLINE, 2.5))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for corners in self._outlines:
            points = [
                QPointF(target.left() + x * target.width(), target.top() + y * target.height())
                for x, y in corners
            ]
            painter.drawPolygon(QPolygonF(points))

    def _target_rect(self) -> QRectF:
        """Where the whole photo lies in widget coordinates."""
        ratio = self._scale / self.devicePixelRatioF()
        width, height = self._original.width() * ratio, self._original.height() * ratio
        centre = self._widget_centre()
        left = centre.x() - self._centre.x() * ratio
        top = centre.y() - self._centre.y() * ratio
        return QRectF(left, top, width, height)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._fitted:
            self._centre = QPointF(self._original.width() / 2, self._original.height() / 2)
            self._update_scale(self.fit_scale())
        else:
            self._clamp()

    # -- input -----------------------------------------------------------------------------

    def wheelEvent(self, event: QWheelEvent) -> None:
        notches = event.angleDelta().y() / 120
        if notches and self._image is not None:
            self.zoom_by(WHEEL_STEP**notches, event.position())
        event.accept()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return super().mouseDoubleClickEvent(event)
        if self._fitted and self.fit_scale() < 1.0:
            self.actual_size(event.position())
        else:
            self.fit()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.can_pan():
            self._drag_from = event.position()
            self.setCursor(Qt.CursorShape.ClosedHandCursor)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._drag_from is None:
            return super().mouseMoveEvent(event)
        delta = event.position() - self._drag_from
        self._drag_from = event.position()
        self.pan_by(delta.x(), delta.y())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._drag_from is not None and event.button() == Qt.MouseButton.LeftButton:
            self._drag_from = None
            self.unsetCursor()
            return
        super().mouseReleaseEvent(event)

    def event(self, event: QEvent) -> bool:
        """Pinch: the trackpad's native zoom gesture (macOS, Wayland) and a touch screen's."""
        if isinstance(event, QNativeGestureEvent):
            if event.gestureType() == Qt.NativeGestureType.ZoomNativeGesture:
                self.zoom_by(1.0 + event.value(), event.position())
                return True
            if event.gestureType() == Qt.NativeGestureType.SmartZoomNativeGesture:
                self.fit() if not self._fitted else self.actual_size(event.position())
                return True
        if isinstance(event, QGestureEvent):
            pinch = event.gesture(Qt.GestureType.PinchGesture)
            if isinstance(pinch, QPinchGesture):
                around = self.mapFromGlobal(pinch.centerPoint())
                self.zoom_by(pinch.scaleFactor(), QPointF(around))
                event.accept(pinch)
                return True
        return super().event(event)


def _clamp_axis(centre: float, half_view: float, length: int) -> float:
    """The centre on one axis: the middle when the photo fits, else no empty margin."""
    if 2 * half_view >= length:
        return length / 2
    return max(half_view, min(length - half_view, centre))
