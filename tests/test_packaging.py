"""The distributions: the sdist and the wheel carry the LICENSE that pyproject.toml declares."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Built with the venv's setuptools (no build isolation, so no network), both archives in one process.
BUILD = """
import sys
from setuptools import build_meta
out = sys.argv[1]  # read first: build_meta rewrites sys.argv while it builds
build_meta.build_sdist(out)
build_meta.build_wheel(out)
"""


@pytest.fixture(scope="module")
def distributions(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    # A copy of what a build reads, so that building leaves no build/ or egg-info in the checkout.
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "flask_oauth_registry", source / "flask_oauth_registry",
                    ignore=shutil.ignore_patterns("__pycache__"))
    out = tmp_path_factory.mktemp("dist")
    result = subprocess.run([sys.executable, "-c", BUILD, str(out)], cwd=source,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    [sdist] = out.glob("*.tar.gz")
    [wheel] = out.glob("*.whl")
    return {"sdist": sdist, "wheel": wheel}


def test_the_sdist_ships_the_license(distributions: dict[str, Path]) -> None:
    with tarfile.open(distributions["sdist"]) as sdist:
        names = sdist.getnames()
        [license_path] = [n for n in names if n.endswith("/LICENSE")]
        text = sdist.extractfile(license_path).read().decode()  # type: ignore[union-attr]
    assert license_path.count("/") == 1, "LICENSE belongs at the top of the sdist"
    assert "BSD 3-Clause License" in text and "2026, the flask-oauth-registry authors" in text


def test_the_wheel_ships_the_license_and_declares_it(distributions: dict[str, Path]) -> None:
    with zipfile.ZipFile(distributions["wheel"]) as wheel:
        names = wheel.namelist()
        [license_path] = [n for n in names if n.endswith(".dist-info/licenses/LICENSE")]
        metadata = wheel.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
        text = wheel.read(license_path).decode()
    assert "BSD 3-Clause License" in text
    assert "License-Expression: BSD-3-Clause" in metadata
    assert "License-File: LICENSE" in metadata
    assert any(n.startswith("flask_oauth_registry/") and n.endswith("py.typed") for n in names)
