"""How fast duplicate detection is: a full scan, a cold CLI run, a warm pre-commit hook
run, and pylint's ``duplicate-code`` check (through nbqa) on the same notebooks.

With no ``DIR`` it builds a synthetic corpus of 100 notebooks with planted copies
(``duplicates_corpus.py``); with ``DIR`` it copies every notebook under ``DIR`` to a
temporary folder and works on the copy, so ``DIR`` itself is never changed. It then times:

1. ``find_duplicates(paths)`` in-process, without the cache (CPU and wall, best of
   ``--repeat``), per 1,000 code lines;
2. ``nbrefactor check DIR --no-cache`` as a fresh process (start-up included);
3. pylint's ``duplicate-code`` check run by nbqa, from its own virtualenv
   (``benchmarks/.venv-peers``, created on first use; skipped if it cannot be installed);
4. the ``nbrefactor-duplicates`` hook on one changed notebook in a git repository whose
   other notebooks are all in the fingerprint cache: as a fresh process (what a user
   waits for at ``git commit``) and in-process.

Run from the repository root with nbrefactor installed::

    python benchmarks/duplicates_speed.py
    python benchmarks/duplicates_speed.py path/to/notebooks --repeat 5
    python benchmarks/duplicates_speed.py --json
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from duplicates_corpus import build_corpus

import nbrefactor
import nbrefactor.hooks.duplicates as hook
from nbrefactor.api.check import find_duplicates
from nbrefactor.duplicates.cache import CACHE_DIR
from nbrefactor.duplicates.discovery import discover

HERE = Path(__file__).resolve().parent
DEFAULT_NOTEBOOKS = 100
DEFAULT_PEERS_VENV = HERE / ".venv-peers"
PEER_PACKAGES = ("nbqa", "pylint")
PEER_ARGS = ("pylint", "--disable=all", "--enable=duplicate-code")

#: Targets: CPU ms per 1,000 code lines for the full scan, times faster than pylint (CPU),
#: and wall seconds for the warm hook run on one notebook.
TARGET_MS_PER_KLOC = 50.0
TARGET_PEER_RATIO = 8.0
TARGET_HOOK_SECONDS = 0.3

#: Appended to the notebook the hook run is timed on: a plausible new analysis cell.
NEW_CELL = (
    'summary = df.groupby("region")["price"].agg(["mean", "count"])\n'
    'summary = summary[summary["count"] > 10]\n'
    'summary["share"] = summary["count"] / summary["count"].sum()\n'
    'summary.sort_values("mean", ascending=False).head(10)'
)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- timing ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Timing:
    """Best wall and best CPU seconds over the runs (each minimum taken separately)."""

    wall: float
    cpu: float
    runs: int


def best_of(samples: Sequence[tuple[float, float]]) -> Timing:
    return Timing(min(s[0] for s in samples), min(s[1] for s in samples), len(samples))


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@dataclass(frozen=True, slots=True)
class Completed:
    wall: float
    cpu: float  # user + system CPU of the process and everything it waited for
    returncode: int
    stdout: str
    stderr: str


def run_timed(command: Sequence[str], cwd: Path, timeout: float = 1800) -> Completed:
    """Run ``command``, timing its wall clock and its CPU (``RUSAGE_CHILDREN`` delta).

    Nothing else runs child processes meanwhile, so the delta is this command's CPU,
    including the processes it started and waited for (nbqa runs pylint as one).
    """
    cpu0, wall0 = _children_cpu(), time.perf_counter()
    done = subprocess.run(
        list(command), cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )
    wall, cpu = time.perf_counter() - wall0, _children_cpu() - cpu0
    return Completed(wall, cpu, done.returncode, done.stdout, done.stderr)


def in_process(function: Callable[[], Any]) -> tuple[float, float, Any]:
    """Wall and CPU seconds of ``function()``; CPU includes child processes it waited for."""
    gc.collect()
    wall0, cpu0, child0 = time.perf_counter(), time.process_time(), _children_cpu()
    value = function()
    wall = time.perf_counter() - wall0
    cpu = time.process_time() - cpu0 + _children_cpu() - child0
    return wall, cpu, value


def script(name: str, module: str) -> list[str]:
    """A console script next to this interpreter, or ``python -m module``."""
    folder = Path(sys.executable).parent
    for candidate in (folder / name, folder / f"{name}.exe"):
        if candidate.is_file():
            return [str(candidate)]
    return [sys.executable, "-m", module]


# -- corpus ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Corpus:
    root: Path
    notebooks: tuple[Path, ...]  # relative to root, sorted
    source: str  # how the synthetic corpus was made, or the DIR given

    def paths(self) -> list[Path]:
        return [self.root / p for p in self.notebooks]


def code_lines(path: Path) -> int:
    """Source lines in the notebook's code cells (blank lines included)."""
    try:
        notebook = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError):
        return 0
    total = 0
    for cell in notebook.get("cells", ()):
        if cell.get("cell_type") == "code":
            source = cell.get("source", "")
            text = "".join(source) if isinstance(source, list) else str(source)
            total += len(text.splitlines())
    return total


