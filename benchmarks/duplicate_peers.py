"""The peer duplicate detectors ``duplicates_speed.py`` compares nbrefactor with: how to
install them, the commands it times, and how their findings map back to notebook cells.

* **nbqa + pylint** (``duplicate-code``, R0801), from PyPI into a virtualenv of their own
  (``benchmarks/.venv-peers``), made with uv if it is on ``PATH``, else venv + pip.
* **jscpd 5**, from npm, pinned by ``benchmarks/peers/package-lock.json`` and installed
  with ``npm ci`` into ``benchmarks/peers/node_modules``. jscpd cannot read ``.ipynb``,
  so the notebooks are first converted to ``py:percent`` scripts with jupytext.

Neither is a dependency of nbrefactor: when one cannot be installed, the benchmark says
why and goes on without it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from planted_clones import Finding, Hit, Plant, PlantedCell

HERE = Path(__file__).resolve().parent
PEERS_DIR = HERE / "peers"
DEFAULT_PEERS_VENV = HERE / ".venv-peers"
PYLINT_PACKAGES = ("nbqa", "pylint")
PYLINT_ARGS = ("pylint", "--disable=all", "--enable=duplicate-code")

#: jscpd's size floor. nbrefactor's default is 3 statements and 30 syntax-tree tokens;
#: jscpd counts lexical tokens (brackets, dots and commas included), of which a line of
#: pandas code has more than it has syntax-tree nodes, so 30 of them and 3 lines is a
#: bar no higher than nbrefactor's. jscpd's own defaults (50 tokens, 5 lines) would miss
#: short blocks nbrefactor reports.
JSCPD_SIZE = ("--min-tokens", "30", "--min-lines", "3")

#: The jscpd configurations tried for recall, simplest first. ``--mode weak`` skips
#: comment tokens (markdown cells become comments in a py:percent script, and Type-1
#: copies may differ in comments); ``--ignore-identifiers`` (consistent renaming) and
#: ``--ignore-literals`` are its "ignore" options for Type-2; ``--max-gap-lines`` joins
#: two exact runs around an edit into one near-miss (Type-3) clone.
JSCPD_MODES: dict[str, tuple[str, ...]] = {
    "exact": ("--mode", "weak"),
    "ignore": ("--mode", "weak", "--ignore-identifiers", "--ignore-literals"),
    "ignore+gap": (
        "--mode",
        "weak",
        "--ignore-identifiers",
        "--ignore-literals",
        "--max-gap-lines",
        "2",
    ),
}
JSCPD_REPORT = "jscpd-report.json"


def _bin(venv: Path, name: str) -> Path:
    folder = venv / ("Scripts" if os.name == "nt" else "bin")
    return folder / (name + (".exe" if os.name == "nt" else ""))


def _run(command: Sequence[str], timeout: float, cwd: Path | None = None) -> str | None:
    """Run an installation step; None when it worked, else why not."""
    try:
        done = subprocess.run(
            list(command), cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
        )
    except (OSError, subprocess.SubprocessError) as error:
        return str(error)
    if done.returncode == 0:
        return None
    last = ((done.stderr or done.stdout).strip().splitlines() or ["failed"])[-1]
    return f"`{' '.join(map(str, command[:3]))} ...` exited {done.returncode}: {last}"


# -- nbqa + pylint -------------------------------------------------------------------------------


def _pylint_ready(venv: Path) -> bool:
    python = _bin(venv, "python")
    if not python.exists() or not _bin(venv, "nbqa").exists():
        return False
    return _run([str(python), "-c", "import nbqa, pylint"], timeout=120) is None


def ensure_pylint(venv: Path) -> tuple[bool, str]:
    """Make sure ``venv`` holds nbqa and pylint: (ready, how it was made or why not)."""
    if _pylint_ready(venv):
        return True, "existing virtualenv"
    python = str(_bin(venv, "python"))
    attempts: list[tuple[str, list[list[str]]]] = []
    uv = shutil.which("uv")
    if uv:
        attempts.append(
            (
                "uv",
                [
                    [uv, "venv", "--quiet", "--python", sys.executable, str(venv)],
                    [uv, "pip", "install", "--quiet", "--python", python, *PYLINT_PACKAGES],
                ],
            )
        )
    attempts.append(
        (
            "venv + pip",
            [
                [sys.executable, "-m", "venv", "--clear", str(venv)],
                [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                 *PYLINT_PACKAGES],
            ],
        )
    )  # fmt: skip
    errors = []
    for how, commands in attempts:
        failed = next((e for e in (_run(c, timeout=900) for c in commands) if e), None)
        if failed is None and _pylint_ready(venv):
            return True, f"installed with {how}"
        errors.append(f"{how}: {failed or 'nbqa/pylint not importable after install'}")
    return False, "; ".join(errors)


def pylint_versions(venv: Path) -> dict[str, str]:
    code = (
        "import importlib.metadata as m, json;"
        f"print(json.dumps({{p: m.version(p) for p in {list(PYLINT_PACKAGES)!r}}}))"
    )
    try:
        done = subprocess.run(
            [str(_bin(venv, "python")), "-c", code], capture_output=True, text=True, check=False
        )
        return dict(json.loads(done.stdout))
    except (OSError, ValueError):
        return {}


def pylint_command(venv: Path, notebooks: Sequence[Path]) -> list[str]:
    return [str(_bin(venv, "nbqa")), *PYLINT_ARGS, *(p.as_posix() for p in notebooks)]


def pylint_failed(returncode: int) -> bool:
    """pylint's exit code is a bit mask: 1 fatal, 32 usage error (8 = refactor messages)."""
    return bool(returncode & (1 | 32))


