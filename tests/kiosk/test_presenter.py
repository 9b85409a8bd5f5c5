"""The citizen's path, driven through the presenter with a fake view and worker."""

import pytest

from kiosk.presenter import KioskPresenter

CATALOG = {
    "site": {"name": "MPP Harapan Jaya", "priority_categories": [{"code": "lansia", "name": "Lanjut usia"}]},
    "agencies": [
        {"code": "DUKCAPIL", "name": "Disdukcapil", "services": [
            {"code": "DK-KTP", "name": "Cetak KTP-el", "available": True, "reason": None, "waiting": 3,
             "est_wait_min": 12, "requirements": ["KK asli"]},
            {"code": "DK-KK", "name": "Kartu Keluarga", "available": False, "reason": "quota_full", "waiting": 9,
             "est_wait_min": 40, "requirements": []},
        ]},
    ],
}


class FakeView:
    def __init__(self):
        self.screens = []

    def show(self, screen):
        self.screens.append(screen)

    @property
    def current(self):
        return self.screens[-1]


class FakeWorker:
    def __init__(self):
        self.asked = []

    def load_catalog(self):
        self.asked.append(("catalog",))

    def take_ticket(self, service, priority, language):
        self.asked.append(("ticket", service, priority))
        self.language = language


@pytest.fixture
def kiosk():
    view, worker = FakeView(), FakeWorker()
    presenter = KioskPresenter(view, worker)
    presenter.start()
    presenter.catalog_loaded(CATALOG)
    presenter.printer_status(True)
    return presenter, view, worker


def test_starts_out_of_service_until_the_catalog_arrives():
    view, worker = FakeView(), FakeWorker()
    presenter = KioskPresenter(view, worker)
    presenter.start()
    assert view.current.name == "out_of_service" and worker.asked == [("catalog",)]
    presenter.catalog_loaded(CATALOG)
    assert view.current.name == "home"


def test_the_whole_path_asks_for_one_ticket_and_shows_it(kiosk):
    presenter, view, worker = kiosk
    presenter.choose_agency("DUKCAPIL")
    presenter.choose_service("DK-KTP")
    presenter.choose_priority("lansia")
    presenter.take_ticket()
    presenter.take_ticket()  # a second touch while printing
    assert [a for a in worker.asked if a[0] == "ticket"] == [("ticket", "DK-KTP", "lansia")]
    assert view.current.name == "printing"
    presenter.go_home()  # the idle timer must not abandon a ticket being printed
    assert view.current.name == "printing"
    presenter.ticket_printed({"code": "A-004", "ahead": 3})
    assert view.current.name == "done" and view.current.ticket["code"] == "A-004"
    presenter.idle()
    assert view.current.name == "home"


def test_the_ticket_is_asked_in_the_citizens_language(kiosk):
    presenter, _, worker = kiosk
    presenter.toggle_language()
    presenter.choose_agency("DUKCAPIL")
    presenter.choose_service("DK-KTP")
    presenter.take_ticket()
    assert worker.language == "en"


def test_unavailable_service_cannot_be_taken(kiosk):
    presenter, view, worker = kiosk
    presenter.choose_agency("DUKCAPIL")
    presenter.choose_service("DK-KK")
    presenter.take_ticket()
    assert view.current.name == "service" and not [a for a in worker.asked if a[0] == "ticket"]


def test_unknown_priority_is_ignored(kiosk):
    presenter, view, _ = kiosk
    presenter.choose_agency("DUKCAPIL")
    presenter.choose_service("DK-KTP")
    presenter.choose_priority("vip")
    assert view.current.priority is None


def test_print_failure_is_told_and_the_kiosk_goes_home(kiosk):
    presenter, view, _ = kiosk
    presenter.choose_agency("DUKCAPIL")
    presenter.choose_service("DK-KTP")
    presenter.take_ticket()
    presenter.print_failed("Kertas habis")
    assert view.current.name == "failed" and view.current.detail == "Kertas habis"
    presenter.idle()
    assert view.current.name == "home"


def test_server_lost_on_home_goes_out_of_service_and_comes_back(kiosk):
    presenter, view, _ = kiosk
    presenter.server_unreachable("timeout")
    assert view.current.name == "out_of_service"
    presenter.catalog_loaded(CATALOG)
    assert view.current.name == "home"


