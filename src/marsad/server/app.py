"""The HTTP API and the web UI (FastAPI). ``create_app(db)`` builds the app over a store;
``marsad serve`` runs it with uvicorn. OpenAPI at ``/docs`` and ``/openapi.json``.

Write endpoints (``POST /api/analyze``) need ``Authorization: Bearer <token>`` when a token
is configured, and are refused (403) without one when ``require_token`` is set — ``marsad
serve`` sets it when the server listens beyond loopback. An unexpected error answers 500
with a JSON message and never the traceback.

Lists are paginated as ``{"items": [...], "next": cursor}``; errors are JSON
``{"error": {"code", "message"}}``; request bodies and analysis time are bounded; every
response carries a Content-Security-Policy that only allows the app's own scripts (the
corpus text is untrusted: the UI builds the page with ``textContent``, never as HTML)."""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import ipaddress
import json
import logging
import threading
from collections.abc import Awaitable, Callable, Iterator
from datetime import date
from importlib import resources
from typing import Annotated, Any

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..batch.budget import DocumentTimeout, TimeBudget
from ..errors import MarsadError
from ..pipeline import Pipeline
from ..recovery.inputs import RawArticle, decode_bytes, record_to_raw, sniff
from ..settings import Settings
from ..store import Filters, QueryError, Store
from ..store.dialect import redact

MAX_BODY = 2_000_000
ANALYZE_TIMEOUT = 30.0
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
       "frame-ancestors 'none'; form-action 'self'")
TOKEN_ENV = "MARSAD_TOKEN"
#: page sizes: bounded here so that no number reaches the database unchecked
Limit = Annotated[int, Query(ge=1, le=100_000)]
_log = logging.getLogger("marsad.server")


def is_loopback(host: str) -> bool:
    """True when ``host`` only accepts connections from this machine."""
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:  # a host name other than localhost may resolve to anything
        return False


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


#: the API docs pages (Swagger UI, ReDoc; their files ship with fastapi-offline and are
#: served here, no CDN) start themselves with an inline script
DOCS_CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' "
            "'unsafe-inline'; img-src 'self' data:; worker-src 'self' blob:; "
            "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
_DOCS_PATHS = ("/docs", "/redoc", "/static-offline-docs/")


def _secure(request: Request, response: Response) -> Response:
    """The security headers every response carries."""
    docs = request.url.path.startswith(_DOCS_PATHS)
    response.headers["Content-Security-Policy"] = DOCS_CSP if docs else CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


class _State:
    """The store (one connection, used under a lock) and the pipeline, built lazily."""

    def __init__(self, db: str, settings: Settings, analyze_timeout: float) -> None:
        self.db = db
        self.settings = settings
        self.lock = threading.Lock()
        self.pipe_lock = threading.Lock()
        # one budget (one watchdog thread) for the app: it is only used under pipe_lock
        self.budget = TimeBudget(analyze_timeout)
        self._store: Store | None = None
        self._pipe: Pipeline | None = None

    def store(self) -> Store:
        if self._store is None:
            self._store = Store.open(self.db)
        return self._store

    def reopen_store(self) -> Store:
        """A new connection after the old one was lost (e.g. PostgreSQL restarted)."""
        old, self._store = self._store, None
        if old is not None:
            with contextlib.suppress(Exception):
                old.close()
        _log.warning("the connection to the store %s was lost; opening it again",
                     redact(self.db))
        return self.store()

    def pipeline(self) -> Pipeline:
        if self._pipe is None:
            self._pipe = Pipeline(self.settings)
        return self._pipe