def synthetic_corpus(root: Path, notebooks: int, seed: int) -> Corpus:
    built = build_corpus(root, notebooks=notebooks, seed=seed)
    relative = sorted(p.relative_to(root) for p in built.notebooks)
    kinds = ", ".join(
        f"{len(built.clones_of(kind))} {kind}" for kind in ("type-1", "type-2", "type-3")
    )
    return Corpus(
        root,
        tuple(relative),
        f"synthetic, seed {seed}, {len(built.clones)} planted clones ({kinds}), "
        f"{len(built.traps)} look-alike traps",
    )


def copied_corpus(source: Path, root: Path) -> Corpus:
    """Copy every notebook under ``source`` (as ``nbrefactor check`` finds them) to ``root``."""
    relative = []
    for path in discover([source]):
        rel = path.relative_to(source)
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, root / rel)
        relative.append(rel)
    return Corpus(root, tuple(sorted(relative)), str(source))


# -- 1. full scan, in-process ----------------------------------------------------------------


def measure_full_scan(corpus: Corpus, repeat: int) -> dict[str, Any]:
    paths = corpus.paths()
    # Warm up on one notebook: lazy imports and first-call costs stay out of the figures.
    find_duplicates(paths[:1])
    samples, report = [], None
    for _ in range(repeat):
        wall, cpu, report = in_process(lambda: find_duplicates(paths))
        samples.append((wall, cpu))
    assert report is not None
    timing = best_of(samples)
    return {
        "wall_ms": timing.wall * 1e3,
        "cpu_ms": timing.cpu * 1e3,
        "classes": len(report.classes),
        "regions": sum(len(c.regions) for c in report.classes),
        "files_checked": report.files_checked,
        "problems": [str(p) for p in report.problems],
    }


# -- 2. cold CLI run --------------------------------------------------------------------------


def measure_cli(corpus: Corpus, repeat: int) -> dict[str, Any]:
    command = [*script("nbrefactor", "nbrefactor"), "check", ".", "--no-cache"]
    runs = [run_timed(command, corpus.root) for _ in range(repeat)]
    timing = best_of([(r.wall, r.cpu) for r in runs])
    last = runs[-1]
    result: dict[str, Any] = {
        "command": " ".join(["nbrefactor", *command[-3:]]),
        "wall_ms": timing.wall * 1e3,
        "cpu_ms": timing.cpu * 1e3,
        "exit_code": last.returncode,
    }
    if last.returncode not in (0, 1):
        result["error"] = (last.stderr or last.stdout).strip()[-500:]
    return result


# -- 3. peer tool: nbqa + pylint duplicate-code -----------------------------------------------


