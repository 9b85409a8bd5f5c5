"""`mpp-server`: create the database, serve it, add devices and officers, back up."""

import os
import re
import sqlite3
import sys
from datetime import datetime, time as clock_time
from pathlib import Path

import click

from . import storage
from .domain.clock import Clock
from .site_config import PUBLIC_URL, SiteConfigError, dump_site, load_site

DB = click.option("--db", "db_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
                  help="The SQLite database file")


def _now_text(conn=None) -> str:
    return Clock.from_iso(os.environ.get("MPP_NOW")).now().isoformat(timespec="milliseconds")


def _open(db_path: Path):
    if not db_path.exists():
        raise click.ClickException(f"{db_path}: no such database; create it with `mpp-server init`")
    conn = storage.connect(db_path)
    if conn.execute("PRAGMA user_version").fetchone()[0] < len(storage.MIGRATIONS):
        raise click.ClickException(f"{db_path}: the database is older than this program; run `mpp-server init`")
    return conn


def _public_url(value: str | None) -> str | None:
    if value is not None and not re.fullmatch(PUBLIC_URL, value):
        raise click.BadParameter(f"{value!r} is not an address like http://192.168.1.10:8080")
    return value


@click.group(help="Antrian MPP server")
def main():
    pass


@main.command(help="Create or migrate the database and load the site file (safe to run again, "
                   "also while the server runs: it takes the change within a second).")
@DB
@click.option("--site", "site_path", required=True, type=click.Path(dir_okay=False, path_type=Path))
def init(db_path: Path, site_path: Path):
    try:
        config = load_site(site_path)
    except SiteConfigError as exc:  # the whole file is refused: the database is not touched
        if len(exc.problems) > 1:
            raise click.ClickException(f"{site_path}: {len(exc.problems)} problems, nothing was changed:\n  "
                                       + "\n  ".join(exc.problems)) from None
        raise click.ClickException(str(exc)) from None
    db_path.parent.mkdir(parents=True, exist_ok=True)
    conn = storage.connect(db_path)
    try:
        version = storage.migrate(conn)
        before = storage.site_version(conn)
        site_version = storage.save_site(conn, config, str(site_path), _now_text())
    except sqlite3.Error as exc:  # e.g. the server held the database longer than the busy timeout
        raise click.ClickException(f"{db_path}: the site was not changed: {exc}") from None
    finally:
        conn.close()
    services = sum(len(a.services) for a in config.agencies)
    change = "unchanged" if site_version == before else "loaded"
    click.echo(f"{db_path}: schema v{version}; site '{config.site.name}' {change} (site version {site_version}): "
               f"{len(config.agencies)} agencies, {services} services, {len(config.counters)} counters")


@main.command(help="Write the site the database holds as a site file (`init` with it changes nothing).")
@DB
@click.option("--site", "site_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The site file to write (TOML)")
def export(db_path: Path, site_path: Path):
    conn = _open(db_path)
    try:
        stored = storage.load_site(conn)
    finally:
        conn.close()
    if stored is None:
        raise click.ClickException(f"{db_path}: no site loaded; run `mpp-server init --db FILE --site FILE`")
    config, version = stored
    header = (f"Site exported from {db_path.name} (site version {version}) at {_now_text()}.\n"
              f"Load it with: mpp-server init --db FILE --site {site_path.name}")
    site_path.write_text(dump_site(config, header), encoding="utf-8")
    click.echo(f"{site_path}: site '{config.site.name}' (site version {version})")


@main.command("export-day", help="Write a service day's tickets and events as CSV with a schema file "
                                   "(datapackage.json), for a warehouse: docs/warehouse.md. No personal data.")
@DB
@click.option("--date", "day", required=True, help="The service day, YYYY-MM-DD")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="The folder to write tickets_DAY.csv, events_DAY.csv and datapackage_DAY.json into")
@click.option("--format", "file_format", default="csv", show_default=True, type=click.Choice(["csv"]),
              help="CSV only: Parquet would need pyarrow on every server (docs/warehouse.md converts it)")
