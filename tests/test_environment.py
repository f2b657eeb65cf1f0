"""environment.yml (conda) lists the same dependencies, at the same pins, as pyproject.toml."""

import re
import tomllib

from conftest import REPO


def _pyproject_requirements() -> dict[str, str]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    requirements = project["dependencies"] + [r for extra in project["optional-dependencies"].values()
                                              for r in extra]
    return dict(_split(r) for r in requirements)


def _environment_requirements() -> dict[str, str]:
    lines = (REPO / "environment.yml").read_text().splitlines()
    start = lines.index("dependencies:")
    items = [m.group(1) for line in lines[start + 1:] if (m := re.match(r"^\s+-\s+(\S+)\s*$", line))]
    return dict(_split(i) for i in items if not i.startswith(("python", "pip")) or "==" in i)


def _split(requirement: str) -> tuple[str, str]:
    name, _, version = requirement.partition("==")
    return name.strip().lower(), version.strip()


def test_environment_yml_matches_pyproject():
    pyproject, environment = _pyproject_requirements(), _environment_requirements()
    assert len(pyproject) >= 10
    assert environment == pyproject


def test_every_dependency_is_pinned_exactly():
    for name, version in _pyproject_requirements().items():
        assert re.fullmatch(r"\d+(\.\d+)+(\.post\d+)?", version), f"{name} is not pinned with =="
