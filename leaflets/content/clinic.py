"""Clinic branding: a validated clinic profile, its logo read only from inside the project."""

from __future__ import annotations

import base64
import io
import re
import struct
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from leaflets.content.project import REGIONS_DIR, Project, region_files
from leaflets.content.regions import check_serves, load_region
from leaflets.errors import ContentErrors, ErrorList
from leaflets.content.fonts import check_coverage
from leaflets.content.loading import Document, load_file
from leaflets.content.paths import Place, place, where_it_leads
from leaflets.content.messages import validate_model
from leaflets.content.schema import DEFAULT_ACCENT, ClinicProfile
from leaflets.content.svg import ImageProblem, svg_problem

MIN_CONTRAST = 4.5  # WCAG 2.2 AA for body-size text; the accent colours headings and links
MAX_LOGO_BYTES = 512 * 1024
LOGO_TYPES = {".png": "image/png", ".svg": "image/svg+xml"}
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_END = b"\x00\x00\x00\x00IEND\xaeB`\x82"  # the IEND chunk: length 0, type, CRC
# A logo prints a few centimetres wide: more pixels than this is a decompression bomb that
# Pillow (and so WeasyPrint) refuses, which would leave the logo out of every PDF.
MAX_LOGO_PIXELS = 4096


@dataclass(frozen=True)
class Logo:
    path: Path
    media_type: str
    data: bytes

    @property
    def file_uri(self) -> str:
        """For WeasyPrint, whose fetcher serves files from the project only."""
        return self.path.as_uri()

    @property
    def data_uri(self) -> str:
        """For web pages, so they stay self-contained and work from the file system."""
        return f"data:{self.media_type};base64,{base64.b64encode(self.data).decode('ascii')}"


@dataclass(frozen=True)
class Clinic:
    """The clinic details a leaflet shows; every field is already checked."""

    name: str
    address: tuple[str, ...] = ()
    phone: str = ""
    website: str = ""
    logo: Logo | None = None
    accent: str = DEFAULT_ACCENT
    region: str | None = None  # the region of its leaflets, whatever their language


def _luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def contrast_ratio(first: str, second: str) -> float:
    """The WCAG contrast ratio of two #rrggbb colours, from 1 to 21."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _png_problem(data: bytes) -> ImageProblem | None:
    """The PNG's size, read from its header (IHDR) without decoding a single pixel."""
    if len(data) < 24 or data[12:16] != b"IHDR":
        return ImageProblem(1, 1, "the PNG has no image header; save it again as PNG")
    width, height = struct.unpack(">II", data[16:24])
    if not 0 < width <= MAX_LOGO_PIXELS or not 0 < height <= MAX_LOGO_PIXELS:
        return ImageProblem(1, 1, f"the PNG is {width} × {height} pixels; a logo may be at most "
                          f"{MAX_LOGO_PIXELS} × {MAX_LOGO_PIXELS}: save it smaller (600 pixels "
                          "wide is plenty for print)")
    if not data.endswith(_PNG_END):  # WeasyPrint would print a cut-off logo half drawn
        return ImageProblem(1, 1, "the PNG is cut short (it has no end chunk); save it again "
                            "as PNG")
    try:  # small enough now to decode: WeasyPrint would leave out a broken one silently
        with Image.open(io.BytesIO(data)) as image:
            image.load()
    except (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError) as exc:
        reason = "damaged data" if isinstance(exc, UnidentifiedImageError) else str(exc)
        return ImageProblem(1, 1, f"the PNG cannot be decoded ({reason}); save it again as PNG")
    return None


def _load_logo(value: str, profile: Path, project: Project) -> tuple[Logo | None, str | None]:
    """The logo file, or why it cannot be used."""
    if re.match(r"^[a-z][a-z0-9+.-]*:", value, re.I) or value.startswith("//"):
        return None, ("logos are read from the project folder only, never from the network; "
                      "copy the file into the project and give its path")
    where = place(profile.parent / value, project.root)
    if Path(value).is_absolute() or where is not Place.INSIDE:
        if where in (Place.LINKED_OUT, Place.LOOP):
            return None, f"{value!r} " + where_it_leads(
                profile.parent / value, "copy the logo itself into the project")
        return None, (f"{value!r} is outside the project folder; copy the logo into the project "
                      "and give its path relative to this file")
    path = (profile.parent / value).resolve()
    media_type = LOGO_TYPES.get(path.suffix.lower())
    if media_type is None:
        return None, f"{value!r} is not an SVG or PNG file; save the logo as .svg or .png"
    if not path.is_file():
        return None, f"there is no file {value!r} next to this profile; check the path"
    size = path.stat().st_size
    if size > MAX_LOGO_BYTES:
        return None, f"the logo is {size} bytes, over the limit of {MAX_LOGO_BYTES}; make it smaller"
    data = path.read_bytes()
    if media_type == "image/png" and not data.startswith(_PNG_SIGNATURE):
        return None, f"{value!r} is not a PNG image; save it again as PNG"
    problem = _png_problem(data) if media_type == "image/png" else svg_problem(data)
    if problem:
        where = f" (line {problem.line}, column {problem.column})" if problem.line > 1 else ""
        return None, f"{value!r}{where}: {problem.message}"
    return Logo(path, media_type, data), None


def _clinic(profile: ClinicProfile, document: Document, project: Project,
            errors: ErrorList) -> Clinic:
    logo = None
    if profile.logo is not None:
        logo, problem = _load_logo(profile.logo, document.path, project)
        if problem:
            errors.add(document.path, *document.position(("logo",)), "logo", problem)
    ratio = contrast_ratio(profile.accent, "#ffffff")
    if ratio < MIN_CONTRAST:
        errors.add(document.path, *document.position(("accent",)), "accent",
                   f"{profile.accent} has a contrast of {ratio:.1f}:1 against white, below "
                   f"{MIN_CONTRAST}:1; choose a darker colour so headings stay readable")
    if profile.region is not None:
        _check_region(profile.region, document, project, errors)
    return Clinic(name=profile.name, address=tuple(profile.address), phone=profile.phone or "",
                  website=profile.website or "", logo=logo, accent=profile.accent,
                  region=profile.region)


def _check_region(region_id: str, document: Document, project: Project,
                  errors: ErrorList) -> None:
    """The clinic's region exists and names its services in every language of the project."""
    known = region_files(project.content_dir)
    if region_id not in known:
        errors.add(document.path, *document.position(("region",)), "region",
                   f"unknown region {region_id!r}; use one of {', '.join(sorted(known))}, or "
                   f"write {project.config.content}/{REGIONS_DIR}/{region_id}.yaml")
        return
    region = load_region(region_id, known[region_id], project, errors)
    if region:
        check_serves(region, project.config.languages, errors)


def load_clinic(project: Project, path: Path | None = None) -> Clinic | None:
    """The clinic profile named by `path`, else by leaflets.yaml; None when there is none."""
    if path is None:
        if project.config.clinic is None:
            return None
        path = project.root / project.config.clinic
    path = path if path.is_absolute() else Path.cwd() / path
    errors = ErrorList()
    if not path.is_file():
        errors.add(path, 1, 1, "", "there is no clinic profile here; check the path given "
                   "with --clinic or `clinic:` in leaflets.yaml")
        raise ContentErrors(errors.errors)
    document = load_file(path, errors, project.root)
    profile = validate_model(ClinicProfile, document, errors) if document else None
    if document:
        check_coverage(document, errors)  # the clinic's name and address print on every leaflet
    clinic = _clinic(profile, document, project, errors) if profile and document else None
    if errors or clinic is None:
        raise ContentErrors(errors.errors)
    return clinic
