"""Names for extracted functions, from what their code does and the data it makes.

A name is a verb and an object, as people name the functions they write by hand:
``load_sales``, ``plot_daily_usage``, ``add_hour_and_weekday``, ``split_sales``,
``summarise_by_month``. The verb comes from the comment above the code or the section's
heading when they say what it does (``# collapse ids`` -> ``collapse_ids``), else from
what the code does: the calls it makes, or how it changes a frame. The object comes from
the names the code returns, the frame or columns it changes, the file it reads or
writes, or a heading that is a short noun phrase (never a question or a sentence). Two
functions that would get the same name are told apart by what differs: a column, a
returned name, the section.
"""

from __future__ import annotations

import ast
import keyword
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from nbrefactor.analysis.graph import BUILTIN_NAMES  # builtins and IPython's (display)
from nbrefactor.planning.code_action import (
    VAGUE,
    Action,
    Block,
    code_action,
    meaningful,
    snake_case,
)
from nbrefactor.pysource import called_name

_STOPWORDS = frozenset(
    {"a", "an", "the", "of", "and", "or", "to", "for", "in", "on", "with", "by", "from",
     "at", "as", "is", "are", "be", "this", "that", "these", "those", "some", "our", "my",
     "it", "its", "we", "us", "you", "your", "all", "each", "per", "into", "then", "now",
     "here", "let", "lets", "s", "first", "quick", "just", "very", "over"}
)  # fmt: skip
_MAX_WORDS = 4
#: Names as long as people write them: the object loses words beyond this.
MAX_LENGTH = 30

#: A comment or heading that starts with one of these asks a question or tells a
#: story (``Does the learning rate matter?``): it does not name a function.
_NOT_NAMES = frozenset(
    {"does", "do", "did", "is", "are", "was", "were", "can", "could", "should", "would",
     "will", "where", "what", "why", "how", "which", "when", "who", "whom", "whose",
     "if", "so", "but", "note", "todo", "fixme", "hmm", "ok", "okay", "yes", "no",
     "sanity", "i", "we", "you", "they", "there"}
)  # fmt: skip
#: Verbs a comment or heading may start with (``Load the data``, ``# drop test rows``).
_VERBS = frozenset(
    {"add", "aggregate", "apply", "assign", "average", "bin", "bootstrap", "build",
     "calculate", "check", "classify", "clean", "cluster", "collapse", "collect",
     "combine", "compare", "compute", "concatenate", "convert", "count", "create",
     "decode", "deduplicate", "define", "derive", "describe", "detect", "draw", "drop",
     "encode", "estimate", "evaluate", "explode", "export", "extract", "filter", "find",
     "fill", "fit", "flag", "format", "generate", "group", "impute", "index", "infer",
     "interpolate", "join", "keep", "label", "list", "load", "map", "mark", "mask",
     "measure", "merge", "normalise", "normalize", "parse", "pick", "pivot", "plot",
     "predict", "prepare", "print", "rank", "read", "reconcile", "remove", "rename",
     "render", "reorder", "report", "resample", "rescale", "reshape", "round", "run",
     "sample", "save", "scale", "score", "select", "show", "simulate", "smooth", "sort",
     "split", "standardise", "standardize", "store", "summarise", "summarize", "tabulate",
     "test", "tidy", "tokenise", "tokenize", "train", "transform", "trim", "tune",
     "update", "validate", "visualise", "visualize", "weight", "write"}
)  # fmt: skip
#: Words ending in -ing that describe rather than act (``Running maximum``).
_ADJECTIVES = frozenset({"running", "remaining", "existing", "matching", "following"})
#: Nouns for an action, as headings use them (``Evaluation``): the verb.
_ACTION_NOUNS = {
    "aggregation": "aggregate",
    "comparison": "compare",
    "detection": "detect",
    "estimation": "estimate",
    "evaluation": "evaluate",
    "normalisation": "normalise",
    "normalization": "normalize",
    "prediction": "predict",
    "preparation": "prepare",
    "selection": "select",
    "simulation": "simulate",
    "validation": "validate",
    "visualisation": "plot",
    "visualization": "plot",
}
#: The object when nothing else names one, per verb.
_DEFAULT_OBJECT = {
    "plot": "figure",
    "save": "outputs",
    "load": "data",
    "fit": "model",
    "simulate": "data",
    "summarise": "table",
    "report": "summary",
    "label": "axes",
    "update": "state",
}
#: Where the first clause of a comment or heading ends.
_CLAUSE_END = re.compile(
    r"[.:;!?()\[\]{}=,|\u2013\u2014]| - "
    r"| (?:so|because|then|to see|if|whether|that|which|when|while|since|until) ",
    re.IGNORECASE,
)
#: Objects that repeat what the verb says (``summarise_summary``).
_SAME_AS = {
    "plot": ("plots", "chart", "charts", "figure", "figures"),
    "summarise": ("summary", "summaries"),
    "report": ("reports",),
}
_ORDINALS = ("second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth")


