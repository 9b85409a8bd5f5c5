"""ApiClient against a real server: answers, errors as exceptions, and issuance that survives a lost answer."""

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from mpp_client.api import ApiClient, ApiError, ServerUnreachable, Unauthorized, new_request_id
from devtools.launcher import free_port


@pytest.fixture
def kiosk(floor):
    with ApiClient(floor.url, floor.kiosk_token) as client:
        yield client


@pytest.fixture
def budi(floor):
    with ApiClient(floor.url) as client:
        client.login("budi", "1234")
        yield client


def test_health_answers_without_a_token(floor):
    with ApiClient(floor.url) as client:
        assert client.health()["status"] == "ok"


def test_issued_ticket_is_printing_until_confirmed(kiosk):
    ticket = kiosk.issue_ticket("DK-KTP")
    assert ticket["status"] == "printing" and ticket["service"] == "DK-KTP"
    confirmed = kiosk.confirm_printed(ticket["id"])
    assert confirmed["status"] == "waiting" and confirmed["code"] == ticket["code"]
    assert kiosk.public_status(ticket["public_id"])["status"] == "waiting"


def test_failed_print_cancels_the_ticket(kiosk):
    ticket = kiosk.issue_ticket("DK-KTP")
    assert kiosk.report_print_failed(ticket["id"], "paper out")["status"] == "cancelled"


def test_catalog_and_heartbeat(kiosk):
    services = [s["code"] for a in kiosk.catalog()["agencies"] for s in a["services"]]
    assert "DK-KTP" in services
    assert kiosk.heartbeat({"online": True, "paper": "low"})["status"] == "ok"


@pytest.mark.parametrize("call, status, code", [
    (lambda k, b: k.issue_ticket("NO-SUCH-SERVICE"), 404, "unknown_service"),
    (lambda k, b: k.issue_ticket("DK-KTP", priority="vip"), 422, "unknown_priority"),
    (lambda k, b: k.confirm_printed(999_999), 404, "unknown_ticket"),
    (lambda k, b: k.counter("L01"), 403, "wrong_token_kind"),
    (lambda k, b: b.counter_action("L01", "call-next"), 409, "counter_not_open"),
    (lambda k, b: b.counter_action("L05", "open"), 403, "not_your_agency"),
    (lambda k, b: b.counter("L99"), 404, "unknown_counter"),
])
def test_server_refusals_become_api_errors_with_the_servers_code(kiosk, budi, call, status, code):
    with pytest.raises(ApiError) as caught:
        call(kiosk, budi)
    assert (caught.value.status, caught.value.code) == (status, code)
    assert caught.value.message and not isinstance(caught.value, Unauthorized)


def test_bad_token_is_unauthorized(floor):
    with ApiClient(floor.url, "not-a-real-token") as client, pytest.raises(Unauthorized) as caught:
        client.catalog()
    assert caught.value.status == 401 and caught.value.code == "invalid_token"


def test_wrong_pin_is_unauthorized_and_keeps_no_token(floor):
    with ApiClient(floor.url) as client:
        with pytest.raises(Unauthorized) as caught:
            client.login("budi", "0000")
        assert caught.value.code == "invalid_credentials" and client.token is None


def test_logout_ends_the_officers_token(floor):
    with ApiClient(floor.url) as client:
        officer = client.login("budi", "1234")
        token = client.token
        assert token == officer["token"]
        assert client.counter("L01")["code"] == "L01"
        client.logout()
        assert client.token is None
    with ApiClient(floor.url, token) as stale, pytest.raises(Unauthorized):
        stale.counter("L01")


