"""The query language: parsing, precedence, values, errors with positions, fuzzing."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsreader.query import QueryError, parse
from newsreader.query.lang import tokenize
from newsreader.query.nodes import And, Day, Duration, FieldTest, Flag, Not, Or, Term, Words
from newsreader.query.search import interpret, looks_like_query


def test_tests_and_fields() -> None:
    assert parse('title ~ "climate"') == FieldTest("title", "~", "climate")
    assert parse("TITLE contains climate") == FieldTest("title", "~", "climate")
    assert parse("content # x") == FieldTest("text", "~", "x")  # newsboat's names and operators
    assert parse("link != 'https://a/b'") == FieldTest("url", "!=", "https://a/b")
    assert parse('author =~ "^AP$"') == FieldTest("author", "=~", "^AP$")
    assert parse("feed = bbc") == FieldTest("feed", "=", "bbc")
    assert parse('tags # "world"') == FieldTest("tag", "=", "world")  # newsboat: has the tag
    assert parse("tag ~ wor") == FieldTest("tag", "~", "wor")


def test_flags_and_yes_no() -> None:
    assert parse("unread") == Flag("read", False)
    assert parse("read") == Flag("read", True)
    assert parse("starred") == Flag("starred", True)
    assert parse('unread = "yes"') == Flag("read", False)  # newsboat style
    assert parse("unread = no") == Flag("read", True)
    assert parse("read != true") == Flag("read", False)
    assert parse("starred = no") == Not(Flag("starred"))


def test_ages_and_dates() -> None:
    assert parse("age < 2d") == FieldTest("age", "<", Duration(2 * 86400, "2d"))
    assert parse("age<30m") == FieldTest("age", "<", Duration(1800, "30m"))
    assert parse("age >= 1.5h").value == Duration(5400, "1.5h")
    assert parse("age > 3").value == Duration(3 * 86400, "3")  # newsboat: days
    assert parse("age < 2 weeks".replace(" ", "")).value.seconds == 14 * 86400
    t = parse("age between 1d:1w")
    assert isinstance(t, FieldTest) and t.op == "between" and t.high == Duration(7 * 86400, "1w")
    assert parse("published > 2026-11-01") == FieldTest(
        "published", ">", Day(date(2026, 11, 1), "2026-11-01")
    )
    assert parse("date = today").value.day == date.today()


def test_precedence_not_and_or() -> None:
    q = parse("unread and title ~ a or starred and not feed ~ b")
    assert q == Or(
        (
            And((Flag("read", False), FieldTest("title", "~", "a"))),
            And((Flag("starred"), Not(FieldTest("feed", "~", "b")))),
        )
    )
    q = parse("unread and (title ~ a or title ~ b)")
    assert isinstance(q, And) and isinstance(q.children[1], Or)
    assert parse("not not unread") == Not(Not(Flag("read", False)))
    assert parse("UNREAD AND NOT starred") == And((Flag("read", False), Not(Flag("starred"))))


def test_words_and_phrases() -> None:
    assert parse('climate "carbon tax" renew*') == Words(
        (Term("climate"), Term("carbon tax", phrase=True), Term("renew", prefix=True))
    )
    q = parse("climate change and age < 1d")
    assert q == And(
        (Words((Term("climate"), Term("change"))), FieldTest("age", "<", Duration(86400, "1d")))
    )


def test_strings_and_escapes() -> None:
    assert parse(r'title = "say \"hi\" \\ now"').value == 'say "hi" \\ now'
    assert parse(r"title = 'it\'s'").value == "it's"
    assert parse(r'title =~ "\d+\s"').value == r"\d+\s"  # unknown escapes kept for regexes
    assert parse('title ~ "a\\tb"').value == "a\tb"
    assert parse('title ~ "and"').value == "and"  # quoted keywords are values
    assert parse("title ~ or").value == "or"  # so is any word right after an operator


@pytest.mark.parametrize(
    ("query", "column", "fragment"),
    [
        ("", 1, "empty query"),
        ("   ", 1, "empty query"),
        ("title", 6, "expected an operator after 'title'"),
        ("titel ~ x", 1, "unknown field 'titel'"),
        ("title ~", 8, "expected a value after `title ~`"),
        ("title ~ climate change", 17, "quote a value that has spaces"),
        ("(unread", 8, "expected ')' to close the '(' at column 1"),
        ("unread)", 7, "no '(' is open"),
        ("()", 2, "empty parentheses"),
        ("age ~ 2d", 5, "age takes <, >, <=, >= or between"),
        ("age < 2x", 7, "expected an age such as 30m"),
        ("title < 3", 7, "title takes =, !=, ~"),
        ("published ~ 2026", 11, "published takes"),
        ("published > 2026-13-01", 13, "expected a date"),
        ('title =~ "(ab"', 14, "invalid regular expression"),
        ("unread = maybe", 10, "expected yes or no"),
        ('title ~ "abc', 9, "unterminated string"),
        ("not", 4, "expected a test after `not`"),
        ("unread and", 11, "expected a test after `and`"),
        ("unread or or starred", 11, "expected a test before `or`"),
        ("!unread", 1, "unexpected '!'"),
        ("= x", 1, "expected a field before '='"),
        ("age between 1d", 15, "expected ':'"),
        ("unread starred", 8, "expected `and`, `or`"),
        ("x : y", 3, "expected `and`, `or`"),
    ],
)
def test_errors_say_where_and_what(query: str, column: int, fragment: str) -> None:
    with pytest.raises(QueryError) as exc:
        parse(query)
    assert exc.value.column == column, str(exc.value)
    assert fragment in exc.value.message
    assert str(exc.value).startswith(f"column {column}: ")
    assert exc.value.args == (exc.value.message, exc.value.position)


def test_limits() -> None:
    with pytest.raises(QueryError, match="nests deeper"):
        parse("(" * 200 + "unread" + ")" * 200)
    with pytest.raises(QueryError, match="longer than"):
        parse("unread and " * 1000 + "unread")
    with pytest.raises(QueryError, match="surrogate"):
        parse('title ~ "\ud800"')
    with pytest.raises(QueryError, match="regular expression is longer"):
        parse('title =~ "' + "a" * 600 + '"')


def test_round_trip_of_examples() -> None:
    for q in [
        'title ~ "climate" and not feed = "Daily Mail" and age < 2d',
        "(tag = world or tag = science) and unread",
        'author =~ "^(AP|Reuters)$" or published >= 2026-11-01',
        'climate "carbon tax" and (unread or starred)',
        "not (unread and starred) and url ~ example.org",
        "((unread))",
        "unread and (starred and read)",
        "age between 1d:3d or published between 2026-01-01:2026-01-31",
    ]:
        node = parse(q)
        assert parse(str(node)) == node, (q, str(node))


def test_search_box_interpretation() -> None:
    assert interpret("climate change").kind == "words"
    assert interpret("C++ vs C#").kind == "words"  # operators without a field: words
    assert interpret("5 > 3").kind == "words"
    s = interpret("  title ~ vote and unread ")
    assert s.kind == "query" and s.expr == "title ~ vote and unread"
    assert s.view().kind == "query"
    assert interpret("?unread and starred").expr == "unread and starred"
    assert interpret("unread").kind == "words"  # a bare flag needs the ? prefix
    assert interpret("words").view().kind == "search"
    with pytest.raises(QueryError) as exc:
        interpret("  ?unread and")
    assert exc.value.column == 14  # positions count in what was typed
    with pytest.raises(QueryError) as exc:
        interpret("title ~")
    assert exc.value.column == 8
    assert looks_like_query("age<2d") and not looks_like_query('"unterminated')


# --------------------------------------------------------------------------- fuzz

WORDS = st.sampled_from(["climate", "vote", "bbc", "x", "ünïcode", "and", "or", "not", "2d"])
FIELDS = st.sampled_from(["title", "author", "text", "feed", "tag", "url"])
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)


@st.composite
def nodes(draw, depth: int = 0):
    kind = draw(st.integers(0, 6 if depth < 3 else 3))
    if kind == 0:
        return FieldTest(draw(FIELDS), draw(st.sampled_from(["=", "!=", "~", "!~"])), draw(TEXT))
    if kind == 1:
        return Flag(draw(st.sampled_from(["read", "starred"])), draw(st.booleans()) or True)
    if kind == 2:
        n = draw(st.integers(1, 400))
        unit = draw(st.sampled_from(["m", "h", "d", "w"]))
        return FieldTest(
            "age", draw(st.sampled_from(["<", ">", "<=", ">="])), Duration(0, f"{n}{unit}")
        )
    if kind == 3:
        terms = draw(st.lists(st.sampled_from(["climate", "vote", "bbc"]), min_size=1, max_size=3))
        return Words(tuple(Term(t) for t in terms))
    if kind == 4:
        return Not(draw(nodes(depth + 1)))
    children = tuple(draw(st.lists(nodes(depth + 1), min_size=2, max_size=3)))
    return And(children) if kind == 5 else Or(children)


@settings(max_examples=300, deadline=None)
@given(nodes())
def test_printed_queries_parse_back(node) -> None:
    text = str(node)
    parsed = parse(text)
    assert str(parsed) == str(parse(str(parsed)))


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=60))
def test_any_text_parses_or_raises_query_error(text: str) -> None:
    try:
        tokenize(text)
        parse(text)
    except QueryError as exc:
        assert 0 <= exc.position <= len(text)
        assert exc.message


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            WORDS,
            FIELDS,
            st.sampled_from(["(", ")", "~", "=", "!=", "<", ":", '"', "between", "age", "unread"]),
        ),
        max_size=12,
    )
)
def test_token_soup_parses_or_raises_query_error(parts: list[str]) -> None:
    text = " ".join(parts)
    try:
        parse(text)
    except QueryError as exc:
        assert 0 <= exc.position <= len(text)
