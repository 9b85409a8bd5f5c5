"""Hostile input against every endpoint of API.md: always a clear 4xx JSON error, never a 500.

One server in process for the module (`shared_floor` here); each test sets up what it needs
and leaves nothing another test depends on. Requests that once crashed the server (deep JSON,
odd digits, huge headers) go to a fresh floor, so the shared server's log stays a clean
witness for the last test of the module. What gevent's HTTP handling decides (huge URLs and
headers, chunked bodies) and the deep JSON that once crashed the process go to one real
server process (`floor` here).
"""

import re
import uuid
from dataclasses import dataclass, field

import httpx
import pytest

from devtools.launcher import add_officer, add_token
from tests.conftest import make_floor

SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")
SQL = "x' OR 1=1 --"
EMOJI = "🎫"
HUNDRED_KB = "x" * 100_000
TEN_MB = b'{"x": "' + b"x" * 10_000_000 + b'"}'
JSON = {"Content-Type": "application/json"}


def rid() -> str:
    return uuid.uuid4().hex


def assert_error(answer: httpx.Response, status: int | tuple[int, ...], code: str | None = None) -> dict:
    """A 4xx the person at the other end can act on: {"error": {"code": snake_case, "message": text}}."""
    statuses = status if isinstance(status, tuple) else (status,)
    assert answer.status_code in statuses, (answer.status_code, answer.text[:500])
    assert answer.headers.get("content-type", "").startswith("application/json"), answer.headers
    error = answer.json()["error"]
    assert isinstance(error["code"], str) and SNAKE.match(error["code"]), error
    assert isinstance(error["message"], str) and error["message"].strip(), error
    if code is not None:
        assert error["code"] == code, error
    return error


# ------------------------------------------------------------------ the endpoints of API.md


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    who: str | None = None  # a caller that may use it; None: public
    body: dict | None = field(default=None, hash=False)  # a valid body, when it takes one

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


TICKET_BODY = {"service": "DK-KTP", "request_id": "valid-request-0001"}
COUNTER_ACTIONS = ("open", "close", "pause", "resume", "call-next", "recall", "start", "done", "no-show", "hold")

KIOSK_ENDPOINTS = [
    Endpoint("GET", "/api/kiosk/catalog", "kiosk"),
    Endpoint("POST", "/api/tickets", "kiosk", TICKET_BODY),
    Endpoint("POST", "/api/tickets/1/printed", "kiosk"),
    Endpoint("POST", "/api/tickets/1/print-failed", "kiosk", {"reason": "paper out"}),
    Endpoint("POST", "/api/devices/heartbeat", "kiosk", {"printer": {"online": True, "paper": "ok"}}),
]
COUNTER_ENDPOINTS = (
    [Endpoint("GET", "/api/counters/L01", "budi")]
    + [Endpoint("POST", f"/api/counters/L01/{action}", "budi") for action in COUNTER_ACTIONS]
    + [Endpoint("POST", "/api/counters/L01/call", "budi", {"ticket": "A-001"}),
       Endpoint("POST", "/api/counters/L01/transfer", "budi", {"service": "DK-REKAM"})]
)
PROTECTED = (
    KIOSK_ENDPOINTS
    + [Endpoint("POST", "/api/auth/logout", "budi")]
    + COUNTER_ENDPOINTS
    + [Endpoint("GET", "/api/state", "display"), Endpoint("GET", "/api/events", "display")]
)
LOGIN = Endpoint("POST", "/api/auth/login", None, {"username": "budi", "pin": "1234"})
WITH_BODY = [e for e in PROTECTED if e.body is not None] + [LOGIN]


def ids(endpoints):
    return [str(e) for e in endpoints]


@pytest.fixture(scope="module")
def shared_floor(shared_app_floor):
    """Bad input meets the app's own checks: no real process needed."""
    return shared_app_floor


@pytest.fixture(scope="module")
def floor(tmp_path_factory):
    """A real server process of its own, for what only a process shows."""
    floor = make_floor(tmp_path_factory.mktemp("process"))
    yield floor
    floor.server.stop()


@pytest.fixture(scope="module")
def clients(shared_floor):
    """One client per kind of caller; officers log in once for the whole module."""
    made = {
        None: shared_floor.client(),
        "kiosk": shared_floor.kiosk(),
        "display": shared_floor.display(),
        "counter_pc": shared_floor.client(shared_floor.counter_pc_token),
        "budi": shared_floor.login("budi"),
        "joko": shared_floor.login("joko"),
        "rina": shared_floor.login("rina"),
    }
    yield made
    for client in made.values():
        client.close()


