"""Serving on every core: ``igfkg serve --workers N``.

One Python process computes on one core at a time (the interpreter lock), so
``igfkg serve`` runs N processes that accept connections on the same port
(SO_REUSEPORT: the kernel spreads new connections over them):

- the **writer**, the ``igfkg serve`` process itself, owns the live store and
  the passage index read-write and answers any request, as a single process does;
- N - 1 **readers** (``python -m igfkg.workers``: fresh interpreters, exec'd,
  not forked, like the query workers, since forking while OpenBLAS threads
  run hung before) answer reads from a checkpoint of the store and the
  passage index on disk. A request that may write (any method but GET, HEAD
  and OPTIONS, except a SPARQL query sent by POST to /sparql) is passed to the
  writer over a private loopback port, and its answer returned unchanged.

Generations. A reader never opens the live store: opening a read-only Oxigraph
store while another process writes is undefined behaviour. The writer
publishes its data generation (``kb.version``) in eight shared bytes
(``serve/generation`` in the data directory, mapped by every process) after
each request that changed it, before the answer leaves. A reader compares it
with its own at the start of every request; when it has moved, the reader asks
the writer (over a socket pair) for a checkpoint, made by
``querypool.checkpoint`` (the hard-link backup the query workers read, about
a millisecond), and reads from it from then on (``KnowledgeBase.follow``). So
a write is seen by every request that starts after its answer, whichever
process takes it. The passage index is shared on disk: its SQLite rows are
seen at once and FAISS files when they are replaced (search/index.py), so for
the length of a write a search may see the new passages a moment before the
graph. A reader deletes an old checkpoint once no request that started on it
or before it is running.

Threads. Every process computes on one BLAS/OpenMP/torch thread
(``one_thread``; the readers inherit the environment), so N processes use N
cores instead of fighting over them.

Limits, and how they combine. Each process keeps the guarantees of a single
``igfkg serve``: ``--threads`` connections, the bulkhead of web/__init__.py
(max(2, cores) requests computing at once, the others waiting), and its own
query pool of ``--max-queries`` workers (at most a third running long, a
stopped query cooling down in the process that stopped it). The machine as a
whole therefore holds up to N times each: N x ``--threads`` connections,
N x ``--max-queries`` SPARQL worker processes, of which N x max(1, M // 3)
may run long queries; writes are serialised by the writer's one lock.

Failures. A reader that exits is started again after a second (meanwhile the
others take its connections; one that fails to start three times in a row is
left out). A reader that cannot reach the writer answers a write with a 502.
When the writer stops (SIGTERM, SIGINT, a crash), the readers stop: it
terminates them, and each watches its parent.
"""
from __future__ import annotations

import http.client
import io
import itertools
import json
import mmap
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading
from collections import Counter
from multiprocessing.connection import Connection
from pathlib import Path
from urllib.parse import parse_qsl, quote

from .querypool import die_with_parent, checkpoint

#: Every answer names the process that computed it (a write passed on: the writer).
WORKER_HEADER = "X-Igfkg-Worker"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
              "trailers", "transfer-encoding", "upgrade"}
#: A write passed to the writer may read a large file: seconds, rarely more.
FORWARD_TIMEOUT = 600.0
#: How long the writer waits for the readers to listen before it listens too.
READY_WAIT = 120.0
#: A reader that fails to start this many times in a row is not started again.
START_TRIES = 3


