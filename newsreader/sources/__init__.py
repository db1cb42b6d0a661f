"""Where articles come from. The feeds.toml source: fetch (httpx, caps, conditional GET),
parse (feedparser, the lxml fast path, JSON Feed), discover (a page's feed), opml; `feeds`
turns one subscription into a parsed feed. A sync source (a feed server) sits beside it."""
