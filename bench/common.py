"""Shared benchmark helpers: a local feed server, config writers, per-run measurement, tmux.

- `FeedServer`: an asyncio HTTP/1.1 server (own thread) on loopback addresses. Every feed URL
  gets its own host, 127.0.x.y, the way a user's feeds live on many sites (newsreader limits
  connections per host; newsboat does not). Each response waits `latency` seconds first;
  ETag and Last-Modified are sent and conditional requests answered with 304.
- `measure(cmd)`: runs `cmd` under a small wrapper (this file with `--_measure`) that makes
  itself a child subreaper, samples the PSS/RSS of the whole process tree every 25 ms, reaps
  every descendant (so process-pool workers and the forkserver are counted) and reports wall,
  user+sys CPU of the tree (getrusage RUSAGE_CHILDREN) and peak memory.
- writers for newsreader's feeds.toml/config.toml and newsboat's urls/config files.
- `Tmux`: start a program in a detached tmux pane and time until something is painted.

The corpus is `../shared/corpora/real-feeds` relative to the repository
(override with NEWSREADER_CORPORA=/path/to/corpora or NEWSREADER_SHARED=/path/to/shared).
"""

from __future__ import annotations

import asyncio
import ctypes
import hashlib
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = Path(sys.executable)
NEWSREADER = (
    os.environ.get("NEWSREADER_BIN")
    or shutil.which("newsreader")
    or str(PYTHON.parent / "newsreader")
)
NEWSBOAT = os.environ.get("NEWSBOAT_BIN") or shutil.which("newsboat") or "newsboat"
SKIP_NAMES = {"SOURCE.md", "MANIFEST.tsv", "expectations.json"}


# --------------------------------------------------------------------------- corpus


def corpora_dir() -> Path:
    if os.environ.get("NEWSREADER_CORPORA"):
        return Path(os.environ["NEWSREADER_CORPORA"])
    shared = Path(os.environ.get("NEWSREADER_SHARED", ROOT.parent / "shared"))
    return shared / "corpora"


def real_feed_files() -> list[Path]:
    root = corpora_dir() / "real-feeds"
    if not root.is_dir():
        sys.exit(f"{root} is absent: set NEWSREADER_CORPORA to the shared corpora folder")
    return sorted(
        p
        for p in root.rglob("*")
        if p.is_file()
        and p.name not in SKIP_NAMES
        and "licenses" not in p.parts
        and "expected" not in p.parts
    )


def content_type_for(path: Path | str) -> str:
    return "application/feed+json" if str(path).endswith(".json") else "application/xml"


# --------------------------------------------------------------------------- server


@dataclass
class Resource:
    body: bytes
    content_type: str
    etag: str = ""
    last_modified: str = ""

    def __post_init__(self) -> None:
        self.etag = self.etag or '"' + hashlib.blake2b(self.body, digest_size=8).hexdigest() + '"'


@dataclass
class ServerStats:
    requests: int = 0
    conditional: int = 0  # requests that carried If-None-Match or If-Modified-Since
    not_modified: int = 0
    bytes_sent: int = 0
    not_found: int = 0

    def snapshot(self) -> ServerStats:
        return ServerStats(**self.__dict__)

    def since(self, before: ServerStats) -> ServerStats:
        return ServerStats(**{k: v - getattr(before, k) for k, v in self.__dict__.items()})


def host_for(i: int) -> str:
    """The loopback address of feed i: 127.0.0.1, 127.0.0.2, ... 127.0.0.254, 127.0.1.1, ..."""
    return f"127.0.{i // 254}.{1 + i % 254}"


