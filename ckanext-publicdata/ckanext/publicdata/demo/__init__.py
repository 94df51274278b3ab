"""The demo catalogue of 滨州市 that ``ckan publicdata demo-load`` (and so ``make setup``) loads.

The catalogue is data: ``data/organizations.yaml`` (providers and authorities), ``data/datasets/*.yaml``
(one file per organization) and ``data/defaults.yaml`` (field defaults and the vocabularies the table
content is generated from, see :mod:`.content`). Everything goes through the action API as the site
user, so the schema's validation, the taxonomy rules and indexing all apply. Loading is idempotent:
organizations and datasets that exist already (by name, or by identifier) are left as they are.
"""
from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any, Callable

import yaml
from werkzeug.datastructures import FileStorage

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.publicdata.demo import content

DATA_DIR = Path(__file__).parent / "data"
ITEM_KEYS = ("field_name", "field_title", "field_type", "description", "gen")
# keys of a dataset entry that are instructions to the loader, not dataset fields
LOADER_KEYS = ("items", "rows", "resources", "tags")
UPLOAD_FORMATS = {"csv": ("CSV", "text/csv", content.to_csv), "json": ("JSON", "application/json", content.to_json)}


class DemoLoadError(RuntimeError):
    """Some demo entries could not be created; the message lists each one with its errors."""


def load(echo: Callable[[str], None] | None = None, data_dir: Path = DATA_DIR) -> dict[str, int]:
    """Create whatever part of the demo catalogue is missing.

    :param echo: called with one line per organization or dataset created (optional)
    :param data_dir: the catalogue files (default: the demo catalogue shipped in ``demo/data``)
    :returns: ``{"organizations": n, "datasets": n, "created": n, "existing": n}``; ``created`` and
        ``existing`` count organizations and datasets together
    :raises DemoLoadError: after loading everything else, when some entries were rejected
    """
    say = echo or (lambda message: None)
    catalogue = read_catalogue(data_dir)
    summary = {"organizations": 0, "datasets": 0, "created": 0, "existing": 0}
    failures: list[str] = []

    for organization in catalogue["organizations"]:
        summary["organizations"] += 1
        if model.Group.get(organization["name"]) is not None:
            summary["existing"] += 1
            continue
        try:
            tk.get_action("organization_create")(_context(), organization_dict(organization))
        except tk.ValidationError as error:
            failures.append(f"organization {organization['name']}: {error.error_dict}")
            continue
        summary["created"] += 1
        say(f"    + organization {organization['title']} ({organization['name']})")

    for entry in catalogue["datasets"]:
        summary["datasets"] += 1
        dataset = dataset_dict(entry, catalogue)
        if dataset_exists(dataset["name"], dataset["identifier"]):
            summary["existing"] += 1
            continue
        try:
            create_dataset(dataset, entry, catalogue)
        except (tk.ValidationError, tk.ObjectNotFound) as error:
            failures.append(f"dataset {dataset['identifier']} {dataset['title']}: "
                            f"{getattr(error, 'error_dict', None) or error}")
            continue
        summary["created"] += 1
        say(f"    + dataset {dataset['title']} ({dataset['identifier']}, {dataset['open_attribute']})")

    if failures:
        raise DemoLoadError("demo catalogue: {} entr{} rejected:\n  {}".format(
            len(failures), "y" if len(failures) == 1 else "ies", "\n  ".join(failures)))
    return summary


def read_catalogue(data_dir: Path = DATA_DIR) -> dict[str, Any]:
    """The catalogue files, parsed: organizations, datasets (with their organization), defaults."""
    defaults = _read_yaml(data_dir / "defaults.yaml")
    organizations = _read_yaml(data_dir / "organizations.yaml")["organizations"]
    datasets = []
    for path in sorted((data_dir / "datasets").glob("*.yaml")):
        part = _read_yaml(path)
        for entry in part["datasets"]:
            datasets.append({"organization": part["organization"], **entry,
                             "items": [_item(line) for line in entry["items"]]})
    return {
        "organizations": organizations,
        "organizations_by_name": {organization["name"]: organization for organization in organizations},
        "datasets": datasets,
        "defaults": defaults["dataset_defaults"],
        "default_rows": defaults["default_rows"],
        "vocabulary": defaults["vocabulary"],
        "templates": defaults["templates"],
    }


def organization_dict(organization: dict[str, Any]) -> dict[str, Any]:
    """What organization_create gets: the organization's fields without the demo-only ``contact``."""
    return {key: value for key, value in organization.items() if key != "contact"}


