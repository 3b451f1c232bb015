"""GET /infobutton: the HL7 Infobutton URL-based knowledge request, answered as MedlinePlus
Connect answers it (an Atom feed as XML, the same feed as JSON, or a page listing the matches).

A record sends a diagnosis code with its system OID, the reader (PAT or PROV) and the
patient's language; each match carries its title, summary, online page, PDF and a link that
opens the print desk with that leaflet chosen.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Callable
from urllib.parse import urlencode
from xml.etree import ElementTree

from babel import Locale, UnknownLocaleError
from flask import Flask, Response, request
from werkzeug.datastructures import MultiDict

from leaflets.content.characters import NOT_TYPED
from leaflets.content.codes import CodeSystem, code_problem
from leaflets.content.tree import Content
from leaflets.outputs import LeafletKey
from leaflets.render.infobutton import (RECIPIENTS, answering_language, leaflet_entry,
                                       matching_topics)

CODE, SYSTEM, DISPLAY = ("mainSearchCriteria.v.c", "mainSearchCriteria.v.cs",
                         "mainSearchCriteria.v.dn")
RECIPIENT, LANGUAGE = "informationRecipient", "informationRecipient.languageCode.c"
RESPONSE_TYPE = "knowledgeResponseType"
RESPONSE_TYPES = ("text/html", "application/json", "text/xml")
MAX_VALUE = 200
MAX_QUERY_BYTES = 4096
ATOM = "http://www.w3.org/2005/Atom"


class InfobuttonError(Exception):
    """A request the endpoint cannot answer; the message says what to send instead."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Query:
    system: CodeSystem
    code: str
    display: str
    recipient: str  # PAT or PROV
    asked_lang: str  # as the record sent it
    lang: str  # the language answered in
    response_type: str

    @property
    def fallback(self) -> bool:
        return self.lang != self.asked_lang.split("-")[0].lower()

    @property
    def audience(self) -> str:
        return RECIPIENTS[self.recipient]


def _value(args: MultiDict[str, str], name: str, default: str | None = None) -> str:
    values = args.getlist(name)
    if len(values) > 1:
        raise InfobuttonError(400, f"send {name} once only")
    value = values[0].strip() if values else ""
    if len(value) > MAX_VALUE or NOT_TYPED.search(value) or "\n" in value:
        raise InfobuttonError(400, f"{name} is longer than {MAX_VALUE} characters or holds "
                              "control characters")
    if not value:
        if default is None:
            raise InfobuttonError(400, f"the parameter {name} is missing")
        return default
    return value


def _language(args: MultiDict[str, str], content: Content) -> tuple[str, str]:
    """The language asked for and the one answered in: the source language if none is made."""
    config = content.project.config
    asked = _value(args, LANGUAGE, config.source_language)
    primary = re.split(r"[-_]", asked)[0].lower()
    try:
        Locale.parse(primary)
    except (UnknownLocaleError, ValueError):
        raise InfobuttonError(400, f"{LANGUAGE}={asked!r} is not a language code; send an ISO "
                              "639 code such as en, nl or es") from None
    return asked, primary if primary in config.languages else config.source_language


def read_query(args: MultiDict[str, str], content: Content) -> Query:
    """Check the request's parameters; raise InfobuttonError saying what is wrong."""
    systems = ", ".join(f"{s.oid} ({s.label})" for s in CodeSystem)
    oid = _value(args, SYSTEM)
    system = CodeSystem.from_oid(oid.removeprefix("urn:oid:"))
    if system is None:
        raise InfobuttonError(400, f"unknown code system {oid!r}; {SYSTEM} is one of {systems}")
    code = _value(args, CODE).upper()
    problem = code_problem(system, code)
    if problem:
        raise InfobuttonError(400, f"{CODE}: {problem}")
    recipient = _value(args, RECIPIENT, "PAT").upper()
    if recipient not in RECIPIENTS:
        raise InfobuttonError(400, f"{RECIPIENT}={recipient!r} is not known; send PAT for the "
                              "patient leaflet or PROV for the clinician sheet")
    asked, lang = _language(args, content)
    return Query(system, code, _value(args, DISPLAY, ""), recipient, asked, lang,
                 response_type(args))


def response_type(args: MultiDict[str, str]) -> str:
    kind = _value(args, RESPONSE_TYPE, "text/html").lower()
    if kind not in RESPONSE_TYPES:
        raise InfobuttonError(400, f"{RESPONSE_TYPE}={kind!r} is not offered; send one of "
                              f"{', '.join(RESPONSE_TYPES)}")
    return kind


@dataclass(frozen=True)
class Answer:
    """One matching leaflet, with every address a record needs."""

    key: LeafletKey
    title: str
    summary: str
    page: str
    pdf: str
    desk: str
    updated: str


def answers(content: Content, query: Query, root: str) -> list[Answer]:
    """The leaflets answering the query, most specific code first; 404 when there are none."""
    matches = matching_topics(content, query.system, query.code)
    found = []
    for match in matches:
        module = content.modules[match.topic]
        if query.audience not in module.topic.audiences:
            continue
        key = LeafletKey(match.topic, answering_language(content, match.topic, query.lang),
                         query.audience)
        entry = leaflet_entry(content, key, root)
        desk = f"{root}desk/?" + urlencode({"topic": key.topic, "lang": key.lang,
                                            "audience": key.audience})
        found.append(Answer(key, entry["title"], entry["summary"], entry["page"], entry["pdf"],
                            desk, f"{module.topic.review.last_reviewed}T00:00:00Z"))
    if not found:
        whom = f" for {query.recipient}" if matches else ""
        raise InfobuttonError(404, f"no leaflet answers {query.system.label} code "
                              f"{query.code!r}{whom}")
    return found


