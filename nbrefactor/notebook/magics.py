"""Mask IPython syntax (magics, shell escapes, help) into parseable Python, and restore it.

A masked cell has exactly as many lines as the original, so line numbers found in
the masked code point at the user's cell. Each masked region becomes a call to
:data:`PLACEHOLDER` (``__nbrefactor_magic__(N, read1, read2)``), whose arguments are
the notebook names the magic interpolates (``$name``, ``{expr}``), so analysis sees
those reads without special cases. Line magics that run a Python statement
(``%time``, ``%timeit``, ``%prun``) keep the statement and carry the marker in a
trailing comment. :func:`unmask` finds the markers and puts back the original text
byte for byte.
"""

from __future__ import annotations

import ast
import re
import shlex
from dataclasses import dataclass
from typing import Literal

from nbrefactor import pysource

PLACEHOLDER = "__nbrefactor_magic__"
_MARKER = re.compile(re.escape(PLACEHOLDER) + r"\((\d+)")

MagicKind = Literal[
    "cell_magic", "line_magic", "shell", "shell_assign", "magic_assign", "help", "autocall"
]

#: Cell magics whose body is Python that runs in the notebook's namespace (or, for
#: timeit, in a scope of its own).
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun"})
#: Cell magics whose body is not run as Python in the notebook's namespace: another
#: language, a file's text, or Python in a process of its own. The body of any other cell
#: magic (``%%expect``, one a notebook registers) may run as Python and read its names.
NOT_PYTHON_CELL_MAGICS = frozenset(
    {"bash", "sh", "script", "html", "HTML", "javascript", "js", "latex", "markdown", "svg",
     "writefile", "file", "perl", "ruby", "python", "python2", "python3", "pypy", "sx",
     "system", "sql", "R"}
)  # fmt: skip
#: Line magics whose argument (after options) is a Python statement.
_PYTHON_LINE_MAGICS: dict[str, frozenset[str]] = {
    # magic name -> options that take a value
    "time": frozenset(),
    "timeit": frozenset("nrp"),
    "prun": frozenset("DlsT"),
}
#: Magics whose statement runs in a scope of its own: its bindings do not reach the notebook.
ISOLATED_MAGICS = frozenset({"timeit"})
#: Magics that create or delete notebook names nbrefactor cannot see.
DYNAMIC_MAGICS = frozenset(
    {
        "run",
        "store",
        "reset",
        "reset_selective",
        "load",
        "loadpy",
        "macro",
        "xdel",
        "recall",
        "pylab",
    }
)

_MAGIC_NAME = re.compile(r"%{1,2}([A-Za-z_][\w.]*)")
# any assignment target (checked by parsing it): `x`, `a, b`, `d["k"]`, `cfg.files`
_ASSIGN = re.compile(r"^(?P<target>[^=]+?)\s*=\s*(?P<escape>[!%])(?P<rest>.*)$", re.DOTALL)
_DOLLAR_NAME = re.compile(r"(?<!\$)\$([A-Za-z_]\w*)")
_BRACED = re.compile(r"(?<!\{)\{([^{}]+)\}(?!\})")


@dataclass(frozen=True, slots=True)
class Magic:
    """One masked region of a cell.

    ``start_line`` and ``end_line`` are 1-based and inclusive. ``reads`` are the
    notebook names the magic interpolates; ``python_body`` is true when the masked
    lines still hold the Python the magic runs.
    """

    number: int
    kind: MagicKind
    name: str
    start_line: int
    end_line: int
    original: str
    python_body: bool = False
    reads: tuple[str, ...] = ()
    #: For ``python_body`` magics: the statement (it ends the original line), and what the
    #: masked line puts before it (``x = `` for ``x = %time``).
    statement: str = ""
    prefix: str = ""

    @property
    def statement_at(self) -> int:
        """For ``python_body`` magics: where the statement starts in the original line."""
        return len(self.original.rstrip()) - len(self.statement)

    @property
    def shift(self) -> int:
        """For ``python_body`` magics: the statement's column in the original line minus
        its column in the masked one (the masked line keeps the original's indent)."""
        indent = len(self.original) - len(self.original.lstrip(" \t"))
        return self.statement_at - (indent + len(self.prefix))

    @property
    def dynamic(self) -> bool:
        """True when the magic can create or delete names nbrefactor cannot see."""
        return self.kind in ("line_magic", "magic_assign") and self.name in DYNAMIC_MAGICS