#: Words of a comment about the empty value a name starts with (``# an empty list to
#: hold the results``) rather than about what the code goes on to do with it.
_SETUP_WORDS = frozenset(
    {"empty", "list", "lists", "array", "arrays", "dict", "dictionary", "container",
     "placeholder", "initialise", "initialize", "init", "zeros", "store", "hold",
     "contain"}
)  # fmt: skip
#: Calls that make an empty container for the code to fill: with no arguments, or with
#: only a factory (``defaultdict(list)``)...
_EMPTY_MAKERS = frozenset(
    {"list", "dict", "set", "tuple", "DataFrame", "Series", "defaultdict", "Counter",
     "OrderedDict", "deque"}
)  # fmt: skip
#: ... and array allocators, whose arguments are only a size and a filling.
_ALLOCATORS = frozenset(
    {"empty", "zeros", "ones", "full", "empty_like", "zeros_like", "ones_like", "full_like"}
)


def comment_naming(comment: str | None, statements: Sequence[ast.stmt]) -> str | None:
    """``comment``, the one right above ``statements``, when it can say what they do;
    None when it is about the empty value the first of them starts a name with
    (``# create an empty list for the solutions`` over ``solutions = []`` and the loop
    that fills it), which is one step of the code, not its purpose."""
    if comment is None or len(statements) < 2 or not _starts_empty(statements[0]):
        return comment
    said = set(re.findall(r"[a-z]+", comment.lower()))
    return None if said & _SETUP_WORDS else comment


def _starts_empty(statement: ast.stmt) -> bool:
    """Whether ``statement`` gives a name an empty container (``rows = []``,
    ``grid = np.zeros(n)``)."""
    if not isinstance(statement, (ast.Assign, ast.AnnAssign)) or statement.value is None:
        return False
    value = statement.value
    if isinstance(value, (ast.List, ast.Tuple, ast.Set)):
        return not value.elts
    if isinstance(value, ast.Dict):
        return not value.keys
    if isinstance(value, ast.Call):
        called = called_name(value)
        if called in _ALLOCATORS:
            return True
        factory_only = called == "defaultdict" and len(value.args) == 1
        return called in _EMPTY_MAKERS and (not value.args or factory_only) and not value.keywords
    return False


def without_words(text: str, dropped: Iterable[str]) -> str:
    """``text`` without the words of ``dropped`` (lower case), its other words and
    punctuation kept: ``"normalise the 'age' column"`` without ``age`` ->
    ``"normalise the column"``."""
    gone = set(dropped)
    kept = re.sub(
        r"[A-Za-z][A-Za-z0-9]*", lambda word: "" if word[0].lower() in gone else word[0], text
    )
    kept = re.sub(r"""(['"`])\s*\1""", "", kept)  # quotes left around nothing
    return " ".join(kept.split())


def words(text: str) -> list[str]:
    """Lower-case words of ``text`` without stop words: ``"Load the data"`` -> load, data."""
    found = re.findall(r"[A-Za-z][A-Za-z0-9]*", text.lower())
    return [w for w in found if w not in _STOPWORDS][:_MAX_WORDS]


