"""The management pages' shell (/manage/): sign-in, the session cookie, CSRF, expiry, roles and scope,
through Flask's test client with its cookie jar (the in-process server; the browser tests are in
test_manage_pages.py)."""

import hashlib
import re
import sqlite3
from pathlib import Path

import pytest

from server import storage
from server.web import session
from tests.in_process import AppServer, SteppedClock

VENDOR = Path(session.__file__).parent / "static" / "vendor"
CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


def browser(app_floor):
    """A client that keeps cookies, as a browser does (the shared FlaskTransport keeps none)."""
    return app_floor.server.app.test_client()


def csrf_of(answer) -> str:
    return CSRF.search(answer.get_data(as_text=True)).group(1)


def sign_in(client, username: str, pin: str = "1234", next_: str | None = None):
    form = client.get("/manage/login" + (f"?next={next_}" if next_ else ""))
    assert form.status_code == 200
    return client.post("/manage/login" + (f"?next={next_}" if next_ else ""),
                       data={"username": username, "pin": pin, "csrf_token": csrf_of(form)})


def signed_in(app_floor, username: str):
    client = browser(app_floor)
    answer = sign_in(client, username)
    assert answer.status_code == 303, answer.get_data(as_text=True)
    return client


def page_csrf(client) -> str:
    return csrf_of(client.get("/manage/counter"))  # every role may open it


def text(answer) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", answer.get_data(as_text=True)).split())


# --------------------------------------------------------------------------------- sign-in and cookie


def test_sign_in_sets_an_httponly_strict_cookie_for_manage_only(app_floor):
    client = browser(app_floor)
    answer = sign_in(client, "rina")
    assert answer.status_code == 303 and answer.headers["Location"] == "/manage/"
    (cookie,) = [c for c in answer.headers.getlist("Set-Cookie") if c.startswith("mpp_manage=")]
    flags = {part.strip().split("=")[0].lower(): part.strip() for part in cookie.split(";")[1:]}
    assert "httponly" in flags and flags["samesite"] == "SameSite=Strict" and flags["path"] == "Path=/manage"
    assert "secure" not in flags  # plain http on the LAN: a Secure cookie would never come back
    page = client.get("/manage/")
    assert page.status_code == 200 and "Monitor lantai" in text(page) and "rina (Penyelia)" in text(page)


def test_the_cookie_is_secure_over_https(app_floor):
    client = browser(app_floor)
    form = client.get("/manage/login", base_url="https://mpp.test")
    answer = client.post("/manage/login", base_url="https://mpp.test",
                         data={"username": "rina", "pin": "1234", "csrf_token": csrf_of(form)})
    (cookie,) = [c for c in answer.headers.getlist("Set-Cookie") if c.startswith("mpp_manage=")]
    assert "Secure" in cookie


def test_the_cookie_is_no_bearer_token_for_the_api(app_floor):
    client = signed_in(app_floor, "admin")
    cookie = client.get_cookie("mpp_manage", path="/manage").value
    digest = session.Keys(storage_secret(app_floor)).digest(cookie)
    for token in (cookie, digest):
        assert client.get("/api/audit", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def storage_secret(app_floor) -> str:
    with storage.connect(app_floor.db_path) as conn:
        return storage.web_secret(conn)


@pytest.mark.parametrize("pin, status, words", [("9999", 401, "Nama pengguna atau PIN salah."),
                                                ("", 422, "Isi nama pengguna dan PIN Anda.")])
def test_a_wrong_sign_in_shows_the_form_again_with_a_message(app_floor, pin, status, words):
    client = browser(app_floor)
    answer = sign_in(client, "budi", pin)
    assert answer.status_code == status and words in text(answer)
    assert 'value="budi"' in answer.get_data(as_text=True)  # the name stays typed
    assert client.get_cookie("mpp_manage", path="/manage") is None


def test_a_locked_username_gets_the_counter_apps_lock_message(app_floor):
    client = browser(app_floor)
    for _ in range(5):
        assert sign_in(client, "sari", "0000").status_code == 401
    answer = sign_in(client, "sari", "1234")  # the right PIN, too late
    assert answer.status_code == 429 and int(answer.headers["Retry-After"]) > 0
    assert "Terlalu banyak percobaan gagal. Coba lagi dalam" in text(answer)
    with app_floor.client() as app:  # the same lock as the counter app's
        assert app.post("/api/auth/login", json={"username": "sari", "pin": "1234"}).status_code == 409


def test_signed_out_pages_send_to_the_sign_in_form_and_back(app_floor):
    client = browser(app_floor)
    answer = client.get("/manage/audit?from=2026-11-23")
    assert answer.status_code == 303
    assert answer.headers["Location"] == "/manage/login?next=/manage/audit%3Ffrom%3D2026-11-23"
    assert sign_in(client, "admin", next_="/manage/audit%3Ffrom%3D2026-11-23").headers["Location"] \
        == "/manage/audit?from=2026-11-23"
    htmx = browser(app_floor).get("/manage/counter", headers={"HX-Request": "true",
                                                               "HX-Current-URL": "http://mpp.test/manage/counter"})
    assert htmx.status_code == 401 and htmx.headers["HX-Redirect"] == "/manage/login?next=/manage/counter"


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/manage/", "/api/audit",
                                    "/manage/login", "/manage/\\evil.example", "/manage/%0d%0aSet-Cookie:x=1"])
