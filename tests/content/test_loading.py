from pathlib import Path

import pytest

from leaflets.content import loading
from leaflets.errors import ErrorList
from leaflets.content.loading import MAX_FILE_BYTES, load_file, load_text

from conftest import REPO


def load(text: str):
    errors = ErrorList()
    document = load_text(Path("m.yaml"), text, errors)
    return document, [str(e) for e in errors.errors]


def test_only_true_and_false_are_booleans_and_dates_stay_text():
    document, errors = load("a: yes\nb: no\nc: on\nd: true\ne: 2026-01-01\n")
    assert errors == []
    assert document.data == {"a": "yes", "b": "no", "c": "on", "d": True, "e": "2026-01-01"}


def test_positions_are_recorded_per_key():
    document, _ = load("a:\n  b:\n    - x\n    - y\n")
    assert document.position(("a", "b", 1)) == (4, 7)
    assert document.position(("a", "missing")) == (1, 1)


def test_duplicate_key_names_both_lines():
    _, errors = load("title: A\nsummary: B\ntitle: C\n")
    assert errors == ["m.yaml:3:1: title: duplicate key 'title' (first defined on line 1); "
                      "remove or rename one of them"]


@pytest.mark.parametrize("text, expected", [
    ("a: &x 1\nb: *x\n", "anchors (&name) are not allowed"),
    ("a: !!python/object/apply:os.system [ls]\n",
     "the tag !!python/object/apply:os.system is not allowed"),
    ("a: !custom x\n", "the tag !custom is not allowed"),
    ("a:\n\tb: 1\n", "a tab is used for indentation"),
    ("a: 'unclosed\nb: 1\n", "invalid YAML"),
    ("a: \"x\\x00y\"\n", "the character U+0000 cannot be printed"),
    ("a: \"\\ud800\"\n", "the character U+D800 cannot be printed"),
    ("a: b\x01\n", "the character U+0001 cannot be printed"),
    ("a: b\u2028c\n", "the character U+2028 is an unusual line break"),
])
def test_refused_yaml(text, expected):
    _, errors = load(text)
    assert len(errors) == 1 and expected in errors[0], errors


def test_unclosed_quote_points_at_its_start():
    _, errors = load("a: 1\nb: \"never closed\nc: 2\n")
    assert errors == ["m.yaml:2:4: (file): invalid YAML: this quote is never closed; add the "
                      "closing quote at the end of the text"]


def test_an_empty_file_loads_as_nothing_for_validation_to_explain():
    document, errors = load("# only a comment\n")
    assert errors == [] and document.data is None


def test_a_refused_value_is_marked_so_validation_stays_quiet_about_it():
    document, errors = load("a:\n  b: !!binary aGk=\n  c: 1\n")
    assert errors == ["m.yaml:2:6: a.b: the tag !!binary is not allowed; write plain text, "
                      "numbers, lists and mappings only (put text that starts with ! in quotes)"]
    assert document.is_refused(("a", "b")) and not document.is_refused(("a", "c"))


def test_alias_bomb_is_refused_quickly():
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for index in range(1, 10):
        previous, name = chr(ord("a") + index - 1), chr(ord("a") + index)
        lines.append(f"{name}: &{name} [{', '.join(['*' + previous] * 9)}]")
    _, errors = load("\n".join(lines) + "\n")
    assert len(errors) == 1 and "not allowed" in errors[0]


def test_not_utf8_names_the_byte_offset(tmp_path: Path):
    path = tmp_path / "m.yaml"
    path.write_bytes(b"title: caf\xe9\n")
    errors = ErrorList()
    assert load_file(path, errors) is None
    assert "byte offset 10: 0xe9" in str(errors.errors[0]) and ":1:11:" in str(errors.errors[0])


def test_large_file_is_refused(tmp_path: Path):
    path = tmp_path / "m.yaml"
    path.write_bytes(b"a: " + b"x" * MAX_FILE_BYTES + b"\n")
    errors = ErrorList()
    assert load_file(path, errors) is None
    assert "over the limit" in str(errors.errors[0])


