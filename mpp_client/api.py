"""The server's HTTP API as blocking calls, for an app's worker thread (never its UI thread).

Every failure becomes one of three exceptions, so an app needs one `except` per
kind of trouble: the server can't be reached (`ServerUnreachable`: show "offline",
try later), the server refused (`ApiError` with the server's `code`: show its
message), or the token is no good (`Unauthorized`: log in again).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Self
from urllib.parse import quote

import httpx
from httpx_sse import EventSource

COUNTER_ACTIONS = ("open", "close", "pause", "resume", "call-next", "recall", "start", "done", "no-show", "hold")
GATEWAY_STATUSES = (502, 503, 504)  # a proxy or a restarting server: nobody answered for the server itself


class ServerUnreachable(Exception):
    """No answer from the server. `maybe_applied` is True when the request may have
    reached it (the answer was lost): the app should re-read state before acting again."""

    def __init__(self, message: str = "Server tidak dapat dihubungi.", maybe_applied: bool = False):
        super().__init__(message)
        self.message = message
        self.maybe_applied = maybe_applied
        self.request_id: str | None = None  # set by issue_ticket: retry later with the same one


class ApiError(Exception):
    """The server answered with an error; `code` is stable, `message` is for a person."""

    def __init__(self, status: int, code: str, message: str, details: dict | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details or {}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.status}, {self.code!r}, {self.message!r})"


class Unauthorized(ApiError):
    """401: the token is missing, unknown or expired (officers: log in again)."""


def new_request_id() -> str:
    """An issuance request id: keep it until the kiosk has an answer, and send it again on retry."""
    return uuid.uuid4().hex


def _unreachable(exc: httpx.TransportError) -> ServerUnreachable:
    # Before the request left (no connection) nothing can have happened on the server.
    not_sent = isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout))
    if isinstance(exc, httpx.TimeoutException) and not not_sent:
        return ServerUnreachable("Server tidak menjawab tepat waktu.", maybe_applied=True)
    if not_sent:
        return ServerUnreachable("Server tidak dapat dihubungi.", maybe_applied=False)
    return ServerUnreachable("Sambungan ke server terputus.", maybe_applied=True)


def error_from(response: httpx.Response) -> ApiError | ServerUnreachable:
    """The exception for an error answer; our JSON if the server sent it, else a generic message."""
    status = response.status_code
    if status in GATEWAY_STATUSES:
        return ServerUnreachable(f"Server sedang tidak tersedia (HTTP {status}).", maybe_applied=status != 503)
    code, message, details = f"http_{status}", f"Server menolak permintaan (HTTP {status}).", None
    try:
        error = response.json()["error"]
        code, message, details = str(error["code"]), str(error["message"]), error.get("details")
    except (ValueError, KeyError, TypeError):
        pass  # not our JSON: a proxy's page, or something older than this contract
    kind = Unauthorized if status == 401 else ApiError
    return kind(status, code, message, details)


class ApiClient:
    """One keep-alive connection to the server; use it from one worker thread at a time.

    `sleep` is how issuance waits between retries; an app may pass an interruptible wait.
    `action_retries`: how often a counter action whose answer was lost is sent again (same key).
    `transport` replaces httpx's own (tests put a lossy one in).
    """

    def __init__(self, base_url: str, token: str | None = None, timeout: float = 5.0, *,
                 issue_retries: int = 3, retry_backoff_s: float = 0.5,
                 sleep: Callable[[float], Any] = time.sleep, action_retries: int = 2,
                 action_backoff_s: float = 0.2, transport: httpx.BaseTransport | None = None):
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.issue_retries = issue_retries
        self.retry_backoff_s = retry_backoff_s
        self.action_retries, self.action_backoff_s = action_retries, action_backoff_s
        self._sleep = sleep
        self._http = httpx.Client(base_url=self.base_url, timeout=timeout, transport=transport,
                                  headers={"Accept": "application/json"})

    # -- plumbing -------------------------------------------------------------------------

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _auth(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def _call(self, method: str, path: str, json: dict | None = None, params: dict | None = None,
              headers: dict | None = None) -> dict:
        try:
            response = self._http.request(method, path, json=json, params=params,
                                          headers={**self._auth(), **(headers or {})})
        except httpx.TransportError as exc:
            raise _unreachable(exc) from exc
        if response.is_error:
            raise error_from(response)
        try:
            return response.json()
        except ValueError:
            raise ApiError(response.status_code, "bad_response", "Jawaban server tidak dapat dibaca.") from None

    def _idempotent(self, method: str, path: str, json: dict | None = None) -> dict:
        """Retry on ServerUnreachable: only for calls the server answers the same way twice."""
        attempt = 0
        while True:
            try:
                return self._call(method, path, json=json)
            except ServerUnreachable:
                if attempt >= self.issue_retries:
                    raise
                self._sleep(self.retry_backoff_s * 2 ** attempt)
                attempt += 1

    def _action(self, path: str, json: dict | None = None) -> dict:
        """One intended officer action under one fresh Idempotency-Key. A lost answer
        (`maybe_applied`) is asked again with the same key: the server answers what it did
        the first time and does nothing twice. A request that never left is not repeated."""
        key = {"Idempotency-Key": uuid.uuid4().hex}
        attempt = 0
        while True:
            try:
                return self._call("POST", path, json=json, headers=key)
            except ServerUnreachable as exc:
                if not exc.maybe_applied or attempt >= self.action_retries:
                    raise
                self._sleep(self.action_backoff_s * 2 ** attempt)
                attempt += 1

    # -- public and kiosk -----------------------------------------------------------------

    def health(self) -> dict:
        return self._call("GET", "/api/health")

    def catalog(self) -> dict:
        return self._call("GET", "/api/kiosk/catalog")

    def media(self, path: str, max_bytes: int = 1024 * 1024) -> bytes:
        """A public file the server names by address (an agency's logo): its bytes, at most `max_bytes`."""
        try:
            response = self._http.get(path, headers={"Accept": "*/*"})
        except httpx.TransportError as exc:
            raise _unreachable(exc) from exc
        if response.is_error:
            raise error_from(response)
        if len(response.content) > max_bytes:
            raise ApiError(response.status_code, "too_big", "Berkas dari server terlalu besar.")
        return response.content

    def issue_ticket(self, service: str, priority: str | None = None, request_id: str | None = None,
                     nik: str | None = None, phone: str | None = None) -> dict:
        """Reserve a number (status `printing`); the kiosk prints, then confirms or reports failure.

        Retried on ServerUnreachable with the SAME request_id: the server returns the
        ticket it already made for that id (200) instead of a second number, so a lost
        answer never costs a number or gives a citizen two. If every attempt fails, the
        exception carries `request_id`; send it again later for the same citizen.
        """
        request_id = request_id or new_request_id()
        body: dict = {"service": service, "priority": priority, "request_id": request_id}
        if nik is not None:
            body["nik"] = nik
        if phone is not None:
            body["phone"] = phone
        try:
            return self._idempotent("POST", "/api/tickets", body)
        except ServerUnreachable as exc:
            exc.request_id = request_id
            raise

    def check_in(self, code: str) -> dict:
        """A booking becomes a ticket (status `printing`, answered as `issue_ticket`'s, with its
        `appointment`: code, date, slot). Sent once: the server refuses a second check-in of the
        booking (`checked_in`, naming the ticket), so a lost answer is not asked again here."""
        return self._call("POST", f"/api/appointments/{quote(code, safe='')}/check-in")

    def confirm_printed(self, ticket_id: int) -> dict:
        """The ticket is in the citizen's hand: it joins the queue. Retried (the server repeats its answer)."""
        return self._idempotent("POST", f"/api/tickets/{int(ticket_id)}/printed")

    def report_print_failed(self, ticket_id: int, reason: str) -> dict:
        """Nobody holds this number: it is cancelled, never reused. Retried (the server repeats its answer)."""
        return self._idempotent("POST", f"/api/tickets/{int(ticket_id)}/print-failed", {"reason": reason[:200]})

    def heartbeat(self, printer: dict | None = None, version: str | None = None,
                  last_error: str | None = None) -> dict:
        """The device is alive: its version, its latest trouble (None: all well), a kiosk's printer."""
        body: dict = {"last_error": last_error[:500] if last_error else None}
        if printer is not None:
            body["printer"] = printer
        if version is not None:
            body["version"] = version[:32]
        return self._call("POST", "/api/devices/heartbeat", body)

    def public_status(self, public_id: str) -> dict:
        return self._call("GET", f"/api/tickets/public/{quote(public_id, safe='')}")

    # -- officers ---------------------------------------------------------------------------

    def login(self, username: str, pin: str) -> dict:
        """Log an officer in; this client then acts with the officer's token (the PIN is not kept)."""
        answer = self._call("POST", "/api/auth/login", {"username": username, "pin": pin})
        self.token = answer["token"]
        return answer

    def logout(self) -> dict:
        """End the officer's session. The token is forgotten here even if the server can't be told."""
        try:
            return self._call("POST", "/api/auth/logout")
        except Unauthorized:
            return {"status": "logged_out"}  # already expired: what logout wanted
        finally:
            self.token = None

    def counter(self, code: str) -> dict:
        return self._call("GET", _counter_path(code))

    def counter_action(self, code: str, action: str) -> dict:
        """open/close/pause/resume/call-next/recall/start/done/no-show/hold: answers
        `{"ticket", "counter"}` (the ticket moved, the counter's new state with `allowed_actions`).

        Sent with an Idempotency-Key; a lost answer is asked again with the same key, so a
        call-next never calls a second citizen. If that fails too (ServerUnreachable with
        `maybe_applied`), re-read `counter(code)` before deciding what to do.
        """
        action = action.replace("_", "-")
        if action not in COUNTER_ACTIONS:
            raise ValueError(f"unknown counter action {action!r}; one of {', '.join(COUNTER_ACTIONS)}")
        return self._action(f"{_counter_path(code)}/{action}")

    def call_ticket(self, code: str, ticket_code: str) -> dict:
        """Call one waiting ticket out of turn (an action: Idempotency-Key, lost answers asked again)."""
        return self._action(f"{_counter_path(code)}/call", {"ticket": ticket_code})

    def transfer(self, code: str, service: str) -> dict:
        """The counter's current ticket joins `service`'s queue, keeping its code (an action, as above)."""
        return self._action(f"{_counter_path(code)}/transfer", {"service": service})

    # -- live state ---------------------------------------------------------------------------

    def state(self, zone: str | None = None) -> dict:
        return self._call("GET", "/api/state", params={"zone": zone} if zone else None)

    @contextmanager
    def open_events(self, last_event_id: int | None = None, zone: str | None = None, counter: str | None = None,
                    summary: bool = False, read_timeout: float = 45.0,
                    types: Sequence[str] | None = None) -> Iterator[EventSource]:
        """The event stream as an httpx-sse EventSource (EventFollower drives this; apps use the follower).

        `read_timeout` must exceed the server's 15 s keep-alive so that silence means a dead server.
        `types` keeps only those event types (a kiosk needs `site.changed` alone).
        """
        params = {k: v for k, v in (("zone", zone), ("counter", counter)) if v}
        if types:
            params["types"] = ",".join(types)
        if summary:
            params["summary"] = "1"
        headers = {**self._auth(), "Accept": "text/event-stream", "Cache-Control": "no-store"}
        if last_event_id is not None:
            headers["Last-Event-ID"] = str(last_event_id)
        timeout = httpx.Timeout(self.timeout, read=read_timeout)
        try:
            with self._http.stream("GET", "/api/events", params=params, headers=headers, timeout=timeout) as response:
                if response.is_error:
                    response.read()
                    raise error_from(response)
                yield EventSource(response)
        except httpx.TransportError as exc:
            raise _unreachable(exc) from exc


def _counter_path(code: str) -> str:
    return f"/api/counters/{quote(code, safe='')}"
