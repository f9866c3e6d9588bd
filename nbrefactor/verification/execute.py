"""Run a notebook top to bottom in a fresh kernel and keep what each code cell showed.

nbclient and ipykernel are imported only here, and only when a notebook is run: the rest
of nbrefactor works without them (they come with ``pip install 'nbrefactor[jupyter]'``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import struct
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import IO, Any, Literal, Protocol

from nbrefactor.errors import ExecutionFailed, NbrefactorError
from nbrefactor.notebook.model import cell_number
from nbrefactor.notebook.reader import guess_text_format
from nbrefactor.verification.environment import child_environment
from nbrefactor.verification.normalise import normalise

OutputKind = Literal["stream", "data", "error"]


@dataclass(frozen=True, slots=True)
class Output:
    """One output as compared: ``name`` is the stream (stdout/stderr), the error's class,
    or ``"data"``; ``text`` is normalised (the stream, text/plain or the error's value),
    ``html`` too; ``images`` describe the pictures shown (``image/png 420x180``, or
    their hash with strict images)."""

    kind: OutputKind
    name: str
    text: str
    html: str = ""
    images: tuple[str, ...] = ()

    def __str__(self) -> str:
        shown = self.text if len(self.text) <= 200 else self.text[:200] + "..."
        pictures = "".join(f" [{image}]" for image in self.images)
        return f"{self.kind} {self.name}{pictures}: {shown!r}"

    def as_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {"kind": self.kind, "name": self.name, "text": self.text}
        if self.html:
            found["html"] = self.html
        if self.images:
            found["images"] = list(self.images)
        return found


@dataclass(frozen=True, slots=True)
class CellRun:
    """What one code cell showed; ``index`` counts all cells of the notebook from 0."""

    index: int
    cell_id: str | None
    source: str
    outputs: tuple[Output, ...]


class CellProgress(Protocol):
    """Told as a run reaches each cell: the notebook, which run (``"original"``,
    ``"refactored"`` or ``"notebook"``), the cell's number counting every cell from 1,
    and how many cells the notebook has."""

    def __call__(self, notebook: Path, run: str, cell: int, cells: int) -> None: ...


@dataclass(frozen=True, slots=True)
class RunOptions:
    """How notebooks are run: see ``nbrefactor verify --help``."""

    timeout: float = 600  # seconds per cell
    kernel: str | None = None  # None: the notebook's own, else python3
    strict_images: bool = False  # pictures compared by hash, not kind and size
    #: A cell that raises does not stop the run: its error is compared like an output.
    allow_errors: bool = False
    #: Told as each cell starts (a progress line); it cannot change the run.
    progress: CellProgress | None = field(default=None, compare=False, repr=False)
    #: Told of each step of a verification after the runs (replaying recorded calls,
    #: mypy, the recorded tests), in a few words.
    steps: Callable[[str], None] | None = field(default=None, compare=False, repr=False)


def execute_notebook(
    path: Path,
    options: RunOptions = RunOptions(),
    *,
    python_path: Sequence[Path] = (),
    run: str = "notebook",
) -> tuple[CellRun, ...]:
    """Execute ``path`` (ipynb or a jupytext text notebook) in its own folder.

    See :func:`run_notebook`; the file is not changed.
    """
    return run_notebook(_read_text(path), path, options, python_path=python_path, run=run)


def run_notebook(
    text: str,
    path: Path,
    options: RunOptions = RunOptions(),
    *,
    python_path: Sequence[Path] = (),
    preamble: str = "",
    run: str = "notebook",
) -> tuple[CellRun, ...]:
    """Execute the notebook ``text`` (the content of a file named like ``path``) top to
    bottom in a fresh kernel, with ``path``'s folder as working directory.

    The kernel is ``options.kernel``, else the one the notebook's metadata names, else
    ``python3``. ``python_path`` folders come first on the kernel's ``PYTHONPATH``
    (where an extracted package lives when it is not installed). ``preamble`` is code
    the kernel runs silently before the first cell (it shows nothing and takes no
    execution count). With ``options.allow_errors`` a cell that raises does not stop
    the run: its error is an output like any other; without it, the run stops there,
    except in cells tagged ``raises-exception``. ``options.progress`` is told of each
    cell as it starts, with ``run`` saying which run this is.

    Raises:
        ExecutionFailed: a cell raised (without ``allow_errors``), the kernel does not
            start or dies, or a cell runs longer than ``timeout`` seconds.
        NbrefactorError: nbclient or ipykernel is missing, or ``text`` is no notebook.
    """
    try:
        import nbclient
    except ImportError:
        raise NbrefactorError(
            "running notebooks needs nbclient and ipykernel: pip install 'nbrefactor[jupyter]'"
        ) from None
    notebook = _parse(text, path)
    timeout, strict = options.timeout, options.strict_images
    env = child_environment(python_path)
    name = options.kernel or notebook.metadata.get("kernelspec", {}).get("name") or "python3"
    client = _client_class(nbclient)(
        notebook,
        kernel_name=name,
        timeout=timeout,
        allow_errors=options.allow_errors,
        resources={"metadata": {"path": str(path.resolve().parent)}},
    )
    client.preamble = preamble
    if options.progress is not None:
        told, cells = options.progress, len(notebook.cells)

        def starting(cell: Any, cell_index: int) -> None:
            told(path, run, cell_index + 1, cells)

        client.on_cell_start = starting
    # The kernel's own stderr (start-up warnings, a crash's last words) is not the
    # notebook's output: keep it off the user's terminal, and show it if the kernel dies.
    with tempfile.TemporaryFile() as kernel_log:
        try:
            client.execute(env=env, stderr=kernel_log)
        except nbclient.exceptions.CellTimeoutError:
            raise ExecutionFailed(f"a cell ran longer than {timeout:g} s", path=path) from None
        except nbclient.exceptions.DeadKernelError as error:
            said = _tail(kernel_log)
            message = f"the kernel died: {error}" + (f"; it said:\n{said}" if said else "")
            raise ExecutionFailed(message, path=path) from None
        except nbclient.exceptions.CellExecutionError as error:
            cell = _failed_cell(notebook)
            where = f"cell_{cell_number(cell)}: " if cell is not None else ""
            message = f"{where}{error.ename}: {error.evalue}"
            raise ExecutionFailed(message, path=path, cell=cell) from None
        except _PreambleFailed as error:
            raise ExecutionFailed(f"could not prepare the kernel: {error}", path=path) from None
        except Exception as error:  # no such kernel, kernel failed to start
            if type(error).__name__ != "NoSuchKernel":
                raise
            raise ExecutionFailed(
                f"no Jupyter kernel named {name!r} (choose one with --kernel)", path=path
            ) from None
    return tuple(
        CellRun(index, cell.get("id"), cell.source, _outputs(cell.get("outputs", []), strict))
        for index, cell in enumerate(notebook.cells)
        if cell.cell_type == "code"
    )


def _tail(log: IO[bytes], lines: int = 20) -> str:
    """The last ``lines`` lines the kernel wrote to ``log``, without jupyter's warnings."""
    log.seek(0)
    text = log.read().decode("utf-8", errors="replace")
    kept = [line for line in text.splitlines() if line.strip() and "WARNING |" not in line]
    return "\n".join(kept[-lines:])


class _PreambleFailed(Exception):
    pass


@cache
def _client_class(nbclient: Any) -> Any:
    """An nbclient client that runs a preamble, silently, once the kernel is up."""

    class Client(nbclient.NotebookClient):  # type: ignore[misc]
        preamble = ""

        async def async_start_new_kernel_client(self) -> Any:
            client = await super().async_start_new_kernel_client()
            if self.preamble:
                message = client.execute(self.preamble, silent=True, store_history=False)
                reply = await self.async_wait_for_reply(message)
                content = (reply or {}).get("content", {})
                if content.get("status") != "ok":
                    raise _PreambleFailed(f"{content.get('ename')}: {content.get('evalue')}")
            return client

    return Client


def _failed_cell(notebook: Any) -> int | None:
    """The index of the cell whose outputs hold an error (the one that stopped a run)."""
    for index, cell in enumerate(notebook.cells):
        if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            return index
    return None


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as error:
        raise NbrefactorError(f"cannot read: {error.strerror}", path=path) from None
    except UnicodeDecodeError:
        raise NbrefactorError("is not UTF-8 text", path=path) from None


def _parse(text: str, path: Path) -> Any:
    """``text`` as the notebook object nbclient runs (the format read as the reader
    reads it, for a text notebook)."""
    try:
        if path.suffix == ".ipynb":
            import nbformat

            return nbformat.reads(text, as_version=4)  # type: ignore[no-untyped-call]
        import jupytext

        return jupytext.reads(text, fmt=guess_text_format(text, path.suffix.lower()))
    except Exception as error:  # nbformat and jupytext raise many kinds on bad input
        raise NbrefactorError(f"not a notebook: {error}", path=path) from None


def _outputs(raw: list[Any], strict_images: bool) -> tuple[Output, ...]:
    found: list[Output] = []
    for output in raw:
        kind = output.get("output_type")
        if kind == "stream":
            text = output.get("text", "")
            name = output.get("name", "stdout")
            if found and found[-1].kind == "stream" and found[-1].name == name:
                text = found.pop().text + text  # chunks vary from run to run
            found.append(Output("stream", name, text))
        elif kind in ("execute_result", "display_data"):
            data = output.get("data", {})
            found.append(
                Output(
                    "data",
                    "data",
                    normalise(_text(data.get("text/plain", ""))),
                    html=normalise(_text(data.get("text/html", ""))),
                    images=_images(data, strict_images),
                )
            )
        elif kind == "error":
            evalue = normalise(output.get("evalue", ""))
            found.append(Output("error", output.get("ename", ""), evalue))
    return tuple(
        Output(o.kind, o.name, normalise(o.text)) if o.kind == "stream" else o for o in found
    )


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _images(data: Any, strict: bool) -> tuple[str, ...]:
    """``image/png 420x180`` per picture (its size when it can be read), or
    ``image/png sha256:...`` when ``strict``."""
    found = []
    for kind, value in sorted(data.items()):
        if not str(kind).startswith("image/"):
            continue
        raw = _text(value)
        content = raw.encode() if kind == "image/svg+xml" else _decoded(raw)
        if strict:
            found.append(f"{kind} sha256:{hashlib.sha256(content).hexdigest()[:16]}")
        else:
            size = image_size(kind, content)
            found.append(f"{kind} {size[0]}x{size[1]}" if size else str(kind))
    return tuple(found)


def _decoded(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=False)
    except (binascii.Error, ValueError):
        return text.encode()


def image_size(kind: str, content: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG, GIF or JPEG picture; None for other kinds."""
    if kind == "image/png" and content[:8] == b"\x89PNG\r\n\x1a\n" and len(content) >= 24:
        width, height = struct.unpack(">II", content[16:24])
        return int(width), int(height)
    if kind == "image/gif" and content[:4] == b"GIF8" and len(content) >= 10:
        width, height = struct.unpack("<HH", content[6:10])
        return int(width), int(height)
    if kind == "image/jpeg" and content[:2] == b"\xff\xd8":
        return _jpeg_size(content)
    return None


def _jpeg_size(content: bytes) -> tuple[int, int] | None:
    position = 2
    while position + 9 < len(content):
        if content[position] != 0xFF:
            return None
        marker = content[position + 1]
        length = int.from_bytes(content[position + 2 : position + 4], "big")
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):  # start of frame
            height, width = struct.unpack(">HH", content[position + 5 : position + 9])
            return int(width), int(height)
        position += 2 + length
    return None
