"""Paths, feeds.toml (subscriptions) and config.toml (settings).

feeds.toml is the user's file: every write keeps their comments and order (tomlkit) and is
atomic (write to a temporary file in the same directory, fsync, rename). A file that does not
parse is refused with its line and column and never touched.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import tomlkit
import tomlkit.exceptions
from tomlkit.items import AoT, Table

from newsreader import tomlpos
from newsreader.errors import UserError
from newsreader.models import QueryFeed, Subscription
from newsreader.text.urls import is_web

APP_NAME = "newsreader"


class ConfigError(UserError):
    """A problem with a config file, worded for the user (one line)."""


# --------------------------------------------------------------------------- paths


def config_dir() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME, appauthor=False))


def data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def feeds_path() -> Path:
    return config_dir() / "feeds.toml"


def settings_path() -> Path:
    return config_dir() / "config.toml"


def db_path() -> Path:
    return data_dir() / "newsreader.db"


def bundled_dir() -> Path:
    """Where the default feeds.toml and the seeds/ demo live (package data, or the repo)."""
    here = Path(__file__).resolve().parent
    packaged = here / "data"
    if (packaged / "feeds.toml").is_file():
        return packaged
    return here.parent  # running from a source checkout


def bundled_feeds_toml() -> Path:
    return bundled_dir() / "feeds.toml"


def seeds_dir() -> Path:
    return bundled_dir() / "seeds"


def ensure_feeds_file(path: Path | None = None) -> Path:
    """Create the user's feeds.toml from the bundled default on first run."""
    path = path or feeds_path()
    if not path.exists():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(path, bundled_feeds_toml().read_text(encoding="utf-8"))
        except OSError as exc:
            raise ConfigError(
                f"cannot create {path}: {exc.strerror or exc}; "
                "check that the directory is writable or set XDG_CONFIG_HOME"
            ) from exc
    return path


# --------------------------------------------------------------------------- atomic writes


def atomic_write(path: Path, text: str) -> None:
    """Write `text` to `path` so that a crash leaves either the old or the new file."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    try:  # make the rename itself durable
        dfd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    except OSError:
        pass


# --------------------------------------------------------------------------- feeds.toml


def is_local(url: str) -> bool:
    scheme = urlparse(url).scheme.lower()
    return scheme in ("", "file") or (len(scheme) == 1 and url[1:3] in (":\\", ":/"))


def validate_url(url: str) -> str:
    """Return the URL trimmed, or raise ConfigError saying what is accepted."""
    url = url.strip()
    if not url:
        raise ConfigError("empty feed URL")
    if any(ord(c) < 32 or ord(c) == 127 for c in url):
        raise ConfigError("feed URL contains control characters")
    parsed = urlparse(url)
    scheme = parsed.scheme.lower()
    if is_web(url):
        if not parsed.netloc:
            raise ConfigError(f"feed URL has no host: {url}")
        return url
    if is_local(url):
        return url
    raise ConfigError(
        f"unsupported URL scheme {scheme!r} in {url!r}: use http(s), a file:// URL or a local path"
    )


def resolve_location(url: str, feeds_file: Path | None = None) -> str:
    """Where to fetch a subscription from: http(s) as is; local paths made absolute.

    A relative path is tried against the folder of feeds.toml, then against the bundled data
    (so the default `seeds/...` demo feeds work wherever the package is installed).
    """
    if not is_local(url):
        return url
    raw = url[7:] if url.lower().startswith("file://") else url
    p = Path(os.path.expanduser(raw))
    if p.is_absolute():
        return str(p)
    candidates = []
    if feeds_file is not None:
        candidates.append(Path(feeds_file).parent / p)
    candidates.append(bundled_dir() / p)
    for c in candidates:
        if c.exists():
            return str(c.resolve())
    return str(candidates[0])


def _parse_doc(text: str, path: Path) -> tomlkit.TOMLDocument:
    try:
        return tomlkit.parse(text)
    except tomlkit.exceptions.ParseError as exc:
        msg = str(exc)
        # tomlkit's message already says "at line L col C"; make it name the file first.
        raise ConfigError(
            f"{path}:{exc.line}:{exc.col}: {msg}; fix the file (it was left untouched)"
        ) from exc
    except (tomlkit.exceptions.TOMLKitError, ValueError) as exc:
        # e.g. a duplicate key: tomlkit gives no position, the stdlib parser does.
        import tomllib

        try:
            tomllib.loads(text)
        except tomllib.TOMLDecodeError as std:
            m = re.search(r"line (\d+), column (\d+)", str(std))
            where = f"{m.group(1)}:{m.group(2)}" if m else "1:1"
            raise ConfigError(
                f"{path}:{where}: {std}; fix the file (it was left untouched)"
            ) from exc
        raise ConfigError(f"{path}:1:1: {exc}; fix the file (it was left untouched)") from exc


def _line_of(text: str, needle: str) -> int | None:
    for i, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return i
    return None


def subscriptions_from_doc(doc: Any, text: str, path: Path) -> list[Subscription]:
    feeds = doc.get("feed", [])
    if not isinstance(feeds, list):
        line = _line_of(text, "feed")
        where = f"{path}:{line}" if line else str(path)
        raise ConfigError(f"{where}: `feed` must be an array of tables: write [[feed]] entries")
    subs: list[Subscription] = []
    seen: set[str] = set()
    for i, entry in enumerate(feeds, 1):
        if not isinstance(entry, dict):
            raise ConfigError(f"{path}: feed #{i} is not a table; write it as [[feed]]")
        url = entry.get("url")
        if not isinstance(url, str):
            raise ConfigError(f"{path}: feed #{i} has no `url` string")
        try:
            url = validate_url(url)
        except ConfigError as exc:
            line = _line_of(text, url)
            where = f"{path}:{line}" if line else f"{path}: feed #{i}"
            raise ConfigError(f"{where}: {exc}") from exc
        title = entry.get("title")
        if title is not None and not isinstance(title, str):
            raise ConfigError(f"{path}: feed #{i} ({url}): `title` must be a string")
        tags = entry.get("tags", [])
        if isinstance(tags, str):
            tags = [tags]
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise ConfigError(f"{path}: feed #{i} ({url}): `tags` must be a list of strings")
        extra = _feed_settings(entry, lambda key, i=i: _where(path, text, "feed", i - 1, key))
        if url in seen:
            continue
        seen.add(url)
        subs.append(
            Subscription(url=url, title=str(title) if title else None, tags=list(tags), **extra)
        )
    return subs


def _where(path: Path, text: str, table: str, index: int, key: str) -> str:
    """`path:line:col` of `key`'s value in the `index`-th [[table]] (coarser when unsure)."""
    span = tomlpos.table_lines(text, table, index)
    line = tomlpos.key_line(text, key, span) if span else None
    if line is None:
        return f"{path}:{span[0] + 1}: [[{table}]] #{index + 1}" if span else f"{path}: {table}"
    raw = text.splitlines()[line]
    col = raw.index("=") + 1
    while col < len(raw) and raw[col] in " \t":
        col += 1
    return f"{path}:{line + 1}:{col + 1}"


