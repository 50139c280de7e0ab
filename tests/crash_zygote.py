"""Runs igfkg commands in forked children of one process that has loaded the
model and the parsers once, so the crash test can kill at many points without
paying the start-up each time. Reads one JSON request a line on stdin
({"args": [...], "crash_after": N | null, "steps": PATH}) and answers with one
JSON line {"status": exit code, or -signal}. The child appends the name of each
write step to PATH (the test learns where it stopped). Forking is safe here:
the parent never opens a store (RocksDB threads) and keeps BLAS to one thread;
measured: a child ingests in about a second where a new process takes several."""
import json
import os
import sys

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

from igfkg.cli import main  # noqa: E402
from igfkg.kb import KnowledgeBase  # noqa: E402


def warm(document: str) -> None:
    """Load the encoder, language models and parsers in this process, without
    opening a store: RocksDB's background threads would be missing in a forked
    child, which then hangs opening its own store."""
    from pathlib import Path

    from igfkg.ingest.reading import read_report_file
    from igfkg.ingest.report import parse_report
    from igfkg.search.encoders import DEFAULT_BACKEND, get_encoder

    path = Path(document)
    decoded = read_report_file(path, 20 * 2 ** 20)
    parse_report(decoded.text, "warm", source_name=path.name, encoding=decoded.encoding, warnings=decoded.warnings)
    get_encoder(DEFAULT_BACKEND).encode(["warm up"])


def child(request: dict) -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)  # stdout is the parent's answer channel
    if request.get("crash_after"):
        os.environ["IGFKG_CRASH_AFTER"] = str(request["crash_after"])
    else:
        os.environ.pop("IGFKG_CRASH_AFTER", None)
    original = KnowledgeBase._step

    def logged(self, name):
        with open(request["steps"], "a", encoding="utf-8") as out:
            out.write(name + "\n")
        original(self, name)

    KnowledgeBase._step = logged
    code = 0
    try:
        main(request["args"], standalone_mode=False)
    except SystemExit as exc:
        code = exc.code or 0
    except BaseException:
        code = 1
    os._exit(code if isinstance(code, int) else 1)


if __name__ == "__main__":
    warm(sys.argv[1])
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            sys.stdin.close()
            child(request)
        _pid, status = os.waitpid(pid, 0)
        code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
        print(json.dumps({"status": code}), flush=True)
