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
