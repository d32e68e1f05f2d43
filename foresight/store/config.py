"""Where a remote store lives and how to log in: from the environment or a config file, never a URL.

``--store`` (or ``FORESIGHT_STORE``) names a SPARQL endpoint in one of two ways:

* its query URL, ``http(s)://…``; the other settings come from environment variables:

  ================================  =====================================================
  ``FORESIGHT_STORE_UPDATE``        the SPARQL Update URL, when it differs from the query URL
  ``FORESIGHT_STORE_GSP``           the Graph Store Protocol URL (for ``upload: gsp``)
  ``FORESIGHT_STORE_USER``          the user name
  ``FORESIGHT_STORE_PASSWORD``      the password
  ``FORESIGHT_STORE_AUTH``          ``basic`` (default) or ``digest``
  ``FORESIGHT_STORE_UPLOAD``        ``update`` (INSERT DATA, default) or ``gsp``
  ``FORESIGHT_STORE_BATCH``         triples per upload request (default 2000)
  ``FORESIGHT_STORE_CA``            a CA bundle for TLS, or ``false`` to skip verification
  ================================  =====================================================

* the name of an entry under ``stores:`` in the config file (``$FORESIGHT_CONFIG``,
  else ``~/.config/foresight/config.yaml``)::

      stores:
        team:
          query: https://graphdb.example.org/repositories/foresight
          update: https://graphdb.example.org/repositories/foresight/statements
          user: analyst
          password_env: GRAPHDB_PASSWORD     # or password: ..., in a file only you can read
          auth: basic

  An entry whose ``query`` equals a URL given to ``--store`` supplies that URL's settings too.
  Environment variables win over the file.

A URL with a user or password in it is refused, without repeating it: it would end
up in shell history, logs and error messages.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from foresight.errors import StoreError

UPLOADS = ("update", "gsp")
AUTHS = ("basic", "digest")
_KEYS = {"query", "update", "gsp", "user", "password", "password_env", "auth", "upload", "batch", "ca", "timeout"}


@dataclass(frozen=True)
class Endpoint:
    """A SPARQL endpoint and how to reach it. ``repr`` never shows the password."""

    query: str
    update: str | None = None
    gsp: str | None = None
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    auth: str = "basic"
    upload: str = "update"
    batch_triples: int = 2000
    timeout: float = 600.0
    verify: bool | str = True

    @property
    def update_url(self) -> str:
        return self.update or self.query

    @property
    def gsp_url(self) -> str:
        if not self.gsp:
            raise StoreError(f"{self.display}: upload 'gsp' needs a Graph Store Protocol URL "
                             "(FORESIGHT_STORE_GSP or 'gsp:' in the config file)")
        return self.gsp

    @property
    def display(self) -> str:
        """The query URL for messages: scheme, host, port and path; no query string."""
        return _display(self.query)

    def requests_auth(self) -> Any:
        if not self.user:
            return None
        import requests.auth

        if self.auth == "digest":
            return requests.auth.HTTPDigestAuth(self.user, self.password or "")
        return requests.auth.HTTPBasicAuth(self.user, self.password or "")

    def cache_dir(self) -> Path:
        """A local folder for what foresight derives from this endpoint (pieces, concepts)."""
        root = os.environ.get("FORESIGHT_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME")
        base = Path(root) if root else Path.home() / ".cache"
        if not os.environ.get("FORESIGHT_CACHE_DIR"):
            base = base / "foresight"
        host = urlsplit(self.query).hostname or "endpoint"
        return base / f"{host}-{hashlib.sha256(self.query.encode()).hexdigest()[:16]}"


def _display(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return f"{parts.scheme}://{host}{parts.path}"


def _check_url(where: str, key: str, url: str) -> None:
    """Refuse a URL that is not http(s), or that holds credentials (without repeating them)."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise StoreError(f"{where}: the {key} URL must be an http:// or https:// URL")
    if parts.username or parts.password:
        raise StoreError(f"{where}: the {key} URL holds credentials, which foresight does not accept in URLs; "
                         "set FORESIGHT_STORE_USER and FORESIGHT_STORE_PASSWORD or use the config file")


def is_remote(spec: str) -> bool:
    """Whether a store location is an HTTP(S) URL."""
    return spec.lower().startswith(("http://", "https://"))


def config_path() -> Path:
    """The config file: ``$FORESIGHT_CONFIG``, else ``$XDG_CONFIG_HOME/foresight/config.yaml``."""
    explicit = os.environ.get("FORESIGHT_CONFIG")
    if explicit:
        return Path(explicit)
    root = os.environ.get("XDG_CONFIG_HOME")
    return (Path(root) if root else Path.home() / ".config") / "foresight" / "config.yaml"