def default_workers() -> int:
    """The number of cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def one_thread() -> None:
    """This process, and the processes it starts, compute on one thread
    (BLAS, OpenMP, torch): libraries loaded from now on read the
    environment, those already loaded are limited at once."""
    from .config import one_thread_environment

    os.environ.update(one_thread_environment())
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        pass
    else:
        threadpool_limits(1)
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_num_threads(1)


def shared_socket(host: str, port: int, first: bool = True) -> socket.socket:
    """A socket bound with SO_REUSEPORT, so that every process of the service
    can listen on the same port. The ``first`` (the writer's) refuses a port
    another program holds, as a single server's bind would, rather than share it."""
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    if port and first:
        with socket.socket(family, kind, proto) as probe:  # fails if anything listens there
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(address)
    return sock


class Generation:
    """The writer's data generation in eight bytes every process maps."""

    def __init__(self, path: Path, create: bool = False):
        if create:
            path.write_bytes(bytes(8))
        with open(path, "r+b" if create else "rb") as file:
            self._map = mmap.mmap(file.fileno(), 8, access=mmap.ACCESS_WRITE if create else mmap.ACCESS_READ)

    def get(self) -> int:
        return struct.unpack_from("<q", self._map)[0]

    def set(self, value: int) -> None:
        struct.pack_into("<q", self._map, 0, value)


def _named(start_response):
    """start_response that adds the worker header."""
    def start(status, headers, exc_info=None):
        return start_response(status, [*headers, (WORKER_HEADER, str(os.getpid()))], exc_info)
    return start


def _warm(kb) -> None:
    """Load the embedding model (on one thread) and the index before taking
    connections: a fresh process's first search would pay for them otherwise."""
    try:
        kb.encoder.encode(["warm up"], query=True)  # on one thread (one_thread)
        kb.search("warm up", k=1)
    except Exception:  # noqa: BLE001 - best effort (an empty knowledge base): the first request says what fails
        pass


# -- the writer: the igfkg serve process ------------------------------------------------

class _Writer:
    def __init__(self, kb, app):
        self.kb, self.app = kb, app
        self.root = kb.config.home / "serve"
        shutil.rmtree(self.root, ignore_errors=True)  # left by a server that was killed
        self.root.mkdir(parents=True)
        self.generation = Generation(self.root / "generation", create=True)
        self.generation.set(kb.version)
        self._publish_lock = threading.Lock()
        self.closing = threading.Event()
        self.processes: dict[int, subprocess.Popen] = {}
        self._ready = threading.Semaphore(0)

    def __call__(self, environ, start_response):
        result = self.app(environ, _named(start_response))
        if self.kb.version != self.generation.get():  # a write: published before the answer leaves
            with self._publish_lock:
                self.generation.set(max(self.generation.get(), self.kb.version))
        return result

    def start_readers(self, count: int, settings: dict) -> None:
        for index in range(1, count + 1):
            threading.Thread(target=self._keep_reader, args=(index, settings), daemon=True,
                             name=f"igfkg-worker-{index}").start()

    def wait_ready(self, count: int, timeout: float) -> None:
        for _ in range(count):
            if not self._ready.acquire(timeout=timeout):
                print("igfkg: a worker process did not start in time; serving without it for now", file=sys.stderr)
                return

    def _keep_reader(self, index: int, settings: dict) -> None:
        """Run reader ``index``, make the checkpoints it asks for, start it again if it stops."""
        folder = self.root / f"worker-{index}"
        names = itertools.count()
        failed_starts = 0
        while not self.closing.is_set():
            ready = False
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            ours, theirs = socket.socketpair()
            process = subprocess.Popen([sys.executable, "-m", "igfkg.workers", str(theirs.fileno())],
                                       pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL)
            theirs.close()
            self.processes[index] = process
            conn = Connection(ours.detach())
            try:
                conn.send({**settings, "folder": str(folder)})
                while True:
                    message = conn.recv()
                    if message[0] == "checkpoint":
                        conn.send(self._checkpoint(folder / f"store-{next(names)}"))
                    elif message[0] == "ready":
                        ready, failed_starts = True, 0
                        self._ready.release()
            except (EOFError, OSError):
                pass
            finally:
                conn.close()
            if process.poll() is None:
                process.kill()
            code = process.wait()
            if self.closing.wait(0):
                return
            failed_starts += not ready
            if failed_starts >= START_TRIES:
                print(f"igfkg: a worker process failed to start {START_TRIES} times (exit status {code}); "
                      "serving without it", file=sys.stderr)
                self._ready.release()  # the writer waits for it no longer
                return
            print(f"igfkg: worker process {process.pid} stopped (exit status {code}); starting another",
                  file=sys.stderr)
            self.closing.wait(1.0)

    def _checkpoint(self, path: Path) -> tuple:
        """("checkpoint", generation, path), or ("error", why) for the reader to raise."""
        if self.kb.config.store:  # a triple store: every process reads it itself
            return "checkpoint", self.kb.version, None
        try:
            return "checkpoint", checkpoint(self.kb, path), str(path)
        except (OSError, RuntimeError) as exc:  # a full disk: that request fails, the next one asks again
            return "error", f"cannot make a checkpoint of the store for a worker process: {exc}"

    def close(self) -> None:
        self.closing.set()
        processes = list(self.processes.values())
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(self.root, ignore_errors=True)


def serve(kb, app, *, host: str, port: int, threads: int, workers: int, **settings) -> None:
    """Serve ``app`` (made by create_app for ``kb``, opened for writing) as
    the writer, with ``workers - 1`` readers on the same port, until SIGTERM
    or SIGINT. ``settings``: serve's token, query_timeout, row_limit,
    max_queries, allow_service, for the readers' create_app."""
    import waitress

    public = shared_socket(host, port)
    private = socket.create_server(("127.0.0.1", 0))
    writer = _Writer(kb, app)
    settings.update(config=kb.config, host=host, port=public.getsockname()[1], threads=threads,
                    private_port=private.getsockname()[1], generation=str(writer.root / "generation"),
                    secret_key=app.secret_key, max_body=app.config["MAX_CONTENT_LENGTH"])
    previous = signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # the finally below runs
    try:
        writer.start_readers(workers - 1, settings)
        _warm(kb)
        writer.wait_ready(workers - 1, READY_WAIT)
        waitress.serve(writer, sockets=[public, private], threads=threads, ident="igfkg",
                       max_request_body_size=settings["max_body"])
    finally:
        signal.signal(signal.SIGTERM, previous)
        writer.close()


# -- a reader: python -m igfkg.workers FD ---------------------------------------------------

class _Reader:
    """The WSGI application of a reader: writes passed to the writer, reads
    answered by ``app`` from the checkpoint of the writer's current generation."""

    def __init__(self, conn: Connection, settings: dict):
        from .kb import KnowledgeBase

        self._conn = conn
        self._private_port = settings["private_port"]
        self._refresh = threading.Lock()  # one question to the writer at a time
        self._views = threading.Lock()
        self.generation = Generation(Path(settings["generation"]))
        version, path = self._ask_checkpoint()
        self.kb = KnowledgeBase(settings["config"], read_only=True, snapshot=path)
        self.kb.follow(version)  # opened on that generation's checkpoint already
        self._current: tuple[int, Path | None] = (version, path)
        self._retired: list[tuple[int, Path | None]] = []
        self._running: Counter = Counter()  # generation a running request started on -> requests
        self.app = None

    def tell(self, message) -> None:
        with self._refresh:
            self._conn.send(message)

    def _ask_checkpoint(self) -> tuple[int, Path | None]:
        self._conn.send(("checkpoint",))
        answer = self._conn.recv()
        if answer[0] == "error":
            raise OSError(answer[1])
        return answer[1], (Path(answer[2]) if answer[2] else None)

    def __call__(self, environ, start_response):
        if _is_write(environ):
            return self._forward(environ, start_response)
        version = self._enter()
        try:
            result = self.app(environ, _named(start_response))
        except BaseException:
            self._leave(version)
            raise
        return _Closing(result, lambda: self._leave(version))

    # -- following the writer's generation

    def _enter(self) -> int:
        if self.generation.get() > self._current[0]:
            with self._refresh:
                if self.generation.get() > self._current[0]:
                    version, path = self._ask_checkpoint()
                    self.kb.follow(version, path)
                    with self._views:
                        self._retired.append(self._current)
                        self._current = (version, path)
        with self._views:
            version = self._current[0]
            self._running[version] += 1
        return version

    def _leave(self, version: int) -> None:
        with self._views:
            self._running[version] -= 1
            if not self._running[version]:
                del self._running[version]
            # A request may use any view from the one it started on to the current one.
            oldest = min(self._running, default=None)
            dropped = [view for view in self._retired if oldest is None or view[0] < oldest]
            self._retired = [view for view in self._retired if view not in dropped]
        for _, path in dropped:
            if path is not None:
                shutil.rmtree(path, ignore_errors=True)

    # -- writes

    def _forward(self, environ, start_response):
        try:
            status, headers, body = forward(self._private_port, environ)
        except (OSError, http.client.HTTPException):
            body = json.dumps({"error": "the writing process did not answer; try again", "status": 502}).encode()
            status, headers = "502 Bad Gateway", [("Content-Type", "application/json"),
                                                  ("Content-Length", str(len(body))), ("Retry-After", "5")]
            start_response = _named(start_response)
        start_response(status, headers)
        return [body]


class _Closing:
    """A response body that calls ``done`` once the server has sent it."""

    def __init__(self, result, done):
        self._result, self._done = result, done

    def __iter__(self):
        return iter(self._result)

    def close(self) -> None:
        try:
            if hasattr(self._result, "close"):
                self._result.close()
        finally:
            self._done()


def _is_write(environ) -> bool:
    """Whether the request may write: anything but GET, HEAD, OPTIONS and a
    SPARQL query POSTed to /sparql (whose form is read here, and put back)."""
    method = environ["REQUEST_METHOD"]
    if method in SAFE_METHODS:
        return False
    if method != "POST" or environ.get("PATH_INFO") != "/sparql":
        return True
    mime = (environ.get("CONTENT_TYPE") or "").split(";")[0].strip().lower()
    if mime == "application/sparql-update":
        return True
    if mime != "application/x-www-form-urlencoded":
        return False
    body = environ["wsgi.input"].read()
    environ["wsgi.input"] = io.BytesIO(body)
    return any(name == "update" for name, _ in parse_qsl(body.decode("latin-1"), keep_blank_values=True))


def forward(port: int, environ) -> tuple[str, list[tuple[str, str]], bytes]:
    """Send the request to 127.0.0.1:port as it came (its Host too, so that
    the IRIs and links the writer makes are the same); its status, headers and body."""
    body = environ["wsgi.input"].read()
    uri = environ.get("REQUEST_URI") or quote(environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")) + (
        "?" + environ["QUERY_STRING"] if environ.get("QUERY_STRING") else "")
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=FORWARD_TIMEOUT)
    try:
        connection.putrequest(environ["REQUEST_METHOD"], uri, skip_host=True, skip_accept_encoding=True)
        if "HTTP_HOST" not in environ:
            connection.putheader("Host", f"{environ['SERVER_NAME']}:{environ['SERVER_PORT']}")
        for key, value in environ.items():
            name = key[5:].replace("_", "-")
            if key.startswith("HTTP_") and name.lower() not in HOP_BY_HOP | {"content-length"}:
                connection.putheader(name.title(), value)
        if environ.get("CONTENT_TYPE"):
            connection.putheader("Content-Type", environ["CONTENT_TYPE"])
        connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        data = response.read()
        headers = [(k, v) for k, v in response.getheaders() if k.lower() not in HOP_BY_HOP]
        return f"{response.status} {response.reason}", headers, data
    finally:
        connection.close()


def _reader_main(fd: int) -> None:
    die_with_parent()
    conn = Connection(fd)
    settings = conn.recv()
    one_thread()
    import waitress

    from igfkg.web import create_app

    reader = _Reader(conn, settings)
    kb = reader.kb
    kb.allowed_service_hosts = tuple(settings["allow_service"])
    app = create_app(kb, token=settings["token"], query_timeout=settings["query_timeout"],
                     row_limit=settings["row_limit"], max_queries=settings["max_queries"], isolate_queries=True,
                     query_snapshots=Path(settings["folder"]) / "query-snapshots")
    app.secret_key = settings["secret_key"]  # the upload page's sign-in holds in every process
    reader.app = app
    try:
        _warm(kb)
        server = waitress.create_server(reader, sockets=[shared_socket(settings["host"], settings["port"], first=False)],
                                        threads=settings["threads"], ident="igfkg",
                                        max_request_body_size=settings["max_body"])
        reader.tell(("ready", os.getpid()))
        server.run()
    finally:
        if app.config["QUERY_POOL"] is not None:
            app.config["QUERY_POOL"].close()
        kb.close()


if __name__ == "__main__":
    _reader_main(int(sys.argv[1]))
