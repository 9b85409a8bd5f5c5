"""The supervisors' running text on the board: its zone's and the building's at once, before the
site's own; gone at its end or when the server ends it; plain text. Presenter with a fake view,
and the whole app against a real server."""

from datetime import datetime, timedelta

from display_board.presenter import MESSAGE_GAP, BoardPresenter
from tests.display_board.test_presenter import NOW, SNAPSHOT, Fake


def message(id_, text, zone=None, minutes=30):
    return {"id": id_, "text": text, "zone": zone, "until": (NOW + timedelta(minutes=minutes)).isoformat(),
            "created_at": NOW.isoformat(), "created_by": "rina"}


def board(now, messages=()):
    fake = Fake()
    presenter = BoardPresenter(fake, fake, server_now=lambda: now[0])
    presenter.snapshot({**SNAPSHOT, "zone": "1", "messages": list(messages)})
    return presenter, fake


def test_the_snapshots_messages_run_before_the_sites_text():
    _, fake = board([NOW], [message(1, "Loket 3 tutup", "1"), message(2, "Listrik padam pukul 12.00")])
    assert fake.boards[-1].running_text == MESSAGE_GAP.join(
        ["Loket 3 tutup", "Listrik padam pukul 12.00", "Selamat datang"])


def test_a_message_comes_and_goes_with_its_events_and_another_zones_is_not_shown():
    presenter, fake = board([NOW])
    presenter.event("board.message", {"message": message(5, "<b>Loket 3</b> tutup", "1"), "ended": False}, 40)
    presenter.event("board.message", {"message": message(6, "Zona dua", "2"), "ended": False}, 41)
    assert fake.boards[-1].running_text == MESSAGE_GAP.join(["<b>Loket 3</b> tutup", "Selamat datang"])
    presenter.event("board.message", {"message": message(5, "<b>Loket 3</b> tutup", "1"), "ended": True,
                                      "reason": "ended"}, 42)
    assert fake.boards[-1].running_text == "Selamat datang"


def test_a_message_leaves_at_its_time_by_the_servers_clock():
    now = [NOW]
    presenter, fake = board(now, [message(1, "Istirahat salat", minutes=10)])
    presenter.tick()
    assert fake.boards[-1].running_text.startswith("Istirahat salat")
    now[0] = NOW + timedelta(minutes=10)
    presenter.tick()
    assert fake.boards[-1].running_text == "Selamat datang"


def test_a_message_already_over_is_never_shown():
    presenter, fake = board([NOW])
    presenter.event("board.message", {"message": message(9, "Lama", minutes=-1), "ended": False}, 50)
    assert fake.boards[-1].running_text == "Selamat datang"
    assert isinstance(datetime.fromisoformat(message(9, "x")["until"]), datetime)


def test_the_board_shows_a_supervisors_message_at_once_and_drops_it_at_its_end(qtbot, floor, make_display):
    app = make_display()
    qtbot.waitUntil(lambda: app.presenter.board.ready and app.presenter.board.connected, timeout=10_000)
    site_text = app.window.marquee.text
    with floor.login("rina") as rina:
        now = datetime.fromisoformat(rina.get("/api/health").json()["now"])
        soon = rina.post("/api/broadcasts", json={"text": "Loket 3 tutup sementara", "zone": "1",
                                                  "until": (now + timedelta(seconds=4)).isoformat()}).json()
        building = rina.post("/api/broadcasts", json={"text": "<i>Listrik</i> padam pukul 12.00"}).json()
        elsewhere = rina.post("/api/broadcasts", json={"text": "Hanya zona dua", "zone": "2"})
        assert soon["id"] and building["id"] and elsewhere.status_code == 201
        qtbot.waitUntil(lambda: "<i>Listrik</i> padam" in app.window.marquee.text, timeout=5000)
        assert app.window.marquee.text.startswith("Loket 3 tutup sementara")
        assert "Hanya zona dua" not in app.window.marquee.text and app.window.marquee.text.endswith(site_text)
        # At its `until` (by the server's clock) the first leaves, without waiting for the server's word.
        qtbot.waitUntil(lambda: "Loket 3" not in app.window.marquee.text, timeout=8000)
        assert rina.delete(f"/api/broadcasts/{building['id']}").status_code == 200
        qtbot.waitUntil(lambda: app.window.marquee.text == site_text, timeout=5000)


def test_the_latest_ikm_the_server_sends_runs_after_the_sites_text():
    fake = Fake()
    presenter = BoardPresenter(fake, fake, server_now=lambda: NOW)
    ikm = "Indeks Kepuasan Masyarakat bulan Oktober 2026: 85,12 (B, Baik)"
    presenter.snapshot({**SNAPSHOT, "site": {**SNAPSHOT["site"], "ikm_text": ikm}})
    assert fake.boards[-1].running_text == MESSAGE_GAP.join(["Selamat datang", ikm])
    presenter.snapshot({**SNAPSHOT, "site": {**SNAPSHOT["site"], "ikm_text": None}})  # turned off: site.changed
    assert fake.boards[-1].running_text == "Selamat datang"
