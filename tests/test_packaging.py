"""The wheel, installed into a fresh virtual environment, holds and imports everything the tree has.

Catches what an editable install hides: a subpackage missing from ``packages = [...]``, package
data (card templates) left out, stray top-level names, a console script that does not start.
Dependencies are not reinstalled: the fresh environment sees this environment's site-packages
through a ``.pth`` line, which adds the folder to ``sys.path`` without running this
environment's own ``.pth`` files, so the editable install of the repository stays out.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
SKIP_NAMES = {"__pycache__", ".pytest_cache", ".mypy_cache"}
SKIP_SUFFIXES = (".pyc", ".pyo")


def run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"{args} failed:\n{result.stdout}\n{result.stderr}"
    return result


def package_dirs() -> dict[str, Path]:
    """Package name → source folder, from pyproject's ``package-dir`` mapping and ``packages`` list."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    mapping = config["package-dir"]
    dirs = {}
    for package in config["packages"]:
        parent = max((name for name in mapping if package == name or package.startswith(name + ".")), key=len)
        rest = package[len(parent):].lstrip(".").split(".") if package != parent else []
        dirs[package] = ROOT.joinpath(mapping[parent], *[part for part in rest if part])
    return dirs


def build_isolation(config: dict) -> list[str]:
    """Build with this environment's tools where they meet ``build-system.requires`` (quick,
    offline); otherwise let pip fetch them into an isolated build environment from the registry."""
    for text in config["build-system"]["requires"]:
        requirement = Requirement(text)
        try:
            installed = importlib.metadata.version(requirement.name)
        except importlib.metadata.PackageNotFoundError:
            return []
        if not requirement.specifier.contains(installed, prereleases=True):
            return []
    return ["--no-build-isolation"]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """Build the wheel from a copy of what it is built from, so no build/ or egg-info lands in the
    checkout (and local clutter cannot hide a missing file)."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "src"
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    folders = set(config["tool"]["setuptools"]["package-dir"].values())
    files = ["pyproject.toml", config["project"]["readme"], *(p.name for p in ROOT.glob("LICEN[CS]E*"))]
    for folder in folders:
        shutil.copytree(ROOT / folder, source / folder,
                        ignore=shutil.ignore_patterns(*SKIP_NAMES, *(f"*{s}" for s in SKIP_SUFFIXES)))
    for name in files:
        shutil.copy(ROOT / name, source / name)
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", *build_isolation(config), "--wheel-dir", work / "dist",
        source, cwd=work)
    (built,) = (work / "dist").glob("projner-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    """A fresh environment with only the wheel installed; dependencies seen through a .pth line."""
    home = tmp_path_factory.mktemp("venv") / "env"
    run(sys.executable, "-m", "venv", "--without-pip", home, cwd=home.parent)
    python = home / "bin" / "python"
    purelib = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])",
                       cwd=home).stdout.strip())
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (purelib / "zz_projner_test_deps.pth").write_text("".join(f"{path}\n" for path in sorted(ours)))
    before = set(os.listdir(purelib))
    run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", wheel, cwd=home)
    added = set(os.listdir(purelib)) - before
    assert added == {"projner", wheel.name.split("-")[0] + "-" + wheel.name.split("-")[1] + ".dist-info"}, added
    return home


def test_wheel_holds_every_file_of_every_package_and_only_projner(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    top = {name.split("/")[0] for name in names}
    assert {t for t in top if not t.endswith(".dist-info")} == {"projner"}
    missing = []
    for package, folder in package_dirs().items():
        prefix = package.replace(".", "/")
        for path in folder.iterdir():
            if (path.is_file() and path.name not in SKIP_NAMES and not path.name.endswith(SKIP_SUFFIXES)
                    and f"{prefix}/{path.name}" not in names):
                missing.append(f"{path.relative_to(ROOT)} (as {prefix}/{path.name})")
        for sub in folder.iterdir():  # data folders (templates, data/**) that are not packages
            if sub.is_dir() and sub.name not in SKIP_NAMES and not (sub / "__init__.py").exists():
                for path in sub.rglob("*"):
                    if path.is_file() and not (set(path.parts) & SKIP_NAMES):
                        wanted = f"{prefix}/{path.relative_to(folder).as_posix()}"
                        if wanted not in names:
                            missing.append(f"{path.relative_to(ROOT)} (as {wanted})")
    unlisted = [str(p.parent.relative_to(ROOT)) for folder in package_dirs().values()
                for p in folder.rglob("__init__.py") if not (set(p.parts) & SKIP_NAMES)
                and p.parent not in package_dirs().values()]
    assert not missing, f"files in the tree but not in the wheel: {missing}"
    assert not unlisted, f"packages in the tree missing from pyproject's packages list: {unlisted}"


def test_every_subpackage_imports_from_the_fresh_environment(wheel, venv, tmp_path):
    packages = sorted(name[: -len("/__init__.py")].replace("/", ".")
                      for name in zipfile.ZipFile(wheel).namelist() if name.endswith("/__init__.py"))
    assert {"projner", "projner.builders", "projner.processing", "projner.dataset_cards"} <= set(packages)
    script = ("import importlib, json, sys\n"
              f"mods = [importlib.import_module(n) for n in {packages!r}]\n"
              "import projner.cli\n"
              "print(json.dumps({'files': [m.__file__ for m in mods], 'commands': list(projner.cli.COMMANDS)}))\n")
    found = json.loads(run(venv / "bin" / "python", "-c", script, cwd=tmp_path).stdout)
    for path in found["files"]:
        assert Path(path).resolve().is_relative_to(venv.resolve()), f"{path} is not from the fresh environment"
    assert run(venv / "bin" / "projner", "--help", cwd=tmp_path).stdout.startswith("usage: projner")
    for command in found["commands"]:
        out = run(venv / "bin" / "projner", command, "--help", cwd=tmp_path).stdout
        assert out.startswith(f"usage: projner {command}"), out
