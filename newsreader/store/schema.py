"""The database schema: one migration per version (PRAGMA user_version counts them)."""

from __future__ import annotations

import sqlite3

MIGRATIONS: list[str] = [
    # 1: initial schema
    """
    CREATE TABLE feeds(
        id INTEGER PRIMARY KEY,
        url TEXT NOT NULL UNIQUE,
        title TEXT,              -- title given in feeds.toml
        feed_title TEXT,         -- title the feed itself gives
        site_url TEXT,
        tags TEXT NOT NULL DEFAULT '[]',
        position INTEGER NOT NULL DEFAULT 0,
        subscribed INTEGER NOT NULL DEFAULT 1,
        etag TEXT,
        last_modified TEXT,
        last_attempt REAL,
        last_success REAL,
        last_error TEXT,
        error_count INTEGER NOT NULL DEFAULT 0,
        retry_after REAL,
        warning TEXT
    );
    CREATE TABLE articles(
        id INTEGER PRIMARY KEY,
        feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
        guid TEXT NOT NULL,
        title TEXT NOT NULL DEFAULT '',
        link TEXT,
        author TEXT,
        published REAL NOT NULL,
        updated REAL,
        fetched REAL NOT NULL,
        content_html TEXT NOT NULL DEFAULT '',
        text TEXT NOT NULL DEFAULT '',
        enclosures TEXT,
        full_text TEXT,
        content_hash TEXT,
        read INTEGER NOT NULL DEFAULT 0,
        starred INTEGER NOT NULL DEFAULT 0,
        UNIQUE(feed_id, guid)
    );
    CREATE INDEX articles_by_date ON articles(published DESC, id DESC);
    CREATE INDEX articles_by_feed ON articles(feed_id, published DESC, id DESC);
    CREATE INDEX articles_unread ON articles(published DESC, id DESC) WHERE read = 0;
    CREATE INDEX articles_starred ON articles(published DESC, id DESC) WHERE starred = 1;
    CREATE INDEX articles_by_link ON articles(link);
    CREATE TABLE tombstones(
        feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
        guid TEXT NOT NULL,
        dropped REAL NOT NULL,
        PRIMARY KEY(feed_id, guid)
    ) WITHOUT ROWID;
    CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, author, text, content='articles', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts(rowid, title, author, text)
        VALUES (new.id, new.title, coalesce(new.author, ''), new.text);
    END;
    CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, author, text)
        VALUES ('delete', old.id, old.title, coalesce(old.author, ''), old.text);
    END;
    CREATE TRIGGER articles_au AFTER UPDATE OF title, author, text ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, author, text)
        VALUES ('delete', old.id, old.title, coalesce(old.author, ''), old.text);
        INSERT INTO articles_fts(rowid, title, author, text)
        VALUES (new.id, new.title, coalesce(new.author, ''), new.text);
    END;
    """,
    # 2: new articles are indexed in bulk by save_feeds (one INSERT ... SELECT per feed is
    # about 3x cheaper than the per-row trigger); updates and deletes keep their triggers.
    """
    DROP TRIGGER IF EXISTS articles_ai;
    """,
    # 3: stories (newsreader/stories/): every clustered article has one membership row; a
    # story of one article is a story like any other. Articles are clustered incrementally,
    # those above story_state.done_id are still to do; deleting an article drops its row.
    """
    CREATE TABLE stories(
        id INTEGER PRIMARY KEY,
        title TEXT NOT NULL DEFAULT '',
        first_seen REAL NOT NULL,
        last_seen REAL NOT NULL,
        size INTEGER NOT NULL DEFAULT 0,
        sources INTEGER NOT NULL DEFAULT 0,   -- distinct feeds
        original_id INTEGER
    );
    CREATE INDEX stories_shown ON stories(last_seen DESC) WHERE size > 1;
    CREATE TABLE story_articles(
        article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        story_id INTEGER NOT NULL,
        feed_id INTEGER NOT NULL,
        published REAL NOT NULL,
        role TEXT NOT NULL DEFAULT 'original',  -- original | copy | coverage
        copy_of INTEGER,          -- the member this one is a near-duplicate of
        byline INTEGER NOT NULL DEFAULT 0,      -- 1 yes, -1 none, 0 not looked for in the text
        pinned INTEGER NOT NULL DEFAULT 0,      -- placed by the user (split or merge)
        terms BLOB,               -- the article's weighted terms (stories/item.py)
        sig BLOB                  -- MinHash signature of the body, NULL for short texts
    );
    CREATE INDEX story_articles_by_story ON story_articles(story_id, published);
    CREATE TABLE story_terms(     -- postings: which articles carry a term, by date
        term INTEGER NOT NULL,
        published REAL NOT NULL,
        article_id INTEGER NOT NULL,
        PRIMARY KEY(term, published, article_id)
    ) WITHOUT ROWID;
    CREATE TABLE story_bands(     -- LSH buckets of body signatures
        key INTEGER NOT NULL,
        article_id INTEGER NOT NULL,
        PRIMARY KEY(key, article_id)
    ) WITHOUT ROWID;
    CREATE TABLE story_df(term INTEGER PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID;
    CREATE TABLE story_feed_terms(  -- how often a feed's own headlines carry a term
        feed_id INTEGER NOT NULL,
        term INTEGER NOT NULL,
        n INTEGER NOT NULL,
        PRIMARY KEY(feed_id, term)
    ) WITHOUT ROWID;
    CREATE TABLE story_overrides(   -- the user's choices, kept across re-clustering
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,         -- 'split': a never with b; 'merge': a always with b
        a INTEGER NOT NULL,
        b INTEGER NOT NULL,
        created REAL NOT NULL
    );
    CREATE INDEX story_overrides_by_a ON story_overrides(a);
    CREATE INDEX story_overrides_by_b ON story_overrides(b);
    CREATE TABLE story_state(key TEXT PRIMARY KEY, value) WITHOUT ROWID;
    CREATE TABLE story_gone(article_id INTEGER PRIMARY KEY);
    CREATE TRIGGER story_articles_ad AFTER DELETE ON story_articles BEGIN
        UPDATE stories SET size = size - 1 WHERE id = old.story_id;
        INSERT OR IGNORE INTO story_gone(article_id) VALUES (old.article_id);
    END;
    """,
    # 4: the killfile (newsreader/query/killfile.py): hidden rows stay stored but are left out
    # of every list and count; meta keeps the hash of the rules that set them. Queries
    # (newsreader/query/): covering indexes, so a list or count that tests state, feed or
    # link walks a narrow index instead of the wide article rows (unread 78 -> 16 ms, a link
    # test 143 -> 12 ms on 100,000 articles).
    """
    ALTER TABLE articles ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX articles_hidden ON articles(id) WHERE hidden = 1;
    CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
    DROP INDEX articles_unread;
    CREATE INDEX articles_unread ON articles(
        published DESC, id DESC, feed_id, read, starred, hidden
    ) WHERE read = 0;
    CREATE INDEX articles_cover ON articles(
        published DESC, id DESC, feed_id, read, starred, hidden, link
    );
    """,
    # 5: sync with a feed server (newsreader/sync/state.py holds the SQL that uses these).
    # Server ids of feeds and articles with the server state last seen; local read/star
    # changes of synced articles queued by triggers (whatever code makes them) until pushed;
    # subscriptions to push; the cursor (TT-RSS: since_id). `sync_quiet` holds a row while the
    # engine applies server state, so that those updates are not queued back.
    """
    CREATE TABLE sync_feeds(
        feed_id INTEGER PRIMARY KEY REFERENCES feeds(id) ON DELETE CASCADE,
        service TEXT NOT NULL,
        remote_id TEXT NOT NULL,
        title TEXT,
        category TEXT,
        UNIQUE(service, remote_id)
    );
    CREATE TABLE sync_articles(
        article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        service TEXT NOT NULL,
        remote_id TEXT NOT NULL,
        remote_read INTEGER NOT NULL,
        remote_starred INTEGER NOT NULL,
        seen_at REAL NOT NULL,
        UNIQUE(service, remote_id)
    );
    CREATE TABLE sync_changes(
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        field TEXT NOT NULL,
        value INTEGER NOT NULL,
        changed_at REAL NOT NULL,
        PRIMARY KEY(article_id, field)
    ) WITHOUT ROWID;
    CREATE TABLE sync_feed_changes(
        service TEXT NOT NULL,
        url TEXT NOT NULL,
        action TEXT NOT NULL,
        remote_id TEXT,
        title TEXT,
        tags TEXT NOT NULL DEFAULT '[]',
        changed_at REAL NOT NULL,
        PRIMARY KEY(service, url)
    );
    CREATE TABLE sync_state(
        service TEXT PRIMARY KEY,
        account TEXT NOT NULL,
        cursor TEXT,
        last_sync REAL
    );
    CREATE TABLE sync_quiet(x INTEGER);
    CREATE TRIGGER sync_read_changed AFTER UPDATE OF read ON articles
    WHEN old.read IS NOT new.read AND NOT EXISTS (SELECT 1 FROM sync_quiet)
        AND EXISTS (SELECT 1 FROM sync_articles WHERE article_id = new.id)
    BEGIN
        INSERT OR REPLACE INTO sync_changes(article_id, field, value, changed_at)
        VALUES (new.id, 'read', new.read, (julianday('now') - 2440587.5) * 86400.0);
    END;
    CREATE TRIGGER sync_starred_changed AFTER UPDATE OF starred ON articles
    WHEN old.starred IS NOT new.starred AND NOT EXISTS (SELECT 1 FROM sync_quiet)
        AND EXISTS (SELECT 1 FROM sync_articles WHERE article_id = new.id)
    BEGIN
        INSERT OR REPLACE INTO sync_changes(article_id, field, value, changed_at)
        VALUES (new.id, 'starred', new.starred, (julianday('now') - 2440587.5) * 86400.0);
    END;
    CREATE TRIGGER sync_adopt_guid BEFORE INSERT ON articles
    WHEN new.link IS NOT NULL AND new.guid NOT LIKE 'sync:%' AND EXISTS (
        SELECT 1 FROM articles WHERE link = new.link AND feed_id = new.feed_id
        AND guid LIKE 'sync:%')
    BEGIN
        UPDATE articles SET guid = new.guid WHERE id = (
            SELECT id FROM articles WHERE link = new.link AND feed_id = new.feed_id
            AND guid LIKE 'sync:%' LIMIT 1);
        SELECT RAISE(IGNORE);
    END;
    """,
    # 6: stories' postings and LSH buckets keyed by period first (4 days: stories/candidates.py),
    # so that a refresh's new rows land together at the end of the index, not on every page;
    # an index of the terms frequent in a feed's headlines.
    """
    CREATE TABLE story_postings(  -- the key's columns first (SQLite 3.40's integrity_check)
        period INTEGER NOT NULL,
        term INTEGER NOT NULL,
        article_id INTEGER NOT NULL,
        published REAL NOT NULL,
        PRIMARY KEY(period, term, article_id)
    ) WITHOUT ROWID;
    INSERT OR IGNORE INTO story_postings(period, term, published, article_id)
        SELECT max(0, CAST(published / 345600 AS INTEGER)), term, published, article_id
        FROM story_terms;
    DROP TABLE story_terms;
    CREATE TABLE story_buckets(
        period INTEGER NOT NULL,
        key INTEGER NOT NULL,
        article_id INTEGER NOT NULL,
        PRIMARY KEY(period, key, article_id)
    ) WITHOUT ROWID;
    INSERT OR IGNORE INTO story_buckets(period, key, article_id)
        SELECT max(0, CAST(a.published / 345600 AS INTEGER)), b.key, b.article_id
        FROM story_bands b JOIN story_articles a ON a.article_id = b.article_id;
    DROP TABLE story_bands;
    -- the terms frequent in a feed's headlines (feed furniture) without scanning the others
    CREATE INDEX story_feed_terms_frequent ON story_feed_terms(feed_id, n) WHERE n >= 3;
    """,
    # 7: each feed's counts of shown (not killfiled) articles, kept by triggers, so that the
    # feed pane's counts cost one row per feed instead of a scan of every article (1,000,000
    # articles: 0.85 s -> a few ms at startup and after each refresh).
    """
    CREATE TABLE feed_counts(
        feed_id INTEGER PRIMARY KEY,
        total INTEGER NOT NULL DEFAULT 0,
        unread INTEGER NOT NULL DEFAULT 0,
        starred INTEGER NOT NULL DEFAULT 0
    );
    INSERT INTO feed_counts(feed_id, total, unread, starred)
        SELECT feed_id, count(*), count(*) - sum(read), sum(starred)
        FROM articles WHERE hidden = 0 GROUP BY feed_id;
    CREATE TRIGGER feed_counts_ai AFTER INSERT ON articles WHEN new.hidden = 0 BEGIN
        INSERT INTO feed_counts(feed_id, total, unread, starred)
            VALUES (new.feed_id, 1, new.read = 0, new.starred <> 0)
        ON CONFLICT(feed_id) DO UPDATE SET total = total + 1,
            unread = unread + excluded.unread, starred = starred + excluded.starred;
    END;
    CREATE TRIGGER feed_counts_ad AFTER DELETE ON articles WHEN old.hidden = 0 BEGIN
        UPDATE feed_counts SET total = total - 1, unread = unread - (old.read = 0),
            starred = starred - (old.starred <> 0) WHERE feed_id = old.feed_id;
    END;
    CREATE TRIGGER feed_counts_au AFTER UPDATE OF read, starred, hidden, feed_id ON articles
    WHEN old.read IS NOT new.read OR old.starred IS NOT new.starred
        OR old.hidden IS NOT new.hidden OR old.feed_id IS NOT new.feed_id BEGIN
        UPDATE feed_counts SET total = total - 1, unread = unread - (old.read = 0),
            starred = starred - (old.starred <> 0)
        WHERE feed_id = old.feed_id AND old.hidden = 0;
        INSERT INTO feed_counts(feed_id, total, unread, starred)
            SELECT new.feed_id, 1, new.read = 0, new.starred <> 0 WHERE new.hidden = 0
        ON CONFLICT(feed_id) DO UPDATE SET total = total + 1,
            unread = unread + excluded.unread, starred = starred + excluded.starred;
    END;
    CREATE TRIGGER feed_counts_feed_ad AFTER DELETE ON feeds BEGIN
        DELETE FROM feed_counts WHERE feed_id = old.id;
    END;
    """,
    # 8: the full-text index is brought up to date by whatever reads it first (a search, a
    # query, the app after a refresh: store/search.py), not by every refresh: rows with ids up
    # to fts_state.upto are indexed, those above are not yet. Deleting or updating a row that
    # was never indexed must not tell FTS5 to unindex it (that would corrupt the index).
    """
    CREATE TABLE fts_state(id INTEGER PRIMARY KEY CHECK (id = 0), upto INTEGER NOT NULL);
    INSERT INTO fts_state(id, upto) SELECT 0, coalesce(max(id), 0) FROM articles;
    DROP TRIGGER articles_ad;
    CREATE TRIGGER articles_ad AFTER DELETE ON articles
    WHEN old.id <= (SELECT upto FROM fts_state) BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, author, text)
        VALUES ('delete', old.id, old.title, coalesce(old.author, ''), old.text);
    END;
    DROP TRIGGER articles_au;
    CREATE TRIGGER articles_au AFTER UPDATE OF title, author, text ON articles
    WHEN old.id <= (SELECT upto FROM fts_state) BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, author, text)
        VALUES ('delete', old.id, old.title, coalesce(old.author, ''), old.text);
        INSERT INTO articles_fts(rowid, title, author, text)
        VALUES (new.id, new.title, coalesce(new.author, ''), new.text);
    END;
    """,
    # 9: content_html holds the feed's HTML as it came, sanitized when it is read
    # (store/articles.py), and html_base the URL its relative links resolve against (NULL:
    # none, they are dropped). Rows stored before hold sanitized HTML with absolute links:
    # sanitizing them again on read leaves them as they are.
    """
    ALTER TABLE articles ADD COLUMN html_base TEXT;
    """,
    # 10: what a new article costs in a big store. Each entry of articles_cover carried the
    # link (most of its width) and articles_by_date was its prefix: a refresh writes each new
    # article into the indexes ordered by date at scattered places, so their width is pages
    # written. sync_adopt_guid looks up (link, feed_id) for every insert: with articles_by_link
    # on the link alone each article already stored under the same link elsewhere cost a read
    # of its row. 10,000 new articles into 1,000,000, storing alone: 0.42 -> 0.24 s (an empty
    # store: 0.19 s). A query on the URL reads articles_by_link (newsreader/query/sql.py).
    """
    DROP INDEX articles_cover;
    DROP INDEX articles_by_date;
    CREATE INDEX articles_cover ON articles(
        published DESC, id DESC, feed_id, read, starred, hidden
    );
    DROP INDEX articles_by_link;
    CREATE INDEX articles_by_link ON articles(link, feed_id);
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)


def split_sql(script: str) -> list[str]:
    """Split a migration into statements (triggers contain ';' inside BEGIN ... END)."""
    out, buf = [], ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out