class FeedServer:
    """Serve `routes` (path -> Resource) on `hosts` loopback addresses, one port."""

    def __init__(self, latency: float = 0.1, hosts: int = 1) -> None:
        self.latency = latency
        self.hosts = max(1, hosts)
        self.routes: dict[str, Resource] = {}
        self.stats = ServerStats()
        self.port = 0
        self.modified = formatdate(time.time() - 86400, usegmt=True)
        self._modified_ts = parsedate_to_datetime(self.modified).timestamp()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._servers: list[asyncio.base_events.Server] = []
        self._ready = threading.Event()
        self._error: BaseException | None = None

    def add(self, path: str, body: bytes, content_type: str) -> None:
        self.routes[path] = Resource(body, content_type, last_modified=self.modified)

    def url(self, i: int, path: str) -> str:
        return f"http://{host_for(i % self.hosts)}:{self.port}{path}"

    # ---------------------------------------------------------------- lifecycle
    def start(self) -> FeedServer:
        self._thread = threading.Thread(target=self._run, name="feed-server", daemon=True)
        self._thread.start()
        self._ready.wait(30)
        if self._error:
            raise self._error
        return self

    def stop(self) -> None:
        loop = self._loop
        if loop is not None:
            loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join(5)

    def __enter__(self) -> FeedServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _run(self) -> None:
        loop = self._loop = asyncio.new_event_loop()
        try:
            loop.run_until_complete(self._listen())
        except BaseException as exc:  # pragma: no cover - reported to start()
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        loop.run_forever()
        for s in self._servers:
            s.close()
        loop.close()

    async def _listen(self) -> None:
        for _attempt in range(20):
            first = await asyncio.start_server(self._handle, "127.0.0.1", 0, backlog=4096)
            self.port = first.sockets[0].getsockname()[1]
            servers = [first]
            try:
                for i in range(1, self.hosts):
                    servers.append(
                        await asyncio.start_server(
                            self._handle, host_for(i), self.port, backlog=4096
                        )
                    )
            except OSError:  # the port is taken on another address: try another port
                for s in servers:
                    s.close()
                continue
            self._servers = servers
            return
        raise OSError("could not bind the loopback addresses")

    # ---------------------------------------------------------------- HTTP
    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError):
                    break
                lines = head.decode("latin-1").split("\r\n")
                parts = lines[0].split(" ")
                if len(parts) < 3:
                    break
                method, target, version = parts[0], parts[1], parts[2]
                headers = {}
                for ln in lines[1:]:
                    if ":" in ln:
                        k, v = ln.split(":", 1)
                        headers[k.strip().lower()] = v.strip()
                if self.latency:
                    await asyncio.sleep(self.latency)
                keep = version == "HTTP/1.1" and headers.get("connection", "").lower() != "close"
                writer.write(self._respond(method, target, headers, keep))
                await writer.drain()
                if not keep:
                    break
        except (ConnectionError, OSError):
            pass
        finally:
            try:
                writer.close()
            except Exception:
                pass

    def _respond(self, method: str, target: str, headers: dict[str, str], keep: bool) -> bytes:
        st = self.stats
        st.requests += 1
        path = target.split("?", 1)[0]
        res = self.routes.get(path)
        conn = "keep-alive" if keep else "close"
        if res is None:
            st.not_found += 1
            body = b"not found"
            return (
                f"HTTP/1.1 404 Not Found\r\nContent-Length: {len(body)}\r\n"
                f"Content-Type: text/plain\r\nConnection: {conn}\r\n\r\n"
            ).encode() + body
        inm = headers.get("if-none-match")
        ims = headers.get("if-modified-since")
        if inm or ims:
            st.conditional += 1
        fresh = False
        if inm is not None:
            fresh = res.etag in [t.strip() for t in inm.split(",")] or inm.strip() == "*"
        elif ims:
            try:
                fresh = parsedate_to_datetime(ims).timestamp() >= self._modified_ts
            except (TypeError, ValueError):
                fresh = False
        common = (
            f"ETag: {res.etag}\r\nLast-Modified: {res.last_modified}\r\n"
            f"Date: {formatdate(usegmt=True)}\r\nConnection: {conn}\r\n"
        )
        if fresh:
            st.not_modified += 1
            return f"HTTP/1.1 304 Not Modified\r\n{common}\r\n".encode()
        body = res.body if method != "HEAD" else b""
        st.bytes_sent += len(body)
        return (
            f"HTTP/1.1 200 OK\r\nContent-Type: {res.content_type}\r\n"
            f"Content-Length: {len(res.body)}\r\n{common}\r\n"
        ).encode() + body


_GUID_END = re.compile(rb"(<guid\b[^>]*>.*?)(</guid>)", re.S)
_ATOM_ID_END = re.compile(rb"(<id>.*?)(</id>)", re.S)
_LINK_END = re.compile(rb"(<link>.*?)(</link>)", re.S)
_RDF_ABOUT = re.compile(rb'(rdf:about="[^"]*)"')
_JSON_ID = re.compile(rb'("id"\s*:\s*"[^"]*)"')


