"""Record calls of extracted functions while the refactored notebook runs.

The kernel runs a preamble first (silently, before the first cell): an import hook that
wraps each extracted function of the package's modules as they are imported. A wrapped
function pickles its arguments before the call and its result after, for its first few
calls, and keeps a call when both pickle within the size limit (else a note of why
not); when the call changed its arguments, they are pickled again after it. While it
runs, an audit hook notes the files it opens: those it reads in the notebook's folder
are kept as they were when read, for its test to copy; reading or writing the user's
files elsewhere makes the call unfit for a test. Nothing of nbrefactor is imported in
the kernel: it may be another environment's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

#: Default limits: calls kept per function, bytes per call (arguments and result), and
#: bytes of data files the tests written from the calls may take in a project.
CALLS = 3
MAX_BYTES = 20_000_000
DATA_BUDGET = 1_000_000


@dataclass(frozen=True, slots=True)
class RecordSettings:
    """How many calls of each function to record, up to what size (bytes per call:
    arguments and result, pickled), and how many bytes of data files (values too large
    to write out, files the calls read) their tests may take."""

    calls: int = CALLS
    max_bytes: int = MAX_BYTES
    data_budget: int = DATA_BUDGET


_PREAMBLE = """
def _nbrefactor_record(folder, modules, calls, limit):
    import functools, importlib.abc, importlib.machinery, inspect, io, os, pickle, sys
    import tempfile

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

    def dumps(value, what):
        # the pickled value, or why it is not kept
        buffer = Capped()
        plural = what.endswith("s")
        try:
            Pickler(buffer, protocol=4).dump(value)
        except Full:
            return None, f"{what} {'take' if plural else 'takes'} more than {limit:,} bytes"
        except Notebook:
            verb = "hold" if plural else "holds"
            return None, f"{what} {verb} a function or class the notebook defined"
        except Exception as error:
            return None, f"{what} cannot be pickled ({type(error).__name__})"
        return buffer.getvalue(), None

    def save(module, name, number, content, suffix):
        busy.append(True)  # the recorder's own file, not the call's
        try:
            path = os.path.join(folder, f"{module}--{name}--{number}{suffix}")
            with open(path, "wb") as file:
                file.write(content)
        finally:
            busy.pop()

    # the files each running call opens: read ones are kept (as they were when read)
    # for its test to copy; written ones outside its folder make it unfit for a test
    active = []
    busy = []
    # where libraries keep caches and scratch files: writes there are not the user's
    private = (tempfile.gettempdir(), sys.prefix, os.path.expanduser("~") + os.sep + ".",
               os.path.dirname(os.devnull) + os.sep)
    # where the system and the libraries keep what they read: not the user's files
    system = tuple(os.path.join(p, "") for p in (
        sys.prefix, sys.base_prefix, sys.exec_prefix, "/usr", "/etc", "/proc", "/sys",
        "/dev", "/opt", "/lib", "/var", "/snap")) + (os.path.expanduser("~") + os.sep + ".",)

    def note_open(path, mode, flags):
        if path is None or isinstance(path, int):
            return
        given = os.fsdecode(path)
        full = os.path.abspath(given)
        if mode is None:
            writing = bool(flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND))
        else:
            writing = any(c in mode for c in "wax+")
        here = os.getcwd()
        # a relative name within the folder is the same file in a test's own folder
        relative = not os.path.isabs(given) and full.startswith(here + os.sep)
        name = os.path.relpath(full, here) if relative else full
        for call in active:
            if writing:
                if relative:
                    call["written"].add(name)
                elif not full.startswith(private):
                    call["unfit"].add(f"it writes {full}, outside its test's folder")
            elif not relative:
                if not os.path.isfile(full):
                    pass
                elif not os.path.isabs(given):
                    call["unfit"].add(f"it reads {full}, outside the notebook's folder")
                elif not full.startswith(system):
                    call["unfit"].add(
                        f"it reads {full} by its absolute path, which a test elsewhere "
                        "would not find")
            elif (
                name not in call["written"]
                and name not in call["files"]
                and "__pycache__" not in name.split(os.sep)
                and not name.endswith((".py", ".pyc", ".so", ".pyd"))
                and os.path.isfile(full)
            ):
                if os.path.getsize(full) > limit:
                    call["unfit"].add(f"it reads {name}, too large to copy for a test")
                else:
                    with open(full, "rb") as file:
                        call["files"][name] = file.read()

    def note_folder(path):
        given = os.fsdecode(path)
        full = os.path.abspath(given)
        here = os.getcwd()
        if not os.path.isabs(given) and full.startswith(here + os.sep):
            for call in active:
                call["made"].add(os.path.relpath(full, here))

    def audit(event, args):
        if event not in ("open", "os.mkdir") or not active or busy:
            return
        busy.append(True)  # the hook's own opening of a file is not the call's
        try:
            if event == "open":
                note_open(*args)
            else:
                note_folder(args[0])
        except Exception:  # noting a file must never make the user's code fail
            pass
        finally:
            busy.pop()

    sys.addaudithook(audit)
    initial_env = dict(os.environ)

    def wrap(module, name, function):
        done = 0

        @functools.wraps(function)
        def recorded(*args, **kwargs):
            nonlocal done
            if done >= calls:
                return function(*args, **kwargs)
            done += 1
            number = done
            arguments, problem = dumps((args, kwargs), "its arguments")
            call = {"files": {}, "written": set(), "made": set(), "unfit": set()}
            # settings the notebook put in the environment (%env) since it started
            env = {k: v for k, v in os.environ.items() if initial_env.get(k) != v}
            active.append(call)
            try:
                result = function(*args, **kwargs)
            finally:
                active.pop()  # calls nest: this one is the last
            if problem is None:
                value, problem = dumps(result, "its result")
            changed = None  # the arguments after the call, when the call changed them
            if problem is None:
                after, _ = dumps((args, kwargs), "its arguments")
                changed = after if after is not None and after != arguments else None
            if problem is not None:
                save(module, name, number, problem.encode(), ".skipped")
                return result
            # the folders it wrote in that it did not make: its test makes them first
            folders = {os.path.dirname(name) for name in call["written"]} - {""}
            folders = {f for f in folders if not any(
                f == made or f.startswith(made + os.sep) for made in call["made"])}
            record = {"args": arguments, "result": value, "none": result is None,
                      "changed": changed,
                      "folder": os.getcwd(), "files": call["files"], "env": env,
                      "folders": sorted(folders), "unfit": sorted(call["unfit"])}
            save(module, name, number, pickle.dumps(record, protocol=4), ".pickle")
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
                        continue
                    kind = ("a class" if inspect.isclass(function)
                            else "a generator or coroutine function")
                    note = f"it is {kind}, whose calls are not recorded"
                    save(fullname, name, 0, note.encode(), ".skipped")

            spec.loader.exec_module = exec_module
            return spec

    sys.meta_path.insert(0, Finder())


_nbrefactor_record(*ARGUMENTS)
del _nbrefactor_record
"""


@dataclass(frozen=True, slots=True)
class Recording:
    """One call of ``module.function`` (its ``number``-th) made while the notebook ran:
    kept in the file ``path``, or ``skipped`` with the reason."""

    module: str
    function: str
    number: int
    path: Path | None
    skipped: str = ""


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
        """The calls the runs made, recorded or skipped, in module, function and call
        order."""
        found = []
        for path in self.folder.iterdir():
            if path.suffix not in (".pickle", ".skipped"):
                continue
            module, function, number = path.stem.split("--")
            if path.suffix == ".pickle":
                found.append(Recording(module, function, int(number), path))
            else:
                reason = path.read_text(encoding="utf-8")
                found.append(Recording(module, function, int(number), None, reason))
        return sorted(found, key=lambda r: (r.module, r.function, r.number))