def send(clients, endpoint: Endpoint, who: str | None = "default", **kwargs) -> httpx.Response:
    client = clients[endpoint.who if who == "default" else who]
    return client.request(endpoint.method, endpoint.path, **kwargs)


@pytest.fixture
def budi_at_l01(clients):
    """Budi (Dukcapil) has counter L01 open, whichever test opened it, so tests stay independent."""
    answer = clients["budi"].post("/api/counters/L01/open")
    assert answer.status_code == 200 or answer.json()["error"]["code"] == "counter_already_open", answer.text
    return clients["budi"]


# ------------------------------------------------------------------ bodies that are not JSON objects


MALFORMED = [
    pytest.param(b"{bad", 400, "malformed_json", id="broken-json"),
    pytest.param(b'{"service": "DK-KTP",}', 400, "malformed_json", id="trailing-comma"),
    pytest.param(b"\xff\xfe{}", 400, "malformed_json", id="not-utf8"),
    pytest.param(b"service=DK-KTP", 400, "malformed_json", id="form-encoded"),
    pytest.param(b'{"n": ' + b"1" * 5000 + b"}", 400, "malformed_json", id="5000-digit-number"),
    pytest.param(b"[]", 422, "validation_error", id="array"),
    pytest.param(b'[{"service": "DK-KTP"}]', 422, "validation_error", id="array-of-object"),
    pytest.param(b"null", 422, "validation_error", id="null"),
    pytest.param(b'"text"', 422, "validation_error", id="string"),
    pytest.param(b"42", 422, "validation_error", id="number"),
    pytest.param(b"true", 422, "validation_error", id="bool"),
]


@pytest.mark.parametrize("payload, status, code", MALFORMED)
@pytest.mark.parametrize("endpoint", WITH_BODY, ids=ids(WITH_BODY))
def test_body_that_is_not_a_json_object_is_refused(clients, endpoint, payload, status, code):
    assert_error(send(clients, endpoint, content=payload, headers=JSON), status, code)


def test_broken_json_without_content_type_is_still_a_clear_400(clients):
    answer = clients["kiosk"].post("/api/tickets", content=b"{bad")
    assert_error(answer, 400, "malformed_json")


@pytest.mark.parametrize("payload", [b"[" * 50_000, b'{"a":' * 10_000 + b"1" + b"}" * 10_000],
                         ids=["50k-open-arrays", "10k-nested-objects"])
def test_deeply_nested_json_is_a_400_not_a_crash(floor, payload):
    with floor.kiosk() as kiosk, floor.client() as anonymous:
        answers = [kiosk.post("/api/tickets", content=payload, headers=JSON),
                   anonymous.post("/api/auth/login", content=payload, headers=JSON)]
    for answer in answers:
        assert_error(answer, 400, "malformed_json")
    assert "Traceback" not in floor.server.log_path.read_text(errors="replace")


# ------------------------------------------------------------------ wrong types, nulls, missing fields


