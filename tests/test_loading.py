from pathlib import Path

import pytest

from leaflets import loading
from leaflets.errors import ErrorList
from leaflets.loading import MAX_FILE_BYTES, load_file, load_text

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
    ("a: !!python/object/apply:os.system [ls]\n", "the tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed"),
    ("a: !custom x\n", "the tag '!custom' is not allowed"),
    ("a:\n\tb: 1\n", "a tab is used for indentation"),
    ("a: 'unclosed\nb: 1\n", "invalid YAML"),
    ("", "the file is empty"),
])
def test_refused_yaml(text, expected):
    _, errors = load(text)
    assert len(errors) == 1 and expected in errors[0], errors


def test_unclosed_quote_points_at_its_start():
    _, errors = load("a: 1\nb: \"never closed\nc: 2\n")
    assert "that starts on line 2" in errors[0]


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
