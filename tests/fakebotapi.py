"""FakeBotAPI: a Telegram Bot API server on 127.0.0.1 for the bot and notifier tests.

A real HTTP/1.1 server (asyncio streams, keep-alive) in a daemon thread with
its own event loop, so python-telegram-bot talks to it over real sockets,
whether the test runs PTB in-process or `monitor run` as a subprocess.
Tests script it::

    with FakeBotAPI() as api:
        app = ApplicationBuilder().token(api.token).base_url(api.base_url).build()
        api.command(42, "/subscribe country: France")      # a bot_command entity at offset 0
        api.fail("sendMessage", "retry_after", seconds=3)   # the next sendMessage answers 429
        ...
        api.wait_until(lambda: api.messages(42))
        assert "Subscribed" in api.messages(42)[0].text

getUpdates is a long poll: it holds the request until an update is injected
or its `timeout` passes (answering at once would make PTB poll hundreds of
times a second). Every call is recorded, faults included. Faults, each for
`times` matching calls (optionally only for one chat, optionally `after` letting
the first few through): "retry_after"
(429 with parameters.retry_after), "forbidden" (403), "migrate" (400 with
parameters.migrate_to_chat_id), "cant_parse" (400 can't parse entities),
"server_error" (5xx), "hang" (hold the request `seconds`, or until the
client goes away: then the message is not accepted).
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

TOKEN = "123456:TEST-token-abcdefghijklmnopqrstuvwxyz"

#: Parameters PTB sends JSON-encoded inside the form.
_JSON_PARAMS = {"reply_markup", "commands", "allowed_updates", "entities", "link_preview_options", "reply_parameters", "scope"}


@dataclass
class Call:
    """One request the fake received."""

    method: str
    params: dict
    #: HTTP status answered (None: the client went away first).
    status: int | None = None
    #: The fault that answered it, if any.
    fault: str | None = None
    #: The message id given (sendMessage) or edited (editMessageText).
    message_id: int | None = None
    at: float = field(default_factory=time.monotonic)

    @property
    def chat_id(self) -> str | None:
        value = self.params.get("chat_id")
        return str(value) if value is not None else None

    @property
    def text(self) -> str:
        return str(self.params.get("text", ""))

    @property
    def ok(self) -> bool:
        return self.status == 200


@dataclass
class _Fault:
    method: str
    kind: str
    remaining: int
    chat_id: str | None
    options: dict
    #: Matching calls still let through before the fault starts.
    skip: int = 0


class FakeBotAPI:
    """A scriptable Bot API server; see the module docstring."""

    __test__ = False

    def __init__(self, token: str = TOKEN, username: str = "monitor_test_bot"):
        self.token = token
        self.username = username
        self.bot_id = int(token.split(":")[0])
        self._lock = threading.Lock()
        self._calls: list[Call] = []
        self._faults: list[_Fault] = []
        self._updates: list[dict] = []
        self._next_update = 1
        self._next_message = 1000
        self._chats: dict[str, dict] = {}
        self._admins: dict[str, set[int]] = {}
        self._texts: dict[tuple[str, int], str] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._new_update: asyncio.Event | None = None
        self._server: asyncio.base_events.Server | None = None
        self._thread: threading.Thread | None = None
        self._connections: set[asyncio.Task] = set()
        self.port = 0

    # --- lifecycle ----------------------------------------------------------------

    def start(self) -> FakeBotAPI:
        ready = threading.Event()

        def run() -> None:
            self._loop = asyncio.new_event_loop()
            asyncio.set_event_loop(self._loop)
            self._new_update = asyncio.Event()
            self._server = self._loop.run_until_complete(asyncio.start_server(self._connection, "127.0.0.1", 0))
            self.port = self._server.sockets[0].getsockname()[1]
            ready.set()
            self._loop.run_forever()
            self._loop.close()

        self._thread = threading.Thread(target=run, name="fake-bot-api", daemon=True)
        self._thread.start()
        ready.wait(5)
        return self

    def stop(self) -> None:
        if self._loop is None:
            return

        async def shutdown() -> None:
            self._server.close()
            tasks = list(self._connections)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(shutdown(), self._loop).result(5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        self._loop = None

    def __enter__(self) -> FakeBotAPI:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The server's base URL (what TELEGRAM_API_URL takes)."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        """What ApplicationBuilder.base_url takes."""
        return f"{self.url}/bot"

    # --- scripting -----------------------------------------------------------------

    def chat(self, chat_id: int | str, chat_type: str | None = None, title: str | None = None) -> dict:
        """Register (or look up) a chat; negative ids default to supergroups."""
        key = str(chat_id)
        with self._lock:
            known = self._chats.get(key)
            if known is None or chat_type:
                kind = chat_type or ("supergroup" if key.startswith("-") else "private")
                known = {"id": int(key), "type": kind}
                if kind == "private":
                    known["first_name"] = title or "Alice"
                else:
                    known["title"] = title or f"Chat {key}"
                self._chats[key] = known
            return dict(known)

    def set_admins(self, chat_id: int | str, user_ids) -> None:
        with self._lock:
            self._admins[str(chat_id)] = set(user_ids)

    def command(self, chat_id: int | str, text: str, *, user_id: int | None = None, chat_type: str | None = None,
                language_code: str = "en", anonymous_admin: bool = False) -> int:
        """Inject a message whose first word is a command (a bot_command entity at offset 0)."""
        first = text.split(None, 1)[0] if text.strip() else text
        entities = [{"type": "bot_command", "offset": 0, "length": len(first.encode("utf-16-le")) // 2}]
        return self.message(chat_id, text, user_id=user_id, chat_type=chat_type, language_code=language_code,
                            entities=entities, anonymous_admin=anonymous_admin)

    def message(self, chat_id: int | str, text: str, *, user_id: int | None = None, chat_type: str | None = None,
                language_code: str = "en", entities: list | None = None, anonymous_admin: bool = False) -> int:
        chat = self.chat(chat_id, chat_type)
        message = {"message_id": self._message_id(), "date": int(time.time()), "chat": chat, "text": text}
        if entities:
            message["entities"] = entities
        if chat["type"] == "channel":
            message["sender_chat"] = chat
            return self._push({"channel_post": message})
        if anonymous_admin:
            message["sender_chat"] = chat
            message["from"] = {"id": 1087968824, "is_bot": True, "first_name": "Group", "username": "GroupAnonymousBot"}
        else:
            uid = user_id if user_id is not None else (int(chat_id) if int(chat_id) > 0 else 7)
            message["from"] = {"id": uid, "is_bot": False, "first_name": f"User{uid}", "language_code": language_code}
        return self._push({"message": message})

    def migrate(self, chat_id: int | str, new_chat_id: int) -> int:
        """Inject the service message a group sends when it becomes a supergroup."""
        chat = self.chat(chat_id, "group")
        return self._push({"message": {
            "message_id": self._message_id(), "date": int(time.time()), "chat": chat,
            "from": {"id": 7, "is_bot": False, "first_name": "User7"}, "migrate_to_chat_id": int(new_chat_id),
        }})

    def press(self, chat_id: int | str, message_id: int, data: str, *, user_id: int | None = None) -> int:
        """Inject a press on an inline button of the bot's message."""
        chat = self.chat(chat_id)
        uid = user_id if user_id is not None else (int(chat_id) if int(chat_id) > 0 else 7)
        query = {
            "id": f"q{self._next_update}",
            "from": {"id": uid, "is_bot": False, "first_name": f"User{uid}"},
            "chat_instance": "ci",
            "data": data,
            "message": {"message_id": message_id, "date": int(time.time()), "chat": chat, "text": "alert",
                        "from": self._bot_user()},
        }
        if chat["type"] == "channel":
            query["message"]["sender_chat"] = chat  # a channel's posts, the bot's included, are signed by it
        return self._push({"callback_query": query})

    def fail(self, method: str, kind: str, *, times: int = 1, chat_id: int | str | None = None, after: int = 0,
             **options) -> None:
        """Answer the next `times` calls of `method` (to `chat_id`, if given) with a fault, once `after` went through."""
        assert kind in ("retry_after", "forbidden", "migrate", "cant_parse", "server_error", "hang", "bad_request"), kind
        with self._lock:
            self._faults.append(_Fault(method, kind, times, str(chat_id) if chat_id is not None else None, options, after))

    # --- what happened ---------------------------------------------------------------

    def calls(self, method: str | None = None) -> list[Call]:
        with self._lock:
            return [c for c in self._calls if method is None or c.method == method]

    def messages(self, chat_id: int | str | None = None) -> list[Call]:
        """sendMessage calls that were accepted (optionally to one chat)."""
        return [c for c in self.calls("sendMessage") if c.ok and (chat_id is None or c.chat_id == str(chat_id))]

    def edits(self, chat_id: int | str | None = None) -> list[Call]:
        return [c for c in self.calls("editMessageText") if c.ok and (chat_id is None or c.chat_id == str(chat_id))]

    def pending_updates(self) -> int:
        with self._lock:
            return len(self._updates)

    def wait_until(self, predicate, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError(f"condition not met in {timeout}s; calls: {[(c.method, c.status) for c in self.calls()][-15:]}")
            time.sleep(0.01)

    async def until(self, predicate, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError(f"condition not met in {timeout}s; calls: {[(c.method, c.status) for c in self.calls()][-15:]}")
            await asyncio.sleep(0.01)

    # --- internals -----------------------------------------------------------------------

    def _message_id(self) -> int:
        with self._lock:
            self._next_message += 1
            return self._next_message

    def _bot_user(self) -> dict:
        return {"id": self.bot_id, "is_bot": True, "first_name": "Monitor", "username": self.username}

    def _push(self, update: dict) -> int:
        with self._lock:
            update["update_id"] = self._next_update
            self._next_update += 1
            self._updates.append(update)
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._new_update.set)
        return update["update_id"]

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        self._connections.add(task)
        try:
            while True:
                request_line = await reader.readline()
                if not request_line:
                    break
                headers = {}
                while True:
                    line = await reader.readline()
                    if line in (b"\r\n", b"\n", b""):
                        break
                    name, _, value = line.decode("latin-1").partition(":")
                    headers[name.strip().lower()] = value.strip()
                body = b""
                if "content-length" in headers:
                    body = await reader.readexactly(int(headers["content-length"]))
                elif headers.get("transfer-encoding", "").lower() == "chunked":
                    while True:
                        size = int((await reader.readline()).strip() or b"0", 16)
                        chunk = await reader.readexactly(size + 2)
                        if size == 0:
                            break
                        body += chunk[:-2]
                target = request_line.decode("latin-1").split()[1]
                answer = await self._answer(target, headers, body, reader)
                if answer is None:
                    break  # the client went away during a hang
                status, payload = answer
                data = json.dumps(payload).encode()
                writer.write(
                    f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n".encode()
                    + data
                )
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError, ValueError, IndexError):
            pass
        finally:
            self._connections.discard(task)
            writer.close()

    @staticmethod
    def _params(headers: dict, body: bytes) -> dict:
        kind = headers.get("content-type", "")
        if "json" in kind:
            return json.loads(body or b"{}")
        if "multipart" in kind:
            raise ValueError("multipart is not supported by the fake")
        params = {}
        for key, value in parse_qsl(body.decode("utf-8"), keep_blank_values=True):
            if key in _JSON_PARAMS:
                try:
                    value = json.loads(value)
                except ValueError:
                    pass
            params[key] = value
        return params

    def _take_fault(self, method: str, params: dict) -> _Fault | None:
        chat = str(params.get("chat_id")) if params.get("chat_id") is not None else None
        with self._lock:
            for fault in self._faults:
                if fault.method == method and fault.remaining > 0 and (fault.chat_id is None or fault.chat_id == chat):
                    if fault.skip > 0:
                        fault.skip -= 1
                        continue
                    fault.remaining -= 1
                    return fault
        return None

    async def _answer(self, target: str, headers: dict, body: bytes, reader) -> tuple[int, dict] | None:
        path = target.split("?")[0]
        prefix = f"/bot{self.token}/"
        if not path.startswith(prefix):
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        method = path[len(prefix):]
        params = self._params(headers, body)
        call = Call(method, params)
        with self._lock:
            self._calls.append(call)
        fault = self._take_fault(method, params)
        if fault is not None:
            call.fault = fault.kind
            if fault.kind == "hang":
                try:
                    gone = await asyncio.wait_for(reader.read(1), fault.options.get("seconds", 30))
                except asyncio.TimeoutError:
                    gone = b"x"
                if not gone:
                    return None
            else:
                status, payload = _fault_answer(fault)
                call.status = status
                return status, payload
        status, payload = await self._method(method, params, call)
        call.status = status
        return status, payload

    async def _method(self, method: str, params: dict, call: Call) -> tuple[int, dict]:
        ok = lambda result: (200, {"ok": True, "result": result})  # noqa: E731
        if method == "getMe":
            return ok({**self._bot_user(), "can_join_groups": True, "can_read_all_group_messages": False,
                       "supports_inline_queries": False})
        if method == "getUpdates":
            return ok(await self._get_updates(params))
        if method in ("deleteWebhook", "setMyCommands", "answerCallbackQuery", "close", "logOut", "setWebhook"):
            return ok(True)
        if method == "sendMessage":
            chat_id = str(params["chat_id"])
            message_id = self._message_id()
            call.message_id = message_id
            with self._lock:
                self._texts[(chat_id, message_id)] = params.get("text", "")
            return ok({"message_id": message_id, "date": int(time.time()), "chat": self.chat(chat_id),
                       "from": self._bot_user(), "text": params.get("text", "")})
        if method == "editMessageText":
            chat_id, message_id = str(params["chat_id"]), int(params["message_id"])
            call.message_id = message_id
            with self._lock:
                current = self._texts.get((chat_id, message_id))
                if current is None:
                    return 400, {"ok": False, "error_code": 400, "description": "Bad Request: message to edit not found"}
                if current == params.get("text", ""):
                    return 400, {"ok": False, "error_code": 400, "description": "Bad Request: message is not modified"}
                self._texts[(chat_id, message_id)] = params.get("text", "")
            return ok({"message_id": message_id, "date": int(time.time()), "edit_date": int(time.time()),
                       "chat": self.chat(chat_id), "from": self._bot_user(), "text": params.get("text", "")})
        if method == "getChatMember":
            chat_id, user_id = str(params["chat_id"]), int(params["user_id"])
            user = {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"}
            with self._lock:
                admin = user_id in self._admins.get(chat_id, set())
            if admin:
                return ok({"status": "creator", "user": user, "is_anonymous": False})
            return ok({"status": "member", "user": user})
        return 404, {"ok": False, "error_code": 404, "description": "Not Found: method not found"}

    async def _get_updates(self, params: dict) -> list[dict]:
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                # Updates below the offset are confirmed: forget them, as Telegram does.
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
                ready = list(self._updates)
            if ready or time.monotonic() >= deadline:
                return ready
            self._new_update.clear()
            try:
                await asyncio.wait_for(self._new_update.wait(), max(0.0, deadline - time.monotonic()))
            except asyncio.TimeoutError:
                pass


def _fault_answer(fault: _Fault) -> tuple[int, dict]:
    options = fault.options
    if fault.kind == "retry_after":
        seconds = options.get("seconds", 1)
        return 429, {"ok": False, "error_code": 429, "description": f"Too Many Requests: retry after {seconds}",
                     "parameters": {"retry_after": seconds}}
    if fault.kind == "forbidden":
        return 403, {"ok": False, "error_code": 403, "description": options.get("description", "Forbidden: bot was blocked by the user")}
    if fault.kind == "migrate":
        return 400, {"ok": False, "error_code": 400, "description": "Bad Request: group chat was upgraded to a supergroup chat",
                     "parameters": {"migrate_to_chat_id": int(options["new_chat_id"])}}
    if fault.kind == "cant_parse":
        return 400, {"ok": False, "error_code": 400,
                     "description": "Bad Request: can't parse entities: Unsupported start tag \"x\" at byte offset 3"}
    if fault.kind == "bad_request":
        return 400, {"ok": False, "error_code": 400, "description": options.get("description", "Bad Request: chat not found")}
    status = options.get("status", 502)
    return status, {"ok": False, "error_code": status, "description": options.get("description", "Bad Gateway")}


class FakeClock:
    """A monotonic clock and a sleep that advances it: pacing tests without waiting."""

    def __init__(self, start: float = 1000.0):
        self.now = start
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += max(0.0, seconds)
        await asyncio.sleep(0)
