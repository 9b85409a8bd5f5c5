"""Online backups of the database file (SQLite's backup API: safe while serving)."""

import sqlite3
from datetime import datetime
from pathlib import Path

from . import storage


def backup(db_path: Path, out_dir: Path, stamp: datetime, keep: int = 14) -> Path:
    """Copy the live database to `out_dir/antrian-YYYYmmdd-HHMMSS.db`; keep the newest `keep` copies."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"antrian-{stamp:%Y%m%d-%H%M%S}.db"
    partial = target.with_suffix(".db.partial")
    source = sqlite3.connect(str(db_path))
    dest = sqlite3.connect(str(partial))
    try:
        source.backup(dest)
        dest.execute("PRAGMA journal_mode=DELETE")
    finally:
        dest.close()
        source.close()
    verify(partial)
    partial.replace(target)
    for old in sorted(out_dir.glob("antrian-*.db"))[:-keep]:
        old.unlink()
    return target


def verify(path: Path) -> None:
    conn = sqlite3.connect(f"file:{Path(path).as_posix()}?mode=ro", uri=True)
    try:
        result = conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()
    if result != "ok":
        raise ValueError(f"{path}: the backup is damaged ({result})")


def restore(backup_path: Path, db_path: Path) -> None:
    """Replace the database with a backup (the server must be stopped)."""
    verify(backup_path)
    db_path = Path(db_path)
    for suffix in ("-wal", "-shm"):
        sidecar = db_path.with_name(db_path.name + suffix)
        if sidecar.exists():
            sidecar.unlink()
    source = sqlite3.connect(str(backup_path))
    dest = sqlite3.connect(str(db_path))
    try:
        source.backup(dest)
    finally:
        dest.close()
        source.close()
    conn = storage.connect(db_path)
    try:
        storage.renew_generation(conn)
    finally:
        conn.close()


def latest(out_dir: Path, tz) -> datetime | None:
    """When the newest backup in `out_dir` was written (its name's stamp, the site's time), or None."""
    stamps = []
    for path in Path(out_dir).glob("antrian-*.db"):
        try:
            stamps.append(datetime.strptime(path.stem, "antrian-%Y%m%d-%H%M%S"))
        except ValueError:
            continue
    return max(stamps).replace(tzinfo=tz) if stamps else None