@dataclass(frozen=True)
class Phrase:
    """What a comment or heading says: a ``verb`` when it starts with one (``Load the
    data``), and its other words (``data``)."""

    verb: str | None
    rest: tuple[str, ...]


def phrase(text: str | None) -> Phrase | None:
    """The first clause of ``text`` as a name's words, or None when it asks a question,
    tells a sentence or has no words (``"Does the rate matter?"``)."""
    if not text or text.rstrip().endswith("?"):
        return None
    clause = _CLAUSE_END.split(text)[0]
    raw = re.findall(r"[A-Za-z][A-Za-z0-9]*", clause.lower())
    if not raw or raw[0] in _NOT_NAMES:
        return None
    found = [w for w in raw if w not in _STOPWORDS]
    if not found or len(found) > 6:  # a sentence, not a name
        return None
    verb = _verb(found[0])
    if verb is not None:
        return Phrase(verb, tuple(found[1:_MAX_WORDS]))
    return Phrase(None, tuple(found[:_MAX_WORDS]))


def _verb(word: str) -> str | None:
    """``word`` as a verb people name functions with: ``cleaning`` -> ``clean``,
    ``evaluation`` -> ``evaluate``; None when it is not one."""
    if word in _VERBS:
        return word
    if word in _ACTION_NOUNS:
        return _ACTION_NOUNS[word]
    if word.endswith("ing") and len(word) > 5 and word not in _ADJECTIVES:
        stem = word[:-3]
        for candidate in (stem, f"{stem}e", stem[:-1]):  # fitting -> fit, parsing -> parse
            if candidate in _VERBS:
                return candidate
    return None


#: A Markdown text that opens with a bold term and a colon: ``**Sensitivity:** when the
#: actual value is positive...`` or ``**Null accuracy**: ...``.
_LEAD_TERM = re.compile(r"\s*(?:\*\*|__)(?P<term>[^*_\n]{3,60}?)\s*(?::(?:\*\*|__)|(?:\*\*|__):)")
#: A Markdown link, ``[text](target)``: its text is what a docstring keeps.
_MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
#: Heading lines a Markdown text starts with, above its first paragraph.
_HEADING_LINES = re.compile(r"\A(?:[ \t]*(?:#[^\n]*)?\n)+")
#: Bold lead-ins that say what kind of text follows, not what the code does.
_NOT_TERMS = frozenset(
    {"answer", "aside", "assignment", "attention", "bonus", "caution", "challenge",
     "chapter", "conclusion", "danger", "disclaimer", "edit", "example", "exercise", "goal",
     "hint", "homework", "important", "info", "lesson", "note", "objective", "output",
     "part", "problem", "question", "quiz", "recap", "reminder", "remember", "result",
     "section", "solution", "step", "summary", "task", "tip", "todo", "update", "warning"}
)  # fmt: skip


def lead_term(markdown: str) -> str | None:
    """The term a Markdown cell opens with in bold (below its headings), followed by
    a colon, as tutorials introduce the code below them (``**Classification
    accuracy:** how often...``); None when it opens otherwise or the term only says
    what kind of text follows (``**Question:**``, ``**Step 2:**``)."""
    match = _lead_match(markdown)
    return None if match is None else match.group("term").strip()


def lead_description(markdown: str) -> str | None:
    """What the Markdown cell that opens with a :func:`lead_term` says of it, in the rest
    of its first paragraph, as a plain sentence for a docstring (``**Sensitivity:** When the
    actual value is positive, how often is the prediction correct?`` -> ``When the
    actual value is positive, how often is the prediction correct?``); None when there
    is no lead term, or the text is short, long, or holds math or code."""
    match = _lead_match(markdown)
    if match is None:
        return None
    paragraph = match.string[match.end() :].split("\n\n")[0]
    plain = _MARKDOWN_LINK.sub(r"\1", paragraph).replace("**", "").replace("__", "")
    plain = " ".join(plain.split())
    if not 3 <= len(plain.split()) <= 60 or set(plain) & set("$`\\<|#") or '"""' in plain:
        return None
    plain = plain[0].upper() + plain[1:]
    return plain if plain.endswith((".", "!", "?")) else plain + "."


