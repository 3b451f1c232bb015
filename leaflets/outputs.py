"""What a build makes and where it goes: leaflet keys, render options, output paths and URLs.

Every stage names outputs through this module, so a PDF's file name, a page's path and
a leaflet's online address are each defined once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from leaflets.content.clinic import Clinic
from leaflets.content.tree import Content
from leaflets.paper import Paper

INDEX = "index.html"
# The static code index: diagnosis code → leaflets, for records that resolve codes themselves.
INFOBUTTON_INDEX = "infobutton/index.json"


@dataclass(frozen=True, order=True)
class LeafletKey:
    """Which leaflet: one topic, in one language, for one audience."""

    topic: str
    lang: str
    audience: str

    @property
    def folder(self) -> str:
        return f"{self.lang}/{self.topic}/{self.audience}"

    @property
    def pdf_name(self) -> str:
        return f"{self.topic}-{self.audience}-{self.lang}.pdf"


@dataclass(frozen=True)
class RenderOptions:
    """How one leaflet is printed; the print desk adds its personal touches here."""

    paper: Paper = Paper.A4
    large_print: bool = False
    clinic: Clinic | None = None  # None prints the neutral footer
    note: str = ""  # a short personal note from the clinician, plain text
    patient_name: str = ""  # the patient's first name, shown with the note
    # The clinic profile's region (by default the clinic's), over the one leaflets.yaml pairs
    # with the language; the desk keeps it when a clinician leaves the clinic details out.
    region: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "paper", Paper(self.paper))
        if self.region is None and self.clinic is not None:
            object.__setattr__(self, "region", self.clinic.region)


def default_options(content: Content) -> RenderOptions:
    return RenderOptions(paper=content.project.config.paper)


def leaflet_keys(content: Content) -> list[LeafletKey]:
    """Every leaflet the content defines, in a stable order: each topic in the languages
    it is available in (see `unavailable_keys` for the others)."""
    return sorted(
        LeafletKey(module.id, lang, audience)
        for module in content.modules.values()
        for lang in module.texts
        for audience in module.topic.audiences
    )


def unavailable_keys(content: Content) -> list[LeafletKey]:
    """The leaflets of a language a topic is not available in (yet): their address shows
    a page that says so, and links the languages that have it."""
    return sorted(
        LeafletKey(module.id, lang, audience)
        for module in content.modules.values()
        for lang in module.unavailable
        for audience in module.topic.audiences
    )


@dataclass(frozen=True)
class Selection:
    """Which leaflets to build; an empty tuple means all."""

    languages: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    audiences: tuple[str, ...] = ()


def select(content: Content, selection: Selection,
           keys: list[LeafletKey] | None = None) -> list[LeafletKey]:
    """The leaflets matching the selection, of `keys` (default: every available leaflet);
    unknown names raise ValueError."""
    known = {
        "language": set(content.project.config.languages),
        "topic": set(content.modules),
        "audience": {a for m in content.modules.values() for a in m.topic.audiences},
    }
    for kind, wanted in (("language", selection.languages), ("topic", selection.topics),
                         ("audience", selection.audiences)):
        for name in wanted:
            if name not in known[kind]:
                raise ValueError(f"unknown {kind} {name!r}; choose from "
                                 f"{', '.join(sorted(known[kind]))}")
    return [
        key for key in (leaflet_keys(content) if keys is None else keys)
        if (not selection.languages or key.lang in selection.languages)
        and (not selection.topics or key.topic in selection.topics)
        and (not selection.audiences or key.audience in selection.audiences)
    ]


def leaflet_url(content: Content, key: LeafletKey, base: str | None = None) -> str:
    """The leaflet's online page, which its QR code opens (or under another `base`)."""
    return f"{(base or content.project.config.base_url).rstrip('/')}/{key.folder}/"


def pdf_name(key: LeafletKey, options: RenderOptions, default_paper: Paper) -> str:
    """The default print keeps the plain name; other papers and large print add a suffix.

    night-leg-cramps-patient-en.pdf (the config's paper), ...-en-letter.pdf,
    ...-en-large.pdf, ...-en-letter-large.pdf
    """
    suffix = "" if options.paper == default_paper else f"-{options.paper}"
    suffix += "-large" if options.large_print else ""
    return key.pdf_name.removesuffix(".pdf") + suffix + ".pdf"


def pdf_output(content: Content, key: LeafletKey, options: RenderOptions | None = None) -> str:
    """Where a leaflet's PDF goes, relative to the output folder, with forward slashes."""
    options = options or default_options(content)
    return f"{key.folder}/{pdf_name(key, options, content.project.config.paper)}"


def pdf_url(content: Content, key: LeafletKey, base: str | None = None) -> str:
    """The online address of a leaflet's PDF (the normal print on the config's paper)."""
    return f"{(base or content.project.config.base_url).rstrip('/')}/{pdf_output(content, key)}"


def pdf_path(content: Content, key: LeafletKey, options: RenderOptions | None = None) -> Path:
    return content.project.output_dir / pdf_output(content, key, options)


def page_path(key: LeafletKey) -> str:
    """A leaflet's web page, relative to the output folder."""
    return f"{key.folder}/{INDEX}"


def language_page_path(lang: str) -> str:
    return f"{lang}/{INDEX}"


def describe(key: LeafletKey, options: RenderOptions) -> str:
    """'night-leg-cramps (patient, en, letter, large print)', for messages."""
    size = ", large print" if options.large_print else ""
    return f"{key.topic} ({key.audience}, {key.lang}, {options.paper}{size})"
