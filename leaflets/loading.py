"""Safe YAML loading: plain data plus a map from key paths to file positions.

Only plain YAML is accepted: `true`/`false` are the only booleans, dates stay
strings, duplicate keys, anchors, aliases and explicit tags are refused.
"""

from __future__ import annotations

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

from leaflets.errors import ErrorList

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


class _Builder:
    """Turns a composed node tree into plain data, recording positions."""

    def __init__(self, path: Path, loader: SafeConstructor, errors: ErrorList):
        self.path = path
        self.loader = loader
        self.errors = errors
        self.positions: dict[KeyPath, tuple[int, int]] = {}

    def error(self, node: yaml.Node, key_path: KeyPath, message: str) -> None:
        line, column = _mark(node)
        self.errors.add(self.path, line, column, format_key(key_path), message)

    def build(self, node: yaml.Node, key_path: KeyPath) -> Any:
        self.positions.setdefault(key_path, _mark(node))
        if node.tag not in _STANDARD_TAGS:
            self.error(node, key_path, f"the tag {node.tag!r} is not allowed; "
                       "write plain text, numbers, lists and mappings only")
            return None
        if isinstance(node, yaml.MappingNode):
            return self.build_mapping(node, key_path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, key_path + (index,)) for index, item in enumerate(node.value)]
        return self.loader.construct_object(node)

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


class _NoAliases:
    """Refuses anchors and aliases while composing, so alias bombs never expand."""

    def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(
                None, None, "aliases (*name) are not allowed; repeat the text instead",
                event.start_mark)
        event = self.peek_event()
        if getattr(event, "anchor", None):
            raise yaml.MarkedYAMLError(
                None, None, "anchors (&name) are not allowed; repeat the text instead",
                event.start_mark)
        return super().compose_node(parent, index)  # type: ignore[misc]


class _NoAliasComposer(_NoAliases, _StrictLoader):
    """The pure-Python loader: slower, but its error messages are the clearest."""


if CParser is not None:
    class _FastComposer(_NoAliases, Composer, CParser, SafeConstructor, Resolver):
        """libyaml parses, Python composes: the same nodes and positions, several times faster."""

        yaml_implicit_resolvers = _StrictLoader.yaml_implicit_resolvers

        def __init__(self, stream: str):
            CParser.__init__(self, stream)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)


def _compose(text: str) -> tuple[SafeConstructor, yaml.Node | None]:
    """The node tree of a document, and the loader that can construct its values."""
    if CParser is not None:
        loader = _FastComposer(text)
        try:
            return loader, loader.get_single_node()
        except yaml.YAMLError:
            pass  # parse again below, for PyYAML's clearer wording of the problem
        finally:
            loader.dispose()
    loader = _NoAliasComposer(text)
    try:
        return loader, loader.get_single_node()
    finally:
        loader.dispose()


def _decode(path: Path, raw: bytes, errors: ErrorList) -> str | None:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        errors.add(path, line, column, "", f"the file is not valid UTF-8 (byte offset {exc.start}: "
                   f"0x{raw[exc.start]:02x}); save it as UTF-8")
        return None


def load_text(path: Path, text: str, errors: ErrorList) -> Document | None:
    """Parse YAML text; on failure record located errors and return None."""
    if "\t" in text:
        for number, line in enumerate(text.splitlines(), start=1):
            stripped = len(line) - len(line.lstrip(" \t"))
            if "\t" in line[:stripped]:
                errors.add(path, number, line.index("\t") + 1, "",
                           "a tab is used for indentation; indent with spaces")
                return None
    try:
        loader, node = _compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or str(exc)
        if exc.context and exc.context_mark:
            problem = f"{problem} ({exc.context} that starts on line {exc.context_mark.line + 1})"
        elif exc.context:
            problem = f"{problem} ({exc.context})"
        errors.add(path, line, column, "", f"invalid YAML: {problem}")
        return None
    except yaml.YAMLError as exc:
        errors.add(path, 1, 1, "", f"invalid YAML: {exc}")
        return None
    if node is None:
        errors.add(path, 1, 1, "", "the file is empty; fill in the keys the module needs")
        return None
    builder = _Builder(path, loader, errors)
    data = builder.build(node, ())
    return Document(path=path, data=data, positions=builder.positions)


def load_file(path: Path, errors: ErrorList, root: Path | None = None) -> Document | None:
    """Read and parse one YAML file, refusing large files and links out of `root`."""
    if root is not None and not path.resolve().is_relative_to(root.resolve()):
        errors.add(path, 1, 1, "", f"the file links outside the project ({path.resolve()}); "
                   "copy it into the project instead")
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