@dataclass(frozen=True, slots=True)
class MaskedCell:
    """A code cell with its IPython syntax masked.

    ``code`` is parseable Python when the user's Python is; ``isolated_lines`` are the
    1-based lines whose statements run in a scope of their own (``%timeit``). Like
    IPython, a cell whose first line is indented is dedented by that indent:
    ``leading_indent`` is the indent and ``dedented_lines`` the lines that had it.
    """

    source: str
    code: str
    magics: tuple[Magic, ...] = ()
    cell_magic: str | None = None
    isolated_lines: frozenset[int] = frozenset()
    leading_indent: str = ""
    dedented_lines: frozenset[int] = frozenset()

    def restore(self, code: str | None = None) -> str:
        """The user's text for ``code`` (default: this cell's masked code).

        Placeholders are unmasked wherever they are; the leading indent is put back on
        the lines that had it, which assumes ``code`` keeps this cell's line numbering.
        """
        text = unmask(self.code if code is None else code, self.magics)
        if not self.leading_indent:
            return text
        lines = split_lines(text)
        return "".join(
            self.leading_indent + line if number in self.dedented_lines else line
            for number, line in enumerate(lines, start=1)
        )

    def source_position(self, line: int, col: int, name: str) -> tuple[int, int]:
        """Map a 1-based (line, column) in ``code`` to the same place in ``source``.

        ``name`` is what sits there: a name read by a masked magic is looked up in the
        magic's original text.
        """
        for magic in self.magics:
            if not magic.start_line <= line <= magic.end_line:
                continue
            if magic.python_body:
                col += magic.shift
                break
            for offset, text in enumerate(split_lines(magic.original)):
                found = re.search(rf"(?<![\w.]){re.escape(name)}(?!\w)", text)
                if found:
                    line, col = magic.start_line + offset, found.start() + 1
                    break
            else:
                line, col = magic.start_line, 1
            break
        if line in self.dedented_lines:
            col += len(self.leading_indent)
        return line, col

    @property
    def opaque(self) -> bool:
        """True for cells whose body is not Python (``%%bash``, ``%%writefile``, ...)."""
        return self.cell_magic is not None and self.cell_magic not in PYTHON_CELL_MAGICS


#: A line that may hold IPython syntax: an escape first (`%`, `!`, `?`, autocall), help at
#: the end (`obj?`), or an escaped assignment (`x = !cmd`). Cells without one, and not
#: indented, are plain Python and need no masking: most cells, so this is the fast path.
_MAYBE_IPYTHON = re.compile(r"^[ \t]*[%!?/,;]|\?[ \t]*$|=[ \t]*[!%]", re.MULTILINE)
_FIRST_CODE = re.compile(r"^([ \t]*)\S", re.MULTILINE)


def mask(source: str) -> MaskedCell:
    """Mask the IPython syntax of one code cell's ``source``."""
    first_code = _FIRST_CODE.search(source)
    if not _MAYBE_IPYTHON.search(source) and not (first_code and first_code.group(1)):
        return MaskedCell(source=source, code=source)
    lines = split_lines(source)
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    indent = ""
    dedented: set[int] = set()
    if first is not None:
        indent = re.match(r"[ \t]*", lines[first]).group(0)  # type: ignore[union-attr]
    if indent:  # IPython strips the first line's indent from every line that has it
        for number, line in enumerate(lines):
            if line.startswith(indent) and line.strip():  # blank lines need no dedent
                lines[number] = line[len(indent) :]
                dedented.add(number + 1)
    masker = _Masker(lines)
    if first is not None and lines[first].startswith("%%"):
        masker.cell_magic(first)
    masker.line_magics()
    return MaskedCell(
        source=source,
        code="".join(masker.lines),
        magics=tuple(masker.magics),
        cell_magic=masker.cell_magic_name,
        isolated_lines=frozenset(masker.isolated),
        leading_indent=indent,
        dedented_lines=frozenset(dedented),
    )


def unmask(code: str, magics: tuple[Magic, ...]) -> str:
    """Put the original IPython text back in place of each placeholder in ``code``.

    Works on code that was rewritten after masking: a placeholder's first line may have
    moved or been re-indented; the restored magic takes that line's indentation.
    """
    by_number = {magic.number: magic for magic in magics}
    lines = split_lines(code)
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        found = _MARKER.search(line)
        magic = by_number.get(int(found.group(1))) if found else None
        if found is None or magic is None:
            out.append(line)
            i += 1
            continue
        span = magic.end_line - magic.start_line + 1
        indent = line[: len(line) - len(line.lstrip())]
        original = split_lines(magic.original)
        if magic.python_body:
            original = [_with_statement(magic, line, found.start())]
        original[0] = indent + original[0].lstrip(" \t")
        last = lines[min(i + span, len(lines)) - 1]
        original[-1] = original[-1].rstrip("\r\n") + last[len(last.rstrip("\r\n")) :]
        out.extend(original)
        i += span
    return "".join(out)


