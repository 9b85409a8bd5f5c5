"""Group commit: concurrent changes share commits; a failure rolls back only its own change."""

import sqlite3

import gevent

from server.writer import Writer


def make_writer(tmp_path):
    db = tmp_path / "writer.db"
    setup = sqlite3.connect(db)
    setup.execute("CREATE TABLE seats (number INTEGER PRIMARY KEY)")
    setup.commit()
    setup.close()
    published = []
    writer = Writer(db, published.extend)
    commits = []
    writer.conn.set_trace_callback(lambda sql: commits.append(sql) if sql == "COMMIT" else None)
    return db, writer, published, commits


def test_concurrent_changes_share_commits_and_failures_roll_back_alone(tmp_path):
    db, writer, published, commits = make_writer(tmp_path)

    def change(number):
        conn = writer.begin()
        conn.execute("INSERT INTO seats VALUES (?)", (number,))
        if number % 5 == 0:
            writer.abort()
            return "refused"
        writer.commit([number])
        return "kept"

    greenlets = [gevent.spawn(change, n) for n in range(1, 61)]
    gevent.joinall(greenlets, raise_error=True)
    writer.close()

    kept = [n for n in range(1, 61) if n % 5]
    stored = [n for (n,) in sqlite3.connect(db).execute("SELECT number FROM seats ORDER BY number")]
    assert stored == kept
    assert published == kept  # events reach the hub once committed, in the order of the changes
    assert [g.value for g in greenlets].count("kept") == len(kept)
    assert 1 <= len(commits) < len(kept)  # fewer fsyncs than changes


def test_a_change_is_durable_before_its_caller_goes_on(tmp_path):
    db, writer, published, commits = make_writer(tmp_path)
    conn = writer.begin()
    conn.execute("INSERT INTO seats VALUES (7)")
    writer.commit(["seat 7"])
    reader = sqlite3.connect(db)
    assert reader.execute("SELECT number FROM seats").fetchall() == [(7,)]
    assert published == ["seat 7"] and commits == ["COMMIT"]
    reader.close()
    writer.close()


def test_a_lone_refused_change_leaves_no_transaction_open(tmp_path):
    db, writer, published, commits = make_writer(tmp_path)
    conn = writer.begin()
    conn.execute("INSERT INTO seats VALUES (1)")
    writer.abort()
    assert not writer.conn.in_transaction
    other = sqlite3.connect(db, timeout=0.1)
    other.execute("INSERT INTO seats VALUES (2)")  # the write lock is free
    other.commit()
    other.close()
    writer.close()
    assert published == [] and commits == []
