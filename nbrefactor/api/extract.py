"""The ``extract`` job: plan the move of notebooks' code into a package, render every
file that changes, and, when asked, prove the rewritten notebooks show the same outputs
and turn the calls recorded in that run into tests.

Nothing is written here: the result's :class:`ChangeSet` holds every file (modules,
tests, notebooks, recorded tests and their fixtures), shown as a diff (``--dry-run``)
or applied all together.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from nbrefactor.analysis.graph import CellGraph, build_graph
from nbrefactor.api.llm_tests import add_proposed_tests
from nbrefactor.api.proof import RunsChangedFiles, verify_extraction
from nbrefactor.api.results import ExtractionResult, ExtractionRun
from nbrefactor.config import load_config
from nbrefactor.diagnostics import CODES, Diagnostic
from nbrefactor.emit.changes import NotebookFailed, NotebookSource, RenderOptions, render_changes
from nbrefactor.emit.changeset import ChangeSet, current_content
from nbrefactor.emit.merge import names_taken_in
from nbrefactor.emit.project import Layout, Project, find_project, module_names, new_project
from nbrefactor.errors import NbrefactorError, UsageError, combined
from nbrefactor.fileio import resolved
from nbrefactor.llm.cache import CACHE_FOLDER, AnswerCache
from nbrefactor.llm.client import LlmClient
from nbrefactor.llm.stage import propose_functions
from nbrefactor.notebook.model import cell_number
from nbrefactor.notebook.reader import read_notebook_text, read_source
from nbrefactor.planning.job import JobPlan, NoJob, plan_job
from nbrefactor.planning.observers import folder_listings
from nbrefactor.planning.planner import Choice, plan_notebooks
from nbrefactor.planning.units import COMMON_MODULE, BatchPlan, ExtractionPlan
from nbrefactor.verification.execute import RunOptions
from nbrefactor.verification.imports import failing_imports
from nbrefactor.verification.proof import stage_package
from nbrefactor.verification.recording import RecordSettings


def project_for(
    notebook: Path,
    *,
    project_dir: Path | None = None,
    package: str | None = None,
    layout: Layout = "src",
) -> Project:
    """The project ``notebook``'s code goes to: ``project_dir`` (created when it has no
    pyproject.toml yet, which needs ``package``), else the one the notebook is in."""
    if project_dir is not None and not (project_dir / "pyproject.toml").exists():
        if package is None:
            raise NbrefactorError(
                f"{project_dir} is no project yet: name its package with --package"
            )
        return new_project(project_dir, package, layout)
    return find_project(project_dir or notebook)


@dataclass(frozen=True, slots=True)
class ExtractOptions:
    """How an extraction goes: see :func:`extract` and ``nbrefactor extract --help``."""

    project_dir: Path | None = None
    package: str | None = None
    layout: Layout = "src"
    module: str | None = None
    output_notebook: Path | None = None
    autoreload: bool = True
    force: bool = False
    verify: RunOptions | None = None  # None: the notebooks are not run
    record: RecordSettings | None = None  # with verify: record calls as tests
    keep: frozenset[str] = frozenset()  # notebook variables moved code must return
    choice: Choice | None = None  # cells to move as one function; None: what can move
    #: Ask the language model of [tool.nbrefactor.llm] for functions (the planner decides).
    llm: bool = False
    #: With ``llm``: write the requests to this file instead of sending them.
    llm_dry_run: Path | None = None
    #: With ``llm``: tests of the moved functions from inputs the model proposes.
    llm_tests: bool = False
    #: Make each module a job: a Config of the settings, run(config), a command line.
    as_job: bool = False

    def project_of(self, notebook: Path) -> Project:
        """The project ``notebook``'s code goes to (see :func:`project_for`)."""
        return project_for(
            notebook, project_dir=self.project_dir, package=self.package, layout=self.layout
        )