def _venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _venv_script(venv: Path, name: str) -> Path:
    return venv / ("Scripts" if os.name == "nt" else "bin") / (name + (".exe" * (os.name == "nt")))


def _peers_ready(venv: Path) -> bool:
    python = _venv_python(venv)
    if not python.exists() or not _venv_script(venv, "nbqa").exists():
        return False
    probe = subprocess.run(
        [str(python), "-c", "import nbqa, pylint"], capture_output=True, timeout=120, check=False
    )
    return probe.returncode == 0


def ensure_peers(venv: Path) -> tuple[bool, str]:
    """Make sure ``venv`` has nbqa and pylint; (ready, how or why not)."""
    if _peers_ready(venv):
        return True, "existing virtualenv"
    attempts: list[tuple[str, list[list[str]]]] = []
    uv = shutil.which("uv")
    if uv:
        attempts.append(
            (
                "uv",
                [
                    [uv, "venv", "--quiet", "--python", sys.executable, str(venv)],
                    [uv, "pip", "install", "--quiet", "--python", str(_venv_python(venv)),
                     *PEER_PACKAGES],
                ],
            )
        )  # fmt: skip
    attempts.append(
        (
            "venv + pip",
            [
                [sys.executable, "-m", "venv", "--clear", str(venv)],
                [str(_venv_python(venv)), "-m", "pip", "install", "--quiet",
                 "--disable-pip-version-check", *PEER_PACKAGES],
            ],
        )
    )  # fmt: skip
    errors = []
    for how, commands in attempts:
        log(f"installing {' and '.join(PEER_PACKAGES)} into {venv} ({how}) ...")
        failed: str | None = None
        for command in commands:
            try:
                done = subprocess.run(
                    command, capture_output=True, text=True, timeout=900, check=False
                )
            except (OSError, subprocess.SubprocessError) as error:
                failed = str(error)
                break
            if done.returncode != 0:
                last = ((done.stderr or done.stdout).strip().splitlines() or ["failed"])[-1]
                failed = f"`{' '.join(command[:3])} ...` exited {done.returncode}: {last}"
                break
        if failed is None and _peers_ready(venv):
            return True, f"installed with {how}"
        errors.append(f"{how}: {failed or 'nbqa/pylint not importable after install'}")
    return False, "; ".join(errors)


def _peer_versions(venv: Path) -> dict[str, str]:
    code = (
        "import importlib.metadata as m, json;"
        f"print(json.dumps({{p: m.version(p) for p in {list(PEER_PACKAGES)!r}}}))"
    )
    done = subprocess.run(
        [str(_venv_python(venv)), "-c", code], capture_output=True, text=True, check=False
    )
    try:
        return dict(json.loads(done.stdout))
    except ValueError:
        return {}


def measure_peer(corpus: Corpus, repeat: int, venv: Path) -> dict[str, Any]:
    ready, how = ensure_peers(venv)
    if not ready:
        return {"skipped": f"could not install nbqa and pylint ({how})"}
    command = [
        str(_venv_script(venv, "nbqa")),
        *PEER_ARGS,
        *(p.as_posix() for p in corpus.notebooks),
    ]
    runs = []
    for i in range(repeat):
        log(f"nbqa pylint duplicate-code, run {i + 1}/{repeat} ...")
        run = run_timed(command, corpus.root)
        # pylint's exit code is a bit mask: 1 fatal, 32 usage error; 8 = refactor messages
        if run.returncode & (1 | 32):
            tail = (run.stderr or run.stdout).strip()[-500:]
            return {"skipped": f"nbqa pylint failed (exit {run.returncode}): {tail}"}
        runs.append(run)
    timing = best_of([(r.wall, r.cpu) for r in runs])
    out = runs[-1].stdout
    return {
        "command": "nbqa " + " ".join(PEER_ARGS) + f" <{len(corpus.notebooks)} notebooks>",
        "versions": _peer_versions(venv),
        "venv": str(venv),
        "venv_status": how,
        "wall_ms": timing.wall * 1e3,
        "cpu_ms": timing.cpu * 1e3,
        "exit_code": runs[-1].returncode,
        "findings": len(re.findall(r"\bR0801\b", out)),
        # each finding lists its copies as "==module:[start:end]"
        "regions": len(re.findall(r"^==", out, flags=re.MULTILINE)),
    }


