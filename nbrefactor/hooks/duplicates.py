"""The ``nbrefactor-duplicates`` pre-commit hook.

pre-commit passes the staged files, possibly in several batches: those are the files to
report on. The copies they are compared with are all notebooks git tracks, so a new
notebook that copies an old, unchanged one is caught. Fingerprints of unchanged
notebooks come from the cache in ``.nbrefactor_cache/`` at the repository root.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from nbrefactor.cache import CACHE_DIR, FingerprintCache
from nbrefactor.check import BAD_INPUT, run_check
from nbrefactor.config import load_config
from nbrefactor.duplicates import is_excluded, tracked_notebooks
from nbrefactor.errors import INTERNAL_ERROR, NbrefactorError


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="nbrefactor-duplicates",
        description="Report duplicated code in the given notebooks and scripts, comparing "
        "them with every notebook git tracks in this repository.",
    )
    parser.add_argument("files", nargs="*", type=Path, help="files to report on")
    parser.add_argument("--baseline", type=Path, help="only report copies not in this baseline")
    parser.add_argument("--no-cache", action="store_true", help="do not read or write the cache")
    args = parser.parse_args(argv)
    if not args.files:
        return 0
    try:
        root = _repository_root()
        config = load_config(root)
        baseline = args.baseline or (root / config.baseline if config.baseline else None)
        cache = None if args.no_cache else FingerprintCache(root / CACHE_DIR)
        files = [f for f in args.files if not is_excluded(f, root, config.exclude)]
        if not files:
            return 0
        result = run_check(
            files,
            config=config,
            compare_with=[
                f for f in tracked_notebooks(root) if not is_excluded(f, root, config.exclude)
            ],
            cache=cache,
            baseline=baseline,
        )
    except NbrefactorError as error:
        print(f"nbrefactor-duplicates: error: {error}", file=sys.stderr)
        return BAD_INPUT
    except Exception:  # a bug: exit 123, not 1 (1 means "duplicates found")
        print(
            "nbrefactor-duplicates: internal error (this is a bug; please report it with "
            "this traceback):\n" + traceback.format_exc().rstrip(),
            file=sys.stderr,
        )
        return INTERNAL_ERROR
    if result.exit_code:
        sys.stdout.write(result.render("text"))
    return result.exit_code


def _repository_root() -> Path:
    try:
        top = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return Path.cwd()
    return Path(top) if top else Path.cwd()


if __name__ == "__main__":
    sys.exit(main())
