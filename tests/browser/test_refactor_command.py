"""JupyterLab's "Refactor cell to module", end to end: a real JupyterLab with nbrefactor's
server extension and the built frontend, driven in Debian's chromium by Playwright.

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
#: The dialog as the README shows it, taken with NBREFACTOR_DOC_SCREENSHOTS=1.
DOC_SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "images" / "refactor-dialog.png"

#: The notebook the user works in: two cells to move (the first shows nothing).
CELLS = (
    ("markdown", "# Ride lengths"),
    "import statistics\nminutes = [12, 7, 31, 18, 25, 9]",
    "# the long rides\nlong_rides = [m for m in minutes if m > 15]",
    "share = len(long_rides) / len(minutes)\nprint(f'{share:.0%} of rides are long')",
    "print(statistics.mean(long_rides))",
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
    notebook = root / "notebooks" / "rides.ipynb"
    notebook.write_text(json.dumps(notebook_dict(*CELLS)))
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
        page.goto(f"{url}lab/tree/notebooks/rides.ipynb?token={TOKEN}")
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
    assert "rides.rides" in body and "minutes" in body  # the module, a parameter
    accept = page.locator(".jp-Dialog button.jp-mod-accept")
    error = page.locator(".jp-Dialog .jp-nbrefactor-error")
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
        page.locator(".jp-Dialog-content").screenshot(path=str(DOC_SCREENSHOT))
    page.locator(".jp-Dialog button.jp-mod-accept").click()
    page.locator(".Toastify__toast", has_text="report_long_rides").first.wait_for()

    module = (root / "src" / "rides" / "rides.py").read_text()
    assert "def report_long_rides(minutes):" in module
    saved = [c.source for c in read_notebook(root / "notebooks" / "rides.ipynb").cells]
    shown = page.evaluate(
        "window.jupyterapp.shell.currentWidget.content.model.sharedModel.cells"
        ".map(c => c.getSource())"
    )
    assert shown == saved
    assert "long_rides = report_long_rides(minutes=minutes)" in saved

    before = execute_notebook_of(CELLS, root)
    after = execute_notebook(root / "notebooks" / "rides.ipynb", python_path=[root / "src"])
    assert not compare_runs(before, after)


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
    # cell 1 is all settings and imports: the server says why it cannot move
    toast = page.locator(".Toastify__toast", has_text="can move").first
    toast.wait_for()
    assert "notebooks/rides.ipynb: nothing in cell 1 can move" in toast.inner_text()