def _with_statement(magic: Magic, line: str, marker_at: int) -> str:
    """The original line of a statement-running magic, with its code as it is now.

    Rewriting may change the code around the magic (a call gains a keyword argument,
    in the statement or in the assignment's target): the magic's own text (``%time``,
    ``%timeit -n 3``) is put back before the statement, or before the assigned value
    for ``x = %time expr``. ``line`` is the masked line, ``marker_at`` where its
    marker starts.
    """
    before = line[:marker_at].rstrip()
    if not before.endswith("#"):
        return magic.original
    now = before[:-1].strip()
    if now == (magic.prefix + magic.statement).strip():
        return magic.original
    split = _value_start(now) if magic.prefix else 0
    body, ending = _split_ending(magic.original)
    magic_at = body.rfind("%" + magic.name, 0, magic.statement_at)
    if split is None or magic_at < 0:
        return magic.original
    indent = body[: len(body) - len(body.lstrip(" \t"))]
    return indent + now[:split] + body[magic_at : magic.statement_at] + now[split:] + ending


def _value_start(assignment: str) -> int | None:
    """Where the value of the one-line assignment ``assignment`` starts (a character
    index), or None when it is not one."""
    try:
        tree = ast.parse(assignment)
    except SyntaxError:
        return None
    node = tree.body[0] if len(tree.body) == 1 else None
    if not isinstance(node, ast.Assign) or node.value.lineno != 1:
        return None
    return len(assignment.encode("utf-8")[: node.value.col_offset].decode("utf-8"))


def is_placeholder_call(node: ast.AST) -> bool:
    """A call of :data:`PLACEHOLDER`: a masked region."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == PLACEHOLDER
    )


def is_masked_statement(statement: ast.stmt) -> bool:
    """A masked IPython line: ``__nbrefactor_magic__(0)`` or ``x = __nbrefactor_magic__(1)``."""
    value = statement.value if isinstance(statement, (ast.Expr, ast.Assign)) else None
    return value is not None and is_placeholder_call(value)


def split_lines(text: str) -> list[str]:
    """Lines with their endings, split where Python's tokenizer splits them."""
    return pysource.code_lines(text, keepends=True)


def _split_ending(line: str) -> tuple[str, str]:
    body = line.rstrip("\r\n")
    return body, line[len(body) :]


