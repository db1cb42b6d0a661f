"""Compile a parsed query to a parameterised SQLite WHERE clause over `articles a`.

The clause reads only `a.` columns and subqueries of its own (feeds, the FTS5 index), so it
works inside `articles a JOIN feeds f ON f.id = a.feed_id` and on `articles a` alone. Every
value the user wrote is a bound parameter; the SQL text is built only from this module's
fixed fragments. Word tests on title, author and text go to the FTS5 index: the tests of one
`and`/`or` group are merged into a single MATCH, so a query costs one index lookup however many
words it tests. The FTS5 expression is a parameter too; user text appears in it only inside
double-quoted strings (quotes doubled, control characters removed), which FTS5 reads as
plain text to tokenize.

Some parameters are bound at execution (`Compiled.bind`): ages (relative to now), the
regex run id (a fresh time budget per execution) and the id floor (the killfile checks only
rows newer than it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from newsreader.query.functions import new_run
from newsreader.query.lang import parse
from newsreader.query.nodes import And, Day, Duration, FieldTest, Flag, Node, Not, Or, Words
from newsreader.text.safetext import fold


@dataclass(frozen=True, slots=True)
class _Ago:
    seconds: float  # bound as now - seconds


class _Sentinel:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


RUN = _Sentinel("RUN")
FLOOR = _Sentinel("FLOOR")


_PLUS = "\u00a7"  # where an index lookup may be turned off (never in our SQL otherwise)
# A test of the link: `_URL_IN test-of-_URL_COL.link _URL_END`. The covering indexes leave
# the link out (a refresh writes every index entry, schema.py 10), so a list reads it from
# articles_by_link: `a.id IN (SELECT l.id FROM articles l WHERE <test of l.link>)`, one
# walk of that index. A test of a few rows by id (the killfile on new rows) reads their
# rows instead: `<test of a.link>`.
_URL_IN, _URL_COL, _URL_END = "\u00b6", "\u00a4", "\u00b5"
_URL_INDEX = {_URL_IN: "a.id IN (SELECT l.id FROM articles l WHERE ", _URL_COL: "l.", _URL_END: ")"}
_URL_ROWS = {_URL_IN: "", _URL_COL: "a.", _URL_END: ""}


def _spell(raw: str, plus: str, url: dict[str, str]) -> str:
    out = raw.replace(_PLUS, plus)
    for mark, sql in url.items():
        out = out.replace(mark, sql)
    return out


@dataclass(frozen=True, slots=True)
class Compiled:
    """A compiled query: `sql` is a boolean expression over `articles a`.

    `sql` lets SQLite look up the full-text matches by rowid (best when they are few);
    `scan_sql` makes it walk a narrow covering index and test membership instead (best when
    they are many, or when a date range or a state can drive the search); `rows_sql` is
    `sql` testing the link on the article's row, for a test of a few rows by id. `fts`
    holds the FTS5 expressions, for `run.choose` to count.
    """

    text: str
    node: Node
    raw: str
    params: tuple[object, ...]
    fts: tuple[str, ...] = ()

    @property
    def sql(self) -> str:
        return _spell(self.raw, "", _URL_INDEX)

    @property
    def scan_sql(self) -> str:
        return _spell(self.raw, "+", _URL_INDEX)

    @property
    def rows_sql(self) -> str:
        return _spell(self.raw, "", _URL_ROWS)

    @property
    def needs_ready(self) -> bool:
        """It reads the full-text index or the articles' text: the store is brought up to
        date first (`fts_ready`: the index, and the texts a refresh left to derive)."""
        return bool(self.fts) or _TEXT_SQL["text"] in self.raw

    @property
    def uses_regex(self) -> bool:
        return any(p is RUN for p in self.params)

    def bind(self, *, now: float | None = None, floor: int = 0) -> list[object]:
        """The parameters for one execution (`floor`: only article ids above it match the
        index tests; the killfile uses it for new rows)."""
        import time

        now = time.time() if now is None else now
        run = new_run() if self.uses_regex else 0
        out: list[object] = []
        for p in self.params:
            if isinstance(p, _Ago):
                out.append(now - p.seconds)
            elif p is RUN:
                out.append(run)
            elif p is FLOOR:
                out.append(floor)
            else:
                out.append(p)
        return out


def compile_query(text: str) -> Compiled:
    """Parse and compile (cached; `today`/`yesterday` are re-read each day)."""
    return _compile(text, date.today())


@lru_cache(maxsize=512)
def _compile(text: str, _today: date) -> Compiled:
    return compile_node(parse(text), text)


def compile_node(node: Node, text: str = "") -> Compiled:
    """Compile a parsed node (`text`: the query it came from, for error positions)."""
    sql, params = _emit(_lower(node))
    fts = tuple(str(p) for p, nxt in zip(params, params[1:], strict=False) if nxt is FLOOR)
    return Compiled(text or str(node), node, sql, tuple(params), fts)


# --------------------------------------------------------------------------- IR


@dataclass(frozen=True, slots=True)
class _Fts:
    expr: str  # an FTS5 expression built only from quoted phrases and our own syntax


@dataclass(frozen=True, slots=True)
class _Sql:
    sql: str
    params: tuple[object, ...] = ()


@dataclass(frozen=True, slots=True)
class _And:
    children: tuple[_IR, ...]


@dataclass(frozen=True, slots=True)
class _Or:
    children: tuple[_IR, ...]


@dataclass(frozen=True, slots=True)
class _Not:
    child: _IR


_IR = _Fts | _Sql | _And | _Or | _Not

_NOTHING = _Sql("0")
_TOKEN = re.compile(r"[^\W_]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_FTS_COLUMN = {"title": "title", "author": "author", "text": "text"}
_TEXT_SQL = {"title": "a.title", "author": "coalesce(a.author, '')", "text": "a.text"}
_FEED_COLUMNS = {  # a missing title (NULL) matches nothing, not even ""
    "feed": ("fq.title", "fq.feed_title", "fq.url"),
    "feedtitle": ("fq.title", "fq.feed_title"),
    "feedurl": ("fq.url",),
}


def _phrase(value: str, prefix: bool = False) -> str | None:
    """`value` as one FTS5 phrase, or None when it holds no word to look up."""
    text = _CONTROL.sub(" ", value)
    if not _TOKEN.search(text):
        return None
    return '"' + text.replace('"', '""') + '"' + (" *" if prefix else "")


def _split_prefix(value: str) -> tuple[str, bool]:
    stripped = value.rstrip()
    if stripped.endswith("*") and stripped.rstrip("*"):
        return stripped.rstrip("*"), True
    return value, False


def _like(value: str) -> str:
    return "%" + value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _lower(node: Node) -> _IR:
    if isinstance(node, And | Or | Not) and _feed_level(node):
        return _in_feeds(*_feed_cond(node))  # one feeds subquery for the whole group
    if isinstance(node, And | Or):
        feed = [c for c in node.children if _feed_level(c)]
        rest = [_lower(c) for c in node.children if not _feed_level(c)]
        if len(feed) > 1:  # the feed tests of a group share one subquery
            group = And(tuple(feed)) if isinstance(node, And) else Or(tuple(feed))
            rest.insert(0, _in_feeds(*_feed_cond(group)))
        else:
            rest = [_lower(c) for c in node.children]
        return _And(tuple(rest)) if isinstance(node, And) else _Or(tuple(rest))
    if isinstance(node, Not):
        return _Not(_lower(node.child))
    if isinstance(node, Flag):
        col = "a.read" if node.name == "read" else "a.starred"
        return _Sql(f"{col} = {1 if node.want else 0}")
    if isinstance(node, Words):
        phrases = [p for t in node.terms if (p := _phrase(t.text, t.prefix))]
        return _Fts(" AND ".join(phrases)) if phrases else _NOTHING
    return _test(node)


def _test(t: FieldTest) -> _IR:
    if t.op in ("!=", "!~"):
        return _Not(_test(FieldTest(t.field, t.op[1:], t.value, t.high)))
    if t.field == "age":
        return _age(t)
    if t.field == "published":
        return _published(t)
    assert isinstance(t.value, str)
    value = t.value
    if t.field in _TEXT_SQL:
        col = _TEXT_SQL[t.field]
        if t.op == "=~":
            return _Sql(f"nr_regexp(?, {col}, ?)", (value, RUN))
        if t.op == "=":
            check = _Sql(f"nr_fold({col}) = ?", (fold(value),))
            phrase = _phrase(value)
            return _And((_Fts(f"{_FTS_COLUMN[t.field]} : {phrase}"), check)) if phrase else check
        text, prefix = _split_prefix(value)
        phrase = _phrase(text, prefix)
        if phrase:
            return _Fts(f"{_FTS_COLUMN[t.field]} : {phrase}")
        return _Sql(f"instr(nr_fold({col}), ?) > 0", (fold(value),))
    if t.field == "url":
        link = f"{_URL_COL}link"
        if t.op == "=":
            return _url(f"{link} IS ?", (value,))
        if t.op == "=~":
            return _url(f"nr_regexp(?, coalesce({link}, ''), ?)", (value, RUN))
        return _url(f"coalesce({link}, '') LIKE ? ESCAPE '\\'", (_like(value),))
    return _in_feeds(*_feed_cond(t))


def _url(test: str, params: tuple[object, ...]) -> _Sql:
    return _Sql(f"{_URL_IN}{test}{_URL_END}", params)


_FEED_FIELDS = ("feed", "feedtitle", "feedurl", "tag")


def _in_feeds(cond: str, params: tuple[object, ...]) -> _Sql:
    return _Sql(f"a.feed_id IN (SELECT fq.id FROM feeds fq WHERE {cond})", params)


def _feed_level(node: Node) -> bool:
    """True for a test of the feed alone (its title, URL or tags), or and/or/not of such."""
    if isinstance(node, FieldTest):
        return node.field in _FEED_FIELDS
    if isinstance(node, Not):
        return _feed_level(node.child)
    if isinstance(node, And | Or):
        return all(_feed_level(c) for c in node.children)
    return False


def _feed_cond(node: Node) -> tuple[str, tuple[object, ...]]:
    """A condition over `feeds fq` for a feed-level node (one subquery for a whole group)."""
    if isinstance(node, Not):
        sql, params = _feed_cond(node.child)
        return f"NOT ({sql})", params
    if isinstance(node, And | Or):
        parts = [_feed_cond(c) for c in node.children]
        sep = " AND " if isinstance(node, And) else " OR "
        return sep.join(f"({p})" for p, _ in parts), tuple(x for _, ps in parts for x in ps)
    assert isinstance(node, FieldTest) and isinstance(node.value, str)
    t, value = node, node.value
    if t.op in ("!=", "!~"):
        sql, params = _feed_cond(FieldTest(t.field, t.op[1:], value))
        return f"NOT ({sql})", params
    if t.field == "tag":
        tag = "nr_fold(je.value)"
        if t.op == "=~":
            cond, params = "nr_regexp(?, je.value, ?)", (value, RUN)
        elif t.op == "=":
            cond, params = f"{tag} = ?", (fold(value),)
        else:
            cond, params = f"instr({tag}, ?) > 0", (fold(value),)
        return f"EXISTS (SELECT 1 FROM json_each(fq.tags) je WHERE {cond})", params
    cols = _FEED_COLUMNS[t.field]
    if t.op == "=~":
        conds = [f"coalesce(nr_regexp(?, {c}, ?), 0)" for c in cols]
        params = tuple(x for _ in cols for x in (value, RUN))
    elif t.op == "=":
        conds = [f"coalesce(nr_fold({c}) = ?, 0)" for c in cols]
        params = (fold(value),) * len(cols)
    else:
        conds = [f"coalesce(instr(nr_fold({c}), ?) > 0, 0)" for c in cols]
        params = (fold(value),) * len(cols)
    return " OR ".join(conds), params


_CMP_AGE = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}  # newer than = published after


def _age(t: FieldTest) -> _IR:
    assert isinstance(t.value, Duration)
    if t.op == "between":
        assert isinstance(t.high, Duration)
        lo, hi = sorted((t.value.seconds, t.high.seconds))
        return _Sql("a.published >= ? AND a.published <= ?", (_Ago(hi), _Ago(lo)))
    return _Sql(f"a.published {_CMP_AGE[t.op]} ?", (_Ago(t.value.seconds),))


def _day_bounds(day: date) -> tuple[float, float]:
    start = datetime(day.year, day.month, day.day).astimezone()
    end = (datetime(day.year, day.month, day.day) + timedelta(days=1)).astimezone()
    return start.timestamp(), end.timestamp()


def _published(t: FieldTest) -> _IR:
    assert isinstance(t.value, Day)
    start, end = _day_bounds(t.value.day)
    if t.op == "between":
        assert isinstance(t.high, Day)
        lo, hi = sorted((t.value.day, t.high.day))
        return _Sql(
            "a.published >= ? AND a.published < ?", (_day_bounds(lo)[0], _day_bounds(hi)[1])
        )
    if t.op == "=":
        return _Sql("a.published >= ? AND a.published < ?", (start, end))
    bound = {"<": ("<", start), "<=": ("<", end), ">": (">=", end), ">=": (">=", start)}
    cmp, ts = bound[t.op]
    return _Sql(f"a.published {cmp} ?", (ts,))


# --------------------------------------------------------------------------- emit

_IN_FTS = (
    f"{_PLUS}a.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? AND rowid > ?)"
)


def _fts_of(ir: _IR) -> str | None:
    """The FTS5 expression for `ir` when the index alone can answer it."""
    if isinstance(ir, _Fts):
        return ir.expr
    if isinstance(ir, _Or):
        parts = [_fts_of(c) for c in ir.children]
        if all(parts):
            return " OR ".join(f"({p})" for p in parts)
    if isinstance(ir, _And):
        pos, neg = _fts_split(ir.children)
        if pos and len(pos) + len(neg) == len(ir.children):
            return _fts_and(pos, neg)
    return None


def _fts_split(children: tuple[_IR, ...]) -> tuple[list[str], list[str]]:
    pos: list[str] = []
    neg: list[str] = []
    for c in children:
        if isinstance(c, _Not) and (n := _fts_of(c.child)):
            neg.append(n)
        elif p := _fts_of(c):
            pos.append(p)
    return pos, neg


def _fts_and(pos: list[str], neg: list[str]) -> str:
    expr = " AND ".join(f"({p})" for p in pos)
    for n in neg:
        expr = f"({expr}) NOT ({n})"
    return expr


def _emit(ir: _IR) -> tuple[str, list[object]]:
    if isinstance(ir, _Sql):
        return ir.sql, list(ir.params)
    if isinstance(ir, _Fts):
        return _IN_FTS, [ir.expr, FLOOR]
    if isinstance(ir, _Not):
        if (expr := _fts_of(ir.child)) is not None:
            return "NOT " + _IN_FTS, [expr, FLOOR]
        sql, params = _emit(ir.child)
        return f"NOT ({sql})", params
    if isinstance(ir, _Or):
        if (expr := _fts_of(ir)) is not None:
            return _IN_FTS, [expr, FLOOR]
        fts = [p for c in ir.children if (p := _fts_of(c))]
        rest = [c for c in ir.children if _fts_of(c) is None]
        parts: list[_IR] = [_Fts(" OR ".join(f"({p})" for p in fts))] if fts else []
        return _join([*parts, *rest], " OR ")
    pos, neg = _fts_split(ir.children)
    rest = [
        c
        for c in ir.children
        if _fts_of(c) is None and not (isinstance(c, _Not) and _fts_of(c.child) is not None)
    ]
    groups: list[_IR] = []
    if pos:
        groups.append(_Fts(_fts_and(pos, neg)))
    else:
        groups += [_Not(_Fts(n)) for n in neg]
    return _join([*groups, *rest], " AND ")


def _join(parts: list[_IR], sep: str) -> tuple[str, list[object]]:
    sqls: list[str] = []
    params: list[object] = []
    for p in parts:
        s, ps = _emit(p)
        sqls.append(f"({s})")
        params += ps
    return sep.join(sqls), params
