"""The counter app follows `site.changed`: the counter and the counter list are read again at once.

Nothing on the server emits `site.changed` yet (re-running `mpp-server init` will), so the event is
handed to the worker as its follower's thread hands it: from another thread, through the same callback.
"""

import threading

from mpp_client.events import SITE_CHANGED

from .test_counter_app import work_at


def test_site_changed_rereads_the_counter_and_the_counter_list(qtbot, floor, make_counter):
    app = make_counter()
    work_at(qtbot, app)
    heard = []
    app.bridge.reported.connect(lambda name, args: heard.append(name))
    with qtbot.waitSignals([app.worker.counter_loaded, app.worker.counters_loaded], timeout=1000):
        threading.Thread(target=app.worker._on_event, args=(SITE_CHANGED, {"version": 2}, 99)).start()
    qtbot.waitUntil(lambda: {"counter_loaded", "counters_loaded"} <= set(heard), timeout=1000)
    assert app.presenter.screen.stage == "working" and app.presenter.counter["code"] == "L01"
    assert app.presenter.screen.error is None
