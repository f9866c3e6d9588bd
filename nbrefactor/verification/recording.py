"""Record calls of extracted functions while the refactored notebook runs.

The kernel runs a preamble first (silently, before the first cell): an import hook that
wraps each extracted function of the package's modules as they are imported. A wrapped
function pickles its arguments before the call (the function may change them) and its
result after, for its first few calls, and keeps a call when both pickle within the
size limit. Nothing of nbrefactor is imported in the kernel: it may be another
environment's.
"""

from __future__ import annotations

import pickle
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

#: Default limits: calls kept per function, and bytes per call (arguments and result).
CALLS = 3
MAX_BYTES = 1_000_000


@dataclass(frozen=True, slots=True)
class RecordSettings:
    """How many calls of each function to record, and up to what size (bytes per call:
    arguments and result, pickled)."""

    calls: int = CALLS
    max_bytes: int = MAX_BYTES


_PREAMBLE = """
def _nbrefactor_record(folder, modules, calls, limit):
    import functools, importlib.abc, importlib.machinery, inspect, io, os, pickle, sys

    class Full(Exception):
        pass

    class Capped(io.BytesIO):
        def write(self, data):
            if self.tell() + len(data) > limit:
                raise Full
            return super().write(data)

    class Notebook(Exception):
        pass

    class Pickler(pickle.Pickler):
        # a function or class the notebook defined (or an instance of one) pickles as a
        # reference to __main__, which a test run outside the notebook cannot load
        def reducer_override(self, obj):
            owner = obj if isinstance(obj, type) or callable(obj) else type(obj)
            if getattr(owner, "__module__", None) == "__main__":
                raise Notebook
            return NotImplemented

    def dumps(value):
        buffer = Capped()
        try:
            Pickler(buffer, protocol=4).dump(value)
        except Exception:  # too big, not picklable, or made by the notebook
            return None
        return buffer.getvalue()

    def wrap(module, name, function):
        done = 0

        @functools.wraps(function)
        def recorded(*args, **kwargs):
            nonlocal done
            if done >= calls:
                return function(*args, **kwargs)
            done += 1
            number = done
            arguments = dumps((args, kwargs))
            result = function(*args, **kwargs)
            value = dumps(result) if arguments is not None else None
            if value is not None and len(arguments) + len(value) <= limit:
                record = {"args": arguments, "result": value, "none": result is None,
                          "folder": os.getcwd()}
                path = os.path.join(folder, f"{module}--{name}--{number}.pickle")
                with open(path, "wb") as file:
                    pickle.dump(record, file, protocol=4)
            return result

        return recorded

    class Finder(importlib.abc.MetaPathFinder):
        def find_spec(self, fullname, path, target=None):
            if fullname not in modules:
                return None
            spec = importlib.machinery.PathFinder.find_spec(fullname, path)
            if spec is None or spec.loader is None:
                return spec
            run = spec.loader.exec_module

            def exec_module(module):
                run(module)
                for name in modules[fullname]:
                    function = module.__dict__.get(name)
                    plain = inspect.isfunction(function) and not (
                        inspect.iscoroutinefunction(function)
                        or inspect.isgeneratorfunction(function)
                        or inspect.isasyncgenfunction(function)
                    )
                    if plain:
                        module.__dict__[name] = wrap(fullname, name, function)

            spec.loader.exec_module = exec_module
            return spec

    sys.meta_path.insert(0, Finder())


_nbrefactor_record(*ARGUMENTS)
del _nbrefactor_record
"""


@dataclass(frozen=True, slots=True)
class Recording:
    """One recorded call: ``module.function``'s ``number``-th, as pickled bytes."""

    module: str
    function: str
    number: int
    data: bytes  # the pickled record: args, result, none, folder
    returned_none: bool
    folder: Path  # the working directory of the call


class Recorder:
    """Where calls are recorded (``folder``, empty), and how many and how big."""

    def __init__(self, folder: Path, settings: RecordSettings = RecordSettings()) -> None:
        self.folder = folder
        self.settings = settings

    def preamble(self, functions: Mapping[str, Sequence[str]]) -> str:
        """The code the kernel runs first to record calls of ``functions`` (names, by
        the dotted name of their module)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        arguments = (
            str(self.folder.resolve()),
            {module: sorted(set(names)) for module, names in functions.items()},
            self.settings.calls,
            self.settings.max_bytes,
        )
        return _PREAMBLE.replace("ARGUMENTS", repr(arguments))

    def recordings(self) -> list[Recording]:
        """What the runs recorded, in module, function and call order."""
        found = []
        for path in sorted(self.folder.glob("*.pickle")):
            module, function, number = path.stem.split("--")
            data = path.read_bytes()
            record = pickle.loads(data)  # written by the preamble: plain dict of bytes
            found.append(
                Recording(
                    module,
                    function,
                    int(number),
                    data,
                    bool(record["none"]),
                    Path(record["folder"]),
                )
            )
        return sorted(found, key=lambda r: (r.module, r.function, r.number))
