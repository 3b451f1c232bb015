"""The print desk web app (Flask): the online version, plus a form that returns a PDF.

Privacy by construction: form values live only in the request and the render child's
memory; there is no request log, errors are logged by type only, and responses are not
cached.
"""

from __future__ import annotations

import logging
import socket
import threading
from pathlib import Path
from typing import Callable, Mapping

from flask import Flask, Response, current_app, redirect, request, send_from_directory
from werkzeug.exceptions import BadRequest, Forbidden, HTTPException, NotFound
from werkzeug.serving import WSGIRequestHandler, make_server

from leaflets.assemble.leaflet import translator
from leaflets.content.clinic import Clinic
from leaflets.content.tree import Content
from leaflets.desk import fhir, infobutton, live
from leaflets.desk.form import FIELDS, LIMITS, FormError, read_leaflet, read_order
from leaflets.desk.worker import DeskBusy, Renderer, RenderFailed, RenderTimeout
from leaflets.paper import Paper
from leaflets.render.html import environment

MAX_BODY_BYTES = 16 * 1024
LOOPBACK = ("127.0.0.1", "localhost", "::1")  # what --host may say
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")  # what a Host header may say then
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    # Nothing leaves for other sites; the desk's own forms carry their true Origin (with
    # no-referrer, a browser sends `Origin: null`, which any sandboxed page can send too).
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
log = logging.getLogger("leaflets.desk")


class DeskApp(Flask):
    def log_exception(self, exc_info) -> None:  # type: ignore[no-untyped-def]
        # A traceback's messages could quote what was typed; the type is enough to act on.
        log.error("print desk error: %s", exc_info[0].__name__ if exc_info[0] else "unknown")


class QuietHandler(WSGIRequestHandler):
    """No access log: request lines and errors could carry what a clinician typed."""

    def log(self, type: str, message: str, *args: object) -> None:
        pass


def _choices(content: Content) -> dict[str, list[tuple[str, str]]]:
    """The form's options, labelled in the source language (languages in their own)."""
    config = content.project.config
    source = config.source_language
    labels = content.locales[source].audiences
    return {
        "topic": [(m.id, m.texts[source].title) for m in content.modules.values()],
        "lang": [(lang, content.locales[lang].name) for lang in config.languages],
        "audience": [(a, labels.get(a, a)) for a in config.audiences],
        "paper": [(paper.value, paper.label) for paper in Paper],
    }


def _not_available(content: Content) -> list[str]:
    """What the desk cannot print, and why: topics missing a language, modules with errors."""
    config = content.project.config
    source = config.source_language
    lines = [f"{module.texts[source].title} in {content.locales[lang].name}: {gap.reason}"
             for module in content.modules.values()
             for lang, gap in module.unavailable.items() if lang in content.locales]
    folder = content.project.content_dir
    broken = sorted({Path(error.path).relative_to(folder).parts[0] for error in content.errors
                     if Path(error.path).is_relative_to(folder)})
    return lines + [f"{topic}: not printable until its errors are fixed (see the terminal)"
                    for topic in broken]


def _defaults(content: Content, profile: Clinic | None) -> dict[str, str]:
    config = content.project.config
    return {
        "topic": next(iter(content.modules), ""), "lang": config.source_language,
        "audience": next(iter(config.audiences)), "paper": config.paper, "large_print": "",
        "clinic_name": profile.name if profile else "",
        "clinic_phone": profile.phone if profile else "",
        "clinic_address": "\n".join(profile.address) if profile else "",
        "patient_name": "", "note": "",
    }


