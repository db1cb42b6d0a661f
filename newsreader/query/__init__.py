"""The query language shared by query feeds, the killfile and search (no UI, no network).

parse(text) -> node          lang.py (QueryError(message, position) on a bad query)
compile_query(text)          sql.py: a parameterised WHERE clause over `articles a`
matching_ids / count / rows  run.py: run one against a Store
"""

from newsreader.query.lang import QueryError, parse
from newsreader.query.run import count, matching_ids, rows, where
from newsreader.query.sql import Compiled, compile_query

__all__ = [
    "Compiled",
    "QueryError",
    "compile_query",
    "count",
    "matching_ids",
    "parse",
    "rows",
    "where",
]
