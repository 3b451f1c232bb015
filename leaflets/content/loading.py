"""Safe YAML loading: plain data plus a map from key paths to file positions.

Only plain YAML is accepted: `true`/`false` are the only booleans, dates stay
strings, duplicate keys, anchors, aliases and explicit tags are refused.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

try:
    from yaml._yaml import CParser
except ImportError:  # PyYAML built without libyaml
    CParser = None

from leaflets.content.characters import INVISIBLE, UNPRINTABLE, invisible_message
from leaflets.content.paths import Place, place, where_it_leads
from leaflets.errors import ContentErrors, ErrorList

MAX_FILE_BYTES = 1024 * 1024
KeyPath = tuple[str | int, ...]

_STANDARD_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader without YAML 1.1 surprises (yes/no/on/off booleans, dates)."""


_StrictLoader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|false)$"), list("tf")
)


@dataclass
class Document:
    """A loaded YAML file: its data and where each key path sits in it."""

    path: Path
    data: Any
    positions: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)
    # Key paths the loader already reported (a refused tag, a control character...):
    # validation stays quiet about them rather than adding a confusing second error.
    refused: frozenset[KeyPath] = frozenset()

    def is_refused(self, key_path: KeyPath) -> bool:
        return any(key_path[:len(refused)] == refused for refused in self.refused)

    def position(self, key_path: KeyPath) -> tuple[int, int]:
        """The line and column of the nearest located ancestor of `key_path`."""
        for end in range(len(key_path), -1, -1):
            found = self.positions.get(tuple(key_path[:end]))
            if found:
                return found
        return (1, 1)


def format_key(key_path: KeyPath) -> str:
    """`('sections', 'why', 'blocks', 0)` → `sections.why.blocks[0]`."""
    text = ""
    for part in key_path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def _mark(node: yaml.Node) -> tuple[int, int]:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


# UNPRINTABLE: YAML refuses such characters raw, but a double-quoted escape such as "\x00"
# or "\ud800" can still produce them.


def unprintable_message(character: str) -> str:
    return (f"the character U+{ord(character):04X} cannot be printed; delete it (it is often "
            "pasted in by accident)")


class _Builder:
    """Turns a composed node tree into plain data, recording positions."""

    def __init__(self, path: Path, loader: SafeConstructor, errors: ErrorList):
        self.path = path
        self.loader = loader
        self.errors = errors
        self.positions: dict[KeyPath, tuple[int, int]] = {}
        self.refused: set[KeyPath] = set()

    def error(self, node: yaml.Node, key_path: KeyPath, message: str) -> None:
        line, column = _mark(node)
        self.errors.add(self.path, line, column, format_key(key_path), message)
        self.refused.add(key_path)

    def build(self, node: yaml.Node, key_path: KeyPath) -> Any:
        self.positions.setdefault(key_path, _mark(node))
        if node.tag not in _STANDARD_TAGS:
            tag = node.tag.replace("tag:yaml.org,2002:", "!!", 1)
            self.error(node, key_path, f"the tag {tag} is not allowed; write plain "
                       "text, numbers, lists and mappings only (put text that starts with ! "
                       "in quotes)")
            return None
        if isinstance(node, yaml.MappingNode):
            return self.build_mapping(node, key_path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, key_path + (index,)) for index, item in enumerate(node.value)]
        value = self.loader.construct_object(node)
        if not isinstance(value, str):
            return value
        found = UNPRINTABLE.search(value)
        if found:
            self.error(node, key_path, unprintable_message(found.group()))
            return None
        found = INVISIBLE.search(value)
        if found:
            self.error(node, key_path, invisible_message(found.group()))
            return None
        return value

    def build_mapping(self, node: yaml.MappingNode, key_path: KeyPath) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.error(key_node, key_path, "merge keys (<<) are not allowed; write the keys out")
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.error(key_node, key_path, "a key must be plain text")
                continue
            key = str(key_node.value)
            child = key_path + (key,)
            if key in result:
                first_line = self.positions[child][0]
                self.error(key_node, child, f"duplicate key {key!r} (first defined on line "
                           f"{first_line}); remove or rename one of them")
                continue
            self.positions[child] = _mark(key_node)
            result[key] = self.build(value_node, child)
        return result