class Desk:
    """What the desk's pages share: the content, the clinic profile, the templates, the renderer."""

    def __init__(self, content: Content, profile: Clinic | None, timeout: float,
                 renderer: Renderer, rebuilds: live.Rebuilds | None = None) -> None:
        self.timeout = timeout
        self.renderer = renderer
        self.rebuilds = rebuilds  # pages reload after each rebuild (`leaflets serve` watching)
        self._use(content, profile)

    def _use(self, content: Content, profile: Clinic | None) -> None:
        self.content = content
        self.profile = profile
        self.env = environment(tuple(content.project.template_dirs))
        self.output: Path = content.project.output_dir
        self.t = translator(content, content.project.config.source_language)

    def reload(self, content: Content, profile: Clinic | None) -> None:
        """Serve and print from `content` from now on; orders already rendering finish."""
        self.renderer.reload(content)
        self._use(content, profile)

    def page(self, template: str, status: int = 200, **context: object) -> Response:
        html = self.env.get_template(template).render(
            t=self.t, root="/", clinic=self.profile, web=True, limits=LIMITS,
            publisher=self.content.project.config.publisher, **context)
        return Response(html, status=status, mimetype="text/html")

    def form(self, values: Mapping[str, str], error: FormError | str | None = None,
             status: int = 200) -> Response:
        return self.page("site/desk.html", status, values=values, choices=_choices(self.content),
                         error=str(error) if error else "",
                         error_field=getattr(error, "field", ""),
                         not_available=_not_available(self.content),
                         site_built=(self.output / "index.html").is_file())

    def prefilled(self, defaults: dict[str, str]) -> Response:
        """The form, with the leaflet a link chose (?topic=..&lang=..&audience=..)."""
        asked = {field: request.args[field] for field in ("topic", "lang", "audience")
                 if field in request.args}
        if any(len(request.args.getlist(field)) > 1 for field in asked):
            return self.form(defaults, "each field may be sent only once", 400)
        try:
            read_leaflet({**defaults, **asked}, self.content)
        except FormError as exc:
            return self.form(defaults, exc, 400)
        return self.form({**defaults, **asked})

    def leaflet(self) -> Response:
        """The personalised PDF, or the form again with what to change."""
        values = {field: request.form.get(field, "") for field in FIELDS}
        if any(len(request.form.getlist(field)) > 1 for field in FIELDS):
            return self.form(values, "each field may be sent only once", 400)
        try:
            order = read_order(values, self.content, self.profile)
            as_fhir = fhir.wanted(request)
        except FormError as exc:
            return self.form(values, exc, 400)
        try:
            pdf = self.renderer.render(order)
        except RenderFailed as exc:
            return self.form(values, f"The leaflet could not be made: {exc}.", 400)
        except DeskBusy as exc:
            busy = self.form(values, str(exc), 503)
            busy.headers["Retry-After"] = "1"
            return busy
        except RenderTimeout:
            return self.form(values, f"Making the leaflet took longer than {self.timeout:g} "
                             "seconds. Please try again in a moment.", 503)
        if as_fhir:
            return fhir.response(self.content, order.key, pdf, order.key.pdf_name)
        return Response(pdf, mimetype="application/pdf", headers={
            "Content-Disposition": f'inline; filename="{order.key.pdf_name}"',
            "Cache-Control": "no-store"})

    def online(self, path: str = "") -> Response:
        """A file of the built online version."""
        if path == "" or path.endswith("/"):
            path += "index.html"
        if any(part.startswith(".") for part in path.split("/")):
            raise NotFound()  # the build manifest, its journal, a killed build's leftovers
        try:
            return self._reloading(send_from_directory(self.output, path))
        except NotFound:
            if path == "index.html":  # under `serve`, it reloads once the first build is done
                return self._reloading(self.page(
                    "site/message.html", 404, heading="The online version is not built",
                    message="Run `leaflets build`, then reload this page. The print desk "
                            "works without it."))
            raise

    def _reloading(self, response: Response) -> Response:
        """A page with the reload script, when pages reload after rebuilds."""
        if self.rebuilds is None or response.mimetype != "text/html" \
                or response.status_code not in (200, 404):
            return response
        response.direct_passthrough = False  # a file's bytes, read to add the script
        page = live.with_script(response.get_data(), self.rebuilds.count)
        return Response(page, response.status_code, mimetype="text/html",
                        headers={"Cache-Control": "no-store"})

    def http_error(self, exc: HTTPException) -> Response:
        code = exc.code or 500
        return self.page("site/message.html", code, heading=exc.name,
                         message=HTTP_MESSAGES.get(code, "Something went wrong."))


HTTP_MESSAGES = {
    400: "The request could not be read. Go back to the print desk and try again.",
    403: "The print desk accepts forms from its own page only. Open /desk/ at this address "
         "and send the form from there.",
    404: "There is no page at this address.",
    405: "This address does not accept that kind of request.",
    413: f"The form sent more than {MAX_BODY_BYTES // 1024} KB. Shorten the text and try again.",
}


def host_name(host: str) -> str:
    """The name in a Host header, without its port, in lower case ("[::1]:8000" → "[::1]")."""
    host = host.strip().lower()
    if host.startswith("["):
        return host.partition("]")[0] + "]"
    return host.rpartition(":")[0] if host.count(":") == 1 else host


