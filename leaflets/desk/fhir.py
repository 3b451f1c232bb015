"""The personalised PDF as a FHIR R4 DocumentReference, so a record can file what was given.

Asked for with `format=fhir` in the desk form, or with `Accept: application/fhir+json`.
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import datetime, timezone

from flask import Request, Response

from leaflets.assemble.leaflet import translator
from leaflets.content.tree import Content
from leaflets.desk.form import FormError
from leaflets.outputs import LeafletKey, leaflet_url

FHIR_JSON = "application/fhir+json"
FORMATS = ("", "pdf", "fhir")


def wanted(request: Request) -> bool:
    """Whether the request asks for a DocumentReference rather than the bare PDF."""
    chosen = request.form.get("format", "")
    if chosen not in FORMATS or len(request.form.getlist("format")) > 1:
        raise FormError("format", "send pdf or fhir, once")
    best = request.accept_mimetypes.best_match(["application/pdf", FHIR_JSON])
    return chosen == "fhir" or (chosen == "" and best == FHIR_JSON)


def _codes(content: Content, key: LeafletKey) -> list[dict[str, object]]:
    return [{"coding": [{"system": entry.system.uri, "code": entry.code,
                         "display": entry.display}], "text": entry.display}
            for entry in content.modules[key.topic].topic.codes]


def document_reference(content: Content, key: LeafletKey, pdf: bytes, file_name: str,
                       made: datetime) -> dict[str, object]:
    """A DocumentReference holding the PDF, its language, the topic's codes and the date."""
    module = content.modules[key.topic]
    text = module.texts[key.lang]
    t = translator(content, key.lang)
    when = made.astimezone(timezone.utc).isoformat(timespec="seconds")
    audience = content.locales[content.project.config.source_language].audiences.get(
        key.audience, key.audience)
    return {
        "resourceType": "DocumentReference",
        "status": "current",
        "docStatus": "final",
        "type": {"text": "Patient information leaflet"},
        "category": _codes(content, key),
        "date": when,
        "author": [{"display": content.project.config.publisher}],
        "description": f"{text.title} ({audience}, {key.lang}), version "
                       f"{module.topic.review.version}, reviewed "
                       f"{module.topic.review.last_reviewed}",
        "content": [{"attachment": {
            "contentType": "application/pdf",
            "language": t.lang_tag,
            "data": base64.b64encode(pdf).decode("ascii"),
            "url": leaflet_url(content, key),
            "size": len(pdf),
            "hash": base64.b64encode(hashlib.sha1(pdf).digest()).decode("ascii"),
            "title": file_name,
            "creation": when,
        }}],
    }


def response(content: Content, key: LeafletKey, pdf: bytes, file_name: str) -> Response:
    document = document_reference(content, key, pdf, file_name, datetime.now(timezone.utc))
    return Response(json.dumps(document, ensure_ascii=False), mimetype=FHIR_JSON,
                    headers={"Cache-Control": "no-store", "Vary": "Accept"})
