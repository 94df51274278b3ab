"""Start-up helpers for the CKAN container (docker/ckan/entrypoint.sh calls them).

    render [--template T] [--output O]   write ckan.ini from the template and the environment
    wait SERVICE...                      wait until db / redis / solr accept connections
    db-init                              `ckan db init` (core and plugin migrations) under a PostgreSQL
                                         advisory lock, so several CKAN containers may start at once
    ensure-sysadmin                      create CKAN_SYSADMIN_NAME as sysadmin if it does not exist yet

Only the standard library and psycopg2 (a CKAN dependency) are used, so the helper also runs in tests.
"""
from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_TEMPLATE = Path(__file__).with_name("ckan.ini.tmpl")
PLACEHOLDER_PREFIX = "change-me"
# ${NAME} or ${NAME:-default}
VARIABLE = re.compile(r"\$\{([A-Z][A-Z0-9_]*)(?::-([^}]*))?\}")
# CKAN__SITE_TITLE -> ckan.site_title, CKANEXT__PUBLICDATA__CITY_NAME -> ckanext.publicdata.city_name
OVERRIDE = re.compile(r"^(CKAN|CKANEXT)__([A-Z0-9_]+)$")
SECRETS = ("CKAN_SECRET_KEY", "CKAN_JWT_SECRET")
DB_INIT_LOCK_KEY = 7_462_911  # any constant shared by every container of the deployment


class ConfigError(Exception):
    pass


def _ini_value(value: str, name: str) -> str:
    if "\n" in value or "\r" in value:
        raise ConfigError(f"{name} must be a single line")
    # CKAN reads the file with ConfigParser interpolation: a literal % is written %%
    return value.replace("%", "%%")


def option_overrides(environ: dict[str, str]) -> dict[str, str]:
    """Options set by CKAN__… / CKANEXT__… variables, keyed by their ini name."""
    overrides = {}
    for name, value in sorted(environ.items()):
        match = OVERRIDE.match(name)
        if match:
            key = match.group(1).lower() + "." + match.group(2).lower().replace("__", ".")
            overrides[key] = _ini_value(value, name)
    return overrides


def render(template: str, environ: dict[str, str]) -> str:
    missing: list[str] = []

    def substitute(match: re.Match[str]) -> str:
        name, default = match.group(1), match.group(2)
        value = environ.get(name) or default
        if value is None:
            missing.append(name)
            return ""
        return _ini_value(value, name)

    # CKAN's config loader (ckan.cli.CKANConfigLoader) also reads every CKAN_* variable through its
    # interpolating parser, so a literal % there breaks every ckan process with a traceback
    with_percent = sorted(name for name, value in environ.items() if name.startswith("CKAN_") and "%" in value)
    if with_percent:
        raise ConfigError(
            "a '%' in a CKAN_* variable breaks CKAN's config loader; choose values without it: "
            + ", ".join(with_percent)
        )
    for secret in SECRETS:
        if environ.get(secret, "").startswith(PLACEHOLDER_PREFIX):
            raise ConfigError(
                f"{secret} still has the example value from docker/.env.example; set a random one, e.g. "
                "python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"
            )

    lines = []
    for line in template.splitlines():
        # comments may mention ${…} without it being a variable
        lines.append(line if line.lstrip().startswith("#") else VARIABLE.sub(substitute, line))
    if missing:
        raise ConfigError("missing environment variables: " + ", ".join(sorted(set(missing))))
    return _apply_overrides(lines, option_overrides(environ))


def _apply_overrides(lines: list[str], overrides: dict[str, str]) -> str:
    pending = dict(overrides)
    section = None
    out: list[str] = []
    main_end = None
    for line in lines:
        header = re.match(r"^\s*\[([^]]+)\]\s*$", line)
        if header:
            if section == "app:main":
                main_end = len(out)
            section = header.group(1)
        elif section == "app:main":
            key = re.match(r"^([^#;\s][^=]*?)\s*=", line)
            if key and key.group(1) in pending:
                line = f"{key.group(1)} = {pending.pop(key.group(1))}"
        out.append(line)
    if section == "app:main":
        main_end = len(out)
    if main_end is None:
        raise ConfigError("the template has no [app:main] section")
    added = [f"{key} = {value}" for key, value in pending.items()]
    if added:
        added = ["", "## Set from CKAN__/CKANEXT__ environment variables"] + added + [""]
    out[main_end:main_end] = added
    return "\n".join(out) + "\n"


