"""SPARQL queries evaluated in worker processes that can be killed.

Oxigraph cannot cancel a query, and a thread cannot be stopped: a query that
computes without producing rows keeps its core busy long after its 503. So
the web service evaluates every query in one of a few worker processes and
kills the worker when the query passes its time limit; a new one is started
in the background.

Workers are fresh interpreters (``python -m igfkg.querypool``, exec'd, not
forked: forking a process with threads inside OpenBLAS hung before) that
import pyoxigraph and nothing else. Each opens the store read-only. A
read-only Oxigraph store is a snapshot taken when it is opened and, by
Oxigraph's documentation, opening one while another process writes is
undefined behaviour. So the workers never open the live store: the server
makes a checkpoint of it (``Store.backup``: hard links, about a millisecond)
for each generation of the data (``kb.version``, bumped by every write), and
a worker reopens when the generation it is handed changes.

Bounds: at most ``size`` queries at once (beyond, QueryBusy: a 503 with
Retry-After); and at most a third of them may have run past ``long_after``
seconds, so workers are always left for short queries
(ASK, page queries) whatever runaway queries are sent. A query past
``long_after`` also runs at a lower CPU priority; the youngest long query
beyond the cap is stopped (QueryStopped). A worker lowered in priority is
retired when its query ends (a process cannot raise its priority again).

A query that was stopped is not run again for ``cool_down`` seconds: the
same text (whitespace aside) gets its 503 at once. Clients that resend a
runaway query after each 503 would otherwise keep taking the workers that
short queries need, each one killed and restarted at a cost of its own.
"""
from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox


class QueryBusy(Exception):
    """Every worker is taken: try again in a few seconds."""


class QueryStopped(Exception):
    """The query ran past its limit (or was stopped to keep a worker free) and its worker was killed."""


# -- results that crossed the process boundary --------------------------------------

class Row:
    """One solution: row["name"], row[0] or row[Variable] as a QuerySolution."""

    __slots__ = ("_names", "_values")

    def __init__(self, names: dict[str, int], values: tuple):
        self._names, self._values = names, values

    def __getitem__(self, key):
        if isinstance(key, int):
            return self._values[key]
        return self._values[self._names[key.value if isinstance(key, ox.Variable) else key]]

    def __iter__(self):
        return iter(self._values)

    def __len__(self):
        return len(self._values)


class Solutions(list):
    """The rows of a SELECT, with ``variables`` as on a QuerySolutions."""

    def __init__(self, names: list[str], rows: list[tuple]):
        index = {name: i for i, name in enumerate(names)}
        super().__init__(Row(index, row) for row in rows)
        self.variables = [ox.Variable(name) for name in names]


class Boolean:
    """The answer of an ASK."""

    def __init__(self, value: bool):
        self.value = value

    def __bool__(self) -> bool:
        return self.value


class Triples(list):
    """The triples of a CONSTRUCT or DESCRIBE."""


def _materialise(result, row_limit: int | None):
    """A query result as plain picklable values; at most row_limit + 1 rows
    (the caller tells "too many" from "exactly the limit")."""
    take = None if row_limit is None else row_limit + 1
    if isinstance(result, ox.QueryBoolean):
        return ("boolean", bool(result))
    if isinstance(result, ox.QueryTriples):
        return ("triples", list(itertools.islice(result, take)))
    names = [v.value for v in result.variables]
    return ("solutions", names, [tuple(row) for row in itertools.islice(result, take)])


def _rebuild(message):
    if message[0] == "boolean":
        return Boolean(message[1])
    if message[0] == "triples":
        return Triples(message[1])
    return Solutions(message[1], message[2])


_ERRORS = {"SyntaxError": SyntaxError, "ValueError": ValueError, "OSError": OSError, "TypeError": ValueError}


# -- the worker process ---------------------------------------------------------

