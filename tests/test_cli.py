import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

from conftest import REPO, run


def test_build_writes_the_pdf_in_the_web_layout(tiny_project: Path):
    result = run("--project", tiny_project, "build")
    assert result.exit_code == 0, result.stderr
    pdf = tiny_project / "output/en/cramp/patient/cramp-patient-en.pdf"
    assert pdf.read_bytes().startswith(b"%PDF-")
    # the progress log names each output once, then the summary; nothing is listed again
    assert result.stderr.count("cramp-patient-en.pdf") == 1
    assert "] rendered: en/cramp/patient/cramp-patient-en.pdf" in result.stderr
    assert "5 rendered, 0 up to date, 0 failed" in result.stderr and result.stdout == ""


def test_build_subset_and_unknown_names_are_usage_errors(tiny_project: Path):
    assert run("--project", tiny_project, "build", "--lang", "en", "--topic", "cramp",
               "--audience", "patient", "-q").exit_code == 0
    result = run("--project", tiny_project, "build", "--topic", "cramps")
    assert result.exit_code == 2
    assert "unknown topic 'cramps'; choose from cramp" in result.stderr


def test_check_writes_nothing_and_prints_readability(tiny_project: Path):
    result = run("--project", tiny_project, "check")
    assert result.exit_code == 0, result.stderr
    assert "flesch-kincaid-grade" in result.stdout and "ok: 1 topic(s)" in result.stdout
    assert not (tiny_project / "output").exists()


def test_list_shows_topics_languages_audiences(tiny_project: Path):
    result = run("--project", tiny_project, "list")
    assert result.exit_code == 0
    assert "languages: en" in result.stdout and "cramp" in result.stdout
    assert "Test cramps" in result.stdout and "next review 2099-01-01" in result.stdout


def test_content_errors_exit_1_without_traceback(tiny_project: Path):
    (tiny_project / "content/cramp/en.yaml").write_text("title: [oops\n")
    (tiny_project / "content/cramp/topic.yaml").write_text("reviw: 1\n")
    result = subprocess.run([sys.executable, "-m", "leaflets", "--project", str(tiny_project),
                             "build"], capture_output=True, text=True)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"{tiny_project}/content/cramp/en.yaml:1:8: (file): invalid YAML: this [ or {{ is never closed" in result.stderr
    assert "topic.yaml:1:1: reviw: unknown key 'reviw'; did you mean 'review'?" in result.stderr
    assert "nothing was written" in result.stderr
    assert not (tiny_project / "output").exists()


def test_page_budget_overflow_names_the_leaflet(tiny_project: Path):
    en = tiny_project / "content/cramp/en.yaml"
    en.write_text(en.read_text().replace("      - p: A cramp is a tight muscle. It goes away. [^nhs]",
                                         "      - p: A cramp is a tight muscle. [^nhs]\n" * 120))
    result = run("--project", tiny_project, "build")
    assert result.exit_code == 1
    assert "cramp (patient, en, a4) needs" in result.stderr and "budget is 2" in result.stderr


def test_missing_project_is_a_clear_error(tmp_path: Path):
    result = run("--project", tmp_path, "list")
    assert result.exit_code == 1 and "no leaflets.yaml here" in result.stderr


def test_python_m_and_help():
    result = subprocess.run([sys.executable, "-m", "leaflets", "--help"], capture_output=True,
                            text=True, cwd=REPO)
    assert result.returncode == 0 and "leaflets build" in result.stdout


def test_check_validates_the_clinic_profile_of_the_project(tiny_project: Path):
    config = tiny_project / "leaflets.yaml"
    config.write_text(config.read_text() + "clinic: clinic.yaml\n")
    (tiny_project / "clinic.yaml").write_text("name: Hill\nphone: nope\n")
    result = run("--project", tiny_project, "check")
    assert result.exit_code == 1
    assert "clinic.yaml:2:1: phone: 'nope' is not a phone number" in result.stderr


