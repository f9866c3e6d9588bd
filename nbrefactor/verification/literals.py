"""Write a value as the Python expression that makes it again, for a test to show.

``literal(value)`` gives the code (``pd.DataFrame({"price": [1.5, 2.0]})``), the imports
it needs and how a test should compare a result with it; ``None`` when the value is too
large to be worth reading or is of a kind it cannot write. Every expression is checked
by evaluating it and comparing the two values strictly (:func:`same`): a literal that
does not make an equal value of the same type is never offered.

It runs where the recorded values can be loaded (numpy and pandas are imported only for
their own values) and imports nothing of nbrefactor.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any

#: Limits of a literal a reader takes in: characters of code, items of a container,
#: rows and cells of a frame, and characters of a string.
MAX_CHARS = 1200
MAX_ITEMS = 40
MAX_ROWS = 8
MAX_CELLS = 48
MAX_STRING = 1000

NUMPY = "import numpy as np"
PANDAS = "import pandas as pd"
DATETIME = "import datetime"
PATH = "from pathlib import Path"
PYPLOT = "import matplotlib.pyplot as plt"
#: The imports of literals that are not the standard library's.
THIRD_PARTY = frozenset({NUMPY, PANDAS, PYPLOT})


@dataclass(frozen=True, slots=True)
class Literal:
    """``code`` makes the value again once ``imports`` ran; ``check`` says how a test
    compares a result with it: ``equal`` (``==``), ``approx`` (``pytest.approx``),
    ``frame``/``series``/``index`` (pandas' asserts), ``allclose``/``array_equal``
    (numpy's), or ``same`` (nested values with floats: the test's own helper)."""

    code: str
    imports: frozenset[str]
    check: str


class _TooLarge(Exception):
    """The value has more than a reader takes in."""


class _Unwritable(Exception):
    """The value is of a kind without a literal here."""


def literal(value: Any, max_chars: int = MAX_CHARS) -> Literal | None:
    """``value`` as code, or ``None`` (too large, or no faithful literal)."""
    for explicit in (False, True):  # the dtypes written out only when they must be
        writer = _Writer(explicit)
        try:
            code = writer.write(value)
        except (_TooLarge, _Unwritable, RecursionError):
            return None
        imports = frozenset(writer.imports)
        made = _evaluated(code, imports)
        if made is not _FAILED and not same(made, value):
            code = _with_dtypes(code, made, value)
            made = _evaluated(code, imports)
        if made is not _FAILED and same(made, value):
            return Literal(code, imports, check_for(value)) if len(code) <= max_chars else None
    return None


_FAILED = object()


def _evaluated(code: str, imports: frozenset[str]) -> Any:
    """The value ``code`` makes, or ``_FAILED``."""
    try:
        return eval(code, _namespace(imports))  # our own code, checked by the caller
    except Exception:
        return _FAILED


def too_large(value: Any) -> bool:
    """Whether ``value`` has no literal because it is too large to read (rather than of
    a kind without one)."""
    try:
        _Writer(explicit=False).write(value)
    except _TooLarge:
        return True
    except (_Unwritable, RecursionError):
        return False
    return True  # written, but longer than a reader takes in


def made_anew(value: Any) -> Literal | None:
    """Code making a new object of ``value``'s kind where equal values mean nothing and
    a fresh one serves a test as well: a matplotlib figure or axes to draw on."""
    kind = type(value)
    if not kind.__module__.startswith("matplotlib."):
        return None
    if kind.__name__ == "Figure":
        return Literal("plt.figure()", frozenset({PYPLOT}), "type")
    if kind.__name__ == "Axes":
        return Literal("plt.subplots()[1]", frozenset({PYPLOT}), "type")
    return None


def check_for(value: Any) -> str:
    """How a test compares a result with ``value`` (see :class:`Literal`)."""
    library = type(value).__module__.split(".")[0]
    if library == "pandas":
        for kind in ("DataFrame", "Series", "Index"):
            if type(value).__name__.endswith(kind):
                return {"DataFrame": "frame", "Series": "series", "Index": "index"}[kind]
    if library == "numpy" and type(value).__name__ == "ndarray":
        return "allclose" if value.dtype.kind in "fc" else "array_equal"
    if not _has_float(value):
        return "equal"
    flat = not isinstance(value, (list, tuple, dict)) or not any(
        isinstance(item, (list, tuple, dict, set, frozenset))
        for item in (value.values() if isinstance(value, dict) else value)
    )
    return "approx" if flat else "same"


def _has_float(value: Any) -> bool:
    if isinstance(value, (float, complex)):
        return True
    if type(value).__module__ == "numpy":
        return getattr(value, "dtype", None) is not None and value.dtype.kind in "fc"
    if isinstance(value, dict):
        return any(_has_float(v) for v in value.values())
    if isinstance(value, (list, tuple, set, frozenset)):
        return any(_has_float(v) for v in value)
    return False


def same(a: Any, b: Any) -> bool:
    """Whether ``a`` and ``b`` are the same value: the same type, equal (NaN equal to
    NaN), and for numpy and pandas values the same dtypes, shapes and labels."""
    if type(a) is not type(b):
        return False
    library = type(a).__module__.split(".")[0]
    if library == "pandas" and hasattr(a, "dtypes" if hasattr(a, "columns") else "dtype"):
        return _same_pandas(a, b)
    if library == "numpy" and type(a).__name__ == "ndarray":
        import numpy

        if a.dtype != b.dtype or a.shape != b.shape:
            return False
        return bool(numpy.array_equal(a, b, equal_nan=a.dtype.kind in "fc"))
    if isinstance(a, float) or (library == "numpy" and getattr(a, "dtype", None) is not None):
        return bool(a == b) or (_is_nan(a) and _is_nan(b))
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    try:
        return bool(a == b)
    except Exception:
        return False


def _is_nan(value: Any) -> bool:
    try:
        return math.isnan(value)
    except (TypeError, ValueError):
        return False


def _same_pandas(a: Any, b: Any) -> bool:
    import pandas.testing

    checks: dict[str, Callable[..., None]] = {
        "DataFrame": pandas.testing.assert_frame_equal,
        "Series": pandas.testing.assert_series_equal,
    }
    check = checks.get(type(a).__name__)
    try:
        if check is not None:
            check(a, b, check_exact=True, check_index_type=True, check_freq=True)
        else:
            pandas.testing.assert_index_equal(a, b, exact=True, check_exact=True)
    except (AssertionError, TypeError, ValueError):
        return False
    return True


def _namespace(imports: frozenset[str]) -> dict[str, Any]:
    builtins = {"float": float, "set": set, "frozenset": frozenset, "complex": complex}
    namespace: dict[str, Any] = {"__builtins__": builtins}
    if NUMPY in imports:
        import numpy

        namespace["np"] = numpy
    if PANDAS in imports:
        import pandas

        namespace["pd"] = pandas
    if DATETIME in imports:
        namespace["datetime"] = datetime
    if PATH in imports:
        namespace["Path"] = Path
    return namespace


def _with_dtypes(code: str, made: Any, value: Any) -> str:
    """``code`` of a frame or series followed by ``.astype`` for the dtypes evaluation
    did not infer (``int32`` columns, datetimes of another unit); as it is otherwise."""
    if type(made) is not type(value):
        return code
    if hasattr(value, "columns") and hasattr(made, "dtypes"):
        differing = {
            str(column): str(value.dtypes[column])
            for column in value.columns
            if column in made.columns and made.dtypes[column] != value.dtypes[column]
        }
        if differing and all(isinstance(c, str) for c in value.columns):
            return f"{code}.astype({differing!r})".replace("'", '"')
    elif hasattr(value, "dtype") and hasattr(made, "dtype") and made.dtype != value.dtype:
        return f'{code}.astype("{value.dtype}")'
    return code


class _Writer:
    """Writes one value, counting what it has written against the limits."""

    def __init__(self, explicit: bool) -> None:
        self.explicit = explicit  # write dtypes of arrays, series and indexes
        self.imports: set[str] = set()
        self.items = 0

    def write(self, value: Any) -> str:
        kind = type(value)
        if value is None or kind in (bool, int):
            return repr(value)
        if kind is float:
            return _float(value)
        if kind is complex:
            return repr(value)
        if kind is str:
            if len(value) > MAX_STRING:
                raise _TooLarge
            return string_literal(value)
        if kind is bytes:
            if len(value) > MAX_STRING:
                raise _TooLarge
            return repr(value)
        if kind in (list, tuple, set, frozenset, dict):
            return self._container(value)
        if kind in (datetime.date, datetime.datetime, datetime.timedelta, datetime.time):
            self.imports.add(DATETIME)
            return repr(value)
        if isinstance(value, PurePath) and kind is type(Path()):
            self.imports.add(PATH)
            return f"Path({string_literal(str(value))})"
        library = kind.__module__.split(".")[0]
        if library == "numpy":
            return self._numpy(value)
        if library == "pandas":
            return self._pandas(value)
        raise _Unwritable

    def _count(self, n: int) -> None:
        self.items += n
        if self.items > MAX_ITEMS * 4:
            raise _TooLarge

    def _container(self, value: Any) -> str:
        if len(value) > MAX_ITEMS:
            raise _TooLarge
        self._count(len(value))
        if isinstance(value, dict):
            pairs = ", ".join(f"{self.write(k)}: {self.write(v)}" for k, v in value.items())
            return "{" + pairs + "}"
        items = [self.write(item) for item in value]
        if isinstance(value, list):
            return "[" + ", ".join(items) + "]"
        if isinstance(value, tuple):
            return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
        if not items:
            return f"{type(value).__name__}()"
        body = "{" + ", ".join(sorted(items)) + "}"
        return body if isinstance(value, set) else f"frozenset({body})"

    def _numpy(self, value: Any) -> str:
        self.imports.add(NUMPY)
        name = type(value).__name__
        if name == "ndarray":
            if value.ndim and value.size > MAX_ITEMS and value.dtype.kind in "biuf":
                first = value.flat[0].item()
                if (value == first).all():  # np.zeros((41, 41)): one value everywhere
                    return f"np.full({value.shape!r}, {self._plain(first)})"
            if value.ndim == 0 or value.size > MAX_ITEMS or value.dtype.kind not in "biufcU":
                raise _TooLarge if value.size > MAX_ITEMS else _Unwritable
            self._count(value.size)
            items = self._plain(value.tolist())
            dtype = f', dtype="{value.dtype}"' if self.explicit else ""
            return f"np.array({items}{dtype})"
        if getattr(value, "dtype", None) is not None and value.dtype.kind in "biufc":
            return f"np.{name}({self._plain(value.item())})"
        raise _Unwritable

    def _plain(self, value: Any) -> str:
        """Nested lists of Python scalars (what ``tolist`` gives)."""
        if isinstance(value, list):
            return "[" + ", ".join(self._plain(v) for v in value) + "]"
        if isinstance(value, str):
            return string_literal(value)
        return _float(value) if isinstance(value, float) else repr(value)

    def _pandas(self, value: Any) -> str:
        self.imports.add(PANDAS)
        name = type(value).__name__
        if name in ("NaTType", "NAType"):
            return "pd.NaT" if name == "NaTType" else "pd.NA"
        if name == "Timestamp" or name == "Timedelta":
            return "pd." + repr(value).replace("'", '"')
        if name == "DataFrame":
            return self._frame(value)
        if name == "Series":
            return self._series(value)
        if name in ("Index", "RangeIndex"):
            return self._index(value) or "pd.RangeIndex(0)"
        raise _Unwritable

    def _column(self, values: Any) -> str:
        return "[" + ", ".join(self.write(_python(v)) for v in values) + "]"

    def _index(self, index: Any) -> str | None:
        """Code of ``index``, or None for the default one (0, 1, 2...)."""
        if type(index).__name__ == "RangeIndex" and index.start == 0 and index.step == 1:
            if index.name is None:
                return None
            return f"pd.RangeIndex({index.stop}, name={self.write(index.name)})"
        if type(index).__name__ not in ("Index", "RangeIndex", "DatetimeIndex"):
            raise _Unwritable
        self._count(len(index))
        items = self._column(index)
        if not self.explicit and index.name is None:
            return items
        dtype = f', dtype="{index.dtype}"' if self.explicit else ""
        name = "" if index.name is None else f", name={self.write(index.name)}"
        return f"pd.Index({items}{dtype}{name})"

    def _frame(self, frame: Any) -> str:
        rows, columns = frame.shape
        if rows > MAX_ROWS or rows * columns > MAX_CELLS:
            raise _TooLarge
        if type(frame.columns).__name__ not in ("Index", "RangeIndex") or not all(
            isinstance(c, str) for c in frame.columns
        ):
            raise _Unwritable
        if frame.columns.has_duplicates or frame.columns.name is not None:
            raise _Unwritable
        self._count(rows * columns)
        body = ", ".join(
            f"{string_literal(c)}: {self._column(frame[c].tolist())}" for c in frame.columns
        )
        index = self._index(frame.index)
        extra = f", index={index}" if index else ""
        if not columns:
            return f"pd.DataFrame(index={index})" if index else "pd.DataFrame()"
        return f"pd.DataFrame({{{body}}}{extra})"

    def _series(self, series: Any) -> str:
        if len(series) > MAX_ITEMS:
            raise _TooLarge
        self._count(len(series))
        parts = [self._column(series.tolist())]
        index = self._index(series.index)
        if index:
            parts.append(f"index={index}")
        if series.name is not None:
            parts.append(f"name={self.write(_python(series.name))}")
        if self.explicit or not len(series):
            parts.append(f'dtype="{series.dtype}"')
        return f"pd.Series({', '.join(parts)})"


def _python(value: Any) -> Any:
    """A numpy scalar as the Python one (what a list of a column's values holds)."""
    if type(value).__module__ == "numpy" and hasattr(value, "item"):
        return value.item()
    return value


def _float(value: float) -> str:
    if math.isnan(value):
        return 'float("nan")'
    if math.isinf(value):
        return 'float("inf")' if value > 0 else '-float("inf")'
    return repr(value)


def string_literal(text: str) -> str:
    """``text`` in double quotes, as ruff formats it, when that is as exact."""
    code = repr(text)
    if code.startswith("'") and '"' not in text:
        return '"' + code[1:-1].replace("\\'", "'") + '"'
    return code
