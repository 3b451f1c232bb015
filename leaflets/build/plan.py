"""The plan of a build: which leaflets are chosen, and one job per output file they need."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Iterable, Mapping

from leaflets.build.fingerprint import Fingerprints, options_parameters
from leaflets.build.jobs import OutputJob
from leaflets.content.tree import LOCALES_DIR, TOPIC_FILE, Content
from leaflets.outputs import (INDEX, INFOBUTTON_INDEX, LeafletKey, RenderOptions,
                              default_options, language_page_path, leaflet_keys, page_path,
                              pdf_output)
from leaflets.render.infobutton import index_json_bytes
from leaflets.render.leaflet import render_leaflet
from leaflets.render.site import (language_page_bytes, leaflet_page_bytes, root_page_bytes,
                                  unavailable_page_bytes)


@dataclass
class Planner:
    """Makes the jobs of one build, each with the fingerprint of everything it is made from."""

    content: Content
    options: RenderOptions
    pdf_sizes: Mapping[str, int]  # PDF sizes known already; a page renders with its PDF's size
    fingerprints: Fingerprints = field(init=False)

    def __post_init__(self) -> None:
        self.fingerprints = Fingerprints(self.content.project)

    def _fingerprint(self, inputs: list[Path], **parameters: object) -> str:
        return self.fingerprints.of(inputs, {**parameters,
                                             "options": options_parameters(self.options)})

    def _inputs(self, keys: Iterable[LeafletKey]) -> list[Path]:
        return sorted({path for key in keys
                       for path in self.fingerprints.leaflet_inputs(self.content, key)})

    def leaflet_jobs(self, key: LeafletKey) -> list[OutputJob]:
        """The PDF and the web page of one leaflet; they share a shard (the page needs the PDF)."""
        pdf = pdf_output(self.content, key, self.options)
        fingerprint = self._fingerprint(self._inputs([key]), kind="pdf", leaflet=key.folder)
        page = partial(leaflet_page_bytes, self.content, key, self.options)
        if pdf in self.pdf_sizes:
            page = partial(page, pdf_size=self.pdf_sizes[pdf])
        return [
            OutputJob(pdf, "pdf", fingerprint,
                      partial(render_leaflet, self.content, key, self.options)),
            OutputJob(page_path(key), "page",
                      self._fingerprint(self._inputs([key]), kind="page", pdf=fingerprint),
                      page, unit=pdf),
        ]

    def unavailable_job(self, key: LeafletKey) -> OutputJob:
        """The page at the address of a leaflet its topic is not available in; the PDFs an
        earlier build left in its folder are removed in the same write phase."""
        module = self.content.modules[key.topic]
        languages = self.content.project.config.languages
        locales = self.content.project.content_dir / LOCALES_DIR
        inputs = [module.folder / TOPIC_FILE,
                  *(module.folder / f"{lang}.yaml" for lang in languages),
                  *(locales / f"{lang}.yaml" for lang in languages)]
        folder = self.content.project.output_dir / key.folder
        stale = tuple(sorted(f"{key.folder}/{pdf.name}" for pdf in folder.glob("*.pdf")))
        return OutputJob(page_path(key), "page",
                         self._fingerprint(inputs, kind="unavailable", leaflet=key.folder,
                                           available=list(module.texts)),
                         partial(unavailable_page_bytes, self.content, key, self.options),
                         removes=stale)

    def language_job(self, lang: str) -> OutputJob:
        keys = [key for key in leaflet_keys(self.content) if key.lang == lang]
        return OutputJob(language_page_path(lang), "page",
                         self._fingerprint(self._inputs(keys), kind="language", lang=lang),
                         partial(language_page_bytes, self.content, lang, self.options))

    def root_job(self) -> OutputJob:
        locales = self.content.project.content_dir / LOCALES_DIR
        inputs = [locales / f"{lang}.yaml" for lang in self.content.project.config.languages]
        return OutputJob(INDEX, "page", self._fingerprint(inputs, kind="root"),
                         partial(root_page_bytes, self.content, self.options))

    def infobutton_job(self) -> OutputJob:
        """The static code index: every topic's codes and its leaflets' titles and addresses."""
        inputs = sorted(module.folder / name for module in self.content.modules.values()
                        for name in [TOPIC_FILE, *(f"{lang}.yaml" for lang in
                                                   self.content.project.config.languages)])
        return OutputJob(INFOBUTTON_INDEX, "page", self._fingerprint(inputs, kind="infobutton"),
                         partial(index_json_bytes, self.content))


def plan(content: Content, keys: Iterable[LeafletKey], options: RenderOptions | None = None,
         pdf_sizes: Mapping[str, int] | None = None,
         unavailable: Iterable[LeafletKey] = ()) -> list[OutputJob]:
    """Every output file the chosen leaflets need: PDFs, their pages and the indexes, and
    a page for each chosen leaflet that is `unavailable` in its language.

    A leaflet's page shows its PDF's size: with the size in `pdf_sizes` its job renders
    as it stands; otherwise the build gives it the size once the PDF is rendered.
    """
    planner = Planner(content, options or default_options(content), pdf_sizes or {})
    keys, unavailable = list(keys), list(unavailable)
    jobs = [job for key in keys for job in planner.leaflet_jobs(key)]
    jobs += [planner.unavailable_job(key) for key in unavailable]
    jobs += [planner.language_job(lang)
             for lang in sorted({key.lang for key in [*keys, *unavailable]})]
    return jobs + ([planner.root_job(), planner.infobutton_job()] if keys or unavailable else [])
