"""Where subscriptions come from: feeds.toml (local) and, with [sync], the server.

Each feed is fetched by one source only. A feed the server has is the server's: its articles
come through sync, and newsreader does not fetch it itself (`server_owned`). The other feeds of
feeds.toml stay local. A feed in both (same URL) is one feed, with feeds.toml's title and both
sources' tags. With [sync], `Session.add` subscribes on the server (queued here, pushed by the
next sync, so it works offline) and `Session.remove` unsubscribes there too.
"""

from __future__ import annotations

from newsreader.config import SyncSettings
from newsreader.models import Subscription
from newsreader.store import Store
from newsreader.sync import state
from newsreader.sync.base import ProgressCallback, Service, SyncError, SyncResult

SERVICES = ("ttrss",)


def make_service(settings: SyncSettings) -> Service:
    if settings.service == "ttrss":
        from newsreader.sync.secret import read_password
        from newsreader.sync.ttrss import TtrssService

        return TtrssService(
            settings.url, settings.user, lambda: read_password(settings), timeout=settings.timeout
        )
    raise SyncError(
        f"[sync] service {settings.service!r} is not supported; use one of: {', '.join(SERVICES)}"
    )


async def sync(
    store: Store,
    settings: SyncSettings | None,
    *,
    on_progress: ProgressCallback | None = None,
    service: Service | None = None,
) -> SyncResult:
    from newsreader.sync import engine

    if service is None:
        if settings is None:
            raise SyncError(
                'sync is not configured: add [sync] to config.toml (service = "ttrss", url, '
                "user, password_command)"
            )
        service = make_service(settings)
    return await engine.run(store, service, on_progress)


def merge(local: list[Subscription], store: Store, service: str) -> list[Subscription]:
    """feeds.toml's subscriptions, then the server's (a feed in both once, tags joined)."""
    from newsreader.sync.engine import url_key

    out = list(local)
    index = {url_key(s.url): i for i, s in enumerate(out)}
    for sub in state.server_subscriptions(store.conn, service):
        i = index.get(url_key(sub.url))
        if i is None:
            index[url_key(sub.url)] = len(out)
            out.append(sub)
            continue
        mine = out[i]
        extra = [t for t in sub.tags if t not in mine.tags]
        if extra:
            out[i] = Subscription(mine.url, mine.title or sub.title, [*mine.tags, *extra])
    return out


def server_owned(store: Store, service: str) -> set[str]:
    return state.server_urls(store.conn, service)


def queue_add(store: Store, service: str, sub: Subscription) -> None:
    with store.transaction() as conn:
        state.queue_feed_change(conn, service, sub.url, "add", title=sub.title, tags=sub.tags)


def queue_remove(store: Store, service: str, url: str) -> bool:
    """Queue an unsubscribe; False when the server does not have the feed (a local one)."""
    with store.transaction() as conn:
        pending = [c for c in state.feed_changes(conn, service) if c.url == url]
        if pending and pending[0].action == "add":
            state.drop_feed_change(conn, service, url)  # never reached the server
            return True
        remote = state.remote_feed_id(conn, service, url)
        if remote is None:
            return False
        state.queue_feed_change(conn, service, url, "remove", remote_id=remote)
        return True
