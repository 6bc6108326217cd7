"""The built wheel as another project installs it: what a plain install adds, the plugin, the extras.

The metadata test runs on every `make test`. The install tests build a clean venv and install from
the package index (two installs, a minute or two), so they are marked `dist` and run by `make dist`
and the release workflow, not by `make test`.
"""

from __future__ import annotations

import textwrap
from email.parser import Parser
from pathlib import Path
from zipfile import ZipFile

import pytest

from ..venvs import Venv, build_wheel

pytestmark = pytest.mark.processes  # every test here starts a process

HEAVY = {"schemathesis", "hypothesis", "granian", "redis", "graphql-core", "rich", "anyio"}
# the plain install: the mock in a thread and the pytest plugin (names as pip freeze spells them)
PLAIN = {
    "attrs", "blinker", "certifi", "charset-normalizer", "click", "flask", "idna", "itsdangerous",
    "jinja2", "jsonschema", "jsonschema-specifications", "markupsafe", "pyyaml", "referencing",
    "requests", "rpds-py", "typing-extensions", "urllib3", "werkzeug",
}  # fmt: skip
PYTEST_ITSELF = {"pytest", "iniconfig", "packaging", "pluggy", "pygments"}


def requirements(wheel: Path) -> dict[str | None, set[str]]:
    """The wheel's Requires-Dist by extra (None: a plain install), names only."""
    with ZipFile(wheel) as archive:
        metadata = next(name for name in archive.namelist() if name.endswith(".dist-info/METADATA"))
        message = Parser().parsestr(archive.read(metadata).decode())
    by_extra: dict[str | None, set[str]] = {}
    for line in message.get_all("Requires-Dist") or []:
        spec, _, marker = line.partition(";")
        name = spec.split("[")[0].split(">")[0].split("<")[0].split("=")[0].strip().lower()
        extra = marker.split("extra ==")[1].strip(" '\"") if "extra ==" in marker else None
        by_extra.setdefault(extra, set()).add(name)
    return by_extra


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_wheel(tmp_path_factory.mktemp("wheel"))


def test_a_plain_install_requires_nothing_heavy(wheel: Path) -> None:
    needs = requirements(wheel)
    assert needs[None] == {"flask", "werkzeug", "requests", "jsonschema", "pyyaml"}
    assert needs["fake"] == {"faker"}  # faker registers a pytest plugin: never in a plain install
    assert {"schemathesis", "hypothesis", "pytest"} <= needs["suite"]
    assert "faker" not in needs["suite"] | needs["load"]  # the bundled mock serves pre-rendered routes
    assert needs["serve"] == {"granian", "faker"}  # authcontract[fake], for a served --fake-users
    assert "faker" in needs["all"] & needs["dev"]
    assert needs["redis"] == {"redis"}
    assert needs["tls"] == {"trustme"}


def test_the_wheel_has_its_entry_points_and_license(wheel: Path) -> None:
    with ZipFile(wheel) as archive:
        names = archive.namelist()
        entry_points = archive.read(next(n for n in names if n.endswith("entry_points.txt"))).decode()
    assert any(name.endswith(".dist-info/licenses/LICENSE") for name in names)
    assert "authcontract = mockserver.pytest_plugin" in entry_points
    assert "authcontract = authcontract.cli:main" in entry_points
    assert "authcontract/__main__.py" in names


def test_the_wheel_carries_the_dashboard_page(wheel: Path) -> None:
    """GET /_mock/dashboard reads its files from the package: a wheel without them would 500."""
    with ZipFile(wheel) as archive:
        names = set(archive.namelist())
    page = {"index.html", "dashboard.css", "dashboard.js", "favicon.svg"}
    assert {f"mockserver/http/dashboard/{name}" for name in page} <= names


# --- install tests (make dist) -----------------------------------------------------------------

DOWNSTREAM_TEST = """
import requests


def test_the_plugin_serves_a_mock(auth_mock, auth_token):
    me = requests.get(auth_mock.url_for("/me"), headers={"Authorization": f"Bearer {auth_token}"}, timeout=5)
    assert me.status_code == 200
    auth_mock.advance(3601)
    me = requests.get(auth_mock.url_for("/me"), headers={"Authorization": f"Bearer {auth_token}"}, timeout=5)
    assert me.status_code == 401


def test_the_bundled_routes_are_served_without_faker(auth_mock, auth_token):
    accounts = requests.get(
        auth_mock.url_for("/accounts"), headers={"Authorization": f"Bearer {auth_token}"}, timeout=5
    )
    assert accounts.status_code == 200
    assert len(accounts.json()["accounts"]) == 3
"""


PYTEST11_ENTRY_POINTS = """
from importlib.metadata import entry_points
for point in sorted(entry_points(group="pytest11"), key=lambda point: point.name):
    print(f"{point.name}={point.value}")
"""


