"""The command line: build, check and list leaflets."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from leaflets import __version__
from leaflets.errors import ContentErrors, LeafletsError

if TYPE_CHECKING:
    from leaflets.jobs import Shard


def _project(ctx: click.Context):
    from leaflets.config import load_project

    return load_project(ctx.obj["project"])


def _content(ctx: click.Context, strict: bool = False):
    from leaflets.validation import load_content

    content = load_content(_project(ctx), strict=strict)
    _print_warnings(content.warnings)
    return content


def _print_warnings(warnings) -> None:
    for warning in warnings:
        click.echo(f"{warning} (warning)", err=True)


class LeafletsGroup(click.Group):
    """Turns our errors into messages and exit codes instead of tracebacks."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except ContentErrors as exc:
            _print_warnings(exc.warnings)
            for error in exc.errors:
                click.echo(str(error), err=True)
            files = len({e.path for e in exc.errors})
            click.echo(f"{len(exc.errors)} error(s) in {files} file(s); nothing was written.",
                       err=True)
            sys.exit(1)
        except LeafletsError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)


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
                 leaflets build     build every leaflet into output/
    """
    ctx.obj = {"project": project}


class ShardType(click.ParamType):
    """--shard K/N: slice K of N, counting from 1."""

    name = "K/N"

    def convert(self, value: object, param: click.Parameter | None,
                ctx: click.Context | None) -> Shard:
        from leaflets.jobs import Shard, parse_shard

        if isinstance(value, Shard):
            return value
        try:
            return parse_shard(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


@cli.command()
@click.option("--lang", "languages", multiple=True, metavar="LANG",
              help="Only this language (repeatable), e.g. --lang en --lang nl.")
@click.option("--topic", "topics", multiple=True, metavar="TOPIC",
              help="Only this topic (repeatable), e.g. --topic night-leg-cramps.")
@click.option("--audience", "audiences", multiple=True, metavar="AUDIENCE",
              help="Only this audience (repeatable): patient, carer or clinician.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), metavar="N",
              help="Render in N worker processes.  [default: the number of cores]")
@click.option("--force", is_flag=True,
              help="Render everything, even leaflets whose inputs have not changed.")
@click.option("--shard", type=ShardType(), metavar="K/N",
              help="Build only slice K of N (e.g. 1/4), to spread a build over N machines; "
                   "their output folders merge without conflicts.")
@click.option("--keep-going", is_flag=True,
              help="Write the leaflets that built even if others failed (still exits 1).")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
@click.pass_context
def build(ctx: click.Context, languages: tuple[str, ...], topics: tuple[str, ...],
          audiences: tuple[str, ...], jobs: int | None, force: bool, shard: Shard | None,
          keep_going: bool, quiet: bool) -> None:
    """Build leaflets (all of them by default) into the output folder.

    All content is validated first: if anything is wrong, every problem is listed and
    nothing is written. A leaflet that does not fit its page budget is an error.
    Leaflets whose inputs have not changed since the last build are not rendered again.
    """
    import time

    from leaflets.build import BuildSettings, Selection, build as run_build, select
    from leaflets.progress import progress_for, summary
    from leaflets.render.pool import available_cores

    started = time.perf_counter()
    content = _content(ctx)
    try:
        keys = select(content, Selection(languages, topics, audiences))
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    settings = BuildSettings(jobs=jobs or available_cores(), force=force, shard=shard,
                             keep_going=keep_going)
    report = run_build(content, keys, settings=settings, progress=progress_for(quiet))
    for failure in report.failures:
        click.echo(f"error: {failure}", err=True)
    if not quiet:
        root = content.project.root
        for path in report.written:
            click.echo(str(path.relative_to(root)))
        click.echo(summary(len(report.rendered), len(report.up_to_date), len(report.failures),
                           time.perf_counter() - started), err=True)
    if report.failures:
        if not keep_going:
            click.echo("Nothing was written. Fix the errors above, or use --keep-going.",
                       err=True)
        sys.exit(1)


@cli.command()
@click.option("--strict", is_flag=True,
              help="Treat warnings (reviews due, stale translations) as errors.")
@click.pass_context
def check(ctx: click.Context, strict: bool) -> None:
    """Validate all content and write nothing."""
    from leaflets import readability
    from leaflets.assembly import leaflet_keys

    content = _content(ctx, strict=strict)
    results = readability.measure_all(content)
    click.echo(readability.table(results))
    missed = [r for r in results if r.applies and not r.passed]
    if missed:
        click.echo(f"{len(missed)} leaflet(s) miss their plain-language target: use shorter "
                   "sentences and everyday words, then run leaflets check again.", err=True)
        sys.exit(1)
    click.echo(f"ok: {len(content.modules)} topic(s), {len(leaflet_keys(content))} leaflet(s), "
               f"{len(content.warnings)} warning(s)")


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
        click.echo(f"  {'':<24} audiences: {', '.join(module.topic.audiences)}; "
                   f"next review {module.topic.review.next_review}")


@cli.group()
def new() -> None:
    """Scaffold the files for a new topic or language, with every key to fill in."""


def _scaffold(ctx: click.Context, make, name: str) -> None:
    import re

    from leaflets.schema import ID_PATTERN, LANG_PATTERN

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
    click.echo("Fill in every empty value, then run: leaflets check", err=True)


@new.command(name="language")
@click.argument("code")
@click.pass_context
def new_language(ctx: click.Context, code: str) -> None:
    """Create the locale file and one text file per topic for language CODE (e.g. de)."""
    from leaflets.scaffold import new_language as make

    _scaffold(ctx, make, code)
    click.echo(f"Add {code} to `languages:` in leaflets.yaml, write every empty value, "
               "then run: leaflets check", err=True)


def main() -> None:
    cli(prog_name="leaflets")
