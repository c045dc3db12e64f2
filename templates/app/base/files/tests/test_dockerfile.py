"""The Dockerfile's contract, checked without a docker daemon (CI's ``image`` job builds it).

Two stages, the runtime one unprivileged, no credentials baked in, every ``COPY`` source in the
project and sent to the build (not left out by ``.dockerignore``), and data, models, tracking
stores and secrets never sent.
"""

import fnmatch
import json
import re
import shlex
from pathlib import Path

import pytest
from dockerfile_parse import DockerfileParser

ROOT = Path(__file__).resolve().parent.parent
CREDENTIAL = re.compile(r"TOKEN|SECRET|PASSWORD|PASSWD|API_KEY|ACCESS_KEY|CREDENTIAL|PRIVATE", re.I)


def instructions() -> list[dict[str, str]]:
    with (ROOT / "Dockerfile").open("rb") as file:
        return DockerfileParser(fileobj=file).structure


def final_stage() -> list[dict[str, str]]:
    steps = instructions()
    start = max(index for index, step in enumerate(steps) if step["instruction"] == "FROM")
    return steps[start:]


def dockerignore() -> list[str]:
    lines = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def ignored(path: str, patterns: list[str]) -> bool:
    """Whether docker leaves ``path`` out of the build context (patterns as this file uses them).

    A pattern that names a folder leaves out everything under it; ``**/`` matches any depth,
    also none; a later ``!pattern`` sends a path back in.
    """
    parts = path.strip("/").split("/")
    prefixes = ["/".join(parts[: end + 1]) for end in range(len(parts))]
    result = False
    for pattern in patterns:
        negated = pattern.startswith("!")
        clean = pattern.lstrip("!").strip("/")
        forms = {clean, clean.removeprefix("**/")}
        if any(fnmatch.fnmatchcase(prefix, form) for prefix in prefixes for form in forms):
            result = not negated
    return result


def copy_sources(step: dict[str, str]) -> list[str]:
    words = shlex.split(step["value"])
    if any(word.startswith("--from") for word in words):
        return []
    return [word for word in words if not word.startswith("--")][:-1]


def test_builds_in_one_stage_and_runs_from_another() -> None:
    stages = [step for step in instructions() if step["instruction"] == "FROM"]
    assert len(stages) >= 2, "a build stage and a runtime stage"
    copied = [step["value"] for step in final_stage() if step["instruction"] == "COPY"]
    assert any(value.startswith("--from=") for value in copied), "the runtime copies the build"


def test_runs_as_an_unprivileged_user() -> None:
    users = [step["value"].split(":")[0] for step in final_stage() if step["instruction"] == "USER"]
    assert users, "the runtime stage names a USER"
    assert users[-1] not in {"root", "0"}


def test_bakes_in_no_credentials() -> None:
    for step in instructions():
        if step["instruction"] in {"ENV", "ARG"}:
            names = re.findall(r"([A-Za-z_][A-Za-z0-9_]*)=", step["value"]) or [step["value"]]
            assert not [name for name in names if CREDENTIAL.search(name)], step["value"]
        if step["instruction"] in {"COPY", "ADD"}:
            assert not [s for s in copy_sources(step) if s.startswith(".env")], step["value"]


def test_copies_only_what_the_project_has_and_sends() -> None:
    patterns = dockerignore()
    copies = [step for step in instructions() if step["instruction"] == "COPY"]
    sources = [source for step in copies for source in copy_sources(step)]
    assert sources
    for source in sources:
        assert (ROOT / source).exists(), f"COPY {source}: not in the project"
        assert not ignored(source, patterns), f"COPY {source}: left out by .dockerignore"


@pytest.mark.parametrize(
    "path",
    [
        ".env",
        ".env.local",
        ".venv/bin/python",
        "data/raw/x.csv",
        "models/model.joblib",
        "mlflow.db",
        "mlruns/0/meta.yaml",
        "mlartifacts/1/a.txt",
        "wandb/run-1/files",
        "runs/x",
        "sweeps/study.db",
        "src/pkg/__pycache__/a.cpython-311.pyc",
        "credentials.json",
        ".git/HEAD",
    ],
)
def test_never_sends_data_models_stores_or_secrets(path: str) -> None:
    assert ignored(path, dockerignore())


def test_the_image_runs_the_experiment() -> None:
    steps = {step["instruction"]: step["value"] for step in final_stage()}
    command = json.loads(steps["ENTRYPOINT"]) + json.loads(steps["CMD"])
    assert command == ["python", "-m", "<%- packageName %>", "run"]
