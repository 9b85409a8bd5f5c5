"""The load engine of the benchmark and the busy day: HTTP/1.1 and event streams over epoll.

Why not the apps' own client (`mpp_client.ApiClient`, `EventFollower`, on httpx): measured on
the 2-core machine, closed loop, 20 kiosks issuing against one server (the benchmark's site),
other work on the machine as usual:

    ApiClient, a thread per kiosk:   648 issues/s, 743 µs client CPU per issue (server 753 µs)
    this engine, one thread, epoll: 1000 issues/s,  72 µs client CPU per issue (server 686 µs)
    (again with the machine busier: 1599 µs against 107 µs per issue)

    50 display streams, the floor calling: EventFollower (a thread each) 84 µs CPU per event,
    `Stream` below 23 µs per frame.

The client would take as much CPU per ticket as the server, on the two cores the server needs
for its 1,000 issues/s target, so the load targets cannot be driven through it: the benchmark
would measure its own client. Where a tool acts like an app (logging in, reading the health;
the simulated morning runs the real apps), it uses the shared client; only the load goes here.

Every request is timed from send to full answer; one selector holds many keep-alive
connections, each with one request in flight, and timers that pace the load.
"""

import heapq
import json
import os
import re
import selectors
import signal
import socket
import time
from pathlib import Path

HOST = "127.0.0.1"  # traffic goes to loopback only
now_ns = time.monotonic_ns


# ---------------------------------------------------------------- HTTP/1.1 over non-blocking sockets


def http_request(method: str, path: str, token: str | None, body: bytes = b"", port: int = 0,
                 close: bool = False, headers: tuple[str, ...] = ()) -> bytes:
    head = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{port}", *headers]
    if close:
        head.append("Connection: close")
    if token:
        head.append(f"Authorization: Bearer {token}")
    if method == "POST":
        head += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


def parse_response(buf: bytearray):
    """(status, body, bytes used, close) of one complete response at the head of `buf`, else None."""
    end = buf.find(b"\r\n\r\n")
    if end < 0:
        return None
    lines = bytes(buf[:end]).decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length, chunked, close = None, False, False
    for line in lines[1:]:
        name, _, value = line.partition(":")
        name, value = name.strip().lower(), value.strip().lower()
        if name == "content-length":
            length = int(value)
        elif name == "transfer-encoding" and "chunked" in value:
            chunked = True
        elif name == "connection" and value == "close":
            close = True
    pos = end + 4
    if chunked:
        body = bytearray()
        while True:
            eol = buf.find(b"\r\n", pos)
            if eol < 0:
                return None
            size = int(bytes(buf[pos:eol]).split(b";")[0], 16)
            pos = eol + 2
            if len(buf) < pos + size + 2:
                return None
            body += buf[pos:pos + size]
            pos += size + 2
            if size == 0:
                return status, bytes(body), pos, close
    length = length or 0
    if len(buf) < pos + length:
        return None
    return status, bytes(buf[pos:pos + length]), pos + length, close


def open_socket(port: int) -> socket.socket:
    sock = socket.create_connection((HOST, port), timeout=5)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # no Nagle stalls on keep-alive requests
    return sock


class Conn:
    """One keep-alive connection with at most one request in flight."""

    __slots__ = ("buf", "busy", "callback", "kind", "sent_ns", "sock")

    def __init__(self):
        self.sock, self.buf, self.sent_ns, self.kind, self.callback, self.busy = None, bytearray(), 0, "", None, False