_SIMILAR_ENTRY = re.compile(r"^==(?P<module>.+?):\[(?P<start>\d+):(?P<end>\d+)\]\s*$")


def _similar_groups(output: str) -> list[tuple[list[str], list[str]]]:
    """Each R0801 message as (modules listed by ``==module:[start:end]``, lines printed)."""
    groups: list[tuple[list[str], list[str]]] = []
    modules: list[str] | None = None
    for line in output.splitlines():
        if "R0801" in line:
            modules = []
            groups.append((modules, []))
            continue
        if modules is None:
            continue
        entry = _SIMILAR_ENTRY.match(line)
        if entry and not groups[-1][1]:
            modules.append(entry["module"])
        elif line.startswith("*" * 5) or not line.strip():
            modules = None
        else:
            groups[-1][1].append(line.removesuffix(" (duplicate-code)").strip())
    return groups


def pylint_findings(output: str, plants: Sequence[Plant]) -> list[Finding]:
    """pylint's similar-lines groups as hits on the planted cells.

    nbqa hands pylint one script per notebook and names it by the notebook's stem, with
    line numbers of that script, not of the notebook; the group prints the shared lines
    once. A group hits a planted cell when it names the cell's notebook and prints some
    of the cell's lines; the hit is those lines.
    """
    cells = [cell for plant in plants for cell in (plant.first, plant.second)]
    sources = {(c.path, c.cell): _planted_source(plants, c) for c in cells}
    findings: list[Finding] = []
    for modules, printed in _similar_groups(output):
        shown = {line for line in printed if line}
        hits = []
        for cell in cells:
            if not any(_module_matches(m, cell.path) for m in modules):
                continue
            lines = sources[cell.path, cell.cell].splitlines()
            matched = frozenset(
                number for number, text in enumerate(lines, start=1) if text.strip() in shown
            )
            if matched:
                hits.append(Hit(cell.path, cell.cell, matched))
        findings.append(tuple(hits))
    return findings


def _module_matches(module: str, notebook: str) -> bool:
    stem = Path(notebook).stem
    return module == stem or module.endswith("." + stem) or module.replace(".", "/") == stem


def _planted_source(plants: Sequence[Plant], cell: PlantedCell) -> str:
    for plant in plants:
        if plant.first == cell:
            return plant.snippet.first
        if plant.second == cell:
            return plant.snippet.second
    raise LookupError(cell)


