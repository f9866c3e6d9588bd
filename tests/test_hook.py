"""The ``nbrefactor-duplicates`` pre-commit hook, through ``main(argv)`` in real git
repositories, and once through the real ``pre-commit try-repo``.

pre-commit runs the hook from the repository root and passes the staged files as paths
relative to it, so most tests run the hook that way: a notebook is committed, a new one
is written (and staged, as pre-commit would see it) and only the new one is passed.
"""

from __future__ import annotations

import importlib.util
import json
import marshal
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from nbrefactor import cli
from nbrefactor.analysis.fingerprints import DocumentPrint
from nbrefactor.duplicates.baseline import load_baseline
from nbrefactor.duplicates.cache import CACHE_DIR, MAX_AGE, FingerprintCache
from nbrefactor.hooks.duplicates import main
from tests.conftest import REPO, CellSpec, notebook_dict

#: Five statements copied between notebooks; the import lives in its own cell.
BLOCK = """\
df = pd.read_csv('data.csv')
df = df.dropna()
df['total'] = df['price'] * df['quantity']
summary = df.groupby('region')['total'].sum()
print(summary.sort_values())
"""
#: Code that appears nowhere else.
CLEAN_DEF = """\
def area(width, height):
    scale = 2
    result = width * height * scale
    return result
"""
CLEAN_USE = "print(area(3, 4))\nprint(area(5, 6))\nvalue = area(1, 2) + 7\n"
OTHER = """\
import math
radius = 4.5
circumference = 2 * math.pi * radius
surface = math.pi * radius ** 2
print(f'{circumference:.2f} {surface:.2f}')
"""
#: ``path:cell_N:line:col: NBR001 ...`` at the start of an output line.
LOCATION = re.compile(r"^(?P<path>.+?):cell_(?P<cell>\d+):(?P<line>\d+):(?P<col>\d+): NBR001 ")
GIT_ENV = ("GIT_DIR", "GIT_INDEX_FILE", "GIT_WORK_TREE", "GIT_OBJECT_DIRECTORY")


# -- helpers ---------------------------------------------------------------------------------


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, capture_output=True, text=True, check=True, timeout=60
    ).stdout


def init_repo(repo: Path) -> Path:
    repo.mkdir(parents=True, exist_ok=True)
    git(repo, "init", "-q")
    git(repo, "config", "user.name", "nbrefactor tests")
    git(repo, "config", "user.email", "tests@example.invalid")
    git(repo, "config", "commit.gpgsign", "false")
    return repo


def write(repo: Path, name: str, *cells: CellSpec) -> Path:
    path = repo / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(notebook_dict(*cells), indent=1), encoding="utf-8")
    return path


def commit(repo: Path, *names: str, message: str = "notebooks") -> None:
    git(repo, "add", "--", *names)
    git(repo, "commit", "-q", "-m", message)


def write_new_copy(repo: Path, *, staged: bool, name: str = "new.ipynb") -> Path:
    """A new notebook whose cell 1 copies cell 1 of the committed ``old.ipynb``."""
    path = write(repo, name, "import pandas as pd", BLOCK, "y = 2\nprint(y)")
    if staged:
        git(repo, "add", "--", name)
    return path


def write_clean(repo: Path, *, staged: bool, name: str = "clean.ipynb") -> Path:
    path = write(repo, name, ("markdown", "# Areas"), CLEAN_DEF, CLEAN_USE)
    if staged:
        git(repo, "add", "--", name)
    return path


