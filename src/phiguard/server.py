"""The review page and its HTTP API (FastAPI), for `phiguard serve`.

Privacy: uploads live in memory only. The request body is read into memory under a
size limit before anything parses it, the multipart parser is told never to spool a
file to disk, and nothing about an upload (name, text, findings) is ever logged.
"""

from __future__ import annotations

import atexit
import io
import os
import shutil
import tempfile
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from importlib.resources import files
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import FastAPI, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import FileResponse, Response
from fastapi.staticfiles import StaticFiles
from PIL import Image
from starlette.concurrency import run_in_threadpool
from starlette.formparsers import MultiPartParser
from starlette.middleware.trustedhost import TrustedHostMiddleware

from phiguard import __version__
from phiguard import load as loader
from phiguard.config import STYLES, Config
from phiguard.engine import Engine, build_engine
from phiguard.models import FileReport
from phiguard.redact import redact_image, to_blur
from phiguard.report import encode_image, file_dict
from phiguard.review import boxes_to_redact, parse_box_spec
from phiguard.scan import scan_image, scan_loaded, scan_text
from phiguard.webguard import BodyLimit, QuietErrors, SameOrigin, SecurityHeaders, is_loopback

STATIC = Path(str(files("phiguard") / "static"))
Style = Literal["blur", "pixelate", "box"]
LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "::1", "[::1]"]
BOXES_HELP = (
    'JSON {"include": [[x,y,w,h],...], "exclude": [[x,y,w,h],...]}: include hides extra '
    "areas; a found box mostly inside an exclude box stays visible. Pixel coordinates "
    "of the upright image, as in /api/scan."
)
ERRORS: dict[int | str, dict[str, Any]] = {
    413: {"description": "Upload larger than the byte or pixel limit"},
    415: {"description": "Not an image phiguard can read"},
    422: {"description": "Empty, corrupt or malformed upload or field"},
}


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 25 * 1024 * 1024  # whole request; a 12 MP phone JPEG is 3-8 MB
    max_pixels: int = loader.MAX_PIXELS


@dataclass
class State:
    config: Config
    limits: Limits
    engine: Engine | None = None
    # One scan at a time: OCR already uses the cores, and spaCy does not promise that
    # one pipeline may be called from two threads at once.
    lock: threading.Lock = field(default_factory=threading.Lock)


def keep_temp_files_in_memory() -> str | None:
    """Send this process's temporary files to RAM (/dev/shm) where there is one.

    Tesseract reads its input from a temporary file, so without this an upload would
    reach the disk after all. They go to a private folder (mode 0700, named after the
    process) that is removed at exit: other local users cannot list them, and anything
    left behind is easy to attribute. Process-wide: call it only in the server's own
    process. Returns the folder, or None where there is no /dev/shm."""
    if not (os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK)):
        return None
    private = tempfile.mkdtemp(prefix=f"phiguard-{os.getpid()}-", dir="/dev/shm")
    atexit.register(shutil.rmtree, private, True)
    tempfile.tempdir = private
    return private


def decode_upload(data: bytes, name: str, limits: Limits) -> loader.Loaded:
    """Decode an uploaded image or raise HTTPException with a message for a person."""
    if not data:
        raise HTTPException(422, "The file is empty.")
    try:
        probe = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError:  # Pillow's own guard, far above our limit
        raise HTTPException(413, "This image has too many pixels to check.") from None
    except Exception:
        raise HTTPException(
            415, "This is not a photo phiguard can read. Use JPEG, PNG, WebP, TIFF or BMP."
        ) from None
    w, h = probe.size
    if w * h > limits.max_pixels:
        raise HTTPException(
            413, f"This image is {w}x{h} pixels; the limit is {limits.max_pixels:,} pixels."
        )
    try:
        item = loader.load_bytes(data, name)
    except loader.LoadError as exc:
        raise HTTPException(422, f"This image cannot be read: {exc}.") from None
    if item.image is None:
        raise HTTPException(415, "This is not a photo phiguard can read.")
    return item


def _check(state: State, item: loader.Loaded) -> FileReport:
    assert item.image is not None and state.engine is not None
    with state.lock:
        if len(item.frames) > 1:  # every page or frame is checked, never only the first
            return scan_loaded(replace(item, meta=()), state.engine, state.config)
        return scan_image(item.image, state.engine, state.config, item.path, item.notes)


def _check_text(state: State, text: str) -> FileReport:
    assert state.engine is not None
    with state.lock:
        return scan_text(text, state.engine, state.config, "caption")


async def _read(file: UploadFile, state: State) -> loader.Loaded:
    name = Path(file.filename or "upload").name or "upload"
    data = await file.read()
    return await run_in_threadpool(decode_upload, data, name, state.limits)


def _state(request: Request) -> State:
    return request.app.state.phiguard


