"""HTTP reading for the harvesters: timeouts, sizes and bilingual errors for what sources get wrong."""
from __future__ import annotations

import os
import shutil
import tempfile
from typing import Any, Optional

import requests

from ckanext.publicdata.harvest.base import HarvestSourceError

__all__ = ["USER_AGENT", "get", "get_json", "download"]

USER_AGENT = "ckanext-publicdata-harvester/0.1"
CHUNK = 64 * 1024


def _headers(token: Optional[str] = None, accept: Optional[str] = None) -> dict[str, str]:
    headers = {"User-Agent": USER_AGENT}
    if token:
        headers["Authorization"] = token
    if accept:
        headers["Accept"] = accept
    return headers


def get(url: str, timeout: float, token: Optional[str] = None, accept: Optional[str] = None,
        params: Optional[dict[str, Any]] = None, stream: bool = False) -> requests.Response:
    """GET a source URL; any failure (unreachable, timeout, HTTP error) is a HarvestSourceError."""
    try:
        response = requests.get(url, params=params, headers=_headers(token, accept), timeout=timeout, stream=stream)
    except requests.Timeout:
        raise HarvestSourceError(f"来源 {url} 超时（{timeout:g} 秒） / The source {url} timed out ({timeout:g} s)")
    except requests.RequestException as error:
        raise HarvestSourceError(f"无法连接来源 {url}：{error} / Could not reach the source {url}: {error}")
    if response.status_code >= 400:
        response.close()
        raise HarvestSourceError(f"来源 {response.url} 返回 HTTP {response.status_code} / The source {response.url} "
                                 f"answered HTTP {response.status_code}")
    return response


def get_json(url: str, timeout: float, token: Optional[str] = None, params: Optional[dict[str, Any]] = None
             ) -> Any:
    response = get(url, timeout, token, accept="application/json", params=params)
    try:
        return response.json()
    except ValueError:
        kind = response.headers.get("Content-Type", "?")
        raise HarvestSourceError(f"来源 {response.url} 返回的不是 JSON（{kind}） / The source {response.url} did not "
                                 f"return JSON ({kind})")


def download(url: str, timeout: float, suffix: str = "", max_bytes: Optional[int] = None) -> str:
    """Stream a source file to a temporary file (never into memory); returns its path (the caller removes it)."""
    response = get(url, timeout, stream=True)
    handle, path = tempfile.mkstemp(prefix="publicdata-harvest-", suffix=suffix)
    size = 0
    try:
        with os.fdopen(handle, "wb") as target:
            for chunk in response.iter_content(CHUNK):
                size += len(chunk)
                if max_bytes is not None and size > max_bytes:
                    raise HarvestSourceError(f"来源文件超过 {max_bytes} 字节 / The source file is larger than "
                                             f"{max_bytes} bytes")
                target.write(chunk)
    except requests.RequestException as error:
        os.unlink(path)
        raise HarvestSourceError(f"下载来源文件 {url} 失败：{error} / Downloading the source file {url} failed: {error}")
    except BaseException:
        os.unlink(path)
        raise
    finally:
        response.close()
    return path


def copy_stream(source: Any, target: Any) -> None:
    shutil.copyfileobj(source, target, CHUNK)
