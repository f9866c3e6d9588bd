"""JupyterLab's "Refactor cell to module" and "Check notebook for duplicates", end to end:
a real JupyterLab with nbrefactor's server extension and the built frontend, driven in
Debian's chromium by Playwright.

Slow and needs a browser: marked ``browser``. Without chromium, Playwright or the built
extension (``npm run build:prod`` in ``jupyterlab/``) it skips, except under ``CI=true``,
where it fails: CI must run it. ``NBREFACTOR_DOC_SCREENSHOTS=1`` also saves the dialog
for the README (``docs/images/``).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from nbrefactor import read_notebook
from nbrefactor.verification.compare import compare_runs
from nbrefactor.verification.execute import execute_notebook
from tests.conftest import notebook_dict
from tests.jupyter_servers import TOKEN, running

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
BUILT = Path(__file__).resolve().parents[2] / "nbrefactor" / "labextension"
COMMAND = "nbrefactor:refactor-cells-to-module"
#: Where a failing test leaves a screenshot of the page.
SCREENSHOTS = Path(__file__).parent / "screenshots"
#: Pictures in the docs, taken with NBREFACTOR_DOC_SCREENSHOTS=1.
DOC_IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"

#: The notebook the user works in: two cells to move (the first shows nothing).
CELLS = (
    ("markdown", "# Ride lengths"),
    "import statistics\nminutes = [12, 7, 31, 18, 25, 9]",
    "# the long rides\nlong_rides = [m for m in minutes if m > 15]",
    "share = len(long_rides) / len(minutes)\nprint(f'{share:.0%} of rides are long')",
    "print(statistics.mean(long_rides))",
)

#: A module of the project the user picks for the function.
SUMMARIES = '''"""Summaries of ride lengths."""


def longest(minutes):
    """The longest ride."""
    return max(minutes)
'''

#: A notebook with a block copied and renamed (cells 2 and 3) for the duplicates panel.
COPIES = (
    ("markdown", "# Two shops"),
    "import statistics",
    "north = [12.5, 14.0, 13.2, 15.8]\n"
    "north_open = [v for v in north if v > 0]\n"
    "north_mean = statistics.mean(north_open)\n"
    "north_spread = max(north_open) - min(north_open)\n"
    "print(f'north: {north_mean:.1f} +- {north_spread:.1f}')",
    "south = [9.5, 0, 11.0, 10.2]\n"
    "south_open = [v for v in south if v > 0]\n"
    "south_mean = statistics.mean(south_open)\n"
    "south_spread = max(south_open) - min(south_open)\n"
    "print(f'south: {south_mean:.1f} +- {south_spread:.1f}')",
)


def _missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install playwright)"
    if not CHROMIUM.exists():
        return f"no browser at {CHROMIUM} (apt-get install chromium)"
    if not (BUILT / "package.json").exists():
        return "the extension is not built (npm ci && npm run build:prod in jupyterlab/)"
    return None


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A JupyterLab serving a project with the notebook; its URL and root."""
    missing = _missing()
    if missing is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the browser tests: {missing}")
        pytest.skip(missing)
    base = tmp_path_factory.mktemp("lab")
    root = base / "root"
    (root / "notebooks").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[project]\nname = "rides"\nversion = "0.1"\n')
    (root / "src" / "rides").mkdir(parents=True)
    (root / "src" / "rides" / "__init__.py").write_text("")
    (root / "src" / "rides" / "summaries.py").write_text(SUMMARIES)
    notebook = root / "notebooks" / "rides.ipynb"
    notebook.write_text(json.dumps(notebook_dict(*CELLS)))
    (root / "notebooks" / "shops.ipynb").write_text(json.dumps(notebook_dict(*COPIES)))
    labextensions = base / "data" / "labextensions"
    labextensions.mkdir(parents=True)
    shutil.copytree(BUILT, labextensions / "nbrefactor")
    settings = base / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)  # no "fetch news?" prompt over the page
    (settings / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )
    lab_folders = {
        "JUPYTERLAB_SETTINGS_DIR": str(base / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(base / "workspaces"),
    }
    arguments = [
        "--LabApp.extension_manager=readonly", "--LabApp.news_url=", "--expose-app-in-browser",
    ]  # fmt: skip
    with running("jupyterlab", root, base, arguments, lab_folders) as url:
        yield url, root


@pytest.fixture
def page(lab: tuple[str, Path], request: pytest.FixtureRequest) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    url, _ = lab
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.set_default_timeout(30_000)
        # reset: no tabs restored from the workspace an earlier test left
        page.goto(f"{url}lab/tree/notebooks/rides.ipynb?reset&token={TOKEN}")
        page.wait_for_function(
            f"window.jupyterapp && window.jupyterapp.commands.hasCommand('{COMMAND}')",
            timeout=90_000,
        )
        page.wait_for_selector(".jp-Notebook .jp-Cell >> nth=4", timeout=60_000)
        page.wait_for_function(  # the kernel started and is idle
            "window.jupyterapp.shell.currentWidget?.sessionContext?.session?.kernel?.status"
            " === 'idle'",
            timeout=90_000,
        )
        try:
            yield page
        finally:
            report = getattr(request.node, "report_of_call", None)
            if report is not None and report.failed:  # what the page showed, for the log
                SCREENSHOTS.mkdir(exist_ok=True)
                page.screenshot(path=str(SCREENSHOTS / f"{request.node.name}.png"))
            browser.close()


def test_two_cells_become_a_function_from_the_palette(page: Any, lab: tuple[str, Path]) -> None:
    _, root = lab
    cells = page.locator(".jp-Notebook .jp-Cell")
    cells.nth(2).locator(".jp-InputPrompt").click()  # command mode, cell 2 selected
    cells.nth(3).locator(".jp-InputPrompt").click(modifiers=["Shift"])  # and cell 3
    page.keyboard.press("Control+Shift+C")
    page.locator(".lm-CommandPalette-input").fill("Refactor cell to module")
    page.locator(".lm-CommandPalette-item", has_text="Refactor cell to module").first.click()

    name = page.locator(".jp-Dialog input.jp-nbrefactor-function")
    name.wait_for()
    body = page.locator(".jp-Dialog .jp-nbrefactor-PlanBody").inner_text()
    assert "rides.rides: a new module" in body and "minutes" in body  # a parameter
    module = page.locator(".jp-Dialog input.jp-nbrefactor-module")
    assert module.input_value() == "rides"
    offered = page.locator(".jp-Dialog datalist option").evaluate_all("os => os.map(o => o.value)")
    assert offered == ["summaries"]  # the project's modules
    module.fill("summaries")
    page.wait_for_function(
        "document.querySelector('.jp-nbrefactor-module-note').textContent"
        " === 'rides.summaries: the function is added to this module.'"
    )
    accept = page.locator(".jp-Dialog button.jp-mod-accept")
    error = page.locator(".jp-Dialog .jp-nbrefactor-error")
    module.fill("2nd")
    assert accept.is_disabled() and "module name is not a Python identifier" in error.inner_text()
    module.fill("summaries")
    name.fill("2long")
    assert accept.is_disabled()
    name.fill("minutes")  # an identifier, but the notebook's: the server says so
    page.wait_for_function(
        "document.querySelector('.jp-nbrefactor-error').textContent.includes('uses already')"
    )
    assert accept.is_disabled()
    name.fill("report_long_rides")  # the preview follows the name
    diff = page.locator(".jp-Dialog .jp-nbrefactor-diff")
    page.wait_for_function(
        "document.querySelector('.jp-nbrefactor-diff').textContent"
        ".includes('def report_long_rides(minutes):')"
    )
    assert error.inner_text() == "" and accept.is_enabled() and "compute_" not in diff.inner_text()
    if os.environ.get("NBREFACTOR_DOC_SCREENSHOTS"):  # the picture in the README
        page.locator(".jp-Dialog-content").screenshot(path=str(DOC_IMAGES / "refactor-dialog.png"))
    page.locator(".jp-Dialog button.jp-mod-accept").click()
    page.locator(".Toastify__toast", has_text="report_long_rides").first.wait_for()

    module_text = (root / "src" / "rides" / "summaries.py").read_text()
    assert module_text.startswith(SUMMARIES)  # added to, nothing of it changed
    assert "def report_long_rides(minutes):" in module_text
    assert not (root / "src" / "rides" / "rides.py").exists()
    saved = [c.source for c in read_notebook(root / "notebooks" / "rides.ipynb").cells]
    shown = page.evaluate(
        "window.jupyterapp.shell.currentWidget.content.model.sharedModel.cells"
        ".map(c => c.getSource())"
    )
    assert shown == saved
    assert "long_rides = report_long_rides(minutes=minutes)" in saved
    assert not page.evaluate("window.jupyterapp.shell.currentWidget.context.model.dirty")

    before = execute_notebook_of(CELLS, root)
    after = execute_notebook(root / "notebooks" / "rides.ipynb", python_path=[root / "src"])
    assert not compare_runs(before, after)

    # the cells changed in place, not reloaded: undo in a cell brings its code back
    call = saved.index("long_rides = report_long_rides(minutes=minutes)")
    cells.nth(call).locator(".cm-content").click()
    page.keyboard.press("Control+z")
    shown = page.evaluate(
        f"window.jupyterapp.shell.currentWidget.content.model.sharedModel.cells[{call}].getSource()"
    )
    assert shown == CELLS[call]
    # and the notebook's undo (Z in command mode) brings back the cells the move removed
    page.keyboard.press("Escape")
    page.keyboard.press("z")
    sources = "window.jupyterapp.shell.currentWidget.content.model.sharedModel.cells"
    page.wait_for_function(f"!{sources}.some(c => c.getSource().includes('%load_ext'))")
    shown = page.evaluate(f"{sources}.map(c => c.getSource())")
    assert shown == [cell if isinstance(cell, str) else cell[1] for cell in CELLS]


def execute_notebook_of(cells: tuple[Any, ...], root: Path) -> Any:
    """The original notebook, run: what the refactored one must show again."""
    original = root / "original" / "rides.ipynb"
    original.parent.mkdir(exist_ok=True)
    original.write_text(json.dumps(notebook_dict(*cells)))
    return execute_notebook(original)


def test_the_context_menu_runs_it_and_a_refusal_is_shown(page: Any) -> None:
    cells = page.locator(".jp-Notebook .jp-Cell")
    bindings = page.evaluate(
        f"window.jupyterapp.commands.keyBindings.filter(b => b.command === '{COMMAND}')"
        ".map(b => b.keys.join(' '))"
    )
    assert bindings == ["Alt Shift R"]  # from schema/plugin.json
    cells.nth(0).locator(".jp-InputPrompt").click()  # a markdown cell: nothing to run
    page.keyboard.press("Escape")
    assert not page.evaluate(f"window.jupyterapp.commands.isEnabled('{COMMAND}')")
    cells.nth(1).locator(".jp-InputPrompt").click(button="right")
    item = page.locator(".lm-Menu-item", has_text="Refactor cell to module").first
    item.click()
    # the second cell (cell 2) is all settings and imports: the server says why it cannot move
    toast = page.locator(".Toastify__toast", has_text="can move").first
    toast.wait_for()
    assert "notebooks/rides.ipynb: nothing in cell 2 can move" in toast.inner_text()


def test_the_duplicates_panel_lists_the_copies_and_jumps_to_them(page: Any) -> None:
    page.evaluate("window.jupyterapp.commands.execute('docmanager:open', "
                  "{path: 'notebooks/shops.ipynb'})")  # fmt: skip
    # the notebook in front, with its cells: JupyterLab may bring the page's first
    # notebook forward again while it settles, so it is activated until it stays
    page.wait_for_function(
        """() => {
            const shell = window.jupyterapp.shell;
            const shops = [...shell.widgets('main')]
                .find(w => w.context?.path?.endsWith('shops.ipynb'));
            if (!shops || shops.content.widgets.length !== 4) return false;
            if (shell.currentWidget !== shops) { shell.activateById(shops.id); return false; }
            return true;
        }"""
    )
    page.keyboard.press("Control+Shift+C")
    page.locator(".lm-CommandPalette-input").fill("Check notebook for duplicates")
    page.locator(".lm-CommandPalette-item", has_text="Check notebook for duplicates").first.click()

    findings = page.locator(".jp-nbrefactor-finding")
    findings.nth(1).wait_for()
    assert findings.count() == 2
    assert page.locator(".jp-nbrefactor-Findings-status").inner_text() == "2 findings"
    first = findings.nth(0).inner_text()
    assert "cell 3, line 1" in first and "NBR001" in first  # numbered from 1, as ruff
    assert "renamed copy of a block (5 statements)" in first

    if os.environ.get("NBREFACTOR_DOC_SCREENSHOTS"):
        shown = page.locator("#jp-main-dock-panel")  # the notebook and the panel beside it
        shown.screenshot(path=str(DOC_IMAGES / "duplicates-panel.png"))
    findings.nth(0).locator(".jp-nbrefactor-finding-other").click()  # its copy
    active = "window.jupyterapp.shell.currentWidget?.content?.activeCellIndex"
    page.wait_for_function(f"{active} === 3")
    findings.nth(1).locator(".jp-nbrefactor-finding-other").click()
    page.wait_for_function(f"{active} === 2")
