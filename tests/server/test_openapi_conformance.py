"""Schemathesis against the real server: every status an operation answers, and every answer's
body, is what the OpenAPI document says (and nothing answers 5xx)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CHECKS = "status_code_conformance,response_schema_conformance,content_type_conformance,not_a_server_error"

# The officer and management endpoints with a supervisor's token, the kiosk's with a kiosk token, the audit
# log and the site administration with the admin's; real codes in the paths, so that most requests reach the
# rules instead of a 404. Streams never end and logout
# would end the token the run uses: both are tested elsewhere.
CONFIG = """
request-timeout = 10.0
headers = { Authorization = "Bearer ${MPP_SUPERVISOR}" }

[generation]
max-examples = 6

[parameters]
"path.counter" = "L01"
"path.public_id" = "${MPP_PUBLIC_ID}"
"path.id" = "${MPP_TICKET_ID}"
"path.code" = "DK-KTP"
"path.username" = "budi"

[[operations]]
include-path-regex = "^/api/(kiosk/|tickets$|tickets/\\\\{id\\\\}/print|devices/|appointments/.*/check-in)"
headers = { Authorization = "Bearer ${MPP_KIOSK}" }

[[operations]]
include-path = "/api/audit"
headers = { Authorization = "Bearer ${MPP_ADMIN}" }

# Revoking a device or resetting a PIN would end a token the run uses (the kiosk's, the admin's): both are
# tested in test_admin_people.py and test_admin_revoke.py.
[[operations]]
include-path = "/api/admin/devices/{id}"
include-method = "DELETE"
enabled = false

[[operations]]
include-path = "/api/admin/officers/{username}/reset-pin"
enabled = false

[[operations]]
include-path-regex = "^/api/admin/"
headers = { Authorization = "Bearer ${MPP_ADMIN}" }

[[operations]]
include-path-regex = "/events$"
enabled = false

[[operations]]
include-path = "/api/auth/logout"
enabled = false
"""


def schemathesis() -> str:
    found = shutil.which("st", path=str(Path(sys.executable).parent))
    assert found, f"schemathesis is not installed next to {sys.executable}: pip install -e '.[test]'"
    return found


@pytest.mark.slow
def test_every_operation_answers_only_what_its_document_says(floor, tmp_path):
    ticket = floor.issue()
    with floor.login("rina") as supervisor:
        token = supervisor.headers["Authorization"].split()[1]
    with floor.login("admin") as admin:  # the audit log is the admin's only
        admin_token = admin.headers["Authorization"].split()[1]
    config = tmp_path / "schemathesis.toml"
    config.write_text(CONFIG, encoding="utf-8")
    env = {**os.environ, "MPP_SUPERVISOR": token, "MPP_ADMIN": admin_token, "MPP_KIOSK": floor.kiosk_token,
           "MPP_PUBLIC_ID": ticket["public_id"], "MPP_TICKET_ID": str(ticket["id"]),
           "SCHEMATHESIS_HOOKS": ""}
    run = subprocess.run(
        [schemathesis(), "--config-file", str(config), "--no-color", "run", f"{floor.url}/api/openapi.json",
         "--checks", CHECKS, "--seed", "2026", "--report-dir", str(tmp_path / "report")],
        capture_output=True, text=True, timeout=600, env=env, cwd=tmp_path)
    assert run.returncode == 0, run.stdout[-8000:] + run.stderr[-2000:]
    assert "passed" in run.stdout and "failed" not in run.stdout.split("SUMMARY")[-1], run.stdout[-4000:]
