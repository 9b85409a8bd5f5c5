"""A board tells the server it is alive (its stream alone is one request at connect): the device
page lists it online with its version."""


def test_a_running_board_is_online_on_the_device_page(qtbot, floor, make_display):
    app = make_display(silent=True)
    qtbot.waitUntil(lambda: app.worker.heartbeat.sent >= 1, timeout=10_000)
    with floor.login("admin") as admin:
        board = {d["name"]: d for d in admin.get("/api/devices").json()}["Layar Hall 1"]
    assert board["online"] is True and board["kind"] == "display" and board["version"]
    assert app.worker.heartbeat.every_s <= 30