@click.option("--site-code", default=None, help="How the warehouse names this MPP (default: the site's short name)")
def export_day(db_path: Path, day: str, out_dir: Path, file_format: str, site_code: str | None):
    from datetime import date

    from .context import load_site as load_site_now
    from .warehouse import export_day as write_day

    try:
        if len(day) != 10:
            raise ValueError(day)
        date.fromisoformat(day)
    except ValueError:
        raise click.BadParameter(f"{day!r} is not a date like 2026-11-23", param_hint="--date") from None
    conn = _open(db_path)
    try:
        site = load_site_now(conn)
        if site is None:
            raise click.ClickException(f"{db_path}: no site loaded; run `mpp-server init --db FILE --site FILE`")
        done = write_day(conn, site, day, out_dir, site_code or site.info.short_name or site.info.name)
    finally:
        conn.close()
    click.echo(f"{day}: {done['tickets']} tickets, {done['events']} events → "
               + ", ".join(str(path) for path in done["files"]))


@main.command("import-bookings", help="Import bookings made in an agency's own system from CSV (columns: service, "
                                      "date, slot, name, phone, nik, ref); prints each booking's code, lists the "
                                      "rows refused with the reason (exit status 1 when any).")
@DB
@click.option("--file", "csv_path", required=True, type=click.Path(dir_okay=False, exists=True, path_type=Path))
def import_bookings(db_path: Path, csv_path: Path):
    from .app import create_app
    from .flows.booking_files import import_bookings as read_bookings

    _open(db_path).close()
    app = create_app({"DATABASE": str(db_path), "CLOCK": Clock.from_iso(os.environ.get("MPP_NOW"))})
    context = app.extensions["mpp"]
    try:
        made, refused = read_bookings(context, csv_path.read_text(encoding="utf-8-sig"))
    finally:
        context.pool.close()
        context.writer.close()
    click.echo("line;code;service;date;slot")
    for booking in made:
        click.echo(f"{booking['line']};{booking['code']};{booking['service']};{booking['date']};{booking['slot']}")
    for line, code, message in refused:
        click.echo(f"line {line}: {code}: {message}", err=True)
    click.echo(f"{len(made)} imported, {len(refused)} refused", err=True)
    if refused:
        sys.exit(1)


@main.command("export-bookings", help="Write a day's bookings as CSV (name, phone and NIK masked).")
@DB
@click.option("--date", "day", required=True, help="YYYY-MM-DD")
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False, path_type=Path))
def export_bookings(db_path: Path, day: str, out_path: Path):
    from .flows.booking_files import export_day as bookings_of_day

    conn = _open(db_path)
    try:
        out_path.write_text(bookings_of_day(conn, day), encoding="utf-8")
    finally:
        conn.close()
    click.echo(f"{out_path}: the bookings of {day}")


@main.command(help="Serve the API, the event stream and the status pages.")
@DB
@click.option("--host", default="0.0.0.0", show_default=True)
@click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535))
@click.option("--public-url", default=None, callback=lambda ctx, param, value: _public_url(value),
              help="Base URL phones reach, printed in ticket QR codes (default: the site's public_url)")
@click.option("--backup-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Write a nightly backup here")
@click.option("--backup-at", default="23:30", show_default=True, help="Local time of the nightly backup")
@click.option("--log-level", default="INFO", show_default=True)
@click.option("--manage-idle-minutes", default=30.0, show_default=True, type=click.FloatRange(min=1),
              help="A management page's session ends after this long without a request")