def test_printer_out_of_paper_takes_the_kiosk_out_of_service(kiosk):
    presenter, view, _ = kiosk
    presenter.printer_status(False, "kertas habis")
    assert view.current.name == "out_of_service" and "kertas habis" in view.current.detail
    presenter.printer_status(True)
    assert view.current.name == "home"


def test_printer_not_ready_at_the_touch_goes_out_of_service_from_printing(kiosk):
    """The worker asked the printer before reserving: no number, and the screen says why."""
    presenter, view, _ = kiosk
    presenter.choose_agency("DUKCAPIL")
    presenter.choose_service("DK-KTP")
    presenter.take_ticket()
    assert view.current.name == "printing"
    presenter.printer_not_ready("kertas habis")
    assert view.current.name == "out_of_service" and "kertas habis" in view.current.detail
    presenter.printer_status(True)  # a new roll
    assert view.current.name == "home"


def test_back_and_idle_return_home_and_reset_the_language(kiosk):
    presenter, view, _ = kiosk
    presenter.toggle_language()
    presenter.choose_agency("DUKCAPIL")
    assert view.current.language == "en"
    presenter.choose_service("DK-KTP")
    presenter.back()
    assert view.current.name == "agency"
    presenter.idle()
    assert view.current.name == "home" and presenter.language == "id"


def test_new_catalog_updates_counts_without_moving_the_citizen(kiosk):
    presenter, view, _ = kiosk
    presenter.choose_agency("DUKCAPIL")
    presenter.choose_service("DK-KTP")
    fresher = {**CATALOG, "agencies": [{**CATALOG["agencies"][0], "services": [
        {**CATALOG["agencies"][0]["services"][0], "waiting": 7}, CATALOG["agencies"][0]["services"][1]]}]}
    presenter.catalog_loaded(fresher)
    assert view.current.name == "service" and view.current.service["waiting"] == 7


def test_out_of_service_says_why_the_server_refused(kiosk):
    presenter, view, _ = kiosk
    presenter.server_unreachable("Token kios ditolak server; hubungi petugas TI.")
    assert view.current.name == "out_of_service" and "Token kios ditolak" in view.current.detail


# ---------------------------------------------------------------- a booking's check-in

def test_check_in_asks_once_for_the_scanned_code_and_shows_the_ticket(kiosk):
    presenter, view, worker = kiosk
    worker.check_in = lambda code, language: worker.asked.append(("check_in", code, language))
    presenter.open_check_in()
    assert view.current.name == "check_in"
    presenter.check_in("KODE?")  # unreadable: said on the same screen, nothing asked
    assert view.current.name == "check_in" and "tidak terbaca" in view.current.message
    presenter.check_in("https://mpp.example.go.id/booking/7qk3m9xa?k=abc")
    presenter.check_in("7QK3M9XA")  # a second scan while printing
    assert [a for a in worker.asked if a[0] == "check_in"] == [("check_in", "7QK3M9XA", "id")]
    assert view.current.name == "printing"
    presenter.ticket_printed({"code": "A-004", "booked": True, "appointment": {"slot": "10:30"}})
    assert view.current.name == "done"


def test_check_in_refusal_shows_the_servers_words_then_english_and_goes_home(kiosk):
    presenter, view, _ = kiosk
    presenter.open_check_in()
    presenter.check_in_refused("too_early", "Belum waktunya lapor diri.", {"check_in_from": "2026-11-23T10:00+07:00"})
    assert view.current.name == "failed"
    assert (view.current.message, view.current.detail) == (
        "Belum waktunya lapor diri. Lapor diri dibuka pukul 10.00 WIB.",
        "Too early: check-in for this booking has not opened yet. Check-in opens at 10:00 WIB.")
    presenter.check_in_refused("wrong_day", "Bukan hari ini.", {"date": "2026-11-24"})
    assert view.current.message == "Bukan hari ini. Janji temu ini untuk Selasa, 24 November 2026."
    presenter.check_in_refused("checked_in", "Sudah dipakai.", {"ticket": "A-012"})
    assert view.current.detail == "This booking has already been checked in. Its queue number is A-012."
    presenter.check_in_refused("something_new", "Ditolak.")
    assert view.current.detail.startswith("The booking could not be checked in")
    presenter.idle()
    assert view.current.name == "home"


def test_check_in_screen_goes_home_by_back_and_by_idle(kiosk):
    presenter, view, _ = kiosk
    presenter.open_check_in()
    presenter.back()
    assert view.current.name == "home"
    presenter.open_check_in()
    presenter.idle()
    assert view.current.name == "home"
