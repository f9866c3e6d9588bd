"""The clone detection engine, on cells given as strings."""

from __future__ import annotations

from nbrefactor.analysis.clone_classes import CloneClass, describe
from nbrefactor.analysis.clones import CloneSettings, Corpus, find_raw_clones
from nbrefactor.analysis.fingerprints import DocumentPrint, fingerprint_cells

Docs = dict[str, list[str]]

CLEAN_PRICE = """\
col = 'price'
vals = []
for v in df[col]:
    v = str(v).replace('$', '').replace(',', '').strip()
    vals.append(float(v) if v not in ('', 'N/A', '-') else None)
df[col] = vals
print(df[col].isna().sum(), 'missing in', col)
"""
CLEAN_QTY = """\
c = 'qty'
cleaned = []
for x in df[c]:
    x = str(x).replace('$', '').replace(',', '').strip()
    cleaned.append(float(x) if x not in ('', 'N/A', '-') else None)
df[c] = cleaned
print(df[c].isna().sum(), 'missing in', c)
"""
SUMMARY = """\
by_region = sales.groupby('region')['revenue'].sum().sort_values()
share = by_region / by_region.sum()
top = share.tail(3)
print(top.round(3))
fig, ax = plt.subplots(figsize=(4, 3))
top.plot.barh(ax=ax, color='tab:blue')
ax.set_title('Top regions')
"""


def clones(docs: Docs, **settings: object) -> list[CloneClass]:
    """Clone classes among documents given as {path: [cell sources]}."""
    prints = [fingerprint_cells(path, list(enumerate(cells))) for path, cells in docs.items()]
    raw = find_raw_clones(prints, CloneSettings(**settings))  # type: ignore[arg-type]
    return describe(raw, Corpus(prints))


def places(clone: CloneClass) -> set[tuple[str, int | None, int]]:
    return {(r.path, r.cell, r.line) for r in clone.regions}


def test_type1_across_cells_ignores_whitespace_comments_and_semicolons() -> None:
    pasted = SUMMARY.replace(
        "share = by_region /", "# fraction of the total\nshare  =  by_region  /"
    )
    pasted = pasted.replace("print(top.round(3))", "print(top.round(3));  # show")
    (found,) = clones({"a.ipynb": [SUMMARY, "x = 1", pasted]})
    assert found.kind == "type-1"
    assert places(found) == {("a.ipynb", 0, 1), ("a.ipynb", 2, 1)}
    assert found.statements == 7


def test_type1_with_magics_between_lines() -> None:
    with_magics = "%matplotlib inline\n" + SUMMARY.replace("print(top", "!ls data\nprint(top")
    (found,) = clones({"a.ipynb": [SUMMARY], "b.ipynb": ["import os", with_magics]})
    assert found.kind == "type-1"
    assert places(found) == {("a.ipynb", 0, 1), ("b.ipynb", 1, 2)}


def test_type2_renamed_copy_across_cells_with_parameters() -> None:
    (found,) = clones({"a.ipynb": [CLEAN_PRICE, CLEAN_QTY]})
    assert found.kind == "type-2"
    roles = {(p.role, p.values) for p in found.parameters}
    assert ("literal", ("'price'", "'qty'")) in roles
    assert ("internal", ("col", "c")) in roles  # bound in the block before it is used
    assert ("internal", ("v", "x")) in roles  # the loop variable is not a parameter
    assert not [p for p in found.parameters if p.role == "input"]


def test_type2_with_a_negative_literal_in_one_copy() -> None:
    # `-1` is parsed as an operation; it is still a literal that differs from `3`
    first = SUMMARY.replace("top = share.tail(3)", "top = share.tail(3).shift(-1)")
    second = SUMMARY.replace("top = share.tail(3)", "top = share.tail(3).shift(3)")
    (found,) = clones({"a.ipynb": [first], "b.ipynb": [second]})
    assert found.kind == "type-2"
    assert found.statements == 7
    assert ("literal", ("-1", "3")) in {(p.role, p.values) for p in found.parameters}