def _feed_settings(entry: Any, where: Any) -> dict[str, Any]:
    """The per-feed settings of a [[feed]] table: refresh_interval, keep_per_feed, full_text."""
    out: dict[str, Any] = {}
    interval = entry.get("refresh_interval")
    if interval is not None:
        if isinstance(interval, bool) or not isinstance(interval, int | float) or interval < 0:
            raise ConfigError(
                f"{where('refresh_interval')}: `refresh_interval` is the minutes between "
                "automatic refreshes of this feed (a number; 0: only when asked)"
            )
        out["refresh_interval"] = float(interval)
    keep = entry.get("keep_per_feed")
    if keep is not None:
        if isinstance(keep, bool) or not isinstance(keep, int) or keep < 1:
            raise ConfigError(
                f"{where('keep_per_feed')}: `keep_per_feed` is how many articles of this feed "
                "to keep (a whole number, at least 1)"
            )
        out["keep_per_feed"] = int(keep)
    full = entry.get("full_text")
    if full is not None:
        if not isinstance(full, bool):
            raise ConfigError(f"{where('full_text')}: `full_text` must be true or false")
        out["full_text"] = full
    return out


def query_feeds_from_doc(doc: Any, text: str, path: Path) -> list[QueryFeed]:
    """The [[query]] tables: a title and a query expression (checked), optional tags."""
    from newsreader.query.lang import QueryError, parse

    tables = doc.get("query", [])
    if not isinstance(tables, list):
        line = tomlpos.key_line(text, "query")
        where = f"{path}:{line + 1}" if line is not None else str(path)
        raise ConfigError(f"{where}: `query` must be an array of tables: write [[query]] entries")
    out: list[QueryFeed] = []
    for i, entry in enumerate(tables):
        here = f"{path}: query #{i + 1}"
        if not isinstance(entry, dict):
            raise ConfigError(f"{here} is not a table; write it as [[query]]")
        title, expr = entry.get("title"), entry.get("query")
        if not isinstance(title, str) or not title.strip():
            raise ConfigError(f"{_where(path, text, 'query', i, 'title')}: [[query]] needs a title")
        if not isinstance(expr, str) or not expr.strip():
            raise ConfigError(
                f"{_where(path, text, 'query', i, 'query')}: [[query]] {title!r} needs a `query` "
                'string, e.g. query = "unread and tag = world"'
            )
        tags = entry.get("tags", [])
        if isinstance(tags, str):
            tags = [tags]
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise ConfigError(f"{_where(path, text, 'query', i, 'tags')}: `tags` must be strings")
        try:
            parse(expr)
        except QueryError as exc:
            where = _query_position(path, text, i, exc.position)
            raise ConfigError(f"{where}: query {title!r}: {exc.message}") from exc
        out.append(QueryFeed(title=str(title), query=str(expr), tags=[str(t) for t in tags]))
    return out


