"""devtools.seed_year: a small seeded range has whole ticket rows with every time a real day leaves,
and the reports read it as they read a real day."""

import sqlite3

from devtools.seed_year import main


def test_three_seeded_days_have_whole_tickets_the_triggers_timed(tmp_path, capsys):
    db = tmp_path / "seed.db"
    assert main(["--db", str(db), "--days", "3", "--per-day", "200", "--first", "2026-11-23"]) == 0
    assert "600 tiket dalam 3 hari layanan" in capsys.readouterr().out
    conn = sqlite3.connect(db)
    try:
        days = conn.execute("SELECT service_day, COUNT(*) FROM tickets GROUP BY 1").fetchall()
        assert days == [("2026-11-23", 200), ("2026-11-24", 200), ("2026-11-25", 200)]
        statuses = dict(conn.execute("SELECT status, COUNT(*) FROM tickets GROUP BY 1").fetchall())
        assert statuses["done"] > 500 and statuses.get("no_show", 0) > 0
        broken = conn.execute(
            "SELECT COUNT(*) FROM tickets WHERE status = 'done' AND NOT (issued_at <= printed_at AND "
            "printed_at <= first_called_at AND first_called_at <= started_at AND started_at < finished_at "
            "AND counter IS NOT NULL AND officer_id IS NOT NULL AND wait_s >= 0 AND service_s > 0)").fetchone()[0]
        assert broken == 0
        assert conn.execute("SELECT COUNT(*) FROM tickets WHERE priority IS NOT NULL").fetchone()[0] > 0
        assert conn.execute("SELECT COUNT(*) FROM tickets WHERE transfer_count > 0 AND service != issued_service"
                            ).fetchone()[0] == 3  # the plan's one transfer a day
        hours = [h for (h,) in conn.execute("SELECT DISTINCT substr(issued_at, 12, 2) FROM tickets ORDER BY 1")]
        assert hours[0] == "08" and hours[-1] <= "14"
    finally:
        conn.close()
