"""The command line: build, check, list and serve leaflets."""

from __future__ import annotations

import signal
import sys
from contextlib import ExitStack
from functools import partial
from dataclasses import replace
from pathlib import Path
from time import perf_counter
from typing import TYPE_CHECKING

import click

from leaflets import __version__
from leaflets.errors import ContentErrors, LeafletsError
from leaflets.paper import PAPER_NAMES

if TYPE_CHECKING:
    from leaflets.build.jobs import Shard
    from leaflets.build.run import BuildReport
    from leaflets.content.clinic import Clinic
    from leaflets.content.tree import Content
    from leaflets.desk.app import Desk
    from leaflets.desk.watch import Watched, Watcher


def _project(ctx: click.Context):
    from leaflets.content.project import load_project

    return load_project(ctx.obj["project"])


def _content(ctx: click.Context, strict: bool = False, keep_going: bool = False,
             closing: str = "the other modules are built (--keep-going)."):
    from leaflets.content.validation import load_content
    from leaflets.render.html import template_errors

    project = _project(ctx)
    if strict and project.warnings:
        raise ContentErrors(list(project.warnings))
    try:
        content = load_content(project, strict=strict, keep_going=keep_going)
    except ContentErrors as exc:
        exc.warnings = sorted({*exc.warnings, *project.warnings})
        raise
    broken = template_errors(tuple(content.project.template_dirs))
    if broken:  # every leaflet uses the templates: --keep-going cannot build around them
        raise ContentErrors(broken, [*project.warnings, *content.warnings])
    _print_warnings([*project.warnings, *content.warnings])
    if content.errors:
        _print_errors(content.errors, closing)
    return content


def _shown(error) -> str:
    """The error with its path relative to the current folder when it lies inside it."""
    path = Path(error.path)
    if path.is_absolute() and path.is_relative_to(Path.cwd()):
        error = replace(error, path=str(path.relative_to(Path.cwd())))
    return str(error)


def _warnings_text(warnings) -> str:
    lines = []
    for warning in warnings:
        first, newline, rest = _shown(warning).partition("\n")  # a list follows its first line
        lines.append(f"{first} (warning){newline}{rest}\n")
    return "".join(lines)


def _print_warnings(warnings) -> None:
    click.echo(_warnings_text(warnings), nl=False, err=True)


def _print_errors(errors, closing: str) -> None:
    for error in errors:
        click.echo(_shown(error), err=True)
    files = len({e.path for e in errors})
    click.echo(f"{len(errors)} error(s) in {files} file(s); {closing}", err=True)


class LeafletsGroup(click.Group):
    """Turns our errors into messages and exit codes instead of tracebacks."""

    def invoke(self, ctx: click.Context):
        from leaflets.build.interrupts import stop_signals_raise

        try:
            with stop_signals_raise():
                return super().invoke(ctx)
        except ContentErrors as exc:
            _print_warnings(exc.warnings)
            _print_errors(exc.errors, "nothing was written.")
            sys.exit(1)
        except LeafletsError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)
        except KeyboardInterrupt as exc:
            click.echo("\ninterrupted: no partial file was left; every file in the output "
                       "folder is complete. Run the command again to finish.", err=True)
            sys.exit(128 + getattr(exc, "signum", signal.SIGINT))


@click.group(cls=LeafletsGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--project", "project", type=click.Path(file_okay=False, path_type=Path),
              default=Path("."), show_default="the current folder",
              help="The project folder, the one holding leaflets.yaml.")
@click.version_option(__version__, prog_name="leaflets")
@click.pass_context
def cli(ctx: click.Context, project: Path) -> None:
    """Build printable patient leaflets from YAML topic modules.

    Content lives in content/<topic>/ (topic.yaml for the facts, <lang>.yaml for the
    text). Every leaflet is one topic, in one language, for one audience, written to
    output/<lang>/<topic>/<audience>/.

    \b
    Start with:  leaflets list      what the content defines
                 leaflets check     validate everything, write nothing
                 leaflets build     build every leaflet and the online version into output/
                 leaflets serve     the online version and the print desk, on 127.0.0.1
                 leaflets verify    structure checks of the built PDFs
    """
    ctx.obj = {"project": project}


