"""The editor's web application: the pages (Jinja2, autoescaped; everything else drawn by
our own JavaScript modules from the API, as text), the JSON API under /api/v1 the pages
use, and the event stream of units changed on disk. Starlette routes, no magic."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..errors import TranskitError
from ..project import Project
from .editor import Editor, EditorError
from .security import MAX_BODY, Access, Guard
from .suggest import Suggestions
from .watch import Watcher

HERE = Path(__file__).parent
POLL = 0.5  # seconds between two looks at the locales folder
HEARTBEAT = 15.0  # seconds between two comments on an idle event stream


class Hub:
    """The open event streams: each a queue, fed from any thread."""

    def __init__(self) -> None:
        self.queues: set[asyncio.Queue[dict[str, Any] | None]] = set()
        self.loop: asyncio.AbstractEventLoop | None = None
        self.stopping = False

    def publish(self, event: dict[str, Any]) -> None:
        loop = self.loop
        if loop is None or loop.is_closed():
            return
        for queue in list(self.queues):
            try:
                loop.call_soon_threadsafe(queue.put_nowait, event)
            except RuntimeError:  # the loop closed meanwhile: the server is stopping
                return

    def stop(self) -> None:
        self.stopping = True
        loop = self.loop
        if loop is not None:
            for queue in list(self.queues):
                loop.call_soon_threadsafe(queue.put_nowait, None)


class Service:
    """What the routes share: the editor, the suggestions, the event hub."""

    def __init__(self, project: Project, engines: list[str]):
        config = project.config
        self.config = config
        self.editor = Editor(project, engines)
        self.suggestions = Suggestions(project, self.editor.engine_names)
        self.hub = Hub()
        self.editor.on_changed = self._changed

    def _changed(self, path: Path, ids: list[str], error: str | None) -> None:
        lang, doc = path.parent.name, path.name.rsplit(".", 1)[0]
        self.hub.publish({"kind": "units", "document": doc, "lang": lang, "ids": ids,
                          "error": error})


def _templates() -> Any:
    import jinja2

    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(HERE / "templates")),
                              autoescape=True, undefined=jinja2.StrictUndefined)


def create_app(project: Project, access: Access, engines: list[str] | None = None
               ) -> tuple[Guard, Service]:
    config = project.config
    service = Service(project, engines or [])
    templates = _templates()

    def page(request: Request, name: str, **values: Any) -> HTMLResponse:
        html = templates.get_template(name).render(
            project=config.name, token=request.scope["state"]["token"],
            translator=request.scope["state"]["translator"], **values)
        return HTMLResponse(html)

    async def project_page(request: Request) -> Response:
        return page(request, "project.html")

    async def document_page(request: Request) -> Response:
        name = request.path_params["doc"]
        doc = await run_in_threadpool(service.editor.document, name)
        return page(request, "document.html", doc=doc.name, source_language=doc.source_language,
                    languages=service.editor.targets(doc))

    async def documents(request: Request) -> Response:
        return JSONResponse(await run_in_threadpool(service.editor.documents_data))

    async def units(request: Request) -> Response:
        ids = request.query_params.get("ids")
        if not ids:
            body = await run_in_threadpool(service.editor.units_json, request.path_params["doc"])
            return Response(body, media_type="application/json")
        data = await run_in_threadpool(service.editor.units, request.path_params["doc"],
                                       set(ids.split(",")))
        return JSONResponse(data)

    async def findings(request: Request) -> Response:
        data = await run_in_threadpool(service.editor.findings, request.path_params["doc"])
        return JSONResponse({"document": request.path_params["doc"], "findings": data})

    async def save(request: Request) -> Response:
        body = await _json_body(request)
        text, state, base = body.get("text"), body.get("state", "translated"), body.get("base")
        if not isinstance(text, str) or not isinstance(state, str):
            raise EditorError(400, "the body is {\"text\": string, \"state\": \"translated\" "
                                   "| \"fuzzy\", \"base\": string}")
        if not isinstance(base, str):
            raise EditorError(400, "\"base\" (the text the editor started from: \"\" for an "
                                   "untranslated unit) is required")
        p = request.path_params
        saved = await run_in_threadpool(service.editor.save, p["doc"], p["id"], p["lang"], text,
                                        state, base, request.scope["state"]["translator"])
        doc = service.editor.document(p["doc"])
        service.suggestions.learn(project.locales / p["lang"] / f"{doc.name}.po",
                                  doc.source_language, p["lang"], doc.name)
        return JSONResponse(saved)

    async def suggestions(request: Request) -> Response:
        p = request.path_params
        lang = request.query_params.get("lang", "")
        editor = service.editor
        doc = await run_in_threadpool(editor.document, p["doc"])
        editor.language(doc, lang)
        data = await run_in_threadpool(editor.units, doc.name, {p["id"]})
        if not data["units"]:
            raise EditorError(404, f"no unit {p['id']} in {doc.name}")
        source = data["units"][0]["source"]
        memory = run_in_threadpool(service.suggestions.memory, source, doc.source_language,
                                   lang)
        drafts = run_in_threadpool(service.suggestions.drafts, source, doc.source_language,
                                   lang)
        (matches, memory_problem), (machine, problems) = await asyncio.gather(memory, drafts)
        terms = await run_in_threadpool(editor.glossary_terms, source, doc.source_language,
                                        lang)
        if memory_problem:
            problems.insert(0, memory_problem)
        return JSONResponse({"id": p["id"], "lang": lang, "suggestions": matches + machine,
                             "glossary": terms, "problems": problems})

    async def events(request: Request) -> Response:
        queue: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()
        service.hub.queues.add(queue)

        async def stream() -> AsyncIterator[str]:
            try:
                yield "retry: 2000\n\n"
                while not service.hub.stopping:
                    try:
                        event = await asyncio.wait_for(queue.get(), HEARTBEAT)
                    except TimeoutError:
                        yield ": still here\n\n"
                        continue
                    if event is None:
                        break
                    yield f"event: {event['kind']}\ndata: {json.dumps(event)}\n\n"
            finally:
                service.hub.queues.discard(queue)

        return StreamingResponse(stream(), media_type="text/event-stream",
                                 headers={"x-accel-buffering": "no"})

    async def watch() -> None:
        watcher = await run_in_threadpool(Watcher, service.editor)
        while not service.hub.stopping:
            await asyncio.sleep(POLL)
            try:
                found = await run_in_threadpool(watcher.scan)
            except TranskitError:
                continue  # a folder that vanished for a moment: the next look tells
            for event in found:
                service.hub.publish(event)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        service.hub.loop = asyncio.get_running_loop()
        task = asyncio.create_task(watch())
        try:
            yield
        finally:
            service.hub.stop()
            task.cancel()
            await run_in_threadpool(service.suggestions.close)

    async def error(request: Request, exc: Exception) -> Response:
        if isinstance(exc, EditorError):
            return JSONResponse({"error": str(exc), **exc.details}, exc.status)
        if isinstance(exc, TranskitError):
            return JSONResponse({"error": str(exc)}, 422)
        if isinstance(exc, HTTPException):
            return JSONResponse({"error": exc.detail}, exc.status_code)
        return JSONResponse({"error": "internal error (see the server's output)"}, 500)

    api = "/api/v1"
    routes = [
        Route("/", project_page),
        Route("/documents/{doc}", document_page),
        Route(f"{api}/documents", documents),
        Route(f"{api}/documents/{{doc}}/units", units),
        Route(f"{api}/documents/{{doc}}/findings", findings),
        Route(f"{api}/documents/{{doc}}/units/{{id}}/suggestions", suggestions),
        Route(f"{api}/documents/{{doc}}/units/{{id}}/{{lang}}", save, methods=["PUT"]),
        Route(f"{api}/events", events),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    app = Starlette(routes=routes, lifespan=lifespan,
                    exception_handlers={EditorError: error, TranskitError: error,
                                        HTTPException: error, Exception: error})
    app.state.service = service
    return Guard(app, access), service


async def _json_body(request: Request) -> dict[str, Any]:
    """The request's JSON object, read with the body limit held (a chunked body too)."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise EditorError(413, f"request body over {MAX_BODY} bytes")
        chunks.append(chunk)
    try:
        body = json.loads(b"".join(chunks).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise EditorError(400, f"malformed JSON: {exc}") from None
    except RecursionError:  # arrays nested thousands deep
        raise EditorError(400, "malformed JSON: nested too deeply") from None
    try:  # a \ud800 escape decodes to a lone surrogate: no text, nothing to store or echo
        json.dumps(body, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise EditorError(400, "malformed JSON: a lone surrogate is not a character") from None
    if not isinstance(body, dict):
        raise EditorError(400, "the body must be a JSON object")
    return body
