"""docker/docker-compose.yml: the production deployment validates and is wired the way docs/production.md says.

No Docker engine runs here; `docker-compose config` (Debian's docker-compose 1.29) parses, interpolates and
validates the file without one, and its resolved output is what the checks below read.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
DOCKER = REPO / "docker"
COMPOSE_FILE = DOCKER / "docker-compose.yml"
ENV_EXAMPLE = DOCKER / ".env.example"
NGINX_CONF = DOCKER / "nginx" / "default.conf"
ENTRYPOINT = DOCKER / "ckan" / "entrypoint.sh"
DOCKERFILE = DOCKER / "ckan" / "Dockerfile"

CKAN_IMAGE_SERVICES = ("ckan", "worker", "harvest_gather", "harvest_fetch", "harvest_run")
REQUIRED_SERVICES = set(CKAN_IMAGE_SERVICES) | {"db", "redis", "solr", "nginx"}


def _compose_config(env_file: Path) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("docker-compose")
    if binary is None:
        pytest.skip("the docker-compose binary is not installed (Debian: apt-get install docker-compose)")
    # variables of the calling shell would win over the env file: keep only what the tool itself needs
    environ = {key: value for key, value in os.environ.items() if key in ("PATH", "HOME", "LANG", "LC_ALL")}
    return subprocess.run(
        [binary, "-f", str(COMPOSE_FILE), "--env-file", str(env_file), "config"],
        capture_output=True, text=True, env=environ, timeout=120,
    )


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    result = _compose_config(ENV_EXAMPLE)
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


def _env(service: dict[str, Any]) -> dict[str, str]:
    environment = service.get("environment") or {}
    if isinstance(environment, list):
        environment = dict(item.split("=", 1) for item in environment)
    return {key: str(value) for key, value in environment.items()}


def _volume_sources(service: dict[str, Any]) -> dict[str, str]:
    """target -> source of a service's bind mounts and named volumes."""
    mounts = {}
    for volume in service.get("volumes") or []:
        if isinstance(volume, str):
            source, target = volume.split(":")[:2]
        else:
            source, target = volume.get("source", ""), volume["target"]
        mounts[target] = source
    return mounts


def _entrypoint_roles() -> set[str]:
    case_body = ENTRYPOINT.read_text(encoding="utf-8").split('case "$role" in', 1)[1]
    return set(re.findall(r"^\s{2}([a-z][a-z-]*)\)", case_body, flags=re.M))


def test_compose_file_validates(compose: dict[str, Any]) -> None:
    assert REQUIRED_SERVICES <= set(compose["services"])


def test_compose_refuses_to_run_without_secrets(tmp_path: Path) -> None:
    env_without_secret = tmp_path / "env"
    env_without_secret.write_text(
        "\n".join(line for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
                  if not line.startswith("CKAN_SECRET_KEY=")) + "\n",
        encoding="utf-8",
    )
    result = _compose_config(env_without_secret)
    assert result.returncode != 0
    assert "CKAN_SECRET_KEY" in result.stderr


def test_ckan_waits_for_its_backing_services(compose: dict[str, Any]) -> None:
    depends = compose["services"]["ckan"]["depends_on"]
    for service in ("db", "redis", "solr"):
        assert depends[service]["condition"] == "service_healthy"
    # the other roles start once the web container has migrated the database
    for service in CKAN_IMAGE_SERVICES[1:]:
        assert compose["services"][service]["depends_on"]["ckan"]["condition"] == "service_healthy"


