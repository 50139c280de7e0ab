"""Keep the README's examples true, the way cog keeps Datasette's docs.

A command block in README.md that follows a marker line

    <!-- check: home=tour -->

is run: each `$ igfkg ...` line in it, in the order the README shows them,
against the data directory named by `home` (created fresh for the first
block that names it, so every home starts from an empty knowledge base and
grows only with what the README itself ran). A block may add
`setup="ingest samples/"` (igfkg arguments run silently first, once per
home) for a starting point the README states in words, such as `make demo`.
`--home NAME` inside a command names a home of its own.

A block with `serve=PORT` runs `igfkg serve` on its home for the block's
commands, which may then be `curl` pipelines (run by bash; jq and grep
must be installed) against `localhost:PORT`. The check serves on a free
port and writes the README's port back into what it prints, so a busy
port on the machine does not fail the check.

    python docs/readme_check.py           # exit 1 and a diff where the README drifted
    python docs/readme_check.py --update  # write the real outputs into the README

Outputs that vary by nature are compared with their figures masked: scores,
confidences and timings (`score 0.272` matches `score 0.301`). The README
says so where it shows them.
"""
from __future__ import annotations

import argparse
import difflib
import os
import re
import shlex
import subprocess
import sys
import tempfile
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
_MARKER = re.compile(r"<!--\s*check:\s*(.*?)\s*-->")
_FENCE = re.compile(r"^```")
# Figures that differ from run to run: masked before comparing.
_VARYING = re.compile(r"(?P<head>\b(?:score|confidence)\b[\" :]*)\d+(?:\.\d+)?|\b\d+(?:\.\d+)?(?= ?(?:ms|s)\b)")


@dataclass
class Block:
    options: dict[str, str]
    first_line: int  # index in the README's lines of the first line inside the fence
    last_line: int  # index of the closing fence
    commands: list[tuple[str, list[str]]] = field(default_factory=list)  # (command text, expected lines)


def parse_blocks(lines: list[str]) -> list[Block]:
    blocks, i = [], 0
    while i < len(lines):
        marker = _MARKER.search(lines[i])
        if marker and i + 1 < len(lines) and _FENCE.match(lines[i + 1]):
            end = next(j for j in range(i + 2, len(lines)) if _FENCE.match(lines[j]))
            block = Block(_options(marker.group(1)), i + 2, end)
            block.commands = _commands(lines[i + 2:end])
            blocks.append(block)
            i = end
        i += 1
    return blocks


def _options(text: str) -> dict[str, str]:
    return {k: v for k, v in (part.split("=", 1) for part in shlex.split(text))}


def _commands(body: list[str]) -> list[tuple[str, list[str]]]:
    """`$ ` lines (a command may run over several lines until its quotes
    close) and the output lines after each."""
    found: list[tuple[str, list[str]]] = []
    i = 0
    while i < len(body):
        if not body[i].startswith("$ "):
            if found:
                found[-1][1].append(body[i])
            i += 1
            continue
        command = body[i][2:]
        while not _complete(command) and i + 1 < len(body):
            i += 1
            command += "\n" + body[i]
        found.append((command, []))
        i += 1
    return [(command, _trim(output)) for command, output in found]


def _complete(command: str) -> bool:
    try:
        shlex.split(command)
        return True
    except ValueError:
        return False


def _trim(output: list[str]) -> list[str]:
    while output and not output[-1].strip():
        output = output[:-1]
    return output