def test_an_officer_works_a_counter(floor, kiosk, budi):
    first, second = (kiosk.confirm_printed(kiosk.issue_ticket("DK-KTP")["id"]) for _ in range(2))
    assert budi.counter_action("L01", "open")["counter"]["status"] == "open"
    called = budi.call_ticket("L01", second["code"])["ticket"]
    assert called["code"] == second["code"] and called["counter"] == "L01"
    assert budi.counter_action("L01", "start")["ticket"]["status"] == "serving"
    assert budi.transfer("L01", "DK-KK")["ticket"]["code"] == second["code"]
    assert budi.counter_action("L01", "call_next")["ticket"]["code"] == first["code"]
    assert budi.counter("L01")["ticket"]["code"] == first["code"]
    snapshot = budi.state(zone="1")
    assert snapshot["zone"] == "1" and snapshot["last_event_id"] > 0
    with pytest.raises(ValueError):
        budi.counter_action("L01", "call-everyone")


def test_dead_port_is_server_unreachable_quickly():
    started = time.monotonic()
    with ApiClient(f"http://127.0.0.1:{free_port()}", timeout=2) as client, \
            pytest.raises(ServerUnreachable) as caught:
        client.health()
    assert time.monotonic() - started < 2
    assert caught.value.message == "Server tidak dapat dihubungi." and not caught.value.maybe_applied


def test_same_request_id_after_a_server_restart_gives_the_same_ticket(floor, kiosk):
    request_id = new_request_id()
    first = kiosk.issue_ticket("DK-KTP", request_id=request_id)
    floor.server.stop()
    floor.server.start()
    again = kiosk.issue_ticket("DK-KTP", request_id=request_id)
    assert (again["id"], again["code"]) == (first["id"], first["code"])
    assert kiosk.issue_ticket("DK-KTP")["number"] == first["number"] + 1


def test_issuance_is_retried_until_the_server_is_back(floor):
    waits = []

    def server_comes_back(seconds):
        waits.append(seconds)
        floor.server.start()

    floor.server.stop()
    with ApiClient(floor.url, floor.kiosk_token, sleep=server_comes_back) as kiosk:
        ticket = kiosk.issue_ticket("DK-KTP")
    assert ticket["status"] == "printing" and len(waits) == 1


def test_issuance_gives_up_with_the_request_id_to_retry_later(floor):
    floor.server.stop()
    with ApiClient(floor.url, floor.kiosk_token, issue_retries=2, sleep=lambda s: None) as kiosk, \
            pytest.raises(ServerUnreachable) as caught:
        kiosk.issue_ticket("DK-KTP", request_id="kiosk1-000042")
    assert caught.value.request_id == "kiosk1-000042"