WRONG_BODIES = [
    # POST /api/tickets
    ("kiosk", "/api/tickets", {"service": 5, "request_id": "abcdefgh-1"}),
    ("kiosk", "/api/tickets", {"service": None, "request_id": "abcdefgh-1"}),
    ("kiosk", "/api/tickets", {"service": ["DK-KTP"], "request_id": "abcdefgh-1"}),
    ("kiosk", "/api/tickets", {"service": {"code": "DK-KTP"}, "request_id": "abcdefgh-1"}),
    ("kiosk", "/api/tickets", {"service": True, "request_id": "abcdefgh-1"}),
    ("kiosk", "/api/tickets", {"service": "DK-KTP", "request_id": 12345678}),
    ("kiosk", "/api/tickets", {"service": "DK-KTP", "request_id": None}),
    ("kiosk", "/api/tickets", {"service": "DK-KTP", "request_id": "short"}),
    ("kiosk", "/api/tickets", {"service": "DK-KTP", "request_id": SQL}),
    ("kiosk", "/api/tickets", {"service": "DK-KTP", "request_id": EMOJI * 10}),
    ("kiosk", "/api/tickets", {"service": "DK-KTP", "request_id": "abcdefgh-1", "priority": 1}),
    ("kiosk", "/api/tickets", {"service": "DK-KTP", "request_id": "abcdefgh-1", "priority": True}),
    ("kiosk", "/api/tickets", {"service": "DK-KTP", "request_id": "abcdefgh-1", "priority": ["lansia"]}),
    ("kiosk", "/api/tickets", {"service": "", "request_id": "abcdefgh-1"}),
    ("kiosk", "/api/tickets", {"service": "   ", "request_id": "abcdefgh-1"}),
    ("kiosk", "/api/tickets", {"service": "x" * 33, "request_id": "abcdefgh-1"}),
    ("kiosk", "/api/tickets", {"request_id": "abcdefgh-1"}),
    ("kiosk", "/api/tickets", {"service": "DK-KTP"}),
    ("kiosk", "/api/tickets", {}),
    # POST /api/tickets/{id}/print-failed
    ("kiosk", "/api/tickets/1/print-failed", {"reason": 5}),
    ("kiosk", "/api/tickets/1/print-failed", {"reason": None}),
    ("kiosk", "/api/tickets/1/print-failed", {"reason": ["paper"]}),
    ("kiosk", "/api/tickets/1/print-failed", {"reason": "x" * 201}),
    # POST /api/devices/heartbeat
    ("kiosk", "/api/devices/heartbeat", {"printer": {"online": "yes", "paper": "ok"}}),
    ("kiosk", "/api/devices/heartbeat", {"printer": {"online": 1}}),
    ("kiosk", "/api/devices/heartbeat", {"printer": {"paper": "empty"}}),
    ("kiosk", "/api/devices/heartbeat", {"printer": {"paper": None}}),
    ("kiosk", "/api/devices/heartbeat", {"printer": "online"}),
    ("kiosk", "/api/devices/heartbeat", {"printer": [True, "ok"]}),
    ("kiosk", "/api/devices/heartbeat", {"app_version": 1.2}),
    # POST /api/auth/login
    (None, "/api/auth/login", {"username": 1, "pin": "1234"}),
    (None, "/api/auth/login", {"username": "budi", "pin": 1234}),
    (None, "/api/auth/login", {"username": None, "pin": "1234"}),
    (None, "/api/auth/login", {"username": "budi", "pin": None}),
    (None, "/api/auth/login", {"username": ["budi"], "pin": "1234"}),
    (None, "/api/auth/login", {"username": "budi", "pin": True}),
    (None, "/api/auth/login", {"username": "", "pin": "1234"}),
    (None, "/api/auth/login", {"username": "   ", "pin": "1234"}),
    (None, "/api/auth/login", {"username": "budi", "pin": ""}),
    (None, "/api/auth/login", {"username": "budi"}),
    (None, "/api/auth/login", {"pin": "1234"}),
    (None, "/api/auth/login", {}),
    # POST /api/counters/{counter}/call
    ("budi", "/api/counters/L01/call", {"ticket": 1}),
    ("budi", "/api/counters/L01/call", {"ticket": None}),
    ("budi", "/api/counters/L01/call", {"ticket": ["A-001"]}),
    ("budi", "/api/counters/L01/call", {"ticket": ""}),
    ("budi", "/api/counters/L01/call", {"ticket": "A-" + "0" * 15}),
    ("budi", "/api/counters/L01/call", {}),
    # POST /api/counters/{counter}/transfer
    ("budi", "/api/counters/L01/transfer", {"service": 5}),
    ("budi", "/api/counters/L01/transfer", {"service": None}),
    ("budi", "/api/counters/L01/transfer", {"service": {"code": "DK-KTP"}}),
    ("budi", "/api/counters/L01/transfer", {"service": ""}),
    ("budi", "/api/counters/L01/transfer", {}),
]


@pytest.mark.parametrize("who, path, body", WRONG_BODIES)
def test_wrong_types_nulls_and_missing_fields_are_422(clients, who, path, body):
    error = assert_error(clients[who].post(path, json=body), 422, "validation_error")
    assert "tidak valid" in error["message"]


def test_validation_message_names_the_field(clients):
    error = assert_error(clients["kiosk"].post("/api/tickets", json={"service": 5, "request_id": rid()}), 422)
    assert "service" in error["message"]


# ------------------------------------------------------------------ huge strings and huge bodies


