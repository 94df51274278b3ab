"""Browser tests: a live portal process on a free loopback port, driven by Debian's headless Chromium.

The portal process uses the same test configuration (and database) as pytest; tests create their data
through the action API in the pytest process, commit it, then look at it in the browser. It runs on a per-run
ini that extends the test configuration with ``ckan.site_url = http://127.0.0.1:<port>``, so the redirects CKAN
sends after a form post (built from ``ckan.site_url``) come back to the live portal.
"""
from __future__ import annotations

import os
import pathlib
import socket
import subprocess
import sys
import time
from typing import Iterator

import pytest
import requests

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium keeps dialling out, which this machine refuses.
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]


def portal_ini(base_ini: pathlib.Path, port: int, directory: pathlib.Path) -> pathlib.Path:
    """A per-run ini: the test configuration with ``ckan.site_url`` on the live portal's address.

    ``use = config:`` takes the base ini (absolute path, so the new file may live anywhere); the logging sections
    are copied because the CLI configures logging from the file it is given.
    """
    text = base_ini.read_text(encoding="utf-8")
    logging_start = text.find("[loggers]")
    logging_sections = text[logging_start:] if logging_start >= 0 else ""
    path = directory / f"publicdata-portal-{port}.ini"
    path.write_text(
        "[app:main]\n"
        f"use = config:{base_ini}\n"
        f"ckan.site_url = http://127.0.0.1:{port}\n\n"
        + logging_sections,
        encoding="utf-8",
    )
    return path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def portal_url(pytestconfig: pytest.Config) -> Iterator[str]:
    """Start `ckan run` on the test configuration (site URL = its own address); stop it when the session ends."""
    base_ini = pathlib.Path(pytestconfig.getoption("ckan_ini")).resolve()
    port = _free_port()
    run_directory = pathlib.Path(os.environ.get("TMPDIR", "/tmp"))
    ini = portal_ini(base_ini, port, run_directory)
    ckan = pathlib.Path(sys.executable).with_name("ckan")
    log_path = run_directory / f"publicdata-portal-{port}.log"
    log = log_path.open("w")
    process = subprocess.Popen(
        [str(ckan), "-c", str(ini), "run", "--host", "127.0.0.1", "--port", str(port), "--disable-reloader"],
        stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            if requests.get(url + "/api/3/action/status_show", timeout=2).status_code == 200:
                break
        except requests.RequestException:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"the portal did not start; see {log_path}:\n" + log_path.read_text()[-3000:])
        time.sleep(0.5)
    yield url
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()
    ini.unlink(missing_ok=True)


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make setup` installs Debian's chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium) -> Iterator[object]:
    context = chromium.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20000)
    yield page
    context.close()
