"""Reading the YAML configuration file (sources, reps, partners).

The file's meaning belongs to the services; this only loads it and reports errors well.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


class ConfigError(Exception):
    """The configuration file is missing or invalid."""


def load_config(path: Path | None, model: type[M]) -> M:
    """Validate the YAML file at ``path`` against ``model`` (unknown sections are ignored)."""
    if path is None:
        raise ConfigError("no configuration file: set LEADFLOW_CONFIG_FILE")
    try:
        raw: Any = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path} is not valid YAML: {exc}") from exc
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        raise ConfigError(f"{path} is invalid: {problems}") from exc