def test_next_goes_only_to_our_own_pages(app_floor, target):
    answer = sign_in(browser(app_floor), "rina", next_=target)
    assert answer.headers["Location"] == "/manage/"


def test_sign_out_ends_the_session_and_is_audited(app_floor):
    client = signed_in(app_floor, "rina")
    token = page_csrf(client)
    answer = client.post("/manage/logout", data={"csrf_token": token})
    assert answer.status_code == 303 and answer.headers["Location"] == "/manage/login"
    assert client.get_cookie("mpp_manage", path="/manage") is None
    with storage.connect(app_floor.db_path) as conn:
        (entry,) = storage.audit_entries(conn, action="auth.logout")
    assert (entry["actor"], entry["actor_role"], entry["address"]) == ("rina", "supervisor", "127.0.0.1")


def test_the_counter_apps_logout_is_audited_too(app_floor):
    with app_floor.login("joko") as joko:
        assert joko.post("/api/auth/logout").status_code == 200
    with storage.connect(app_floor.db_path) as conn:
        (entry,) = storage.audit_entries(conn, action="auth.logout")
    assert (entry["actor"], entry["target"], entry["address"]) == ("joko", "joko", "127.0.0.1")


def test_a_signed_out_cookie_no_longer_opens_a_page(app_floor):
    client = signed_in(app_floor, "rina")
    kept = client.get_cookie("mpp_manage", path="/manage").value
    client.post("/manage/logout", data={"csrf_token": page_csrf(client)})
    client.set_cookie("mpp_manage", kept, path="/manage")  # a copy of the cookie taken before
    assert client.get("/manage/").status_code == 303


# ----------------------------------------------------------------------------------------------- CSRF


@pytest.mark.parametrize("how", ["no token", "wrong token", "another session's token"])
def test_an_unsafe_request_without_its_sessions_token_is_refused(app_floor, how):
    client = signed_in(app_floor, "rina")
    other = page_csrf(signed_in(app_floor, "dewi"))
    data = {"no token": {}, "wrong token": {"csrf_token": "0" * 64}, "another session's token": {"csrf_token": other}}
    answer = client.post("/manage/logout", data=data[how])
    assert answer.status_code == 403 and "Muat ulang halaman" in text(answer)
    assert client.get("/manage/").status_code == 200  # still signed in: nothing was done


def test_htmx_sends_the_token_in_a_header(app_floor):
    client = signed_in(app_floor, "rina")
    page = client.get("/manage/").get_data(as_text=True)
    token = re.search(r'<meta name="csrf-token" content="([0-9a-f]+)">', page).group(1)
    assert f'hx-headers=\'{{"X-CSRF-Token": "{token}"}}\'' in page
    assert client.post("/manage/logout", headers={"X-CSRF-Token": token}).status_code == 303


@pytest.mark.parametrize("headers", [{"Origin": "http://evil.example"}, {"Sec-Fetch-Site": "cross-site"},
                                     {"Sec-Fetch-Site": "same-site"}, {"Origin": "null"}])
def test_a_request_from_another_site_is_refused_even_with_the_token(app_floor, headers):
    client = signed_in(app_floor, "rina")
    answer = client.post("/manage/logout", data={"csrf_token": page_csrf(client)}, headers=headers)
    assert answer.status_code == 403 and "situs lain" in text(answer)


def test_same_origin_headers_pass(app_floor):
    client = signed_in(app_floor, "rina")
    answer = client.post("/manage/logout", data={"csrf_token": page_csrf(client)},
                         headers={"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"})  # the test client's host
    assert answer.status_code == 303