@pytest.mark.dist
def test_the_wheel_in_a_clean_venv(wheel: Path, tmp_path: Path) -> None:
    venv = Venv(tmp_path / "venv")
    venv.install(str(wheel))  # as `pip install .` does from a clone: no pytest
    added = venv.packages() - {"authcontract", "pip"}
    assert added == PLAIN, f"a plain install adds {len(added)} packages: {sorted(added)}"
    assert not added & (HEAVY | PYTEST_ITSELF)

    project = tmp_path / "downstream"
    project.mkdir()
    # the command answers from a plain install: its help, and one line naming the extra a command needs
    helped = venv.run(venv.path / "bin" / "authcontract", "--help", cwd=project)
    assert helped.returncode == 0, helped.stderr
    assert "check" in helped.stdout
    for command, extra in (("check", "suite"), ("compare", "suite"), ("load", "load")):
        missing = venv.run(venv.path / "bin" / "authcontract", command, cwd=project)
        assert missing.returncode == 2, missing.stderr
        assert missing.stderr.strip().count("\n") == 0, missing.stderr
        assert f"pip install 'authcontract[{extra}]'" in missing.stderr

    venv.install("pytest")  # the downstream project's own pytest
    (project / "test_downstream.py").write_text(textwrap.dedent(DOWNSTREAM_TEST))
    result = venv.run(venv.python, "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout
    plugins = venv.run(venv.python, "-m", "pytest", "--co", "-q", "-p", "no:cacheprovider", "-v", cwd=project)
    plugin_line = next(line for line in plugins.stdout.splitlines() if line.startswith("plugins:"))
    assert "authcontract" in plugin_line
    assert not any(name in plugin_line.lower() for name in ("schemathesis", "hypothesis", "anyio", "faker"))
    # no pytest plugin but the project's own is registered: none loads at the user's every pytest start
    registered = venv.run(venv.python, "-c", PYTEST11_ENTRY_POINTS, cwd=project)
    assert registered.returncode == 0, registered.stderr
    assert registered.stdout.split() == ["authcontract=mockserver.pytest_plugin"], registered.stdout
    assert venv.run(venv.python, "-c", "import faker", cwd=project).returncode != 0

    missing = venv.run(venv.path / "bin" / "authcontract", "check", cwd=project)
    assert missing.returncode == 2  # with pytest but not schemathesis
    assert missing.stderr.strip().count("\n") == 0
    assert "pip install 'authcontract[suite]'" in missing.stderr

    version = venv.run(venv.python, "-m", "authcontract", "--version")
    assert version.stdout.split() == ["authcontract", wheel.name.split("-")[1]]

    venv.install(f"{wheel}[suite]")
    check = venv.run(venv.path / "bin" / "authcontract", "check", cwd=project)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "PASS" in check.stdout


def test_the_suite_extra_caps_no_pytest(wheel: Path) -> None:
    """A user's pytest is theirs: installing [suite] must never move it back (it did, 9.2 -> 9.1.1)."""
    with ZipFile(wheel) as archive:
        metadata = next(name for name in archive.namelist() if name.endswith(".dist-info/METADATA"))
        lines = archive.read(metadata).decode().splitlines()
    pytest_lines = [line for line in lines if line.startswith("Requires-Dist: pytest")]
    assert pytest_lines, "the suite extra requires pytest"
    assert not any("<" in line.split(";")[0] for line in pytest_lines), pytest_lines


SCHEMATHESIS_FROM_FIXTURE = """
import pytest
import schemathesis
from mockserver import MockServer, Settings

import schemathesis_nodeid

schemathesis_nodeid.install()


@pytest.fixture(scope="module")
def api():
    with MockServer(Settings(log_requests=False)) as server:
        yield schemathesis.openapi.from_url(server.url_for("openapi.json"))


schema = schemathesis.pytest.from_fixture("api").include(path="/openapi.json")


@schema.parametrize()
def test_api(case):
    case.call()
"""


@pytest.mark.dist
def test_the_newest_pytest_stays_with_the_suite_and_schemathesis_runs_on_it(
    wheel: Path, tmp_path: Path
) -> None:
    """The newest pytest on the index, installed first, is the one left after `[suite]`; the shim
    (tests/mock/schemathesis_nodeid.py) lets schemathesis's pytest integration run on it."""
    venv = Venv(tmp_path / "venv")
    venv.install("pytest")
    newest = _version_of(venv, "pytest")
    venv.install(f"{wheel}[suite]")
    assert _version_of(venv, "pytest") == newest
    project = tmp_path / "project"
    project.mkdir()
    (project / "test_schemathesis.py").write_text(SCHEMATHESIS_FROM_FIXTURE)
    (project / "schemathesis_nodeid.py").write_text(
        (Path(__file__).parents[1] / "mock" / "schemathesis_nodeid.py").read_text()
    )
    result = venv.run(venv.python, "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout


def _version_of(venv: Venv, package: str) -> str:
    result = venv.run(
        venv.python, "-c", f"from importlib.metadata import version; print(version({package!r}))"
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()
