"""Browser tests: a failing test's report is kept on it, for its page's screenshot."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    report = yield
    if call.when == "call":
        item.report_of_call = report  # type: ignore[attr-defined]
    return report