class _Masker:
    """Walks a cell's lines once, replacing IPython syntax with placeholders."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = list(lines)
        self.magics: list[Magic] = []
        self.isolated: set[int] = set()
        self.cell_magic_name: str | None = None
        self._done_until = 0  # lines before this index are already masked

    # -- cell magics -------------------------------------------------------------------

    def cell_magic(self, first: int) -> None:
        header, _ = _split_ending(self.lines[first])
        match = _MAGIC_NAME.match(header)
        name = match.group(1) if match else ""
        self.cell_magic_name = name
        args = header[match.end() :] if match else header[2:]
        if name in PYTHON_CELL_MAGICS:
            target = _capture_target(args) if name == "capture" else None
            self._replace(
                first, first, "cell_magic", name, reads=_interpolated(args), target=target
            )
            if name in ISOLATED_MAGICS:
                self.isolated.update(range(first + 1, len(self.lines) + 1))
        else:
            reads = _interpolated(args)
            if name not in NOT_PYTHON_CELL_MAGICS:  # names its body may read as Python
                body = "".join(self.lines[first + 1 :])
                reads = tuple(dict.fromkeys((*reads, *_names_read(body))))
            self._replace(first, len(self.lines) - 1, "cell_magic", name, reads=reads)
        self._done_until = first + 1 if name in PYTHON_CELL_MAGICS else len(self.lines)

    # -- line-level syntax -------------------------------------------------------------

    def line_magics(self) -> None:
        scanner = _Scanner()
        i = self._done_until
        while i < len(self.lines):
            if not scanner.at_logical_start:
                scanner.feed(self.lines[i])
                i += 1
                continue
            end = self._mask_escape(i)
            if end is None:
                scanner.feed(self.lines[i])
                i += 1
            else:
                i = end + 1

    def _mask_escape(self, i: int) -> int | None:
        """Mask the IPython construct starting at line ``i``; return its last line or None."""
        body, _ = _split_ending(self.lines[i])
        stripped = body.lstrip(" \t")
        if not stripped:
            return None
        end = self._continued_end(i)
        text = "".join(_split_ending(self.lines[j])[0] + "\n" for j in range(i, end + 1))
        text = text.lstrip(" \t")[:-1]
        first = stripped[0]
        if first == "!":
            self._replace(
                i,
                end,
                "shell",
                "!!" if stripped.startswith("!!") else "!",
                reads=_interpolated(text),
            )
            return end
        if first == "%":
            return self._line_magic(i, end, text)
        if first == "?":
            self._replace(i, end, "help", "?", reads=_names_read(stripped.strip("?").strip()))
            return end
        if first in "/,;" and re.match(r"[/,;]\s*[A-Za-z_]", stripped):
            callee = re.match(r"[/,;]\s*([A-Za-z_]\w*)", stripped)
            self._replace(i, end, "autocall", first, reads=(callee.group(1),) if callee else ())
            return end
        assign = _ASSIGN.match(text)
        if assign and _is_target(assign.group("target")):
            escape, rest = assign.group("escape"), assign.group("rest")
            target = assign.group("target").strip()
            if escape == "!":
                self._replace(i, end, "shell_assign", "!", reads=_interpolated(rest), target=target)
            else:
                self._magic_assign(i, end, target, "%" + rest)
            return end
        if end == i and _is_help_suffix(stripped):
            self._replace(i, end, "help", "?", reads=_names_read(stripped.strip("?").strip()))
            return end
        return None

    def _magic_assign(self, i: int, end: int, target: str, text: str) -> None:
        """``x = %magic args``; ``x = %time expr`` assigns the value of ``expr``."""
        name = _magic_name(text)
        args = text[len(name) + 1 :]
        statement = None
        if end == i and name in _PYTHON_LINE_MAGICS:
            statement = _statement_after_options(args, _PYTHON_LINE_MAGICS[name])
        if statement is not None and name == "time" and _is_expression(statement):
            self._keep_statement(i, name, statement, kind="magic_assign", prefix=f"{target} = ")
            return
        reads = _names_read(statement) if statement is not None else _interpolated(args)
        self._replace(i, end, "magic_assign", name, reads=reads, target=target)

    def _line_magic(self, i: int, end: int, text: str) -> int:
        match = _MAGIC_NAME.match(text)
        name = match.group(1) if match else ""
        args = text[match.end() :] if match else text[1:]
        if end == i and match and not text.startswith("%%") and name in _PYTHON_LINE_MAGICS:
            statement = _statement_after_options(args, _PYTHON_LINE_MAGICS[name])
            if statement is not None:
                self._keep_statement(i, name, statement)
                return end
        self._replace(i, end, "line_magic", name, reads=_interpolated(args))
        return end

    def _continued_end(self, i: int) -> int:
        """Escaped commands continue onto the next line while a line ends in a backslash."""
        end = i
        while end + 1 < len(self.lines) and _split_ending(self.lines[end])[0].endswith("\\"):
            end += 1
        return end

    # -- writing placeholders ----------------------------------------------------------

    def _replace(
        self,
        start: int,
        end: int,
        kind: MagicKind,
        name: str,
        *,
        reads: tuple[str, ...] = (),
        target: str | None = None,
    ) -> None:
        number = len(self.magics)
        original = "".join(self.lines[start : end + 1])
        self.magics.append(Magic(number, kind, name, start + 1, end + 1, original, reads=reads))
        indent = re.match(r"[ \t]*", self.lines[start]).group(0)  # type: ignore[union-attr]
        call = f"{PLACEHOLDER}({', '.join([str(number), *reads])}"
        if target is not None:
            call = f"{target} = {call}"
        for j in range(start, end + 1):
            _, ending = _split_ending(self.lines[j])
            if j == start:
                text = indent + call + (")" if start == end else "")
            else:
                # a space, not "": an empty line after a lone "\r" would fuse into "\r\n"
                text = ")" if j == end else " "
            if not ending and j < end:
                ending = "\n"
            self.lines[j] = text + ending

    def _keep_statement(
        self,
        i: int,
        name: str,
        statement: str,
        *,
        kind: MagicKind = "line_magic",
        prefix: str = "",
    ) -> None:
        """Keep a magic's Python statement on its line, with the marker in a comment."""
        number = len(self.magics)
        original = self.lines[i]
        body, ending = _split_ending(original)
        indent = body[: len(body) - len(body.lstrip(" \t"))]
        self.magics.append(
            Magic(
                number,
                kind,
                name,
                i + 1,
                i + 1,
                original,
                python_body=True,
                statement=statement,
                prefix=prefix,
            )
        )
        self.lines[i] = f"{indent}{prefix}{statement}  # {PLACEHOLDER}({number}){ending}"
        if name in ISOLATED_MAGICS:
            self.isolated.add(i + 1)