def exposed_secrets(path: Path | None = None) -> str | None:
    """A warning when the config file holds a password that other users of the machine can read.

    >>> exposed_secrets(Path("/nonexistent/config.yaml")) is None
    True
    """
    import stat

    path = path or config_path()
    try:
        mode = path.stat().st_mode
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    if mode & (stat.S_IRGRP | stat.S_IROTH) and re.search(r"(?m)^\s*password\s*:", text):
        return (f"{path} holds a password and other users can read it; run chmod 600 on it, or use "
                "password_env: to name an environment variable instead")
    return None


def load_stores(path: Path | None = None) -> dict[str, dict[str, Any]]:
    """The ``stores:`` entries of the config file, by name; empty when there is no file.

    Raises:
        StoreError: the file exists but is not valid YAML, or an entry is malformed.
    """
    import yaml

    path = path or config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as error:
        raise StoreError(f"{path}: cannot read the config file ({error.strerror})") from None
    try:
        document = yaml.safe_load(text) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        raise StoreError(f"{where}: invalid YAML in the config file") from None
    stores = document.get("stores", {}) if isinstance(document, dict) else None
    if not isinstance(stores, dict):
        raise StoreError(f"{path}: 'stores' must be a mapping of names to endpoints")
    result: dict[str, dict[str, Any]] = {}
    for name, entry in stores.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("query"), str):
            raise StoreError(f"{path}: store {name!r} needs at least a 'query' URL")
        unknown = sorted(set(entry) - _KEYS)
        if unknown:
            raise StoreError(f"{path}: store {name!r} has unknown settings: {', '.join(map(str, unknown))}")
        result[str(name)] = entry
    return result


def resolve(spec: str, environ: Mapping[str, str] | None = None, *, config: Path | None = None) -> Endpoint | None:
    """The endpoint a store location names, or ``None`` when it names a local store.

    Raises:
        StoreError: a URL with credentials in it, a bad setting, a missing password variable.
    """
    env = os.environ if environ is None else environ
    remote = is_remote(spec)
    if not remote and re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:/*", spec) and spec.split(":", 1)[0].lower() in {
            "http", "https"}:
        # "http:/host/..." or "https:host": a URL mistyped, not a folder to create (it may hold a password)
        raise StoreError("the store location looks like a URL without its '//' (e.g. http://host/sparql); "
                         "it is not shown, in case it holds a password")
    local = "/" in spec or os.sep in spec or spec.startswith(".") or spec in {"memory:", ":memory:", "rdflib:"}
    if not remote and local:
        return None
    stores = load_stores(config)
    entry: dict[str, Any] = {}
    if remote:
        entry = next((dict(item) for item in stores.values() if item.get("query") == spec), {"query": spec})
    elif spec in stores:
        entry = dict(stores[spec])
    else:
        return None
    where = f"store {spec!r} in {config or config_path()}" if not remote else "the store URL"
    settings = {
        "update": env.get("FORESIGHT_STORE_UPDATE") or entry.get("update"),
        "gsp": env.get("FORESIGHT_STORE_GSP") or entry.get("gsp"),
        "user": env.get("FORESIGHT_STORE_USER") or entry.get("user"),
        "auth": (env.get("FORESIGHT_STORE_AUTH") or entry.get("auth") or "basic").lower(),
        "upload": (env.get("FORESIGHT_STORE_UPLOAD") or entry.get("upload") or "update").lower(),
    }
    for key, url in (("query", entry["query"]), ("update", settings["update"]), ("gsp", settings["gsp"])):
        variable = f"FORESIGHT_STORE_{key.upper()}"
        if url is not None:
            _check_url(variable if key != "query" and env.get(variable) else where, key, str(url))
    password = env.get("FORESIGHT_STORE_PASSWORD")
    if password is None and entry.get("password_env"):
        variable = str(entry["password_env"])
        password = env.get(variable)
        if password is None:
            raise StoreError(f"{where}: the password variable {variable} is not set")
    if password is None and entry.get("password") is not None:
        password = str(entry["password"])
    if settings["auth"] not in AUTHS:
        raise StoreError(f"{where}: auth must be one of {', '.join(AUTHS)}")
    if settings["upload"] not in UPLOADS:
        raise StoreError(f"{where}: upload must be one of {', '.join(UPLOADS)}")
    batch = env.get("FORESIGHT_STORE_BATCH") or entry.get("batch") or 2000
    timeout = entry.get("timeout") or 600
    try:
        batch_triples, timeout_s = int(batch), float(timeout)
    except (TypeError, ValueError):
        raise StoreError(f"{where}: batch and timeout must be numbers") from None
    if batch_triples < 1:
        raise StoreError(f"{where}: batch must be at least 1")
    ca = env.get("FORESIGHT_STORE_CA") or entry.get("ca")
    verify: bool | str = True
    if ca is not None:
        verify = False if str(ca).lower() in {"false", "no", "0"} else str(ca)
    return Endpoint(query=str(entry["query"]), update=settings["update"], gsp=settings["gsp"],
                    user=settings["user"], password=password, auth=settings["auth"], upload=settings["upload"],
                    batch_triples=batch_triples, timeout=timeout_s, verify=verify)