def test_type2_input_names_become_input_parameters() -> None:
    first = (
        "rows = table[table.score > limit]\nrows = rows.dropna()\n"
        "print(len(rows), rows.score.mean())\n"
    )
    second = first.replace("table", "frame").replace("limit", "cutoff")
    (found,) = clones({"a.ipynb": [first], "b.ipynb": [second]})
    inputs = {p.values for p in found.parameters if p.role == "input"}
    assert inputs == {("table", "frame"), ("limit", "cutoff")}


def test_type2_within_one_cell() -> None:
    cell = CLEAN_PRICE + "\nprint('next')\n" + CLEAN_QTY
    (found,) = clones({"a.ipynb": [cell]})
    assert found.kind == "type-2"
    assert places(found) == {("a.ipynb", 0, 1), ("a.ipynb", 0, 10)}


def test_inconsistent_renaming_is_not_a_copy() -> None:
    first = "total = a + a * 2\nscale = total / a\nresult = scale - a\nprint(result, total)\n"
    second = "total = a + b * 2\nscale = total / c\nresult = scale - d\nprint(result, total)\n"
    assert clones({"a.ipynb": [first, second]}) == []


def test_type3_near_copy_across_notebooks() -> None:
    changed = SUMMARY.replace(
        "top = share.tail(3)\n", "top = share.tail(5)\ntop = top[top > 0.01]\n"
    )
    changed = changed.replace("ax.set_title('Top regions')\n", "ax.grid(True)\n")
    (found,) = clones({"a.ipynb": [SUMMARY], "b.ipynb": ["x = 1", changed]})
    assert found.kind == "type-3"
    assert {(r.path, r.cell) for r in found.regions} == {("a.ipynb", 0), ("b.ipynb", 1)}


def test_type3_can_be_turned_off() -> None:
    changed = SUMMARY.replace(
        "top = share.tail(3)\n", "top = share.tail(5)\ntop = top[top > 0.01]\n"
    )
    (with_gaps,) = clones({"a.ipynb": [SUMMARY, changed]})
    assert with_gaps.kind == "type-3"
    without = clones({"a.ipynb": [SUMMARY, changed]}, type3=False)
    found = {(c.kind, tuple(sorted((r.cell, r.line) for r in c.regions))) for c in without}
    assert found == {
        ("type-2", ((0, 1), (1, 1))),  # the head: tail(3) against tail(5)
        ("type-1", ((0, 4), (1, 5))),  # the untouched last four statements
    }


def test_a_class_of_three_copies_is_one_class() -> None:
    third = CLEAN_PRICE.replace("'price'", "'discount'").replace("vals", "out")
    (found,) = clones({"a.ipynb": [CLEAN_PRICE, CLEAN_QTY], "b.ipynb": [third]})
    assert len(found.regions) == 3
    literal = next(p for p in found.parameters if p.role == "literal")
    assert literal.values == ("'price'", "'qty'", "'discount'")


def test_a_run_of_similar_lines_is_not_a_clone_of_itself() -> None:
    plots = "\n".join(f"ax.plot(x, y{i}, label='series {i}', color=colors[{i}])" for i in range(8))
    assert clones({"a.ipynb": [plots]}) == []


def test_trivial_two_liners_and_import_blocks_are_not_reported() -> None:
    imports = (
        "import numpy as np\nimport pandas as pd\nimport matplotlib.pyplot as plt\nimport os\n"
    )
    two = "df = load()\ndf.head()\n"
    assert clones({"a.ipynb": [imports, two], "b.ipynb": [imports, two]}) == []


def test_minimum_size_is_configurable() -> None:
    small = "a = f(x)\nb = g(a, 2)\n"
    assert clones({"a.ipynb": [small, small]}) == []
    (found,) = clones({"a.ipynb": [small, small]}, min_statements=2, min_tokens=5)
    assert found.kind == "type-1"


def test_suppression_comment_on_the_first_line() -> None:
    ignored = SUMMARY.replace("\n", "  # nbrefactor: ignore\n", 1)
    assert clones({"a.ipynb": [SUMMARY, ignored]}) == []
    both = clones({"a.ipynb": [SUMMARY, ignored, SUMMARY]})
    assert [places(c) for c in both] == [{("a.ipynb", 0, 1), ("a.ipynb", 2, 1)}]