def subtitle(query: Query, found: list[Answer]) -> str:
    said = f"leaflets for {query.system.label} {query.code}"
    if query.fallback:
        said += (f"; there is no leaflet in {query.asked_lang!r}, so these are in the source "
                 f"language {query.lang!r}")
    elif any(answer.key.lang != query.lang for answer in found):
        said += (f"; a leaflet not yet available in {query.lang!r} is given in the source "
                 "language")
    return said


def _categories(query: Query) -> list[dict[str, str]]:
    """The request as Atom categories, as MedlinePlus Connect echoes it; the language is the
    one answered in."""
    return [{"scheme": CODE, "term": query.code}, {"scheme": SYSTEM, "term": query.system.oid},
            {"scheme": DISPLAY, "term": query.display}, {"scheme": RECIPIENT,
                                                         "term": query.recipient},
            {"scheme": LANGUAGE, "term": query.lang}]


def _links(answer: Answer) -> list[dict[str, str]]:
    return [
        {"title": answer.title, "rel": "alternate", "type": "html", "href": answer.page},
        {"title": "PDF to print", "rel": "enclosure", "type": "application/pdf",
         "href": answer.pdf},
        {"title": "Print a personalised copy at the desk", "rel": "related", "type": "html",
         "href": answer.desk},
    ]


def feed(query: Query, found: list[Answer], root: str, publisher: str) -> dict[str, object]:
    """The Atom feed as JSON, in MedlinePlus Connect's shape (`_value` holds element text)."""
    updated = max(answer.updated for answer in found)
    return {"feed": {
        "xsi": "http://www.w3.org/2001/XMLSchema-instance", "base": root, "lang": query.lang,
        "title": {"_value": "leaflets Infobutton", "type": "text"},
        "subtitle": {"_value": subtitle(query, found), "type": "text"},
        "author": {"name": {"_value": publisher}, "uri": {"_value": root}},
        "updated": {"_value": updated},
        "category": _categories(query),
        "id": {"_value": f"{root}infobutton?" + urlencode(
            {CODE: query.code, SYSTEM: query.system.oid, RECIPIENT: query.recipient,
             LANGUAGE: query.lang})},
        "entry": [{
            "lang": answer.key.lang,
            "title": {"_value": answer.title, "type": "text"},
            "link": _links(answer),
            "id": {"_value": answer.page},
            "updated": {"_value": answer.updated},
            "summary": {"_value": answer.summary, "type": "text"},
        } for answer in found],
    }}


def _element(parent: ElementTree.Element, tag: str, value: object) -> None:
    """One feed member as Atom XML: `_value` becomes text, other keys attributes."""
    for item in value if isinstance(value, list) else [value]:
        child = ElementTree.SubElement(parent, f"{{{ATOM}}}{tag}")
        if not isinstance(item, dict):
            child.text = str(item)
            continue
        for key, member in item.items():
            if key == "_value":
                child.text = str(member)
            elif isinstance(member, (dict, list)):
                _element(child, key, member)
            else:
                child.set(key, str(member))


def atom_xml(document: dict[str, object]) -> bytes:
    """The same feed as Atom XML (the HL7 Infobutton SOA implementation guide's response)."""
    ElementTree.register_namespace("", ATOM)
    body: dict[str, object] = document["feed"]  # type: ignore[assignment]
    root = ElementTree.Element(f"{{{ATOM}}}feed")
    root.set("{http://www.w3.org/XML/1998/namespace}base", str(body["base"]))
    root.set("{http://www.w3.org/XML/1998/namespace}lang", str(body["lang"]))
    for tag, value in body.items():
        if tag in ("xsi", "base", "lang"):
            continue
        if tag == "entry":
            for entry in value:  # type: ignore[union-attr]
                element = ElementTree.SubElement(root, f"{{{ATOM}}}entry")
                element.set("{http://www.w3.org/XML/1998/namespace}lang", entry["lang"])
                for key, member in entry.items():
                    if key != "lang":
                        _element(element, key, member)
        else:
            _element(root, tag, value)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)


def _error(kind: str, error: InfobuttonError, page: Callable[..., Response]) -> Response:
    if kind == "application/json":
        return Response(json.dumps({"error": str(error)}), error.status,
                        mimetype="application/json")
    if kind == "text/xml":
        return Response(str(error), error.status, mimetype="text/plain")
    return page("site/message.html", error.status, heading="No leaflet for this request",
                message=str(error)[0].upper() + str(error)[1:] + ".")


def register(app: Flask, current: Callable[[], Content], page: Callable[..., Response]) -> None:
    """Add GET /infobutton to the desk; `current` gives the content the desk serves now, and
    `page` renders a site template as a response."""

    def infobutton() -> Response:
        content = current()
        args: MultiDict[str, str] = request.args  # type: ignore[assignment]
        try:
            if len(request.query_string) > MAX_QUERY_BYTES:
                raise InfobuttonError(414, f"the request is longer than {MAX_QUERY_BYTES} bytes")
            kind = response_type(args)
        except InfobuttonError as error:
            return _error("text/html", error, page)
        try:
            query = read_query(args, content)
            found = answers(content, query, request.host_url)
        except InfobuttonError as error:
            return _error(kind, error, page)
        headers = {"Content-Language": query.lang}
        if kind == "text/html":
            response = page("site/infobutton.html", query=query, answers=found,
                            language=content.locales[query.lang].name)
            response.headers.update(headers)
            return response
        document = feed(query, found, request.host_url, content.project.config.publisher)
        if kind == "application/json":
            return Response(json.dumps(document, ensure_ascii=False), mimetype=kind,
                            headers=headers)
        return Response(atom_xml(document), mimetype=kind, headers=headers)

    app.get("/infobutton", endpoint="infobutton")(infobutton)