def create_app(db: str, *, settings: Settings | None = None, max_body: int = MAX_BODY,
               analyze_timeout: float = ANALYZE_TIMEOUT, token: str | None = None,
               require_token: bool = False) -> FastAPI:
    """The app over the store ``db``. ``token``: write endpoints need ``Authorization:
    Bearer <token>``; ``require_token``: without a token they are refused (use it when the
    server is reachable from other machines)."""
    state = _State(db, settings or Settings(), analyze_timeout)
    expected = token.encode("utf-8") if token else None

    def check_write(request: Request) -> None:
        if expected is None:
            if require_token:
                raise ApiError(403, "token-required", "this server listens beyond loopback "
                               "and has no token, so write endpoints are off; start it with "
                               f"'marsad serve --token SECRET' (or set {TOKEN_ENV}) and send "
                               "'Authorization: Bearer SECRET'")
            return
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
                given.strip().encode("utf-8"), expected):
            raise ApiError(401, "unauthorized", "this endpoint needs the server's token: "
                           "send 'Authorization: Bearer <token>'")
    app = FastAPIOffline(title="marsad", version=__version__,
                         description="Arabic news as structured political event data: "
                         "articles, entities and actors, quotations and CAMEO/PLOVER "
                         "events.")

    @app.middleware("http")
    async def guard(request: Request, call_next: Callable[[Request], Awaitable[Response]]
                    ) -> Response:
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > max_body):
            return _secure(request, _error(413, "too-large",
                                           f"request bodies are limited to {max_body} bytes"))
        return _secure(request, await call_next(request))

    @app.exception_handler(ApiError)
    async def api_error(request: Request, err: ApiError) -> JSONResponse:
        return _error(err.status, err.code, err.message)

    @app.exception_handler(MarsadError)
    async def marsad_error(request: Request, err: MarsadError) -> JSONResponse:
        return _error(400, err.code, str(err))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, err: RequestValidationError) -> JSONResponse:
        parts = ["/".join(str(p) for p in e.get("loc", ())) + ": " + str(e.get("msg"))
                 for e in err.errors()]
        return _error(422, "invalid-request", "; ".join(parts))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, err: StarletteHTTPException) -> JSONResponse:
        return _error(err.status_code, "http", str(err.detail))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, err: Exception) -> Response:
        # the traceback goes to the server's log, never to the client
        _log.error("unexpected error on %s %s", request.method, request.url.path,
                   exc_info=err)
        return _secure(request, _error(500, "internal", "the server failed on this request; "
                                       "the details are in the server's log"))

    def run(fn: Callable[[Store], Any]) -> Any:
        with state.lock:
            store = state.store()
            try:
                return fn(store)
            except Exception:
                if not store.connection_lost():
                    raise
            # the database dropped the connection: once more on a new one
            return fn(state.reopen_store())

    # -- API -------------------------------------------------------------------------------
    @app.post("/api/analyze", summary="Analyse one article",
              description="Body: text/plain (raw article text), text/html (a page) or "
              "application/json (a news record with title/text/published/url/... "
              "fields). Returns one marsad.article/1 document. Nothing is stored.",
              tags=["analyze"])
    async def analyze(request: Request, published: date | None = None,
                      source: str | None = None) -> JSONResponse:
        check_write(request)
        body = await _read_body(request, max_body)
        ctype, _, params = request.headers.get("content-type", "text/plain").partition(";")
        ctype = ctype.strip().lower()
        text, warnings = _decode_body(body, params)
        if not text.strip():
            raise ApiError(400, "empty", "the body is empty; send the article text")
        if ctype not in ("application/json", "text/plain", "text/html",
                         "application/xhtml+xml"):
            raise ApiError(415, "unsupported-type", f"content type {ctype!r} is not "
                           "supported; use text/plain, text/html or application/json")

        gave_up = threading.Event()

        def work() -> dict[str, Any]:
            # the budget interrupts the analysing thread itself, so a runaway document
            # does not keep the pipeline (and every later request) busy after the timeout
            with state.pipe_lock:
                if gave_up.is_set():  # timed out while waiting for the pipeline
                    return {}
                pipe = state.pipeline()  # loading the models is not the document's time
                with state.budget:
                    return _work(pipe)

        def _work(pipe: Pipeline) -> dict[str, Any]:
            if ctype == "application/json":
                try:
                    obj = json.loads(text)
                except (ValueError, RecursionError) as err:  # nesting too deep: RecursionError
                    raise ApiError(400, "bad-json", f"invalid JSON: {err}") from None
                raw = record_to_raw(obj, path="<request>", warnings=warnings)
                if published and raw.published is None:
                    raw = _replace(raw, published=published)
                if source and raw.site is None:
                    raw = _replace(raw, site=source)
            else:
                kind = "html" if sniff(text, None) == "html" else "text"
                raw = RawArticle(body=text, kind=kind,
                                 published=published, site=source, warnings=tuple(warnings))
            return pipe(raw).to_json()

        timeout = ApiError(503, "timeout", f"the analysis took longer than "
                           f"{analyze_timeout:g}s; send a shorter text")
        try:
            doc = await asyncio.wait_for(asyncio.to_thread(work), analyze_timeout + 5)
        except (TimeoutError, DocumentTimeout):
            gave_up.set()
            raise timeout from None
        except MarsadError as err:
            if isinstance(err.__cause__, DocumentTimeout):
                raise timeout from None
            raise
        return JSONResponse(doc)

    @app.get("/api/stats", tags=["store"], summary="Counts of what is stored")
    def stats() -> Any:
        return run(lambda s: s.stats())

    @app.get("/api/articles", tags=["store"], summary="Stored articles (paginated)")
    def articles(f: Annotated[Filters, _filters_dep()], limit: Limit = 50,
                 cursor: str | None = None) -> Any:
        return run(lambda s: s.articles(f, limit, cursor).to_json())

    @app.get("/api/articles/{article_id}", tags=["store"],
             summary="One stored marsad.article/1 document")
    def article(article_id: str) -> Any:
        doc = run(lambda s: s.article(article_id))
        if doc is None:
            raise ApiError(404, "not-found", f"no article with id {article_id!r}")
        return doc

    @app.get("/api/events", tags=["store"], summary="Events (paginated, or an export)",
             description="format=json (default, paginated) or one of the export formats "
             "gdelt (GDELT 2.0, 61 tab-separated columns) and plover (JSON lines), which "
             "return every event that passes the filters.")
    def events(f: Annotated[Filters, _filters_dep()], limit: Limit = 50,
               cursor: str | None = None,
               format: Annotated[str, Query(pattern="^(json|gdelt|plover)$")] = "json"
               ) -> Any:
        if format == "json":
            return run(lambda s: s.events(f, limit, cursor).to_json())
        from ..export.gdelt import gdelt_lines
        from ..export.plover import plover_record

        evs = run(lambda s: list(s.iter_events(f)))
        lines: Iterator[str]
        if format == "gdelt":
            lines = gdelt_lines(evs)
            media = "text/tab-separated-values; charset=utf-8"
        else:
            lines = (json.dumps(plover_record(e), ensure_ascii=False) + "\n" for e in evs)
            media = "application/x-ndjson; charset=utf-8"
        return StreamingResponse(lines, media_type=media)

    @app.get("/api/events/timeline", tags=["store"],
             summary="Event counts by QuadClass per day or week")
    def timeline(f: Annotated[Filters, _filters_dep()],
                 bucket: Annotated[str, Query(pattern="^(day|week)$")] = "day") -> Any:
        return {"items": run(lambda s: s.timeline(f, bucket)), "bucket": bucket}

    @app.get("/api/network", tags=["store"],
             summary="Who acts on whom: nodes and weighted edges")
    def network(f: Annotated[Filters, _filters_dep()], limit: Limit = 300) -> Any:
        return run(lambda s: s.network(f, limit))

    @app.get("/api/places", tags=["store"], summary="Events by place, for the map")
    def places(f: Annotated[Filters, _filters_dep()], limit: Limit = 500) -> Any:
        return {"items": run(lambda s: s.places(f, limit))}

    @app.get("/api/actors", tags=["store"], summary="Actors of the corpus (paginated)")
    def actors(q: str | None = None, type: str | None = None, limit: Limit = 50,
               cursor: str | None = None) -> Any:
        return run(lambda s: s.actors(q, type, limit, cursor).to_json())

    @app.get("/api/actors/{actor_id}", tags=["store"],
             summary="One actor: names, codes, quotes, events, counterparts")
    def actor(actor_id: str) -> Any:
        out = run(lambda s: s.actor(actor_id))
        if out is None:
            raise ApiError(404, "not-found", f"no actor with id {actor_id!r}")
        return out

    @app.get("/api/quotes", tags=["store"], summary="Quotations (paginated)")
    def quotes(f: Annotated[Filters, _filters_dep()], limit: Limit = 50,
               cursor: str | None = None) -> Any:
        return run(lambda s: s.quotes(f, limit, cursor).to_json())

    @app.get("/api/search", tags=["store"],
             summary="Full-text search over articles and quotations",
             description="Arabic is matched after normalisation and with proclitics split "
             "(القدس finds بالقدس). Each hit has a snippet and the match offsets.")
    def search(q: Annotated[str, Query(min_length=1, max_length=500)], limit: Limit = 20,
               cursor: str | None = None,
               kind: Annotated[str | None, Query(pattern="^(article|quote)$")] = None
               ) -> Any:
        kinds = (kind,) if kind else ("article", "quote")
        return run(lambda s: s.search(q, limit, cursor, kinds).to_json())

    @app.api_route("/api/{rest:path}", methods=["GET", "POST", "PUT", "DELETE", "PATCH"],
                   include_in_schema=False)
    def api_missing(rest: str) -> Any:
        raise ApiError(404, "not-found", f"no API endpoint /api/{rest}; see /docs")

    # -- UI --------------------------------------------------------------------------------
    static = resources.files("marsad.server") / "static"
    app.mount("/static", StaticFiles(directory=str(static)), name="static")

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(str(static / "index.html"), media_type="text/html")

    return app


