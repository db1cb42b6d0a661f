"""A real, polite HTTP server on 127.0.0.1 for the tests (threaded, stdlib only).

Routes map a path to a static `Resource` (served with ETag and Last-Modified, answering
conditional requests with 304) or to a callable that builds a response from the request.
Every request is recorded, so tests can assert which validators a client sent.

    server = LocalServer(); server.start()
    server.add("/feed.xml", body, content_type="application/rss+xml")
    url = server.url("/feed.xml")
    ...
    server.stop()
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


@dataclass
class Resource:
    body: bytes
    content_type: str = "application/xml"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    conditional: bool = True  # send ETag/Last-Modified and honour If-None-Match/-Modified-Since


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]


Handler = Callable[[Request], Resource]


class LocalServer:
    def __init__(self, latency: float = 0.0) -> None:
        self.routes: dict[str, Resource | Handler] = {}
        self.requests: list[Request] = []
        self.latency = latency
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.modified = formatdate(time.time() - 3600, usegmt=True)

    # ------------------------------------------------------------------ setup
    def add(
        self,
        path: str,
        body: bytes | str | Handler,
        content_type: str = "application/xml",
        **kw,
    ) -> str:
        if callable(body):
            self.routes[path] = body
        else:
            data = body.encode() if isinstance(body, str) else body
            self.routes[path] = Resource(data, content_type, **kw)
        return self.url(path)

    def add_dir(self, folder: Path, prefix: str = "/", content_type: str | None = None) -> None:
        for p in sorted(folder.iterdir()):
            if p.is_file():
                ctype = content_type or guess_type(p)
                self.add(prefix + p.name, p.read_bytes(), ctype)

    def url(self, path: str) -> str:
        assert self._httpd is not None, "start() the server first"
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}{path}"

    def hits(self, path: str) -> list[Request]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> LocalServer:
        server = self

        class _H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # keep test output quiet
                pass

            def do_HEAD(self) -> None:
                self._serve(head=True)

            def do_GET(self) -> None:
                self._serve(head=False)

            def _serve(self, head: bool) -> None:
                req = Request(
                    self.command, self.path, {k.lower(): v for k, v in self.headers.items()}
                )
                with server._lock:
                    server.requests.append(req)
                if server.latency:
                    time.sleep(server.latency)
                route = server.routes.get(self.path.split("?")[0]) or server.routes.get(self.path)
                if route is None:
                    res = Resource(b"not found", "text/plain", status=404, conditional=False)
                elif callable(route):
                    res = route(req)
                else:
                    res = route
                headers = dict(res.headers)
                status = res.status
                body = res.body
                if res.conditional and status == 200:
                    etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                    headers.setdefault("ETag", etag)
                    headers.setdefault("Last-Modified", server.modified)
                    inm = req.headers.get("if-none-match")
                    ims = req.headers.get("if-modified-since")
                    if (inm and inm == headers["ETag"]) or (
                        not inm and ims and ims == headers["Last-Modified"]
                    ):
                        status, body = 304, b""
                self.send_response(status)
                if status != 304:
                    self.send_header("Content-Type", res.content_type)
                self.send_header("Content-Length", str(len(body)))
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                if not head and body:
                    try:
                        self.wfile.write(body)
                    except (BrokenPipeError, ConnectionResetError):
                        pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _H)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None


def guess_type(p: Path) -> str:
    name = p.name.lower()
    if name.endswith(".json"):
        return "application/feed+json"
    if name.endswith((".html", ".htm")):
        return "text/html; charset=utf-8"
    if name.endswith(".opml"):
        return "text/x-opml"
    return "application/xml"
