"""TestWeb: a scriptable web server on 127.0.0.1 for the fetch and pipeline tests.

A real ThreadingHTTPServer in a daemon thread, so the code under test goes
through real sockets, real HTTP and real httpx. Tests script it::

    web = TestWeb().start()
    web.route("/a", "<p>hello</p>", headers={"Content-Type": "text/html"})
    web.sequence("/flaky", [Response(503), Response(200, b"ok")])
    web.route("/dyn", handler=lambda request: Response(200, request.path))
    ...
    assert web.hits("/flaky") == 2
    web.stop()

Unknown paths, /robots.txt included, answer 404. Handlers run in the
server's threads: a handler may block (to hold requests in flight) but must
not touch the test's event loop. New faults (slow bodies, resets) belong in
:class:`Response` and :meth:`_Handler._send`.
"""

from __future__ import annotations

import socket
import struct
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Response:
    """One scripted answer."""

    status: int = 200
    #: A str is sent as UTF-8.
    body: bytes | str = b""
    #: Sent as given; Content-Length is added unless present or chunked.
    headers: dict[str, str] = field(default_factory=dict)
    #: Send the body with Transfer-Encoding: chunked (no Content-Length).
    chunked: bool = False
    #: Size of each chunk when chunked.
    chunk_size: int = 8192
    # -- faults (tests/faultweb.py builds them) --
    #: Called at send time for the body, piece by piece, instead of `body`, so a
    #: 50 MB body never sits in memory; sent chunked unless headers give a length.
    stream: Callable[[], Iterable[bytes]] | None = None
    #: Seconds slept before each piece of the body (a slow server).
    pause: float = 0.0
    #: Reset the connection (TCP RST) after this many body bytes; -1 resets
    #: before the status line, None never.
    reset_after: int | None = None

    @property
    def body_bytes(self) -> bytes:
        return self.body.encode("utf-8") if isinstance(self.body, str) else self.body


@dataclass(frozen=True)
class RecordedRequest:
    """One request the server received."""

    method: str
    #: The path as sent, query string included.
    path: str
    #: Header names lower-cased.
    headers: dict[str, str]


Handler = Callable[[RecordedRequest], Response]


class TestWeb:
    """A loopback web server whose answers the test scripts."""

    # Not a test class, whatever pytest thinks of the name.
    __test__ = False

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._routes: dict[str, Handler] = {}
        self._requests: list[RecordedRequest] = []
        self._server: _QuietServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------

    def start(self) -> TestWeb:
        handler_class = type("Handler", (_Handler,), {"web": self})
        self._server = _QuietServer(("127.0.0.1", 0), handler_class)
        self._thread = threading.Thread(
            # A short poll interval: stop() waits up to one interval for the loop to notice.
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.02},
            name="TestWeb",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> TestWeb:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def base(self) -> str:
        assert self._server is not None, "TestWeb not started"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    # -- scripting -------------------------------------------------------

    def route(
        self,
        path: str,
        body: bytes | str = b"",
        status: int = 200,
        headers: dict[str, str] | None = None,
        *,
        handler: Handler | None = None,
    ) -> None:
        """Answer `path` with a fixed response, or with what `handler` returns."""
        if handler is None:
            response = Response(status, body, dict(headers or {}))
            handler = lambda request: response  # noqa: E731 - a constant answer
        with self._lock:
            self._routes[path] = handler

    def sequence(self, path: str, responses: Iterable[Response]) -> None:
        """Answer `path` with each response in turn; the last one repeats."""
        queue = list(responses)
        if not queue:
            raise ValueError("sequence needs at least one response")
        lock = threading.Lock()

        def next_response(request: RecordedRequest) -> Response:
            with lock:
                return queue.pop(0) if len(queue) > 1 else queue[0]

        self.route(path, handler=next_response)

    # -- inspection ------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    def hits(self, path: str) -> int:
        """Requests received for `path` (with or without their query string)."""
        return sum(1 for request in self.requests if path in (request.path, urlsplit(request.path).path))

    # -- used by the handler thread -------------------------------------

    def _answer(self, request: RecordedRequest) -> Response:
        with self._lock:
            self._requests.append(request)
            handler = self._routes.get(request.path) or self._routes.get(urlsplit(request.path).path)
        if handler is None:
            return Response(404, b"not found", {"Content-Type": "text/plain"})
        return handler(request)


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """Quiet about clients hanging up mid-answer: the fetcher does that on purpose (size cap)."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    web: TestWeb
    # HTTP/1.1 so that keep-alive and chunked bodies are exercised like on real sites.
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: without this, Nagle's algorithm
    # and delayed ACKs add about 40 ms to each keep-alive request.
    disable_nagle_algorithm = True
    # Close idle keep-alive connections instead of holding a thread forever.
    timeout = 10

    def do_GET(self) -> None:
        self._send(self._answer(), with_body=True)

    def do_HEAD(self) -> None:
        self._send(self._answer(), with_body=False)

    def _answer(self) -> Response:
        headers = {name.lower(): value for name, value in self.headers.items()}
        return self.web._answer(RecordedRequest(self.command, self.path, headers))

    def _send(self, response: Response, *, with_body: bool) -> None:
        if response.stream is not None or response.pause or response.reset_after is not None:
            self._send_faulty(response, with_body=with_body)
            return
        body = response.body_bytes
        self.send_response(response.status)
        names = {name.lower() for name in response.headers}
        for name, value in response.headers.items():
            self.send_header(name, value)
        if response.chunked:
            self.send_header("Transfer-Encoding", "chunked")
        elif "content-length" not in names:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not with_body or response.status in (204, 304):
            return
        if response.chunked:
            for start in range(0, len(body), response.chunk_size):
                chunk = body[start : start + response.chunk_size]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.wfile.write(body)

    def _send_faulty(self, response: Response, *, with_body: bool) -> None:
        """A response with a fault: streamed, slow, or cut by a reset."""
        if response.reset_after == -1:
            self._reset()
            return
        if response.stream is not None:
            pieces: Iterable[bytes] = response.stream()
        else:
            body = response.body_bytes
            step = 1 if response.pause else response.chunk_size
            pieces = (body[start : start + step] for start in range(0, len(body), step))
        names = {name.lower() for name in response.headers}
        chunked = response.chunked or (response.stream is not None and "content-length" not in names)
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        elif "content-length" not in names:
            self.send_header("Content-Length", str(len(response.body_bytes)))
        self.end_headers()
        if not with_body:
            return
        sent = 0
        for piece in pieces:
            if response.reset_after is not None and sent + len(piece) > response.reset_after:
                piece = piece[: response.reset_after - sent]
                if piece:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
                self._reset()
                return
            if response.pause:
                time.sleep(response.pause)
            self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
            sent += len(piece)
        if response.reset_after is not None:
            self._reset()
            return
        if chunked:
            self.wfile.write(b"0\r\n\r\n")

    def _reset(self) -> None:
        """Abort the connection with a TCP RST (SO_LINGER 0), as a crashed server would."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the tests read web.requests, not stderr."""