def _decode_body(body: bytes, params: str) -> tuple[str, list[str]]:
    """The body as text: the charset the client names, else what reading a file does (BOMs,
    UTF-8, a detected legacy encoding such as Windows-1256, else UTF-8 with replacements
    and a warning that says where)."""
    charset = next((v.strip().strip('"').lower() for k, _, v in
                    (p.partition("=") for p in params.split(";")) if k.strip() == "charset"),
                   None)
    if charset and charset.replace("-", "").replace("_", "") not in ("utf8", "usascii"):
        try:
            return body.decode(charset), []
        except LookupError:
            raise ApiError(415, "unsupported-charset", f"unknown charset {charset!r}; "
                           "send UTF-8") from None
        except UnicodeDecodeError as err:
            raise ApiError(400, "bad-encoding", f"the body is not {charset} ({err.reason} "
                           f"at byte {err.start}); send UTF-8") from None
    return decode_bytes(body, "the request body")


def _replace(raw: Any, **changes: Any) -> Any:
    import dataclasses

    return dataclasses.replace(raw, **changes)


async def _read_body(request: Request, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError(413, "too-large", f"request bodies are limited to {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _filters_dep() -> Any:
    from fastapi import Depends

    def dep(actor: str | None = None, role: str | None = None, source: str | None = None,
            target: str | None = None, cameo: str | None = None,
            quad_class: Annotated[int | None, Query(ge=1, le=4)] = None,
            date_from: Annotated[date | None, Query(alias="from")] = None,
            date_to: Annotated[date | None, Query(alias="to")] = None,
            site: str | None = None, text: str | None = None,
            article: str | None = None, place: str | None = None) -> Filters:
        try:
            return Filters(actor=actor or None, role=role or None, source=source or None,
                           target=target or None, cameo=cameo or None, quad_class=quad_class,
                           date_from=date_from, date_to=date_to, site=site or None,
                           text=text or None, article=article or None,
                           place=place or None)
        except QueryError as err:
            raise ApiError(400, err.code, str(err)) from None

    return Depends(dep)
