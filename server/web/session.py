"""Who is looking at a management page: the session cookie, CSRF, roles and the agency scope.

A page declares who may open it with `@page(roles=...)`; inside, `page_principal()` is the signed-in
person and `scope()` the agency they see (None: the whole building). The cookie holds the session's
token digest, signed with the database's own key (storage.web_secret), so a restart keeps everyone
signed in and revoking the session row ends it at once.
"""

import hashlib
import hmac
import re
import secrets
from datetime import timedelta
from functools import wraps
from urllib.parse import quote, urlsplit

from flask import current_app, g, redirect, request
from itsdangerous import BadSignature, URLSafeSerializer

from ..api import conn, ctx
from ..domain.errors import Forbidden
from ..flows import web_session
from ..flows.auth import Principal

COOKIE = "mpp_manage"
LOGIN_COOKIE = "mpp_login"  # a random value the sign-in form's CSRF token is bound to
PATH = "/manage"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
IDLE_MINUTES = 30  # create_app's MANAGE_IDLE_MINUTES

OFFICERS = ("officer",)
MANAGERS = ("supervisor", "admin")
ADMINS = ("admin",)
EVERYONE = ("officer", "supervisor", "admin")
ROLE_NAMES = {"officer": "Petugas", "supervisor": "Penyelia", "admin": "Admin"}


class CsrfRefused(Forbidden):
    code = "csrf_refused"


class Keys:
    """Signs the session cookie and derives each session's CSRF token from the database's key."""

    def __init__(self, secret: str):
        self._cookie = URLSafeSerializer(secret, salt="mpp.manage.session")
        self._csrf_key = hashlib.sha256(("mpp.manage.csrf:" + secret).encode()).digest()

    def cookie(self, digest: str) -> str:
        return self._cookie.dumps(digest)

    def digest(self, cookie: str) -> str | None:
        try:
            value = self._cookie.loads(cookie)
        except BadSignature:
            return None
        return value if isinstance(value, str) else None

    def csrf(self, bound_to: str) -> str:
        return hmac.new(self._csrf_key, bound_to.encode(), hashlib.sha256).hexdigest()


def keys() -> Keys:
    return current_app.extensions["mpp.web"]


def idle() -> timedelta:
    return timedelta(minutes=float(current_app.config.get("MANAGE_IDLE_MINUTES", IDLE_MINUTES)))


def load_session() -> None:
    """before_request of every /manage/ route: the session, if the cookie names a live one."""
    g.page_principal = g.csrf_token = None
    g.last_event_id = ctx().events.last_id  # before the page reads anything: its stream resumes from here
    raw = request.cookies.get(COOKIE)
    digest = keys().digest(raw) if raw else None
    if digest:
        g.page_principal = web_session.resume(ctx(), conn(), digest, idle())
    if g.page_principal is not None:
        g.csrf_token = keys().csrf("session:" + digest)


def login_nonce() -> str | None:
    return request.cookies.get(LOGIN_COOKIE) or None


def login_csrf(nonce: str) -> str:
    return keys().csrf("login:" + nonce)


def check_csrf() -> None:
    """before_request: an unsafe request must come from our own page and carry its token.

    Without a session (expired, signed out) there is nothing to forge: the page then sends the
    person to the sign-in form, and the action is not done."""
    if request.method not in UNSAFE:
        return
    origin = request.headers.get("Origin")
    if origin is not None and origin != request.host_url.rstrip("/"):
        raise CsrfRefused("Permintaan dari situs lain ditolak.")
    if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
        raise CsrfRefused("Permintaan dari situs lain ditolak.")
    if request.endpoint == "manage.login":
        nonce = login_nonce()
        expected = login_csrf(nonce) if nonce else None
    elif g.page_principal is None:
        return
    else:
        expected = g.csrf_token
    sent = request.headers.get(CSRF_HEADER) or request.form.get(CSRF_FIELD)
    if not (expected and sent and hmac.compare_digest(sent, expected)):
        raise CsrfRefused("Formulir ini sudah kedaluwarsa atau tidak berasal dari halaman ini. "
                          "Muat ulang halaman, lalu coba lagi.")


def set_session_cookie(response, digest: str) -> None:
    response.set_cookie(COOKIE, keys().cookie(digest), httponly=True, samesite="Strict", path=PATH,
                        secure=request.is_secure)


def clear_session_cookie(response) -> None:
    response.delete_cookie(COOKIE, path=PATH, httponly=True, samesite="Strict", secure=request.is_secure)


def new_login_nonce(response) -> str:
    nonce = secrets.token_urlsafe(24)
    response.set_cookie(LOGIN_COOKIE, nonce, httponly=True, samesite="Strict", path=PATH + "/login",
                        secure=request.is_secure)
    return nonce


def local_next(target: str | None) -> str | None:
    """`next` only when it is one of our own pages: never another site (open redirect)."""
    if not target or not target.startswith(PATH + "/") or target.startswith(PATH + "/login"):
        return None
    if not re.fullmatch(r"[\x21-\x7e]+", target):  # a Location header takes printable ASCII only
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or "\\" in target:
        return None
    return target


def to_login():
    """Not signed in: a page goes to the sign-in form and comes back; htmx reloads the whole page there;
    an event stream is refused (manage.js then reloads its page)."""
    if "text/event-stream" in request.headers.get("Accept", ""):
        return current_app.response_class("Sesi berakhir; silakan masuk lagi.\n", status=401, mimetype="text/plain")
    if request.headers.get("HX-Request"):
        current = urlsplit(request.headers.get("HX-Current-URL", ""))
        back = local_next(current.path + (f"?{current.query}" if current.query else "")) or PATH + "/"
        response = current_app.response_class(status=401)
        response.headers["HX-Redirect"] = f"{PATH}/login?next={quote(back, safe='/')}"
        return response
    back = local_next(request.full_path.rstrip("?"))
    return redirect(f"{PATH}/login" + (f"?next={quote(back, safe='/')}" if back else ""), code=303)


def page(roles: tuple[str, ...] = MANAGERS):
    """A management page for these roles: others get the 403 page, the signed-out the sign-in form."""

    def wrap(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            who = g.get("page_principal")
            if who is None:
                return to_login()
            if who.role not in roles:
                raise Forbidden("Halaman ini tidak untuk peran Anda.", code="wrong_role")
            return view(*args, **kwargs)

        guarded.page_roles = roles
        return guarded

    return wrap


def page_principal() -> Principal:
    """The signed-in person (inside a `@page` view)."""
    return g.page_principal


def scope() -> str | None:
    """The agency whose data this person sees and acts on; None: the whole building."""
    who = page_principal()
    return None if who.role == "admin" else who.agency


def check_scope(agency: str | None) -> None:
    """403 when `agency` is outside the signed-in person's scope."""
    mine = scope()
    if mine is not None and agency != mine:
        raise Forbidden("Data ini milik instansi lain.", code="not_your_agency")


def home(who: Principal) -> str:
    return f"{PATH}/counter" if who.role == "officer" else f"{PATH}/"
