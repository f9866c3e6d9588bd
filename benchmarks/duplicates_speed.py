"""nbrefactor's duplicate detection next to its peers on one corpus, in one run: CPU
seconds (median of ``--repeat`` rounds, tools interleaved) and recall of planted clones.

With no ``DIR`` it builds the synthetic corpus of ``duplicates_corpus.py`` (100
notebooks); with ``DIR`` it copies every notebook ``nbrefactor check`` finds under it into
a temporary folder. ``DIR`` itself is never changed. Into the copy it plants the 30
clones of ``planted_clones.py`` (10 each of Type-1, 2 and 3), then measures, on that
corpus:

* nbrefactor: ``check --no-cache`` (cold), ``check`` with a filled cache (warm), and the
  ``nbrefactor-duplicates`` hook on one changed notebook, each as a fresh process;
* jscpd 5 on the notebooks converted by jupytext (the conversion timed as its own process);
* ``nbqa pylint --disable=all --enable=duplicate-code`` on every notebook;
* the floor: ``json.loads`` of each notebook and ``ast.parse`` of each code cell,
  in-process, and Python's start-up for the hook; also the floor with one visit of
  every syntax-tree node in Python (the least a pure-Python detector adds).

Each round runs every measurement once (the order rotating between rounds), so a busy
spell on a shared machine hits all tools alike. Every Python tool runs with its bytecode
compiled by an untimed run first (``PYTHONPYCACHEPREFIX``), as after its first use on a
user's machine, even where ``PYTHONDONTWRITEBYTECODE`` is set. Progress goes to stderr.

Run from the repository root with nbrefactor installed::

    python benchmarks/duplicates_speed.py                      # synthetic corpus
    python benchmarks/duplicates_speed.py /work/bench/corpus   # a folder of notebooks
    python benchmarks/duplicates_speed.py --repeat 3 --no-peers --json
"""

from __future__ import annotations

import argparse
import ast
import gc
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import duplicate_peers as peers
from duplicates_corpus import build_corpus
from duplicates_table import render
from planted_clones import DEFAULT_SEED as DEFAULT_PLANT_SEED
from planted_clones import KINDS, SNIPPETS, Finding, Hit, Plant, best_coverage, found, plant, recall

import nbrefactor
from nbrefactor.duplicates.cache import CACHE_DIR
from nbrefactor.duplicates.discovery import discover

DEFAULT_NOTEBOOKS = 100
DEFAULT_REPEAT = 7

#: The issue's goals, set on a 102-notebook corpus whose floor was 0.33 s of CPU.
ISSUE_FLOOR = 0.33
GOAL_COLD = 0.45
GOAL_WARM = 0.25
GOAL_HOOK = 0.12

#: Appended to the notebook the hook is timed on: a plausible new analysis cell.
NEW_CELL = (
    'summary = df.groupby("region")["price"].agg(["mean", "count"])\n'
    'summary = summary[summary["count"] > 10]\n'
    'summary["share"] = summary["count"] / summary["count"].sum()\n'
    'summary.sort_values("mean", ascending=False).head(10)'
)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- timing ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Sample:
    """One timed run: CPU (user + system, children included) and wall seconds."""

    cpu: float
    wall: float
    returncode: int = 0
    stdout: str = ""
    stderr: str = ""


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


#: Where the timed Python tools keep their bytecode. Python compiles a module the first
#: time it imports it and reads the compiled file afterwards, as on any machine where
#: the tool has run before (pip compiles a package when it installs it); a shell with
#: PYTHONDONTWRITEBYTECODE set would make every timed start compile every module again.
#: The untimed runs before the rounds fill it, for every tool alike.
PYCACHE = Path(tempfile.gettempdir()) / "nbrefactor-benchmark-pycache"