HUGE_FIELDS = [
    ("kiosk", "/api/tickets", {"service": HUNDRED_KB, "request_id": "abcdefgh-2"}),
    ("kiosk", "/api/tickets", {"service": "DK-KTP", "request_id": HUNDRED_KB}),
    ("kiosk", "/api/tickets", {"service": "DK-KTP", "request_id": "abcdefgh-2", "priority": HUNDRED_KB}),
    ("kiosk", "/api/tickets/1/print-failed", {"reason": HUNDRED_KB}),
    ("kiosk", "/api/devices/heartbeat", {"printer": {"message": HUNDRED_KB}}),
    ("kiosk", "/api/devices/heartbeat", {"app_version": EMOJI * 25_000}),
    (None, "/api/auth/login", {"username": HUNDRED_KB, "pin": "1234"}),
    (None, "/api/auth/login", {"username": "budi", "pin": HUNDRED_KB}),
    ("budi", "/api/counters/L01/call", {"ticket": HUNDRED_KB}),
    ("budi", "/api/counters/L01/transfer", {"service": HUNDRED_KB}),
]


@pytest.mark.parametrize("who, path, body", HUGE_FIELDS)
def test_a_100_kb_string_is_refused(clients, who, path, body):
    assert_error(clients[who].post(path, json=body), (413, 422))


@pytest.mark.parametrize("who, path, body", [
    (who, path, {key: ("y" * 60_000 if value == HUNDRED_KB else value) for key, value in body.items()})
    for who, path, body in HUGE_FIELDS if "printer" not in body and "app_version" not in body
])
def test_a_60_kb_string_under_the_body_limit_is_a_validation_error(clients, who, path, body):
    assert_error(clients[who].post(path, json=body), 422, "validation_error")


@pytest.mark.parametrize("endpoint", WITH_BODY, ids=ids(WITH_BODY))
def test_a_10_mb_body_is_413(clients, endpoint):
    assert_error(send(clients, endpoint, content=TEN_MB, headers=JSON), 413, "payload_too_large")


@pytest.mark.parametrize("who, path", [
    ("rina", "/api/counters/L20/open"),
    ("rina", "/api/counters/L20/call-next"),
    ("kiosk", "/api/tickets/999999/printed"),
], ids=["open", "call-next", "printed"])
def test_a_10_mb_body_is_413_even_where_no_body_is_expected(clients, who, path):
    assert_error(clients[who].post(path, content=TEN_MB, headers=JSON), 413, "payload_too_large")


def test_an_oversized_chunked_body_is_413(floor):
    body = b'{"service": "DK-KTP", "request_id": "abcdefgh-3", "x": "' + b"x" * 100_000 + b'"}'
    chunks = iter([body[i:i + 8192] for i in range(0, len(body), 8192)])
    with floor.kiosk() as kiosk:  # chunked framing is gevent's to read: a real process
        assert_error(kiosk.post("/api/tickets", content=chunks, headers=JSON), 413, "payload_too_large")


# ------------------------------------------------------------------ unknown services, counters, tickets


HOSTILE_CODES = ["NOPE", SQL, "'; DROP TABLE tickets; --", EMOJI, "ñandú", "DK-KTP\u0000", "DK-KTP' --",
                 "%00", "../etc/passwd"]


@pytest.mark.parametrize("service", HOSTILE_CODES)
def test_unknown_service_is_404(clients, service):
    answer = clients["kiosk"].post("/api/tickets", json={"service": service, "request_id": rid()})
    assert_error(answer, 404, "unknown_service")


@pytest.mark.parametrize("counter", ["L99", SQL, "L01' --", EMOJI, "L01%00", "ñandú", "X" * 32])
@pytest.mark.parametrize("endpoint", COUNTER_ENDPOINTS, ids=ids(COUNTER_ENDPOINTS))
def test_unknown_counter_is_404(clients, endpoint, counter):
    path = endpoint.path.replace("L01", counter, 1)  # "%00": an escaped NUL byte
    answer = clients["budi"].request(endpoint.method, path, json=endpoint.body)
    assert_error(answer, 404, "unknown_counter")


def test_a_counter_code_longer_than_any_is_422(clients):
    assert_error(clients["budi"].get("/api/counters/" + "X" * 5000), 422, "validation_error")