def test_link_out_of_the_project_is_refused(tmp_path: Path):
    outside = tmp_path / "outside.yaml"
    outside.write_text("a: 1\n")
    root = tmp_path / "project"
    root.mkdir()
    (root / "m.yaml").symlink_to(outside)
    errors = ErrorList()
    assert load_file(root / "m.yaml", errors, root) is None
    assert "links outside the project" in str(errors.errors[0])


# --- properties: any input gives data or located errors, never an exception ---------------

from hypothesis import given, settings, strategies as st  # noqa: E402
import yaml  # noqa: E402

PRINTABLE = st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\ufffe\uffff")
# Fragments that YAML and the markup give meaning to, so that generated text hits them often.
YAML_FRAGMENTS = st.sampled_from([
    ": ", " #", "- ", "\n", "\n  ", "\t", "'", '"', "&a ", "*a", "!!python/object:os.system ",
    "!x ", "[", "]", "{", "}", ",", "|", ">", "%", "@", "`", "? ", "---", "...", "<<: ",
    "\\", "\\x00", "\ufeff", "\x85", "\u2028", "yes", "2026-01-01", "0x1f", "~", "null",
])


def _located(errors: list, text: str) -> bool:
    last_line = text.count("\n") + text.count("\r") + 2
    return all(1 <= e.line <= last_line and e.column >= 1 for e in errors)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=12), YAML_FRAGMENTS), max_size=24).map("".join))
def test_any_text_loads_or_gives_located_errors(text: str):
    errors = ErrorList()
    document = load_text(Path("m.yaml"), text, errors)
    assert document is not None or errors.errors
    assert _located(errors.errors, text)
    assert all(str(e).startswith("m.yaml:") for e in errors.errors)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes_load_or_give_located_errors(tmp_path_factory, data: bytes):
    path = tmp_path_factory.mktemp("bytes") / "m.yaml"
    path.write_bytes(data)
    errors = ErrorList()
    document = load_file(path, errors)
    assert document is not None or errors.errors
    assert all(e.line >= 1 and e.column >= 1 for e in errors.errors)


PLAIN_DATA = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(PRINTABLE, max_size=20),
              st.floats(allow_nan=False, allow_infinity=False)),
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(st.text(PRINTABLE, max_size=8), children,
                                               max_size=4)),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(PLAIN_DATA)
def test_plain_data_round_trips_exactly(data):
    """Whatever a YAML writer produces from plain data reads back as the same data."""
    text = yaml.safe_dump({"root": data}, allow_unicode=True)
    document, errors = load(text)
    assert errors == []
    assert document.data == {"root": data}


def test_libyaml_and_pure_python_parsing_agree_on_data_and_positions():
    assert loading.CParser is not None, "PyYAML is installed without libyaml"
    for path in sorted((REPO / "content").rglob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        documents = []
        for composer in (loading._FastComposer, loading._NoAliasComposer):
            parser = composer(text)
            node = parser.get_single_node()
            builder = loading._Builder(path, parser, ErrorList())
            documents.append((builder.build(node, ()), builder.positions))
        assert documents[0] == documents[1], path


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=12), YAML_FRAGMENTS), max_size=24).map("".join))
def test_libyaml_gives_the_same_data_and_errors_as_pure_python(text: str):
    fast_errors, pure_errors = ErrorList(), ErrorList()
    fast = load_text(Path("m.yaml"), text, fast_errors)
    parser = loading.CParser
    try:
        loading.CParser = None
        pure = load_text(Path("m.yaml"), text, pure_errors)
    finally:
        loading.CParser = parser
    assert [str(e) for e in fast_errors.errors] == [str(e) for e in pure_errors.errors]
    assert (fast and (fast.data, fast.positions)) == (pure and (pure.data, pure.positions))