def hook(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def reported(out: str, repo: Path) -> list[tuple[str, int]]:
    """The reported copies as (path relative to the repository, cell), sorted; the same
    file named two ways (relative and absolute) counts twice."""
    found = []
    for line in out.splitlines():
        match = LOCATION.match(line)
        if match:
            path = Path(match["path"])
            absolute = path if path.is_absolute() else repo / path  # the hook runs at the root
            relative = absolute.resolve().relative_to(repo.resolve()).as_posix()
            found.append((relative, int(match["cell"])))
    return sorted(found)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository with two committed notebooks (``old.ipynb`` holds BLOCK), cwd."""
    for name in GIT_ENV:  # when the tests themselves run inside a git hook
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("PRE_COMMIT", raising=False)
    root = init_repo(tmp_path / "repo")
    write(root, "old.ipynb", ("markdown", "# Sales"), "import pandas as pd", BLOCK)
    write(root, "other.ipynb", OTHER)
    commit(root, "old.ipynb", "other.ipynb")
    monkeypatch.chdir(root)
    return root


STAGED = pytest.mark.parametrize("staged", [False, True], ids=["untracked", "staged"])


# -- (a) a new copy of an old, unchanged notebook ----------------------------------------------


@STAGED
def test_new_copy_of_committed_notebook_is_reported(
    repo: Path, capsys: pytest.CaptureFixture[str], staged: bool
) -> None:
    write_new_copy(repo, staged=staged)
    code, out, err = hook(capsys, "new.ipynb")
    assert code == 1, out + err
    assert "NBR001" in out
    assert "new.ipynb" in out and "old.ipynb" in out
    # the passed file's copy is the finding; the committed one is where it also is (as a
    # linter reports only on the files it is given), and the new notebook is not also a
    # copy of itself
    assert reported(out, repo) == [("new.ipynb", 2)], out
    assert "also at old.ipynb:cell_3:1" in out
    assert out.splitlines()[-1].startswith("1 duplicated block (1 copy) in "), out
    assert err == ""


def test_excluded_paths_are_neither_reported_nor_compared_with(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "pyproject.toml").write_text('[tool.nbrefactor]\nexclude = ["scratch/"]\n')
    write_new_copy(repo, staged=True, name="scratch/copy.ipynb")
    assert hook(capsys, "scratch/copy.ipynb")[0] == 0  # as `check .` would skip it
    commit(repo, "scratch/copy.ipynb")
    write(repo, "old.ipynb", ("markdown", "# Sales"), "x = 1")  # the copy's only twin goes
    commit(repo, "old.ipynb")
    write_new_copy(repo, staged=True)
    code, out, _ = hook(capsys, "new.ipynb")
    assert code == 0, out  # the excluded scratch copy is not compared with either


def test_reported_paths_are_relative_to_the_repository(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The paths pre-commit passes are relative; the copies found among the tracked
    notebooks are named the same way (as ``nbrefactor check .`` names them)."""
    write_new_copy(repo, staged=False)
    code, out, _ = hook(capsys, "new.ipynb")
    assert code == 1
    assert out.splitlines()[0] == (
        "new.ipynb:cell_2:1:1: NBR001 duplicated block (5 statements) — also at old.ipynb:cell_3:1"
    ), out
    assert str(repo) not in out and str(repo.resolve()) not in out


def test_copy_within_the_new_notebook_and_with_old_one(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two copies in the passed file plus the old one: one class, three copies."""
    write(repo, "new.ipynb", "import pandas as pd", BLOCK, "x = 0", BLOCK)
    code, out, _ = hook(capsys, "new.ipynb")
    assert code == 1
    assert reported(out, repo) == [("new.ipynb", 2), ("new.ipynb", 4)], out
    assert "old.ipynb:cell_3:1" in out  # named as the third place


def test_copy_in_a_subfolder_is_reported(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_new_copy(repo, staged=True, name="analysis/2024/new.ipynb")
    code, out, _ = hook(capsys, "analysis/2024/new.ipynb")
    assert code == 1
    assert reported(out, repo) == [("analysis/2024/new.ipynb", 2)], out
    assert "also at old.ipynb:cell_3:1" in out


def test_copy_of_a_whole_cell_starting_with_an_import_is_reported(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Copying a whole cell (imports first, then the code) is the most common copy.

    The cell's code appears nowhere else, so only the two import-led copies exist."""
    cell = "import numpy as np\n" + CLEAN_DEF + "grid = np.ones((3, 3))\nprint(area(*grid.shape))\n"
    write(repo, "old2.ipynb", cell)
    commit(repo, "old2.ipynb")
    write(repo, "new.ipynb", cell)
    code, out, _ = hook(capsys, "new.ipynb")
    assert code == 1, "a copied cell that starts with an import is not found"
    assert ("new.ipynb", 1) in reported(out, repo)
    assert "also at old2.ipynb:cell_1:" in out


# -- (b) clean files, (c) no files -------------------------------------------------------------


@STAGED
def test_clean_file_passes_silently(
    repo: Path, capsys: pytest.CaptureFixture[str], staged: bool
) -> None:
    write_clean(repo, staged=staged)
    code, out, err = hook(capsys, "clean.ipynb")
    assert (code, out, err) == (0, "", "")


def test_edited_committed_clean_notebook_passes(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The usual commit: a tracked notebook is edited, staged and checked."""
    write_clean(repo, staged=True)
    commit(repo, "clean.ipynb")
    write(repo, "clean.ipynb", ("markdown", "# Areas"), CLEAN_DEF, CLEAN_USE, "print('done')")
    git(repo, "add", "clean.ipynb")
    code, out, err = hook(capsys, "clean.ipynb", "other.ipynb")
    assert (code, out, err) == (0, "", "")


def test_no_files_exit_0(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert hook(capsys) == (0, "", "")
    assert not (repo / CACHE_DIR).exists()


# -- (d, e) the fingerprint cache --------------------------------------------------------------


def cache_file(repo: Path) -> Path:
    """The cache's index (entries are files next to it, named by content hash)."""
    folders = sorted((repo / CACHE_DIR).glob("fingerprints-*"))
    assert len(folders) == 1, folders
    return folders[0] / "index"


def saved_cache(repo: Path) -> dict[str, Any]:
    saved = marshal.loads(cache_file(repo).read_bytes())
    assert isinstance(saved, dict)
    return saved


def test_cache_is_created_at_repository_root_and_reused(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_new_copy(repo, staged=False, name="analysis/new.ipynb")
    old_enough(repo)
    first = hook(capsys, "analysis/new.ipynb")
    assert first[0] == 1
    folder = repo / CACHE_DIR
    assert folder.is_dir()
    assert not (repo / "analysis" / CACHE_DIR).exists()
    ignore = (folder / ".gitignore").read_text(encoding="utf-8")
    assert "*" in [line.strip() for line in ignore.splitlines()]
    saved = saved_cache(repo)
    assert saved["generation"] == 1
    assert len(saved["entries"]) == 3  # old, other and the new notebook, by content
    assert len(saved["files"]) == 3  # and where each is, by size, time and inode
    assert {p.name for p in cache_file(repo).parent.iterdir()} == {"index", *saved["entries"]}
    # the cache ignores itself: git does not see it
    assert CACHE_DIR not in git(repo, "status", "--porcelain", "--untracked-files=all")
    data = cache_file(repo).read_bytes()

    second = hook(capsys, "analysis/new.ipynb")
    assert second == first
    assert cache_file(repo).read_bytes() == data  # every print came from the cache
    assert hook(capsys, "--no-cache", "analysis/new.ipynb") == first


def old_enough(repo: Path) -> None:
    """Date every notebook a minute back: the cache does not trust the stat of a file
    changed in the last seconds (it could change again with the same stat)."""
    past = time.time() - 60
    for path in repo.rglob("*.ipynb"):
        os.utime(path, (past, past))


def test_cache_follows_a_changed_file(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A file whose stat changed after the first run is read again."""
    write_clean(repo, staged=False, name="new.ipynb")
    old_enough(repo)
    assert hook(capsys, "new.ipynb") == (0, "", "")
    write_new_copy(repo, staged=False)
    code, out, _ = hook(capsys, "new.ipynb")
    assert code == 1
    assert reported(out, repo) == [("new.ipynb", 2)], out


def test_cache_reads_a_file_changed_within_the_same_second_again(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file system with coarse times may keep the stat of an edited file: a file
    changed moments before a run is hashed again next time, whatever its stat."""
    write_clean(repo, staged=False, name="new.ipynb")
    assert hook(capsys, "new.ipynb") == (0, "", "")
    before = (repo / "new.ipynb").stat()
    write_new_copy(repo, staged=False)
    os.utime(repo / "new.ipynb", ns=(before.st_atime_ns, before.st_mtime_ns))
    assert hook(capsys, "new.ipynb")[0] == 1


def _corrupt_garbage(_: dict[str, Any]) -> bytes:
    return b"\x00\x01 this is not marshal {"


def _corrupt_truncated(saved: dict[str, Any]) -> bytes:
    return marshal.dumps(saved)[:-25]


def _corrupt_list(_: dict[str, Any]) -> bytes:
    return marshal.dumps([1, 2, 3])


def _corrupt_null_entries(saved: dict[str, Any]) -> bytes:
    return marshal.dumps({**saved, "entries": dict.fromkeys(saved["entries"])})


def _corrupt_empty_entries(saved: dict[str, Any]) -> bytes:
    return marshal.dumps({**saved, "entries": {key: [] for key in saved["entries"]}})


def _corrupt_bad_statements(saved: dict[str, Any]) -> bytes:
    bad = [3, (((1, 0, ((1, 2),)),), ())]
    return marshal.dumps({"generation": "?", "entries": dict.fromkeys(saved["entries"], bad)})


def _corrupt_files(saved: dict[str, Any]) -> bytes:
    return marshal.dumps({**saved, "files": {path: [1, "x", None] for path in saved["files"]}})


@pytest.mark.parametrize(
    "corrupt",
    [
        _corrupt_garbage,
        _corrupt_truncated,
        _corrupt_list,
        _corrupt_null_entries,
        _corrupt_empty_entries,
        _corrupt_bad_statements,
        _corrupt_files,
    ],
    ids=lambda f: f.__name__.removeprefix("_corrupt_"),
)
def test_corrupt_cache_is_ignored(
    repo: Path, capsys: pytest.CaptureFixture[str], corrupt: Callable[[dict[str, Any]], bytes]
) -> None:
    write_new_copy(repo, staged=False)
    old_enough(repo)
    first = hook(capsys, "new.ipynb")
    assert first[0] == 1
    cache_file(repo).write_bytes(corrupt(saved_cache(repo)))
    assert hook(capsys, "new.ipynb") == first
    hook(capsys, "--no-cache", "new.ipynb")  # and the cache it saved is a good one again
    assert len(saved_cache(repo)["entries"]) == 3


def test_a_missing_or_corrupt_entry_is_fingerprinted_again(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_new_copy(repo, staged=False)
    old_enough(repo)
    first = hook(capsys, "new.ipynb")
    entries = [p for p in cache_file(repo).parent.iterdir() if p.name != "index"]
    entries[0].unlink()
    entries[1].write_bytes(b"not marshal")
    assert hook(capsys, "new.ipynb") == first


def test_a_run_over_the_same_files_reuses_the_findings(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The findings depend only on the files, the settings and the version: with none
    changed, a run takes them from the cache without loading any fingerprints."""
    write_new_copy(repo, staged=False)
    old_enough(repo)
    first = hook(capsys, "new.ipynb")
    assert first[0] == 1 and len(saved_cache(repo)["results"]) == 1
    for entry in cache_file(repo).parent.iterdir():
        if entry.name != "index":
            entry.unlink()  # were fingerprints loaded, they would have to be read again
    assert hook(capsys, "new.ipynb") == first
    assert sorted(p.name for p in cache_file(repo).parent.iterdir()) == ["index"]
    write_clean(repo, staged=False, name="new.ipynb")  # a change: found again
    assert hook(capsys, "new.ipynb") == (0, "", "")


def test_entries_unused_for_max_age_saves_are_dropped(tmp_path: Path) -> None:
    document = DocumentPrint("a.ipynb", (), ())
    cache = FingerprintCache(tmp_path)
    cache.put("old", document)
    cache.save()
    for generation in range(2, MAX_AGE + 2):  # each run edits a notebook: a new entry
        cache = FingerprintCache(tmp_path)
        cache.put(f"edit-{generation}", document)
        assert cache.get("edit-2", "a.ipynb") is not None  # one notebook every run reads
        cache.save()
        saved = marshal.loads((cache.entries / "index").read_bytes())
        assert saved["generation"] == generation
        assert ("old" in saved["entries"]) == (generation <= MAX_AGE)
        assert (cache.entries / "old").exists() == (generation <= MAX_AGE)
        assert "edit-2" in saved["entries"]
    assert FingerprintCache(tmp_path).get("old", "a.ipynb") is None


# -- (f) baseline ------------------------------------------------------------------------------


@pytest.fixture
def baselined(repo: Path) -> Path:
    """``old.ipynb`` and ``old2.ipynb`` share BLOCK; both copies are in ``b.json``."""
    write(repo, "old2.ipynb", "import pandas as pd", BLOCK, "print('old2')")
    commit(repo, "old2.ipynb")
    result = CliRunner().invoke(
        cli.main, ["check", ".", "--baseline", "b.json", "--update-baseline"]
    )
    assert result.exit_code == 0, result.output
    assert len(load_baseline(repo / "b.json")) == 2
    commit(repo, "b.json", message="baseline")
    return repo


def test_baseline_lets_old_duplicates_pass(
    baselined: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # an unrelated edit to a notebook that holds a known copy
    write(baselined, "old2.ipynb", "import pandas as pd", BLOCK, "print('old2')", "z = 3")
    git(baselined, "add", "old2.ipynb")
    assert hook(capsys, "--baseline", "b.json", "old2.ipynb") == (0, "", "")
    # without the baseline the old copy in the passed file is reported
    code, out, _ = hook(capsys, "old2.ipynb")
    assert code == 1
    assert reported(out, baselined) == [("old2.ipynb", 2)], out


@STAGED
def test_baseline_still_reports_a_new_copy(
    baselined: Path, capsys: pytest.CaptureFixture[str], staged: bool
) -> None:
    write_new_copy(baselined, staged=staged)
    code, out, _ = hook(capsys, "--baseline", "b.json", "new.ipynb")
    assert code == 1
    # only the new copy is a finding; the known ones are named as where it comes from
    assert reported(out, baselined) == [("new.ipynb", 2)], out
    assert "also at old.ipynb:cell_3:1, old2.ipynb:cell_2:1" in out


def test_baseline_reports_the_block_pasted_again_in_a_notebook_that_has_a_known_copy(
    baselined: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The baseline recorded (file, shape) pairs, so a second copy in old2.ipynb was
    known as soon as the first was: it now counts the copies of each shape in a file."""
    write(baselined, "old2.ipynb", "import pandas as pd", BLOCK, "print('old2')", BLOCK)
    git(baselined, "add", "old2.ipynb")
    code, out, _ = hook(capsys, "--baseline", "b.json", "old2.ipynb")
    assert code == 1
    assert reported(out, baselined) == [("old2.ipynb", 4)], out  # the later copy
    assert "(1 new copy, 2 known)" in out


def test_baseline_knows_the_copies_of_a_renamed_notebook(
    baselined: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    git(baselined, "mv", "old2.ipynb", "renamed.ipynb")
    assert hook(capsys, "--baseline", "b.json", "renamed.ipynb") == (0, "", "")
    # a paste of the same block elsewhere in that commit: which file was renamed cannot
    # be told, so neither takes the gone file's count (before, the first in path order did)
    write_new_copy(baselined, staged=True)
    code, out, _ = hook(capsys, "--baseline", "b.json", "new.ipynb", "renamed.ipynb")
    assert code == 1
    assert reported(out, baselined) == [("new.ipynb", 2), ("renamed.ipynb", 2)], out
    git(baselined, "rm", "-q", "--cached", "new.ipynb")
    (baselined / "new.ipynb").unlink()
    # a copy of the notebook beside the one it copies is new all the same
    git(baselined, "mv", "renamed.ipynb", "old2.ipynb")
    (baselined / "copied.ipynb").write_bytes((baselined / "old2.ipynb").read_bytes())
    git(baselined, "add", "copied.ipynb")
    code, out, _ = hook(capsys, "--baseline", "b.json", "copied.ipynb")
    assert code == 1
    assert reported(out, baselined) == [("copied.ipynb", 2)], out


def test_a_baseline_of_version_1_knows_any_number_of_copies_in_a_file(
    baselined: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Written before copies were counted: it still lets the copies of its files pass."""
    data = json.loads((baselined / "b.json").read_text())
    copies = [{"path": c["path"], "fingerprint": c["fingerprint"]} for c in data["copies"]]
    (baselined / "b.json").write_text(json.dumps({"version": 1, "copies": copies}))
    write(baselined, "old2.ipynb", "import pandas as pd", BLOCK, "print('old2')", BLOCK)
    git(baselined, "add", "old2.ipynb")
    assert hook(capsys, "--baseline", "b.json", "old2.ipynb") == (0, "", "")


def test_baseline_from_pyproject(baselined: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (baselined / "pyproject.toml").write_text(
        '[tool.nbrefactor]\nbaseline = "b.json"\n', encoding="utf-8"
    )
    write(baselined, "old2.ipynb", "import pandas as pd", BLOCK, "print('old2')", "z = 3")
    git(baselined, "add", "old2.ipynb", "pyproject.toml")
    assert hook(capsys, "old2.ipynb") == (0, "", "")
    write_new_copy(baselined, staged=True)
    assert hook(capsys, "new.ipynb")[0] == 1


@pytest.mark.parametrize("pyproject", [None, "[tool.ruff]\nline-length = 100\n"])
def test_adopting_the_hook_as_the_docs_say(
    repo: Path, capsys: pytest.CaptureFixture[str], pyproject: str | None
) -> None:
    """docs/how-to/pre-commit.md, step 3 and 4, literally: record the copies there are,
    commit the baseline, and from then on only a new copy blocks a commit."""
    if pyproject is not None:
        (repo / "pyproject.toml").write_text(pyproject, encoding="utf-8")
        commit(repo, "pyproject.toml", message="project")
    write(repo, "old2.ipynb", "import pandas as pd", BLOCK, "print('old2')")
    commit(repo, "old2.ipynb")
    # 3. Record the copies you already have: `nbrefactor check . --update-baseline`
    result = CliRunner().invoke(cli.main, ["check", ".", "--update-baseline"])
    assert result.exit_code == 0, result.output
    assert "wrote 2 known copies to" in result.stderr
    baseline = repo / ".nbrefactor-baseline.json"
    assert [c["path"] for c in json.loads(baseline.read_text())["copies"]] == [
        "old.ipynb",
        "old2.ipynb",
    ]
    commit(repo, ".nbrefactor-baseline.json", message="nbrefactor baseline")
    # the known copies never block, edited or not
    write(repo, "old2.ipynb", "import pandas as pd", BLOCK, "print('old2')", "z = 3")
    git(repo, "add", "old2.ipynb")
    assert hook(capsys, "old2.ipynb") == (0, "", "")
    assert hook(capsys, "old.ipynb", "old2.ipynb", "other.ipynb") == (0, "", "")
    # run from a subfolder, the hook finds the baseline at the root all the same
    (repo / "sub").mkdir()
    os.chdir(repo / "sub")
    try:
        assert hook(capsys, "../old2.ipynb") == (0, "", "")
    finally:
        os.chdir(repo)
    # 4. a block pasted somewhere new blocks the commit, and only that copy is reported
    write_new_copy(repo, staged=True)
    code, out, err = hook(capsys, "new.ipynb", "old.ipynb", "old2.ipynb")
    assert (code, err) == (1, "")
    assert out.splitlines() == [
        "new.ipynb:cell_2:1:1: NBR001 duplicated block (5 statements) — also at "
        "old.ipynb:cell_3:1, old2.ipynb:cell_2:1",
        "1 duplicated block (1 new copy, 2 known) in 4 files",
    ]
    # `nbrefactor check .` finds the same baseline with no option, and says the same
    result = CliRunner().invoke(cli.main, ["check", ".", "--no-cache"])
    assert result.exit_code == 1 and result.stdout == out


def test_check_and_the_hook_find_the_root_baseline_past_a_subproject_without_settings(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A pyproject.toml without [tool.nbrefactor] in a subfolder made `check sub` take
    that subfolder for the project root: it missed the baseline the hook used."""
    write(repo, "sub/copy.ipynb", "import pandas as pd", BLOCK)
    write(repo, "sub/copy2.ipynb", "import pandas as pd", BLOCK)
    (repo / "sub/pyproject.toml").write_text("[project]\nname = 'sub'\n", encoding="utf-8")
    commit(repo, "sub")
    result = CliRunner().invoke(cli.main, ["check", ".", "--update-baseline"])
    assert result.exit_code == 0, result.output
    commit(repo, ".nbrefactor-baseline.json", message="baseline")
    assert CliRunner().invoke(cli.main, ["check", "sub", "--no-cache"]).exit_code == 0
    os.chdir(repo / "sub")
    try:
        assert CliRunner().invoke(cli.main, ["check", ".", "--no-cache"]).exit_code == 0
        assert hook(capsys, "copy.ipynb") == (0, "", "")
    finally:
        os.chdir(repo)


def test_missing_baseline_is_bad_input(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_clean(repo, staged=False)
    code, out, err = hook(capsys, "--baseline", "nope.json", "clean.ipynb")
    assert code == 2
    assert out == ""
    assert "nope.json" in err and "--update-baseline" in err


# -- (g) broken input --------------------------------------------------------------------------


@STAGED
def test_broken_notebook_is_named_and_others_still_checked(
    repo: Path, capsys: pytest.CaptureFixture[str], staged: bool
) -> None:
    (repo / "broken.ipynb").write_text('{"cells": [', encoding="utf-8")
    write_new_copy(repo, staged=staged)
    if staged:
        git(repo, "add", "broken.ipynb")
    code, out, err = hook(capsys, "broken.ipynb", "new.ipynb")
    assert code == 2
    problem_lines = [line for line in out.splitlines() if "broken.ipynb" in line]
    assert len(problem_lines) == 1, out
    assert "JSON" in problem_lines[0]
    assert reported(out, repo) == [("new.ipynb", 2)], out  # still checked
    assert "1 file not checked" in out.splitlines()[-1]
    assert err == ""


def test_undecodable_file_is_bad_input(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "latin1.ipynb").write_bytes(b'{"cells": "caf\xe9"}')
    write_clean(repo, staged=False)
    code, out, _ = hook(capsys, "latin1.ipynb", "clean.ipynb")
    assert code == 2
    assert "latin1.ipynb" in out and "UTF-8" in out


def test_missing_file_is_bad_input(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = hook(capsys, "gone.ipynb")
    assert code == 2
    assert "gone.ipynb" in out and "cannot read" in out


def test_a_bug_is_exit_123_with_its_traceback_not_exit_1(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise KeyError("a bug in nbrefactor")

    monkeypatch.setattr("nbrefactor.hooks.duplicates.check_staged", broken)
    (repo / "new.ipynb").write_text(json.dumps(notebook_dict("x = 1")), encoding="utf-8")
    assert main(["new.ipynb"]) == 123
    err = capsys.readouterr().err
    assert "internal error" in err and "Traceback" in err and "a bug in nbrefactor" in err


# -- (h) no colour under pre-commit ------------------------------------------------------------


def test_no_ansi_colour_under_pre_commit(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """pre-commit sets PRE_COMMIT=1 and, with colour on, gives hooks a pty."""
    monkeypatch.setenv("PRE_COMMIT", "1")
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    write_new_copy(repo, staged=False)
    (repo / "broken.ipynb").write_text("{", encoding="utf-8")
    code, out, err = hook(capsys, "new.ipynb", "broken.ipynb")
    assert code == 2
    assert "NBR001" in out and "broken.ipynb" in out
    assert "\x1b[" not in out and "\x1b[" not in err
    (repo / "pyproject.toml").write_text("[tool.nbrefactor]\nbogus = 1\n", encoding="utf-8")
    code, out, err = hook(capsys, "new.ipynb")
    assert code == 2 and "bogus" in err
    assert "\x1b[" not in out and "\x1b[" not in err


# -- (i) configuration -------------------------------------------------------------------------


def test_unknown_config_key_is_bad_input(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.nbrefactor]\nmin-statement = 4\n', encoding="utf-8"
    )
    write_new_copy(repo, staged=False)
    code, out, err = hook(capsys, "new.ipynb")
    assert code == 2
    assert out == ""
    assert err.startswith("nbrefactor-duplicates: error: ")
    assert "'min-statement'" in err
    assert "pyproject.toml" in err


def test_config_at_repository_root_is_used(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "pyproject.toml").write_text(
        "[tool.nbrefactor]\nmin-statements = 6\n", encoding="utf-8"
    )
    write_new_copy(repo, staged=False, name="sub/new.ipynb")
    assert hook(capsys, "sub/new.ipynb") == (0, "", "")  # the copy has 5 statements


# -- the real pre-commit -----------------------------------------------------------------------


def test_pre_commit_try_repo(tmp_path: Path) -> None:
    """``pre-commit try-repo`` builds the hook's environment from this repository and
    runs it the way a user's ``git commit`` would: on staged files."""
    if importlib.util.find_spec("pre_commit") is None:
        pytest.skip("pre-commit is not installed")
    env = {k: v for k, v in os.environ.items() if k not in GIT_ENV and k != "PRE_COMMIT"}
    env["PRE_COMMIT_HOME"] = str(tmp_path / "pre-commit-home")
    env["PRE_COMMIT_COLOR"] = "never"
    project = init_repo(tmp_path / "project")
    write(project, "old.ipynb", ("markdown", "# Sales"), "import pandas as pd", BLOCK)
    write(project, "other.ipynb", OTHER)
    commit(project, "old.ipynb", "other.ipynb")
    write_new_copy(project, staged=True)
    write_clean(project, staged=True)

    def try_repo(*files: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", "try-repo", str(REPO), "nbrefactor-duplicates",
             "--color", "never", "--verbose", "--files", *files],
            cwd=project, env=env, capture_output=True, text=True, timeout=600, check=False,
        )  # fmt: skip

    started = time.monotonic()
    failed = try_repo("new.ipynb")
    print(f"try-repo with the copy: {time.monotonic() - started:.1f} s")
    started = time.monotonic()
    passed = try_repo("clean.ipynb")
    print(f"try-repo with the clean file: {time.monotonic() - started:.1f} s")
    both = f"--- copy:\n{failed.stdout}{failed.stderr}\n--- clean:\n{passed.stdout}{passed.stderr}"

    assert failed.returncode == 1, both
    assert re.search(r"nbrefactor duplicates\.+Failed", failed.stdout), both
    assert "- exit code: 1" in failed.stdout, both
    hook_lines = [line for line in failed.stdout.splitlines() if ": NBR001 " in line]
    assert reported("\n".join(hook_lines), project) == [("new.ipynb", 2)], both
    assert "1 duplicated block (1 copy)" in failed.stdout, both

    assert passed.returncode == 0, both
    assert re.search(r"nbrefactor duplicates\.+Passed", passed.stdout), both
    assert "NBR001" not in passed.stdout, both