def _lead_match(markdown: str) -> re.Match[str] | None:
    """The bold term ``markdown`` opens with below its headings (matched in the text
    without them), unless it only says what kind of text follows."""
    match = _LEAD_TERM.match(_HEADING_LINES.sub("", markdown))
    if match is None:
        return None
    first = re.findall(r"[A-Za-z]+", match.group("term").lower())
    if not first or {first[0], first[0].removesuffix("s")} & (_NOT_TERMS | _NOT_NAMES):
        return None
    return match


@dataclass(frozen=True)
class Code(Block):
    """What a name is made from: the moved statements and their data flow, the
    heading of their section, the term the Markdown right above introduces
    (:func:`lead_term`) and the comment they start with."""

    heading: str | None = None
    lead: str | None = None
    comment: str | None = None
    title: str | None = None  # the notebook's, for code in no section
    #: For copies made one function: what to call each returned name of the first copy
    #: in the name, the words every copy's name has (``""`` when none).
    generic: Mapping[str, str] = field(default_factory=dict)


class Names:
    """Hands out valid, unused function names, each told apart from the others."""

    def __init__(self, taken: set[str]) -> None:
        self.taken = taken

    def for_code(self, code: Code) -> str:
        """A verb and an object for ``code``: its best candidate; when that is taken,
        the best told apart by what is particular to this code (a column, a name it
        returns or receives, its section), else the next free candidate, else the best
        with an ordinal word (``_second``)."""
        candidates = list(dict.fromkeys(_candidates(code)))  # in order, once each
        first = candidates[0]
        qualified = (
            name
            for name in (_identifier(f"{first}_{q}") for q in _qualifiers(code, first))
            if len(name) <= MAX_LENGTH
        )
        ordinals = (f"{first}_{ordinal}" for ordinal in _ORDINALS)
        for candidate in (first, *qualified, *candidates[1:], *ordinals):
            if self._free(candidate):
                return self._take(candidate)
        return self.unique(first)

    def refusal(self, name: str) -> str | None:
        """Why ``name`` cannot name a new function, or None when it can."""
        if not name.isidentifier():
            return f"{name!r} is not a Python identifier"
        if keyword.iskeyword(name):
            return f"{name!r} is a Python keyword"
        if name in BUILTIN_NAMES:
            return f"{name!r} would hide Python's builtin of that name"
        if name in self.taken:
            return f"{name!r} is a name the notebook or the module uses already"
        return None

    def chosen(self, name: str) -> str:
        """``name``, taken, as the user chose it: :meth:`refusal` says whether it may be."""
        return self._take(name)

    def unique(self, name: str) -> str:
        """``name`` made a valid identifier that is not a keyword, builtin or taken,
        numbered as a last resort."""
        stem = _identifier(name)
        candidate, number = stem, 2
        while not self._free(candidate):
            candidate, number = f"{stem}_{number}", number + 1
        return self._take(candidate)

    def _free(self, name: str) -> bool:
        return not (keyword.iskeyword(name) or name in BUILTIN_NAMES or name in self.taken)

    def _take(self, name: str) -> str:
        self.taken.add(name)
        return name


def _identifier(text: str) -> str:
    name = re.sub(r"\W+", "_", text.lower()).strip("_") or "run"
    return f"run_{name}" if name[0].isdigit() else name


def _candidates(code: Code) -> list[str]:
    """Names for ``code``, best first."""
    comment, heading, lead = phrase(code.comment), phrase(code.heading), phrase(code.lead)
    action = code_action(code)
    named = list(action.objects)  # the columns added, the file written...
    returned, weak = _returned_objects(code)
    best = next(iter([*named, *returned, *weak]), ())
    found = []
    if comment is not None and comment.verb is not None:
        found.append(_name(comment.verb, comment.rest or best))
    if lead is not None and lead.verb is not None and _agrees(lead.verb, action):
        found.append(_name(lead.verb, lead.rest or best))
    if heading is not None and heading.verb is not None and _agrees(heading.verb, action):
        found.append(_name(heading.verb, heading.rest or best))
    # a term the text above introduces is the author's name for what the code works out
    term = lead.rest if lead is not None and lead.verb is None else ()
    nouns = [
        p.rest if p is not None and p.verb is None else ()
        for p in (comment, heading, phrase(code.title))
    ]
    for object_words in (*named, term, *returned, *nouns, *weak):
        if object_words:
            found.append(_name(action.verb, object_words))
    return found or [_name(action.verb, ())]


