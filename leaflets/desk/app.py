"""The print desk web app (Flask): the online version, plus a form that returns a PDF.

Privacy by construction: form values live only in the request and the render child's
memory; there is no request log, errors are logged by type only, and responses are not
cached.
"""

from __future__ import annotations

import logging
import socket
from pathlib import Path
from typing import Mapping

from flask import Flask, Response, redirect, request, send_from_directory
from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.serving import WSGIRequestHandler, make_server

from leaflets.assembly import translator
from leaflets.clinic import Clinic
from leaflets.desk.form import FIELDS, LIMITS, FormError, read_order
from leaflets.desk.worker import DeskBusy, Renderer, RenderFailed, RenderTimeout
from leaflets.render.html import environment
from leaflets.validation import Content

MAX_BODY_BYTES = 16 * 1024
LOOPBACK = ("127.0.0.1", "localhost", "::1")
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
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
        "paper": [("a4", "A4"), ("letter", "US Letter")],
    }


def _defaults(content: Content, profile: Clinic | None) -> dict[str, str]:
    config = content.project.config
    return {
        "topic": next(iter(content.modules)), "lang": config.source_language,
        "audience": next(iter(config.audiences)), "paper": config.paper, "large_print": "",
        "clinic_name": profile.name if profile else "",
        "clinic_phone": profile.phone if profile else "",
        "clinic_address": "\n".join(profile.address) if profile else "",
        "patient_name": "", "note": "",
    }


def create_app(content: Content, profile: Clinic | None, *, timeout: float = 30.0,
               loopback_only: bool = True) -> Flask:
    app = DeskApp("leaflets.desk", static_folder=None)
    app.config.update(MAX_CONTENT_LENGTH=MAX_BODY_BYTES, MAX_FORM_MEMORY_SIZE=MAX_BODY_BYTES,
                      MAX_FORM_PARTS=len(FIELDS) + 10)
    if loopback_only:
        # Refuses pages on other sites that rebind their name to 127.0.0.1 (DNS rebinding).
        app.config["TRUSTED_HOSTS"] = ["localhost", "127.0.0.1", "[::1]"]
    env = environment(tuple(content.project.template_dirs))
    renderer = Renderer(content, timeout)
    output: Path = content.project.output_dir
    t = translator(content, content.project.config.source_language)

    def page(template: str, status: int = 200, **context: object) -> Response:
        html = env.get_template(template).render(
            t=t, root="/", clinic=profile, web=True, limits=LIMITS,
            publisher=content.project.config.publisher, **context)
        return Response(html, status=status, mimetype="text/html")

    def desk(values: Mapping[str, str], error: FormError | str | None = None,
             status: int = 200) -> Response:
        return page("site/desk.html", status, values=values, choices=_choices(content),
                    error=str(error) if error else "",
                    error_field=getattr(error, "field", ""), site_built=(output / "index.html").is_file())

    @app.before_request
    def check_request() -> Response | None:
        _ = request.host  # validated against TRUSTED_HOSTS when bound to loopback
        origin = request.headers.get("Origin")
        if request.method == "POST" and origin not in (None, "null", request.host_url.rstrip("/")):
            return Response("Forms are accepted from this desk's own page only.", 403,
                            mimetype="text/plain")
        return None

    @app.get("/desk/")
    def desk_form() -> Response:
        return desk(_defaults(content, profile))

    @app.get("/desk/leaflet")
    def desk_leaflet_again() -> Response:
        return redirect("/desk/", 303)  # a reload or bookmark of the result: start afresh

    @app.post("/desk/leaflet")
    def desk_leaflet() -> Response:
        values = {field: request.form.get(field, "") for field in FIELDS}
        if any(len(request.form.getlist(field)) > 1 for field in FIELDS):
            return desk(values, "each field may be sent only once", 400)
        try:
            order = read_order(values, content, profile)
        except FormError as exc:
            return desk(values, exc, 400)
        try:
            pdf = renderer.render(order)
        except RenderFailed as exc:
            return desk(values, f"The leaflet could not be made: {exc}.", 400)
        except (RenderTimeout, DeskBusy):
            return desk(values, f"Making the leaflet took longer than {timeout:g} seconds. "
                        "Please try again in a moment.", 503)
        return Response(pdf, mimetype="application/pdf", headers={
            "Content-Disposition": f'inline; filename="{order.key.pdf_name}"',
            "Cache-Control": "no-store"})

    @app.get("/")
    @app.get("/<path:path>")
    def online(path: str = "") -> Response:
        if path == "" or path.endswith("/"):
            path += "index.html"
        try:
            return send_from_directory(output, path)
        except NotFound:
            if path == "index.html":
                return page("site/message.html", 404, heading="The online version is not built",
                            message="Run `leaflets build`, then reload this page. The print "
                                    "desk works without it.")
            raise

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        messages = {
            400: "The request could not be read. Go back to the print desk and try again.",
            403: "This request is not allowed.",
            404: "There is no page at this address.",
            405: "This address does not accept that kind of request.",
            413: f"The form sent more than {MAX_BODY_BYTES // 1024} KB. Shorten the text "
                 "and try again.",
        }
        code = exc.code or 500
        return page("site/message.html", code, heading=exc.name,
                    message=messages.get(code, "Something went wrong."))

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Response:
        app.log_exception((type(exc), exc, None))
        return page("site/message.html", 500, heading="Something went wrong",
                    message="The desk could not finish this request. Try again; if it keeps "
                            "happening, restart `leaflets serve`.")

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers.update(SECURITY_HEADERS)
        if request.path.startswith("/desk/"):
            response.headers["Cache-Control"] = "no-store"
        return response

    return app


def serve(app: Flask, host: str, port: int, announce) -> None:  # type: ignore[no-untyped-def]
    """Serve until interrupted; `announce` gets the desk's address once it listens."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # Bound here, so a taken port is our clear error rather than the server's exit.
    listener = socket.create_server((host, port), family=family)
    port = listener.getsockname()[1]
    server = make_server(host, port, app, threaded=True, request_handler=QuietHandler,
                         fd=listener.detach())
    shown = f"[{host}]" if ":" in host else host
    announce(f"http://{shown}:{port}")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
