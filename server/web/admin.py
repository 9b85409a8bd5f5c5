"""The site administration's pages (`/manage/admin/…`): the site's settings, agencies, services,
counters, and a site file's import and export. Each form calls the same flows as `/api/admin`
(flows/admin.py) with the signed-in person; a refusal shows the form again with each error next to
its field, and a stale version shows what the other person saved.

One form template (admin_form.html) draws every form from the field lists below."""

from flask import Response, redirect, render_template, request

from ..api import body_limit, ctx
from ..domain.errors import Forbidden
from ..domain.logos import LogoRefused
from ..flows import admin, logos, removal
from .manage import bp
from .session import ADMINS, MANAGERS, page, page_principal, scope

DAYS = [("mon", "Senin"), ("tue", "Selasa"), ("wed", "Rabu"), ("thu", "Kamis"), ("fri", "Jumat"),
        ("sat", "Sabtu"), ("sun", "Minggu")]

# (name, label, kind, help): kind text, area, number, decimal, check, hours, lines, select:<choices>, list
SITE = [
    ("name", "Nama MPP", "text", None), ("short_name", "Nama singkat", "text", None),
    ("address", "Alamat", "area", None),
    ("public_url", "Alamat server untuk ponsel (QR tiket)", "text", "Misalnya http://192.168.1.10:8080"),
    ("timezone", "Zona waktu", "text", "Asia/Jakarta, Asia/Makassar atau Asia/Jayapura"),
    ("hours", "Jam buka", "hours", "Kosongkan hari yang tutup. Tulis seperti 08:00-15:00."),
    ("breaks", "Istirahat", "breaks", "Misalnya istirahat salat Jumat: hari fri, jam 11:30-13:00."),
    ("ticket_cutoff_minutes", "Pengambilan nomor ditutup sebelum tutup (menit)", "number", None),
    ("running_text", "Teks berjalan di layar", "area", None),
    ("show_ikm_on_boards", "Tampilkan IKM di layar", "check",
     "Indeks Kepuasan Masyarakat bulan terakhir yang selesai ikut berjalan di layar (dari halaman SKM)."),
    ("personal_data_retention_days", "Lama data pribadi (NIK, telepon) disimpan (hari)", "number", None),
    ("priority_ratio", "Rasio panggilan prioritas:biasa", "text", "Misalnya 1:2"),
    ("booking_days_ahead", "Janji temu: paling jauh berapa hari ke depan", "number", None),
    ("check_in_before_min", "Janji temu: lapor diri paling awal sebelum jadwal (menit)", "number", None),
    ("check_in_after_min", "Janji temu: lapor diri paling lambat setelah jadwal (menit)", "number", None),
    ("booking_limit_per_day", "Janji temu per nomor ponsel atau NIK per hari", "number", None),
    ("zones", "Zona dan aula", "zones", "Zona yang menyebut aula yang sama berbagi satu suara panggilan."),
]
AGENCY = [
    ("code", "Kode instansi", "text", "Huruf, angka, titik, garis bawah, tanda hubung"),
    ("name", "Nama instansi", "text", None), ("short_name", "Nama singkat", "text", None),
    ("zone", "Zona", "select:zones", None),
    ("hours", "Jam layanan sendiri", "hours", "Kosongkan semua untuk mengikuti jam buka MPP."),
    ("hidden", "Sembunyikan dari anjungan", "check", None),
    ("position", "Urutan di anjungan (mulai 0)", "number", None),
]
SERVICE = [
    ("code", "Kode layanan", "text", "Huruf, angka, titik, garis bawah, tanda hubung"),
    ("agency", "Instansi", "select:agencies", None),
    ("name", "Nama layanan", "text", None), ("name_en", "Nama dalam bahasa Inggris", "text", None),
    ("queue", "Antrean", "select:queues", "Antrean yang diisi layanan ini"),
    ("prefix", "Prefiks nomor antrean", "text", "1–3 huruf besar; mengubahnya mengubah prefiks antrean ini"),
    ("quota", "Kuota harian", "number", "Kosongkan bila tanpa kuota"),
    ("target_wait_min", "Target waktu tunggu (menit)", "number", "Kosongkan untuk 15 menit"),
    ("default_minutes", "Perkiraan lama layanan (menit)", "decimal", None),
    ("cutoff_minutes", "Pengambilan nomor ditutup sebelum tutup (menit)", "number", "Kosongkan untuk ikut MPP"),
    ("hours", "Jam layanan sendiri", "hours", "Kosongkan semua untuk mengikuti jam instansi atau MPP."),
    ("requirements", "Persyaratan (satu per baris)", "lines", "Ditampilkan di anjungan"),
    ("asks_nik", "Minta NIK", "check", None), ("asks_phone", "Minta nomor telepon", "check", None),
    ("hidden", "Sembunyikan dari anjungan", "check", None),
    ("online_quota", "Kuota janji temu daring per hari", "number", "Kosongkan bila layanan ini tidak menerima janji temu"),
    ("slot_min", "Lama satu sesi janji temu (menit)", "number", None),
    ("slot_capacity", "Janji temu per sesi", "number", None),
    ("position", "Urutan dalam instansi (mulai 0)", "number", None),
]
COUNTER = [
    ("code", "Kode loket", "text", "Huruf, angka, titik, garis bawah, tanda hubung"),
    ("name", "Nama loket", "text", None), ("spoken_name", "Nama yang diucapkan", "text", None),
    ("agency", "Instansi", "select:agencies", None), ("zone", "Zona", "select:zones", None),
    ("queues", "Antrean yang dipanggil, berurutan", "list", "Kode antrean dipisah koma, misalnya DUKCAPIL-KTP, PA"),
    ("strict_queue_order", "Selalu habiskan antrean pertama dulu", "check", None),
    ("position", "Urutan (mulai 0)", "number", None),
]
FORMS = {"agency": AGENCY, "service": SERVICE, "counter": COUNTER}
TITLES = {"agency": "Instansi", "service": "Layanan", "counter": "Loket"}
PATHS = {"agency": "agencies", "service": "services", "counter": "counters"}
OPTIONAL = {"short_name", "name_en", "address", "public_url", "running_text", "spoken_name", "prefix"}
SAVED = "Tersimpan. Anjungan, layar dan loket memakai perubahan ini sekarang."