# -- 4. warm hook run --------------------------------------------------------------------------


def _git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=benchmark", "-c", "user.email=benchmark@example.invalid",
         "-c", "commit.gpgsign=false", *args],
        cwd=root, check=True, capture_output=True, timeout=300,
    )  # fmt: skip


def _append_cell(path: Path) -> None:
    notebook = json.loads(path.read_text(encoding="utf-8-sig"))
    cell: dict[str, Any] = {
        "cell_type": "code",
        "execution_count": None,
        "metadata": {},
        "outputs": [],
        "source": NEW_CELL.splitlines(keepends=True),
    }
    if (notebook.get("nbformat"), notebook.get("nbformat_minor", 0)) >= (4, 5):
        cell["id"] = "benchmark-new-cell"
    notebook.setdefault("cells", []).append(cell)
    path.write_text(json.dumps(notebook, indent=1) + "\n", encoding="utf-8")


@contextlib.contextmanager
def _cwd(folder: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


class _CacheSnapshot:
    """The cache folder's files, to put back before each timed run: every run then finds
    the other notebooks cached and the changed one not."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        found = folder.iterdir() if folder.is_dir() else ()
        self.files = {p.name: p.read_bytes() for p in found if p.is_file()}

    def restore(self) -> None:
        self.folder.mkdir(exist_ok=True)
        for path in self.folder.iterdir():
            if path.is_file() and path.name not in self.files:
                path.unlink()
        for name, data in self.files.items():
            (self.folder / name).write_bytes(data)


def measure_hook(corpus: Corpus, repeat: int) -> dict[str, Any]:
    root = corpus.root
    _git(root, "init", "--quiet")
    _git(root, "add", "--", "*.ipynb")
    _git(root, "commit", "--quiet", "--no-verify", "-m", "benchmark corpus")
    target = corpus.notebooks[len(corpus.notebooks) // 2]
    command = [*script("nbrefactor-duplicates", "nbrefactor.hooks.duplicates"), target.as_posix()]
    fill = run_timed(command, root)  # fills .nbrefactor_cache/ with every tracked notebook
    if fill.returncode not in (0, 1):
        return {"error": (fill.stderr or fill.stdout).strip()[-500:]}
    cache = _CacheSnapshot(root / CACHE_DIR)
    original = (root / target).read_bytes()
    _append_cell(root / target)
    try:
        runs = []
        for _ in range(repeat):
            cache.restore()
            runs.append(run_timed(command, root))
        samples = []
        with _cwd(root), contextlib.redirect_stdout(io.StringIO()):
            for _ in range(repeat):
                cache.restore()
                wall, cpu, code = in_process(lambda: hook.main([target.as_posix()]))
                samples.append((wall, cpu))
    finally:
        (root / target).write_bytes(original)
    sub, inproc = best_of([(r.wall, r.cpu) for r in runs]), best_of(samples)
    return {
        "command": f"nbrefactor-duplicates {target.as_posix()}",
        "notebooks_in_repo": len(corpus.notebooks),
        "fill_wall_ms": fill.wall * 1e3,
        "wall_ms": sub.wall * 1e3,
        "cpu_ms": sub.cpu * 1e3,
        "exit_code": runs[-1].returncode,
        "in_process_wall_ms": inproc.wall * 1e3,
        "in_process_cpu_ms": inproc.cpu * 1e3,
        "in_process_exit_code": code,
    }


# -- output ------------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="nbrefactor-dup-bench-") as tmp:
        root = Path(tmp) / "repo"
        root.mkdir()
        if args.dir is None:
            log(f"building a synthetic corpus of {args.notebooks} notebooks ...")
            corpus = synthetic_corpus(root, args.notebooks, args.seed)
        else:
            corpus = copied_corpus(args.dir, root)
        if not corpus.notebooks:
            raise SystemExit(f"no notebooks found under {args.dir}")
        lines = sum(code_lines(p) for p in corpus.paths())
        log(f"{len(corpus.notebooks)} notebooks, {lines:,} code lines; full scan ...")
        scan = measure_full_scan(corpus, args.repeat)
        scan["cpu_ms_per_kloc"] = scan["cpu_ms"] / (lines / 1000) if lines else float("nan")
        scan["wall_ms_per_kloc"] = scan["wall_ms"] / (lines / 1000) if lines else float("nan")
        log("cold CLI run ...")
        cli = measure_cli(corpus, args.repeat)
        if args.no_peers:
            peer: dict[str, Any] = {"skipped": "--no-peers"}
        else:
            peer = measure_peer(corpus, args.repeat, args.peers_venv)
        if "cpu_ms" in peer:
            peer["cpu_ratio"] = peer["cpu_ms"] / scan["cpu_ms"]
            peer["wall_ratio"] = peer["wall_ms"] / scan["wall_ms"]
            peer["cli_wall_ratio"] = peer["wall_ms"] / cli["wall_ms"]
        log("warm hook run ...")
        hook_figures = measure_hook(corpus, args.repeat)
    targets = [
        {
            "name": "full scan, CPU ms per 1,000 code lines",
            "value": scan["cpu_ms_per_kloc"],
            "target": f"<= {TARGET_MS_PER_KLOC:g}",
            "met": scan["cpu_ms_per_kloc"] <= TARGET_MS_PER_KLOC,
        },
        {
            "name": "full scan vs nbqa pylint, times faster (CPU)",
            "value": peer.get("cpu_ratio"),
            "target": f">= {TARGET_PEER_RATIO:g}",
            "met": None if "cpu_ratio" not in peer else peer["cpu_ratio"] >= TARGET_PEER_RATIO,
        },
        {
            "name": f"warm hook, 1 changed notebook of {len(corpus.notebooks)}, wall s",
            "value": hook_figures["wall_ms"] / 1e3 if "wall_ms" in hook_figures else None,
            "target": f"<= {TARGET_HOOK_SECONDS:g}",
            "met": None
            if "wall_ms" not in hook_figures
            else hook_figures["wall_ms"] / 1e3 <= TARGET_HOOK_SECONDS,
        },
    ]
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "nbrefactor": nbrefactor.__version__,
        "repeat": args.repeat,
        "corpus": {
            "source": corpus.source,
            "notebooks": len(corpus.notebooks),
            "code_lines": lines,
        },
        "full_scan": scan,
        "cli_cold": cli,
        "peer": peer,
        "hook": hook_figures,
        "targets": targets,
    }


def _status(met: bool | None) -> str:
    return "n/a" if met is None else ("ok" if met else "MISSED")


def print_report(r: dict[str, Any]) -> None:
    corpus, scan, cli, peer, hk = r["corpus"], r["full_scan"], r["cli_cold"], r["peer"], r["hook"]
    print(
        f"nbrefactor duplicate detection speed (best of {r['repeat']}, "
        f"Python {r['python']}, nbrefactor {r['nbrefactor']})"
    )
    print(
        f"corpus: {corpus['source']}: {corpus['notebooks']} notebooks, "
        f"{corpus['code_lines']:,} code lines"
    )
    print()
    rows: list[tuple[str, str, str, str]] = [
        (
            "full scan, find_duplicates() in-process, no cache",
            f"{scan['wall_ms']:.0f}",
            f"{scan['cpu_ms']:.0f}",
            f"{scan['classes']} classes, {scan['regions']} copies",
        ),
        (
            "  per 1,000 code lines",
            f"{scan['wall_ms_per_kloc']:.1f}",
            f"{scan['cpu_ms_per_kloc']:.1f}",
            "",
        ),
        (
            f"cold CLI: {cli['command']}",
            f"{cli['wall_ms']:.0f}",
            f"{cli['cpu_ms']:.0f}",
            f"exit {cli['exit_code']}" + (f" ERROR: {cli['error']}" if "error" in cli else ""),
        ),
    ]
    if "cpu_ms" in peer:
        versions = ", ".join(f"{k} {v}" for k, v in peer["versions"].items())
        rows.append(
            (
                f"peer: {peer['command']}",
                f"{peer['wall_ms']:.0f}",
                f"{peer['cpu_ms']:.0f}",
                f"{peer['findings']} R0801 findings, {peer['regions']} copies ({versions})",
            )
        )
    if "wall_ms" in hk:
        rows.append(
            (
                f"warm hook (subprocess): {hk['command']}",
                f"{hk['wall_ms']:.0f}",
                f"{hk['cpu_ms']:.0f}",
                f"exit {hk['exit_code']}; cache-filling run {hk['fill_wall_ms']:.0f} ms",
            )
        )
        rows.append(
            (
                "warm hook (in-process): hooks.duplicates.main([path])",
                f"{hk['in_process_wall_ms']:.0f}",
                f"{hk['in_process_cpu_ms']:.0f}",
                f"exit {hk['in_process_exit_code']}",
            )
        )
    width = max(len(row[0]) for row in rows)
    print(f"{'measurement':<{width}}  {'wall ms':>8}  {'cpu ms':>8}  notes")
    for name, wall, cpu, notes in rows:
        print(f"{name:<{width}}  {wall:>8}  {cpu:>8}  {notes}".rstrip())
    if "skipped" in peer:
        print(f"peer tool skipped: {peer['skipped']}")
    if "error" in hk:
        print(f"hook run failed: {hk['error']}")
    print()
    if "cpu_ratio" in peer:
        print(
            f"nbrefactor full scan is {peer['cpu_ratio']:.1f}x faster than nbqa pylint in CPU "
            f"({peer['wall_ratio']:.1f}x in wall time); the cold CLI, start-up included, is "
            f"{peer['cli_wall_ratio']:.1f}x faster in wall time"
        )
        print(
            f"findings: pylint {peer['findings']} similar-lines groups; "
            f"nbrefactor {scan['classes']} clone classes ({scan['regions']} copies)"
        )
        print()
    print("targets:")
    width = max(len(t["name"]) for t in r["targets"])
    for t in r["targets"]:
        value = "-" if t["value"] is None else f"{t['value']:.2f}"
        print(f"  {t['name']:<{width}}  {value:>8}  target {t['target']:<7}  {_status(t['met'])}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "dir",
        nargs="?",
        type=Path,
        help="folder of notebooks to use instead of the synthetic corpus (it is copied, "
        "never changed)",
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs per measurement; the best is reported"
    )
    parser.add_argument(
        "--notebooks",
        type=int,
        default=DEFAULT_NOTEBOOKS,
        help=f"size of the synthetic corpus (default: {DEFAULT_NOTEBOOKS})",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the synthetic corpus")
    parser.add_argument(
        "--peers-venv",
        type=Path,
        default=DEFAULT_PEERS_VENV,
        help="virtualenv for nbqa and pylint, created if missing (default: benchmarks/.venv-peers)",
    )
    parser.add_argument("--no-peers", action="store_true", help="skip the nbqa + pylint run")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.dir is not None and not args.dir.is_dir():
        parser.error(f"{args.dir} is not a folder")
    if args.dir is not None:
        args.dir = args.dir.resolve()
    args.peers_venv = args.peers_venv.resolve()
    results = run(args)
    if args.json:
        json.dump(results, sys.stdout, indent=2)
        print()
    else:
        print_report(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
