"""Reading the law data directory: YAML files in, validated records and a content hash out.

The layout is fixed so counsel can review a data set as plain files:

    kb.yaml                     declared version
    jurisdictions/<CODE>.yaml   one per jurisdiction, file name = ISO 3166 code
    sectors/<id>.yaml           one per sector rule, file name = id
    nanp_area_codes.yaml        area code → state/province (used by locate)

The content hash covers every file in the directory, so two data sets that differ in any byte
get different knowledge-base versions, and a decision's `law_version` pins the exact data used.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from callwarden.kit.errors import ConfigurationError
from callwarden.law.schema import JurisdictionRule, KnowledgeBaseManifest, SectorRule

DATA_DIR = Path(__file__).parent / "data"

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_Model = TypeVar("_Model", bound=BaseModel)


@dataclass(frozen=True)
class RawData:
    """Validated records from one data directory, not yet cross-checked."""

    manifest: KnowledgeBaseManifest
    jurisdictions: dict[str, JurisdictionRule]
    sectors: dict[str, SectorRule]
    content_hash: str


def data_error(where: str, problem: str) -> ConfigurationError:
    """One error shape for bad data: which file, what is wrong."""
    return ConfigurationError(f"law data {where}: {problem}", file=where)


def read_yaml(path: Path, root: Path) -> Any:
    """Parse one YAML file, turning syntax errors into a data error that names the file."""
    where = path.relative_to(root).as_posix()
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise data_error(where, f"cannot read: {error}") from None


def _validate(model: type[_Model], document: Any, where: str) -> _Model:
    if not isinstance(document, dict):
        raise data_error(where, "must be a YAML mapping of keys to values")
    try:
        return model.model_validate(document)
    except ValidationError as error:
        raise data_error(where, describe_errors(error)) from None


def describe_errors(error: ValidationError) -> str:
    """Pydantic's errors as one readable line: `field.path: message; ...`."""
    parts = []
    for item in error.errors():
        location = ".".join(str(part) for part in item["loc"])
        message = str(item["msg"]).removeprefix("Value error, ")
        parts.append(f"{location}: {message}" if location else message)
    return "; ".join(parts)


def read_data(root: Path) -> RawData:
    """Read and validate every file under `root`; check file names match the records."""
    if not (root / "kb.yaml").is_file():
        raise data_error(str(root), "no kb.yaml (the data set's declared version) found")
    manifest = _validate(KnowledgeBaseManifest, read_yaml(root / "kb.yaml", root), "kb.yaml")
    jurisdictions: dict[str, JurisdictionRule] = {}
    for path in sorted((root / "jurisdictions").glob("*.yaml")):
        where = f"jurisdictions/{path.name}"
        record = _validate(JurisdictionRule, read_yaml(path, root), where)
        if record.code != path.stem:
            raise data_error(where, f"file name must match its code {record.code!r}")
        jurisdictions[record.code] = record
    if not jurisdictions:
        raise data_error("jurisdictions/", "no jurisdiction files found")
    sectors: dict[str, SectorRule] = {}
    for path in sorted((root / "sectors").glob("*.yaml")):
        where = f"sectors/{path.name}"
        sector = _validate(SectorRule, read_yaml(path, root), where)
        if sector.id != path.stem:
            raise data_error(where, f"file name must match its id {sector.id!r}")
        sectors[sector.id] = sector
    return RawData(manifest, jurisdictions, sectors, content_hash(root))


def content_hash(root: Path, length: int = 12) -> str:
    """Short SHA-256 over every file's relative path and bytes, in a stable order."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:length]