class _Scanner:
    """Tracks brackets, strings and backslash continuations to find logical line starts."""

    def __init__(self) -> None:
        self.depth = 0
        self.quote: str | None = None
        self.continued = False

    @property
    def at_logical_start(self) -> bool:
        return self.depth == 0 and self.quote is None and not self.continued

    def feed(self, line: str) -> None:
        body, _ = _split_ending(line)
        i, n = 0, len(body)
        in_comment = False
        while i < n:
            c = body[i]
            if self.quote:
                if c == "\\":
                    i += 2
                    continue
                if body.startswith(self.quote, i):
                    i += len(self.quote)
                    self.quote = None
                    continue
                i += 1
                continue
            if c == "#":
                in_comment = True
                break
            if c in "([{":
                self.depth += 1
            elif c in ")]}":
                self.depth = max(0, self.depth - 1)
            elif c in "'\"":
                self.quote = c * 3 if body.startswith(c * 3, i) else c
                i += len(self.quote)
                continue
            i += 1
        ends_in_backslash = not in_comment and body.endswith("\\")
        if self.quote is not None and len(self.quote) == 1 and not ends_in_backslash:
            self.quote = None  # an unterminated one-line string: the parser will report it
        self.continued = ends_in_backslash and self.quote is None


def _is_expression(text: str) -> bool:
    try:
        pysource.parse(text, mode="eval")
    except SyntaxError:
        return False
    return True


def _names_read(code: str) -> tuple[str, ...]:
    """Names a snippet loads, less those its comprehensions bind (for placeholder reads)."""
    try:
        tree = pysource.parse(code)
    except (SyntaxError, ValueError, RecursionError):  # not Python, null bytes, too deep
        return ()
    bound = {
        n.id
        for node in ast.walk(tree)
        if isinstance(node, ast.comprehension)
        for n in ast.walk(node.target)
        if isinstance(n, ast.Name)
    }
    loads = (
        n.id
        for n in ast.walk(tree)
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and n.id not in bound
    )
    return tuple(dict.fromkeys(loads))


def _magic_name(text: str) -> str:
    match = _MAGIC_NAME.match(text)
    return match.group(1) if match else ""


def _is_target(text: str) -> bool:
    """True when ``text`` is an assignment target (``x``, ``a, b``, ``obj.attr``)."""
    try:
        tree = pysource.parse(f"{text.strip()} = None")
    except SyntaxError:
        return False
    return len(tree.body) == 1 and isinstance(tree.body[0], ast.Assign)


def _is_help_suffix(stripped: str) -> bool:
    """``obj?``, ``obj.attr??``, ``np.*load*?``: an object reference ending in ``?``."""
    return bool(re.fullmatch(r"%{0,2}[A-Za-z_*][\w.*\[\]()'\"]*\?{1,2}", stripped.rstrip()))


def _statement_after_options(args: str, value_options: frozenset[str]) -> str | None:
    """The Python statement after a magic's ``-x`` options, or None if there is none."""
    rest = args.strip()
    while rest.startswith("-"):
        option, _, tail = rest.partition(" ")
        tail = tail.lstrip()
        if len(option) == 2 and option[1] in value_options:
            _, _, tail = tail.partition(" ")  # ``-n 10``: the value is the next word
            tail = tail.lstrip()
        rest = tail
    if not rest:
        return None
    try:
        pysource.parse(rest)
    except SyntaxError:
        return None
    return rest


def _capture_target(args: str) -> str | None:
    try:
        words = shlex.split(args)
    except ValueError:
        return None
    names = [w for w in words if not w.startswith("-")]
    return names[0] if names and names[0].isidentifier() else None


def _interpolated(text: str) -> tuple[str, ...]:
    """Names IPython interpolates into a command: ``$name`` and ``{expression}``."""
    names: list[str] = []
    names.extend(_DOLLAR_NAME.findall(text))
    for expression in _BRACED.findall(text):
        if _is_expression(expression.strip()):
            names.extend(_names_read(expression.strip()))
    return tuple(dict.fromkeys(names))
