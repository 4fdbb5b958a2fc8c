"""ASGI guards for `phiguard serve`: a request size limit and privacy headers."""

from __future__ import annotations

import ipaddress
import json
import logging
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("phiguard.serve")

# The page loads nothing from elsewhere and sends nothing elsewhere; the browser is
# told so, which also blocks any script a crafted file name might try to inject.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
    "connect-src 'self'; font-src 'none'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"referrer-policy", b"no-referrer"),
    (b"x-content-type-options", b"nosniff"),
    (b"cache-control", b"no-store"),  # no browser cache keeps a redacted copy or report
]


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class BodyLimit:
    """Read a request body into memory up to `max_bytes`, or answer 413 at once.

    Checked before any parser runs, on Content-Length and again on the bytes that
    arrive (a chunked upload has no Content-Length)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in {"POST", "PUT", "PATCH"}:
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"0")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self._too_large(send)
            return
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._too_large(send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _too_large(self, send: Send) -> None:
        mb = self.max_bytes / (1024 * 1024)
        detail = {"detail": f"This upload is too large; the limit is {mb:g} MB."}
        await _json(send, 413, detail)


async def _json(send: Send, status: int, doc: dict[str, Any]) -> None:
    body = json.dumps(doc).encode()
    headers = [(b"content-type", b"application/json"), (b"connection", b"close")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class SecurityHeaders:
    """Add CSP, no-referrer, nosniff and no-store to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *HEADERS]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class QuietErrors:
    """Turn a crash into a 500 that names only the exception type, and log only that.

    Left alone, the server would log the traceback, and an exception's message can
    quote text read from the upload."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception as exc:
            name = type(exc).__name__
            log.error("internal error (%s) on %s %s", name, scope["method"], scope["path"])
            if not started:
                await _json(send, 500, {"detail": f"internal error ({name})"})


class SameOrigin:
    """Refuse a POST sent by a page from another site (403).

    A simple form POST needs no CORS preflight, so without this any site the user visits
    could make a local `phiguard serve` scan something it sends (it could not read the
    answer, but the scan runs and is logged). Browsers name the sender in Origin; calls
    without one (curl, an upload tool, the hook) are not from a page and pass."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] not in {"GET", "HEAD", "OPTIONS"}:
            headers = dict(scope["headers"])
            origin = headers.get(b"origin", b"").decode("latin-1")
            host = headers.get(b"host", b"").decode("latin-1")
            if origin and origin.split("://", 1)[-1] != host:
                log.warning("refused a %s from another site", scope["method"])
                await _json(send, 403, {"detail": "Requests from other sites are refused."})
                return
        await self.app(scope, receive, send)
