"""The query language: lexer and recursive-descent parser (text -> `nodes`).

    title ~ "climate" and not feed = "Daily Mail" and age < 2d
    (tag = world or tag = science) and unread
    author =~ "^(AP|Reuters)$" or published >= 2026-11-01

Every error is one `QueryError` with the 0-based `position` in the text and a message that
says what was expected there. Nothing here touches SQL: values stay Python strings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from newsreader.errors import UserError
from newsreader.query.nodes import And, Day, Duration, FieldTest, Flag, Node, Not, Or, Term, Words

MAX_LENGTH = 4000  # characters of query text
MAX_DEPTH = 50  # nested parentheses / nots
MAX_PATTERN = 500  # characters of a regular expression


class QueryError(UserError, ValueError):
    """A query that cannot be used: `message` says what was expected at `position` (0-based;
    `column` is 1-based)."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message, position)
        self.message = message
        self.position = max(0, position)

    @property
    def column(self) -> int:
        return self.position + 1

    def __str__(self) -> str:
        return f"column {self.column}: {self.message}"


# --------------------------------------------------------------------------- vocabulary

FIELDS = {
    "title": "title",
    "author": "author",
    "text": "text",
    "content": "text",
    "body": "text",
    "description": "text",
    "feed": "feed",
    "feedtitle": "feedtitle",
    "feedurl": "feedurl",
    "tag": "tag",
    "tags": "tag",
    "url": "url",
    "link": "url",
    "age": "age",
    "published": "published",
    "date": "published",
    "pubdate": "published",
}
FLAGS = {"read": ("read", True), "unread": ("read", False), "starred": ("starred", True)}
FLAGS["flagged"] = FLAGS["starred"]
TEXT_FIELDS = ("title", "author", "text", "feed", "feedtitle", "feedurl", "tag", "url")
TEXT_OPS = ("=", "!=", "~", "!~", "=~")
ORDER_OPS = ("<", ">", "<=", ">=", "between")
FIELD_LIST = "title, author, text, feed, tag, url, age, published, read, unread, starred"
OPS = ("<=", ">=", "!=", "!~", "=~", "!#", "=", "~", "<", ">", "#")
_OP_CHARS = "=!~<>#"
_SPECIAL = set("()\"':" + _OP_CHARS)
YES = {"yes": True, "true": True, "1": True, "no": False, "false": False, "0": False}
_DURATION = re.compile(
    r"(\d+(?:\.\d+)?)\s*(m|min|mins|minutes?|h|hours?|d|days?|w|weeks?)?", re.IGNORECASE
)
_UNIT = {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


# --------------------------------------------------------------------------- lexer


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # word | string | op | ( | ) | : | end
    text: str  # for a string: its value with escapes resolved
    pos: int
    end: int


def tokenize(text: str) -> list[Token]:
    if len(text) > MAX_LENGTH:
        raise QueryError(f"the query is longer than {MAX_LENGTH} characters", MAX_LENGTH)
    out: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif "\ud800" <= c <= "\udfff":
            raise QueryError("invalid character (a lone surrogate)", i)
        elif c in "():":
            out.append(Token(c, c, i, i + 1))
            i += 1
        elif c in "\"'":
            tok = _string(text, i)
            out.append(tok)
            i = tok.end
        elif c in _OP_CHARS:
            op = next((o for o in OPS if text.startswith(o, i)), None)
            if op is None:
                raise QueryError(
                    f"unexpected {c!r}: expected an operator (=, !=, ~, !~, =~, <, >) or `not`", i
                )
            out.append(Token("op", op, i, i + len(op)))
            i += len(op)
        else:
            j = i
            while j < n and not text[j].isspace():
                if text[j] in _SPECIAL and not text.startswith("://", j):  # url ~ https://x
                    break
                if "\ud800" <= text[j] <= "\udfff":
                    raise QueryError("invalid character (a lone surrogate)", j)
                j += 1
            out.append(Token("word", text[i:j], i, j))
            i = j
    out.append(Token("end", "", n, n))
    return out


_ESCAPES = {"\\": "\\", '"': '"', "'": "'", "n": "\n", "t": "\t"}


def _string(text: str, start: int) -> Token:
    """A quoted string: \\\\, \\", \\', \\n and \\t are escapes; any other backslash is kept
    as written (so a regular expression such as "\\d+" reads as it looks)."""
    q = text[start]
    buf: list[str] = []
    i = start + 1
    while i < len(text):
        c = text[i]
        if c == q:
            return Token("string", "".join(buf), start, i + 1)
        if "\ud800" <= c <= "\udfff":
            raise QueryError("invalid character (a lone surrogate)", i)
        if c == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            if nxt in _ESCAPES:
                buf.append(_ESCAPES[nxt])
            else:
                buf.append(c + nxt)
            i += 2
            continue
        buf.append(c)
        i += 1
    raise QueryError(f"unterminated string: expected a closing {q} for the one here", start)


# --------------------------------------------------------------------------- parser


def parse(text: str) -> Node:
    """Parse a query; raise QueryError (with the position) when it is not valid."""
    return _Parser(text).parse()


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.toks = tokenize(text)
        self.i = 0
        self.depth = 0

    # ---------------------------------------------------------------- helpers
    @property
    def tok(self) -> Token:
        return self.toks[self.i]

    def peek(self, k: int = 1) -> Token:
        return self.toks[min(self.i + k, len(self.toks) - 1)]

    def take(self) -> Token:
        t = self.toks[self.i]
        self.i = min(self.i + 1, len(self.toks) - 1)
        return t

    def is_kw(self, tok: Token, *words: str) -> bool:
        return tok.kind == "word" and tok.text.lower() in words

    def found(self, tok: Token) -> str:
        if tok.kind == "end":
            return "the end of the query"
        return repr(self.text[tok.pos : tok.end][:40])

    # ---------------------------------------------------------------- grammar
    def parse(self) -> Node:
        if self.tok.kind == "end":
            raise QueryError('empty query: expected a test such as title ~ "word"', 0)
        node = self.or_expr()
        if self.tok.kind == ")":
            raise QueryError("unexpected ')': no '(' is open here", self.tok.pos)
        if self.tok.kind != "end":
            raise QueryError(self._after_term_message(), self.tok.pos)
        return node

    def _after_term_message(self) -> str:
        msg = f"expected `and`, `or` or the end of the query, found {self.found(self.tok)}"
        prev = self.toks[self.i - 1] if self.i else None
        if prev is not None and prev.kind == "word" and self.tok.kind == "word":
            msg += ' (quote a value that has spaces: "two words")'
        return msg

    def or_expr(self) -> Node:
        parts = [self.and_expr()]
        while self.is_kw(self.tok, "or"):
            self.take()
            parts.append(self.and_expr())
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def and_expr(self) -> Node:
        parts = [self.unary()]
        while self.is_kw(self.tok, "and"):
            self.take()
            parts.append(self.unary())
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def unary(self) -> Node:
        tok = self.tok
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise QueryError(f"the query nests deeper than {MAX_DEPTH} levels", tok.pos)
        try:
            if self.is_kw(tok, "not"):
                self.take()
                if self.tok.kind == "end":
                    raise QueryError("expected a test after `not`", self.tok.pos)
                return Not(self.unary(), pos=tok.pos)
            if tok.kind == "(":
                self.take()
                if self.tok.kind == ")":
                    raise QueryError("empty parentheses: expected a test inside", self.tok.pos)
                node = self.or_expr()
                if self.tok.kind != ")":
                    if self.tok.kind == "end":
                        msg = f"expected ')' to close the '(' at column {tok.pos + 1}"
                    else:
                        msg = self._after_term_message().replace(
                            "or the end of the query", "or ')'"
                        )
                    raise QueryError(msg, self.tok.pos)
                self.take()
                return node
            return self.primary()
        finally:
            self.depth -= 1

    def primary(self) -> Node:
        tok = self.tok
        nxt = self.peek()
        if tok.kind == "word":
            name = tok.text.lower()
            has_op = nxt.kind == "op" or self.is_kw(nxt, "contains", "between")
            if name in FLAGS:
                return self.flag(tok, name) if has_op else self._flag_node(tok, name)
            if name in FIELDS:
                if not has_op:
                    raise QueryError(
                        f"expected an operator after {tok.text!r} "
                        "(=, !=, ~, !~, =~, <, >, <=, >= or between)",
                        nxt.pos,
                    )
                return self.test(FIELDS[name])
            if has_op:
                raise QueryError(
                    f"unknown field {tok.text!r}: expected one of {FIELD_LIST}", tok.pos
                )
            if name in ("and", "or", "contains", "between"):
                raise QueryError(f"expected a test before `{name}`", tok.pos)
        if tok.kind in ("word", "string"):
            return self.words()
        if tok.kind == "op":
            raise QueryError(f"expected a field before {tok.text!r} (one of {FIELD_LIST})", tok.pos)
        if tok.kind == ")":
            raise QueryError("expected a test before ')'", tok.pos)
        if tok.kind == ":":
            raise QueryError(
                "unexpected ':' (it only separates the two ends of `between`)", tok.pos
            )
        prev = self.toks[self.i - 1] if self.i else None
        if prev is not None and self.is_kw(prev, "and", "or"):
            raise QueryError(f"expected a test after `{prev.text.lower()}`", tok.pos)
        raise QueryError('expected a test such as title ~ "word"', tok.pos)

    def _flag_node(self, tok: Token, name: str) -> Flag:
        self.take()
        flag, want = FLAGS[name]
        return Flag(flag, want, pos=tok.pos)

    def flag(self, tok: Token, name: str) -> Node:
        self.take()
        op = self.take()
        if op.text not in ("=", "!="):
            raise QueryError(f"{tok.text} takes = or != (yes or no), not {op.text!r}", op.pos)
        val = self.take()
        if val.kind not in ("word", "string") or val.text.lower() not in YES:
            raise QueryError(
                f"expected yes or no after `{tok.text} {op.text}`, found {self.found(val)}",
                val.pos,
            )
        flag, want = FLAGS[name]
        if YES[val.text.lower()] != (op.text == "="):
            want = not want
        if flag == "starred" and not want:
            return Not(Flag("starred", True, pos=tok.pos), pos=tok.pos)
        return Flag(flag, want, pos=tok.pos)

    def test(self, field: str) -> FieldTest:
        ftok = self.take()
        optok = self.take()
        op = optok.text.lower()
        op = {"contains": "~", "#": "~", "!#": "!~"}.get(op, op)
        if field == "tag" and optok.text == "#":
            op = "="  # newsboat: tags # "x" = has the tag x
        if field in TEXT_FIELDS and op not in TEXT_OPS:
            raise QueryError(
                f"{ftok.text} takes =, !=, ~ (contains), !~ or =~ (regex), not {optok.text!r}",
                optok.pos,
            )
        if field == "age" and op not in ORDER_OPS:
            raise QueryError(
                f"age takes <, >, <=, >= or between, not {optok.text!r} (age < 2d: newer "
                "than two days)",
                optok.pos,
            )
        if field == "published" and op not in ORDER_OPS + ("=", "!="):
            raise QueryError(
                f"published takes =, !=, <, >, <=, >= or between, not {optok.text!r}", optok.pos
            )
        low = self.value(field, ftok, optok)
        high = None
        if op == "between":
            if self.tok.kind != ":":
                raise QueryError(
                    f"expected ':' between the two ends (age between 1d:3d), found "
                    f"{self.found(self.tok)}",
                    self.tok.pos,
                )
            self.take()
            high = self.value(field, ftok, optok)
        return FieldTest(field, op, low, high, pos=ftok.pos)

    def value(self, field: str, ftok: Token, optok: Token) -> str | Duration | Day:
        tok = self.take()
        if tok.kind not in ("word", "string"):
            raise QueryError(
                f"expected a value after `{ftok.text} {optok.text}`, found {self.found(tok)}",
                tok.pos,
            )
        if field == "age":
            return _duration(tok)
        if field == "published":
            return _day(tok)
        if optok.text == "=~":
            _check_regex(tok)
        return tok.text

    def words(self) -> Words:
        start = self.tok.pos
        terms: list[Term] = []
        while self.tok.kind in ("word", "string"):
            tok = self.tok
            if tok.kind == "word":
                low = tok.text.lower()
                if low in ("and", "or", "not") or low in FLAGS or low in FIELDS:
                    break
                if self.peek().kind == "op":
                    break
            self.take()
            text, prefix = tok.text, False
            if text.endswith("*") and text.strip("*"):
                text, prefix = text.rstrip("*"), True
            terms.append(Term(text, phrase=tok.kind == "string", prefix=prefix))
        if not terms:
            raise QueryError('expected a test such as title ~ "word"', start)
        return Words(tuple(terms), pos=start)


def _duration(tok: Token) -> Duration:
    m = _DURATION.fullmatch(tok.text.strip())
    if not m:
        raise QueryError(
            f"expected an age such as 30m, 2h, 3d or 1w, found {tok.text[:40]!r}", tok.pos
        )
    unit = (m.group(2) or "d")[0].lower()
    return Duration(float(m.group(1)) * _UNIT[unit], tok.text.strip())


def _day(tok: Token) -> Day:
    word = tok.text.strip().lower()
    today = datetime.now().astimezone().date()
    if word == "today":
        return Day(today, "today")
    if word == "yesterday":
        return Day(today - timedelta(days=1), "yesterday")
    m = _DATE.fullmatch(word)
    if m:
        try:
            return Day(date(int(m.group(1)), int(m.group(2)), int(m.group(3))), word)
        except ValueError:
            pass
    raise QueryError(
        f"expected a date such as 2026-11-01 (or today, yesterday), found {tok.text[:40]!r}",
        tok.pos,
    )


def _check_regex(tok: Token) -> None:
    from newsreader.query.functions import compile_pattern

    if len(tok.text) > MAX_PATTERN:
        raise QueryError(f"the regular expression is longer than {MAX_PATTERN} characters", tok.pos)
    try:
        compile_pattern(tok.text)
    except Exception as exc:  # regex.error: position inside the pattern when known
        where = getattr(exc, "pos", None)
        offset = tok.pos + (1 if tok.kind == "string" else 0) + (where or 0)
        msg = getattr(exc, "msg", None) or str(exc)
        raise QueryError(f"invalid regular expression: {msg}", offset) from exc
