"""The administration of people and machines: officers (add, role, agency, deactivate, reset PIN) and
devices (register, rename, zone, revoke).

A PIN or a token exists in clear only in the answer that creates it: the database keeps its hash,
the audit entry and the log never name it. Deactivating an officer or resetting their PIN ends
their sessions in the same transaction; revoking a device ends its open event stream at once.
Versions are short hashes of each row's content, as for the site's objects (flows/admin.py).
"""

import base64
import io
import re
import secrets

import qrcode
import qrcode.image.svg

from .. import storage
from ..context import Context, Work
from ..domain.errors import Conflict, NotFound
from .admin import InvalidFields, VersionConflict, version_of
from .auth import DEVICE_KINDS, ROLES, hash_pin, new_token, token_digest

PIN_DIGITS = 6
USERNAME = re.compile(r"^[A-Za-z0-9_.-]{2,40}$")
ROLE_NAMES = {"officer": "petugas", "supervisor": "penyelia", "admin": "admin"}
KIND_NAMES = {"kiosk": "anjungan", "display": "layar", "counter": "PC loket"}


def new_pin() -> str:
    return f"{secrets.randbelow(10 ** PIN_DIGITS):0{PIN_DIGITS}d}"


# ----------------------------------------------------------------------------------------- officers


def officer_view(row) -> dict:
    data = {"username": row["username"], "role": row["role"], "agency": row["agency"], "active": bool(row["active"]),
            "created_at": row["created_at"]}
    return {**data, "version": version_of(data["username"], data["role"], data["agency"], data["active"])}


def officers(ctx: Context) -> list[dict]:
    with ctx.pool.connection() as conn:
        return [officer_view(row) for row in storage.officer_rows(conn)]


def officer(ctx: Context, username: str) -> dict:
    with ctx.pool.connection() as conn:
        return officer_view(_officer(conn, username))


def add_officer(ctx: Context, who, address, values: dict) -> dict:
    """A new officer with a random PIN, answered this once."""
    username = (values.get("username") or "").strip()
    problems = {}
    if not USERNAME.match(username):
        problems["username"] = "Nama pengguna 2–40 huruf, angka, titik, garis bawah atau tanda hubung."
    role, agency = values.get("role", "officer"), values.get("agency") or None
    problems |= _role_problems(ctx, role, agency)
    if problems:
        raise InvalidFields(problems)
    pin = new_pin()
    pin_hash = hash_pin(pin)
    with Work(ctx) as work:
        if storage.officer_row(work.conn, username) is not None:
            raise InvalidFields({"username": f"Nama pengguna '{username}' sudah dipakai."})
        storage.insert_officer(work.conn, username, pin_hash, role, agency, work.now)
        work.audit(who, "officer.added", target=username, address=address, role=role, agency=agency)
        row = storage.officer_row(work.conn, username)
    return {**officer_view(row), "pin": pin}


def change_officer(ctx: Context, who, address, username: str, changes: dict) -> dict:
    """Role, agency, active; deactivated: their sessions end now and they cannot sign in."""
    with Work(ctx) as work:
        row = _officer(work.conn, username)
        current = officer_view(row)
        if changes.get("version") != current["version"]:
            raise VersionConflict("Petugas", current)
        # null role or active: unchanged; null agency: none (the whole building)
        role = changes.get("role") or row["role"]
        agency = changes["agency"] or None if "agency" in changes else row["agency"]
        active = bool(row["active"]) if changes.get("active") is None else bool(changes["active"])
        problems = _role_problems(ctx, role, agency)
        if row["id"] == getattr(who, "id", None) and (not active or role != "admin"):
            # The admin who locks themself out leaves nobody to undo it.
            problems["active" if not active else "role"] = "Anda tidak dapat menonaktifkan atau menurunkan akun Anda sendiri."
        if problems:
            raise InvalidFields(problems)
        storage.update_officer(work.conn, row["id"], role, agency, active)
        ended = storage.end_officer_sessions(work.conn, row["id"], work.now) if not active else 0
        edited = {k: v for k, v in (("role", role), ("agency", agency), ("active", active))
                  if v != current[k]}
        if edited:
            work.audit(who, "officer.updated", target=row["username"], address=address, changes=edited,
                       sessions_ended=ended)
        return officer_view(storage.officer_row(work.conn, username))


def reset_pin(ctx: Context, who, address, username: str) -> dict:
    """A new random PIN, answered this once; the officer's sessions end."""
    pin = new_pin()
    pin_hash = hash_pin(pin)
    with Work(ctx) as work:
        row = _officer(work.conn, username)
        storage.set_officer_pin(work.conn, row["id"], pin_hash)
        ended = storage.end_officer_sessions(work.conn, row["id"], work.now)
        work.audit(who, "officer.pin_reset", target=row["username"], address=address, sessions_ended=ended)
    return {"username": row["username"], "pin": pin}


