"""The ``nbrefactor-duplicates`` pre-commit hook.

pre-commit passes the staged files, possibly in several batches: those are the files to
report on. The copies they are compared with are all notebooks git tracks, so a new
notebook that copies an old, unchanged one is caught. Fingerprints of unchanged
notebooks come from the cache in ``.nbrefactor_cache/`` at the repository root. The
baseline is found as ``nbrefactor check`` finds it, so the copies it records never block.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from nbrefactor.api.check import check_staged
from nbrefactor.emit.state import undo_interrupted_runs
from nbrefactor.errors import INTERNAL_ERROR, INTERRUPTED, NbrefactorError
from nbrefactor.report.clones import COLOR_CHOICES, split_codes, wants_color


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="nbrefactor-duplicates",
        description="Report duplicated code in the given notebooks and scripts, comparing "
        "them with every notebook git tracks in this repository.",
    )
    parser.add_argument("files", nargs="*", type=Path, help="files to report on")
    parser.add_argument(
        "--baseline",
        type=Path,
        help="only report copies not in this baseline [default: the `baseline` key of "
        "[tool.nbrefactor], else .nbrefactor-baseline.json at the project root if it exists]",
    )
    parser.add_argument("--no-cache", action="store_true", help="do not read or write the cache")
    parser.add_argument(
        "--select", action="append", default=[], metavar="CODES", help="report only these codes"
    )
    parser.add_argument(
        "--ignore", action="append", default=[], metavar="CODES", help="do not report these codes"
    )
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even with findings")
    parser.add_argument("--statistics", action="store_true", help="count findings by code")
    parser.add_argument("-q", "--quiet", action="store_true", help="no summary line")
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="say which files were checked, and timing"
    )
    parser.add_argument("--color", choices=COLOR_CHOICES, default="auto", help="colour the output")
    args = parser.parse_args(argv)
    if not args.files:
        return 0
    try:
        for line in undo_interrupted_runs():  # a killed `extract` left files half written
            print(f"nbrefactor-duplicates: {line}", file=sys.stderr)
        result = check_staged(
            args.files,
            baseline=args.baseline,
            cache=not args.no_cache,
            select=split_codes(args.select),
            ignore=split_codes(args.ignore),
        )
    except NbrefactorError as error:
        print(f"nbrefactor-duplicates: error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("nbrefactor-duplicates: interrupted", file=sys.stderr)
        return INTERRUPTED
    except Exception:  # a bug: exit 123, not 1 (1 means "duplicates found")
        import traceback

        print(
            "nbrefactor-duplicates: internal error (this is a bug; please report it with "
            "this traceback):\n" + traceback.format_exc().rstrip(),
            file=sys.stderr,
        )
        return INTERNAL_ERROR
    for warning in result.warnings:
        print(f"nbrefactor-duplicates: warning: {warning}", file=sys.stderr)
    if args.verbose:
        for line in result.log():
            print(f"nbrefactor-duplicates: {line}", file=sys.stderr)
    if result.exit_code or args.verbose or args.statistics:
        color = wants_color(args.color, sys.stdout.isatty(), os.environ)
        sys.stdout.write(
            result.render("text", statistics=args.statistics, quiet=args.quiet, color=color)
        )
    return 0 if args.exit_zero and result.exit_code == 1 else result.exit_code


if __name__ == "__main__":
    sys.exit(main())