def test_unparseable_and_opaque_cells_do_not_break_detection() -> None:
    docs = {"a.ipynb": ["def broken(:\n", SUMMARY, "%%bash\necho hi\n", SUMMARY]}
    (found,) = clones(docs)
    assert places(found) == {("a.ipynb", 1, 1), ("a.ipynb", 3, 1)}
    prints = fingerprint_cells("a.ipynb", list(enumerate(docs["a.ipynb"])))
    assert prints.unparsed_cells == (0,)


def test_a_duplicated_cell_is_reported_once_not_also_for_its_loop() -> None:
    found = clones({"a.ipynb": [CLEAN_PRICE, CLEAN_PRICE]})
    assert len(found) == 1
    assert found[0].kind == "type-1"


def test_copies_inside_function_bodies() -> None:
    body = "\n".join("    " + line for line in CLEAN_PRICE.splitlines())
    (found,) = clones({"a.ipynb": [f"def clean(df):\n{body}\n    return df\n", CLEAN_QTY]})
    assert found.kind == "type-2"
    assert ("a.ipynb", 0, 2) in places(found)


def test_a_copied_cell_that_starts_with_an_import_is_found() -> None:
    cell = "import pandas as pd\n" + SUMMARY
    (found,) = clones({"a.ipynb": [cell], "b.ipynb": [cell]})
    assert found.kind == "type-1"
    assert {(r.path, r.line) for r in found.regions} == {("a.ipynb", 2), ("b.ipynb", 2)}


def test_type1_within_one_cell() -> None:
    cell = SUMMARY + "print('again, for the report')\n" + SUMMARY
    (found,) = clones({"a.ipynb": [cell]})
    assert found.kind == "type-1"
    assert places(found) == {("a.ipynb", 0, 1), ("a.ipynb", 0, 9)}


def test_type3_within_one_cell() -> None:
    changed = SUMMARY.replace(
        "top = share.tail(3)\n", "top = share.tail(5)\ntop = top[top > 0.01]\n"
    )
    changed = changed.replace("sales", "returns").replace("'tab:blue'", "'tab:red'")
    cell = SUMMARY + "print('and the returns')\n" + changed
    (found,) = clones({"a.ipynb": [cell]})
    assert found.kind == "type-3"
    assert {(r.cell, r.line) for r in found.regions} == {(0, 1), (0, 9)}


def test_an_ignore_comment_counts_lines_the_way_python_does() -> None:
    from nbrefactor.analysis.fingerprints import fingerprint_cells

    code = 'a = "x\x0cy"\nb = 1  # nbrefactor: ignore\nc = 2\n'  # a form feed in line 1
    (sequence,) = fingerprint_cells("nb", [(0, code)]).sequences
    assert [(s.line, s.suppressed) for s in sequence.statements] == [
        (1, False),
        (2, True),
        (3, False),
    ]


# -- suppression comments ----------------------------------------------------------------------


def test_a_suppression_for_another_code_does_not_hide_a_copy() -> None:
    other_code = SUMMARY.replace("\n", "  # nbrefactor: ignore[NBR101]\n", 1)
    (found,) = clones({"a.ipynb": [SUMMARY, other_code]})
    assert places(found) == {("a.ipynb", 0, 1), ("a.ipynb", 1, 1)}
    its_code = SUMMARY.replace("\n", "  # nbrefactor: ignore[NBR101, NBR001]\n", 1)
    assert clones({"a.ipynb": [SUMMARY, its_code]}) == []
    a_prefix = SUMMARY.replace("\n", "  # nbrefactor: ignore[NBR0]\n", 1)
    assert clones({"a.ipynb": [SUMMARY, a_prefix]}) == []


def test_a_cell_suppression_hides_every_copy_in_the_cell() -> None:
    anywhere = SUMMARY + "# nbrefactor: ignore-cell[NBR001]\n"
    assert clones({"a.ipynb": [SUMMARY, anywhere]}) == []
    # after code on the same line it is a typo, not a cell comment
    after_code = SUMMARY.replace("\n", "  # nbrefactor: ignore-cell\n", 1)
    assert len(clones({"a.ipynb": [SUMMARY, after_code]})) == 1