def test_a_10_kb_counter_code_is_a_json_error(floor):
    with floor.login("budi") as budi:  # gevent refuses the long request line: a real process
        assert_error(budi.get("/api/counters/" + "X" * 10_000), (400, 414, 422))


@pytest.mark.parametrize("path", ["/api/tickets/999999/printed", "/api/tickets/999999/print-failed"])
def test_unknown_ticket_id_is_404(clients, path):
    assert_error(clients["kiosk"].post(path, json={"reason": "paper out"}), 404, "unknown_ticket")


@pytest.mark.parametrize("ticket_id, status", [
    ("abc", 404), ("-1", 404), ("-0", 404), ("1.5", 404), ("0x1", 404), ("1e3", 404), ("+1", 404),
    ("%20", 404), (SQL, 404), (EMOJI, 404), ("0", 422), ("99999999999999999999999", 422),
])
@pytest.mark.parametrize("action", ["printed", "print-failed"])
def test_non_integer_and_negative_ticket_ids_are_4xx(clients, action, ticket_id, status):
    answer = clients["kiosk"].post(f"/api/tickets/{ticket_id}/{action}", json={"reason": "paper out"})
    assert_error(answer, status)


@pytest.mark.parametrize("public_id, status, code", [
    ("nonexistent-public-id", 404, "unknown_ticket"),
    ("A" * 40, 404, "unknown_ticket"),
    (SQL, 422, "validation_error"),
    (EMOJI * 8, 422, "validation_error"),
    ("abc", 422, "validation_error"),
    ("a" * 41, 422, "validation_error"),
    ("a" * 5000, 422, "validation_error"),
])
def test_public_status_of_an_unknown_or_malformed_public_id(clients, public_id, status, code):
    assert_error(clients[None].get(f"/api/tickets/public/{public_id}"), status, code)


@pytest.mark.parametrize("code", ["Z-999", "A-999", "A-0", SQL, EMOJI, "A-٣", "A007", "-", "ñ-1", "A-1\u0000"])
def test_calling_an_unknown_ticket_code_is_404(budi_at_l01, code):
    assert_error(budi_at_l01.post("/api/counters/L01/call", json={"ticket": code}), 404, "unknown_ticket")


def test_calling_a_ticket_code_with_a_superscript_digit_is_404(app_floor):
    with app_floor.login("budi") as budi:
        assert budi.post("/api/counters/L01/open").status_code == 200
        answer = budi.post("/api/counters/L01/call", json={"ticket": "A-²"})
    assert_error(answer, 404, "unknown_ticket")


@pytest.fixture
def rina_at_l08_with_a_ticket(shared_floor, clients):
    """Supervisor Rina at Samsat counter L08 with a called ticket (issued here if none)."""
    rina = clients["rina"]
    opened = rina.post("/api/counters/L08/open")
    assert opened.status_code == 200 or opened.json()["error"]["code"] == "counter_already_open", opened.text
    if rina.get("/api/counters/L08").json()["ticket"] is None:
        shared_floor.issue("SM-PKB")
        assert rina.post("/api/counters/L08/call-next").json()["ticket"]["service"] == "SM-PKB"
    return rina


@pytest.mark.parametrize("service", ["NOPE", SQL, EMOJI, "dk-ktp", "DK-KTP\u0000"])
def test_transfer_to_an_unknown_service_is_404_and_keeps_the_ticket(rina_at_l08_with_a_ticket, service):
    before = rina_at_l08_with_a_ticket.get("/api/counters/L08").json()["ticket"]
    answer = rina_at_l08_with_a_ticket.post("/api/counters/L08/transfer", json={"service": service})
    assert_error(answer, 404, "unknown_service")
    after = rina_at_l08_with_a_ticket.get("/api/counters/L08").json()["ticket"]
    assert after["id"] == before["id"] and after["status"] == before["status"]


def test_transfer_to_the_same_service_is_409(rina_at_l08_with_a_ticket):
    current = rina_at_l08_with_a_ticket.get("/api/counters/L08").json()["ticket"]
    answer = rina_at_l08_with_a_ticket.post("/api/counters/L08/transfer", json={"service": current["service"]})
    assert_error(answer, 409, "same_service")


def test_hostile_strings_leave_the_ticket_tables_intact(shared_floor, clients):
    for service in ("'; DROP TABLE tickets; --", SQL):
        clients["kiosk"].post("/api/tickets", json={"service": service, "request_id": rid()})
    ticket = shared_floor.issue("DK-KTP")
    assert ticket["status"] == "waiting"
    assert clients[None].get(f"/api/tickets/public/{ticket['public_id']}").status_code == 200


