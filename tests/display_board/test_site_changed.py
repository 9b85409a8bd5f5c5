"""The board follows `site.changed`: after it, a fresh snapshot of the zone, within a second.

Nothing on the server emits `site.changed` yet (re-running `mpp-server init` will). The board's
follower reads a fresh snapshot after each event type in its `snapshot_on`; here a real
`counter.opened` stands in, so the whole path runs: stream → snapshot → bridge → presenter.
"""

import time

from mpp_client.events import SITE_CHANGED

from .test_board_app import open_counter


def test_site_changed_brings_the_board_a_fresh_snapshot_within_a_second(qtbot, floor, make_display):
    app = make_display(silent=True)
    assert SITE_CHANGED in app.worker.follower.snapshot_on
    qtbot.waitUntil(lambda: app.presenter.board.ready and app.presenter.board.connected, timeout=10_000)
    app.worker.follower.snapshot_on = frozenset({SITE_CHANGED, "counter.opened"})  # the stand-in
    snapshots = []
    app.bridge.reported.connect(lambda name, args: name == "snapshot" and snapshots.append(time.perf_counter()))
    with open_counter(floor):
        opened = time.perf_counter()
        qtbot.waitUntil(lambda: bool(snapshots), timeout=1000)
    assert snapshots[0] - opened < 1.0
    assert next(c for c in app.presenter.board.counters if c.code == "L01").status == "open"