def _query_position(path: Path, text: str, index: int, position: int) -> str:
    span = tomlpos.table_lines(text, "query", index)
    line = tomlpos.key_line(text, "query", span) if span else None
    if line is None:
        return f"{path}: query #{index + 1}"
    raw = text.splitlines()[line]
    col = tomlpos.string_column(raw, raw.index("=") + 1, position)
    return f"{path}:{line + 1}:{(col if col is not None else 0) + 1}"


def _read_feeds_text(path: Path, *, missing_ok: bool) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        if missing_ok:
            return None
        raise ConfigError(f"{path} does not exist; run `newsreader add URL` to create it") from exc
    except UnicodeDecodeError as exc:
        raise _not_utf8(path, exc) from exc
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror or exc}") from exc


def _read_doc(text: str, path: Path) -> dict[str, Any]:
    """A TOML file parsed for reading only: the stdlib parser (plain dicts, ~40x faster than
    tomlkit on a 5,000-feed file); a file it refuses goes through `_parse_doc` for the same
    message as when editing."""
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return _parse_doc(text, path).unwrap()  # raises ConfigError with the position


def load_feeds_file(path: Path | None = None) -> tuple[list[Subscription], list[QueryFeed]]:
    """The subscriptions and query feeds of feeds.toml, from one read and one parse."""
    path = Path(path or feeds_path())
    text = _read_feeds_text(path, missing_ok=False)
    assert text is not None
    doc = _read_doc(text, path)
    return subscriptions_from_doc(doc, text, path), query_feeds_from_doc(doc, text, path)


def load_query_feeds(path: Path | None = None) -> list[QueryFeed]:
    """The query feeds of feeds.toml (none when the file does not exist)."""
    path = Path(path or feeds_path())
    text = _read_feeds_text(path, missing_ok=True)
    return [] if text is None else query_feeds_from_doc(_read_doc(text, path), text, path)


def load_subscriptions(path: Path | None = None) -> list[Subscription]:
    path = Path(path or feeds_path())
    text = _read_feeds_text(path, missing_ok=False)
    assert text is not None
    return subscriptions_from_doc(_read_doc(text, path), text, path)


def _not_utf8(path: Path, exc: UnicodeDecodeError) -> ConfigError:
    data = bytes(exc.object)[: exc.start]
    line = data.count(b"\n") + 1
    col = exc.start - (data.rfind(b"\n") + 1) + 1
    return ConfigError(
        f"{path}:{line}:{col}: not UTF-8 text ({exc.reason}); fix the file (left untouched)"
    )


def _load_doc(path: Path) -> tuple[tomlkit.TOMLDocument, str]:
    try:
        text = path.read_text(encoding="utf-8") if path.exists() else ""
    except UnicodeDecodeError as exc:
        raise _not_utf8(path, exc) from exc
    doc = _parse_doc(text, path)
    subscriptions_from_doc(doc, text, path)  # refuse to edit a file we would misread
    return doc, text


def _write_doc(path: Path, doc: tomlkit.TOMLDocument) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, tomlkit.dumps(doc))
    except OSError as exc:
        raise ConfigError(f"cannot write {path}: {exc.strerror or exc}") from exc


def _feed_table(sub: Subscription) -> Table:
    t = tomlkit.table()
    t.add("url", sub.url)
    if sub.title:
        t.add("title", sub.title)
    if sub.tags:
        arr = tomlkit.array()
        arr.extend(sub.tags)
        t.add("tags", arr)
    return t


