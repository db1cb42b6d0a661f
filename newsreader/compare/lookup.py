"""What compare needs from a store of articles: a protocol, so compare never imports the
store (`newsreader.store.Store` satisfies it; tests may pass anything that does)."""

from __future__ import annotations

from typing import Protocol

from newsreader.models import Article, ArticleRow


class ArticleLookup(Protocol):
    def get_article(self, article_id: int) -> Article | None: ...

    def find_articles_by_link(self, url: str) -> list[ArticleRow]: ...

    def ids_matching_any(self, words: list[str], limit: int = 50) -> list[int]:
        """Ids of the articles sharing the most of `words`, best first."""
        ...
