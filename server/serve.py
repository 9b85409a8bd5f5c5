"""Serve the app with gevent's pywsgi: hundreds of idle event streams cost little,
and it runs on Windows too. Background jobs: expire unconfirmed prints, follow site changes,
watch devices and running texts, nightly backup."""

import ctypes
import json
import logging
import signal
import socket
import sys
from datetime import datetime, time as clock_time, timedelta
from pathlib import Path

import gevent
from gevent.pywsgi import WSGIHandler, WSGIServer

from . import backup as backups
from .flows import appointments, broadcasts
from .flows.devices import WATCH_EVERY_S, DeviceWatch
from .flows.site import follow_site
from .flows.tickets import close_past_days, expire_stuck_printing, purge_personal_data

log = logging.getLogger("mpp.server")


class NoDelayServer(WSGIServer):
    """pywsgi writes headers and body separately: without TCP_NODELAY, Nagle and
    delayed ACK stall back-to-back keep-alive requests by ~40 ms (200 ms on Windows)."""

    def handle(self, sock, address):
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass
        super().handle(sock, address)


def raw_json_error(status: str, reason: str, code: str, message: str) -> bytes:
    body = json.dumps({"error": {"code": code, "message": message}}).encode()
    head = (f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n")
    return head.encode("latin-1") + body


CLIENT_ERRORS = {
    "414": raw_json_error("414", "URI Too Long", "uri_too_long", "Alamat permintaan terlalu panjang."),
    "400": raw_json_error("400", "Bad Request", "bad_request", "Permintaan HTTP tidak dapat dibaca."),
}


class QuietHandler(WSGIHandler):
    """Requests gevent refuses before the app (huge URL or headers) get a JSON error too,
    and leave a one-line warning instead of a traceback: any client could fill the log."""

    def handle_one_request(self):
        result = super().handle_one_request()
        if isinstance(result, tuple):
            return result[0], CLIENT_ERRORS.get(str(result[0]), CLIENT_ERRORS["400"])
        return result

    def _handle_client_error(self, ex):
        log.warning("refused a malformed request",
                    extra={"fields": {"client": str(self.client_address), "problem": type(ex).__name__}})
        return "400", CLIENT_ERRORS["400"]

    def log_request(self):
        if self.code is not None and int(self.code) >= 500:
            log.error("request failed", extra={"fields": {"request": self.requestline, "status": self.code}})


# glibc's mallopt: blocks from this size on are mapped on their own and returned when freed.
M_MMAP_THRESHOLD, LARGE_BLOCK = -3, 1 << 20


def return_large_blocks() -> None:
    """Each PIN check (Argon2) takes 19 MiB. glibc raises its mmap threshold after the first such
    block is freed, so the next ones come from its heap and stay there: 200 officers signing in
    left ~40 MB the server never gave back. A fixed threshold returns them. Elsewhere, nothing."""
    if not sys.platform.startswith("linux"):
        return
    try:
        ctypes.CDLL(None).mallopt(M_MMAP_THRESHOLD, LARGE_BLOCK)
    except (OSError, AttributeError):  # not glibc (e.g. musl has no mallopt)
        pass


def housekeeping(context) -> None:
    """One round of the background job: unconfirmed prints, past days, personal data past retention,
    bookings whose check-in window ended."""
    expired = expire_stuck_printing(context)
    closed = close_past_days(context)
    purged = purge_personal_data(context) + appointments.purge_people(context)
    missed = appointments.mark_no_shows(context)
    if missed:
        log.info("bookings not checked in became no-shows", extra={"fields": {"bookings": missed}})
    if expired:
        log.info("cancelled unconfirmed prints", extra={"fields": {"tickets": expired}})
    if purged:
        log.info("purged personal data past retention", extra={"fields": {"tickets": purged}})
    if closed:
        log.info("closed tickets left from earlier days", extra={"fields": {"tickets": closed}})


def expire_loop(app, every_s: float = 5.0):
    context = app.extensions["mpp"]
    while True:
        try:
            housekeeping(context)
        except Exception:
            log.exception("expiring unconfirmed prints failed")
        gevent.sleep(every_s)


def site_loop(app, every_s: float = 0.4):
    """A changed site (`mpp-server init` while serving) reaches the screens within a second."""
    context = app.extensions["mpp"]
    while True:
        try:
            version = follow_site(context)
            if version is not None:
                log.info("site changed", extra={"fields": {"version": version}})
        except Exception:
            log.exception("following site changes failed")
        gevent.sleep(every_s)


def watch_loop(app):
    """Devices that went quiet or came back, and running texts whose time is up, reach the
    supervisors' screens and the boards within seconds: no client polls for them."""
    context = app.extensions["mpp"]
    every_s = context.settings.watch_every_s or WATCH_EVERY_S
    watch = DeviceWatch()
    while True:
        try:
            for device, online in watch.round(context).items():
                log.info("device online" if online else "device offline", extra={"fields": {"device": device}})
            broadcasts.expire(context)
        except Exception:
            log.exception("watching devices and running texts failed")
        gevent.sleep(every_s)


def backup_loop(app, db_path: Path, out_dir: Path, at: clock_time):
    context = app.extensions["mpp"]
    while True:
        now = context.now().astimezone(context.site.tz)
        due = datetime.combine(now.date(), at, tzinfo=context.site.tz)
        if due <= now:
            due += timedelta(days=1)
        gevent.sleep((due - now).total_seconds())
        try:
            path = backups.backup(db_path, out_dir, context.now().astimezone(context.site.tz))
            log.info("nightly backup written", extra={"fields": {"path": str(path)}})
        except Exception:
            log.exception("nightly backup failed")


def serve(app, host: str, port: int, db_path: Path, backup_dir: Path | None, backup_at: clock_time) -> None:
    return_large_blocks()
    server = NoDelayServer((host, port), app, handler_class=QuietHandler, log=None, error_log=log)
    jobs = [gevent.spawn(expire_loop, app), gevent.spawn(app.extensions["mpp"].events.run_counts),
            gevent.spawn(site_loop, app), gevent.spawn(watch_loop, app)]
    if backup_dir is not None:
        jobs.append(gevent.spawn(backup_loop, app, db_path, backup_dir, backup_at))
    stopping = []

    def stop(*_):
        if stopping:
            return
        stopping.append(True)
        log.info("shutting down: closing event streams, finishing requests")
        app.extensions["mpp"].events.close()
        server.stop(timeout=5)

    if sys.platform == "win32":  # Ctrl+C; Ctrl+Break and a closed console arrive as SIGBREAK
        for signum in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGBREAK", None)):
            if signum is not None:
                signal.signal(signum, lambda *_: gevent.spawn(stop))
    else:
        for signum in (signal.SIGINT, signal.SIGTERM):
            gevent.signal_handler(signum, stop)
    server.start()
    log.info("serving", extra={"fields": {"url": f"http://{host}:{server.server_port}", "db": str(db_path)}})
    print(f"Antrian MPP server on http://{host}:{server.server_port}", flush=True)
    try:
        server.serve_forever()
    finally:
        gevent.killall(jobs)
        app.extensions["mpp"].pool.close()
        app.extensions["mpp"].writer.close()  # checkpoints the log into the database file
        log.info("stopped")