def die_with_parent() -> None:
    """Exit when the parent process is gone: a query worker busy in a query
    never reads its socket, and a serving reader (igfkg/workers.py) should not
    outlive its writer, so each watches its parent rather than go on computing. (Not
    PR_SET_PDEATHSIG: that fires when the *thread* that started the worker
    ends, and replacements are started from short-lived threads.)"""
    parent = os.getppid()

    def watch():
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def _serve(conn: Connection) -> None:
    store, opened = None, None
    conn.send(("ready", os.getpid()))
    while True:
        try:
            path, sparql, options, row_limit = conn.recv()
        except (EOFError, OSError):
            return
        try:
            if path != opened:
                store, opened = None, None
                store, opened = ox.Store.read_only(path), path
            conn.send(("ok", _materialise(store.query(sparql, **options), row_limit)))
        except Exception as exc:  # handed to the server, which raises it there
            conn.send(("error", type(exc).__name__, str(exc)))


# -- the server side ---------------------------------------------------------------

class _Worker:
    def __init__(self):
        parent, child = socket.socketpair()
        self.process = subprocess.Popen([sys.executable, "-m", "igfkg.querypool", str(child.fileno())],
                                        pass_fds=[child.fileno()], stdin=subprocess.DEVNULL)
        child.close()
        self.conn = Connection(parent.detach())
        self.snapshot: Path | None = None  # the checkpoint it has open
        self.niced = False
        self.stop_reason: str | None = None

    def ready(self, timeout: float) -> bool:
        try:
            return self.conn.poll(timeout) and self.conn.recv()[0] == "ready"
        except (EOFError, OSError):
            return False

    def kill(self) -> None:
        try:
            self.process.kill()
        except OSError:
            pass
        self.process.wait()
        self.conn.close()


def checkpoint(kb, path: Path) -> int:
    """Make a checkpoint of ``kb``'s store at ``path`` and return the
    generation (``kb.version``) it holds at least: the number is read before
    the backup, so a write in between makes the checkpoint newer, never older,
    than it says (its reader then reopens once more, for nothing)."""
    version = kb.version
    kb.store.backup(str(path))
    return version


