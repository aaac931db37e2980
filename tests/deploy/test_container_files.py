"""No Docker engine runs here: the Dockerfile and docker-compose.yml are read against the code."""

from __future__ import annotations

import re
import shlex
import tomllib
from pathlib import Path
from typing import Any

import click
import pytest
import yaml

from dashboard.cli import main as cli
from dashboard.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
# Names the images and gunicorn.conf.py read besides the settings.
RUNTIME_NAMES = {
    "PORT",
    "HOST",
    "WEB_CONCURRENCY",
    "PATH",
    "PYTHONDONTWRITEBYTECODE",
    "PYTHONUNBUFFERED",
}


def _setting_names() -> set[str]:
    names = {"DATABASE_URL"}
    names |= {f"VITRINE_{name.upper()}" for name in Settings.model_fields}
    return names


def _stages() -> dict[str, str]:
    """The Dockerfile's stages by name; "" names the last one, the default target."""
    parts = re.split(r"^(?=FROM )", (ROOT / "Dockerfile").read_text(), flags=re.M)[1:]
    stages = {re.findall(r"\S+", part.splitlines()[0])[-1]: part for part in parts}
    return {**stages, "": parts[-1]}


def _cli_command_exists(argv: list[str]) -> None:
    """`argv` (after `vitrine`) names a real command with options it accepts."""
    group: Any = cli
    args = list(argv)
    while isinstance(group, click.Group):
        name = args.pop(0)
        command = group.get_command(click.Context(group), name)
        assert command is not None, f"vitrine has no command {name!r}"
        group = command
    group.make_context(group.name, args)  # raises on an unknown option


def test_dockerfile_is_multi_stage_with_a_lean_non_root_runtime() -> None:
    stages = _stages()
    build, runtime = stages["build"], stages[""]
    assert runtime is stages["runtime"]  # serving is the default target
    for stage in (build, stages["build-train"]):
        for line in re.findall(r"^COPY\s+(.+)$", stage, flags=re.M):
            *sources, _dest = line.split()
            for source in sources:
                assert (ROOT / source).exists(), f"COPY source {source} is missing"
    # PyTorch (CPU only) goes into the train image, never into the one that serves.
    assert "download.pytorch.org/whl/cpu" in stages["build-train"]
    assert "torch" not in build.replace("PyTorch", "")
    assert "COPY --from=build-train /opt/venv /opt/venv" in stages["train"]
    # The runtime takes the serving venv and the gunicorn config, and nothing that compiles.
    for name in ("runtime", "train"):
        assert stages[name].splitlines()[0] == f"FROM base AS {name}"
    copies = re.findall(r"^COPY\s+(.+)$", runtime, flags=re.M)
    assert "--from=build /opt/venv /opt/venv" in copies
    for line in copies:
        if not line.startswith("--from="):
            *sources, _dest = line.split()
            assert all((ROOT / s).exists() for s in sources), line
    # The base installs the libraries PDF reports need, the very list the scripts install.
    base = stages["base"]
    assert not re.search(r"\b(gcc|g\+\+|build-essential|-dev)\b", base)
    installed = re.search(r"--no-install-recommends\s+\\?\s*(.+?)\s*\\\n\s*&&", base, flags=re.S)
    assert installed, "the base stage installs the report libraries"
    lib_sh = (ROOT / "scripts/lib.sh").read_text()
    wanted = re.search(r'^REPORT_PACKAGES="(.+)"$', lib_sh, flags=re.M)
    assert wanted and installed.group(1).split() == wanted.group(1).split()
    for stage in (runtime, stages["train"]):
        assert not re.search(r"\b(gcc|g\+\+|build-essential|apt-get install)\b", stage)
        user = re.search(r"^USER\s+(\S+)", stage, flags=re.M)
        assert user and user.group(1) not in {"root", "0"}
    assert re.search(r"^VOLUME\s+\[\"/data\"\]", stages["base"], flags=re.M)
    assert "HEALTHCHECK" in runtime and "/api/health" in runtime


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()  # PEP 503


def _pins(text: str) -> dict[str, str]:
    pins = re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", text, flags=re.M)
    return {_canonical(name): version for name, version in pins}