# ------------------------------------------------------------------ tokens


@pytest.mark.parametrize("endpoint", PROTECTED, ids=ids(PROTECTED))
def test_no_token_is_401(clients, endpoint):
    assert_error(send(clients, endpoint, who=None, json=endpoint.body), 401, "missing_token")


@pytest.mark.parametrize("endpoint", PROTECTED, ids=ids(PROTECTED))
def test_garbage_token_is_401(shared_floor, endpoint):
    with shared_floor.client("garbage-token") as client:
        answer = client.request(endpoint.method, endpoint.path, json=endpoint.body)
    assert_error(answer, 401, "invalid_token")


@pytest.mark.parametrize("header, code", [
    ("Bearer " + SQL, "invalid_token"),
    ("Bearer " + "x" * 4000, "invalid_token"),
    ("Bearer ñ".encode(), "invalid_token"),
    ("Bearer", "missing_token"),
    ("Basic YnVkaToxMjM0", "missing_token"),
    ("garbage", "missing_token"),
], ids=["sql", "4kb", "latin1", "bearer-without-token", "basic", "no-scheme"])
def test_malformed_authorization_header_is_401(shared_floor, header, code):
    with shared_floor.client() as anonymous:
        answer = anonymous.get("/api/kiosk/catalog", headers={"Authorization": header})
    assert_error(answer, 401, code)


@pytest.mark.parametrize("scheme", ["Basic", "Token", "JWT"])
def test_a_real_token_under_another_scheme_is_401(shared_floor, scheme):
    with shared_floor.client() as anonymous:
        answer = anonymous.get("/api/kiosk/catalog", headers={"Authorization": f"{scheme} {shared_floor.kiosk_token}"})
    assert_error(answer, 401, "missing_token")


def test_a_token_that_is_one_character_off_is_401(shared_floor):
    token = shared_floor.kiosk_token
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")
    with shared_floor.client(forged) as client:
        assert_error(client.get("/api/kiosk/catalog"), 401, "invalid_token")


def test_a_logged_out_token_is_401(shared_floor):
    client = shared_floor.login("budi")  # a session of its own; the module's stays valid
    with client:
        assert client.post("/api/auth/logout").status_code == 200
        assert_error(client.get("/api/counters/L01"), 401, "invalid_token")
        assert_error(client.post("/api/auth/logout"), 401, "invalid_token")


WRONG_KIND = [
    ("display", Endpoint("POST", "/api/tickets", body=TICKET_BODY)),
    ("budi", Endpoint("POST", "/api/tickets", body=TICKET_BODY)),
    ("rina", Endpoint("POST", "/api/tickets", body=TICKET_BODY)),
    ("counter_pc", Endpoint("POST", "/api/tickets", body=TICKET_BODY)),
    ("display", Endpoint("GET", "/api/kiosk/catalog")),
    ("budi", Endpoint("GET", "/api/kiosk/catalog")),
    ("budi", Endpoint("POST", "/api/tickets/1/printed")),
    ("display", Endpoint("POST", "/api/tickets/1/print-failed", body={"reason": "x"})),
    ("budi", Endpoint("POST", "/api/devices/heartbeat", body={})),
    ("kiosk", Endpoint("POST", "/api/auth/logout")),
    ("display", Endpoint("POST", "/api/auth/logout")),
    ("kiosk", Endpoint("POST", "/api/counters/L01/open")),
    ("kiosk", Endpoint("GET", "/api/counters/L01")),
    ("display", Endpoint("POST", "/api/counters/L01/call-next")),
    ("counter_pc", Endpoint("GET", "/api/counters/L01")),
    ("counter_pc", Endpoint("POST", "/api/counters/L01/call", body={"ticket": "A-001"})),
    ("kiosk", Endpoint("GET", "/api/state")),  # a kiosk may follow /api/events (site.changed), not read state
]


@pytest.mark.parametrize("who, endpoint", WRONG_KIND, ids=[f"{w}-{e}" for w, e in WRONG_KIND])
def test_a_valid_token_of_the_wrong_kind_is_403(clients, who, endpoint):
    assert_error(send(clients, endpoint, who=who, json=endpoint.body), 403, "wrong_token_kind")


