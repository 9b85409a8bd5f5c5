"""Connections: one per request/greenlet, WAL, write transactions that take the lock at once."""

import sqlite3
from contextlib import contextmanager
from pathlib import Path

BUSY_TIMEOUT_MS = 5000


def connect(path: Path | str) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


def checkpoint(conn: sqlite3.Connection) -> bool:
    """Copy the write-ahead log into the database file and truncate it; False when a reader
    elsewhere (another process) kept part of it."""
    busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return not busy


@contextmanager
def write(conn: sqlite3.Connection):
    """A write transaction that holds the write lock from its first statement."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


@contextmanager
def read(conn: sqlite3.Connection):
    """A read transaction: every query inside sees one consistent snapshot."""
    conn.execute("BEGIN")
    try:
        yield conn
    finally:
        conn.execute("COMMIT")


class Pool:
    """Idle connections handed to one request (greenlet) at a time."""

    def __init__(self, path: Path | str, keep: int = 32):
        self.path = path
        self.keep = keep
        self._idle: list[sqlite3.Connection] = []

    def acquire(self) -> sqlite3.Connection:
        return self._idle.pop() if self._idle else connect(self.path)

    def release(self, conn: sqlite3.Connection) -> None:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        if len(self._idle) < self.keep:
            self._idle.append(conn)
        else:
            conn.close()

    @contextmanager
    def connection(self):
        conn = self.acquire()
        try:
            yield conn
        finally:
            self.release(conn)

    def close(self) -> None:
        while self._idle:
            self._idle.pop().close()