def test_image_installs_the_locked_versions_of_every_dependency() -> None:
    """The images are reproducible: requirements.lock pins what serving asks for and holds no
    PyTorch, requirements-train.lock adds the `train` extra on the same pins, torch comes pinned
    from its CPU index, and the wheel adds no unlocked package."""
    stages = _stages()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    serving = _pins((ROOT / "requirements.lock").read_text())
    training = _pins((ROOT / "requirements-train.lock").read_text())

    def names(requirements: list[str]) -> set[str]:
        return {_canonical(re.split(r"[\[<>=!~; ]", d, maxsplit=1)[0]) for d in requirements}

    pinned_here = {"torch", "torchvision"}
    assert names(project["dependencies"]) <= set(serving)
    assert not {*pinned_here, "timm", "onnx"} & set(serving)
    extra = names(project["optional-dependencies"]["train"])
    assert extra & pinned_here == pinned_here  # the extra asks for PyTorch ...
    assert extra - pinned_here <= set(training)  # ... which the Dockerfile pins, not the lock
    assert not pinned_here & set(training)
    assert {n: v for n, v in training.items() if n in serving} == serving  # same shared pins
    for locked in (serving, training):
        assert not [n for n in locked if n.startswith("nvidia-") or n == "triton"]  # CUDA only
    for name in ("TORCH_VERSION", "TORCHVISION_VERSION"):
        assert re.search(rf"^ARG {name}=\d+\.\d+\.\d+$", stages["build-train"], flags=re.M)
    assert '"torch==${TORCH_VERSION}"' in stages["build-train"]
    assert "pip install -r requirements.lock" in stages["build"]
    assert "pip install -r requirements-train.lock" in stages["build-train"]
    assert "pip install --no-deps /wheels/vitrine-" in stages["build"]


def test_dockerfile_runs_migrations_then_gunicorn_with_its_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime = _stages()[""]
    (cmd,) = re.findall(r"^CMD\s+(\[.+\])$", runtime, flags=re.M)
    script = yaml.safe_load(cmd)[-1]
    migrate, serve = (part.strip() for part in script.split("&&"))
    _cli_command_exists(shlex.split(migrate)[1:])
    serve_argv = shlex.split(serve.removeprefix("exec "))
    assert serve_argv[:3] == ["gunicorn", "-c", "/app/gunicorn.conf.py"]
    assert "COPY gunicorn.conf.py /app/gunicorn.conf.py" in runtime
    module, _, attribute = serve_argv[3].partition(":")
    env_names = set(re.findall(r"^(?:ENV\s+|\s+)(\w+)=", _stages()["base"] + runtime, flags=re.M))
    assert env_names <= _setting_names() | RUNTIME_NAMES, env_names - _setting_names()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'docker.db'}")
    imported = __import__(module, fromlist=[attribute])  # the module gunicorn loads
    assert getattr(imported, attribute).name == "vitrine"


def test_compose_runs_app_worker_postgres_and_redis_on_named_volumes() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"web", "worker", "db", "redis"} <= set(services)
    declared = set(compose["volumes"])
    for name, service in services.items():
        for mount in service.get("volumes", []):
            volume = mount.split(":")[0]
            assert volume in declared, f"{name} mounts {volume}, not a named volume"
    for name in ("web", "worker", "train"):
        env = services[name]["environment"]
        assert set(env) <= _setting_names() | RUNTIME_NAMES, set(env) - _setting_names()
        assert env["DATABASE_URL"].startswith("postgresql") and "@db:5432/" in env["DATABASE_URL"]
        assert env["VITRINE_CACHE_URL"].startswith("redis://redis:6379")
        assert any(m.endswith(":/data") for m in services[name]["volumes"])
    for name in ("worker", "train"):
        assert services[name]["command"][0] == "vitrine"
        _cli_command_exists(services[name]["command"][1:])
    # Training runs from the image with PyTorch, on demand, onto the shared volume.
    assert services["train"]["build"]["target"] == "train" and services["train"]["profiles"]
    assert "vitrine-data:/data" in services["train"]["volumes"]
    assert services["web"]["depends_on"]["db"]["condition"] == "service_healthy"