def tool_environment() -> dict[str, str]:
    """The environment the timed tools run in: bytecode written to and read from
    :data:`PYCACHE`."""
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    environment["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    return environment


def run_timed(command: Sequence[str], cwd: Path, timeout: float = 3600) -> Sample:
    """Run ``command`` and time it; CPU is the ``RUSAGE_CHILDREN`` delta, so it includes
    every process the command started and waited for (nbqa's pylint, jscpd's binary)."""
    cpu0, wall0 = _children_cpu(), time.perf_counter()
    done = subprocess.run(
        list(command),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env=tool_environment(),
    )
    wall, cpu = time.perf_counter() - wall0, _children_cpu() - cpu0
    return Sample(cpu, wall, done.returncode, done.stdout, done.stderr)


def time_in_process(function: Callable[[], object]) -> Sample:
    gc.collect()
    cpu0, wall0 = time.process_time(), time.perf_counter()
    function()
    return Sample(time.process_time() - cpu0, time.perf_counter() - wall0)


def script(name: str, module: str) -> list[str]:
    """A console script next to this interpreter, or ``python -m module``."""
    folder = Path(sys.executable).parent
    for candidate in (folder / name, folder / f"{name}.exe"):
        if candidate.is_file():
            return [str(candidate)]
    return [sys.executable, "-m", module]


@dataclass(slots=True)
class Measurement:
    """A thing timed once per round; ``run`` returns the sample or raises on failure."""

    key: str
    run: Callable[[], Sample]
    samples: list[Sample] = field(default_factory=list)
    error: str | None = None

    def median_cpu(self) -> float | None:
        return statistics.median(s.cpu for s in self.samples) if self.samples else None

    def median_wall(self) -> float | None:
        return statistics.median(s.wall for s in self.samples) if self.samples else None


def interleave(measurements: Sequence[Measurement], rounds: int) -> None:
    """Run every measurement once per round, starting each round one further along."""
    for round_number in range(rounds):
        shift = round_number % len(measurements)
        for measurement in [*measurements[shift:], *measurements[:shift]]:
            if measurement.error is not None:
                continue
            log(f"round {round_number + 1}/{rounds}: {measurement.key} ...")
            try:
                measurement.samples.append(measurement.run())
            except (RuntimeError, OSError, subprocess.SubprocessError) as error:
                measurement.error = str(error)
                log(f"  {measurement.key} failed: {error}")


# -- corpus ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Corpus:
    root: Path
    notebooks: tuple[Path, ...]  # relative to root, sorted
    source: str

    def paths(self) -> list[Path]:
        return [self.root / p for p in self.notebooks]


def synthetic_corpus(root: Path, notebooks: int, seed: int) -> Corpus:
    built = build_corpus(root, notebooks=notebooks, seed=seed)
    relative = tuple(sorted(p.relative_to(root) for p in built.notebooks))
    return Corpus(root, relative, f"synthetic (duplicates_corpus.py, seed {seed})")


def copied_corpus(source: Path, root: Path) -> Corpus:
    """Copy every notebook under ``source`` (as ``nbrefactor check`` finds them) to ``root``."""
    relative = []
    for path in discover([source]):
        if path.suffix != ".ipynb":
            continue
        rel = path.relative_to(source)
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, root / rel)
        relative.append(rel)
    return Corpus(root, tuple(sorted(relative)), str(source))


def _code_cells(raw: bytes) -> list[str]:
    try:
        notebook = json.loads(raw)
    except ValueError:
        return []
    cells = notebook.get("cells", []) if isinstance(notebook, dict) else []
    sources = []
    for cell in cells:
        if cell.get("cell_type") == "code":
            text = cell.get("source", "")
            sources.append("".join(text) if isinstance(text, list) else str(text))
    return sources


def corpus_figures(paths: Sequence[Path]) -> dict[str, int]:
    cells = [source for path in paths for source in _code_cells(path.read_bytes())]
    return {
        "notebooks": len(paths),
        "code_cells": len(cells),
        "code_lines": sum(len(source.splitlines()) for source in cells),
    }


def floor_scan(contents: Sequence[bytes]) -> int:
    """What any detector must do: decode each notebook, parse each code cell; the cells
    that do not parse (magics, errors) are skipped. Returns how many parsed."""
    parsed = 0
    for raw in contents:
        for source in _code_cells(raw):
            try:
                ast.parse(source)
            except (SyntaxError, ValueError):
                continue
            parsed += 1
    return parsed


