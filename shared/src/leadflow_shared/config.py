"""Reading YAML configuration files (sources, reps, partners; score's rules).

The file's meaning belongs to the services; this only loads it and reports errors well:
each problem names the line it is on and what is wrong there.
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
    """Validate the YAML file at ``path`` against ``model`` (unknown sections are ignored
    unless the model forbids them)."""
    if path is None:
        raise ConfigError("no configuration file: set LEADFLOW_CONFIG_FILE")
    return parse_config(read_text(path), model, str(path))


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"cannot read {path}: not UTF-8 text ({exc.reason})") from exc


def parse_config(text: str, model: type[M], origin: str) -> M:
    """Validate YAML ``text`` (read from ``origin``) against ``model``; a problem is
    reported as ``origin, line N: where: what``."""
    return parse_yaml(text, model, origin)[0]


def parse_yaml(text: str, model: type[M], origin: str) -> tuple[M, Any]:
    """:func:`parse_config`, and the data the YAML holds (parsed once)."""
    try:
        loader = yaml.SafeLoader(text)
        try:
            node = loader.get_single_node()
            raw: Any = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"{origin}{where}: not valid YAML: {problem}") from exc
    try:
        return model.model_validate(raw if raw is not None else {}), raw
    except ValidationError as exc:
        problems = "; ".join(_problem(node, error["loc"], error["msg"]) for error in exc.errors())
        raise ConfigError(f"{origin} is invalid: {problems}") from exc


def _problem(root: yaml.Node | None, loc: tuple[int | str, ...], message: str) -> str:
    line = line_of(root, loc)
    where = ".".join(str(part) for part in loc) or "the file"
    return f"line {line}: {where}: {message}" if line else f"{where}: {message}"


def line_of(root: yaml.Node | None, loc: tuple[int | str, ...]) -> int | None:
    """The 1-based line of the deepest node ``loc`` reaches in the YAML tree (pydantic's
    error locations name mapping keys and sequence indexes; tagged-union and validator
    names in between are skipped)."""
    node, line = root, None if root is None else root.start_mark.line + 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            found = next(((k, v) for k, v in node.value if str(k.value) == str(part)), None)
            if found is None:  # a missing key: the line of the mapping that should hold it
                break
            key, node = found
            line = key.start_mark.line + 1  # a key's line, even when its value is a block
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if not 0 <= part < len(node.value):
                break
            node = node.value[part]
            line = node.start_mark.line + 1
    return line
