"""The data in fixtures/ is found from a checkout and from an installed wheel; the dependencies'
floors are the versions CI's lowest job installs, and the dev lock stays within their ranges."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from mockserver.data import fixtures_dir

from ..venvs import PIP, build_wheel

ROOT = Path(__file__).resolve().parents[2]


def test_a_checkout_reads_the_fixtures_beside_the_package() -> None:
    assert fixtures_dir() == ROOT / "fixtures"


@pytest.mark.processes
def test_an_installed_wheel_carries_and_finds_its_fixtures(tmp_path: Path) -> None:
    site = tmp_path / "site"
    wheel = build_wheel(tmp_path / "wheels")
    subprocess.run([*PIP, "install", "--no-deps", "--target", site, wheel], check=True, timeout=300)
    probe = (
        "import mockserver, mockserver.data as d; from mockserver import create_app;"
        "c = create_app().test_client();"
        "r = c.post('/authorization', data={'username': 'demo', 'password': 'demo-password'});"
        "print(mockserver.__file__); print(d.fixtures_dir()); print(r.status_code)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    module, fixtures, status = result.stdout.split()
    assert module.startswith(str(site))
    assert fixtures == str(site / "mockserver" / "fixtures")
    assert status == "200"


def _dependencies() -> dict[str, Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {canonicalize_name(req.name): req for req in map(Requirement, project["dependencies"])}


def _pins(name: str) -> dict[str, Version]:
    """Each `name==version` line of constraints/<name>, by canonical name; anything else fails."""
    pins: dict[str, Version] = {}
    for line in (ROOT / "constraints" / name).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            req = Requirement(line)
            (spec,) = req.specifier
            assert spec.operator == "==", line
            pins[canonicalize_name(req.name)] = Version(spec.version)
    return pins


def _floor(req: Requirement) -> Version | None:
    floors = [Version(spec.version) for spec in req.specifier if spec.operator == ">="]
    return max(floors, default=None)


def test_the_lowest_constraints_pin_exactly_the_floors_of_the_dependencies() -> None:
    floors = {name: _floor(req) for name, req in _dependencies().items()}
    assert _pins("lowest.txt") == floors


@pytest.mark.parametrize("name", ["flask", "werkzeug"])
def test_flask_and_werkzeug_are_capped_below_their_next_minor(name: str) -> None:
    # mockserver/http/ overrides their internals: a new minor comes in by a change here, after CI
    req = _dependencies()[name]
    floor = _floor(req)
    assert floor is not None
    assert req.specifier.contains(f"{floor.major}.{floor.minor}.99")
    assert not req.specifier.contains(f"{floor.major}.{floor.minor + 1}.0")


def test_the_dev_lock_pins_every_dependency_within_its_range() -> None:
    pins = _pins("dev.txt")
    for name, req in _dependencies().items():
        assert name in pins, name
        assert req.specifier.contains(pins[name]), f"{name}=={pins[name]} outside {req.specifier}"