def replica(body: bytes, r: int) -> bytes:
    """Copy `r` of a feed, with every item id made unique to the copy.

    Distinct feeds have distinct item ids; newsboat keys its cache on the guid alone, so exact
    copies would collapse into one set of items there (and be cheaper to store). Copy 0 is the
    original; later copies get `#r<r>` appended to each <guid>, Atom <id>, RSS/RDF <link> and
    JSON Feed "id" and RDF rdf:about (ASCII, so valid in every ASCII-compatible encoding).
    """
    if r == 0:
        return body
    if body[:2] == b"\x1f\x8b":  # two files of the corpus are gzip bytes saved as .xml
        import gzip

        return gzip.compress(replica(gzip.decompress(body), r), mtime=0)
    tag = b"#r%d" % r
    sub = rb"\1" + tag + rb"\2"
    if body.lstrip()[:1] in (b"{", b"["):
        return _JSON_ID.sub(rb"\1" + tag + b'"', body)
    body = _GUID_END.sub(sub, body)
    body = _ATOM_ID_END.sub(sub, body)
    body = _RDF_ABOUT.sub(rb"\1" + tag + b'"', body)
    return _LINK_END.sub(sub, body)


def serve_real_feeds(
    n: int, latency: float = 0.1, hosts: int | None = None, unique: bool = True
) -> tuple[FeedServer, list[str]]:
    """The 80 real feeds replicated to `n` URLs `/f/<i>/<name>`, one host per URL by default.

    With `unique`, each copy after the first has its own item ids (see `replica`).
    """
    files = real_feed_files()
    root = corpora_dir() / "real-feeds"
    server = FeedServer(latency=latency, hosts=hosts or n)
    paths = []
    for i in range(n):
        p = files[i % len(files)]
        name = "/".join(p.relative_to(root).parts)
        path = f"/f/{i}/{name}"
        body = p.read_bytes()
        server.add(path, replica(body, i // len(files)) if unique else body, content_type_for(p))
        paths.append(path)
    server.start()
    return server, [server.url(i, path) for i, path in enumerate(paths)]


# --------------------------------------------------------------------------- synthetic feeds


@dataclass(frozen=True)
class PoolArticle:
    title: str
    text: str
    link: str


def article_pool(max_text: int = 1200) -> list[PoolArticle]:
    """The real articles of the corpus (titles and plain text), parsed by newsreader itself."""
    from newsreader.sources.parse import ParseError, parse_feed

    pool = []
    for p in real_feed_files():
        try:
            feed = parse_feed(p.read_bytes(), "https://example.org/" + p.name, content_type_for(p))
        except ParseError:
            continue
        for a in feed.articles:
            text = " ".join(a.text.split())
            if len(a.title) < 8 or len(text) < 80:
                continue
            pool.append(PoolArticle(a.title[:100], text[:max_text], a.link or ""))
    return pool


def _xml_escape(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _chunks(text: str, size: int) -> list[str]:
    out, start = [], 0
    while start < len(text):
        end = text.find(" ", start + size)
        end = len(text) if end == -1 else end
        out.append(text[start:end].strip())
        start = end + 1
    return [c for c in out if c]


def feed_title(i: int) -> str:
    return f"Bench feed {i:04d}"


def synthetic_feeds(n_feeds: int, items: int, *, now: float | None = None) -> list[bytes]:
    """`n_feeds` RSS 2.0 documents of `items` items each, built from the corpus' real articles.

    Feed i, item j is published `(j * n_feeds + i) * 10` minutes before `now` (the feeds
    interleave in time); feed 0 item 0 is the newest. Deterministic for a given `now`.
    """
    from email.utils import formatdate as fmt

    pool = article_pool()
    now = now if now is not None else time.time() // 3600 * 3600
    docs = []
    for i in range(n_feeds):
        parts = [
            '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
            f"<title>{feed_title(i)}</title><link>https://site{i}.example.org/</link>"
            f"<description>Synthetic feed {i} of real article text</description>"
        ]
        for j in range(items):
            a = pool[(i * 7919 + j * 104729) % len(pool)]
            k = j * n_feeds + i
            paras = "".join(f"<p>{_xml_escape(c)}</p>" for c in _chunks(a.text, 400))
            parts.append(
                f"<item><title>{_xml_escape(a.title)}</title>"
                f"<link>https://site{i}.example.org/{j}</link>"
                f'<guid isPermaLink="false">bench-{i}-{j}</guid>'
                f"<pubDate>{fmt(now - k * 600, usegmt=True)}</pubDate>"
                f"<description><![CDATA[{paras}]]></description></item>"
            )
        parts.append("</channel></rss>\n")
        docs.append("".join(parts).encode("utf-8"))
    return docs


def serve_synthetic(
    n_feeds: int, items: int, latency: float = 0.0, *, now: float | None = None
) -> tuple[FeedServer, list[str]]:
    server = FeedServer(latency=latency, hosts=n_feeds)
    paths = []
    for i, body in enumerate(synthetic_feeds(n_feeds, items, now=now)):
        path = f"/s/{i}/feed.xml"
        server.add(path, body, "application/rss+xml")
        paths.append(path)
    server.start()
    return server, [server.url(i, p) for i, p in enumerate(paths)]


def bench_dir() -> Path:
    """Where built stores and caches are kept between runs (NEWSREADER_BENCH_DIR)."""
    d = Path(
        os.environ.get("NEWSREADER_BENCH_DIR", Path(tempfile.gettempdir()) / "newsreader-bench")
    )
    d.mkdir(parents=True, exist_ok=True)
    return d


# --------------------------------------------------------------------------- config files


_compiled = False


def compile_newsreader() -> None:
    """Byte-compile the newsreader package once, as `pip install` does. With
    PYTHONDONTWRITEBYTECODE set (it is on the project machine) an editable install never
    caches bytecode, and every measured command (and its fork server) would compile the
    package from source first: ~2% of a 400-feed refresh, more of a startup."""
    global _compiled
    if not _compiled:
        import compileall

        import newsreader

        compileall.compile_dir(str(Path(newsreader.__file__).parent), quiet=1)
        _compiled = True


def newsreader_env(home: Path) -> dict[str, str]:
    """A fresh XDG home for newsreader under `home` (the package byte-compiled first)."""
    compile_newsreader()
    env = dict(os.environ)
    env.update(
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CACHE_HOME=str(home / "cache"),
        XDG_STATE_HOME=str(home / "state"),
        HOME=str(home),
        TERM=os.environ.get("TERM", "xterm-256color"),
        NO_COLOR="1",
    )
    env.pop("COLUMNS", None)
    return env


def write_newsreader_config(
    home: Path, urls: Sequence[str], settings: dict[str, object] | None = None
) -> Path:
    cfg = home / "config" / "newsreader"
    cfg.mkdir(parents=True, exist_ok=True)
    with open(cfg / "feeds.toml", "w", encoding="utf-8") as fh:
        fh.write("# benchmark feeds\n")
        for u in urls:
            fh.write(f'[[feed]]\nurl = "{u}"\n')
    if settings:
        lines = []
        for k, v in settings.items():
            lines.append(
                f"{k} = {json.dumps(v)}" if not isinstance(v, bool) else f"{k} = {str(v).lower()}"
            )
        (cfg / "config.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return cfg / "feeds.toml"


def newsboat_files(home: Path, urls: Sequence[str], threads: int = 1) -> tuple[Path, Path, Path]:
    """(urls file, cache file, config file) for newsboat under `home`."""
    home.mkdir(parents=True, exist_ok=True)
    urls_file = home / "urls"
    urls_file.write_text("".join(u + "\n" for u in urls), encoding="utf-8")
    config = home / "config"
    config.write_text(
        f"reload-threads {threads}\n"
        "auto-reload no\n"
        "show-read-feeds yes\n"
        "suppress-first-reload yes\n",
        encoding="utf-8",
    )
    return urls_file, home / "cache.db", config


def newsboat_env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / "xdg-config"),
        XDG_DATA_HOME=str(home / "xdg-data"),
        TERM=os.environ.get("TERM", "xterm-256color"),
    )
    return env


# --------------------------------------------------------------------------- measurement


@dataclass
class Run:
    cmd: list[str]
    rc: int
    wall: float
    user: float
    sys: float
    maxrss_mb: float  # largest single process (ru_maxrss of the reaped tree)
    peak_pss_mb: float  # sum over the process tree, sampled every 25 ms
    peak_rss_mb: float  # same, RSS (counts shared pages once per process)
    procs: int  # most processes alive at once
    wrapper_cpu: float = 0.0
    background: float = 0.0  # cores' worth of CPU used by other processes during the run
    stdout: str = ""
    stderr: str = ""

    @property
    def cpu(self) -> float:
        return self.user + self.sys


def cpu_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far (/proc/stat)."""
    with open("/proc/stat") as fh:
        vals = [int(x) for x in fh.readline().split()[1:]]
    hz = os.sysconf("SC_CLK_TCK")
    idle = vals[3] + (vals[4] if len(vals) > 4 else 0)
    return (sum(vals) - idle) / hz, sum(vals) / hz


def wait_quiet(max_busy: float = 0.15, sample: float = 1.0, timeout: float = 120) -> float:
    """Wait until the machine is mostly idle (other people's jobs share it); return the busy
    share of the last sample (0..1)."""
    deadline = time.monotonic() + timeout
    while True:
        b0, t0 = cpu_busy()
        time.sleep(sample)
        b1, t1 = cpu_busy()
        share = (b1 - b0) / max(t1 - t0, 1e-9)
        if share <= max_busy or time.monotonic() > deadline:
            return share


QUIET = os.environ.get("BENCH_NO_WAIT") is None


def measure(
    cmd: Sequence[str],
    *,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 900,
) -> Run:
    """Run `cmd` under the measuring wrapper; raise if it fails to run at all.

    Waits first for the machine to be quiet (set BENCH_NO_WAIT=1 to skip), and records in
    `background` how many cores' worth of CPU other processes used during the run.
    """
    if QUIET:
        wait_quiet()
    with tempfile.NamedTemporaryFile("w+", suffix=".json", delete=False) as out:
        report = out.name
    busy0, _ = cpu_busy()
    own0 = time.process_time()
    try:
        proc = subprocess.run(
            [str(PYTHON), str(Path(__file__).resolve()), "--_measure", report, "--", *cmd],
            env=env,
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
        data = json.loads(Path(report).read_text() or "{}")
    finally:
        os.unlink(report)
    if not data:
        raise RuntimeError(f"measure wrapper failed: {proc.stderr[-2000:]}")
    busy1, _ = cpu_busy()
    own = time.process_time() - own0  # this process: the feed server's thread
    run = Run(cmd=list(cmd), stdout=proc.stdout, stderr=proc.stderr, **data)
    others = busy1 - busy0 - run.cpu - own - data.get("wrapper_cpu", 0.0)
    run.background = max(0.0, others / max(run.wall, 1e-9))
    return run


def _children_map() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2 :].split()[1])
        kids.setdefault(ppid, []).append(int(name))
    return kids


def tree_pids(root: int) -> list[int]:
    kids = _children_map()
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, ()))
    return out


def tree_memory(root: int, include_root: bool = True) -> tuple[float, float, int]:
    """(PSS MB, RSS MB, process count) of `root` and its descendants."""
    pss = rss = 0
    n = 0
    for pid in tree_pids(root):
        if pid == root and not include_root:
            continue
        try:
            with open(f"/proc/{pid}/smaps_rollup", "rb") as fh:
                for line in fh:
                    if line.startswith(b"Pss:"):
                        pss += int(line.split()[1])
                    elif line.startswith(b"Rss:"):
                        rss += int(line.split()[1])
            n += 1
        except OSError:
            continue
    return pss / 1024, rss / 1024, n


def _measure_main(report: str, cmd: list[str]) -> int:
    """Wrapper process: run `cmd`, sample the tree, reap every descendant, write JSON."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER: orphans come back to us
    except (OSError, AttributeError):
        pass
    me = os.getpid()
    started = time.perf_counter()
    child = subprocess.Popen(cmd)
    peak_pss = peak_rss = 0.0
    procs = 0
    rc = None
    while rc is None:
        pss, rss, n = tree_memory(me, include_root=False)
        peak_pss, peak_rss, procs = max(peak_pss, pss), max(peak_rss, rss), max(procs, n)
        try:
            rc = child.wait(0.025)
        except subprocess.TimeoutExpired:
            rc = None
    wall = time.perf_counter() - started
    # Reap orphans (a forkserver and its workers exit once the main process is gone).
    deadline = time.monotonic() + 10
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid == 0:
            if time.monotonic() > deadline:
                for p in tree_pids(me):
                    if p != me:
                        try:
                            os.kill(p, signal.SIGKILL)
                        except OSError:
                            pass
                deadline = time.monotonic() + 5
            time.sleep(0.01)
    import resource

    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    me_ru = resource.getrusage(resource.RUSAGE_SELF)
    Path(report).write_text(
        json.dumps(
            dict(
                rc=rc,
                wall=wall,
                user=ru.ru_utime,
                sys=ru.ru_stime,
                maxrss_mb=ru.ru_maxrss / 1024,
                peak_pss_mb=peak_pss,
                peak_rss_mb=peak_rss,
                procs=procs,
                wrapper_cpu=me_ru.ru_utime + me_ru.ru_stime,
            )
        )
    )
    return 0


# --------------------------------------------------------------------------- tmux


class Tmux:
    """A detached tmux server of our own (its own socket), one pane of `width`x`height`."""

    def __init__(self, width: int = 160, height: int = 48) -> None:
        if not shutil.which("tmux"):
            raise RuntimeError("tmux is not installed")
        self.sock = f"nrbench-{os.getpid()}-{int(time.time() * 1000) % 100000}"
        self.width, self.height = width, height
        self.session = "bench"

    def _tmux(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["tmux", "-L", self.sock, *args], capture_output=True, text=True, check=check
        )

    def start_shell(self, env: dict[str, str], cwd: Path | None = None) -> None:
        """Start a plain sh in the pane with `env` (the program is typed in later)."""
        envs = [f"{k}={v}" for k, v in env.items() if "\n" not in v]
        self._tmux(
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-s",
            self.session,
            "-x",
            str(self.width),
            "-y",
            str(self.height),
            "-c",
            str(cwd or Path.cwd()),
            "env",
            "-i",
            *envs,
            "sh",
        )
        self._tmux("set-option", "-g", "status", "off", check=False)
        # wait for the shell prompt
        self.wait_for(lambda s: s.strip() != "", timeout=10)

    def pane_pid(self) -> int:
        return int(self._tmux("display-message", "-p", "-t", self.session, "#{pane_pid}").stdout)

    def capture(self) -> str:
        return self._tmux("capture-pane", "-p", "-t", self.session, check=False).stdout

    def send(self, *keys: str) -> None:
        self._tmux("send-keys", "-t", self.session, *keys, check=False)

    def type_line(self, line: str) -> None:
        self._tmux("send-keys", "-t", self.session, "-l", line)
        self._tmux("send-keys", "-t", self.session, "Enter")

    def wait_for(
        self, predicate: Callable[[str], bool], timeout: float = 60, interval: float = 0.01
    ) -> tuple[float, str]:
        """Poll the pane until `predicate(text)`; return (seconds waited, text)."""
        started = time.perf_counter()
        while True:
            text = self.capture()
            if predicate(text):
                return time.perf_counter() - started, text
            if time.perf_counter() - started > timeout:
                raise TimeoutError(f"pane never matched; last screen:\n{text}")
            time.sleep(interval)

    def kill(self) -> None:
        self._tmux("kill-server", check=False)


# --------------------------------------------------------------------------- output


def median(xs: Iterable[float]) -> float:
    xs = list(xs)
    return statistics.median(xs) if xs else float("nan")


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table (pastes into docs/perf.md as is)."""

    def fmt(v: object) -> str:
        if isinstance(v, float):
            return f"{v:.2f}" if abs(v) < 100 else f"{v:.0f}"
        return str(v)

    cells = [[fmt(v) for v in r] for r in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headers)]
    out = ["| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)) + " |"]
    out.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in cells:
        out.append("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |")
    return "\n".join(out)


def machine_line() -> str:
    load = os.getloadavg()
    return (
        f"{os.cpu_count()} cores, load {load[0]:.2f} at start, Python "
        f"{sys.version.split()[0]}, {newsboat_version()}"
    )


def newsboat_version() -> str:
    try:
        out = subprocess.run([NEWSBOAT, "--version"], capture_output=True, text=True).stdout
    except OSError:
        return "newsboat not installed"
    return out.splitlines()[0].split(" - ")[0] if out else "newsboat ?"


@dataclass
class Timer:
    started: float = field(default_factory=time.perf_counter)

    def __call__(self) -> float:
        return time.perf_counter() - self.started


if __name__ == "__main__" and len(sys.argv) > 3 and sys.argv[1] == "--_measure":
    sep = sys.argv.index("--")
    sys.exit(_measure_main(sys.argv[2], sys.argv[sep + 1 :]))