def floor_walk(contents: Sequence[bytes]) -> int:
    """:func:`floor_scan`, then one visit of every syntax-tree node in Python that does
    nothing with it: the least a pure-Python detector working on syntax trees spends
    before it hashes or compares anything. Returns how many nodes it visited."""
    visited = 0
    for raw in contents:
        for source in _code_cells(raw):
            try:
                stack: list[ast.AST] = [ast.parse(source)]
            except (SyntaxError, ValueError):
                continue
            while stack:
                node = stack.pop()
                visited += 1
                for name in node._fields:
                    value = getattr(node, name, None)
                    if type(value) is list:
                        stack.extend(child for child in value if isinstance(child, ast.AST))
                    elif isinstance(value, ast.AST):
                        stack.append(value)
    return visited


# -- nbrefactor ---------------------------------------------------------------------------------


def _git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=benchmark", "-c", "user.email=benchmark@example.invalid",
         "-c", "commit.gpgsign=false", *args],
        cwd=root, check=True, capture_output=True, timeout=300,
    )  # fmt: skip


def _append_cell(path: Path) -> None:
    notebook = json.loads(path.read_bytes())
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
    path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


class CacheSnapshot:
    """A copy of the cache folder, put back before each warm run so that every run finds
    the same cache, whatever the cache's layout."""

    def __init__(self, folder: Path, keep: Path) -> None:
        self.folder, self.keep = folder, keep
        if folder.is_dir():
            shutil.copytree(folder, keep)

    def restore(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
        if self.keep.is_dir():
            shutil.copytree(self.keep, self.folder)


def _ok(sample: Sample, what: str, accepted: tuple[int, ...] = (0, 1)) -> Sample:
    if sample.returncode not in accepted:
        tail = (sample.stderr or sample.stdout).strip()[-2000:]
        raise RuntimeError(f"{what} exited {sample.returncode}: {tail}")
    return sample


def _probe_notebook(path: Path, code: str) -> None:
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": ["# probe"]},
        {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
         "source": code.splitlines(keepends=True)},
    ]  # fmt: skip
    notebook = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 4}
    path.write_text(json.dumps(notebook), encoding="utf-8")


def cell_numbering(folder: Path) -> int:
    """What nbrefactor's JSON calls the first cell, 0 or 1, learned from two small
    notebooks whose second cells are copies (the documented contract and the code in
    the working tree have disagreed)."""
    folder.mkdir()
    copy = SNIPPETS[0].first
    for name in ("first.ipynb", "second.ipynb"):
        _probe_notebook(folder / name, copy)
    command = [*script("nbrefactor", "nbrefactor"), "check", ".", "--no-cache", "--format", "json"]
    output = _ok(run_timed(command, folder), "nbrefactor check (cell numbering probe)").stdout
    cells = {loc["cell"] for c in json.loads(output)["clone_classes"] for loc in c["locations"]}
    if len(cells) != 1 or not cells <= {1, 2}:
        raise RuntimeError(f"cell numbering probe: unexpected cells {sorted(cells)}")
    return int(cells.pop()) - 1


def nbrefactor_findings(output: str, root: Path, first_cell: int = 0) -> list[Finding]:
    """``nbrefactor check --format json`` output as findings (one per clone class);
    ``first_cell`` is the number the JSON gives the first cell."""
    data = json.loads(output)
    findings = []
    for clone_class in data.get("clone_classes", []):
        hits = []
        for location in clone_class["locations"]:
            path = Path(location["path"])
            relative = path.relative_to(root) if path.is_absolute() else path
            lines = range(location["start_line"], location["end_line"] + 1)
            cell = location["cell"] - first_cell
            hits.append(Hit(relative.as_posix(), cell, frozenset(lines)))
        findings.append(tuple(hits))
    return findings


# -- the run -----------------------------------------------------------------------------------


@dataclass(slots=True)
class Tool:
    """A tool's figures: timed measurements by key, recall, versions, or why it was skipped."""

    name: str
    measurements: dict[str, Measurement] = field(default_factory=dict)
    recall: dict[str, int] | None = None
    missed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    skipped: str | None = None


def _score(tool: Tool, plants: Sequence[Plant], findings: Sequence[Finding]) -> None:
    tool.recall = recall(plants, findings)
    tool.missed = [
        f"{p.snippet.kind} {p.snippet.name} ({best_coverage(p, findings):.0%})"
        for p in plants
        if not found(p, findings)
    ]