class QueryPool:
    def __init__(self, kb, size: int = 4, long_after: float = 0.5, nice: int = 10, cool_down: float = 60.0,
                 snapshots: Path | None = None):
        """``snapshots``: the folder of this pool's checkpoints (default
        ``query-snapshots`` in the data directory); one per pool, as it is
        emptied at the start and the end."""
        self._kb = kb
        self.cool_down = cool_down
        self._stopped_until: dict[str, float] = {}  # normalised query text -> when it may run again
        self.size = max(1, size)
        self.long_after = long_after
        self._nice = nice
        self._cond = threading.Condition()
        self._idle: list[_Worker] = []
        self._busy: dict[_Worker, float] = {}  # worker -> when its query started
        self._starting = 0
        self._closed = False
        self._snapshots = snapshots or kb.config.home / "query-snapshots"
        shutil.rmtree(self._snapshots, ignore_errors=True)  # left by a server that was killed
        self._snapshots.mkdir(parents=True, exist_ok=True)
        self._snapshot: tuple[int, Path] | None = None
        self._snapshot_lock = threading.Lock()
        self._counter = itertools.count()
        self.stopped = 0  # queries stopped so far (for tests and the benchmark)
        workers = [_Worker() for _ in range(self.size)]  # start together, then wait
        for worker in workers:
            if not worker.ready(60):
                raise RuntimeError("a SPARQL worker process did not start")
        self._idle.extend(workers)
        threading.Thread(target=self._supervise, daemon=True, name="query-supervisor").start()

    # -- running a query

    def run(self, sparql: str, *, timeout: float, row_limit: int | None = None, wait: float = 0.0, **options):
        """The query's result as Solutions, Boolean or Triples. Raises QueryBusy
        when no worker frees within ``wait`` seconds, QueryStopped past
        ``timeout`` (or at once for a query stopped in the last ``cool_down``
        seconds), or SyntaxError / ValueError / OSError / RuntimeError as
        Oxigraph would."""
        key = " ".join(sparql.split())
        self._refuse_if_cooling(key)
        worker = self._take(wait)
        try:
            snapshot = self._current_snapshot(worker)
            worker.conn.send((str(snapshot), sparql, options, row_limit))
            if not worker.conn.poll(timeout):
                worker.stop_reason = f"the query ran past the {timeout:g} s limit and was stopped"
                raise EOFError
            message = worker.conn.recv()
        except (EOFError, OSError):
            self._discard(worker)
            self.stopped += 1
            with self._cond:
                self._stopped_until[key] = time.monotonic() + self.cool_down
            raise QueryStopped(worker.stop_reason or "the query's worker process stopped") from None
        except BaseException:
            self._discard(worker)
            raise
        self._release(worker)
        if message[0] == "error":
            raise _ERRORS.get(message[1], RuntimeError)(message[2])
        return _rebuild(message[1])

    def _refuse_if_cooling(self, key: str) -> None:
        now = time.monotonic()
        with self._cond:
            for old in [k for k, until in self._stopped_until.items() if until <= now]:
                del self._stopped_until[old]
            until = self._stopped_until.get(key)
        if until is not None:
            self.stopped += 1
            raise QueryStopped(f"this query was stopped for running too long; it is not run again "
                               f"for {until - now:.0f} s (change it, e.g. add a LIMIT, or try later)")

    def _take(self, wait: float) -> _Worker:
        deadline = time.monotonic() + wait
        with self._cond:
            while not self._idle:
                left = deadline - time.monotonic()
                if left <= 0 or self._closed:
                    raise QueryBusy("too many queries are running; try again in a few seconds")
                self._cond.wait(left)
            worker = self._idle.pop()
            self._busy[worker] = time.monotonic()
            return worker

    def _release(self, worker: _Worker) -> None:
        if worker.niced:  # its priority cannot be raised again: replace it
            self._discard(worker)
            return
        with self._cond:
            self._busy.pop(worker, None)
            self._idle.append(worker)
            self._cond.notify()

    def _discard(self, worker: _Worker) -> None:
        """Kill a worker (its core is free at once) and start another in the background."""
        with self._cond:
            self._busy.pop(worker, None)
            self._starting += 1
        worker.kill()
        threading.Thread(target=self._replace, daemon=True).start()

    def _replace(self) -> None:
        worker = _Worker()
        ok = worker.ready(60)
        with self._cond:
            self._starting -= 1
            if ok and not self._closed:
                self._idle.append(worker)
                self._cond.notify()
                return
        worker.kill()

    # -- the long-query cap

    def _supervise(self) -> None:
        cap = max(1, self.size // 3)
        while not self._closed:
            time.sleep(0.05)
            now = time.monotonic()
            with self._cond:
                long = sorted((start, id(w), w) for w, start in self._busy.items()
                              if now - start > self.long_after and w.stop_reason is None)
                for _start, _id, worker in long:
                    if not worker.niced:
                        worker.niced = True
                        try:
                            os.setpriority(os.PRIO_PROCESS, worker.process.pid, self._nice)
                        except OSError:
                            pass
                for _start, _id, worker in long[cap:]:  # the youngest beyond the cap
                    worker.stop_reason = (f"{len(long)} long queries were running; this one was stopped "
                                              "to keep a worker for short queries")
                    worker.process.kill()  # the request thread sees the end of its pipe

    # -- snapshots of the store

    def _current_snapshot(self, worker: _Worker) -> Path:
        """The checkpoint of the data's current generation, marked as the
        worker's under the lock, so it is not dropped before the worker opens it."""
        with self._snapshot_lock:
            if self._snapshot is None or self._snapshot[0] != self._kb.version:
                path = self._snapshots / str(next(self._counter))
                self._snapshot = (checkpoint(self._kb, path), path)
                self._drop_old_snapshots()
            worker.snapshot = self._snapshot[1]
            return worker.snapshot

    def _drop_old_snapshots(self) -> None:
        with self._cond:
            kept = {self._snapshot[1]} | {w.snapshot for w in (*self._idle, *self._busy)}
        for path in self._snapshots.iterdir():
            if path not in kept:
                shutil.rmtree(path, ignore_errors=True)

    # -- status and end

    def status(self) -> dict:
        with self._cond:
            return {"size": self.size, "idle": len(self._idle), "busy": len(self._busy), "starting": self._starting,
                    "pids": [w.process.pid for w in (*self._idle, *self._busy)]}

    def close(self) -> None:
        with self._cond:
            self._closed = True
            workers = [*self._idle, *self._busy]
            self._idle.clear()
            self._cond.notify_all()
        for worker in workers:
            worker.kill()
        shutil.rmtree(self._snapshots, ignore_errors=True)


if __name__ == "__main__":
    die_with_parent()
    _serve(Connection(int(sys.argv[1])))