def _officer(conn, username: str):
    row = storage.officer_row(conn, username)
    if row is None:
        raise NotFound(f"Petugas '{username}' tidak ada.", code="unknown_officer")
    return row


def _role_problems(ctx: Context, role, agency) -> dict:
    problems = {}
    if role not in ROLES:
        problems["role"] = "Peran harus officer, supervisor atau admin."
    if agency is not None and agency not in ctx.site.agencies:
        problems["agency"] = f"Instansi '{agency}' tidak dikenal."
    return problems


# ------------------------------------------------------------------------------------------ devices


def device_view(row) -> dict:
    data = {"id": row["id"], "kind": row["kind"], "name": row["name"], "zone": row["zone"],
            "active": bool(row["active"]), "created_at": row["created_at"], "last_seen": row["last_seen"]}
    return {**data, "version": version_of(data["name"], data["zone"], data["active"])}


def devices(ctx: Context) -> list[dict]:
    with ctx.pool.connection() as conn:
        return [device_view(row) for row in storage.admin_device_rows(conn)]


def device(ctx: Context, device_id: int) -> dict:
    with ctx.pool.connection() as conn:
        return device_view(_device(conn, device_id))


def register_device(ctx: Context, who, address, values: dict) -> dict:
    """A kiosk, board or counter PC: its token answered this once, as text and as a pairing QR."""
    kind, name, zone = values.get("kind"), (values.get("name") or "").strip(), values.get("zone") or None
    problems = _device_problems(ctx, name, zone)
    if kind not in DEVICE_KINDS:
        problems["kind"] = "Jenis perangkat harus kiosk (anjungan), display (layar) atau counter (PC loket)."
    if problems:
        raise InvalidFields(problems)
    token = new_token()
    with Work(ctx) as work:
        device_id = storage.insert_device(work.conn, kind, name, zone, token_digest(token), work.now)
        work.audit(who, "device.added", target=f"{kind}:{device_id}", address=address, kind=kind, name=name, zone=zone)
        row = storage.admin_device_row(work.conn, device_id)
    return {**device_view(row), "token": token, "pairing_qr": pairing_qr(token)}


def change_device(ctx: Context, who, address, device_id: int, changes: dict) -> dict:
    with Work(ctx) as work:
        row = _device(work.conn, device_id)
        current = device_view(row)
        if changes.get("version") != current["version"]:
            raise VersionConflict("Perangkat", current)
        if not row["active"]:
            raise Conflict("Perangkat ini sudah dicabut; daftarkan perangkat baru.", code="device_revoked")
        name = row["name"] if changes.get("name") is None else changes["name"].strip()
        zone = changes["zone"] or None if "zone" in changes else row["zone"]
        problems = _device_problems(ctx, name, zone)
        if problems:
            raise InvalidFields(problems)
        storage.update_device(work.conn, device_id, name, zone)
        edited = {k: v for k, v in (("name", name), ("zone", zone)) if v != current[k]}
        if edited:
            work.audit(who, "device.updated", target=f"{row['kind']}:{device_id}", address=address, changes=edited)
        return device_view(storage.admin_device_row(work.conn, device_id))


def revoke_device(ctx: Context, who, address, device_id: int) -> dict:
    """Its next request gets 401; its open event stream ends now (the watcher also ends it within a
    round, should this server not be the one holding the stream)."""
    with Work(ctx) as work:
        row = _device(work.conn, device_id)
        if row["active"]:
            storage.revoke_device(work.conn, device_id)
            work.audit(who, "device.revoked", target=f"{row['kind']}:{device_id}", address=address,
                       name=row["name"])
        row = storage.admin_device_row(work.conn, device_id)
    ctx.events.revoke(f"device:{device_id}")
    return device_view(row)


def pairing_qr(token: str) -> str:
    """The token as a QR code (an SVG data URL): a barcode scanner at the app's first screen types it."""
    image = qrcode.make(token, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    out = io.BytesIO()
    image.save(out)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def _device(conn, device_id: int):
    row = storage.admin_device_row(conn, device_id)
    if row is None:
        raise NotFound(f"Perangkat {device_id} tidak ada.", code="unknown_device")
    return row


def _device_problems(ctx: Context, name: str, zone) -> dict:
    problems = {}
    if not name or len(name) > 100:
        problems["name"] = "Nama perangkat wajib diisi (paling panjang 100 huruf)."
    if zone is not None and zone not in {z.code for z in ctx.site.config.zones}:
        problems["zone"] = f"Zona '{zone}' tidak dikenal."
    return problems
