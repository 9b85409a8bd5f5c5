"""The kiosk follows `site.changed`: its catalog is read again within a second, not at the next poll.

The kiosk's own stream (`/api/events?types=site.changed`, kiosk token) is real. Nothing on the
server emits `site.changed` yet (re-running `mpp-server init` will), so the event is handed to
the worker as its follower's thread hands it: from another thread, through the same callback.
"""

import threading
import time

from mpp_client.events import CONNECTED, SITE_CHANGED

from .conftest import on_screen, profile_at


def waiting(catalog: dict, service: str) -> int:
    return next(s["waiting"] for a in catalog["agencies"] for s in a["services"] if s["code"] == service)


def test_the_kiosk_follows_site_changes_on_its_own_stream(qtbot, floor, printer, make_kiosk):
    kiosk = make_kiosk(profile_at(printer.port))
    qtbot.waitUntil(on_screen(kiosk, "home"), timeout=10_000)
    qtbot.waitUntil(lambda: kiosk.worker.follower is not None and kiosk.worker.follower.status == CONNECTED,
                    timeout=5000)
    assert kiosk.worker.follower.types == (SITE_CHANGED,) and not kiosk.worker.follower.snapshot


def test_site_changed_reloads_the_catalog_within_a_second(qtbot, floor, printer, make_kiosk):
    kiosk = make_kiosk(profile_at(printer.port))
    qtbot.waitUntil(on_screen(kiosk, "home"), timeout=10_000)
    before = waiting(kiosk.presenter.catalog, "DK-KTP")
    floor.issue("DK-KTP")  # the catalog changes on the server; the kiosk's next poll is 20 s away
    with qtbot.waitSignal(kiosk.worker.catalog_loaded, timeout=1000):
        started = time.perf_counter()
        threading.Thread(target=kiosk.worker._on_event, args=(SITE_CHANGED, {"version": 2}, 99)).start()
    took = time.perf_counter() - started
    qtbot.waitUntil(lambda: waiting(kiosk.presenter.catalog, "DK-KTP") == before + 1, timeout=1000)
    assert took < 1.0
    assert kiosk.window.current == "home"  # a reload does not move the citizen
