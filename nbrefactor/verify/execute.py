"""Run a notebook top to bottom in a fresh kernel and keep what each code cell showed.

nbclient and ipykernel are imported only here, and only when a notebook is run: the rest
of nbrefactor works without them (they come with ``pip install 'nbrefactor[jupyter]'``).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from nbrefactor.errors import NbrefactorError
from nbrefactor.verify.normalise import normalise

OutputKind = Literal["stream", "data", "error"]


@dataclass(frozen=True, slots=True)
class Output:
    """One output as compared: ``name`` is the stream (stdout/stderr), the error's class,
    or ``"data"``; ``text`` is normalised; ``image`` says whether a picture was shown."""

    kind: OutputKind
    name: str
    text: str
    image: bool = False

    def __str__(self) -> str:
        shown = self.text if len(self.text) <= 200 else self.text[:200] + "..."
        picture = " [image]" if self.image else ""
        return f"{self.kind} {self.name}{picture}: {shown!r}"


@dataclass(frozen=True, slots=True)
class CellRun:
    """What one code cell showed; ``index`` counts all cells of the notebook from 0."""

    index: int
    cell_id: str | None
    source: str
    outputs: tuple[Output, ...]


def execute_notebook(
    path: Path,
    *,
    timeout: float = 600,
    python_path: Sequence[Path] = (),
    kernel_name: str = "python3",
) -> tuple[CellRun, ...]:
    """Execute ``path`` (ipynb or a jupytext text notebook) in its own folder.

    ``python_path`` folders come first on the kernel's ``PYTHONPATH`` (where an
    extracted package lives when it is not installed). The file is not changed.
    A cell that raises does not stop the run: its error is an output like any other.

    Raises:
        NbrefactorError: nbclient or ipykernel is missing, the notebook cannot be read,
            the kernel does not start, or a cell runs longer than ``timeout`` seconds.
    """
    try:
        import nbclient
        import nbformat
    except ImportError:
        raise NbrefactorError(
            "running notebooks needs nbclient and ipykernel: pip install 'nbrefactor[jupyter]'"
        ) from None
    notebook = _read(path, nbformat)
    env = dict(os.environ)
    folders = [str(p.resolve()) for p in python_path]
    if env.get("PYTHONPATH"):
        folders.append(env["PYTHONPATH"])
    if folders:
        env["PYTHONPATH"] = os.pathsep.join(folders)
    client = nbclient.NotebookClient(
        notebook,
        kernel_name=kernel_name,
        timeout=timeout,
        allow_errors=True,
        resources={"metadata": {"path": str(path.resolve().parent)}},
    )
    try:
        client.execute(env=env)
    except nbclient.exceptions.CellTimeoutError:
        raise NbrefactorError(f"a cell ran longer than {timeout:g} s", path=path) from None
    except nbclient.exceptions.DeadKernelError as error:
        raise NbrefactorError(f"the kernel died: {error}", path=path) from None
    except Exception as error:  # no such kernel, kernel failed to start
        if type(error).__name__ != "NoSuchKernel":
            raise
        raise NbrefactorError(f"no Jupyter kernel named {kernel_name!r}", path=path) from None
    return tuple(
        CellRun(index, cell.get("id"), cell.source, _outputs(cell.get("outputs", [])))
        for index, cell in enumerate(notebook.cells)
        if cell.cell_type == "code"
    )


def _read(path: Path, nbformat: Any) -> Any:
    try:
        if path.suffix == ".ipynb":
            return nbformat.read(path, as_version=4)
        import jupytext

        return jupytext.read(path)
    except OSError as error:
        raise NbrefactorError(f"cannot read: {error.strerror}", path=path) from None
    except Exception as error:  # nbformat and jupytext raise many kinds on bad input
        raise NbrefactorError(f"not a notebook: {error}", path=path) from None


def _outputs(raw: list[Any]) -> tuple[Output, ...]:
    found: list[Output] = []
    for output in raw:
        kind = output.get("output_type")
        if kind == "stream":
            text = normalise(output.get("text", ""))
            name = output.get("name", "stdout")
            if found and found[-1].kind == "stream" and found[-1].name == name:
                found[-1] = Output("stream", name, found[-1].text + text)  # chunks vary
            else:
                found.append(Output("stream", name, text))
        elif kind in ("execute_result", "display_data"):
            data = output.get("data", {})
            text = normalise(_text(data.get("text/plain", "")))
            found.append(Output("data", "data", text, image=_has_image(data)))
        elif kind == "error":
            evalue = normalise(output.get("evalue", ""))
            found.append(Output("error", output.get("ename", ""), evalue))
    return tuple(found)


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _has_image(data: Any) -> bool:
    return any(str(kind).startswith("image/") for kind in data)
