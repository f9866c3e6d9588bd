"""Render the job of a notebook (``extract --as-job``): its ``Config``, ``Result`` and
``run`` at the top of the module, ``print`` made logging, and the command line at its
end; and the package's own modules the jobs use (``logs.py``, ``cli.py``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import libcst as cst

from nbrefactor.codemods.print_to_logging import PrintToLogging
from nbrefactor.emit.templating import docstring, render
from nbrefactor.planning.job import JobPlan, Setting

#: The package's modules the jobs import, by file name: written when missing.
PACKAGE_MODULES = ("logs.py", "cli.py")


@dataclass(frozen=True, slots=True)
class JobSource:
    """What a job adds to its module: imports, the logger, the definitions that come
    before the steps (``Config``, ``Result``, ``run``) and the command line at its end."""

    imports: tuple[str, ...]
    logger: str  # the statement that makes the module's logger, or "" when none logs
    head: str  # Config, Result and run: the table of contents, before the steps
    steps: tuple[str, ...]  # the moved code, its prints made log calls
    main: str


def render_job(job: JobPlan, package: str, notebook: str, definitions: Sequence[str]) -> JobSource:
    """The job of a module of ``package``, made of ``notebook`` (its file name);
    ``definitions`` are the module's moved code, whose ``print`` calls become
    ``logger.info``."""
    logging = PrintToLogging()
    steps = tuple(cst.parse_module(source).visit(logging).code for source in definitions)
    fields = [(setting, _field_value(setting)) for setting in job.fields]
    imports = [*job.imports, "from dataclasses import dataclass"]
    if any(value.startswith("field(") for _, value in fields):
        imports.append("from dataclasses import field")
    if job.results or any(re.search(r"\bAny\b", s.annotation) for s in job.settings):
        imports.append("from typing import Any")
    imports.append(f"from {package}.cli import run_job")
    if logging.changed:
        imports.append(f"from {package}.logs import get_logger")
    head = render(
        "job.py.jinja",
        notebook=notebook,
        fields=fields,
        properties=job.properties,
        steps=job.steps,
        results=job.results,
    )
    return JobSource(
        tuple(imports),
        "logger = get_logger(__name__)" if logging.changed else "",
        head.strip("\n"),
        steps,
        'if __name__ == "__main__":\n    run_job(Config, run, description=__doc__)',
    )


def job_docstring(notebook: str, module: str) -> str:
    """The docstring of a job's module."""
    summary = docstring(
        f"The job made of {notebook}: its settings (Config), its steps in order (run) "
        "and the functions they call."
    ).rstrip("\n")
    return f"{summary}\n\nRun it with ``python -m {module}``; ``--help`` lists the settings.\n"


def _field_value(setting: Setting) -> str:
    """What follows ``name: type =`` in the field of ``setting``."""
    metadata = []
    if setting.comment:
        metadata.append(f'"help": {setting.comment!r}')
    if setting.path:
        metadata.append('"path": True')
    if not setting.mutable and not metadata:
        return setting.value
    default = (
        f"default_factory=lambda: {setting.value}"
        if setting.mutable
        else (f"default={setting.value}")
    )
    extra = f", metadata={{{', '.join(metadata)}}}" if metadata else ""
    return f"field({default}{extra})"


def package_modules(package: str) -> dict[str, str]:
    """The package's modules the jobs import, by file name."""
    return {name: render(f"{name}.jinja", package=package) for name in PACKAGE_MODULES}