def foreign_form() -> bool:
    """A POST that a page of another site (or a sandboxed, `null` one) made the browser send.

    Browsers send Origin with every POST, and most send Sec-Fetch-Site, which a page cannot
    forge; `Origin: null` passes only with Sec-Fetch-Site: same-origin (a page of this desk
    served before its referrer policy changed). Tools like curl send neither, and cannot be
    used for cross-site forgery.
    """
    origin = request.headers.get("Origin")
    site = request.headers.get("Sec-Fetch-Site")
    own = f"{request.scheme}://{request.headers.get('Host', '')}".lower()
    if site is not None and site != "same-origin":
        return True
    if origin is None or origin.lower() == own:
        return False
    return not (origin == "null" and site == "same-origin")


def check_request() -> Response | None:
    hosts = current_app.config["DESK_HOSTS"]
    if hosts and host_name(request.headers.get("Host", "")) not in hosts:
        raise BadRequest()  # a page on another site that rebinds its name to us (DNS rebinding)
    if request.method == "POST" and foreign_form():
        raise Forbidden("Forms are accepted from this desk's own page only.")
    return None


def add_headers(response: Response) -> Response:
    response.headers.update(SECURITY_HEADERS)
    if current_app.config["LIVE_RELOAD"]:
        response.headers["Content-Security-Policy"] += f"; {live.CSP}"
    if request.path.startswith("/desk/"):
        response.headers["Cache-Control"] = "no-store"
    return response


def create_app(content: Content, profile: Clinic | None, *, timeout: float = 30.0,
               loopback_only: bool = True, workers: int | None = None,
               queue_length: int | None = None, warm: bool = False,
               rebuilds: live.Rebuilds | None = None) -> Flask:
    """The desk's app: `workers` render processes (default: one per core) behind a queue of
    `queue_length` orders (default: a few per worker); `warm` renders one stock leaflet in
    each worker first, so even the first order is quick (`leaflets serve` does). With
    `rebuilds`, pages of the online version reload after each rebuild."""
    app = DeskApp("leaflets.desk", static_folder=None)
    app.config.update(MAX_CONTENT_LENGTH=MAX_BODY_BYTES, MAX_FORM_MEMORY_SIZE=MAX_BODY_BYTES,
                      MAX_FORM_PARTS=len(FIELDS) + 10)
    # On loopback, only loopback names: refuses other sites rebinding their name to 127.0.0.1.
    app.config["DESK_HOSTS"] = LOOPBACK_HOSTS if loopback_only else ()
    app.config["LIVE_RELOAD"] = rebuilds is not None
    renderer = Renderer(content, timeout, workers, queue_length, warm)
    desk = Desk(content, profile, timeout, renderer, rebuilds)
    app.extensions["desk"] = desk

    def unexpected(exc: Exception) -> Response:
        app.log_exception((type(exc), exc, None))
        return desk.page("site/message.html", 500, heading="Something went wrong",
                         message="The desk could not finish this request. Try again; if it "
                                 "keeps happening, restart `leaflets serve`.")

    app.before_request(check_request)
    app.get("/desk/", endpoint="desk_form")(
        lambda: desk.prefilled(_defaults(desk.content, desk.profile)))
    # A reload or bookmark of the result: start afresh.
    app.get("/desk/leaflet", endpoint="desk_leaflet_again")(lambda: redirect("/desk/", 303))
    app.post("/desk/leaflet")(desk.leaflet)
    infobutton.register(app, lambda: desk.content, desk.page)
    if rebuilds is not None:
        live.register(app, rebuilds)
    app.get("/", endpoint="online_root")(desk.online)
    app.get("/<path:path>")(desk.online)
    app.register_error_handler(HTTPException, desk.http_error)
    app.register_error_handler(Exception, unexpected)
    app.after_request(add_headers)
    return app


def serve(app: Flask, host: str, port: int, announce: Callable[[str], None],
          meanwhile: Callable[[], None] | None = None) -> None:
    """Serve until interrupted; `announce` gets the desk's address once it listens.

    With `meanwhile`, requests are answered in a thread of their own while `meanwhile` runs
    in this one (the main thread, where signals arrive), until it returns or is interrupted.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # Bound here, so a taken port is our clear error rather than the server's exit.
    listener = socket.create_server((host, port), family=family)
    port = listener.getsockname()[1]
    server = make_server(host, port, app, threaded=True, request_handler=QuietHandler,
                         fd=listener.detach())
    shown = f"[{host}]" if ":" in host else host
    announce(f"http://{shown}:{port}")
    try:
        if meanwhile is None:
            server.serve_forever()
        else:
            threading.Thread(target=server.serve_forever, daemon=True).start()
            try:
                meanwhile()
            finally:
                server.shutdown()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