def test_a_marker_inside_a_string_is_no_suppression() -> None:
    quoted = SUMMARY + 'note = """\n# nbrefactor: ignore-cell\n"""\n'
    assert len(clones({"a.ipynb": [SUMMARY, quoted]})) == 1
    from nbrefactor.analysis.suppressions import cell_suppressions

    # on one line, the comment's marker counts and the string's does not
    both = cell_suppressions('s = "# nbrefactor: ignore[NBR101]"  # nbrefactor: ignore[NBR001]')
    assert both is not None and both.lines == {1: frozenset({"NBR001"})}
    # where the tokenizer cannot tell (code left unfinished), a comment-like line counts
    unfinished = cell_suppressions("x = (\n# nbrefactor: ignore-cell\n")
    assert unfinished is not None and unfinished.covers("NBR001", 1)


def test_an_unparsed_cell_can_be_suppressed() -> None:
    broken = "def broken(:\n"
    prints = fingerprint_cells("a.ipynb", [(0, broken), (1, "# nbrefactor: ignore\n" + broken)])
    assert prints.unparsed_cells == (0,)
    kept = fingerprint_cells("a.ipynb", [(0, "# nbrefactor: ignore[NBR001]\n" + broken)])
    assert kept.unparsed_cells == (0,)


def test_suppressions_parse_lines_and_cells() -> None:
    from nbrefactor.analysis.suppressions import cell_suppressions

    assert cell_suppressions("x = 1\ny = 2\n") is None
    found = cell_suppressions(
        "x = 1  # nbrefactor: ignore[nbr001]\n# nbrefactor: ignore-cell[NBR1]\n"
    )
    assert found is not None
    assert found.covers("NBR001", 1) and not found.covers("NBR001", 2)
    assert found.covers("NBR104", 5) and found.covers("NBR100")
    assert not found.covers("NBR002", 1)
    everything = cell_suppressions("# nbrefactor: ignore-cell\n")
    assert everything is not None and everything.covers("NBR001", 9)


# -- what is not worth reporting, and what must still be found ---------------------------------

PLOT_TAIL = """\
plt.xlabel('number of components', fontsize=14)
plt.ylabel('cumulative explained variance', fontsize=14)
plt.title('Explained variance', fontsize=16)
"""


def test_a_short_run_of_plotting_calls_is_boilerplate() -> None:
    other = PLOT_TAIL.replace("number of components", "epoch").replace("16", "12")
    assert clones({"a.ipynb": [PLOT_TAIL], "b.ipynb": [other]}) == []
    # twice the minimum size is a copy, calls only or not
    longer = PLOT_TAIL + "plt.grid(True)\nplt.legend(loc='best')\nplt.savefig('variance.png')\n"
    (found,) = clones({"a.ipynb": [longer], "b.ipynb": [longer]})
    assert found.statements == 6
    # and a short run that binds a name is a copy already
    bound = "fig = plt.figure(figsize=(6, 4))\n" + PLOT_TAIL
    assert len(clones({"a.ipynb": [bound], "b.ipynb": [bound]})) == 1


def test_a_near_copy_of_common_statements_is_found_in_a_large_repository() -> None:
    """Statements every notebook has do not count as evidence by themselves, but they
    count toward the evidence of a pair that also shares a rarer statement; and what is
    common is relative to the size of the repository."""
    common = "df = pd.read_csv(path)\ndf = df.dropna()\nprint(df.shape)\n"
    others = {f"n{i}.ipynb": [common + f"result_{i} = df.describe()\n"] for i in range(80)}
    near = (
        "df = pd.read_csv(path)\ndf = df.dropna()\nprint(df.shape)\n"
        "df['ratio'] = df['a'] / df['b']\nsummary = df.groupby('k')['ratio'].mean()\n"
        "summary.plot(kind='bar')\n"
    )
    changed = near.replace("print(df.shape)\n", "print(len(df))\nprint(df.shape)\n")
    changed = changed.replace("'k'", "'key'")
    found = clones({**others, "a.ipynb": [near], "b.ipynb": [changed]})
    pair = [c for c in found if {r.path for r in c.regions} == {"a.ipynb", "b.ipynb"}]
    assert len(pair) == 1 and pair[0].kind == "type-3"


