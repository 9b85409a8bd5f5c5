"""Who is asking: device tokens (kiosk, display, counter PC) and officers' sessions.

Tokens are random and long, so they are stored as SHA-256 digests (fast to look
up); officers' PINs are short, so they are stored as Argon2 hashes.
"""

import hashlib
import secrets
import time
from collections import defaultdict, deque
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from gevent.threadpool import ThreadPool
from argon2.exceptions import InvalidHashError, VerificationError

from .. import storage
from ..context import Context, Work
from ..domain.errors import Conflict, Unauthorized

DEVICE_KINDS = ("kiosk", "display", "counter")
ROLES = ("officer", "supervisor", "admin")
MAX_FAILED_LOGINS = 5
FAILED_LOGIN_WINDOW_S = 300

# OWASP's Argon2id floor (19 MiB, 2 passes): the library default (64 MiB) nearly
# doubled the server's memory for the duration of each login.
_hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
_DUMMY_HASH = _hasher.hash("not-a-pin")
# Threads that check PINs. Each check takes 19 MiB while it runs (given back after: serve.py's
# return_large_blocks); one at a time keeps a shift signing in together at +19 MiB, and a check
# takes ~25 ms, so 200 officers signing in at once wait 5 s in all at the very worst.
PIN_CHECKS = 1


@dataclass(frozen=True)
class Principal:
    kind: str  # "device" or "officer"
    id: int
    role: str  # kiosk / display / counter, or officer / supervisor / admin
    name: str
    agency: str | None = None
    zone: str | None = None
    token_hash: str | None = None

    @property
    def username(self) -> str:
        return self.name


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def hash_pin(pin: str) -> str:
    return _hasher.hash(pin)


def pin_matches(pin_hash: str, pin: str) -> bool:
    try:
        return _hasher.verify(pin_hash, pin)
    except (VerificationError, InvalidHashError):
        return False


def authenticate(ctx: Context, conn, token: str | None) -> Principal:
    if not token:
        raise Unauthorized("Token tidak ada: kirim header 'Authorization: Bearer TOKEN'.", code="missing_token")
    digest = token_digest(token)
    device = storage.device_by_token(conn, digest)
    if device is not None:
        ctx.seen[device["id"]] = ctx.now()  # any request says the device is alive: a dict write, no SQL
        return Principal("device", device["id"], device["kind"], device["name"], zone=device["zone"],
                         token_hash=digest)
    officer = storage.session_officer(conn, digest, ctx.site.local_text(ctx.now()))
    if officer is not None:
        return Principal("officer", officer["id"], officer["role"], officer["username"], agency=officer["agency"],
                         token_hash=digest)
    raise Unauthorized("Token tidak dikenal atau sudah kedaluwarsa; silakan masuk lagi.", code="invalid_token")


class LoginGuard:
    """Slows down PIN guessing: a username is locked for a while after a few failures; and
    checks few PINs at once."""

    def __init__(self):
        self._failures: dict[str, deque] = defaultdict(deque)
        self.pin_checks = ThreadPool(PIN_CHECKS)

    def check(self, username: str) -> None:
        recent = self._recent(username)
        if len(recent) >= MAX_FAILED_LOGINS:
            wait = int(FAILED_LOGIN_WINDOW_S - (time.monotonic() - recent[0])) + 1
            raise Conflict(f"Terlalu banyak percobaan gagal. Coba lagi dalam {wait} detik.",
                           code="too_many_attempts", retry_after=wait)

    def failed(self, username: str) -> None:
        if len(self._failures) > 10_000:  # many distinct names: forget the ones whose window passed
            for name in [n for n, times in self._failures.items() if not self._recent(n)]:
                del self._failures[name]
        self._failures[username.lower()].append(time.monotonic())

    def succeeded(self, username: str) -> None:
        self._failures.pop(username.lower(), None)

    def _recent(self, username: str) -> deque:
        recent = self._failures.get(username.lower())
        if recent is None:
            return deque()
        while recent and time.monotonic() - recent[0] > FAILED_LOGIN_WINDOW_S:
            recent.popleft()
        return recent


def login(ctx: Context, conn, guard: LoginGuard, username: str, pin: str, address: str | None = None) -> dict:
    """A new session for the officer, or 401/409; every attempt is in the audit log."""
    try:
        guard.check(username)
    except Conflict:
        _audit_failure(ctx, username, address, "locked")
        raise
    officer = storage.officer_by_username(conn, username)
    # In a native thread of its own pool: the event loop (and every open stream) goes on meanwhile,
    # and only PIN_CHECKS threads ever hold Argon2's memory at once (in the server's shared pool a
    # shift signing in together took ~150 MB).
    matches = guard.pin_checks.apply(pin_matches, (officer["pin_hash"] if officer else _DUMMY_HASH, pin))
    if not (matches and officer is not None):
        guard.failed(username)
        _audit_failure(ctx, username, address, "wrong_pin" if officer else "unknown_username")
        raise Unauthorized("Nama pengguna atau PIN salah.", code="invalid_credentials")
    guard.succeeded(username)
    token = new_token()
    with Work(ctx) as work:
        expires = work.moment + timedelta(hours=ctx.settings.session_hours)
        storage.insert_session(work.conn, token_digest(token), officer["id"], work.now, ctx.site.local_text(expires))
        work.audit(officer["username"], "auth.login", target=officer["username"], address=address,
                   role=officer["role"])
    return {
        "token": token,
        "expires_at": ctx.site.local_text(expires),
        "officer": {"id": officer["id"], "username": officer["username"], "role": officer["role"],
                    "agency": officer["agency"]},
    }


def _audit_failure(ctx: Context, username: str, address: str | None, reason: str) -> None:
    with Work(ctx) as work:
        work.audit(username[:100], "auth.login_failed", target=username[:100], address=address, reason=reason)


def logout(ctx: Context, principal: Principal, address: str | None = None) -> None:
    with Work(ctx) as work:
        storage.revoke_session(work.conn, principal.token_hash, work.now)
        work.audit(principal, "auth.logout", target=principal.name, address=address)


def add_device(ctx_now: str, conn, kind: str, name: str, zone: str | None, actor: str = "console") -> str:
    token = new_token()
    with storage.write(conn):
        device_id = storage.insert_device(conn, kind, name, zone, token_digest(token), ctx_now)
        storage.insert_audit(conn, ctx_now, actor, None, "device.added", f"{kind}:{device_id}",
                             {"kind": kind, "name": name, "zone": zone}, None)
    return token
