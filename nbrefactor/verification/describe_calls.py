"""What a recorded call becomes as a test case, worked out in a fresh process.

``python -m nbrefactor.verification.describe_calls REQUEST ANSWER`` reads the recorded
calls REQUEST names, and writes to ANSWER (JSON) each call as
:func:`~nbrefactor.verification.call_cases.call_cases` reads it back: every argument
and the result as a literal (:mod:`~nbrefactor.verification.literals`) or a pickle,
their types as annotations, the files the call read, what it printed when it returned
None, the arguments it changed (their values after the call), and for arguments too
large to show, the same call on their first rows (run twice: the same result both
times, or no such case). The process imports the staged package and loads the
recorded values; the user's functions run here, in a temporary folder with their
output captured, never in nbrefactor's own process.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import io
import json
import os
import pickle
import signal
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from nbrefactor.verification import literals

#: Rows of the arguments a call on a slice receives.
ROWS = 5
#: Seconds a call on a slice may take.
SLICE_SECONDS = 30
#: Characters a call may print for its test to check them.
MAX_PRINTED = 2000


def main(request_path: str, answer_path: str) -> None:
    """Write to ``answer_path`` the cases of the calls ``request_path`` names."""
    request = json.loads(Path(request_path).read_text(encoding="utf-8"))
    out = Path(request["out"])
    cases: list[dict[str, Any]] = []
    for index, call in enumerate(request["calls"]):
        path = Path(call)
        try:
            cases.extend(_cases_of(path, out / f"call-{index}"))
        except Exception as error:  # one odd value costs its own test, not the others'
            module, function, number = path.stem.split("--")
            problem = f"its recorded call could not be made a test ({_error(error)})"
            cases.append(
                {"module": module, "function": function, "number": int(number),
                 "arguments": [], "files": [], "problem": problem}
            )  # fmt: skip
    Path(answer_path).write_text(json.dumps(cases), encoding="utf-8")


def _cases_of(path: Path, out: Path) -> list[dict[str, Any]]:
    module, function_name, number = path.stem.split("--")
    head: dict[str, Any] = {
        "module": module,
        "function": function_name,
        "number": int(number),
        "arguments": [],
        "files": [],
    }
    record = pickle.loads(path.read_bytes())  # written by the recording preamble
    if record["unfit"]:
        return [{**head, "problem": "; ".join(record["unfit"])}]
    try:
        args, kwargs = pickle.loads(record["args"])
        result = pickle.loads(record["result"])
        function = getattr(importlib.import_module(module), function_name)
    except Exception as error:
        problem = f"its recorded call cannot be loaded outside the notebook ({_error(error)})"
        return [{**head, "problem": problem}]
    out.mkdir(parents=True, exist_ok=True)
    files = []
    for name, content in sorted(record["files"].items()):
        copy = out / "files" / name
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_bytes(content)
        files.append({"name": Path(name).as_posix(), "data": str(copy), "size": len(content)})
    arguments = _arguments(function, args, kwargs, out)
    expected = _expected(result, record["none"], out / "result.pickle")
    setting = {
        "files": files,
        "env": sorted(_env_read(function, record["env"]).items()),
        "folders": [Path(f).as_posix() for f in record["folders"]],
    }
    printed = _printed(function, args, kwargs, record) if record["none"] else None
    changed = []
    if record.get("changed") is not None:
        changed = _changes(_changed((args, kwargs), pickle.loads(record["changed"])), out / "after")
    cases = [
        {**head, **setting, "arguments": arguments, "expected": expected, "printed": printed,
         "changed": changed}
    ]  # fmt: skip
    sliced = _on_first_rows(function, args, kwargs, record, out / "first-rows")
    if sliced is not None:
        cases.append({**head, **setting, **sliced})
    return cases


def _changed(
    before: tuple[tuple[Any, ...], dict[str, Any]], after: tuple[tuple[Any, ...], dict[str, Any]]
) -> list[tuple[int, Any]]:
    """The arguments a call changed, from their values ``before`` and ``after`` it: each
    by its place among the arguments (positional, then keyword, as :func:`_arguments`
    lists them) with its value after the call. Objects without a notion of equal values
    (a model fitted in place) are left out: a test could only check their type."""
    (args, kwargs), (args_after, kwargs_after) = before, after
    olds = [*args, *kwargs.values()]
    values = zip(olds, [*args_after, *(kwargs_after[k] for k in kwargs)], strict=True)
    return [
        (index, new)
        for index, (old, new) in enumerate(values)
        if not _without_equality(new) and not literals.same(old, new)
    ]


def _changes(changed: list[tuple[int, Any]], out: Path) -> list[dict[str, Any]]:
    """The ``changed`` arguments as a case has them: where, and what the test expects."""
    return [
        {"argument": index, "expected": _expected(new, False, out / f"argument-{index}.pickle")}
        for index, new in changed
    ]


def _env_read(function: Any, env: dict[str, str]) -> dict[str, str]:
    """The variables of ``env`` that ``function`` names in its code."""
    try:
        source = inspect.getsource(function)
    except (OSError, TypeError):
        return {}
    return {k: v for k, v in env.items() if f'"{k}"' in source or f"'{k}'" in source}


def _arguments(
    function: Any, args: tuple[Any, ...], kwargs: dict[str, Any], out: Path
) -> list[dict[str, Any]]:
    """The arguments of a call, each named by its parameter, their data files in ``out``."""
    names = _parameter_names(function, args, kwargs)
    by_position = [
        {"name": n, "keyword": False, "value": _value(v, out / f"arg-{i}.pickle")}
        for i, (n, v) in enumerate(zip(names, args, strict=True))
    ]
    by_keyword = [
        {"name": k, "keyword": True, "value": _value(v, out / f"kwarg-{k}.pickle")}
        for k, v in kwargs.items()
    ]
    return by_position + by_keyword


def _parameter_names(function: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> list[Any]:
    """The parameter each positional argument binds (``None`` for ``*args``)."""
    try:
        bound = inspect.signature(function).bind(*args, **kwargs)
    except (TypeError, ValueError):
        return [None] * len(args)
    names: list[Any] = []
    for name, value in bound.arguments.items():
        kind = bound.signature.parameters[name].kind
        if kind is inspect.Parameter.VAR_POSITIONAL:
            names.extend([None] * len(value))
        elif name not in kwargs and kind is not inspect.Parameter.VAR_KEYWORD:
            names.append(name)
    return (names + [None] * len(args))[: len(args)]


def _value(value: Any, data: Path) -> dict[str, Any]:
    found = literals.literal(value) or literals.made_anew(value)
    described: dict[str, Any] = {
        "description": _description(value),
        "annotation": _annotation(value),
    }
    if found is not None:
        return {"code": found.code, "imports": sorted(found.imports), **described}
    described["too_large"] = literals.too_large(value)
    content = pickle.dumps(value, protocol=4)
    data.parent.mkdir(parents=True, exist_ok=True)
    data.write_bytes(content)
    return {"data": str(data), "size": len(content), **described}


def _expected(result: Any, none: bool, data: Path) -> dict[str, Any]:
    if none:
        return {"check": "none", "value": {"code": "None", "annotation": "None"}}
    found = literals.literal(result)
    if found is not None:
        return {"check": found.check, "value": _value(result, data)}
    if _without_equality(result):
        value = {"description": _description(result), "annotation": _annotation(result)}
        return {"check": "type", "value": {**value, "code": _type_name(result)}}
    check = literals.check_for(result)
    if check in ("equal", "approx"):  # nested, or without a literal: the test's helper
        check = "same"
    return {"check": check, "value": _value(result, data)}


def _on_first_rows(
    function: Any,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    record: dict[str, Any],
    out: Path,
) -> dict[str, Any] | None:
    """The call on the first rows of the arguments too large to show, when every
    argument is then small enough to show and two runs return the same."""
    large = [i for i, v in enumerate(args) if literals.literal(v) is None and _sliceable(v)]
    large_keywords = [k for k, v in kwargs.items() if literals.literal(v) is None and _sliceable(v)]
    if not large and not large_keywords:
        return None
    of_rows = max(len(v) for v in [*(args[i] for i in large), *(kwargs[k] for k in large_keywords)])
    sliced_args = tuple(_first_rows(v) if i in large else v for i, v in enumerate(args))
    sliced_kwargs = {k: _first_rows(v) if k in large_keywords else v for k, v in kwargs.items()}
    shown = [literals.literal(v) for v in (*sliced_args, *sliced_kwargs.values())]
    if any(s is None for s in shown):
        return None
    runs, afters = [], []
    for _ in range(2):
        fresh_args, fresh_kwargs = pickle.loads(pickle.dumps((sliced_args, sliced_kwargs)))
        try:
            runs.append(_run_quietly(function, fresh_args, fresh_kwargs, record))
        except Exception:
            return None
        afters.append((fresh_args, fresh_kwargs))
    results = [result for result, _ in runs]
    if not literals.same(results[0], results[1]) and not _without_equality(results[0]):
        return None
    changed = [_changed((sliced_args, sliced_kwargs), after) for after in afters]
    if [i for i, _ in changed[0]] != [i for i, _ in changed[1]] or not all(
        literals.same(a, b) for (_, a), (_, b) in zip(changed[0], changed[1], strict=True)
    ):
        return None  # the two runs changed the arguments differently
    changes = _changes(changed[0], out / "after")
    arguments = _arguments(function, sliced_args, sliced_kwargs, out)
    expected = _expected(results[0], results[0] is None, out / "result.pickle")
    printed = runs[0][1] if runs[0][1] == runs[1][1] else None
    return {
        "arguments": arguments,
        "expected": expected,
        "rows": ROWS,
        "of_rows": of_rows,
        "printed": _shown(printed) if results[0] is None else None,
        "changed": changes,
    }


def _printed(
    function: Any, args: tuple[Any, ...], kwargs: dict[str, Any], record: dict[str, Any]
) -> str | None:
    """What a call returning None prints, when two runs print the same and it is short
    enough to read in a test; else None."""
    outputs = []
    for _ in range(2):
        fresh_args, fresh_kwargs = pickle.loads(pickle.dumps((args, kwargs)))
        try:
            outputs.append(_run_quietly(function, fresh_args, fresh_kwargs, record)[1])
        except Exception:
            return None
    return _shown(outputs[0]) if outputs[0] == outputs[1] else None


def _shown(printed: str | None) -> str | None:
    """``printed`` when a test can show it: something, and not too much."""
    return printed if printed and len(printed) <= MAX_PRINTED else None


def _without_equality(value: Any) -> bool:
    """Whether ``value``'s type has no notion of equal values (figures, fitted models):
    two runs give different objects, and the same type is all a test can check."""
    return getattr(type(value), "__eq__", None) is object.__eq__


def _sliceable(value: Any) -> bool:
    kind = type(value)
    if kind.__module__.split(".")[0] == "pandas" and kind.__name__ in ("DataFrame", "Series"):
        return len(value) > ROWS
    if kind.__module__ == "numpy" and kind.__name__ == "ndarray":
        return value.ndim >= 1 and len(value) > ROWS
    return kind is list and len(value) > ROWS


def _first_rows(value: Any) -> Any:
    return value.head(ROWS).copy() if hasattr(value, "head") else value[:ROWS].copy()


def _run_quietly(
    function: Any, args: tuple[Any, ...], kwargs: dict[str, Any], record: dict[str, Any]
) -> tuple[Any, str]:
    """``function(*args, **kwargs)`` as its test will call it: in an empty folder with
    the files the recorded call read, the folders it wrote in and the notebook's
    environment variables, within :data:`SLICE_SECONDS`; what it returns, and what it
    printed (kept from the notebook's output); figures it opens are closed."""
    printed = io.StringIO()
    here = Path.cwd()
    environ = dict(os.environ)
    with tempfile.TemporaryDirectory(prefix="nbrefactor-slice-") as folder:
        for name, content in record["files"].items():
            target = Path(folder) / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        for name in record["folders"]:
            (Path(folder) / name).mkdir(parents=True, exist_ok=True)
        os.environ.update(record["env"])
        os.chdir(folder)
        try:
            with (
                _time_limit(SLICE_SECONDS),
                contextlib.redirect_stdout(printed),
                contextlib.redirect_stderr(io.StringIO()),
            ):
                return function(*args, **kwargs), printed.getvalue()
        finally:
            os.chdir(here)
            os.environ.clear()
            os.environ.update(environ)
            pyplot = sys.modules.get("matplotlib.pyplot")
            if pyplot is not None:
                pyplot.close("all")


@contextlib.contextmanager
def _time_limit(seconds: int) -> Iterator[None]:
    if not hasattr(signal, "SIGALRM"):
        yield
        return

    def stop(signum: int, frame: Any) -> None:
        raise TimeoutError(f"took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _description(value: Any) -> str:
    """What ``value`` is, in a few words ("a DataFrame of 500 rows and 9 columns")."""
    name = type(value).__name__
    name = {"ndarray": "array", "str": "string"}.get(name, name)
    article = "an" if name[:1].lower() in "aeio" else "a"  # a ufunc, an Index
    shape = getattr(value, "shape", None)
    if isinstance(shape, tuple) and len(shape) == 2 and hasattr(value, "columns"):
        return f"{article} {name} of {shape[0]:,} rows and {shape[1]} columns"
    if isinstance(shape, tuple) and shape:
        return (
            f"{article} {name} of shape {shape}"
            if len(shape) > 1
            else (f"{article} {name} of {shape[0]:,} values")
        )
    if isinstance(value, (str, bytes)):
        return f"{article} {name} of {len(value):,} characters"
    if isinstance(value, (list, tuple, dict, set)):
        return f"{article} {name} of {len(value):,} items"
    return f"{article} {name}"


def _type_name(value: Any) -> str:
    """The importable dotted name of ``value``'s type (``pandas.DataFrame`` rather than
    ``pandas.core.frame.DataFrame``), or ``""``."""
    kind = type(value)
    if kind.__module__ == "builtins":
        return kind.__qualname__
    parts = kind.__module__.split(".")
    for end in range(1, len(parts) + 1):
        if any(p.startswith("_") for p in parts[:end]):
            break
        module = sys.modules.get(".".join(parts[:end]))
        found: Any = module
        for attribute in kind.__qualname__.split("."):
            found = getattr(found, attribute, None)
        if found is kind:
            return ".".join((*parts[:end], kind.__qualname__))
    return ""


def _annotation(value: Any) -> str:
    """An annotation true of ``value`` (``list[float]``, ``pandas.DataFrame``), or ``""``."""
    if value is None:
        return "None"
    kind = type(value)
    if kind in (bool, int, float, str, bytes, complex):
        return kind.__name__
    if kind.__module__ == "numpy" and getattr(value, "shape", None) == ():
        # a numpy scalar: np.float64 is a float; the others have no annotation the
        # code's own arithmetic would keep to (np.int64 is not an int)
        return "float" if isinstance(value, float) else ""
    if kind in (list, set, frozenset) and value:
        items = {_annotation(v) for v in value}
        if len(items) == 1 and "" not in items:
            return f"{kind.__name__}[{items.pop()}]"
        return kind.__name__
    if kind is tuple and value:
        items_in_order = [_annotation(v) for v in value]
        if not all(items_in_order):
            return "tuple"
        if len(value) <= 6:
            return f"tuple[{', '.join(items_in_order)}]"
        return f"tuple[{items_in_order[0]}, ...]" if len(set(items_in_order)) == 1 else "tuple"
    if kind is dict and value:
        keys = {_annotation(k) for k in value}
        values = {_annotation(v) for v in value.values()}
        if len(keys) == 1 and len(values) == 1 and "" not in keys | values:
            return f"dict[{keys.pop()}, {values.pop()}]"
        return "dict"
    if kind in (list, tuple, set, frozenset, dict):
        return kind.__name__
    return _type_name(value)


def _error(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:200]


if __name__ == "__main__":
    main(*sys.argv[1:3])
