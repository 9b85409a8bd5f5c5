"""The screens of the citizen's choice: home (agencies), agency (its services), service
(requirements, priority, take a ticket). They draw a `Screen` and emit what was touched."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (QButtonGroup, QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout,
                               QWidget)

from ..logos import LOGO_HEIGHT
from ..presenter import Screen
from .common import (PILL_STYLE, TileButton, clear_layout, discard, label, local_name, page_widget, styled, t,
                     touch_scroll_area, unavailable_reason)


def _counts_line(service: dict, language: str) -> str:
    parts = [t(language, "waiting", n=service.get("waiting") or 0)]
    minutes = service.get("est_wait_min")
    parts.append(t(language, "wait_estimate", n=minutes) if minutes else t(language, "wait_none"))
    if service.get("quota_left") is not None:
        parts.append(t(language, "quota_left", n=service["quota_left"]))
    return "   ·   ".join(parts)


class StatusPill(QLabel):
    """"Buka" on green, or why not on red; updated in place as the catalog refreshes."""

    def __init__(self):
        super().__init__()
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)

    def show_state(self, service: dict, language: str) -> None:
        available = bool(service.get("available"))
        if self.styleSheet() != PILL_STYLE[available]:
            self.setStyleSheet(PILL_STYLE[available])
        self.setText(t(language, "open") if available else unavailable_reason(service, language))


def _back_button(language: str) -> QPushButton:
    button = QPushButton("‹  " + t(language, "back"))
    button.setMinimumWidth(220)
    return button


def _logo_label(image) -> QLabel | None:
    """The agency's logo over its name (the worker decoded it); None: the tile shows the name alone."""
    if image is None or image.isNull():
        return None
    logo = QLabel()
    logo.setObjectName("agencyLogo")
    logo.setPixmap(QPixmap.fromImage(image).scaledToHeight(min(LOGO_HEIGHT, image.height()),
                                                           Qt.TransformationMode.SmoothTransformation))
    logo.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
    return logo