@bp.get("/admin/")
@page(roles=MANAGERS)
def admin_home():
    saved = "Dihapus. Anjungan, layar dan loket memakai perubahan ini sekarang." if request.args.get("removed") else None
    return render_template("admin.html", data=admin.whole_view(ctx().site, scope()), title_of=TITLES, saved=saved)


@bp.route("/admin/site", methods=["GET", "POST"])
@page(roles=ADMINS)
def admin_site():
    current = admin.site_view(ctx().site.config)
    if request.method == "GET":
        return _form("Pengaturan situs", SITE, current, current, "/manage/admin/site")
    values, problems = _read_form(SITE, current, whole_week=True)
    return _save(lambda: admin.change_site(ctx(), page_principal(), request.remote_addr, values),
                 problems, "Pengaturan situs", SITE, current, "/manage/admin/site", lambda saved: "/manage/admin/site")


@bp.route("/admin/<any(agencies, services, counters):what>/new", methods=["GET", "POST"])
@page(roles=MANAGERS)
def admin_new(what):
    kind = next(k for k, v in PATHS.items() if v == what)
    if kind == "agency" and page_principal().role not in ADMINS:
        return _forbidden()
    fields, title, action = FORMS[kind], f"{TITLES[kind]} baru", f"/manage/admin/{what}/new"
    blank = {"agency": scope()} if scope() else {}
    if request.method == "GET":
        return _form(title, fields, blank, None, action)
    values, problems = _read_form(fields, {})
    return _save(lambda: admin.add(ctx(), page_principal(), request.remote_addr, kind, values),
                 problems, title, fields, None, action, lambda saved: f"/manage/admin/{what}/{saved['code']}")


@bp.route("/admin/<any(agencies, services, counters):what>/<code>", methods=["GET", "POST"])
@page(roles=MANAGERS)
def admin_edit(what, code):
    kind, current = _editable(what, code)
    if current is None:
        return _forbidden()
    fields = [f for f in FORMS[kind] if f[0] != "code"]
    title, action = f"{TITLES[kind]} {current['name']}", f"/manage/admin/{what}/{code}"
    if request.method == "GET":
        return _form(title, fields, current, current, action)
    values, problems = _read_form(fields, current)
    return _save(lambda: admin.change(ctx(), page_principal(), request.remote_addr, kind, code, values),
                 problems, title, fields, current, action, lambda saved: action)


