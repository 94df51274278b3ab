"""Fetching a linked resource for the personal-information scan (SEC-1), safely.

A resource URL is whatever a provider typed, so fetching it must not let the URL make the portal reach into its
own network (SSRF): only ``http``/``https``; the host is resolved and EVERY address it resolves to must be public
(not private, loopback, link-local, multicast, reserved or unspecified) unless
``ckanext.publicdata.pii.link_allow_private`` is on; redirects are followed by hand (at most
:data:`MAX_REDIRECTS`), each hop checked the same way; connect and read time out after
``ckanext.publicdata.pii.link_timeout`` seconds; at most ``ckanext.publicdata.pii.link_max_bytes`` are read.

Known limit: the check resolves the name, then the HTTP client resolves it again to connect; a DNS server that
answers differently the second time (DNS rebinding) is not defeated. Deployments that need that guarantee put an
egress proxy in front (``HTTP(S)_PROXY``), which is honoured.
"""
from __future__ import annotations

import dataclasses
import ipaddress
import socket
import tempfile
from typing import Optional
from urllib.parse import urljoin, urlsplit

import requests

from ckanext.publicdata import config

__all__ = ["MAX_REDIRECTS", "LinkRefused", "FetchedLink", "address_is_public", "check_url", "fetch_link"]

MAX_REDIRECTS = 3
_CHUNK = 64 * 1024


class LinkRefused(Exception):
    """The link is not fetched; the message (bilingual) says why."""


@dataclasses.dataclass
class FetchedLink:
    """A fetched link's body in a temporary file (delete it when done), and whether it was cut at the cap."""

    path: str
    size: int
    truncated: bool
    final_url: str


def address_is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_reserved
                or ip.is_unspecified or not ip.is_global)


def check_url(url: str, allow_private: Optional[bool] = None) -> None:
    """Raise :class:`LinkRefused` unless ``url`` is http(s) on a host whose every address may be fetched."""
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise LinkRefused("只扫描 http/https 链接 / Only http and https links are scanned")
    if allow_private is None:
        allow_private = config.pii_link_allow_private()
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise LinkRefused("链接端口无效 / The link's port is invalid")
    try:
        infos = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        raise LinkRefused(f"无法解析主机 {parts.hostname} / Cannot resolve the host {parts.hostname}")
    addresses = {info[4][0] for info in infos}
    if not allow_private:
        blocked = sorted(address for address in addresses if not address_is_public(address))
        if blocked:
            raise LinkRefused(
                f"链接指向内部网络地址（{', '.join(blocked)}），出于安全原因不予访问 / The link points to a "
                f"non-public address ({', '.join(blocked)}); it is not fetched, for security")


def fetch_link(url: str, *, max_bytes: Optional[int] = None, timeout: Optional[float] = None,
               allow_private: Optional[bool] = None) -> FetchedLink:
    """Download ``url`` (checked, redirects checked) into a temporary file, at most ``max_bytes`` bytes."""
    max_bytes = max_bytes or config.pii_link_max_bytes()
    timeout = timeout or config.pii_link_timeout()
    current = url
    for _hop in range(MAX_REDIRECTS + 1):
        check_url(current, allow_private)
        try:
            response = requests.get(current, stream=True, timeout=(timeout, timeout), allow_redirects=False,
                                    headers={"User-Agent": "ckanext-publicdata personal-information scan"})
        except requests.RequestException as error:
            raise LinkRefused(f"无法获取链接：{type(error).__name__} / Cannot fetch the link: {type(error).__name__}")
        with response:
            if response.is_redirect or response.is_permanent_redirect:
                location = response.headers.get("Location") or ""
                current = urljoin(current, location)
                continue
            if response.status_code >= 400:
                raise LinkRefused(f"链接返回 HTTP {response.status_code} / The link answered HTTP "
                                  f"{response.status_code}")
            handle = tempfile.NamedTemporaryFile(prefix="publicdata-link-", delete=False)
            size, truncated = 0, False
            try:
                with handle:
                    for chunk in response.iter_content(_CHUNK):
                        if size + len(chunk) > max_bytes:
                            handle.write(chunk[: max_bytes - size])
                            size, truncated = max_bytes, True
                            break
                        handle.write(chunk)
                        size += len(chunk)
            except requests.RequestException as error:
                import os

                os.unlink(handle.name)
                raise LinkRefused(f"读取链接内容失败：{type(error).__name__} / Reading the link failed: "
                                  f"{type(error).__name__}")
            return FetchedLink(path=handle.name, size=size, truncated=truncated, final_url=current)
    raise LinkRefused(f"重定向超过 {MAX_REDIRECTS} 次 / More than {MAX_REDIRECTS} redirects")