def dataset_dict(entry: dict[str, Any], catalogue: dict[str, Any]) -> dict[str, Any]:
    """What package_create gets for one catalogue entry: defaults, then the entry's own fields."""
    open_attribute = entry["open_attribute"]
    contact = catalogue["organizations_by_name"][entry["organization"]]["contact"]
    dataset: dict[str, Any] = {
        **catalogue["defaults"]["all"],
        **catalogue["defaults"][open_attribute],
        "contact_name": contact["name"],
        "contact_phone": contact["phone"],
        "contact_email": contact["email"],
    }
    for key, value in entry.items():
        if key not in LOADER_KEYS:
            dataset[key] = value.isoformat() if isinstance(value, dt.date) else value
    dataset["owner_org"] = dataset.pop("organization")
    dataset.setdefault("name", dataset_name(entry["identifier"]))
    dataset["tag_string"] = ",".join(entry.get("tags", []))
    dataset["data_items"] = [{key: item[key] for key in ITEM_KEYS if key != "gen"} for item in entry["items"]]
    dataset["private"] = open_attribute == "not_open"
    return dataset


def dataset_name(identifier: str) -> str:
    """The URL name of a demo dataset: its identifier, lower-cased (identifiers are unique city-wide)."""
    return identifier.lower()


def dataset_exists(name: str, identifier: str) -> bool:
    """True when a dataset (in any state) has this name or this identifier."""
    if model.Session.query(model.Package.id).filter(model.Package.name == name).first():
        return True
    return model.Session.query(model.PackageExtra.package_id).filter(
        model.PackageExtra.key == "identifier", model.PackageExtra.value == identifier).first() is not None


def table(entry: dict[str, Any], catalogue: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows of a dataset's table, generated from its data items (same rows for every format)."""
    generator = content.RowGenerator(entry["identifier"], catalogue["vocabulary"], catalogue["templates"])
    return generator.rows(entry["items"], int(entry.get("rows", catalogue["default_rows"])))


def resource_dicts(dataset: dict[str, Any], entry: dict[str, Any],
                   catalogue: dict[str, Any]) -> list[dict[str, Any]]:
    """resource_create payloads: uploaded CSV/JSON files built from the table, or links to the portal API."""
    kinds = entry.get("resources", [])
    rows = table(entry, catalogue) if any(kind in UPLOAD_FORMATS for kind in kinds) else []
    site_url = tk.config.get("ckan.site_url", "").rstrip("/")
    resources = []
    for kind in kinds:
        if kind == "api":
            resources.append({
                "name": f"{dataset['title']}（数据接口）",
                "description": "通过本平台的数据接口获取本数据集的目录信息和资源地址，返回JSON格式结果。",
                "format": "API",
                "access_method": "api",
                "url": f"{site_url}/api/3/action/package_show?id={dataset['name']}",
                "api_doc_url": f"{site_url}/api/3/action/help_show?name=package_show",
            })
            continue
        file_format, mimetype, render = UPLOAD_FORMATS[kind]
        filename = f"{dataset['name']}.{kind}"
        upload = FileStorage(stream=io.BytesIO(render(entry["items"], rows)), filename=filename,
                             content_type=mimetype)
        resources.append({
            "name": f"{dataset['title']}（{file_format}）",
            "description": f"{dataset['title']}，{file_format}格式，共{len(rows)}条记录，字段说明见数据项。",
            "format": file_format,
            "mimetype": mimetype,
            "access_method": "download",
            "url": filename,
            "upload": upload,
        })
    return resources


def create_dataset(dataset: dict[str, Any], entry: dict[str, Any], catalogue: dict[str, Any]) -> None:
    """package_create, then resource_create for each resource; a failure removes the half-made dataset."""
    created = tk.get_action("package_create")(_context(), dict(dataset))
    try:
        for resource in resource_dicts(created, entry, catalogue):
            tk.get_action("resource_create")(_context(), {"package_id": created["id"], **resource})
    except Exception:
        model.Session.rollback()
        tk.get_action("dataset_purge")(_context(), {"id": created["id"]})
        raise


def _context() -> dict[str, Any]:
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": site_user["name"], "ignore_auth": True}


def _item(line: str) -> dict[str, str]:
    values = [part.strip() for part in line.split(" | ", len(ITEM_KEYS) - 1)]
    if len(values) != len(ITEM_KEYS):
        raise ValueError(f"a data item needs {len(ITEM_KEYS)} parts separated by ' | ': {line!r}")
    return dict(zip(ITEM_KEYS, values))


def _read_yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as stream:
        return yaml.safe_load(stream)