@bp.route("/admin/<any(agencies, services, counters):what>/<code>/remove", methods=["GET", "POST"])
@page(roles=MANAGERS)
def admin_remove(what, code):
    """Asks first (a plain page: works without JavaScript); a refusal says why on the same page."""
    kind, current = _editable(what, code)
    if current is None:
        return _forbidden()
    shown = {"kind": TITLES[kind].lower(), "name": current["name"], "code": code,
             "action": f"/manage/admin/{what}/{code}/remove", "back": f"/manage/admin/{what}/{code}"}
    if request.method == "GET":
        return render_template("admin_remove.html", message=None, **shown)
    try:
        removal.remove(ctx(), page_principal(), request.remote_addr, kind, code)
    except removal.InUse as exc:
        return render_template("admin_remove.html", message=exc.message, **shown), 409
    return redirect("/manage/admin/?removed=1", code=303)


@bp.post("/admin/agencies/<code>/logo")
@body_limit(logos.UPLOAD_BYTES)
@page(roles=ADMINS)
def admin_logo(code):
    upload = request.files.get("logo")
    data = upload.read(logos.UPLOAD_BYTES) if upload is not None else b""
    declared = (upload.mimetype or upload.filename) if upload is not None else None
    return _logo_change(code, lambda: logos.put_logo(ctx(), page_principal(), request.remote_addr, code, data,
                                                     declared, form_version()))


@bp.post("/admin/agencies/<code>/logo/remove")
@page(roles=ADMINS)
def admin_logo_remove(code):
    return _logo_change(code, lambda: logos.remove_logo(ctx(), page_principal(), request.remote_addr, code,
                                                        form_version()))


def _logo_change(code: str, do):
    """Back to the agency's page (303), or its form with the logo's problem or the other's change."""
    current = admin.one_view(ctx().site, "agency", code)
    fields, action = [f for f in AGENCY if f[0] != "code"], f"/manage/admin/agencies/{code}"
    title = f"{TITLES['agency']} {current['name']}"
    try:
        do()
    except LogoRefused as exc:
        return _form(title, fields, current, current, action, {"logo": exc.message}, status=422)
    except admin.VersionConflict as exc:
        return _form(title, fields, current, current, action, {"": exc.message}, other=exc.extra["current"],
                     status=409)
    return redirect(action + "?saved=1", code=303)


@bp.get("/admin/site.toml")
@page(roles=ADMINS)
def admin_export():
    return Response(admin.export_site(ctx().site), mimetype="application/toml",
                    headers={"Content-Disposition": 'attachment; filename="site.toml"'})


@bp.route("/admin/import", methods=["GET", "POST"])
@page(roles=ADMINS)
def admin_import():
    if request.method == "GET":
        return render_template("admin_import.html", text="", result=None, fields={})
    upload = request.files.get("file")
    text = upload.read().decode("utf-8", "replace") if upload and upload.filename else request.form.get("text", "")
    apply = request.form.get("apply") == "1"
    try:
        result = admin.import_site(ctx(), page_principal(), request.remote_addr, text, dry_run=not apply)
    except admin.InvalidFields as exc:
        return render_template("admin_import.html", text="", result=None, fields=exc.extra["fields"]), 422
    return render_template("admin_import.html", text=text, result=result, fields={})


# ---------------------------------------------------------------------------------------- helpers


def _editable(what: str, code: str) -> tuple[str, dict | None]:
    """The kind of `what` and the object as the signed-in person may change it (None: an agency, which
    only an admin may); another agency's service or counter raises as `check_agency` does."""
    kind = next(k for k, v in PATHS.items() if v == what)
    if kind == "agency" and page_principal().role not in ADMINS:
        return kind, None
    current = admin.one_view(ctx().site, kind, code)
    if kind != "agency":
        admin.check_agency(page_principal(), current["agency"])
    return kind, current


def _forbidden():
    raise Forbidden("Instansi dan pengaturan situs hanya diubah oleh admin.", code="admin_only")


def _choices() -> dict:
    config, mine = ctx().site.config, scope()
    return {"zones": [(z.code, z.name) for z in config.zones],
            "agencies": [(a.code, a.name) for a in config.agencies if mine is None or a.code == mine],
            "queues": [(q.code, f"{q.code} ({q.prefix})") for q in config.queues]}


def _form(title, fields, values, current, action, fields_errors=None, other=None, status=200):
    saved = SAVED if request.method == "GET" and request.args.get("saved") else None
    return render_template("admin_form.html", title=title, fields=fields, values=values, action=action,
                           version=(other or current or {}).get("version"), errors=fields_errors or {},
                           other=other, choices=_choices(), days=DAYS, saved=saved,
                           **_object_parts(action, other or current)), status


