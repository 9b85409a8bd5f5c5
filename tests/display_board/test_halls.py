"""The board against a real server: a finished ticket leaves the headline, and a board serves a hall.

Regressions: a headline stayed on the second-floor board 51 minutes after its ticket was done;
the second floor's board was silent (one voice per hall, every hall hears its own calls)."""

import time

import pytest

from devtools.launcher import DEMO_SITE, ServerProcess, add_officer, add_token, prepare_database
from tests.conftest import MONDAY_MORNING, OFFICERS, Floor

from tests.qt_apps import show_and_start

from .test_board_app import open_counter

HALL = "Hall Bersama Lantai 1-2"


def test_a_done_ticket_leaves_the_headline_within_a_second(qtbot, floor, make_display):
    app = make_display(silent=True)
    qtbot.waitUntil(lambda: app.presenter.board.ready and app.presenter.board.connected, timeout=10_000)
    ticket = floor.issue("DK-KTP")
    with open_counter(floor) as budi:
        assert budi.post("/api/counters/L01/call-next").status_code == 200
        qtbot.waitUntil(lambda: app.window.now_code.text() == ticket["code"], timeout=5000)
        assert budi.post("/api/counters/L01/done").status_code == 200
        done = time.perf_counter()
        qtbot.waitUntil(lambda: app.window.now_code.text() == "—", timeout=1000)
    print(f"\ndone → headline gone in {(time.perf_counter() - done) * 1000:.0f} ms")
    assert app.window.now_counter.text() == "Menunggu panggilan"
    assert ticket["code"] in [code for code, _ in app.window.recent_panel.shown]  # history keeps it
    assert ("Loket 1", "Siap") in app.window.counter_panel.shown


@pytest.fixture
def floor(tmp_path):
    """The demo site where zones 1 and 2 share one hall (zone 1 alone is as usual), with a kiosk
    (`kiosk_2`) and an officer (dewi, DPMPTSP) in zone 2."""
    site = DEMO_SITE.read_text(encoding="utf-8")
    for name in ('name = "Lantai 1 - Hall Utama"\n', 'name = "Lantai 2 - Hall Perizinan"\n'):
        assert site.count(name) == 1, name
        site = site.replace(name, f'{name}hall = "{HALL}"\n')
    site_path = tmp_path / "shared-hall.toml"
    site_path.write_text(site, encoding="utf-8")
    (tmp_path / "own-halls.toml").write_text(DEMO_SITE.read_text(encoding="utf-8"), encoding="utf-8")
    db = tmp_path / "antrian.db"
    prepare_database(db, site_path)
    tokens = [add_token(db, kind, name, "1") for kind, name in
              [("kiosk", "Kios 1"), ("display", "Layar Hall 1"), ("counter", "PC Loket 1")]]
    kiosk_2, display_2 = add_token(db, "kiosk", "Kios 2", "2"), add_token(db, "display", "Layar Hall 2", "2")
    for username, role, agency in [*OFFICERS, ("dewi", "officer", "DPMPTSP")]:
        add_officer(db, username, "1234", role, agency)
    floor = Floor(ServerProcess(db, now=MONDAY_MORNING).start(), *tokens, db)
    floor.kiosk_2, floor.display_2, floor.own_halls = kiosk_2, display_2, tmp_path / "own-halls.toml"
    yield floor
    floor.server.stop()


def test_a_board_announces_every_call_of_its_hall_and_lists_its_own_zone(qtbot, floor, make_display):
    app = make_display(silent=True)  # what it would say is in `presenter.announced`
    qtbot.waitUntil(lambda: app.presenter.board.ready and app.presenter.board.connected, timeout=10_000)
    assert app.window.hall.text() == HALL and HALL in app.window.windowTitle()
    assert app.worker.follower.stream_zone == "1,2"
    floor.kiosk_token = floor.kiosk_2
    upstairs = floor.issue("PT-NIB")
    with open_counter(floor, "dewi", "L24") as dewi:
        assert dewi.post("/api/counters/L24/call-next").json()["ticket"]["code"] == upstairs["code"]
        qtbot.waitUntil(lambda: [a.code for a in app.presenter.announced] == [upstairs["code"]], timeout=5000)
    assert "loket dua puluh empat" in app.presenter.announced[0].text
    assert app.window.now_code.text() == upstairs["code"]  # the hall heard it: the headline says it too
    names = [c.name for c in app.presenter.board.counters]
    assert "Loket 1" in names and "Loket 24" not in names  # zone 1's counters only


def test_when_the_site_gives_each_zone_its_own_hall_the_board_follows_its_zone_only(qtbot, floor, make_display):
    app = make_display(silent=True)
    qtbot.waitUntil(lambda: app.presenter.board.connected and app.worker.follower.stream_zone == "1,2",
                    timeout=10_000)
    prepare_database(floor.db_path, floor.own_halls)  # `mpp-server init` again, under the running server
    qtbot.waitUntil(lambda: app.presenter.board.hall_name == "Lantai 1 - Hall Utama", timeout=5000)
    assert app.window.hall.text() == "Lantai 1 - Hall Utama"
    qtbot.waitUntil(lambda: app.worker.follower.stream_zone == "1", timeout=2000)
    downstairs = floor.issue("DK-KTP")
    floor.kiosk_token = floor.kiosk_2
    upstairs = floor.issue("PT-NIB")
    with open_counter(floor, "dewi", "L24") as dewi:
        assert dewi.post("/api/counters/L24/call-next").status_code == 200
    with open_counter(floor) as budi:
        assert budi.post("/api/counters/L01/call-next").status_code == 200
        qtbot.waitUntil(lambda: app.window.now_code.text() == downstairs["code"], timeout=5000)
    assert [a.code for a in app.presenter.announced] == [downstairs["code"]]  # zone 2 is another hall now
    assert upstairs["code"] not in [c.code for c in app.presenter.board.recent]


def test_two_speaking_boards_in_one_process_both_play_their_announcements(qtbot, floor, make_display, tmp_path):
    """Regression: zone 2's board had to run silent (one pyttsx3 engine per process)."""
    from display_board.app import DisplayApp, DisplayConfig

    first = make_display()
    second = DisplayApp(DisplayConfig(server_url=floor.url, token=floor.display_2, zone="2", rate=190,
                                      audio_dir=tmp_path / "audio-zone-2"))
    try:
        show_and_start(qtbot, second, (1920, 1080))
        for app in (first, second):
            qtbot.waitUntil(lambda app=app: app.presenter.board.ready and app.presenter.board.connected,
                            timeout=10_000)
        assert second.presenter.board.hall_name == HALL
        floor.kiosk_token = floor.kiosk_2
        upstairs = floor.issue("PT-NIB")
        with open_counter(floor, "dewi", "L24") as dewi:
            assert dewi.post("/api/counters/L24/call-next").status_code == 200
        for app in (first, second):
            qtbot.waitUntil(lambda app=app: (upstairs["code"], "speech") in
                            [(s.code, s.part) for s in app.player.log if s.ended], timeout=30_000)
            speech = [s for s in app.player.log if s.part == "speech"]
            assert speech and all(s.error is None for s in speech)
        assert {first.config.audio_dir, second.config.audio_dir} == {
            s.path.parent for app in (first, second) for s in app.player.log if s.part == "speech"}
    finally:
        assert second.stop(), "the second board's threads did not end"