def extract(
    notebooks: Path | str | Sequence[Path | str],
    *,
    project_dir: Path | str | None = None,
    package: str | None = None,
    layout: Layout = "src",
    module: str | None = None,
    output_notebook: Path | str | None = None,
    autoreload: bool = True,
    force: bool = False,
    verify: RunOptions | None = None,
    record: RecordSettings | None = None,
    keep: Iterable[str] = (),
    cells: Sequence[int] | None = None,
    function: str | None = None,
    llm: bool = False,
    llm_tests: bool = False,
    as_job: bool = False,
) -> ExtractionResult:
    """Plan and render the extraction of one notebook, or of several into one project
    with one plan (a block copied into several of them becomes one function in
    ``PKG/common.py``).

    A notebook that cannot be read or extracted is left out and its error is in
    ``failed``; the others go on. With ``verify``, every rewritten notebook is run
    before and after (:attr:`ExtractionResult.verifications`); with ``record`` too, the
    calls of the moved functions in that run become tests in the change set, those
    that pass when replayed. The notebook variables named in ``keep`` stay notebook
    variables: moved code that binds them returns them. With ``cells`` (indices counting
    every cell from 0; one notebook), only those cells change: their definitions move,
    and their other code becomes one function, named ``function`` or from what it does.
    With ``llm``, the language model of ``[tool.nbrefactor.llm]`` proposes functions for
    the script code (``result.llm``; see docs/reference/llm.md); with ``llm_tests`` too, test
    inputs for the moved functions (``result.proposed_tests``). With ``as_job``, each
    module is a job too: the notebook's settings as a ``Config``, its steps chained in
    ``run(config)``, ``print`` made logging, and a command line (``python -m
    PKG.MODULE --help``; see docs/reference/job.md); a notebook that cannot be one fails.

    Raises:
        NbrefactorError: no project, a bad option, no notebook could be extracted (a
            name that already exists in the target module, unless ``force``, ...), or
            a notebook could not be run to verify it.
    """
    given = [notebooks] if isinstance(notebooks, (Path, str)) else notebooks
    options = ExtractOptions(
        None if project_dir is None else Path(project_dir),
        package,
        layout,
        module,
        None if output_notebook is None else Path(output_notebook),
        autoreload,
        force,
        verify,
        record,
        frozenset(keep),
        None if cells is None else Choice(tuple(sorted(set(cells))), function),
        llm=llm,
        llm_tests=llm_tests,
        as_job=as_job,
    )
    if function is not None and cells is None:
        raise UsageError("function names the function of the chosen cells")
    return extract_project([Path(name) for name in given], options)


def extract_projects(notebooks: Sequence[Path], options: ExtractOptions) -> ExtractionRun:
    """:func:`extract` for notebooks that may belong to several projects: each project's
    notebooks are extracted together, one project's failure does not stop the others.

    Raises:
        UsageError: options that do not fit together.
        NbrefactorError: ``options.project_dir`` cannot be used (it fails the same way
            for every notebook, so it is said once).
    """
    if options.output_notebook is not None and len(notebooks) > 1:
        raise UsageError("--output-notebook works with one notebook")
    if options.project_dir is not None:
        options.project_of(notebooks[0])
    errors: list[NbrefactorError] = []
    groups: dict[Path, list[Path]] = {}  # notebooks share a plan with their project's others
    for notebook in notebooks:
        try:
            project = options.project_of(notebook)
        except NbrefactorError as error:
            errors.append(error)
            continue
        groups.setdefault(project.root, []).append(notebook)
    results = []
    for group in groups.values():
        try:
            results.append(extract_project(group, options))
        except NbrefactorError as error:
            errors.append(error)
    return ExtractionRun(tuple(results), tuple(errors))