def _object_parts(action: str, current: dict | None) -> dict:
    """An existing agency, service or counter's page also offers its removal; an agency's, its logo."""
    parts = action.strip("/").split("/")  # manage, admin, what, code
    if not current or len(parts) != 4 or parts[2] not in PATHS.values() or parts[3] == "new":
        return {}
    kind = next(k for k, v in PATHS.items() if v == parts[2])
    shown = {"remove_url": f"{action}/remove", "kind_name": TITLES[kind].lower()}
    if kind == "agency":
        shown |= {"logo_action": f"{action}/logo", "logo": current.get("logo")}
    return shown


def _save(do, problems, title, fields, current, action, done):
    """Run the change; on success back to the object's page (303), else the form with its problems."""
    submitted = {**(current or {}), **_shown(request.form, fields)}
    if problems:
        return _form(title, fields, submitted, current, action, problems, status=422)
    try:
        saved = do()
    except admin.InvalidFields as exc:
        return _form(title, fields, submitted, current, action, exc.extra["fields"], status=422)
    except admin.VersionConflict as exc:  # the other's values shown; saving again overwrites them knowingly
        return _form(title, fields, submitted, current, action, {"": exc.message}, other=exc.extra["current"],
                     status=409)
    return redirect(done(saved) + "?saved=1", code=303)


def _shown(form, fields) -> dict:
    """The form's values as the template shows them again (unparsed, so a typo stays visible)."""
    shown = {}
    for name, _, kind, _ in fields:
        if kind == "hours":
            shown[name] = {d: form.get(f"{name}.{d}", "") for d, _ in DAYS}
        elif kind == "check":
            shown[name] = form.get(name) == "on"
        elif kind == "lines":
            shown[name] = form.get(name, "").splitlines()
        elif kind == "list":
            shown[name] = [q.strip() for q in form.get(name, "").split(",") if q.strip()]
        elif kind == "breaks":
            shown[name] = _breaks(form)
        elif kind == "zones":
            shown[name] = _zones(form)
        else:
            shown[name] = form.get(name, "")
    return shown


def _read_form(fields, current: dict, whole_week: bool = False) -> tuple[dict, dict]:
    """(changes, problems): the fields that differ from `current`, typed; problems of unreadable numbers.
    `whole_week`: the site's hours (every day empty: closed); else no hours at all: the site's."""
    form, values, problems = request.form, {"version": form_version()}, {}
    for name, _, kind, _ in fields:
        raw = form.get(name, "").strip()
        if kind == "hours":
            days = {d: form.get(f"{name}.{d}", "").strip() or None for d, _ in DAYS}
            value = days if whole_week or any(days.values()) else None
        elif kind == "breaks":
            value = _breaks(form)
        elif kind == "zones":
            value = _zones(form)
        elif kind == "check":
            value = form.get(name) == "on"
        elif kind == "lines":
            value = [line.strip() for line in form.get(name, "").splitlines() if line.strip()]
        elif kind == "list":
            value = [q.strip() for q in raw.split(",") if q.strip()]
        elif kind in ("number", "decimal"):
            try:
                value = None if raw == "" else (int(raw) if kind == "number" else float(raw.replace(",", ".")))
            except ValueError:
                problems[name] = "Harus berupa angka."
                continue
            if name == "position" and value is None:
                continue
        else:
            value = raw or (None if name in OPTIONAL else raw)
        if value is None and name not in current:
            continue  # a new object's empty field: the model's default
        if value != current.get(name) or name not in current:
            values[name] = value
    return values, problems


def form_version() -> str | None:
    return request.form.get("version") or None


def _breaks(form) -> list[dict]:
    found = []
    for i in range(10):
        name, time = form.get(f"breaks.{i}.name", "").strip(), form.get(f"breaks.{i}.time", "").strip()
        days = [d.strip() for d in form.get(f"breaks.{i}.days", "").split(",") if d.strip()]
        if name or time:
            found.append({"name": name, "days": days, "time": time})
    return found


def _zones(form) -> list[dict]:
    found = []
    for i in range(50):
        code, name = form.get(f"zones.{i}.code", "").strip(), form.get(f"zones.{i}.name", "").strip()
        if code or name:
            found.append({"code": code, "name": name, "hall": form.get(f"zones.{i}.hall", "").strip() or None})
    return found


# The pages for officers, devices and the calendar join `bp` (a module of their own).
from . import admin_people  # noqa: E402,F401
