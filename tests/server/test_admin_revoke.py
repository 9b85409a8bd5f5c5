"""A device registered and revoked by the admin, over a real server process: its open event stream ends
within a second of the revocation, and its next request gets 401."""

import time


def test_a_device_revoked_by_the_admin_loses_its_open_stream_at_once_and_gets_401(floor):
    with floor.login("admin") as admin:
        device = admin.post("/api/admin/devices", json={"kind": "display", "name": "Layar Lobi", "zone": "1"}).json()
        with floor.client(device["token"]) as board:
            assert board.get("/api/state", params={"zone": "1"}).status_code == 200
            with board.stream("GET", "/api/events", params={"zone": "1"}, timeout=10) as stream:
                lines = stream.iter_lines()
                assert next(lines).startswith(":")  # connected
                assert admin.delete(f"/api/admin/devices/{device['id']}").status_code == 200
                started = time.monotonic()
                rest = list(lines)  # the server ends the stream
            ended_after = time.monotonic() - started
            refused = board.get("/api/state", params={"zone": "1"})
    assert ": revoked" in rest and ended_after < 1.0, (rest, ended_after)
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "invalid_token"