def prepare_nbrefactor(corpus: Corpus, keep: Path) -> tuple[Tool, Path]:
    """The git repository, the filled cache and its snapshot, the hook's notebook."""
    root = corpus.root
    tool = Tool("nbrefactor")
    # The notebooks were copied seconds ago: date them back, as a repository's are. The
    # cache reads again a file changed in the last seconds whatever its stat says (its
    # stat may not change with its content), which would make every run a cold read.
    past = time.time() - 3600
    for relative in corpus.notebooks:
        os.utime(root / relative, (past, past))
    _git(root, "init", "--quiet")
    _git(root, "add", "--", *(p.as_posix() for p in corpus.notebooks))
    _git(root, "commit", "--quiet", "--no-verify", "-m", "benchmark corpus")
    check = script("nbrefactor", "nbrefactor")
    hook = script("nbrefactor-duplicates", "nbrefactor.hooks.duplicates")
    target = corpus.notebooks[len(corpus.notebooks) // 2]
    log("filling nbrefactor's cache (untimed) ...")
    _ok(run_timed([*check, "check", "."], root), "nbrefactor check (filling the cache)")
    _ok(run_timed([*hook, target.as_posix()], root), "nbrefactor-duplicates (filling)")
    cache = CacheSnapshot(root / CACHE_DIR, keep)
    original = (root / target).read_bytes()

    def cold() -> Sample:
        command = [*check, "check", ".", "--no-cache", "--format", "json"]
        return _ok(run_timed(command, root), "nbrefactor check --no-cache", (0, 1, 2))

    def warm() -> Sample:
        cache.restore()
        command = [*check, "check", ".", "--format", "json"]
        return _ok(run_timed(command, root), "nbrefactor check", (0, 1, 2))

    def changed_notebook() -> Sample:
        cache.restore()
        _append_cell(root / target)
        try:
            return _ok(run_timed([*hook, target.as_posix()], root), "nbrefactor-duplicates")
        finally:
            (root / target).write_bytes(original)
            os.utime(root / target, (past, past))  # as it was: the warm run sees no change

    for key, run in (("cold", cold), ("warm", warm), ("hook", changed_notebook)):
        tool.measurements[key] = Measurement(f"nbrefactor {key}", run)
    tool.notes.append(f"hook on {target.as_posix()} with a new cell appended")
    tool.notes.append(f"Python tools read their bytecode from {PYCACHE}, compiled untimed")
    return tool, target


def prepare_floor(corpus: Corpus) -> Tool:
    tool = Tool("floor")
    paths = corpus.paths()

    def scan() -> Sample:
        contents = [path.read_bytes() for path in paths]
        return time_in_process(lambda: floor_scan(contents))

    def walk() -> Sample:
        contents = [path.read_bytes() for path in paths]
        return time_in_process(lambda: floor_walk(contents))

    def startup() -> Sample:
        return _ok(run_timed([sys.executable, "-c", "pass"], corpus.root), "python -c pass")

    startup()  # untimed: Python's own start-up modules are compiled into PYCACHE

    tool.measurements["cold"] = Measurement("floor json + ast.parse", scan)
    tool.measurements["walk"] = Measurement("floor json + ast.parse + one tree walk", walk)
    tool.measurements["hook"] = Measurement("floor python start-up", startup)
    return tool


def prepare_jscpd(corpus: Corpus, work: Path, plants: Sequence[Plant]) -> Tool:
    """Install jscpd, convert the notebooks once, and pick the mode with the best recall."""
    tool = Tool("jscpd")
    ready, how = peers.ensure_jscpd()
    if not ready:
        tool.skipped = f"jscpd not available ({how})"
        return tool
    converted, reports = work / "converted", work / "jscpd-report"
    for relative in corpus.notebooks:
        (converted / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(corpus.root / relative, converted / relative)
    convert = peers.jupytext_command(corpus.notebooks)
    log("jupytext conversion and jscpd modes (untimed) ...")
    try:
        _ok(run_timed(convert, converted), "jupytext", (0,))
    except (RuntimeError, OSError, subprocess.SubprocessError) as error:
        tool.skipped = f"jupytext conversion failed: {error}"
        return tool
    by_mode: dict[str, dict[str, int]] = {}
    for mode in peers.JSCPD_MODES:
        shutil.rmtree(reports, ignore_errors=True)
        try:
            _ok(run_timed(peers.jscpd_command(mode, reports), converted), "jscpd", (0,))
            findings = peers.jscpd_findings(reports / peers.JSCPD_REPORT, converted, plants)
        except (RuntimeError, OSError, ValueError, subprocess.SubprocessError) as error:
            tool.skipped = f"jscpd failed in mode {mode}: {error}"
            return tool
        by_mode[mode] = recall(plants, findings)
    best = max(by_mode, key=lambda mode: sum(by_mode[mode].values()))  # first on ties
    tool.notes.append(
        "recall by mode: "
        + "; ".join(f"{m} {'/'.join(str(r[k]) for k in KINDS)}" for m, r in by_mode.items())
        + f"; timed: {best} ({' '.join(peers.JSCPD_MODES[best])})"
    )

    def conversion() -> Sample:
        return _ok(run_timed(convert, converted), "jupytext", (0,))

    def detection() -> Sample:
        shutil.rmtree(reports, ignore_errors=True)
        return _ok(run_timed(peers.jscpd_command(best, reports), converted), "jscpd", (0,))

    tool.measurements["convert"] = Measurement("jupytext conversion", conversion)
    tool.measurements["cold"] = Measurement(f"jscpd {best}", detection)
    return tool


def prepare_pylint(corpus: Corpus, venv: Path) -> Tool:
    tool = Tool("pylint")
    ready, how = peers.ensure_pylint(venv)
    if not ready:
        tool.skipped = f"could not install nbqa and pylint ({how})"
        return tool
    command = peers.pylint_command(venv, corpus.notebooks)
    log("nbqa pylint once (untimed: its bytecode is compiled) ...")
    run_timed(command, corpus.root)

    def full() -> Sample:
        sample = run_timed(command, corpus.root)
        if peers.pylint_failed(sample.returncode):
            tail = (sample.stderr or sample.stdout).strip()[-500:]
            raise RuntimeError(f"nbqa pylint failed (exit {sample.returncode}): {tail}")
        return sample

    tool.measurements["cold"] = Measurement("nbqa pylint duplicate-code", full)
    return tool


def _source_state() -> str:
    """The commit nbrefactor was imported from, ``+changes`` if its files differ from it."""
    package = Path(nbrefactor.__file__).resolve().parent

    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", *args], cwd=package, capture_output=True, text=True, check=False
        )
        return done.stdout.strip() if done.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD")
    if not commit:
        return ""
    return commit + (" +changes" if git("status", "--porcelain", "--", ".") else "")


def _versions(venv: Path, with_peers: bool) -> dict[str, str]:
    versions = {"python": platform.python_version(), "nbrefactor": nbrefactor.__version__}
    if state := _source_state():
        versions["nbrefactor"] += f" ({state})"
    done = subprocess.run(
        [*script("jupytext", "jupytext"), "--version"], capture_output=True, text=True, check=False
    )
    if done.returncode == 0:
        versions["jupytext"] = done.stdout.strip()
    if with_peers:
        if jscpd := peers.jscpd_version():
            versions["jscpd"] = jscpd
        if node := shutil.which("node"):
            versions["node"] = subprocess.run(
                [node, "--version"], capture_output=True, text=True, check=False
            ).stdout.strip()
        versions.update(peers.pylint_versions(venv))
    return versions


def _figures(tool: Tool) -> dict[str, Any]:
    figures: dict[str, Any] = {
        "skipped": tool.skipped,
        "recall": tool.recall,
        "missed": tool.missed,
        "notes": tool.notes,
    }
    for key, measurement in tool.measurements.items():
        figures[key] = {
            "cpu_s": measurement.median_cpu(),
            "wall_s": measurement.median_wall(),
            "cpu_samples": [round(s.cpu, 4) for s in measurement.samples],
            "wall_samples": [round(s.wall, 4) for s in measurement.samples],
            "error": measurement.error,
        }
    return figures


def _goal(value: float | None, limit: float) -> dict[str, Any]:
    return {"value": value, "limit": limit, "met": None if value is None else value <= limit}


def run(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="nbrefactor-dup-bench-") as tmp:
        work = Path(tmp)
        root = work / "repo"
        root.mkdir()
        if args.dir is None:
            log(f"building a synthetic corpus of {args.notebooks} notebooks ...")
            corpus = synthetic_corpus(root, args.notebooks, args.seed)
        else:
            log(f"copying the notebooks under {args.dir} ...")
            corpus = copied_corpus(args.dir, root)
        if len(corpus.notebooks) < 2:
            raise SystemExit(f"fewer than two notebooks under {args.dir}")
        plants = plant(root, corpus.notebooks, seed=args.plant_seed)
        figures = corpus_figures(corpus.paths())
        log(
            f"{figures['notebooks']} notebooks, {figures['code_cells']:,} code cells, "
            f"{figures['code_lines']:,} code lines, {len(plants)} planted clones"
        )
        nbr, hook_target = prepare_nbrefactor(corpus, work / "cache-snapshot")
        floor = prepare_floor(corpus)
        tools = [nbr, floor]
        if args.no_peers:
            jscpd = Tool("jscpd", skipped="--no-peers")
            pylint = Tool("pylint", skipped="--no-peers")
        else:
            jscpd = prepare_jscpd(corpus, work, plants)
            pylint = prepare_pylint(corpus, args.peers_venv)
        tools += [jscpd, pylint]
        interleave([m for tool in tools for m in tool.measurements.values()], args.repeat)
        if (cold := nbr.measurements["cold"]).samples:
            first_cell = cell_numbering(work / "probe")
            nbr.notes.append(f"its JSON numbers the first cell {first_cell}")
            findings = nbrefactor_findings(cold.samples[-1].stdout, root, first_cell)
            _score(nbr, plants, findings)
        if "cold" in jscpd.measurements and jscpd.measurements["cold"].samples:
            report = work / "jscpd-report" / peers.JSCPD_REPORT
            _score(jscpd, plants, peers.jscpd_findings(report, work / "converted", plants))
        if "cold" in pylint.measurements and (runs := pylint.measurements["cold"].samples):
            _score(pylint, plants, peers.pylint_findings(runs[-1].stdout, plants))
    floor_cpu = floor.measurements["cold"].median_cpu()
    scale = floor_cpu / ISSUE_FLOOR if floor_cpu else None
    cold_cpu, warm_cpu = (nbr.measurements[k].median_cpu() for k in ("cold", "warm"))
    return {
        "repeat": args.repeat,
        "platform": platform.platform(),
        "versions": _versions(args.peers_venv, not args.no_peers),
        "corpus": {
            "source": corpus.source,
            **figures,
            "planted": {kind: sum(p.snippet.kind == kind for p in plants) for kind in KINDS},
            "plant_seed": args.plant_seed,
            "hook_notebook": hook_target.as_posix(),
        },
        "tools": {tool.name: _figures(tool) for tool in tools},
        "goals": {
            "floor_scale": scale,
            "cold": {
                "issue": GOAL_COLD,
                **_goal(cold_cpu, GOAL_COLD * scale if scale else GOAL_COLD),
            },
            "warm": {
                "issue": GOAL_WARM,
                **_goal(warm_cpu, GOAL_WARM * scale if scale else GOAL_WARM),
            },
            "hook": {"issue": GOAL_HOOK, **_goal(nbr.measurements["hook"].median_cpu(), GOAL_HOOK)},
            "recall": {
                "issue": dict.fromkeys(KINDS, 10),
                "value": nbr.recall,
                "met": None if nbr.recall is None else all(v == 10 for v in nbr.recall.values()),
            },
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "dir",
        nargs="?",
        type=Path,
        help="folder of notebooks to use instead of the synthetic corpus (copied, never changed)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=DEFAULT_REPEAT,
        help=f"rounds; each figure is the median (default: {DEFAULT_REPEAT})",
    )
    parser.add_argument(
        "--notebooks",
        type=int,
        default=DEFAULT_NOTEBOOKS,
        help=f"size of the synthetic corpus (default: {DEFAULT_NOTEBOOKS})",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the synthetic corpus")
    parser.add_argument(
        "--plant-seed",
        type=int,
        default=DEFAULT_PLANT_SEED,
        help=f"seed choosing where the 30 clones are planted (default: {DEFAULT_PLANT_SEED})",
    )
    parser.add_argument(
        "--peers-venv",
        type=Path,
        default=peers.DEFAULT_PEERS_VENV,
        help="virtualenv for nbqa and pylint, made if missing (default: benchmarks/.venv-peers)",
    )
    parser.add_argument("--no-peers", action="store_true", help="skip jscpd and nbqa + pylint")
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
        print(render(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