#: Verbs the code shows for certain: a heading that says another one is about other
#: cells of its section.
_EVIDENT = frozenset({"plot", "save", "load", "split", "add", "label", "fit"})


def _agrees(verb: str, action: Action) -> bool:
    """Whether a heading's ``verb`` can name code that does ``action``."""
    return verb == action.verb or (action.verb not in _EVIDENT and verb not in _EVIDENT)


def _name(verb: str, object_words: Sequence[str]) -> str:
    """``verb_object``, shortened to :data:`MAX_LENGTH` by dropping the object's last
    words (whole names first: ``leavers_and_cost_by_dept`` -> ``leavers``)."""
    parts = [w for w in object_words if not _says(w, verb)]
    parts = parts or [_DEFAULT_OBJECT.get(verb, "values")]
    while len(parts) > 1 and len(_identifier("_".join([verb, *parts]))) > MAX_LENGTH:
        parts.pop()
        while len(parts) > 1 and parts[-1] == "and":
            parts.pop()
    pieces = "_".join(parts).split("_")  # one long name: its last pieces go
    while len(pieces) > 1 and len(_identifier("_".join([verb, *pieces]))) > MAX_LENGTH:
        pieces.pop()
    return _identifier("_".join([verb, *pieces]))


def _says(word: str, verb: str) -> bool:
    """Whether ``word`` repeats ``verb`` (``simulated``, ``summary``)."""
    past = word.removesuffix("d").removesuffix("e")
    return word in (verb, *_SAME_AS.get(verb, ())) or past == verb.removesuffix("e")


def _returned_objects(code: Code) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    """Objects from what the code returns or receives: the one or two descriptive names
    it returns, which name it well; and, when nothing else does, abbreviated names, one
    of many returned, or the data it receives."""
    names = (code.generic.get(n, n) for n in code.returns)
    returned = [snake_case(n) for n in names if n and n.lower() not in VAGUE and not n.isupper()]
    both = tuple(" and ".join(returned).split()) if 1 <= len(returned) <= 2 else ()
    good: list[tuple[str, ...]] = []
    weak: list[tuple[str, ...]] = []
    if both and all(len(n) > 4 or "_" in n for n in returned):
        good.append(both)
    elif both:
        weak.append(both)
    weak += [(name,) for name in reversed(returned) if meaningful(name)]
    if not returned:
        weak += [(snake_case(n),) for n in code.parameters if meaningful(n) and not n.isupper()]
    return good, weak


def _qualifiers(code: Code, name: str) -> Iterator[str]:
    """Words that tell ``code`` apart from other code with the same verb and object:
    the columns it uses, the names it returns or receives, the term the Markdown
    above introduces, its section's heading."""
    used = set(name.split("_"))
    seen: set[str] = set()
    returned = (code.generic.get(name, name) for name in code.returns)
    for word in (*_columns(code.statements), *returned, *code.parameters):
        text = snake_case(word)
        if text.isidentifier() and text not in used and text not in seen and meaningful(text):
            seen.add(text)
            yield text
    for said in (code.lead, code.heading):
        section = [w for w in words(said or "") if w not in used]
        if section:
            yield "_".join(section)


def _columns(statements: Iterable[ast.stmt]) -> Iterator[str]:
    """The string keys ``statements`` index with (``df["age"]`` -> ``age``)."""
    for statement in statements:
        for node in ast.walk(statement):
            if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
                key = node.slice.value
                if isinstance(key, str) and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_ ]{0,20}", key):
                    yield key.strip().replace(" ", "_")