class _Refused(yaml.MarkedYAMLError):
    """Valid YAML that leaflets does not accept."""


# Content nests about six levels deep; composing is recursive, so 50,000 `[` would otherwise
# end in a RecursionError.
MAX_DEPTH = 50


class _NoAliases:
    """Refuses anchors and aliases while composing, so alias bombs never expand; and deep nests."""

    depth = 0

    def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
        event = self.peek_event()  # type: ignore[attr-defined]
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            kind = "aliases (*name)" if isinstance(event, yaml.AliasEvent) else "anchors (&name)"
            raise _Refused(None, None, f"{kind} are not allowed; repeat the text instead (put "
                           "text that starts with * or & in quotes)", event.start_mark)
        if self.depth >= MAX_DEPTH:
            raise _Refused(None, None, f"lists and mappings are nested more than {MAX_DEPTH} "
                           "deep here; close the brackets, or put text that starts with [ or { "
                           "in quotes", event.start_mark)
        self.depth += 1
        try:
            return super().compose_node(parent, index)  # type: ignore[misc]
        finally:
            self.depth -= 1


class _NoAliasComposer(_NoAliases, _StrictLoader):
    """The pure-Python loader: slower, but its error messages and positions are the reference."""


if CParser is not None:
    class _FastComposer(_NoAliases, Composer, CParser, SafeConstructor, Resolver):
        """libyaml parses, Python composes: the same nodes and positions, several times faster."""

        yaml_implicit_resolvers = _StrictLoader.yaml_implicit_resolvers

        def __init__(self, stream: str):
            CParser.__init__(self, stream)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)


# Where libyaml accepts what PyYAML refuses, or places nodes elsewhere (found by fuzzing both).
_LIBYAML_DIFFERS = re.compile(r"[\t\r\x85\u2028\u2029\ufeff]|^(---|\.\.\.)|"
                              + yaml.reader.Reader.NON_PRINTABLE.pattern, re.M)


def _compose(text: str) -> tuple[SafeConstructor, yaml.Node | None]:
    """The node tree of a document, and the loader that can construct its values.

    Anything libyaml refuses, and text where the two parsers are known to disagree (tabs,
    line breaks other than \\n, characters PyYAML refuses), goes through the pure-Python
    loader, so every error and position reads exactly as it always has.
    """
    if CParser is not None and not _LIBYAML_DIFFERS.search(text):
        loader = _FastComposer(text)
        try:
            return loader, loader.get_single_node()
        except yaml.YAMLError:
            pass  # parse again below, for PyYAML's wording and positions of the problem
        finally:
            loader.dispose()
    loader = _NoAliasComposer(text)
    try:
        return loader, loader.get_single_node()
    finally:
        loader.dispose()


def _lines(text: str) -> list[str]:
    """Lines as YAML and editors count them (str.splitlines also splits at \\x1c and more)."""
    return re.split(r"\r\n|\r|\n", text)


def _position(text: str, offset: int) -> tuple[int, int]:
    """The line and column of a character offset."""
    before = _lines(text[:offset])
    return len(before), len(before[-1]) + 1


def _starts_mid_line(text: str, mark: yaml.Mark) -> bool:
    lines = _lines(text)
    line = lines[mark.line] if mark.line < len(lines) else ""
    return bool(line[:mark.column].strip(" -"))