def test_fingerprints_of_a_repeated_cell_are_shared_within_a_run() -> None:
    memo: dict[str, object] = {}
    first = fingerprint_cells("a.ipynb", [(0, SUMMARY)], memo=memo)  # type: ignore[arg-type]
    second = fingerprint_cells("b.ipynb", [(3, SUMMARY)], memo=memo)  # type: ignore[arg-type]
    assert len(memo) == 1
    assert [s.cell for s in second.sequences] == [3]
    assert first.sequences[0].statements is second.sequences[0].statements


def test_a_near_copy_whose_loop_body_changed_is_found_whole() -> None:
    """A statement added inside a loop changes the loop's shape; the loop still counts
    for its header and the statements its body kept, so the whole cell is one copy."""
    grid = """\
columns = ['age', 'income', 'balance', 'duration']
fig, axes = plt.subplots(2, 2, figsize=(10, 8))
for ax, column in zip(axes.ravel(), columns):
    ax.hist(bank[column].dropna(), bins=40, color='gray')
    ax.set_title(column)
    ax.set_yscale('log')
fig.suptitle('distributions of the numeric columns')
fig.tight_layout()
"""
    changed = grid.replace(
        "    ax.set_title(column)\n",
        "    ax.axvline(bank[column].median(), color='red')\n    ax.set_title(column)\n",
    )
    found = clones({"a.ipynb": [grid], "b.ipynb": [changed]})
    whole = [
        c
        for c in found
        if {(r.path, r.line) for r in c.regions} == {("a.ipynb", 1), ("b.ipynb", 1)}
    ]
    assert len(whole) == 1 and whole[0].kind == "type-3"
    assert {r.end_line for r in whole[0].regions} == {8, 9}


def test_a_focused_run_needs_only_the_related_documents() -> None:
    """The hook loads only the notebooks the cache's summaries call related: for every
    focus, what it finds among those equals what it finds among all of them."""
    from nbrefactor.analysis.clones import Population, related_documents, summarize

    edited = SUMMARY.replace("top = share.tail(3)\n", "top = share.tail(5)\ntop = top[top > 0]\n")
    docs = {
        "a.ipynb": [SUMMARY, "x = 1"],
        "b.ipynb": ["import os", CLEAN_PRICE],
        "c.ipynb": [CLEAN_QTY, edited],
        "d.ipynb": ["print('unrelated')\nresult = compute(1, 2)\nshow(result)\n"],
        "e.ipynb": [CLEAN_PRICE + SUMMARY],
        "f.ipynb": [PLOT_TAIL, "for i in range(3):\n    print(i)\n"],
        # one statement of a.ipynb's: evidence, but too little for any near copy
        "g.ipynb": ["share = by_region / by_region.sum()\nresult = compute(1, 2)\n"],
    }
    prints = [fingerprint_cells(path, list(enumerate(cells))) for path, cells in docs.items()]
    summaries = [summarize(document) for document in prints]
    population = Population.of(summaries)

    def found(documents: list[DocumentPrint], focus: int, **kw: object) -> set[object]:
        raw = find_raw_clones(documents, CloneSettings(), focus={focus}, **kw)  # type: ignore[arg-type]
        return {
            (
                c.kind,
                tuple(sorted((documents[s.document].path, s.sequence, s.start) for s in c.spans)),
            )
            for c in raw
        }

    for focus, document in enumerate(prints):
        others = {n: s for n, s in enumerate(summaries) if n != focus}
        related = related_documents([document], others, CloneSettings(), population)
        if focus == 0:
            assert 3 not in related  # d.ipynb shares nothing with a.ipynb: not loaded
            assert 6 not in related  # g.ipynb shares one statement: not enough
        loaded = [document, *(prints[n] for n in sorted(related))]
        assert found(loaded, 0, population=population) == found(prints, focus), document.path