def add_subscriptions(subs: list[Subscription], path: Path | None = None) -> list[Subscription]:
    """Append the subscriptions not already present; return those added."""
    path = Path(path or feeds_path())
    doc, _ = _load_doc(path)
    existing = {str(e.get("url", "")).strip() for e in doc.get("feed", [])}
    added: list[Subscription] = []
    for sub in subs:
        url = validate_url(sub.url)
        if url in existing:
            continue
        existing.add(url)
        added.append(Subscription(url=url, title=sub.title, tags=list(sub.tags)))
    if not added:
        return []
    feeds = doc.get("feed")
    if feeds is None:
        feeds = AoT([])
        doc.append("feed", feeds)
    for sub in added:
        feeds.append(_feed_table(sub))
    _write_doc(path, doc)
    return added


def remove_subscription(key: str, path: Path | None = None) -> Subscription:
    """Remove the feed whose url or title equals `key` (title case-insensitively)."""
    path = Path(path or feeds_path())
    doc, text = _load_doc(path)
    feeds = doc.get("feed", [])
    matches = [
        i
        for i, e in enumerate(feeds)
        if str(e.get("url", "")).strip() == key.strip()
        or str(e.get("title", "")).strip().casefold() == key.strip().casefold()
    ]
    if not matches:
        raise ConfigError(f"no subscription with URL or title {key!r}; see `newsreader list`")
    if len(matches) > 1:
        raise ConfigError(f"{key!r} matches {len(matches)} feeds; give the URL instead")
    entry = feeds[matches[0]]
    removed = Subscription(
        url=str(entry.get("url")),
        title=str(entry["title"]) if "title" in entry else None,
        tags=[str(t) for t in entry.get("tags", [])],
    )
    expected = [s for i, s in enumerate(subscriptions_from_doc(doc, text, path)) if i != matches[0]]
    edited = _remove_table_text(text, matches[0])
    if edited is not None:
        try:
            ok = subscriptions_from_doc(tomlkit.parse(edited), edited, path) == expected
        except (tomlkit.exceptions.ParseError, ConfigError):
            ok = False
        if ok:
            try:
                atomic_write(path, edited)
            except OSError as exc:
                raise ConfigError(f"cannot write {path}: {exc.strerror or exc}") from exc
            return removed
    del feeds[matches[0]]  # fall back to tomlkit (may drop a comment next to the table)
    _write_doc(path, doc)
    return removed


def _remove_table_text(text: str, index: int) -> str | None:
    """Delete the `index`-th [[feed]] table's own lines, keeping the comments after it.

    tomlkit attaches a comment that precedes a table to the table before it, so removing
    through tomlkit would delete the next feed's comment. Returns None when unsure.
    """
    lines = text.splitlines(keepends=True)
    headers = [i for i, ln in enumerate(lines) if ln.strip().startswith("[[feed]]")]
    if index >= len(headers):
        return None
    start = headers[index]
    end = len(lines)
    for i in range(start + 1, len(lines)):
        if lines[i].lstrip().startswith("["):
            end = i
            break
    last = start
    for i in range(start, end):
        stripped = lines[i].strip()
        if stripped and not stripped.startswith("#"):
            last = i
    del lines[start : last + 1]
    return "".join(lines)


# --------------------------------------------------------------------------- settings


@dataclass(slots=True)
class SyncSettings:
    """config.toml's [sync] table. The password is never in the file: it comes from
    `password_command` (argv, run without a shell) or the `password_env` variable."""

    service: str
    url: str
    user: str
    password_command: list[str] | None = None
    password_env: str | None = None
    timeout: float = 30.0


@dataclass(slots=True)
class Settings:
    """config.toml: everything optional; unknown keys are ignored."""

    refresh_on_start: bool = True
    refresh_interval_minutes: float = 30.0  # 0 disables auto-refresh
    max_bytes: int = 10 * 1024 * 1024
    max_connections: int = 48
    per_host: int = 4
    timeout: float = 20.0
    deadline: float = 45.0
    keep_days: int | None = None
    keep_per_feed: int | None = None
    theme: str | None = None
    compact: bool = False
    browser: str | None = None
    preferred_sources: list[str] = field(default_factory=list)  # stories: likely originals first
    stories: bool = True  # group new articles into stories at each refresh (feed pane entry)
    stories_mark_read: bool = False  # reading a story marks all its articles read
    keys: dict[str, str] = field(default_factory=dict)
    ignore: list[str] = field(default_factory=list)  # killfile: articles matching are hidden
    pipe_command: list[str] = field(default_factory=list)  # argv; the article goes to stdin
    pipe_timeout: float = 60.0  # seconds a non-interactive pipe may run
    sync: SyncSettings | None = None


