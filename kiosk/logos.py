"""The agencies' logos for the kiosk's tiles, fetched and decoded in the worker thread (never the UI's).

A logo's address carries its version (`?v=N`), so one fetched is kept until the catalog names another.
A PNG becomes a QImage; an SVG is drawn into one by QtSvg. Anything that fails leaves the tile with
the agency's name: a logo is never a reason for the kiosk to stop."""

from __future__ import annotations

import logging

from PySide6.QtCore import QByteArray, QSize, Qt
from PySide6.QtGui import QImage, QPainter

from mpp_client.api import ApiError, ServerUnreachable

try:
    from PySide6.QtSvg import QSvgRenderer
except ImportError:  # a PySide6 without QtSvg: PNG logos only
    QSvgRenderer = None

log = logging.getLogger("kiosk.logos")

LOGO_HEIGHT = 96  # px on the tile; an SVG is drawn at twice that for a sharp scale-down


class Logos:
    """URL → QImage (or None: it could not be had) for the catalog's agencies."""

    def __init__(self, api):
        self.api = api
        self.images: dict[str, QImage | None] = {}

    def attach(self, catalog: dict) -> None:
        """Each agency of `catalog` with a `logo_url` gets `logo_image` (a QImage) when it loads."""
        wanted = set()
        for agency in catalog.get("agencies", []):
            url = agency.get("logo_url")
            if not url:
                continue
            wanted.add(url)
            if url not in self.images:
                self.images[url] = self._load(url)
            if self.images[url] is not None:
                agency["logo_image"] = self.images[url]
        for url in set(self.images) - wanted:  # an old version or a removed logo
            del self.images[url]

    def _load(self, url: str) -> QImage | None:
        try:
            data = self.api.media(url)
        except (ServerUnreachable, ApiError) as exc:
            log.warning("logo %s not loaded: %s", url, exc.message)
            return None
        image = decode(data, url)
        if image is None:
            log.warning("logo %s could not be read; the tile shows the name", url)
        return image


def decode(data: bytes, url: str = "") -> QImage | None:
    if data.lstrip()[:1] == b"<" or url.split("?")[0].endswith(".svg"):
        return _svg(data)
    image = QImage.fromData(data, "PNG")
    return None if image.isNull() else image


def _svg(data: bytes) -> QImage | None:
    if QSvgRenderer is None:
        return None
    renderer = QSvgRenderer(QByteArray(data))
    if not renderer.isValid():
        return None
    size = renderer.defaultSize()
    if size.isEmpty():
        size = QSize(LOGO_HEIGHT, LOGO_HEIGHT)
    size = size.scaled(QSize(LOGO_HEIGHT * 8, LOGO_HEIGHT * 2), Qt.AspectRatioMode.KeepAspectRatio)
    image = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    return image