def test_wrong_kind_comes_before_body_validation(clients):
    assert_error(clients["display"].post("/api/tickets", content=b"{bad", headers=JSON), 403, "wrong_token_kind")


@pytest.mark.parametrize("endpoint", COUNTER_ENDPOINTS, ids=ids(COUNTER_ENDPOINTS))
def test_an_officer_of_another_agency_is_403_on_every_counter_endpoint(clients, endpoint):
    # Joko works for Samsat; L01 is a Dukcapil counter.
    answer = send(clients, endpoint, who="joko", json=endpoint.body)
    assert_error(answer, 403, "not_your_agency")


@pytest.mark.parametrize("who, counter", [("budi", "L08"), ("joko", "L04")])
def test_not_your_agency_both_ways(clients, who, counter):
    assert_error(clients[who].get(f"/api/counters/{counter}"), 403, "not_your_agency")


# ------------------------------------------------------------------ logging in


def login(shared_floor, username, pin="1234") -> httpx.Response:
    with shared_floor.client() as anonymous:
        return anonymous.post("/api/auth/login", json={"username": username, "pin": pin})


def test_unknown_username_and_wrong_pin_get_the_same_answer(shared_floor):
    wrong_pin = assert_error(login(shared_floor, "sari", "0000"), 401, "invalid_credentials")
    unknown = assert_error(login(shared_floor, "ghost-officer", "1234"), 401, "invalid_credentials")
    assert wrong_pin == unknown


@pytest.mark.parametrize("username", [SQL, "admin' --", "' OR ''='", "budi'; --", EMOJI, "👮‍♀️", "ñandú",
                                      "budi\u0000", "%", "_", "*"])
def test_hostile_usernames_are_invalid_credentials(shared_floor, username):
    assert_error(login(shared_floor, username), 401, "invalid_credentials")


@pytest.mark.parametrize("pin", [SQL, "١٢٣٤"], ids=["sql", "arabic-indic-digits"])
def test_hostile_pins_are_invalid_credentials(shared_floor, pin):
    # Sari's account collects at most three failures in this module: far from the lock-out.
    assert_error(login(shared_floor, "sari", pin), 401, "invalid_credentials")


def test_six_failed_logins_lock_the_username(shared_floor):
    for _ in range(5):
        assert_error(login(shared_floor, "nonexistent-user", "0000"), 401, "invalid_credentials")
    locked = assert_error(login(shared_floor, "nonexistent-user", "0000"), 409, "too_many_attempts")
    assert re.search(r"\d", locked["message"])  # says how long to wait
    assert_error(login(shared_floor, "NONEXISTENT-USER", "0000"), 409, "too_many_attempts")
    assert login(shared_floor, "rina").status_code == 200  # other officers are not affected


def test_a_locked_officer_is_refused_even_with_the_right_pin(shared_floor):
    add_officer(shared_floor.db_path, "kunci-test", "4321", "officer", "DUKCAPIL")
    assert login(shared_floor, "kunci-test", "4321").status_code == 200
    for _ in range(5):
        assert_error(login(shared_floor, "kunci-test", "0000"), 401, "invalid_credentials")
    assert_error(login(shared_floor, "kunci-test", "4321"), 409, "too_many_attempts")


# ------------------------------------------------------------------ issuing: idempotency and priority


def test_same_request_id_twice_returns_the_same_ticket(clients):
    body = {"service": "DK-KTP", "request_id": rid()}
    first = clients["kiosk"].post("/api/tickets", json=body)
    again = clients["kiosk"].post("/api/tickets", json=body)
    assert first.status_code == 201 and again.status_code == 200, (first.text, again.text)
    assert (again.json()["id"], again.json()["code"]) == (first.json()["id"], first.json()["code"])
    assert_error(clients["kiosk"].post("/api/tickets", json={**body, "service": "DK-KK"}), 409, "request_id_reused")


def test_another_kiosk_cannot_reuse_a_request_id(shared_floor, clients):
    body = {"service": "DK-KTP", "request_id": rid()}
    assert clients["kiosk"].post("/api/tickets", json=body).status_code == 201
    with shared_floor.client(add_token(shared_floor.db_path, "kiosk", "Kios 2", "1")) as other_kiosk:
        assert_error(other_kiosk.post("/api/tickets", json=body), 409, "request_id_reused")