def run(db_path, host, port, public_url, backup_dir, backup_at, log_level, manage_idle_minutes):
    from . import logs
    from .app import create_app
    from .serve import serve

    logs.setup(log_level)
    _open(db_path).close()
    try:
        clock = Clock.from_iso(os.environ.get("MPP_NOW"), os.environ.get("MPP_CLOCK_RATE"))
        at = clock_time.fromisoformat(backup_at)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    config = {"DATABASE": str(db_path), "CLOCK": clock, "PUBLIC_URL": public_url,
              "MANAGE_IDLE_MINUTES": manage_idle_minutes, "BACKUP_DIR": str(backup_dir) if backup_dir else None}
    if os.environ.get("MPP_PRINTING_TIMEOUT_S"):
        config["PRINTING_TIMEOUT_S"] = float(os.environ["MPP_PRINTING_TIMEOUT_S"])
    if os.environ.get("MPP_KEEPALIVE_S"):
        config["KEEPALIVE_S"] = float(os.environ["MPP_KEEPALIVE_S"])
    # Tests and demos: a device counts as offline sooner, and the watcher looks more often.
    if os.environ.get("MPP_DEVICE_OFFLINE_S"):
        config["DEVICE_OFFLINE_S"] = float(os.environ["MPP_DEVICE_OFFLINE_S"])
    if os.environ.get("MPP_WATCH_EVERY_S"):
        config["WATCH_EVERY_S"] = float(os.environ["MPP_WATCH_EVERY_S"])
    if os.environ.get("MPP_BOOKING_POSTS"):  # booking POSTs an address may make in 10 minutes
        config["BOOKING_POSTS"] = int(os.environ["MPP_BOOKING_POSTS"])
    app = create_app(config)
    if not (public_url or app.extensions["mpp"].site.info.public_url):
        click.echo(f"Warning: no public URL is set. A ticket's QR code then takes the address its kiosk uses to reach "
                   f"this server: a kiosk on this PC prints http://127.0.0.1:{port}/t/…, which no phone can open. "
                   f"Set public_url under [site] in the site file (then `mpp-server init`), or pass "
                   f"--public-url http://ADDRESS-OF-THIS-PC:{port}.", err=True)
    serve(app, host, port, db_path, backup_dir, at)


@main.group(help="Kiosks, displays and counter PCs.")
def device():
    pass


@device.command("add", help="Register a device; prints its token as the last line.")
@DB
@click.option("--kind", required=True, type=click.Choice(["kiosk", "display", "counter"]))
@click.option("--name", required=True)
@click.option("--zone", default=None)
def device_add(db_path, kind, name, zone):
    from .flows.auth import add_device

    conn = _open(db_path)
    try:
        token = add_device(_now_text(), conn, kind, name, zone)
    finally:
        conn.close()
    click.echo(f"{kind} '{name}' added. Token (shown once):")
    click.echo(token)


@main.group(help="Officers, supervisors and admins.")
def officer():
    pass


@officer.command("add", help="Add an officer, or change their PIN, role or agency.")
@DB
@click.option("--username", required=True)
@click.option("--pin", required=True)
@click.option("--role", required=True, type=click.Choice(["officer", "supervisor", "admin"]))
@click.option("--agency", default=None, help="Agency code (required for officers)")
def officer_add(db_path, username, pin, role, agency):
    from .flows.auth import hash_pin

    if len(pin) < 4:
        raise click.ClickException("the PIN needs at least 4 characters")
    if role == "officer" and not agency:
        raise click.ClickException("an officer needs --agency (the agency whose counters they work)")
    conn = _open(db_path)
    try:
        if agency and conn.execute("SELECT 1 FROM agencies WHERE code = ? AND active = 1", (agency,)).fetchone() is None:
            raise click.ClickException(f"unknown agency {agency!r}")
        storage.upsert_officer(conn, username, hash_pin(pin), role, agency, _now_text())
    finally:
        conn.close()
    click.echo(f"{role} '{username}' saved")


@main.command(help="Write an online backup of the database (safe while the server runs).")
@DB
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path))
def backup(db_path, out_dir):
    from .backup import backup as write_backup

    _open(db_path).close()
    path = write_backup(db_path, out_dir, datetime.now())
    click.echo(str(path))


@main.command(help="Replace the database with a backup (stop the server first).")
@DB
@click.option("--from", "backup_path", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def restore(db_path, backup_path):
    from .backup import restore as restore_backup

    try:
        restore_backup(backup_path, db_path)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{db_path} restored from {backup_path}")


if __name__ == "__main__":
    sys.exit(main())