def extract_project(notebooks: Sequence[Path], options: ExtractOptions) -> ExtractionResult:
    """:func:`extract` of ``notebooks``, all of one project."""
    first: dict[Path, Path] = {}
    for path in notebooks:  # the same notebook twice is extracted once
        first.setdefault(resolved(path), path)
    paths = list(first.values())
    module, target = options.module, options.output_notebook
    if not paths:
        raise UsageError("no notebook to extract")
    if target is not None and len(paths) > 1:
        raise UsageError("--output-notebook works with one notebook")
    if module is not None and not module.isidentifier():
        raise UsageError(f"--module {module!r} is not a valid Python module name")
    if module == COMMON_MODULE:
        raise UsageError(f"--module {COMMON_MODULE} is where code shared by notebooks goes")
    if options.choice is not None and len(paths) > 1:
        raise UsageError("--cells chooses cells of one notebook")
    if options.choice is not None and options.llm:
        raise UsageError("--llm proposes functions for the whole notebook; --cells chooses one")
    folder = options.project_dir
    project = options.project_of(paths[0])
    failed: list[NbrefactorError] = []
    sources: dict[Path, NotebookSource] = {}
    for index, path in enumerate(paths):
        try:
            if folder is None and index:
                other = find_project(path)
                if other.root != project.root:
                    raise NbrefactorError(
                        f"belongs to another project ({other.root}); extract it on its own",
                        path=path,
                    )
            text = read_source(path)
            graph = build_graph(read_notebook_text(text, path))
            _check_analysed(graph)
            if options.choice is not None:
                _check_choice(options.choice, graph)
            sources[path] = NotebookSource(path, text, graph)
        except NbrefactorError as error:
            failed.append(error)
    if project.new:
        _check_not_imported(project.package, sources.values())
    rendering = RenderOptions(target, options.autoreload, options.force)
    common_path = project.package_dir / f"{COMMON_MODULE}.py"
    client = _llm_client(paths[0]) if options.llm else None
    llm = None
    if client is not None:
        graphs = [source.graph for source in sources.values()]
        llm = propose_functions(graphs, client, dry_run=options.llm_dry_run)
    proposals = {} if llm is None else llm.proposals()
    while sources:
        modules = dict.fromkeys(sources, module) if module else module_names(list(sources))
        batch = plan_notebooks(
            [(s.graph, f"{project.package}.{modules[p]}") for p, s in sources.items()],
            f"{project.package}.{COMMON_MODULE}",
            *names_taken_in(current_content(common_path)),
            keep=options.keep,
            choice=options.choice,
            proposals=proposals,
        )
        if options.choice is not None:
            _check_chosen_moves(options.choice, batch.notebooks[0])
        try:
            jobs = _jobs(batch, sources) if options.as_job else None
            changes = render_changes(batch, list(sources.values()), project, rendering, jobs)
            _check_imports(changes, project, batch, list(sources))
        except NotebookFailed as failure:  # plan again without it: shared code may change
            failed.append(failure.error)
            del sources[failure.notebook]
            continue
        targets = tuple((path, target or path) for path in sources)
        warnings = _listing_warnings(project, sources.values(), batch)
        result = ExtractionResult(
            batch.notebooks, batch.common, project, changes, tuple(failed), targets, warnings,
            llm=llm,
        )  # fmt: skip
        if options.verify is not None and changes:
            try:
                result = verify_extraction(result, options.verify, options.record)
            except RunsChangedFiles:
                raise
            except NbrefactorError as error:
                message = f"{error}; nothing was written"
                raise NbrefactorError(message, exit_code=error.exit_code) from None
        if client is not None and options.llm_tests and options.llm_dry_run is None and changes:
            result = add_proposed_tests(result, client)
        return result
    raise combined(failed, "no notebook could be extracted")


def _jobs(batch: BatchPlan, sources: Mapping[Path, NotebookSource]) -> dict[str, JobPlan]:
    """The job of each notebook of ``batch``, by notebook.

    Raises:
        NotebookFailed: a notebook cannot be a job (plan again without it).
    """
    jobs = {}
    for (path, source), plan in zip(sources.items(), batch.notebooks, strict=True):
        if plan.empty:
            continue
        try:
            jobs[plan.notebook] = plan_job(plan, source.graph)
        except NoJob as no_job:
            reasons = "".join(f"\n  {reason}" for reason in no_job.reasons)
            message = f"cannot be a job (without --as-job, its code can move):{reasons}"
            raise NotebookFailed(path, NbrefactorError(message, path=path)) from None
    return jobs


def _llm_client(first: Path) -> LlmClient:
    """A client of the language model in the settings of ``first``'s project, its
    answers cached beside the settings."""
    config = load_config(first)
    root = config.source.parent if config.source is not None else first.parent
    return LlmClient(config.llm, AnswerCache(root / CACHE_FOLDER, config.llm.cache))


def _check_choice(choice: Choice, graph: CellGraph) -> None:
    """Refuse chosen cells the notebook does not have, or that hold no code."""
    cells = graph.notebook.cells
    for index in choice.cells:
        if index >= len(cells):
            raise UsageError(
                f"--cells: the notebook has no cell {cell_number(index)} "
                f"(its cells are 1-{len(cells)})"
            )
        if not cells[index].is_code:
            raise UsageError(
                f"--cells: cell {cell_number(index)} is a {cells[index].cell_type} cell"
            )