class Runner:
    """Runs README commands in fresh data directories, one per home."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.homes: dict[str, Path] = {}
        self.igfkg = str(Path(sys.executable).with_name("igfkg"))

    def home(self, name: str, setup: str | None = None) -> Path:
        if name not in self.homes:
            self.homes[name] = self.workdir / name.strip("/").replace("/", "_")
            if setup:
                self._run(shlex.split(setup), self.homes[name])
        return self.homes[name]

    def run(self, command: str, block_home: str, setup: str | None, served: tuple[str, int] | None = None) -> list[str]:
        args = shlex.split(command)
        if served and args and args[0] == "curl":
            return self._run_shell(command, *served)
        if not args or args[0] != "igfkg":
            raise SystemExit(f"README check: only igfkg and (in a serve= block) curl commands can be checked, not: {command}")
        args = args[1:]
        if "--home" in args:
            at = args.index("--home")
            name = args[at + 1]
            args = args[:at] + args[at + 2:]
            home = self.home(name)
            shown = name
        else:
            home, shown = self.home(block_home, setup), None
        output = self._run(args, home)
        if shown:
            output = output.replace(str(home), shown)
        return _trim([line.rstrip() for line in output.splitlines()])

    @contextmanager
    def serving(self, home_name: str, setup: str | None, shown_port: str):
        """`igfkg serve` on a home for one block; yields (README port, real port)."""
        from igfkg.web.local import serve_process

        try:
            with serve_process(self.home(home_name, setup), wait_seconds=120) as base:
                yield shown_port, int(base.rsplit(":", 1)[1])
        except RuntimeError as exc:
            raise SystemExit(f"README check: {exc} ({home_name})") from None

    def _run_shell(self, command: str, shown_port: str, port: int) -> str:
        real = command.replace(f"localhost:{shown_port}", f"localhost:{port}")
        done = subprocess.run(["bash", "-c", real], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, timeout=120)
        output = done.stdout.replace(f"localhost:{port}", f"localhost:{shown_port}")
        return _trim([line.rstrip() for line in output.splitlines()])

    def _run(self, args: list[str], home: Path) -> str:
        env = dict(os.environ, PYTHONUNBUFFERED="1", IGFKG_HOME=str(home), COLUMNS="200")
        env.pop("IGFKG_TOKEN", None)
        done = subprocess.run([self.igfkg, *args], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, timeout=600)
        return done.stdout


def masked(lines: list[str]) -> list[str]:
    return [_VARYING.sub(lambda m: (m.group("head") or "") + "#", line) for line in lines]


def check(readme: Path = README, update: bool = False) -> list[str]:
    """The differences between the README and real runs (empty: none);
    with ``update``, the README is rewritten with the real outputs."""
    lines = readme.read_text(encoding="utf-8").splitlines()
    problems, replacements = [], []
    with tempfile.TemporaryDirectory(prefix="readme-check-") as tmp:
        runner = Runner(Path(tmp))
        for block in parse_blocks(lines):
            home = block.options.get("home", "default")
            setup = block.options.get("setup")
            new_body = []
            with (runner.serving(home, setup, block.options["serve"]) if "serve" in block.options
                  else nullcontext()) as served:
                for command, expected in block.commands:
                    actual = runner.run(command, home, setup, served)
                    new_body += [f"$ {command}"] + actual
                    if masked(expected) != masked(actual):
                        diff = difflib.unified_diff(expected, actual, "README.md", "actual", lineterm="", n=1)
                        problems.append(f"$ {command.splitlines()[0]}\n" + "\n".join(diff))
            replacements.append((block, _with_blank_lines(new_body, block, lines)))
    if update:
        # Re-read: the runs take minutes and the file may have been edited meanwhile.
        lines = readme.read_text(encoding="utf-8").splitlines()
        blocks = parse_blocks(lines)
        if [b.options for b in blocks] != [b.options for b, _ in replacements]:
            raise SystemExit("README check: the checked blocks changed during the run; run it again")
        for block, (_old, body) in reversed(list(zip(blocks, replacements))):
            lines[block.first_line:block.last_line] = body
        readme.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return problems


def _with_blank_lines(body: list[str], block: Block, lines: list[str]) -> list[str]:
    """Commands separated by a blank line, as the README writes them."""
    out = []
    for line in body:
        if line.startswith("$ ") and out:
            out.append("")
        out.append(line)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--update", action="store_true", help="write the real outputs into README.md")
    parser.add_argument("--readme", type=Path, default=README, help="the file to check (default: README.md)")
    args = parser.parse_args()
    problems = check(args.readme, update=args.update)
    if args.update:
        print(f"updated {args.readme}")
        return
    for problem in problems:
        print(problem, end="\n\n")
    if problems:
        print(f"{len(problems)} command(s) in {args.readme.name} print something else; "
              "run 'python docs/readme_check.py --update' after checking the difference")
        sys.exit(1)
    print(f"{args.readme.name}: every checked command prints what it shows")


if __name__ == "__main__":
    main()
