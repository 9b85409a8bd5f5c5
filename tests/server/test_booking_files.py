"""`mpp-server import-bookings` and `export-bookings`: rows refused with their reason, a second import
of the same file changes nothing, the day's export masks the person."""

from click.testing import CliRunner

from devtools.launcher import prepare_database
from server.cli import main

CSV = """\ufeffservice;date;slot;name;phone;nik;ref
DK-KTP;2026-11-24;09:00;Siti Aminah;081234567890;;A-1
DK-KTP;2026-11-24;09:10;Budi;081234567891;;A-2
BK-UBAH;2026-11-24;09:00;Rina;081234567892;9901234506900001;A-3
DK-KTP;2026-11-29;09:00;Joko;081234567893;;A-4
DK-KTP;2027-03-02;09:00;Dewi Lestari;081234567894;;A-5
"""


def test_import_lists_refused_rows_and_is_idempotent_and_export_masks(tmp_path):
    db = tmp_path / "antrian.db"
    prepare_database(db)
    source = tmp_path / "bookings.csv"
    source.write_text(CSV, encoding="utf-8")
    runner = CliRunner()
    env = {"MPP_NOW": "2026-11-23T09:00:00+07:00"}
    first = runner.invoke(main, ["import-bookings", "--db", str(db), "--file", str(source)], env=env)
    again = runner.invoke(main, ["import-bookings", "--db", str(db), "--file", str(source)], env=env)
    assert first.exit_code == 1, first.output
    assert "line 3: closed" in first.stderr and "line 4: invalid: NIK" in first.stderr
    assert "line 5: closed" in first.stderr and "2 imported, 3 refused" in first.stderr
    assert first.stdout.splitlines()[1:] == again.stdout.splitlines()[1:]  # the same codes: nothing doubled
    out = tmp_path / "day.csv"
    exported = runner.invoke(main, ["export-bookings", "--db", str(db), "--date", "2026-11-24", "--out", str(out)])
    assert exported.exit_code == 0, exported.output
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("code;service;date;slot;status") and len(lines) == 2
    assert ";Si*** Am***;0812*****890;" in lines[1] and "081234567890" not in lines[1]