class Engine:
    """Timers plus connections on one selector; every request is timed from send to full answer."""

    def __init__(self, port: int, timeout_s: float = 10.0):
        self.port, self.timeout_ns = port, int(timeout_s * 1e9)
        self.sel = selectors.DefaultSelector()
        self.timers: list = []
        self.seq = 0
        self.conns: list[Conn] = []
        self.in_flight = 0
        self.stopping = False
        self.samples: dict[str, list] = {}  # kind -> [(sent_ns, latency_us, status)]
        self.errors: dict[str, int] = {}  # "kind: reason" -> count
        self.max_lag_ns = 0

    def connect(self) -> Conn:
        conn = Conn()
        self._open(conn)
        self.conns.append(conn)
        return conn

    def _open(self, conn: Conn) -> None:
        conn.sock = open_socket(self.port)
        conn.sock.setblocking(False)
        conn.buf = bytearray()
        self.sel.register(conn.sock, selectors.EVENT_READ, conn)

    def _close(self, conn: Conn) -> None:
        if conn.sock is not None:
            self.sel.unregister(conn.sock)
            conn.sock.close()
            conn.sock = None

    def at(self, due_ns: int, fn) -> None:
        self.seq += 1
        heapq.heappush(self.timers, (due_ns, self.seq, fn))

    def request(self, conn: Conn, kind: str, raw: bytes, callback, finishing: bool = False) -> bool:
        """Send `raw`; `callback(status, body, answered_ns)` follows (status 0: no answer).
        Once the run is over only `finishing` requests go out (the second step of a started flow)."""
        if self.stopping and not finishing:
            return False
        conn.kind, conn.callback, conn.busy = kind, callback, True
        self.in_flight += 1
        conn.sent_ns = now_ns()
        try:
            if conn.sock is None:
                self._open(conn)
            conn.sock.sendall(raw)
        except OSError as exc:
            self._close(conn)
            self._finish(conn, 0, f"{type(exc).__name__}".encode(), now_ns())
        return True

    def _finish(self, conn: Conn, status: int, body: bytes, answered_ns: int) -> None:
        kind, callback = conn.kind, conn.callback
        conn.busy, conn.callback = False, None
        self.in_flight -= 1
        self.samples.setdefault(kind, []).append((conn.sent_ns, (answered_ns - conn.sent_ns) // 1000, status))
        if status == 0 or status >= 400:
            reason = body.decode("utf-8", "replace") if status == 0 else f"HTTP {status}"
            if status >= 400:
                try:
                    reason += " " + json.loads(body)["error"]["code"]
                except (ValueError, KeyError, TypeError):
                    pass
            key = f"{kind}: {reason}"
            self.errors[key] = self.errors.get(key, 0) + 1
            if status == 0:  # back off a little instead of spinning on a dead server
                self.at(answered_ns + 50_000_000, lambda: callback(status, body, answered_ns))
                return
        callback(status, body, answered_ns)

    def _readable(self, conn: Conn) -> None:
        try:
            data = conn.sock.recv(262144)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        answered = now_ns()
        if not data:
            self._close(conn)
            if conn.busy:
                self._finish(conn, 0, b"connection closed", answered)
            return
        conn.buf += data
        parsed = parse_response(conn.buf) if conn.busy else None
        if parsed is None:
            return
        status, body, used, close = parsed
        del conn.buf[:used]
        if close:
            self._close(conn)
        self._finish(conn, status, body, answered)

    def run(self, until_ns: int, drain_s: float = 5.0, stop_when_idle: bool = False) -> None:
        """Fire timers and read answers until `until_ns`, then wait (≤ drain_s) for the answers in flight."""
        drain_end = until_ns + int(drain_s * 1e9)
        next_check = 0
        while True:
            now = now_ns()
            if not self.stopping and now >= until_ns:
                self.stopping = True
            if self.stopping and (self.in_flight == 0 or now >= drain_end):
                break
            if stop_when_idle and not self.timers and self.in_flight == 0:
                break
            while self.timers and self.timers[0][0] <= now and not self.stopping:
                due, _, fn = heapq.heappop(self.timers)
                self.max_lag_ns = max(self.max_lag_ns, now - due)
                fn()
            wait = 0.05
            if self.timers and not self.stopping:
                wait = min(wait, max(0.0, (self.timers[0][0] - now_ns()) / 1e9))
            for key, _ in self.sel.select(wait):
                if isinstance(key.data, Conn):
                    self._readable(key.data)
                elif not key.data.readable():  # an event stream sharing the selector (a monitor page's)
                    self.sel.unregister(key.fileobj)
            if now >= next_check:
                next_check = now + 100_000_000
                for conn in self.conns:
                    if conn.busy and now - conn.sent_ns > self.timeout_ns:
                        self._close(conn)
                        self._finish(conn, 0, b"timeout", now)
        for conn in self.conns:
            if conn.busy:
                self._close(conn)
                self._finish(conn, 0, b"timeout", now_ns())
            self._close(conn)


def run_batch(port: int, raws: list[tuple[str, bytes]], conns: int = 8, timeout_s: float = 30) -> Engine:
    """Send requests over a few connections, each as soon as the previous on its connection is answered."""
    engine = Engine(port)
    pending = list(reversed(raws))

    def worker(conn):
        def go(*_):
            if pending:
                kind, raw = pending.pop()
                engine.request(conn, kind, raw, go)
        return go

    for _ in range(min(conns, len(raws))):
        engine.at(0, worker(engine.connect()))
    engine.run(now_ns() + int(timeout_s * 1e9), stop_when_idle=True)
    return engine


# ---------------------------------------------------------------- event streams


def ignore_interrupts() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when we stop


SIZE_LINE, CRLF = -1, -2  # Stream.chunk_left when not inside a chunk's data
CALLED_ID = re.compile(rb'"ticket":\{"id":(\d+)')


class Stream:
    """One event stream: de-chunks the HTTP body, splits SSE frames, notes when each call arrived."""

    def __init__(self, name: str, kind: str, zone: str | None, counter: str | None, path: str, token: str | None,
                 port: int, headers: tuple[str, ...] = ()):
        self.info = {"name": name, "kind": kind, "zone": zone, "counter": counter}
        self.sock = open_socket(port)
        self.sock.sendall(http_request("GET", path, token, port=port, headers=headers))
        self.sock.setblocking(False)
        self.raw, self.sse = bytearray(), bytearray()
        self.head_done, self.chunked, self.chunk_left = False, False, SIZE_LINE
        self.ok, self.error, self.frames = None, None, 0
        self.called: list = []  # (ticket id, received ns)
        self.counts_ns: list = []
        self.on_frame = None  # called with (frame, received ns) for every frame, when set

    def readable(self) -> bool:
        """Read what the socket holds (on a shared selector); False once the stream has ended."""
        try:
            data = self.sock.recv(262144)
        except BlockingIOError:
            return True
        except OSError as exc:
            data, self.error = b"", self.error or f"{type(exc).__name__}"
        if not data:
            self.error = self.error or "connection closed"
            return False
        self.feed(data, now_ns())
        return True

    def feed(self, data: bytes, at: int) -> None:
        self.raw += data
        if not self.head_done:
            end = self.raw.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(self.raw[:end]).decode("latin-1").lower()
            self.head_done, self.ok = True, head.split(" ", 2)[1] == "200"
            if not self.ok:
                self.error = head.split("\r\n")[0]
            self.chunked = "transfer-encoding: chunked" in head
            del self.raw[:end + 4]
        if not self.chunked:
            self.sse += self.raw
            self.raw.clear()
        while self.chunked and self._dechunk():
            pass
        while True:
            end = self.sse.find(b"\n\n")
            if end < 0:
                break
            frame = bytes(self.sse[:end])
            del self.sse[:end + 2]
            self.frames += 1
            if b"event: ticket.called" in frame:
                found = CALLED_ID.search(frame)
                if found:
                    self.called.append((int(found.group(1)), at))
            elif b"event: queue.counts" in frame:
                self.counts_ns.append(at)
            if self.on_frame is not None:
                self.on_frame(frame, at)

    def _dechunk(self) -> bool:
        """Move one piece of the chunked body from `raw` to `sse`; False when more bytes are needed."""
        raw = self.raw
        if self.chunk_left == SIZE_LINE:
            eol = raw.find(b"\r\n")
            if eol < 0:
                return False
            size = int(bytes(raw[:eol]).split(b";")[0] or b"0", 16)
            del raw[:eol + 2]
            if size == 0:
                self.error = self.error or "stream ended"
                return False
            self.chunk_left = size
        elif self.chunk_left == CRLF:
            if len(raw) < 2:
                return False
            del raw[:2]
            self.chunk_left = SIZE_LINE
        else:
            take = min(len(raw), self.chunk_left)
            if take == 0:
                return False
            self.sse += raw[:take]
            del raw[:take]
            self.chunk_left -= take
            if self.chunk_left == 0:
                self.chunk_left = CRLF
        return True


def stream_worker(conf: dict, out: str, ready, stop) -> None:
    """Holds every display and counter stream open on one selector until told to stop."""
    ignore_interrupts()
    port, sel, streams = conf["port"], selectors.DefaultSelector(), []
    for i, zone in enumerate(conf["display_zones"]):
        streams.append(Stream(f"display-{i + 1}", "display", zone, None, f"/api/events?zone={zone}&summary=1",
                              conf["display_tokens"][i], port))
    for code in conf["counters"]:
        streams.append(Stream(code, "counter", conf["counter_zone"][code], code,
                              f"/api/events?counter={code}&summary=1", conf["officer_tokens"][code], port))
    for stream in streams:
        sel.register(stream.sock, selectors.EVENT_READ, stream)
    deadline = now_ns() + int(conf["max_s"] * 1e9)
    next_check = 0
    while now_ns() < deadline:
        for key, _ in sel.select(0.1):
            stream = key.data
            try:
                data = stream.sock.recv(262144)
            except BlockingIOError:
                continue
            except OSError as exc:
                data, stream.error = b"", stream.error or f"{type(exc).__name__}"
            at = now_ns()
            if not data:
                stream.error = stream.error or "connection closed"
                sel.unregister(stream.sock)
                continue
            stream.feed(data, at)
        if now_ns() >= next_check:
            next_check = now_ns() + 100_000_000
            if not ready.is_set() and all(s.head_done or s.error for s in streams):
                ready.set()
            if stop.is_set():
                break
    result = [{**s.info, "ok": bool(s.ok), "error": s.error, "frames": s.frames, "called": s.called,
               "counts_ns": s.counts_ns} for s in streams]
    cpu = os.times()
    Path(out).write_text(json.dumps({"streams": result, "cpu_s": cpu.user + cpu.system}))