def test_the_sign_in_form_needs_its_own_token(app_floor):
    client = browser(app_floor)
    client.get("/manage/login")
    answer = client.post("/manage/login", data={"username": "rina", "pin": "1234"})
    assert answer.status_code == 403
    stranger = browser(app_floor)  # a token from someone else's form is bound to their cookie
    token = csrf_of(stranger.get("/manage/login"))
    assert client.post("/manage/login", data={"username": "rina", "pin": "1234", "csrf_token": token}).status_code == 403
    with storage.connect(app_floor.db_path) as conn:
        assert storage.audit_entries(conn, actor="rina") == []  # refused before any PIN was tried


# --------------------------------------------------------------------------------- expiry and restart


def test_the_session_ends_after_30_minutes_without_a_request(app_floor):
    client = signed_in(app_floor, "rina")
    app_floor.clock.advance(minutes=20)
    assert client.get("/manage/").status_code == 200  # activity: 30 more minutes from here
    app_floor.clock.advance(minutes=20)
    assert client.get("/manage/").status_code == 200
    app_floor.clock.advance(minutes=31)
    answer = client.get("/manage/")
    assert answer.status_code == 303 and answer.headers["Location"].startswith("/manage/login")


def test_the_idle_time_is_a_setting(floor_template, tmp_path):
    from tests.conftest import make_app_floor
    floor = make_app_floor(floor_template, tmp_path, config={"MANAGE_IDLE_MINUTES": 5})
    try:
        client = signed_in(floor, "rina")
        floor.clock.advance(minutes=6)
        assert client.get("/manage/").status_code == 303
    finally:
        floor.server.stop()


@pytest.mark.parametrize("statement", ["UPDATE sessions SET revoked_at = '2026-11-23T09:00:00+07:00'",
                                       "UPDATE officers SET active = 0 WHERE username = 'rina'"])
def test_a_revoked_session_or_deactivated_officer_is_out_at_once(app_floor, statement):
    client = signed_in(app_floor, "rina")
    assert client.get("/manage/").status_code == 200
    with storage.connect(app_floor.db_path) as conn:
        conn.execute(statement)
    assert client.get("/manage/").status_code == 303


def test_a_page_keeps_working_after_a_server_restart(app_floor):
    client = signed_in(app_floor, "rina")
    token = page_csrf(client)
    restarted = AppServer(app_floor.db_path, SteppedClock.at("2026-11-23T09:05:00+07:00"), {})
    try:
        again = restarted.app.test_client()
        again.set_cookie("mpp_manage", client.get_cookie("mpp_manage", path="/manage").value, path="/manage")
        assert again.get("/manage/").status_code == 200
        assert again.post("/manage/logout", data={"csrf_token": token}).status_code == 303  # the old page's form
    finally:
        restarted.stop()


def test_each_database_has_its_own_signing_key(app_floor, tmp_path):
    from tests.conftest import prepare_floor_database
    other_db = tmp_path / "other.db"
    prepare_floor_database(other_db)
    with storage.connect(app_floor.db_path) as first, storage.connect(other_db) as second:
        keys = {storage.web_secret(first), storage.web_secret(second)}
    assert len(keys) == 2 and all(re.fullmatch(r"[0-9a-f]{64}", key) for key in keys)
    client = signed_in(app_floor, "rina")
    other = AppServer(other_db, SteppedClock.at("2026-11-23T09:05:00+07:00"), {})
    try:
        stranger = other.app.test_client()
        stranger.set_cookie("mpp_manage", client.get_cookie("mpp_manage", path="/manage").value, path="/manage")
        assert stranger.get("/manage/").status_code == 303
    finally:
        other.stop()


# ------------------------------------------------------------------------------------- roles and scope


@pytest.mark.parametrize("username, path, status", [
    ("budi", "/manage/audit", 403), ("budi", "/manage/devices", 403), ("rina", "/manage/audit", 403),
    ("dewi", "/manage/audit", 403), ("admin", "/manage/audit", 200), ("rina", "/manage/devices", 200),
    ("dewi", "/manage/", 200), ("budi", "/manage/counter", 200),
])
def test_each_page_is_for_its_roles(app_floor, username, path, status):
    answer = signed_in(app_floor, username).get(path)
    assert answer.status_code == status
    if status == 403:
        assert "Tidak diizinkan" in text(answer) and "Halaman ini tidak untuk peran Anda." in text(answer)


