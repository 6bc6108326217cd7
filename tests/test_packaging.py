"""The data in fixtures/ is found from a checkout and from an installed wheel."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from mockserver.data import fixtures_dir

from .venvs import PIP, build_wheel

ROOT = Path(__file__).resolve().parent.parent


def test_a_checkout_reads_the_fixtures_beside_the_package() -> None:
    assert fixtures_dir() == ROOT / "fixtures"


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