def load_settings(path: Path | None = None) -> Settings:
    path = Path(path or settings_path())
    if not path.exists():
        return Settings()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from exc
    doc = _read_doc(text, path)
    s = Settings()
    general = dict(doc.get("general", {}), **{k: v for k, v in doc.items() if k != "keys"})
    for name in (f.name for f in fields(Settings)):
        if name in ("keys", "sync") or name not in general:
            continue
        value = general[name]
        default = getattr(s, name)
        if name == "pipe_command" and isinstance(value, str):
            raise ConfigError(
                f'{path}: `pipe_command` is a list, e.g. ["less", "-R"], not a shell string '
                "(it runs without a shell)"
            )
        if default is not None and not isinstance(value, type(default)):
            if isinstance(default, float) and isinstance(value, int):
                value = float(value)
            else:
                raise ConfigError(f"{path}: `{name}` must be a {type(default).__name__}")
        if name == "preferred_sources" and not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{path}: `{name}` must be a list of strings")
        setattr(s, name, value)
    keys = doc.get("keys", {})
    if not isinstance(keys, dict) or not all(isinstance(v, str) for v in keys.values()):
        raise ConfigError(f'{path}: [keys] maps binding ids to keys, e.g. next = "j,down"')
    s.keys = {str(k): str(v) for k, v in keys.items()}
    _check_lists(s, path, text)
    if "sync" in doc:
        s.sync = _sync_settings(doc["sync"], path)
    return s


def _check_lists(s: Settings, path: Path, text: str) -> None:
    """ignore (killfile rules, each a query) and pipe_command (an argv list)."""
    from newsreader.query.lang import QueryError, parse

    if not all(isinstance(r, str) for r in s.ignore):
        raise ConfigError(f'{path}: `ignore` is a list of queries, e.g. ignore = ["title ~ ad"]')
    for rule in s.ignore:
        try:
            parse(rule)
        except QueryError as exc:
            key = tomlpos.key_line(text, "ignore") or 0
            at = tomlpos.find_string(text, rule, key)
            if at is None:
                where = f"{path}:{key + 1}"
            else:
                line, quote = at
                col = tomlpos.string_column(text.splitlines()[line], quote, exc.position)
                where = f"{path}:{line + 1}:{(col if col is not None else quote) + 1}"
            raise ConfigError(f"{where}: ignore rule {rule[:60]!r}: {exc.message}") from exc
    cmd = s.pipe_command
    if not all(isinstance(a, str) for a in cmd) or (cmd and not cmd[0].strip()):
        raise ConfigError(
            f'{path}: `pipe_command` is a program and its arguments, e.g. ["less", "-R"]'
        )


def _sync_settings(table: Any, path: Path) -> SyncSettings:
    import shlex

    where = f"{path}: [sync]"
    if not isinstance(table, dict):
        raise ConfigError(f'{where} must be a table: service = "ttrss", url = ..., user = ...')
    if "password" in table:
        raise ConfigError(
            f"{where}: no `password` in the file; use password_command (e.g. "
            '["pass", "show", "ttrss"]) or password_env (the name of a variable)'
        )
    for key in ("service", "url", "user"):
        if not isinstance(table.get(key), str) or not table[key].strip():
            raise ConfigError(f"{where} needs `{key}` (a string)")
    cmd = table.get("password_command")
    if isinstance(cmd, str):
        try:
            cmd = shlex.split(cmd)
        except ValueError as exc:
            raise ConfigError(f"{where}: password_command: {exc}") from exc
    if cmd is not None and (
        not isinstance(cmd, list) or not cmd or not all(isinstance(a, str) for a in cmd)
    ):
        raise ConfigError(f"{where}: password_command is a command line or a list of strings")
    env = table.get("password_env")
    if env is not None and (not isinstance(env, str) or not env.strip()):
        raise ConfigError(f"{where}: password_env is the name of an environment variable")
    if (cmd is None) == (env is None):
        raise ConfigError(f"{where} needs exactly one of password_command and password_env")
    timeout = table.get("timeout", 30.0)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
        raise ConfigError(f"{where}: timeout is a number of seconds")
    try:
        url = validate_url(table["url"])
    except ConfigError as exc:
        raise ConfigError(f"{where}: url: {exc}") from exc
    if not is_web(url):
        raise ConfigError(f"{where}: url must be http(s), e.g. https://example.com/tt-rss/")
    return SyncSettings(
        service=table["service"].strip().lower(),
        url=url,
        user=table["user"],
        password_command=cmd,
        password_env=env,
        timeout=float(timeout),
    )
