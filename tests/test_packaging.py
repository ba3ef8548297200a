"""The wheel ships product code only: test audio, codecs written for tests and the tests
themselves stay in the repository.

Building a wheel needs an isolated build environment (a network fetch of setuptools), so this
checks what decides the wheel's contents instead: the package discovery configured in
`pyproject.toml`, run the way setuptools runs it, and the source tree it discovers.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

from setuptools import find_namespace_packages, find_packages

ROOT = Path(__file__).resolve().parents[1]
TEST_ONLY_NAMES = ("corpus", "g711", "tests", "conftest", "bench")


def _packages_in_the_wheel() -> list[str]:
    """The packages setuptools puts in the wheel, from the `[tool.setuptools.packages.find]`
    table (namespace discovery is setuptools' default for that table)."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    find = pyproject["tool"]["setuptools"]["packages"]["find"]
    (where,) = find["where"]
    discover = find_namespace_packages if find.get("namespaces", True) else find_packages
    return list(
        discover(
            where=str(ROOT / where),
            include=find.get("include", ["*"]),
            exclude=find.get("exclude", []),
        )
    )


def test_the_wheel_holds_only_the_callwarden_package() -> None:
    packages = _packages_in_the_wheel()
    assert "callwarden" in packages and "callwarden.analysis" in packages
    for package in packages:
        assert package.split(".")[0] == "callwarden", package
        assert not set(package.split(".")) & set(TEST_ONLY_NAMES), package


def test_no_test_only_module_is_left_in_the_package() -> None:
    for path in (ROOT / "src").rglob("*.py"):
        parts = {*path.relative_to(ROOT / "src").parent.parts, path.stem}
        assert not parts & set(TEST_ONLY_NAMES), path
        assert not path.name.startswith("test_"), path


def test_product_code_never_imports_the_tests() -> None:
    for path in (ROOT / "src").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                assert name.split(".")[0] not in ("tests", "bench"), f"{path}: {name}"