def test_backing_service_images(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert services["db"]["image"] == "postgres:15"
    assert services["redis"]["image"].split(":")[1].startswith("7")
    assert services["solr"]["image"].split(":")[1].startswith("9")
    assert services["nginx"]["image"].startswith("nginx:stable")


def test_every_service_has_a_healthcheck_where_others_wait_on_it(compose: dict[str, Any]) -> None:
    for name in ("ckan", "db", "redis", "solr", "nginx"):
        healthcheck = compose["services"][name].get("healthcheck")
        assert healthcheck and healthcheck.get("test"), name
    # the ckan check asks CKAN itself, not just the port
    assert "/api/3/action/status_show" in " ".join(compose["services"]["ckan"]["healthcheck"]["test"])


def test_ckan_roles_share_one_image_built_from_this_repository(compose: dict[str, Any]) -> None:
    images = {compose["services"][name]["image"] for name in CKAN_IMAGE_SERVICES}
    assert len(images) == 1
    build = compose["services"]["ckan"]["build"]
    assert Path(build["context"]).resolve() == REPO
    assert (Path(build["context"]) / build["dockerfile"]).resolve() == DOCKERFILE

    roles = _entrypoint_roles()
    assert {"web", "worker", "harvest-gather", "harvest-fetch", "harvest-run"} <= roles
    for name in CKAN_IMAGE_SERVICES:
        command = compose["services"][name]["command"]
        assert command[0] in roles, f"{name}: entrypoint.sh has no role {command[0]}"


def test_dockerfile_installs_the_project_non_editable() -> None:
    dockerfile = DOCKERFILE.read_text(encoding="utf-8")
    assert re.search(r"^ARG PYTHON_IMAGE=python:3\.11-slim", dockerfile, flags=re.M)
    install = re.search(r"pip install[^\n]*\s\.(\s|$)", dockerfile)
    assert install, "the image must `pip install .` the repository"
    assert " -e " not in install.group(0) and "--editable" not in install.group(0)
    assert "libpq5" in dockerfile and "gunicorn" in dockerfile
    # what the Dockerfile copies exists (a renamed file would only fail at build time)
    instructions = re.sub(r"\\\n\s*", " ", dockerfile)
    copied = re.findall(r"^COPY (?!--from)(.+) \S+$", instructions, flags=re.M)
    assert len(copied) >= 5
    for source in copied:
        for path in source.split():
            assert (REPO / path).exists(), f"Dockerfile copies missing {path}"


def test_solr_core_is_created_from_config_solr(compose: dict[str, Any]) -> None:
    solr = compose["services"]["solr"]
    mounts = _volume_sources(solr)
    config_target = next(target for target, source in mounts.items()
                         if Path(source).resolve() == REPO / "config" / "solr")
    assert config_target.endswith("/conf")
    command = solr["command"]
    assert command[:2] == ["solr-precreate", "ckan"]
    # solr-precreate copies a configset directory, i.e. the parent of conf/
    assert command[2].rstrip("/") == config_target.rsplit("/", 1)[0]
    assert (REPO / "config" / "solr" / "schema.xml").is_file()
    assert (REPO / "config" / "solr" / "solrconfig.xml").is_file()
    assert "/var/solr" in mounts  # the index survives container re-creation


def test_ckan_is_configured_for_the_solr_backend(compose: dict[str, Any]) -> None:
    for name in CKAN_IMAGE_SERVICES:
        env = _env(compose["services"][name])
        assert env["CKANEXT__PUBLICDATA__SEARCH__BACKEND"] == "solr", name
        assert env["CKAN_SOLR_URL"] == "http://solr:8983/solr/ckan"
        assert re.match(r"postgresql://[^@]+@db:5432/", env["CKAN_SQLALCHEMY_URL"])
        assert env["CKAN_REDIS_URL"].startswith("redis://redis:6379/")
    env_example = ENV_EXAMPLE.read_text(encoding="utf-8")
    assert re.search(r"^CKANEXT__PUBLICDATA__SEARCH__BACKEND=solr$", env_example, flags=re.M)


def test_env_example_holds_no_real_secrets() -> None:
    values = dict(
        line.split("=", 1) for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
        if "=" in line and not line.startswith("#")
    )
    secret_keys = [key for key in values if re.search(r"SECRET|PASSWORD", key)]
    assert {"CKAN_SECRET_KEY", "CKAN_JWT_SECRET", "POSTGRES_PASSWORD"} <= set(secret_keys)
    for key in secret_keys:
        assert values[key] == "" or values[key].startswith("change-me"), key


def test_only_nginx_is_published(compose: dict[str, Any]) -> None:
    published = {name for name, service in compose["services"].items() if service.get("ports")}
    assert published == {"nginx"}


def _nginx_proxy_targets(conf: str) -> set[str]:
    upstreams = {
        name: re.findall(r"^\s*server\s+([^\s;]+)", body, flags=re.M)
        for name, body in re.findall(r"upstream\s+(\S+)\s*\{(.*?)\}", conf, flags=re.S)
    }
    targets = set()
    for url in re.findall(r"proxy_pass\s+http://([^/;\s]+)", conf):
        targets.update(upstreams.get(url, [url]))
    return targets


def test_nginx_proxies_to_the_ckan_service(compose: dict[str, Any]) -> None:
    nginx = compose["services"]["nginx"]
    mounts = _volume_sources(nginx)
    assert Path(mounts["/etc/nginx/conf.d/default.conf"]).resolve() == NGINX_CONF
    conf = NGINX_CONF.read_text(encoding="utf-8")
    gunicorn_port = re.search(r'bind = "0\.0\.0\.0:(\d+)"',
                              (DOCKER / "ckan" / "gunicorn.conf.py").read_text(encoding="utf-8")).group(1)
    assert _nginx_proxy_targets(conf) == {f"ckan:{gunicorn_port}"}
    assert gunicorn_port in [str(port) for port in compose["services"]["ckan"]["expose"]]


def test_nginx_serves_the_portal_safely(compose: dict[str, Any]) -> None:
    conf = NGINX_CONF.read_text(encoding="utf-8")
    assert re.search(r"^\s*gzip on;", conf, flags=re.M)
    size = re.search(r"client_max_body_size (\d+)m;", conf)
    # uploads up to CKAN's own limit must pass nginx
    assert size and int(size.group(1)) >= int(_env(compose["services"]["ckan"])["CKAN_MAX_UPLOAD_SIZE_MB"])
    for header in ("X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy"):
        assert re.search(rf"^\s*add_header {header} ", conf, flags=re.M), header
    static = re.search(r"location ~ \^/\(([^)]*)\)/ \{(.*?)\n    \}", conf, flags=re.S)
    assert static and "webassets" in static.group(1).split("|")
    assert "proxy_cache ckan_static;" in static.group(2)
    assert "proxy_cache_path" in conf and "nginx_cache" in {
        source for source in _volume_sources(compose["services"]["nginx"]).values()
    }


def test_nginx_config_is_accepted_by_nginx(tmp_path: Path) -> None:
    binary = shutil.which("nginx") or next(
        (path for path in ("/usr/sbin/nginx",) if Path(path).exists()), None)
    if binary is None:
        pytest.skip("no nginx binary here (apt-get install nginx-light) to run `nginx -t`")
    # nginx -t resolves upstream hosts: the compose service name `ckan` only exists inside compose
    conf = NGINX_CONF.read_text(encoding="utf-8").replace("server ckan:", "server 127.0.0.1:")
    conf = conf.replace("/var/cache/nginx/ckan", str(tmp_path / "cache"))
    (tmp_path / "default.conf").write_text(conf, encoding="utf-8")
    temp_paths = " ".join(f"{kind}_temp_path {tmp_path / kind};"
                          for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path / 'nginx.pid'};\nerror_log {tmp_path / 'error.log'};\nevents {{}}\n"
        f"http {{ access_log off; {temp_paths} include {tmp_path / 'default.conf'}; }}\n",
        encoding="utf-8",
    )
    result = subprocess.run([binary, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