def _explain(exc: yaml.MarkedYAMLError, text: str) -> tuple[yaml.Mark | None, str]:
    """Where to look and what to do, for the YAML mistakes authors actually make."""
    problem, context = exc.problem or str(exc), exc.context or ""
    start, found = exc.context_mark, exc.problem_mark
    if isinstance(exc, _Refused):
        return found, problem
    if "quoted scalar" in context and "end of stream" in problem:
        return start, "this quote is never closed; add the closing quote at the end of the text"
    if "flow" in context and ("end of stream" in problem or "expected ','" in problem):
        return start, ("this [ or { is never closed; close it, or put text that starts with "
                       "[ or { in quotes")
    if "could not find expected ':'" in problem:
        return start, ("this line is not `key: value`; add the colon after the key, or indent "
                       "the line under its key if it continues the text above")
    if "mapping values are not allowed" in problem:
        return found, ("a `key:` cannot start here; indent this line like the keys above it, "
                       "or put text that contains ': ' in quotes")
    if problem.startswith("expected <block end>") and found and _starts_mid_line(text, found):
        return found, ("the text goes on after a closing quote or bracket; put the whole "
                       "text in quotes")
    if problem.startswith("expected <block end>"):
        opened = f" (the block starts on line {start.line + 1})" if start else ""
        return found, (f"this line is not lined up with the lines above it{opened}; indent it "
                       "like its neighbours")
    if "'\\t'" in problem:
        return found, "a tab is not allowed here; use spaces"
    if "alias" in context or "anchor" in context or "cannot start any token" in problem:
        return start or found, ("text that starts with * & ! @ ` % | > [ { or a quote must "
                                "be put in quotes, like \"**Do** this\"")
    if "unknown escape character" in problem:
        return found, ("in double quotes a backslash starts an escape; write \\\\ for a "
                       "backslash, or use single quotes")
    if "<document start>" in problem:
        return found, ("a line that starts with % is a YAML directive; put text that starts "
                       "with % in quotes")
    if "single document" in context:
        return found, "a file holds one document; remove the `---` line"
    where = f" ({context} on line {start.line + 1})" if start else f" ({context})" if context else ""
    return found or start, f"{problem}{where}; check the indentation and the quotes here"


def _decode(path: Path, raw: bytes, errors: ErrorList) -> str | None:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        errors.add(path, line, column, "", f"the file is not valid UTF-8 (byte offset {exc.start}: "
                   f"0x{raw[exc.start]:02x}); save it as UTF-8")
        return None


# YAML counts these as line breaks but most editors do not, so every line number after one
# would be off. They are refused like tabs.
_ODD_LINE_BREAK = re.compile("[\x85\u2028\u2029]")


def load_text(path: Path, text: str, errors: ErrorList) -> Document | None:
    """Parse YAML text; on failure record located errors and return None."""
    odd = _ODD_LINE_BREAK.search(text)
    if odd:
        errors.add(path, *_position(text, odd.start()), "", f"the character U+{ord(odd.group()):04X} is an "
                   "unusual line break; replace it with an ordinary line break or a space")
        return None
    if "\t" in text:
        for number, line in enumerate(_lines(text), start=1):
            stripped = len(line) - len(line.lstrip(" \t"))
            if "\t" in line[:stripped]:
                errors.add(path, number, line.index("\t") + 1, "",
                           "a tab is used for indentation; indent with spaces")
                return None
    try:
        loader, node = _compose(text)
    except yaml.MarkedYAMLError as exc:
        mark, explanation = _explain(exc, text)
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        errors.add(path, line, column, "", f"invalid YAML: {explanation}")
        return None
    except yaml.reader.ReaderError as exc:
        errors.add(path, *_position(text, exc.position), "",
                   unprintable_message(chr(exc.character)))
        return None
    if node is None:  # only comments or nothing: validation says which keys are needed
        return Document(path=path, data=None)
    builder = _Builder(path, loader, errors)
    data = builder.build(node, ())
    return Document(path=path, data=data, positions=builder.positions,
                    refused=frozenset(builder.refused))


def load_file(path: Path, errors: ErrorList, root: Path | None = None) -> Document | None:
    """Read and parse one YAML file, refusing large files and links out of `root`."""
    where = place(path, root) if root is not None else Place.INSIDE
    if where is not Place.INSIDE:
        fix = "copy it into the project instead"
        where = f"is outside the project; {fix}" if where is Place.OUTSIDE \
            else where_it_leads(path, fix)
        errors.add(path, 1, 1, "", f"the file {where}")
        return None
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            errors.add(path, 1, 1, "", f"the file is {size} bytes, over the limit of "
                       f"{MAX_FILE_BYTES} bytes; split it or shorten it")
            return None
        raw = path.read_bytes()
    except OSError as exc:
        errors.add(path, 1, 1, "", f"cannot read the file: {exc.strerror}")
        return None
    text = _decode(path, raw, errors)
    if text is None:
        return None
    return load_text(path, text, errors)


def load_or_raise(path: Path, root: Path) -> Document:
    """Read one file of the project; raise ContentErrors saying why it cannot be read."""
    errors = ErrorList()
    document = load_file(path, errors, root)
    if document is None:
        raise ContentErrors(errors.errors)
    return document