class ShardType(click.ParamType):
    """--shard K/N: slice K of N, counting from 1."""

    name = "K/N"

    def convert(self, value: object, param: click.Parameter | None,
                ctx: click.Context | None) -> Shard:
        from leaflets.build.jobs import Shard, parse_shard

        if isinstance(value, Shard):
            return value
        try:
            return parse_shard(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


def _selected(content, languages: tuple[str, ...], topics: tuple[str, ...],
              audiences: tuple[str, ...], keys: list | None = None) -> list:
    """The leaflets that --lang, --topic and --audience choose (of `keys`; by default every
    available one); all of them by default."""
    from leaflets.outputs import Selection, select

    try:
        return select(content, Selection(languages, topics, audiences), keys)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None


def _print_report(report: BuildReport, quiet: bool, seconds: float) -> None:
    """Each failure, then (unless quiet) the summary; the progress display named each output."""
    from leaflets.build.progress import summary

    for failure in report.failures:
        click.echo(f"error: {failure}", err=True)
    if not quiet:
        click.echo(summary(len(report.rendered), len(report.up_to_date), len(report.failures),
                           seconds), err=True)
        _subsetter_note()


def _subsetter_note() -> None:
    """Say so if WeasyPrint rendered without HarfBuzz's subsetter (never imports it)."""
    engine = sys.modules.get("leaflets.render.engine")
    if engine is not None and engine.subsetter_missing():
        click.echo(engine.SUBSETTER_NOTE, err=True)


@cli.command()
@click.option("--lang", "languages", multiple=True, metavar="LANG",
              help="Only this language (repeatable), e.g. --lang en --lang nl.")
@click.option("--topic", "topics", multiple=True, metavar="TOPIC",
              help="Only this topic (repeatable), e.g. --topic night-leg-cramps.")
@click.option("--audience", "audiences", multiple=True, metavar="AUDIENCE",
              help="Only this audience (repeatable): patient, carer or clinician.")
@click.option("--paper", type=click.Choice(PAPER_NAMES), default=None,
              help="Paper size; default: `paper` in leaflets.yaml. The other size is written "
                   "as ...-<lang>-<paper>.pdf.")
@click.option("--large-print", is_flag=True,
              help="Body text at 16 pt or more, written as ...-<lang>-large.pdf within the "
                   "audience's `large_print_pages`.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), metavar="N",
              help="Render in N worker processes.  [default: the number of cores]")
@click.option("--force", is_flag=True,
              help="Render everything, even outputs whose inputs have not changed.")
@click.option("--shard", type=ShardType(), metavar="K/N",
              help="Build only slice K of N (e.g. 1/4), to spread a build over N machines; "
                   "their output folders merge without conflicts.")
@click.option("--keep-going", is_flag=True, help="Build and write what is valid even if some "
              "modules or leaflets fail (still exits 1).")
@click.option("--strict", is_flag=True, help="Treat warnings as errors, as check --strict does.")
@click.option("--clinic", "clinic_path", type=click.Path(dir_okay=False, path_type=Path),
              metavar="FILE", help="A clinic profile YAML to brand every leaflet with "
              "(default: `clinic:` in leaflets.yaml, if set).")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
@click.pass_context
def build(ctx: click.Context, languages: tuple[str, ...], topics: tuple[str, ...],
          audiences: tuple[str, ...], paper: str | None, large_print: bool, jobs: int | None,
          force: bool, shard: Shard | None, keep_going: bool, strict: bool,
          clinic_path: Path | None, quiet: bool) -> None:
    """Build leaflets (all of them by default) and their web pages into the output folder.

    Everything is validated and rendered first: on an error (a leaflet over its page budget
    too), every problem is listed and nothing is written. A translation that is missing or
    lacks texts of the source leaves its topic out of that language only, with a warning.
    Unchanged outputs are not rendered again, and a build with nothing changed since the
    same build last succeeded answers at once (.leaflets-cache/ remembers it). Ctrl-C never
    leaves a partial file.
    """
    from leaflets.build.stamp import request_key

    started = perf_counter()
    request = request_key(ctx.obj["project"], {
        "languages": languages, "topics": topics, "audiences": audiences, "paper": paper,
        "large_print": large_print, "shard": shard and str(shard), "keep_going": keep_going,
        "strict": strict, "clinic": clinic_path and str(clinic_path.resolve())})
    if not force and _nothing_to_do(ctx.obj["project"], request, quiet, started):
        return
    content = _content(ctx, strict=strict, keep_going=keep_going)
    report, options = _full_build(content, (languages, topics, audiences), paper, large_print,
                                  clinic_path, quiet, jobs=jobs, force=force, shard=shard,
                                  keep_going=keep_going)
    _print_report(report, quiet, perf_counter() - started)
    if report.failures or content.errors:
        if not keep_going:
            click.echo("Nothing was written. Fix the errors above, or use --keep-going.", err=True)
        sys.exit(1)
    _stamp(content, options, clinic_path, request, report)


def _full_build(content: Content, chosen: tuple[tuple[str, ...], ...], paper: str | None,
                large_print: bool, clinic_path: Path | None, quiet: bool, *,
                jobs: int | None, force: bool, shard: Shard | None, keep_going: bool):
    """Plan, render and write: the build's report, and the options it rendered with."""
    from leaflets.build.pool import available_cores
    from leaflets.build.progress import progress_for
    from leaflets.build.run import BuildSettings, build as run_build
    from leaflets.content.clinic import load_clinic
    from leaflets.outputs import RenderOptions, unavailable_keys

    options = RenderOptions(paper or content.project.config.paper, large_print,
                            load_clinic(content.project, clinic_path))
    settings = BuildSettings(jobs=jobs or available_cores(), force=force, shard=shard,
                             keep_going=keep_going)
    report = run_build(content, _selected(content, *chosen), options=options, settings=settings,
                       progress=progress_for(quiet),
                       unavailable=_selected(content, *chosen, unavailable_keys(content)))
    return report, options


def _nothing_to_do(root: Path, request: str, quiet: bool, started: float) -> bool:
    """Whether the stamp answers this build: then its warnings and summary are printed."""
    from leaflets.build.progress import summary
    from leaflets.build.stamp import noop

    answer = noop(root, request)
    if answer is None:
        return False
    click.echo(answer.warnings, nl=False, err=True)
    if not quiet:
        click.echo(summary(0, answer.outputs, 0, perf_counter() - started), err=True)
    return True


def _stamp(content: Content, options, clinic_path: Path | None, request: str,
           report: BuildReport) -> None:
    """Record a build that wrote all it was asked for, so that the same build with nothing
    changed is answered at once."""
    from leaflets.build.stamp import record, watched

    config = content.project.config
    profile = clinic_path or (config.clinic and content.project.root / config.clinic)
    warnings = _warnings_text([*content.project.warnings, *content.warnings])
    record(content.project.root, request, watched(content.project, options, profile),
           content.project.output_dir, [*report.up_to_date, *report.rendered], warnings)


def _hyphenation_line(content) -> str:
    """Which languages WeasyPrint hyphenates (Pyphen has patterns) and which it leaves whole."""
    from leaflets.assemble.leaflet import translator

    found = {lang: translator(content, lang).hyphenation for lang in content.project.config.languages}
    used = [f"{lang} ({patterns})" for lang, patterns in found.items() if patterns]
    off = [lang for lang, patterns in found.items() if not patterns]
    return ("hyphenation: " + (", ".join(used) or "none")
            + (f"; off for {', '.join(off)} (Pyphen has no patterns)" if off else ""))


@cli.command()
@click.option("--strict", is_flag=True,
              help="Treat warnings (a placeholder base_url, reviews due, missing or stale "
              "translations) as errors.")
@click.pass_context
def check(ctx: click.Context, strict: bool) -> None:
    """Validate all content and write nothing."""
    from leaflets.content import readability
    from leaflets.outputs import leaflet_keys
    from leaflets.content.clinic import load_clinic

    from leaflets.reproducible import source_date_epoch

    source_date_epoch()  # what build relies on, check checks: a malformed value is an error
    content = _content(ctx, strict=strict)
    load_clinic(content.project)  # the profile named in leaflets.yaml, if any
    results = readability.measure_all(content)
    click.echo(readability.table(results))
    click.echo(_hyphenation_line(content))
    missed = [r for r in results if r.applies and not r.passed]
    unfit = sorted({(r.lang, r.formula) for r in missed if not r.fits})
    for lang, formula in unfit:
        click.echo(f"{lang}: {formula} counts the letters of another script; set "
                   f"readability.formula in _locales/{lang}.yaml to one made for this language, "
                   "or to `none` where no validated measure exists.", err=True)
    hard = [r for r in missed if r.fits]
    if hard:
        click.echo(f"{len(hard)} leaflet(s) miss their plain-language target: use shorter "
                   "sentences and everyday words, then run leaflets check again.", err=True)
    if missed:
        sys.exit(1)
    click.echo(f"ok: {len(content.modules)} topic(s), {len(leaflet_keys(content))} leaflet(s), "
               f"{len(content.warnings) + len(content.project.warnings)} warning(s)")


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--lang", "languages", multiple=True, metavar="LANG", help="Only this language.")
@click.option("--topic", "topics", multiple=True, metavar="TOPIC", help="Only this topic.")
@click.option("--audience", "audiences", multiple=True, metavar="AUDIENCE",
              help="Only this audience.")
@click.pass_context
def verify(ctx: click.Context, paths: tuple[Path, ...], languages: tuple[str, ...],
           topics: tuple[str, ...], audiences: tuple[str, ...]) -> None:
    """Structure checks of built PDFs: tags, metadata, fonts, forms.

    With no PATHS, checks every leaflet PDF in the output folder (both papers, normal
    and large print) and reports leaflets whose default PDF has not been built. Lists
    every missing item per file; exits 1 if anything is missing.

    These are structure checks with pikepdf, not a PDF/UA conformance report (veraPDF).
    """
    from leaflets import verify as checks

    content = _content(ctx)
    keys = _selected(content, languages, topics, audiences)
    targets, not_built = checks.targets(content, keys, paths)
    reports = [checks.verify_pdf(path, expected) for path, expected in targets]
    for line in checks.report_lines(content.project.root, reports, not_built):
        click.echo(line)
    if not_built or any(report.missing for report in reports) or not reports:
        sys.exit(1)


@cli.command(name="list")
@click.pass_context
def list_command(ctx: click.Context) -> None:
    """Show the topics, languages and audiences the content defines."""
    content = _content(ctx)
    config = content.project.config
    click.echo(f"languages: {', '.join(config.languages)} (source: {config.source_language})")
    click.echo(f"audiences: {', '.join(config.audiences)}")
    click.echo("topics:")
    for module in content.modules.values():
        title = module.texts[config.source_language].title
        click.echo(f"  {module.id:<24} {title}")
        missing = f" (not yet: {', '.join(module.unavailable)})" if module.unavailable else ""
        click.echo(f"  {'':<24} audiences: {', '.join(module.topic.audiences)}; "
                   f"languages: {', '.join(module.texts)}{missing}; "
                   f"next review {module.topic.review.next_review}")


@cli.group()
def new() -> None:
    """Start a project, or scaffold the files for a new topic or language."""


def _base_url(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    import re

    if value is not None and not re.fullmatch(r"https?://[^\s/?#'\"]+(/[^\s?#'\"]*)?", value):
        raise click.BadParameter(f"{value!r} is not a web address like https://leaflets.clinic.nl")
    return value


def _region(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from leaflets.content.project import region_files

    known = region_files()
    if value is not None and value not in known:
        raise click.BadParameter(f"{value!r} is not a built-in region; use one of "
                                 f"{', '.join(sorted(known))} (a project can add its own later)")
    return value


@new.command(name="project")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--base-url", callback=_base_url, metavar="URL",
              help="Where the built site will be published; every QR code points here.")
@click.option("--region", callback=_region, metavar="ID",
              help="The health system whose services the leaflets name, in every language: gb, "
              "id, nl or ru (default: each language its own country; ar and uk→gb).")
def new_project(folder: Path, base_url: str | None, region: str | None) -> None:
    """Create FOLDER with leaflets.yaml and the four bundled topics, ready to build."""
    from leaflets.scaffold import FolderNotEmpty, new_project as make

    try:
        written = make(folder, base_url, region)
    except FolderNotEmpty:
        raise LeafletsError(f"{folder} is not empty; name a new or empty folder "
                            "(nothing was written)") from None
    click.echo(f"Created {folder} with {len(written)} files: leaflets.yaml and "
               f"{sum(p.name == 'topic.yaml' for p in written)} topics.")
    click.echo(f"Next:  cd {folder}  &&  leaflets build  &&  leaflets serve")
    if not base_url:
        click.echo("Set base_url in leaflets.yaml to the address you will publish at: "
                   "every QR code points there.", err=True)


def _scaffold(ctx: click.Context, make, name: str) -> None:
    import re

    from leaflets.content.schema import ID_PATTERN, LANG_PATTERN

    pattern = LANG_PATTERN if make.__name__ == "new_language" else ID_PATTERN
    if not re.match(pattern, name):
        raise click.BadParameter(f"{name!r} is not a valid id (lowercase letters, digits, "
                                 "hyphens; a language is a 2- or 3-letter code)")
    try:
        written = make(_project(ctx), name)
    except FileExistsError as exc:
        raise LeafletsError(f"{exc} already exists; nothing was written") from None
    root = ctx.obj["project"].resolve()
    for path in written:
        click.echo(str(path.relative_to(root)))


@new.command(name="topic")
@click.argument("name")
@click.pass_context
def new_topic(ctx: click.Context, name: str) -> None:
    """Create content/NAME/ with topic.yaml and a text file per language."""
    from leaflets.scaffold import new_topic as make

    _scaffold(ctx, make, name)
    click.echo("Fill in every empty value, then run: leaflets check. While its text is empty, "
               "builds leave the topic out.", err=True)


@new.command(name="language")
@click.argument("code")
@click.pass_context
def new_language(ctx: click.Context, code: str) -> None:
    """Create the locale file and one text file per topic for language CODE (e.g. de)."""
    from leaflets.scaffold import new_language as make

    _scaffold(ctx, make, code)
    click.echo(f"Add {code} to `languages:` in leaflets.yaml and give it a region under "
               "`region:`, write every empty value, then run: leaflets check", err=True)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to listen on. Anything but loopback lets others on the "
              "network reach the desk.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="The port to listen on (0 picks a free one).")
@click.option("--clinic", "clinic_path", type=click.Path(dir_okay=False, path_type=Path),
              metavar="FILE", help="A clinic profile YAML that fills in the desk's clinic "
              "details (default: `clinic:` in leaflets.yaml, if set).")
@click.option("--timeout", type=click.FloatRange(1, 600), default=30, show_default=True,
              help="Seconds one leaflet may take to render before the desk gives up.")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Render processes kept warm for the desk  [default: one per core]")
@click.option("--watch/--no-watch", default=True, show_default=True,
              help="After every edit to the content, leaflets.yaml, templates, pictures or "
              "clinic profile: rebuild what changed, print from the new content at the desk, "
              "and reload the open pages of the online version.")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, clinic_path: Path | None,
          timeout: float, workers: int | None, watch: bool) -> None:
    """Serve the online version and the print desk, where clinicians personalise a leaflet.

    Open the address it prints and go to /desk/. Run `leaflets build` first to serve the
    online version too. While it runs, an edit to the project rebuilds what changed (as
    `build --keep-going` does), the desk prints from the new content and open pages reload.
    Nothing typed at the desk is stored or logged.
    """
    from leaflets.build.write import recover
    from leaflets.content.clinic import load_clinic
    from leaflets.desk.app import LOOPBACK, create_app, serve as run_server
    from leaflets.desk.live import Rebuilds
    from leaflets.desk.watch import Watcher

    # A broken or unfinished module never takes the desk down: it serves the valid ones.
    content = _content(ctx, keep_going=True, closing="the desk serves the other modules.")
    clinic = load_clinic(content.project, clinic_path)
    recover(content.project.output_dir)  # never serve what a killed build half wrote
    host = host.removeprefix("[").removesuffix("]")  # --host [::1] means ::1
    loopback = host.lower() in LOOPBACK
    app = create_app(content, clinic, timeout=timeout, loopback_only=loopback, workers=workers,
                     warm=True, rebuilds=Rebuilds() if watch else None)
    _subsetter_note()
    if not loopback:
        click.echo(f"warning: listening on {host}: anyone who can reach this machine can use "
                   "the desk", err=True)
    with ExitStack() as stack:  # listening to edits before the address is announced
        watcher = stack.enter_context(Watcher(_watched(content, clinic_path, clinic))) \
            if watch else None
        try:
            run_server(app, host, port, partial(_announce, watch), watcher and (
                lambda: _rebuild_after_edits(ctx, app.extensions["desk"], clinic_path, watcher)))
        except OSError as exc:
            raise click.UsageError(f"cannot listen on {host}:{port}: {exc.strerror}; choose "
                                   "another --port or --host") from None


def _announce(watch: bool, address: str) -> None:
    click.echo(f"Print desk: {address}/desk/", err=False)
    click.echo(f"Online version: {address}/  (Ctrl+C to stop)", err=False)
    if watch:
        click.echo("Watching the project: an edit rebuilds what changed and reloads the desk "
                   "and open pages.", err=False)
    sys.stdout.flush()


def _watched(content: Content, clinic_path: Path | None, profile: Clinic | None) -> Watched:
    """What the build and the desk read: the project, the clinic profiles, the desk's logo."""
    from leaflets.desk.watch import watched

    project = content.project
    files = [Path.cwd() / clinic_path] if clinic_path else []
    if project.config.clinic:
        files.append(project.root / project.config.clinic)
    if profile is not None and profile.logo is not None:
        files.append(profile.logo.path)
    return watched(project, files)


def _rebuild_after_edits(ctx: click.Context, desk: Desk, clinic_path: Path | None,
                         watcher: Watcher) -> None:
    """Rebuild after each edit, until interrupted."""
    while True:
        if _rebuild(ctx, desk, clinic_path, watcher.next_changes()):
            watcher.follow(_watched(desk.content, clinic_path, desk.profile))


def _rebuild(ctx: click.Context, desk: Desk, clinic_path: Path | None,
             changed: set[Path]) -> bool:
    """What `leaflets build --keep-going` does; then the desk prints from the new content and
    open pages reload. Errors are listed, and what is served stays as it was. True when the
    desk was reloaded."""
    from leaflets.build.pool import available_cores
    from leaflets.build.run import BuildSettings, build as run_build
    from leaflets.content.clinic import load_clinic
    from leaflets.outputs import RenderOptions

    started = perf_counter()
    names = sorted(_shown_path(path) for path in changed)
    click.echo(f"changed: {', '.join(names[:3])}"
               + (f" and {len(names) - 3} more" if len(names) > 3 else ""), err=True)
    try:
        content = _content(ctx, keep_going=True, closing="the others are rebuilt; "
                           "the desk leaves these out until they are fixed.")
        clinic = load_clinic(content.project)
        desk.reload(content, load_clinic(content.project, clinic_path))
        report = run_build(content, _selected(content, (), (), ()),
                           options=RenderOptions(content.project.config.paper, False, clinic),
                           settings=BuildSettings(jobs=available_cores(), keep_going=True))
    except ContentErrors as exc:
        _print_warnings(exc.warnings)
        _print_errors(exc.errors, "nothing was rebuilt: the desk and the online version stay "
                      "as they were.")
        return False
    except (LeafletsError, OSError) as exc:  # a file that vanished mid-read: the next edit
        click.echo(f"error: {exc}", err=True)
        return False
    _print_report(report, False, perf_counter() - started)
    if desk.rebuilds is not None and report.written:  # else the pages are as they were
        desk.rebuilds.done()
    return True


@cli.group()
def translate() -> None:
    """Exchange a language's text with translators as gettext PO files (Poedit, Weblate...)."""


@translate.command("export")
@click.option("--lang", required=True, metavar="LANG", help="The language to translate into.")
@click.option("--topic", "topics", multiple=True, metavar="TOPIC",
              help="Only this topic (`_locales`: only the interface strings).")
@click.option("--output", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where to write <lang>/<topic>.po (default: translations/ in the project).")
@click.pass_context
def translate_export(ctx: click.Context, lang: str, topics: tuple[str, ...],
                     output: Path | None) -> None:
    """Write one PO file per topic, and _locales.po for the interface strings.

    Each entry: context = key path, msgid = source text, msgstr = translation.
    """
    from leaflets.content.catalog import CATALOG_DIR, LOCALES, export_language
    from leaflets.content.tree import topic_folders

    project = _project(ctx)
    if lang not in project.config.languages or lang == project.config.source_language:
        raise click.UsageError(f"--lang must be one of the translated languages in "
                               f"leaflets.yaml, not {lang!r}")
    known = [LOCALES, *(folder.name for folder in topic_folders(project))]
    for topic in topics:
        if topic not in known:
            raise click.UsageError(f"unknown topic {topic!r}; use one of {', '.join(known)}")
    written = export_language(project, lang, list(topics) or known,
                              output or project.root / CATALOG_DIR)
    for path in written:
        click.echo(_shown_path(path))


@translate.command("import")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--lang", default=None, metavar="LANG",
              help="The language, when a PO file's Language header does not say it.")
@click.pass_context
def translate_import(ctx: click.Context, files: tuple[Path, ...], lang: str | None) -> None:
    """Write PO files back into the language files, keeping their comments and order."""
    from leaflets.content.catalog import import_catalog

    project = _project(ctx)
    for path in files:
        written = import_catalog(project, path, lang)
        click.echo(f"{_shown_path(path)}: " + (f"wrote {_shown_path(written)}" if written
                                                else "no change"))


def _shown_path(path: Path) -> str:
    path = path.resolve()
    return str(path.relative_to(Path.cwd())) if path.is_relative_to(Path.cwd()) else str(path)


def main() -> None:
    cli(prog_name="leaflets")
