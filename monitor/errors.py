"""The monitor's one exception tree.

Every error the monitor raises on purpose derives from MonitorError, carries
the object it concerns (a URL, a file, a source), and wraps third-party
errors with ``raise ... from``::

    MonitorError
    ├── ConfigError (ValueError)    feeds.toml or an environment variable is wrong
    ├── FetchError                  a URL could not be fetched (has .url)
    │   ├── BlockedURL              scheme or address refused (SSRF guard)
    │   ├── RobotsDisallowed        robots.txt forbids the URL
    │   ├── HTTPStatusError         a final status that is not 2xx/304 (has .status)
    │   ├── BodyTooLarge            the body passed the size cap while streaming
    │   ├── TooManyRedirects        the redirect cap was reached or a loop seen
    │   ├── UnsupportedContent      an article URL answered a PDF, an image...: not a page
    │   └── NetworkError            connect/read errors and timeouts, after retries
    ├── DiscoverError (ValueError)  a feed or listing page yielded nothing usable
    ├── StoreError                  the database cannot be opened or written
    ├── NotifyError                 an alert could not be delivered now (has .chat_id)
    │   ├── RetryLater              the channel asked us to wait (has .after, seconds)
    │   └── Undeliverable           it never will be (bot blocked, chat gone): not retried
    └── ReplayError (ValueError)    one line of a replay input is malformed (has .line)

The CLI catches MonitorError at the top, prints one line and exits 1.
Every one survives pickling with its attributes: a reader process
(monitor.workers) sends its errors back to the main process that way.
"""

from __future__ import annotations


class MonitorError(Exception):
    """Base class of every error the monitor raises on purpose."""

    def __reduce__(self):
        # Pickle rebuilds an exception as cls(*self.args), which the subclasses whose
        # __init__ takes (url, message) refuse; rebuilt from args and attributes instead.
        return _rebuild, (type(self), self.args, self.__dict__)


def _rebuild(cls: type[MonitorError], args: tuple, state: dict) -> MonitorError:
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


class ConfigError(MonitorError, ValueError):
    """feeds.toml or an environment variable is wrong; the message names where."""


class FetchError(MonitorError):
    def __init__(self, url: str, message: str):
        super().__init__(f"{url}: {message}")
        self.url = url
        self.reason = message


class BlockedURL(FetchError):
    pass


class RobotsDisallowed(FetchError):
    pass


class HTTPStatusError(FetchError):
    def __init__(self, url: str, status: int, message: str | None = None):
        super().__init__(url, message or f"HTTP {status}")
        self.status = status


class BodyTooLarge(FetchError):
    pass


class TooManyRedirects(FetchError):
    pass


class NetworkError(FetchError):
    pass


class UnsupportedContent(FetchError):
    pass


class DiscoverError(MonitorError, ValueError):
    def __init__(self, url: str, message: str):
        super().__init__(f"{url}: {message}")
        self.url = url


class StoreError(MonitorError):
    pass


class NotifyError(MonitorError):
    def __init__(self, chat_id: str, message: str):
        super().__init__(f"chat {chat_id}: {message}")
        self.chat_id = chat_id
        self.reason = message


class RetryLater(NotifyError):
    def __init__(self, chat_id: str, message: str, after: float):
        super().__init__(chat_id, message)
        self.after = after


class Undeliverable(NotifyError):
    pass


class ReplayError(MonitorError, ValueError):
    def __init__(self, line: int, message: str):
        super().__init__(f"line {line}: {message}")
        self.line = line
