"""What a list shows, and the query language shared by query feeds, the killfile and search.

View / view_where            view.py: the lists of the app (all, unread, feed, tag, search, query)
fts_query / any_of           fts.py: user text as safe FTS5 syntax
parse(text) -> node          lang.py (QueryError(message, position) on a bad query)
compile_query(text)          sql.py: a parameterised WHERE clause over `articles a`
matching_ids / count / rows  run.py: run one against a Store
"""

from newsreader.query.lang import QueryError, parse
from newsreader.query.run import count, matching_ids, rows, where
from newsreader.query.sql import Compiled, compile_query
from newsreader.query.view import View

__all__ = [
    "Compiled",
    "QueryError",
    "View",
    "compile_query",
    "count",
    "matching_ids",
    "parse",
    "rows",
    "where",
]
