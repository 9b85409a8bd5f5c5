"""Group commit: one writer connection whose transactions many requests share.

With synchronous=FULL every COMMIT waits for the disk (here 1–10 ms). Waiting in
the event loop would stall every request and stream, and one fsync per ticket
caps issuance at a few hundred a second. So: each request's change runs in a
SAVEPOINT of the open transaction (a failure rolls back only its own part), the
COMMIT runs in a native thread while the loop serves others, and requests that
arrive meanwhile form the next transaction. Nobody is answered before the commit
that holds their change has returned, so a 201 is as durable as before.
"""

from gevent import get_hub, spawn
from gevent.event import AsyncResult, Event

from . import storage


class Writer:
    def __init__(self, path, publish):
        self.conn = storage.connect(path)
        self._publish = publish  # called with the events of each committed batch, in order
        self._batch: list[tuple[AsyncResult, list]] = []
        self._committer = None
        self._committed = Event()
        self._committed.set()

    def begin(self):
        """Start one request's change; returns the connection to run it on."""
        while not self._committed.is_set():  # a COMMIT is on the disk: join the next batch
            self._committed.wait()
        if not self.conn.in_transaction:
            self.conn.execute("BEGIN IMMEDIATE")
        self.conn.execute("SAVEPOINT work")
        return self.conn

    def abort(self) -> None:
        """Undo this request's change only."""
        self.conn.execute("ROLLBACK TO work")
        self.conn.execute("RELEASE work")
        if not self._batch and self._committer is None:
            self.conn.execute("ROLLBACK")  # nothing else rides on this transaction

    def commit(self, events: list) -> None:
        """Keep this request's change; return once it is on disk (raises if the commit failed)."""
        self.conn.execute("RELEASE work")
        done = AsyncResult()
        self._batch.append((done, events))
        if self._committer is None:
            self._committer = spawn(self._commit_batch)
        done.get()

    def _commit_batch(self) -> None:
        # Runs after the greenlets that were ready have added their changes.
        batch, self._batch = self._batch, []
        self._committed = Event()
        try:
            get_hub().threadpool.apply(self.conn.execute, ("COMMIT",))
        except BaseException as exc:  # disk full, I/O error: nobody in the batch is answered success
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            for done, _ in batch:
                done.set_exception(exc)
        else:
            self._publish([event for _, events in batch for event in events])
            for done, _ in batch:
                done.set(None)
        finally:
            self._committer = None
            self._committed.set()

    def close(self) -> None:
        """After the last commit: move the whole log into the database file and empty it, so a
        stopped server leaves one file to copy (and nothing for the next start to replay)."""
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")  # a change nobody was answered for
        storage.checkpoint(self.conn)
        self.conn.close()