class HomePage(QWidget):
    """Welcome, one big tile per agency, and the way in for a booking (touched, or scanned here)."""

    agency_chosen = Signal(str)
    language_toggled = Signal()
    check_in_requested = Signal()
    scanned = Signal(str)  # a barcode scanner typed a line while the home screen showed

    def __init__(self):
        super().__init__()
        page, layout = page_widget()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(page)
        top = QHBoxLayout()
        titles = QVBoxLayout()
        self.welcome = label("", "title")
        self.choose = label("", "subtitle")
        titles.addWidget(self.welcome)
        titles.addWidget(self.choose)
        top.addLayout(titles, 1)
        self.language = QPushButton()
        self.language.setObjectName("language")
        self.language.setMinimumWidth(260)
        self.language.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a scanner's space must not switch it
        self.language.clicked.connect(self.language_toggled)
        top.addWidget(self.language, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)
        self.grid_host = QWidget()
        self.grid = QGridLayout(self.grid_host)
        self.grid.setContentsMargins(0, 0, 8, 0)
        self.grid.setSpacing(18)
        layout.addWidget(touch_scroll_area(self.grid_host), 1)
        self.appointment = TileButton("appointmentTile")
        self.appointment.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the page keeps the scanner's keys
        self.appointment.clicked.connect(self.check_in_requested)
        layout.addWidget(self.appointment)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._keys = ""
        self.tiles: dict[str, TileButton] = {}
        self._shown: tuple = ()
        self._columns = 0

    def render(self, screen: Screen) -> None:
        language = screen.language
        self.welcome.setText(t(language, "welcome"))
        self.choose.setText(t(language, "choose_agency"))
        self.language.setText(t(language, "language"))
        self.appointment.title.setText(t(language, "have_appointment"))
        self.appointment.lines[0].setText(t(language, "check_in_hint"))
        self.setFocus()
        agencies = screen.catalog.get("agencies", [])
        shown = tuple((a["code"], a.get("short_name"), a["name"], len(a.get("services", [])),
                       a.get("logo_url") if a.get("logo_image") is not None else None) for a in agencies)
        if shown != self._shown:  # rebuild only when the building changed: a finger may be on a tile
            self._shown = shown
            self._build(agencies)
        for agency in agencies:
            tile = self.tiles[agency["code"]]
            tile.lines[0].setText(agency["name"])

    def _build(self, agencies: list[dict]) -> None:
        for tile in self.tiles.values():
            discard(tile)
        self.tiles = {}
        for agency in agencies:
            tile = TileButton("agencyTile", agency.get("short_name") or agency["name"])
            tile.setProperty("code", agency["code"])
            tile.logo = _logo_label(agency.get("logo_image"))
            if tile.logo is not None:
                tile.layout().insertWidget(0, tile.logo, 0, Qt.AlignmentFlag.AlignLeft)
            tile.clicked.connect(lambda _=False, code=agency["code"]: self.agency_chosen.emit(code))
            self.tiles[agency["code"]] = tile
        self._columns = 0
        self._arrange()

    def _arrange(self) -> None:
        columns = 2 if self.width() < 1400 else 4  # portrait kiosk 2, landscape screen 4
        if columns == self._columns:
            return
        self._columns = columns
        for tile in self.tiles.values():
            self.grid.removeWidget(tile)
        for index, tile in enumerate(self.tiles.values()):
            self.grid.addWidget(tile, index // columns, index % columns)
        for column in range(4):
            self.grid.setColumnStretch(column, 1 if column < columns else 0)

    def resizeEvent(self, event):
        super().resizeEvent(event)
        self._arrange()

    def hideEvent(self, event):
        self._keys = ""  # half a scan does not wait for the next visit
        super().hideEvent(event)

    def keyPressEvent(self, event):
        """A scanner's keystrokes: gathered until its Enter, then handed on as one line."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            typed, self._keys = self._keys, ""
            if typed.strip():
                self.scanned.emit(typed)
        elif event.text() and event.text().isprintable() and len(self._keys) < 200:
            self._keys += event.text()
        else:
            super().keyPressEvent(event)


class ServiceCard(TileButton):
    def __init__(self, service: dict):
        super().__init__("serviceCard", lines=0)
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.setSpacing(16)
        self.pill = StatusPill()
        line.addWidget(self.pill)
        self.counts = label("", "tileLine")
        line.addWidget(self.counts, 1)
        self.add_row(row)
        self.code = service["code"]

    def update_from(self, service: dict, language: str) -> None:
        self.title.setText(local_name(service, language))
        self.pill.show_state(service, language)
        self.counts.setText(_counts_line(service, language))


def _page_with_back(owner: QWidget, upper_style: str, lower_style: str):
    """A page with a back button beside two title lines; returns (layout, back, upper, lower)."""
    page, layout = page_widget()
    outer = QVBoxLayout(owner)
    outer.setContentsMargins(0, 0, 0, 0)
    outer.addWidget(page)
    top = QHBoxLayout()
    back = _back_button("id")
    top.addWidget(back, 0, Qt.AlignmentFlag.AlignTop)
    titles = QVBoxLayout()
    upper, lower = label("", upper_style), label("", lower_style)
    titles.addWidget(upper)
    titles.addWidget(lower)
    top.addSpacing(12)
    top.addLayout(titles, 1)
    layout.addLayout(top)
    return layout, back, upper, lower


class AgencyPage(QWidget):
    """The agency's services, each with whether it is open, who waits and for how long."""

    service_chosen = Signal(str)
    back_requested = Signal()

    def __init__(self):
        super().__init__()
        layout, self.back, self.title, self.subtitle = _page_with_back(self, "title", "subtitle")
        self.back.clicked.connect(self.back_requested)
        self.choose = label("", "subtitle")
        layout.addWidget(self.choose)
        self.list_host = QWidget()
        self.list = QVBoxLayout(self.list_host)
        self.list.setContentsMargins(0, 0, 8, 0)
        self.list.setSpacing(16)
        self.list.addStretch(1)
        self.scroll = touch_scroll_area(self.list_host)
        layout.addWidget(self.scroll, 1)
        self.cards: dict[str, ServiceCard] = {}
        self._agency: str | None = None

    def render(self, screen: Screen) -> None:
        language, agency = screen.language, screen.agency
        self.back.setText("‹  " + t(language, "back"))
        self.title.setText(agency.get("short_name") or agency["name"])
        self.subtitle.setText(agency["name"])
        self.choose.setText(t(language, "choose_service"))
        codes = [s["code"] for s in agency["services"]]
        if agency["code"] != self._agency or codes != list(self.cards):
            self._build(agency["services"])
            self._agency = agency["code"]
            self.scroll.verticalScrollBar().setValue(0)
        for service in agency["services"]:
            self.cards[service["code"]].update_from(service, language)

    def _build(self, services: list[dict]) -> None:
        for card in self.cards.values():
            discard(card)
        self.cards = {}
        for service in services:
            card = ServiceCard(service)
            card.clicked.connect(lambda _=False, code=service["code"]: self.service_chosen.emit(code))
            self.list.insertWidget(self.list.count() - 1, card)
            self.cards[service["code"]] = card


class ServicePage(QWidget):
    """What to bring, who is a priority, and the big button."""

    priority_chosen = Signal(object)  # a category code, or None: not a priority
    take_requested = Signal()
    back_requested = Signal()

    def __init__(self):
        super().__init__()
        layout, self.back, self.agency, self.title = _page_with_back(self, "subtitle", "title")
        self.back.clicked.connect(self.back_requested)
        status_row = QHBoxLayout()
        self.pill = StatusPill()
        self.counts = label("", "subtitle")
        status_row.addWidget(self.pill)
        status_row.addWidget(self.counts, 1)
        layout.addLayout(status_row)
        panel = styled(QWidget(), "panel")
        panel_layout = QVBoxLayout(panel)
        panel_layout.setContentsMargins(28, 20, 28, 20)
        self.requirements_title = label("", "panelTitle")
        panel_layout.addWidget(self.requirements_title)
        self.requirements_host = QWidget()
        self.requirements = QVBoxLayout(self.requirements_host)
        self.requirements.setContentsMargins(0, 0, 0, 0)
        panel_layout.addWidget(touch_scroll_area(self.requirements_host), 1)
        layout.addWidget(panel, 1)
        self.priority_title = label("", "subtitle")
        layout.addWidget(self.priority_title)
        self.priority_grid = QGridLayout()
        self.priority_grid.setSpacing(14)
        layout.addLayout(self.priority_grid)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.priority_buttons: dict[object, QPushButton] = {}
        self.take = QPushButton()
        self.take.setObjectName("takeTicket")
        self.take.clicked.connect(self.take_requested)
        layout.addSpacing(8)
        layout.addWidget(self.take)
        self._shown: tuple = ()

    def render(self, screen: Screen) -> None:
        language, service = screen.language, screen.service
        categories = screen.catalog.get("site", {}).get("priority_categories", [])
        self.back.setText("‹  " + t(language, "back"))
        self.agency.setText(screen.agency.get("short_name") or screen.agency["name"])
        self.title.setText(local_name(service, language))
        self.pill.show_state(service, language)
        self.counts.setText(_counts_line(service, language))
        self.requirements_title.setText(t(language, "requirements"))
        self.priority_title.setText(t(language, "priority_question"))
        shown = (service["code"], language, tuple(service.get("requirements") or ()),
                 tuple(c["code"] for c in categories))
        if shown != self._shown:
            self._shown = shown
            self._build(service, categories, language)
        self.priority_buttons.get(screen.priority, self.priority_buttons[None]).setChecked(True)
        available = bool(service.get("available"))
        self.take.setEnabled(available)
        self.take.setText(t(language, "take_ticket") if available
                          else t(language, "unavailable_take", reason=unavailable_reason(service, language)))

    def _build(self, service: dict, categories: list[dict], language: str) -> None:
        clear_layout(self.requirements)
        for requirement in service.get("requirements") or [t(language, "no_requirements")]:
            self.requirements.addWidget(label(f"•  {requirement}", "requirement"))
        self.requirements.addStretch(1)
        for button in self.priority_buttons.values():
            self.group.removeButton(button)
            discard(button)
        self.priority_buttons = {}
        choices = [(None, t(language, "no_priority"))] + [(c["code"], local_name(c, language)) for c in categories]
        for index, (code, name) in enumerate(choices):
            button = QPushButton(name)
            button.setObjectName("priority")
            button.setCheckable(True)
            button.clicked.connect(lambda _=False, code=code: self.priority_chosen.emit(code))
            self.group.addButton(button)
            self.priority_grid.addWidget(button, index // 3, index % 3)
            self.priority_buttons[code] = button