def _address(service: str, environ: dict[str, str]) -> tuple[str, int]:
    if service == "db":
        url = urlsplit(environ["CKAN_SQLALCHEMY_URL"])
        return url.hostname or "db", url.port or 5432
    if service == "redis":
        url = urlsplit(environ.get("CKAN_REDIS_URL", "redis://redis:6379/0"))
        return url.hostname or "redis", url.port or 6379
    if service == "solr":
        url = urlsplit(environ.get("CKAN_SOLR_URL", "http://solr:8983/solr/ckan"))
        return url.hostname or "solr", url.port or 8983
    raise ConfigError(f"unknown service {service!r} (db, redis, solr)")


def wait_for(services: list[str], environ: dict[str, str], timeout: float) -> None:
    for service in services:
        host, port = _address(service, environ)
        deadline = time.monotonic() + timeout
        while True:
            try:
                with socket.create_connection((host, port), timeout=3):
                    break
            except OSError as error:
                if time.monotonic() > deadline:
                    raise ConfigError(f"{service} ({host}:{port}) not reachable after {timeout:.0f}s: {error}")
                time.sleep(1)
        print(f"publicdata: {service} at {host}:{port} is up", flush=True)


def db_init(environ: dict[str, str]) -> None:
    import psycopg2

    connection = psycopg2.connect(environ["CKAN_SQLALCHEMY_URL"])
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("select pg_advisory_lock(%s)", (DB_INIT_LOCK_KEY,))
            subprocess.run(["ckan", "-c", environ["CKAN_INI"], "db", "init"], check=True)
            cursor.execute("select pg_advisory_unlock(%s)", (DB_INIT_LOCK_KEY,))
    finally:
        connection.close()


def ensure_sysadmin(environ: dict[str, str]) -> None:
    name = environ.get("CKAN_SYSADMIN_NAME")
    password = environ.get("CKAN_SYSADMIN_PASSWORD", "")
    if not name or not password:
        print("publicdata: CKAN_SYSADMIN_NAME/PASSWORD not set, no sysadmin created", flush=True)
        return
    if password.startswith(PLACEHOLDER_PREFIX):
        raise ConfigError("CKAN_SYSADMIN_PASSWORD still has the example value; set a real one")
    ckan = ["ckan", "-c", environ["CKAN_INI"]]
    shown = subprocess.run(ckan + ["user", "show", name], capture_output=True, text=True)
    if f"name={name}" not in shown.stdout:
        email = environ.get("CKAN_SYSADMIN_EMAIL") or f"{name}@example.gov.cn"
        subprocess.run(ckan + ["user", "add", name, f"email={email}", f"password={password}"], check=True)
    subprocess.run(ckan + ["sysadmin", "add", name], check=True, input="y\n", text=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    render_parser = commands.add_parser("render")
    render_parser.add_argument("--template", type=Path, default=DEFAULT_TEMPLATE)
    render_parser.add_argument("--output", type=Path, default=None, help="default: $CKAN_INI")
    wait_parser = commands.add_parser("wait")
    wait_parser.add_argument("services", nargs="+")
    wait_parser.add_argument("--timeout", type=float, default=120)
    commands.add_parser("db-init")
    commands.add_parser("ensure-sysadmin")
    args = parser.parse_args(argv)

    environ = dict(os.environ)
    try:
        if args.command == "render":
            output = args.output or Path(environ["CKAN_INI"])
            output.write_text(render(args.template.read_text(encoding="utf-8"), environ), encoding="utf-8")
            print(f"publicdata: wrote {output}", flush=True)
        elif args.command == "wait":
            wait_for(args.services, environ, args.timeout)
        elif args.command == "db-init":
            db_init(environ)
        elif args.command == "ensure-sysadmin":
            ensure_sysadmin(environ)
    except (ConfigError, KeyError) as error:
        print(f"publicdata: configuration error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
