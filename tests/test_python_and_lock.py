"""Any current Python runs the project, and every install takes the locked versions."""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([a-z0-9][a-z0-9._-]*)==(\S+)", re.MULTILINE)


def pinned(lock: str) -> dict[str, set[str]]:
    """Package name → the versions the lock pins (more than one when markers split them)."""
    versions: dict[str, set[str]] = {}
    for name, version in PIN.findall(lock):
        versions.setdefault(name, set()).add(version)
    return versions


def normalise(requirement: str) -> str:
    name = re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0]
    return re.sub(r"[-_.]+", "-", name).lower()


def project() -> dict:
    return tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]


def test_it_asks_for_python_3_11_or_later_with_no_upper_bound():
    assert project()["requires-python"] == ">=3.11"


def test_every_dependency_is_locked_and_every_pin_carries_its_hashes():
    runtime = (PROJECT_ROOT / "requirements.txt").read_text()
    dev = (PROJECT_ROOT / "requirements-dev.txt").read_text()
    for requirement in project()["dependencies"]:
        assert normalise(requirement) in pinned(runtime), requirement
    for requirement in project()["dependencies"] + project()["optional-dependencies"]["dev"]:
        assert normalise(requirement) in pinned(dev), requirement
    for lock in (runtime, dev):
        blocks = PIN.split(lock)[1:]  # name, version, the lines up to the next pin, …
        for name, rest in zip(blocks[::3], blocks[2::3], strict=True):
            assert "--hash=sha256:" in rest, f"{name} is pinned without a hash"


def test_the_test_lock_pins_the_same_versions_as_the_runtime_lock():
    runtime = pinned((PROJECT_ROOT / "requirements.txt").read_text())
    dev = pinned((PROJECT_ROOT / "requirements-dev.txt").read_text())
    for name, versions in runtime.items():
        assert dev[name] == versions, f"{name}: {versions} at run time, {dev[name]} in tests"


def test_the_lock_covers_python_3_13_where_it_differs():
    # WebOb (django-webtest) needs the cgi module, gone from the standard library in 3.13.
    dev = (PROJECT_ROOT / "requirements-dev.txt").read_text()
    assert re.search(r"^legacy-cgi==\S+ ; python_full_version >= '3\.13'", dev, re.MULTILINE)


def test_make_picks_a_python_that_runs_not_one_that_is_merely_on_the_path(tmp_path):
    # A shim for a newer version that fails when called, as pyenv leaves for inactive versions.
    shim = tmp_path / "python3.14"
    shim.write_text("#!/bin/sh\necho 'pyenv: python3.14: command not found' >&2\nexit 127\n")
    shim.chmod(0o755)
    result = subprocess.run(
        ["make", "-s", "-p", "-n", "install"],
        cwd=PROJECT_ROOT,
        env={"PATH": f"{tmp_path}:/usr/local/bin:/usr/bin:/bin", "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    chosen = re.search(r"^PYTHON := (.*)$", result.stdout, re.MULTILINE)
    assert chosen, result.stdout[-2000:] + result.stderr
    assert chosen.group(1), "make found no Python at all"
    assert "python3.14" not in chosen.group(1)
    version = subprocess.run(
        [chosen.group(1), "-c", "import sys; print(sys.version_info >= (3, 11))"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert version.stdout.strip() == "True"


def test_make_says_what_to_do_when_no_python_is_recent_enough(tmp_path):
    old = tmp_path / "python3"
    old.write_text("#!/bin/sh\nexit 1\n")  # answers every probe as a Python older than 3.11
    old.chmod(0o755)
    result = subprocess.run(
        [shutil.which("make"), "install", f"VENV={tmp_path / 'venv'}"],
        cwd=PROJECT_ROOT,
        env={"PATH": str(tmp_path), "HOME": str(tmp_path)},  # no other Python to be found
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "okrplatform needs Python 3.11 or later" in result.stderr
