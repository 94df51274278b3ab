"""The CKAN container's start-up: ckan.ini rendered from the compose environment, and the WSGI app gunicorn serves.

docker/ckan/publicdata_container.py and docker/ckan/wsgi.py run here exactly as in the image, against this
machine's PostgreSQL and Redis (the test configuration's database) instead of the compose services.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import ckan.plugins.toolkit as tk
import pytest

REPO = Path(__file__).resolve().parents[2]
CKAN_DIR = REPO / "docker" / "ckan"
HELPER = CKAN_DIR / "publicdata_container.py"
ENV_EXAMPLE = REPO / "docker" / ".env.example"

# what docker-compose.yml gives every CKAN container (with .env.example's non-secret values)
COMPOSE_LIKE_ENV = {
    "CKAN_SITE_URL": "http://data.example.gov.cn",
    "CKAN_SQLALCHEMY_URL": "postgresql://ckan:db-pass@db:5432/ckan",
    "CKAN_REDIS_URL": "redis://redis:6379/0",
    "CKAN_SOLR_URL": "http://solr:8983/solr/ckan",
    "CKAN_HARVEST_MQ_HOSTNAME": "redis",
    "CKAN_HARVEST_MQ_REDIS_DB": "1",
    "CKAN_STORAGE_PATH": "/var/lib/ckan",
    "CKANEXT__PUBLICDATA__SEARCH__BACKEND": "solr",
    "CKANEXT__PUBLICDATA__CITY_NAME": "淄博市",
    "CKAN__SITE_TITLE": "淄博市公共数据开放网",
    "CKANEXT__PUBLICDATA__PORTAL_NAME": "淄博市公共数据开放网（100%开放）",
}
SECRETS = {"CKAN_SECRET_KEY": "s3cret-Key_17", "CKAN_JWT_SECRET": "jwt-Secret_42"}


def _clean_environ(**extra: str) -> dict[str, str]:
    environ = {key: value for key, value in os.environ.items() if not key.startswith("CKAN")}
    environ.update(extra)
    return environ


def _render(tmp_path: Path, environ: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(HELPER), "render", "--output", str(tmp_path / "ckan.ini")],
        capture_output=True, text=True, env=environ, timeout=60,
    )


def _read_ini(path: Path) -> dict[str, str]:
    from ckan.cli import CKANConfigLoader

    return dict(CKANConfigLoader(str(path)).get_config())


def test_rendered_ini_carries_the_compose_environment(tmp_path: Path) -> None:
    result = _render(tmp_path, _clean_environ(**COMPOSE_LIKE_ENV, **SECRETS))
    assert result.returncode == 0, result.stderr
    config = _read_ini(tmp_path / "ckan.ini")
    assert config["ckanext.publicdata.search.backend"] == "solr"
    assert config["solr_url"] == "http://solr:8983/solr/ckan"
    assert config["sqlalchemy.url"] == COMPOSE_LIKE_ENV["CKAN_SQLALCHEMY_URL"]
    assert config["ckan.site_url"] == "http://data.example.gov.cn"
    assert config["ckan.harvest.mq.hostname"] == "redis"
    # CKAN__/CKANEXT__ variables replace the template's line for the same option…
    assert config["ckanext.publicdata.city_name"] == "淄博市"
    assert config["ckan.site_title"] == "淄博市公共数据开放网"
    text = (tmp_path / "ckan.ini").read_text(encoding="utf-8")
    assert text.count("ckanext.publicdata.city_name =") == 1
    # …and a % in a value survives CKAN's interpolating config parser
    assert config["ckanext.publicdata.portal_name"] == "淄博市公共数据开放网（100%开放）"
    assert config["SECRET_KEY"] == SECRETS["CKAN_SECRET_KEY"]
    assert config["api_token.jwt.encode.secret"] == "string:" + SECRETS["CKAN_JWT_SECRET"]


def test_options_not_in_the_template_are_added(tmp_path: Path) -> None:
    result = _render(tmp_path, _clean_environ(**COMPOSE_LIKE_ENV, **SECRETS, CKAN__AUTH__PUBLIC_ACTIVITY_STREAM_DETAIL="true"))
    assert result.returncode == 0, result.stderr
    assert _read_ini(tmp_path / "ckan.ini")["ckan.auth.public_activity_stream_detail"] == "true"


def test_percent_in_ckan_variables_is_refused_clearly(tmp_path: Path) -> None:
    # CKAN itself would die on it in every process with an InterpolationSyntaxError
    result = _render(tmp_path, _clean_environ(**{**COMPOSE_LIKE_ENV, **SECRETS, "CKAN_JWT_SECRET": "ab%cd"}))
    assert result.returncode == 2
    assert "CKAN_JWT_SECRET" in result.stderr and "%" in result.stderr


def test_example_secrets_are_refused(tmp_path: Path) -> None:
    example = dict(
        line.split("=", 1) for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
        if "=" in line and not line.startswith("#")
    )
    result = _render(tmp_path, _clean_environ(**COMPOSE_LIKE_ENV, CKAN_SECRET_KEY=example["CKAN_SECRET_KEY"],
                                              CKAN_JWT_SECRET=SECRETS["CKAN_JWT_SECRET"]))
    assert result.returncode == 2
    assert "CKAN_SECRET_KEY" in result.stderr
    assert not (tmp_path / "ckan.ini").exists()


def test_missing_required_variables_are_named(tmp_path: Path) -> None:
    environ = dict(COMPOSE_LIKE_ENV, **SECRETS)
    del environ["CKAN_SITE_URL"], environ["CKAN_SQLALCHEMY_URL"]
    result = _render(tmp_path, _clean_environ(**environ))
    assert result.returncode == 2
    assert "CKAN_SITE_URL" in result.stderr and "CKAN_SQLALCHEMY_URL" in result.stderr


def test_gunicorn_entry_point_serves_ckan(tmp_path: Path) -> None:
    # the image's layout: the rendered ini next to the dictionaries and working-day file it names
    app_dir = tmp_path / "app"
    shutil.copytree(REPO / "config" / "dictionaries", app_dir / "dictionaries")
    shutil.copy(REPO / "config" / "workdays.yaml.in", app_dir / "workdays.yaml")
    storage = tmp_path / "storage"
    storage.mkdir()
    environ = _clean_environ(**{
        **COMPOSE_LIKE_ENV,
        **SECRETS,
        "CKAN_INI": str(app_dir / "ckan.ini"),
        # this machine's services in place of the compose ones
        "CKAN_SQLALCHEMY_URL": tk.config["sqlalchemy.url"],
        "CKAN_REDIS_URL": tk.config["ckan.redis.url"],
        "CKAN_HARVEST_MQ_HOSTNAME": "127.0.0.1",
        "CKAN_HARVEST_MQ_REDIS_DB": str(tk.config.get("ckan.harvest.mq.redis_db", "0")),
        "CKAN_SOLR_URL": "http://127.0.0.1:9/solr/ckan",  # nothing listens: CKAN starts and warns
        "CKAN_STORAGE_PATH": str(storage),
        "CKAN_LOG_LEVEL": "WARNING",
    })
    rendered = subprocess.run([sys.executable, str(HELPER), "render"], capture_output=True, text=True,
                              env=environ, timeout=60)
    assert rendered.returncode == 0, rendered.stderr

    probe = (
        "import json, runpy\n"
        "from werkzeug.test import Client\n"
        f"app = runpy.run_path({str(CKAN_DIR / 'wsgi.py')!r})['application']\n"
        "response = Client(app).get('/api/3/action/status_show')\n"
        "from ckan.common import config\n"
        "print(json.dumps({'status': response.status_code, 'body': response.get_json(),\n"
        "                  'backend': config.get('ckanext.publicdata.search.backend'),\n"
        "                  'plugins': config.get('ckan.plugins')}))\n"
    )
    served = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=environ,
                            cwd=str(CKAN_DIR), timeout=300)
    assert served.returncode == 0, served.stderr[-3000:]
    answer = json.loads(served.stdout.strip().splitlines()[-1])
    assert answer["status"] == 200
    assert answer["body"]["success"] is True
    assert answer["body"]["result"]["site_url"] == "http://data.example.gov.cn"
    assert {"publicdata", "publicdata_search", "harvest"} <= set(answer["body"]["result"]["extensions"])
    assert answer["backend"] == "solr"