def _check_chosen_moves(choice: Choice, plan: ExtractionPlan) -> None:
    """Refuse a choice of cells of which nothing moves, saying why."""
    if plan.scripts or plan.definitions:
        return
    cells = choice.cells
    if len(cells) == 1:
        where = f"cell {cell_number(cells[0])}"
    elif cells == tuple(range(cells[0], cells[-1] + 1)):
        where = f"cells {cell_number(cells[0])}-{cell_number(cells[-1])}"
    else:
        where = f"cells {', '.join(str(cell_number(c)) for c in cells)}"
    reasons = [f"  {d}" for d in plan.skipped if d.location.cell_index in cells]
    if not reasons:
        raise NbrefactorError(f"{where}: no code to move", path=plan.notebook)
    listed = "\n".join(reasons)
    raise NbrefactorError(f"nothing in {where} can move:\n{listed}", path=plan.notebook)


def _check_analysed(graph: CellGraph) -> None:
    """Refuse a notebook with a cell that runs but that nbrefactor could not analyse:
    it may read or define any name, so no code of the notebook can safely move."""
    for index, facts in graph.facts.items():
        error = facts.parse_error
        if error is not None and error.runs:
            raise NbrefactorError(
                f"cell {cell_number(index)} cannot be analysed: {error.message}; "
                "nothing is extracted from it",
                path=graph.notebook.path,
            )


def _listing_warnings(
    project: Project, sources: Iterable[NotebookSource], batch: BatchPlan
) -> tuple[Diagnostic, ...]:
    """A new project inside a notebook's folder changes what the notebook's listings of
    that folder show (NBR221)."""
    if not project.new:
        return ()
    root = resolved(project.root)
    found = []
    for source, plan in zip(sources, batch.notebooks, strict=True):
        if plan.empty or not root.is_relative_to(resolved(source.path.parent)):
            continue
        for index in folder_listings(source.graph):
            message = f"{CODES['NBR221'].summary} ({project.root}): what it shows may change"
            found.append(Diagnostic("NBR221", message, source.graph.notebook.location(index)))
    return tuple(found)


def _check_imports(
    changes: ChangeSet, project: Project, batch: BatchPlan, notebooks: Sequence[Path]
) -> None:
    """Import every module ``changes`` writes, staged in a temporary folder, in a fresh
    interpreter (run from the first notebook's folder, the notebooks' folders on its
    path for their helper modules): what does not import is never written.

    Raises:
        NotebookFailed: a notebook's module does not import (plan again without it).
        NbrefactorError: the shared module does not import.
    """
    written = [
        change
        for change in changes.changes
        if isinstance(change.new, str)
        and change.path.suffix == ".py"
        and change.path.is_relative_to(project.package_dir)
        and change.new != change.old
    ]
    modules = [
        ".".join(c.path.relative_to(project.import_root).with_suffix("").parts) for c in written
    ]
    modules = [m.removesuffix(".__init__") for m in modules]
    if not modules:
        return
    folders = list(dict.fromkeys(path.resolve().parent for path in notebooks))
    with tempfile.TemporaryDirectory(prefix="nbrefactor-import-") as scratch:
        staged = stage_package(
            project.import_root,
            project.package,
            ((c.path, str(c.new)) for c in written),
            Path(scratch),
        )
        failures = failing_imports(modules, python_path=[staged, *folders], cwd=folders[0])
    for failure in failures:
        said = f"the code nbrefactor generated does not import: {failure.module}: {failure.error}"
        for path, plan in zip(notebooks, batch.notebooks, strict=True):
            if plan.module == failure.module:
                error = NbrefactorError(f"{said}; the notebook is left as it is", path=path)
                raise NotebookFailed(path, error)
        raise NbrefactorError(f"{said}; nothing was written")


def _check_not_imported(package: str, notebooks: Iterable[NotebookSource]) -> None:
    """Refuse a new package named like a module a notebook imports: the package would
    hide it (``import utils`` of a helper next to the notebook, say)."""
    for source in notebooks:
        if package in source.graph.imported_modules():
            raise UsageError(
                f"--package {package!r} is the name of a module {source.path} imports, "
                "which the package would hide"
            )