def create_app(
    config: Config, engine: Engine | None = None, limits: Limits = Limits(), host: str = "127.0.0.1"
) -> FastAPI:
    """Build the app. The engine is built once at start-up unless one is passed in."""
    state = State(config=config, limits=limits, engine=engine)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if state.engine is None:
            state.engine = await run_in_threadpool(build_engine, config)
        yield

    # Swagger UI and ReDoc load scripts from a CDN, so they stay off; the OpenAPI
    # document itself is served at /openapi.json.
    app = FastAPI(
        title="phiguard",
        version=__version__,
        description="Find and hide patient information in photos before they are posted.",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.phiguard = state
    # Keep multipart files in memory: spooling would put an upload on disk past 1 MB.
    # Class-wide in Starlette: keep the largest limit of any app in this process.
    MultiPartParser.spool_max_size = max(MultiPartParser.spool_max_size, limits.max_bytes + 1)
    # The last added runs first: headers go on every answer, 413s and 400s included.
    if is_loopback(host):
        # A web page the user visits cannot reach this server by DNS rebinding.
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=LOOPBACK_HOSTS)
    app.add_middleware(BodyLimit, max_bytes=limits.max_bytes)
    app.add_middleware(SameOrigin)  # before the body is read
    app.add_middleware(QuietErrors)
    app.add_middleware(SecurityHeaders)
    _routes(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


def _routes(app: FastAPI) -> None:
    @app.get("/", include_in_schema=False)
    async def page() -> FileResponse:
        return FileResponse(STATIC / "index.html")

    @app.get("/api/info", summary="Limits and options of this server")
    async def info(request: Request) -> dict[str, Any]:
        s = _state(request)
        return {
            "version": __version__,
            "styles": list(STYLES),
            "max_bytes": s.limits.max_bytes,
            "max_pixels": s.limits.max_pixels,
            "entities": sorted(s.config.entities),
        }

    @app.post("/api/scan", summary="Find PHI in one image (and a caption)", responses=ERRORS)
    async def api_scan(
        request: Request,
        file: Annotated[UploadFile, File(description="The image to check")],
        caption: Annotated[str | None, Form(description="Post text to check alongside")] = None,
    ) -> dict[str, Any]:
        """The file's report as in `phiguard scan --format json` (`verdict` is clean,
        phi or error; matches masked); with a caption, its report under `caption`."""
        s = _state(request)
        item = await _read(file, s)
        out = file_dict(await run_in_threadpool(_check, s, item))
        if caption:
            out["caption"] = file_dict(await run_in_threadpool(_check_text, s, caption))
        return out

    @app.post("/api/text", summary="Find PHI in a caption", responses=ERRORS)
    async def api_text(
        request: Request, text: Annotated[str, Form(description="The caption")]
    ) -> dict[str, Any]:
        """The caption's report; findings carry character offsets `start` and `end`."""
        s = _state(request)
        return file_dict(await run_in_threadpool(_check_text, s, text))

    @app.post(
        "/api/redact",
        summary="Download a redacted, metadata-free copy of one image",
        response_class=Response,
        responses={200: {"content": {"image/png": {}, "image/jpeg": {}}}, **ERRORS},
    )
    async def api_redact(
        request: Request,
        file: Annotated[UploadFile, File(description="The image to redact")],
        style: Annotated[Style, Form(description="blur, pixelate or box")] = "blur",
        boxes: Annotated[str | None, Form(description=BOXES_HELP)] = None,
    ) -> Response:
        """Scan again, hide every finding not excluded plus every included box, and
        return the image in its own format (GIF as PNG) with all metadata stripped."""
        s = _state(request)
        try:
            spec = parse_box_spec(boxes)
        except ValueError as exc:
            raise HTTPException(422, str(exc)) from None
        item = await _read(file, s)
        rep = await run_in_threadpool(_check, s, item)
        if rep.verdict == "error":
            # Fail closed: never hand back a copy of an image that was not checked.
            raise HTTPException(500, f"This image could not be checked: {rep.error}")
        return await run_in_threadpool(_redacted_response, item, rep, spec, style, s.config)


def _redacted_response(
    item: loader.Loaded, rep: FileReport, spec: Any, style: str, config: Config
) -> Response:
    assert item.image is not None
    w, h = item.image.size
    # The copy is the first frame or page only, so only its own findings apply.
    first = [f for f in rep.findings if not f.frame]
    boxes = boxes_to_redact(to_blur(first, config), spec, w, h)
    data, media = encode_image(redact_image(item.image, boxes, style), item.fmt)
    stem = Path(item.path).stem
    ext = {"image/jpeg": "jpg"}.get(media, media.split("/")[1])
    name = f"{stem}-safe.{ext}"
    return Response(
        data,
        media_type=media,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}",
            "X-Phiguard-Verdict": rep.verdict,
            "X-Phiguard-Findings": str(len(rep.findings)),
            "X-Phiguard-Boxes": str(len(boxes)),
        },
    )