def _copy(source: socket.socket, target: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            target.sendall(data)
        target.shutdown(socket.SHUT_WR)
    except OSError:
        pass


class AnswerLosingProxy:
    """Forwards to the server, but drops the server's answer on the first connection: a lost reply."""

    def __init__(self, target_port: int):
        self.target_port = target_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.dropped = 0
        self.threads = [threading.Thread(target=self._serve, daemon=True)]
        self.threads[0].start()

    def _serve(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            drop, self.dropped = self.dropped == 0, 1
            thread = threading.Thread(target=self._pipe, args=(client, drop), daemon=True)
            self.threads.append(thread)
            thread.start()

    def _pipe(self, client: socket.socket, drop: bool):
        with client, socket.create_connection(("127.0.0.1", self.target_port), timeout=10) as upstream:
            forward = threading.Thread(target=_copy, args=(client, upstream), daemon=True)
            forward.start()
            if drop:
                upstream.recv(65536)  # the server answered, so the ticket exists; the kiosk never hears
            else:
                _copy(upstream, client)
            for sock in (client, upstream):  # wake the forwarding thread: closing alone would not
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            forward.join(10)

    def close(self):
        self.listener.close()
        for thread in list(self.threads):
            thread.join(10)


def test_a_lost_answer_to_issuance_costs_no_second_number(floor, kiosk):
    proxy = AnswerLosingProxy(floor.server.port)
    try:
        with ApiClient(f"http://127.0.0.1:{proxy.port}", floor.kiosk_token, sleep=lambda s: None) as through:
            ticket = through.issue_ticket("DK-KTP")
    finally:
        proxy.close()
    assert proxy.dropped == 1
    assert kiosk.issue_ticket("DK-KTP")["number"] == ticket["number"] + 1


class LosesFirstAnswer(httpx.BaseTransport):
    """The request reaches the server and it acts; the answer to the first action is lost on the way back."""

    def __init__(self, lose: str = "/api/counters/"):
        self.inner, self.lost, self.keys, self.lose = httpx.HTTPTransport(), 0, [], lose

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if request.method == "POST" and "/api/counters/" in request.url.path:
            self.keys.append(request.headers.get("Idempotency-Key"))
            if not self.lost and self.lose in request.url.path:
                self.lost = 1
                response.read()
                response.close()
                raise httpx.ReadError("the answer was lost", request=request)
        return response

    def close(self) -> None:
        self.inner.close()


@pytest.mark.parametrize("action", ["call-next", "call"])
def test_a_lost_answer_to_call_next_calls_one_ticket_not_two(floor, action):
    first, second = floor.issue(), floor.issue()
    with ApiClient(floor.url) as budi:
        budi.login("budi", "1234")
        budi.counter_action("L01", "open")
    lossy = LosesFirstAnswer()
    waits = []
    with ApiClient(floor.url, transport=lossy, sleep=waits.append) as budi:
        budi.login("budi", "1234")
        answer = (budi.counter_action("L01", "call-next") if action == "call-next"
                  else budi.call_ticket("L01", first["code"]))
        assert answer["ticket"]["code"] == first["code"]  # the server's first answer, said again
        assert lossy.lost == 1 and len(lossy.keys) == 2 and lossy.keys[0] == lossy.keys[1] and len(waits) == 1
        counter = budi.counter("L01")
    assert counter["ticket"]["code"] == first["code"]
    with floor.display() as display:
        queue = next(q for q in display.get("/api/state").json()["queues"] if q["prefix"] == "A")
    assert queue["waiting"] == 1  # `second` still waits: nobody else was called


def test_every_action_has_its_own_idempotency_key(floor):
    floor.issue()
    lossy = LosesFirstAnswer()
    lossy.lost = 1  # lose nothing
    with ApiClient(floor.url, transport=lossy) as budi:
        budi.login("budi", "1234")
        budi.counter_action("L01", "open")
        budi.counter_action("L01", "call-next")
        budi.counter_action("L01", "recall")
    assert len(set(lossy.keys)) == 3 and all(len(key) == 32 for key in lossy.keys)


def test_officer_actions_are_not_repeated_when_the_request_never_left(floor):
    waits = []
    with ApiClient(floor.url, sleep=waits.append) as budi:
        budi.login("budi", "1234")
        budi.counter_action("L01", "open")
        floor.server.stop()
        with pytest.raises(ServerUnreachable):
            budi.counter_action("L01", "call-next")
    assert waits == []


class NotOurServer(BaseHTTPRequestHandler):
    """A proxy or another program on the port: errors that are not our JSON."""

    def do_GET(self):
        status = self.server.status
        body = b"<html><body>Bad things</body></html>"
        self.send_response(status)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def not_our_server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), NotOurServer)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    httpd.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    yield httpd
    httpd.shutdown()
    httpd.server_close()
    thread.join(5)


def test_an_error_page_that_is_not_our_json_gets_a_generic_message(not_our_server):
    not_our_server.status = 500
    with ApiClient(not_our_server.url) as client, pytest.raises(ApiError) as caught:
        client.health()
    assert (caught.value.status, caught.value.code) == (500, "http_500")
    assert caught.value.message == "Server menolak permintaan (HTTP 500)."


@pytest.mark.parametrize("status", [502, 503, 504])
def test_a_gateway_error_means_the_server_is_unreachable(not_our_server, status):
    not_our_server.status = status
    with ApiClient(not_our_server.url) as client, pytest.raises(ServerUnreachable) as caught:
        client.health()
    assert str(status) in caught.value.message
