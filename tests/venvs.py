"""Clean venvs and the built wheel, for the tests of what another project installs and for the bench."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

__all__ = ["PIP", "ROOT", "Venv", "build_wheel"]

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 600
PIP = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]


def build_wheel(directory: Path) -> Path:
    subprocess.run(
        [*PIP, "wheel", "--no-deps", "--no-build-isolation", "-w", directory, ROOT],
        check=True,
        timeout=300,
        capture_output=True,
    )
    return next(directory.glob("authcontract-*.whl"))


class Venv:
    """A venv without pip, filled and read by this interpreter's pip (`pip --python`)."""

    def __init__(self, path: Path) -> None:
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", path], check=True, timeout=120)
        self.path = path
        self.python = path / "bin" / "python"

    def install(self, *requirements: str) -> None:
        install = [*PIP, "--python", str(self.python), "install"]
        subprocess.run([*install, *requirements], check=True, timeout=TIMEOUT, capture_output=True)

    def packages(self) -> set[str]:
        # not quiet: -q silences the list itself
        result = self.run(sys.executable, "-m", "pip", "--python", self.python, "list", "--format=freeze")
        return {line.split("==")[0].lower().replace("_", "-") for line in result.stdout.split()}

    def run(self, *command: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(part) for part in command],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
            env={"PATH": f"{self.path / 'bin'}:/usr/bin:/bin", "HOME": str(self.path)},
        )