# -- jupytext + jscpd -----------------------------------------------------------------------------


def jscpd_binary(peers_dir: Path = PEERS_DIR) -> Path:
    return peers_dir / "node_modules" / ".bin" / ("jscpd.cmd" if os.name == "nt" else "jscpd")


def jscpd_version(peers_dir: Path = PEERS_DIR) -> str | None:
    try:
        done = subprocess.run(
            [str(jscpd_binary(peers_dir)), "--version"],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    words = done.stdout.split()
    return words[-1] if done.returncode == 0 and words else None


def ensure_jscpd(peers_dir: Path = PEERS_DIR) -> tuple[bool, str]:
    """Install jscpd with ``npm ci`` if needed: (ready, how or why not)."""
    if jscpd_version(peers_dir):
        return True, "existing node_modules"
    npm = shutil.which("npm")
    if npm is None:
        return False, "npm is not on PATH"
    failed = _run(
        [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], timeout=600, cwd=peers_dir
    )
    if failed:
        return False, failed
    if not jscpd_version(peers_dir):
        return False, "jscpd does not run after npm ci"
    return True, "installed with npm ci"


def jupytext_command(notebooks: Sequence[Path]) -> list[str]:
    """Convert every notebook to a py:percent script next to it, in one process."""
    folder = Path(sys.executable).parent
    found = [p for p in (folder / "jupytext", folder / "jupytext.exe") if p.is_file()]
    command = [str(found[0])] if found else [sys.executable, "-m", "jupytext"]
    return [*command, "--quiet", "--to", "py:percent", *(p.as_posix() for p in notebooks)]


def jscpd_command(mode: str, report_dir: Path, peers_dir: Path = PEERS_DIR) -> list[str]:
    """jscpd on the current folder's Python files, writing its JSON report to ``report_dir``."""
    return [
        str(jscpd_binary(peers_dir)),
        "--format",
        "python",
        *JSCPD_SIZE,
        *JSCPD_MODES[mode],
        "--reporters",
        "json",
        "--output",
        str(report_dir),
        "--silent",
        "--no-tips",
        ".",
    ]


def _locate(lines: Sequence[str], source: str) -> int | None:
    """The 1-based line where ``source`` starts in ``lines``, as consecutive lines."""
    wanted = source.splitlines()
    for start in range(len(lines) - len(wanted) + 1):
        if lines[start : start + len(wanted)] == wanted:
            return start + 1
    return None


def jscpd_findings(report: Path, converted: Path, plants: Sequence[Plant]) -> list[Finding]:
    """jscpd's clone pairs as hits on the planted cells.

    jupytext keeps a code cell's lines as they are (magics only get commented out), so
    each planted cell is found verbatim in its notebook's script; a pair's line range in
    that script maps onto the cell's lines.
    """
    where: dict[str, list[tuple[PlantedCell, int, int]]] = {}
    for plant in plants:
        copies = ((plant.first, plant.snippet.first), (plant.second, plant.snippet.second))
        for cell, source in copies:
            script = converted / Path(cell.path).with_suffix(".py")
            text = script.read_text(encoding="utf-8") if script.is_file() else ""
            start = _locate(text.splitlines(), source)
            if start is not None:
                key = script.relative_to(converted).as_posix()
                where.setdefault(key, []).append((cell, start, len(source.splitlines())))
    data = json.loads(report.read_text(encoding="utf-8"))
    findings: list[Finding] = []
    for pair in data.get("duplicates", []):
        hits = []
        for side in (pair["firstFile"], pair["secondFile"]):
            name = Path(side["name"])
            key = (name.relative_to(converted) if name.is_absolute() else name).as_posix()
            for cell, start, size in where.get(key.removeprefix("./"), []):
                first = max(side["start"], start) - start + 1
                last = min(side["end"], start + size - 1) - start + 1
                if first <= last:
                    hits.append(Hit(cell.path, cell.cell, frozenset(range(first, last + 1))))
        findings.append(tuple(hits))
    return findings