def test_an_officer_signs_in_to_their_own_counter(app_floor):
    client = browser(app_floor)
    assert sign_in(client, "budi").headers["Location"] == "/manage/counter"
    assert client.get("/manage/").headers["Location"] == "/manage/counter"
    assert "Anda belum membuka loket" in text(client.get("/manage/counter"))
    with app_floor.login("budi") as budi:
        assert budi.post("/api/counters/L02/open").status_code == 200
    page = text(client.get("/manage/counter?counter=L05"))  # an officer cannot pick another counter
    assert "Loket 2" in page and "Buka" in page and "Petugas budi" in page
    nav = client.get("/manage/counter").get_data(as_text=True)
    assert "/manage/audit" not in nav and "/manage/devices" not in nav


@pytest.mark.parametrize("username, counter, status", [("dewi", "L01", 200), ("dewi", "L08", 403),
                                                       ("rina", "L08", 200), ("admin", "L05", 200),
                                                       ("rina", "L99", 404)])
def test_a_supervisor_sees_only_their_agencys_counters(app_floor, username, counter, status):
    answer = signed_in(app_floor, username).get(f"/manage/counter?counter={counter}")
    assert answer.status_code == status
    if status == 403:
        assert "Loket ini milik instansi lain." in text(answer)


def test_the_header_names_the_person_role_and_agency(app_floor):
    page = text(signed_in(app_floor, "dewi").get("/manage/"))
    assert "dewi (Penyelia, Disdukcapil)" in page and "Instansi Disdukcapil" in page and "Keluar" in page


# ------------------------------------------------------------------------------------- static assets


def test_the_bundled_files_are_the_ones_the_readme_names():
    readme = (VENDOR / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([^`]+)` \| `([^`]+)` \| ([0-9.]+) \|.*\| `([0-9a-f]{64})` \|$", readme, re.MULTILINE)
    assert {name for name, *_ in rows} == {"htmx.min.js", "htmx-ext-sse.min.js", "pico.min.css", "chart.umd.min.js"}
    for name, package, version, sha256 in rows:
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == sha256, name
    assert (VENDOR / "htmx.LICENSE.txt").is_file() and (VENDOR / "pico.LICENSE.txt").is_file()
    assert (VENDOR / "htmx-ext-sse.LICENSE.txt").is_file() and (VENDOR / "chart.LICENSE.txt").is_file()


def test_the_wheel_takes_the_templates_and_static_files():
    import tomllib
    root = Path(session.__file__).parents[2]
    globs = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["server.web"]
    web = root / "server" / "web"
    shipped = {path for pattern in globs for path in web.glob(pattern) if path.is_file()}
    wanted = {path for path in web.rglob("*") if path.is_file() and path.suffix != ".py" and "__pycache__" not in path.parts}
    assert wanted - shipped == set()


@pytest.mark.parametrize("path, mimetype", [("/static/vendor/htmx.min.js", "text/javascript"),
                                            ("/static/vendor/pico.min.css", "text/css"),
                                            ("/static/manage.css", "text/css"),
                                            ("/static/vendor/htmx.LICENSE.txt", "text/plain")])
def test_the_static_files_are_served_with_their_type(app_floor, path, mimetype):
    with app_floor.client() as anonymous:
        answer = anonymous.get(path)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith(mimetype)


def test_pages_forbid_outside_scripts_and_caching(app_floor):
    answer = browser(app_floor).get("/manage/login")
    assert "default-src 'self'" in answer.headers["Content-Security-Policy"]
    assert answer.headers["Cache-Control"] == "no-store" and answer.headers["X-Content-Type-Options"] == "nosniff"


def test_the_web_secret_migration_fills_an_older_file(tmp_path):
    conn = sqlite3.connect(tmp_path / "old.db", isolation_level=None)
    for number, script in enumerate(storage.MIGRATIONS[:9], start=1):
        conn.executescript(f"BEGIN; {script}; PRAGMA user_version={number}; COMMIT;")
    storage.migrate(conn)
    assert re.fullmatch(r"[0-9a-f]{64}", storage.web_secret(conn))


# --------------------------------------------------------------------------------------- event stream


def test_a_signed_out_stream_is_refused_not_sent_to_the_form(app_floor):
    answer = browser(app_floor).get("/manage/events", headers={"Accept": "text/event-stream"})
    assert answer.status_code == 401 and "Location" not in answer.headers


def test_the_pages_stream_resumes_from_where_the_page_was_read(app_floor):
    app_floor.issue()
    with app_floor.client() as anonymous:
        last = anonymous.get("/api/health").json()["last_event_id"]
    page = signed_in(app_floor, "budi").get("/manage/counter").get_data(as_text=True)
    assert last > 0 and f'sse-connect="/manage/events?last_event_id={last}"' in page
