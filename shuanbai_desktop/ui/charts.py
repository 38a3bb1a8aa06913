"""A small month-by-month chart drawn with QPainter: bars for one series, an optional line for a second.

工作台 shows three of them (docs/decisions.md “工作台图表”: no chart library; Qt Charts is deprecated and
would bring PySide6-Addons, pyqtgraph would bring numpy). Each month's figures are in its tooltip and in
the widget's accessible description, so the numbers can be read exactly, not only seen.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from . import widgets

BAR = widgets.CHART_BAR
BAR_PARTIAL = widgets.CHART_BAR_PARTIAL
LINE = widgets.CHART_LINE
AXIS = widgets.CHART_AXIS
GRID = widgets.CHART_GRID
TEXT = widgets.CHART_TEXT


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[int, ...]
    line: bool = False  # drawn as a line with dots over the bars


def nice_top(value: int, steps: int = 4) -> tuple[int, int]:
    """An axis top at or above ``value`` and its step: 1, 2 or 5 × 10ⁿ per step."""
    if value <= 0:
        return steps, 1
    raw = value / steps
    power = 10 ** math.floor(math.log10(raw))
    step = power
    for factor in (1, 2, 5, 10):
        step = factor * power
        if step >= raw:
            break
    step = max(1, int(step))
    return step * math.ceil(value / step), step


class TrendChart(QWidget):
    """``set_data(labels, series, partial_last, month_names)``; ``month_names`` (e.g. “2024年5月”) head the
    tooltip of each month, ``labels`` (“5月”) are printed under the bars."""

    def __init__(self, title: str, unit: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.title, self.unit = title, unit
        self.labels: tuple[str, ...] = ()
        self.month_names: tuple[str, ...] = ()
        self.series: tuple[Series, ...] = ()
        self.partial_last = False
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(240, 150)
        self.setAccessibleName(title)

    def sizeHint(self) -> QSize:
        return QSize(380, 200)

    def set_data(self, labels: Sequence[str], series: Sequence[Series], partial_last: bool = False,
                 month_names: Sequence[str] = ()) -> None:
        self.labels, self.series, self.partial_last = tuple(labels), tuple(series), partial_last
        self.month_names = tuple(month_names) or self.labels
        self.setAccessibleDescription("；".join(self.month_text(i) for i in range(len(self.labels))))
        self.update()

    def month_text(self, index: int) -> str:
        parts = [f"{s.name} {s.values[index]}{self.unit}" for s in self.series]
        note = "（本月至今）" if self.partial_last and index == len(self.labels) - 1 else ""
        return f"{self.month_names[index]}{note}：" + "，".join(parts)

    # --- geometry ---------------------------------------------------------------------------------------
    def _fonts(self) -> tuple[QFont, QFont]:
        title = QFont(self.font())
        title.setBold(True)
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, self.font().pointSizeF() - 1.5))
        return title, small

    def _plot_rect(self) -> QRectF:
        title, small = self._fonts()
        top = QFontMetrics(title).height() + 10
        small_h = QFontMetrics(small).height()
        left = QFontMetrics(small).horizontalAdvance("00000") + 8
        return QRectF(left, top + small_h, max(10, self.width() - left - 8),
                      max(10, self.height() - top - 2 * small_h - 8))

    def _slot(self, plot: QRectF) -> float:
        return plot.width() / max(1, len(self.labels))

    def index_at(self, x: float) -> int | None:
        plot = self._plot_rect()
        if not self.labels or not plot.left() <= x < plot.right():
            return None
        return min(len(self.labels) - 1, int((x - plot.left()) / self._slot(plot)))

    # --- painting ---------------------------------------------------------------------------------------
    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        title, small = self._fonts()
        painter.setFont(title)
        painter.setPen(QColor(TEXT))
        painter.drawText(QRectF(0, 0, self.width(), QFontMetrics(title).height() + 4),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, f"{self.title}（{self.unit}）")
        if not self.labels or not self.series:
            painter.end()
            return
        plot = self._plot_rect()
        painter.setFont(small)
        self._draw_legend(painter, small)
        top, step = nice_top(max(max(s.values) for s in self.series))
        self._draw_axis(painter, plot, top, step)
        bars = [s for s in self.series if not s.line]
        if bars:
            self._draw_bars(painter, plot, bars[0], top, small)
        for line in (s for s in self.series if s.line):
            self._draw_line(painter, plot, line, top)
        painter.end()

    def _draw_legend(self, painter: QPainter, small: QFont) -> None:
        if len(self.series) < 2:
            return
        metrics = QFontMetrics(small)
        x = self.width() - 4
        y = metrics.height() // 2 + 2
        for s in reversed(self.series):
            width = metrics.horizontalAdvance(s.name)
            x -= width
            painter.setPen(QColor(TEXT))
            painter.drawText(QPointF(x, y + metrics.ascent() / 2 - 1), s.name)
            x -= 16
            if s.line:
                painter.setPen(QPen(QColor(LINE), 2))
                painter.drawLine(QPointF(x, y), QPointF(x + 12, y))
            else:
                painter.fillRect(QRectF(x + 1, y - 5, 10, 10), QColor(BAR))
            x -= 12

    def _y(self, plot: QRectF, value: float, top: int) -> float:
        return plot.bottom() - plot.height() * value / top

    def _draw_axis(self, painter: QPainter, plot: QRectF, top: int, step: int) -> None:
        metrics = painter.fontMetrics()
        for value in range(0, top + 1, step):
            y = self._y(plot, value, top)
            painter.setPen(QPen(QColor(GRID if value else AXIS), 1))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(QColor(TEXT))
            painter.drawText(QRectF(0, y - metrics.height() / 2, plot.left() - 6, metrics.height()),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, str(value))
        slot = self._slot(plot)
        for i, label in enumerate(self.labels):
            rect = QRectF(plot.left() + i * slot - 4, plot.bottom() + 2, slot + 8, metrics.height() + 2)
            painter.drawText(rect, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, label)

    def _draw_bars(self, painter: QPainter, plot: QRectF, series: Series, top: int, small: QFont) -> None:
        slot = self._slot(plot)
        width = max(3.0, slot * 0.62)
        metrics = QFontMetrics(small)
        last = len(series.values) - 1
        for i, value in enumerate(series.values):
            x = plot.left() + i * slot + (slot - width) / 2
            y = self._y(plot, value, top)
            colour = BAR_PARTIAL if self.partial_last and i == last else BAR
            painter.fillRect(QRectF(x, y, width, plot.bottom() - y), QColor(colour))
            text = str(value)
            if metrics.horizontalAdvance(text) <= slot + 2 and y - metrics.height() >= plot.top() - metrics.height():
                painter.setPen(QColor(TEXT))
                painter.drawText(QRectF(x - 6, y - metrics.height() - 1, width + 12, metrics.height()),
                                 Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom, text)

    def _draw_line(self, painter: QPainter, plot: QRectF, series: Series, top: int) -> None:
        slot = self._slot(plot)
        points = [QPointF(plot.left() + (i + 0.5) * slot, self._y(plot, v, top)) for i, v in enumerate(series.values)]
        painter.setPen(QPen(QColor(LINE), 2))
        for a, b in zip(points, points[1:], strict=False):
            painter.drawLine(a, b)
        painter.setBrush(QColor(LINE))
        for p in points:
            painter.drawEllipse(p, 2.5, 2.5)

    # --- tooltips ---------------------------------------------------------------------------------------
    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            index = self.index_at(event.pos().x())
            if index is None:
                QToolTip.hideText()
            else:
                QToolTip.showText(event.globalPos(), self.month_text(index), self)
            return True
        return super().event(event)