@pytest.mark.parametrize("priority", ["vip", "LANSIA", SQL, EMOJI, "lansia' --", "ñandú"])
def test_unknown_priority_is_422(clients, priority):
    answer = clients["kiosk"].post("/api/tickets", json={"service": "DK-KTP", "priority": priority,
                                                         "request_id": rid()})
    error = assert_error(answer, 422, "unknown_priority")
    assert "lansia" in error["message"]  # names the categories that exist


# ------------------------------------------------------------------ routes, methods, query strings, headers


@pytest.mark.parametrize("method, path", [
    ("GET", "/api/nope"),
    ("GET", "/nope"),
    ("GET", "/api/tickets/public/"),
    ("POST", "/api/counters"),
    ("POST", "/api/counters/L01/explode"),
    ("GET", "/api/counters/L01/open/now"),
    ("POST", "/api/tickets/1"),
    ("GET", "/api/" + SQL),
    ("GET", "/api/" + EMOJI),
])
def test_unknown_route_is_404_json(clients, method, path):
    assert_error(clients["rina"].request(method, path), 404, "not_found")


@pytest.mark.parametrize("method, path", [
    ("DELETE", "/api/health"),
    ("POST", "/api/health"),
    ("PUT", "/api/openapi.json"),
    ("GET", "/api/tickets"),
    ("DELETE", "/api/tickets/1/printed"),
    ("GET", "/api/tickets/1/print-failed"),
    ("PATCH", "/api/auth/login"),
    ("GET", "/api/auth/login"),
    ("GET", "/api/auth/logout"),
    ("POST", "/api/kiosk/catalog"),
    ("POST", "/api/counters/L01"),
    ("GET", "/api/counters/L01/call-next"),
    ("PUT", "/api/counters/L01/open"),
    ("POST", "/api/state"),
    ("POST", "/api/events"),
    ("DELETE", "/api/tickets/public/abcdefgh"),
])
def test_wrong_method_is_405_json(clients, method, path):
    assert_error(clients["rina"].request(method, path), 405, "method_not_allowed")


@pytest.mark.parametrize("last_event_id", ["abc", "-1", "1.5", "0x10", "1e3", SQL, "1,2"])
def test_bad_last_event_id_header_is_422(clients, last_event_id):
    answer = clients["display"].get("/api/events", headers={"Last-Event-ID": last_event_id})
    assert_error(answer, 422, "invalid_last_event_id")


@pytest.mark.parametrize("last_event_id", ["abc", "-5", EMOJI, "٣"])
def test_bad_last_event_id_query_is_422(clients, last_event_id):
    answer = clients["display"].get("/api/events", params={"last_event_id": last_event_id})
    assert_error(answer, 422, "invalid_last_event_id")


@pytest.mark.parametrize("path, params", [
    ("/api/state", {"zone": "z" * 33}),
    ("/api/state", {"zone": ""}),
    ("/api/events", {"zone": "z" * 33}),
    ("/api/events", {"counter": "c" * 33}),
    ("/api/events", {"summary": "maybe"}),
    ("/api/events", {"summary": SQL}),
])
def test_bad_query_parameters_are_422(clients, path, params):
    assert_error(clients["display"].get(path, params=params), 422, "validation_error")


@pytest.mark.parametrize("zone", [SQL, EMOJI, "99"])
def test_state_of_an_unknown_zone_is_empty_not_an_error(clients, zone):
    answer = clients["display"].get("/api/state", params={"zone": zone})
    assert answer.status_code == 200
    assert answer.json()["counters"] == []


def test_a_huge_request_header_is_a_json_error_and_logs_no_traceback(floor):
    with floor.display() as display:
        answer = display.get("/api/state", headers={"X-Padding": "x" * 100_000})
    assert_error(answer, (400, 413, 431))
    log = floor.server.log_path.read_text(errors="replace")
    assert "Traceback" not in log and '"level": "error"' not in log


# ------------------------------------------------------------------ after the sweep (keep this test last)


def test_server_is_healthy_and_logged_no_error_after_the_sweep(shared_floor, clients):
    health = clients[None].get("/api/health")
    assert health.status_code == 200 and health.json()["status"] == "ok"
    assert clients["budi"].get("/api/counters/L01").status_code == 200
    log = shared_floor.server.log_path.read_text(errors="replace")
    assert "Traceback" not in log
    assert '"level": "error"' not in log