def test_serve_on_a_taken_port_is_a_usage_error(tiny_project: Path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "leaflets", "--project", str(tiny_project),
                                 "serve", "--port", str(port)], capture_output=True, text=True,
                                cwd=REPO, timeout=120)
    assert result.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stderr


def without_libraries(*names: str) -> str:
    """A sitecustomize.py for a machine without these libraries: cffi cannot open one whose
    name holds any of `names`, and says so in dlopen's own words."""
    return f'''\
import cffi
_dlopen = cffi.FFI.dlopen
def dlopen(self, name, *args, **kwargs):
    if any(missing in str(name) for missing in {names!r}):
        raise OSError(f"cannot load library '{{name}}': {{name}}: cannot open shared object "
                      "file: No such file or directory")
    return _dlopen(self, name, *args, **kwargs)
cffi.FFI.dlopen = dlopen
'''


NO_PANGO = without_libraries("pango", "gobject")


def test_missing_pango_is_one_line_naming_the_packages(tiny_project: Path, tmp_path: Path):
    (tmp_path / "sitecustomize.py").write_text(NO_PANGO)
    env = {"PYTHONPATH": f"{tmp_path}:{REPO}", "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-m", "leaflets", "--project", tiny_project,
                             "build", "-q"], capture_output=True, text=True, env=env)
    assert result.returncode == 1 and result.stdout == ""
    [line] = [line for line in result.stderr.splitlines() if "(warning)" not in line]
    assert line.startswith("error: WeasyPrint cannot load libgobject-2.0-0") and \
        "sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0" in line
    assert not (tiny_project / "output").exists()


def test_without_harfbuzz_subsetter_the_build_works_and_says_how_to_be_twice_as_fast(
        tiny_project: Path, tmp_path: Path):
    from leaflets.render.engine import subsetter_missing

    (tmp_path / "sitecustomize.py").write_text(without_libraries("harfbuzz-subset"))

    def build(*hooks: Path) -> subprocess.CompletedProcess:
        env = {"PYTHONPATH": ":".join(map(str, (*hooks, REPO))), "PATH": "/usr/bin:/bin"}
        return subprocess.run([sys.executable, "-m", "leaflets", "--project", tiny_project,
                               "build", "--force"], capture_output=True, text=True, env=env)

    fallback = build(tmp_path)
    assert fallback.returncode == 0, fallback.stderr
    assert fallback.stderr.splitlines()[-1] == (
        "note: HarfBuzz's font subsetter is not installed, so every PDF takes about twice as "
        "long; on Debian or Ubuntu `sudo apt-get install libharfbuzz-subset0`, on macOS `brew "
        "install harfbuzz`")
    assert (tiny_project / "output/en/cramp/patient/cramp-patient-en.pdf").stat().st_size
    assert ("note:" in build().stderr) == subsetter_missing()


def test_serve_starts_with_an_unfinished_module_and_serves_the_others(tiny_project: Path):
    assert run("--project", tiny_project, "new", "topic", "hand-cramps").exit_code == 0
    text = tiny_project / "content/hand-cramps/en.yaml"  # half written: errors, not a warning
    text.write_text(text.read_text().replace("title: ''", "title: Hand cramps"))
    server = subprocess.Popen([sys.executable, "-m", "leaflets", "--project", str(tiny_project),
                               "serve", "--port", "0"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, cwd=REPO)
    try:
        line = server.stdout.readline()
        assert line.startswith("Print desk: http://127.0.0.1:"), server.stderr.read()
        with urllib.request.urlopen(line.split(": ", 1)[1].strip(), timeout=60) as response:
            page = response.read().decode()
        assert response.status == 200 and "Test cramps" in page
        assert 'value="hand-cramps"' not in page  # not offered, and said why
        assert "<li>hand-cramps: not printable until its errors are fixed (see the terminal)" \
            in page
    finally:
        server.terminate()
        errors = server.communicate(timeout=60)[1]
    assert "content/hand-cramps/en.yaml" in errors
    assert "error(s) in" in errors and "the desk serves the other modules." in errors
