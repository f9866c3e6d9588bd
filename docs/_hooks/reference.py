"""MkDocs hook: the reference pages made from nbrefactor's own code, so they cannot
go stale. A page holds a marker, replaced when the site is built:

- ``<!-- nbrefactor:commands -->``: every command, its usage, help and options (click);
- ``<!-- nbrefactor:codes -->``: every NBRxxx code (``nbrefactor.diagnostics.CODES``);
- ``<!-- nbrefactor:configuration -->``: every ``[tool.nbrefactor]`` key, its default
  and what it does (``nbrefactor.config``), and those of ``[tool.nbrefactor.llm]``.
"""

from __future__ import annotations

from typing import Any

import click

from nbrefactor import cli
from nbrefactor.config import KEY_HELP, default_values
from nbrefactor.diagnostics import CODES
from nbrefactor.llm.settings import LLM_KEY_HELP, llm_default_values


def on_page_markdown(markdown: str, **_: Any) -> str:
    """Replace the page's markers by what they stand for."""
    markers = {
        "<!-- nbrefactor:commands -->": _commands,
        "<!-- nbrefactor:codes -->": _codes,
        "<!-- nbrefactor:configuration -->": _configuration,
    }
    for marker, made in markers.items():
        if marker in markdown:
            markdown = markdown.replace(marker, made())
    return markdown


def _commands() -> str:
    group = cli.main
    context = click.Context(group, info_name="nbrefactor")
    sections = [_command("nbrefactor", group, context)]
    for name in sorted(group.list_commands(context)):
        command = group.get_command(context, name)
        assert command is not None
        sub_context = click.Context(command, info_name=name, parent=context)
        sections.append(_command(f"nbrefactor {name}", command, sub_context))
    return "\n".join(sections)


def _command(title: str, command: click.Command, context: click.Context) -> str:
    usage = " ".join(command.collect_usage_pieces(context))
    lines = [f"## `{title}`", "", "```text", f"{title} {usage}", "```", ""]
    help_text = (command.help or "").replace("\b\n", "")
    lines += [help_text.strip(), ""]
    options = [p for p in command.get_params(context) if isinstance(p, click.Option)]
    if options:
        lines += ["| option | what it does |", "|---|---|"]
        for option in options:
            record = option.get_help_record(context)
            if record is None:
                continue
            names, text = record
            cell = text.replace("|", "\\|").replace("\n", " ")
            lines.append(f"| `{names}` | {cell} |")
        lines.append("")
    return "\n".join(lines)


def _codes() -> str:
    lines = ["| code | severity | meaning |", "|---|---|---|"]
    for code, meaning in CODES.items():
        page = meaning.doc.removeprefix("docs/reference/")
        lines.append(f"| [{code}]({page}) | {meaning.severity} | {meaning.summary} |")
    return "\n".join(lines) + "\n"


def _configuration() -> str:
    lines = ["## `[tool.nbrefactor]`", "", "| key | default | what it sets |", "|---|---|---|"]
    defaults = default_values()
    for key, text in KEY_HELP.items():
        lines.append(f"| `{key}` | `{defaults[key]!r}` | {text} |")
    lines += ["", "## `[tool.nbrefactor.llm]`", ""]
    lines += ["| key | default | what it sets |", "|---|---|---|"]
    llm_defaults = llm_default_values()
    for key, text in LLM_KEY_HELP.items():
        lines.append(f"| `{key}` | `{llm_defaults[key]!r}` | {text} |")
    return "\n".join(lines) + "\n"
