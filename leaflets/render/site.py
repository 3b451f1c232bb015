"""The online version: a static site of leaflet pages beside their PDFs, linked relatively.

Each page is one output job of the build (leaflets.build), rendered and written like a PDF.

Every link is relative and names index.html, so the site works from the file system as
well as from any static host whose root is `base_url`.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, replace
from typing import Mapping

from leaflets.assemble.leaflet import Leaflet, assemble, translator
from leaflets.content import markup
from leaflets.content.tree import Content
from leaflets.outputs import (INDEX, LeafletKey, RenderOptions, language_page_path, leaflet_keys,
                              page_path, pdf_output)
from leaflets.render.html import environment


@dataclass(frozen=True)
class SitePage:
    path: str  # relative to the output folder, with forward slashes
    html: str


@dataclass(frozen=True)
class LanguageLink:
    lang: str
    lang_tag: str
    name: str  # the language's name in itself
    title: str  # "Health leaflets in <language>", in that language
    href: str
    direction: str = "ltr"  # of the name and title, which are in that language


@dataclass(frozen=True)
class AudienceLink:
    label: str
    href: str
    pdf_href: str


@dataclass(frozen=True)
class TopicEntry:
    id: str
    title: str
    summary: str
    leaflets: tuple[AudienceLink, ...]


def _relative(target: str, from_page: str) -> str:
    return posixpath.relpath(target, posixpath.dirname(from_page) or ".")


def _root(from_page: str) -> str:
    depth = from_page.count("/")
    return "../" * depth


def _language_links(content: Content, from_page: str, target: Mapping[str, str]) -> list[LanguageLink]:
    links = []
    for lang, path in target.items():
        t = translator(content, lang)
        links.append(LanguageLink(lang, t.lang_tag, content.locales[lang].name,
                                  t("leaflets_in_language"), _relative(path, from_page),
                                  t.direction.value))
    return links


def _render(content: Content, template: str, path: str, lang: str, options: RenderOptions,
            **context: object) -> SitePage:
    env = environment(tuple(content.project.template_dirs))
    html = env.get_template(template).render(
        t=translator(content, lang, options.region), root=_root(path), clinic=options.clinic, web=True,
        publisher=content.project.config.publisher, **context)
    return SitePage(path, html)


def leaflet_page(content: Content, leaflet: Leaflet, pdf_size: int) -> SitePage:
    """The leaflet's own page: the same content as its PDF, and a link to download it."""
    key = leaflet.key
    path = page_path(key)
    others = {lang: page_path(LeafletKey(key.topic, lang, key.audience))
              for lang in content.modules[key.topic].texts if lang != key.lang}
    return _render(content, "site/leaflet.html", path, key.lang, leaflet.options,
                   leaflet=leaflet, pdf_kb=max(1, round(pdf_size / 1024)),
                   languages=_language_links(content, path, others))


def unavailable_page(content: Content, key: LeafletKey, options: RenderOptions) -> SitePage:
    """At a leaflet's address in a language its topic is not available in (yet): a page in
    that language that says so, and links the leaflet in the languages that have it."""
    path = page_path(key)
    module = content.modules[key.topic]
    links = [replace(link, title=markup.plain(module.texts[link.lang].title))
             for link in _language_links(content, path, {
                 lang: page_path(LeafletKey(key.topic, lang, key.audience))
                 for lang in module.texts})]
    return _render(content, "site/unavailable.html", path, key.lang, options,
                   key=key, languages=links)


def language_page(content: Content, lang: str, options: RenderOptions) -> SitePage:
    """The topics and audiences of one language."""
    path = language_page_path(lang)
    keys = [key for key in leaflet_keys(content) if key.lang == lang]
    locale = content.locales[lang]
    services = translator(content, lang, options.region).services
    topics = []
    for topic_id in dict.fromkeys(key.topic for key in keys):
        text = content.modules[topic_id].texts[lang]
        links = tuple(
            AudienceLink(locale.audiences[key.audience], _relative(page_path(key), path),
                         _relative(pdf_output(content, key, options), path))
            for key in (LeafletKey(topic_id, lang, audience)
                        for audience in content.project.config.audiences)
            if key in keys
        )
        topics.append(TopicEntry(topic_id, text.title, markup.plain(services(text.summary)),
                                 links))
    return _render(content, "site/language.html", path, lang, options, topics=topics)


def root_page(content: Content, options: RenderOptions) -> SitePage:
    """The language chooser, in the source language, each choice named in its own."""
    languages = {lang: language_page_path(lang) for lang in content.project.config.languages}
    return _render(content, "site/index.html", INDEX, content.project.config.source_language,
                   options, languages=_language_links(content, INDEX, languages))


def leaflet_page_bytes(content: Content, key: LeafletKey, options: RenderOptions,
                       pdf_size: int) -> bytes:
    """The leaflet's web page; it shows its PDF's size, so it renders after the PDF."""
    return leaflet_page(content, assemble(content, key, options), pdf_size).html.encode()


def unavailable_page_bytes(content: Content, key: LeafletKey, options: RenderOptions) -> bytes:
    return unavailable_page(content, key, options).html.encode()


def language_page_bytes(content: Content, lang: str, options: RenderOptions) -> bytes:
    return language_page(content, lang, options).html.encode()


def root_page_bytes(content: Content, options: RenderOptions) -> bytes:
    return root_page(content, options).html.encode()
