"""Reading settings from the environment: each helper refuses a bad value with one clear line.

Settings must never start half-configured, so a bad value ends the process with
``configuration error: NAME: what is wrong`` on stderr (exit status 2) instead of a traceback.
"""

from __future__ import annotations

import ipaddress
import os
import re
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import overload
from urllib.parse import urlsplit

import environ

from shadowvault.metrics import multiprocess as metrics_multiprocess

SECRETS_FILE_NAME = "secrets.env"
GENERATED_SECRETS = ("SECRET_KEY", "LINK_SECRET")
MIN_SECRET_LENGTH = 32


class ConfigurationError(SystemExit):
    """A setting is missing or malformed; the message names it."""

    def __init__(self, name: str, problem: str) -> None:
        self.setting = name
        super().__init__(f"configuration error: {name}: {problem}")


def text(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise ConfigurationError(name, "is required but not set")
    return value


def is_hostname(value: str) -> bool:
    """RFC 1123 hostname, lower case, at least two labels, no port."""
    label = r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"
    return len(value) <= 253 and re.fullmatch(rf"{label}(\.{label})+", value) is not None


def address_ports(name: str, default_port: int) -> list[tuple[str, int]]:
    """Comma-separated IP addresses, each with an optional port: `1.1.1.1, 127.0.0.1:5353`."""
    found = []
    for item in string_list(name, []):
        address, _, port = item.rpartition(":") if item.count(":") == 1 else (item, "", "")
        try:
            ipaddress.ip_address(address)
            number = int(port) if port else default_port
        except ValueError:
            raise ConfigurationError(name, f"expected address[:port], got {item!r}") from None
        if not 1 <= number <= 65535:
            raise ConfigurationError(name, f"port outside 1-65535 in {item!r}")
        found.append((address, number))
    return found


def boolean(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ConfigurationError(name, f"expected true or false, got {raw!r}")


def integer(name: str, default: int, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigurationError(name, f"expected a whole number, got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ConfigurationError(name, f"must be at least {minimum}, got {value}")
    return value


def choice(name: str, default: str, allowed: set[str]) -> str:
    value = os.environ.get(name) or default
    if value not in allowed:
        raise ConfigurationError(
            name, f"expected one of {', '.join(sorted(allowed))}, got {value!r}"
        )
    return value


def rate(name: str, default: str) -> str:
    """A request rate such as "300/minute" (count, then second, minute, hour or day);
    empty: no limit."""
    value = text(name, default).strip().lower()
    if value and not re.fullmatch(r"[1-9][0-9]*/(s|sec|second|m|min|minute|h|hour|d|day)", value):
        raise ConfigurationError(name, 'expected a rate such as "300/minute" or empty')
    return value


def string_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def networks(name: str, default: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """Comma-separated IP addresses and CIDR networks (`10.0.0.5, 172.18.0.0/16, ::1`).

    Set but empty means none. Host bits set in a network (10.0.0.5/8) are refused rather than
    quietly widened: the value most likely meant something else.
    """
    raw = os.environ.get(name)
    parsed = []
    for item in (default if raw is None else raw).split(","):
        if not item.strip():
            continue
        try:
            parsed.append(ipaddress.ip_network(item.strip()))
        except ValueError as exc:
            raise ConfigurationError(
                name, f"expected IP addresses or CIDR networks, comma-separated ({exc})"
            ) from None
    return tuple(parsed)


def directory(name: str, default: Path) -> Path:
    raw = os.environ.get(name)
    path = Path(raw) if raw else default
    if not path.is_absolute():
        raise ConfigurationError(name, f"must be an absolute path, got {raw!r}")
    return path


def secret(name: str, from_file: Mapping[str, str]) -> str:
    """A secret from the environment, else from the generated secrets file's values."""
    value = os.environ.get(name) or from_file.get(name, "")
    if not value:
        raise ConfigurationError(name, "is required but not set")
    if len(value) < MIN_SECRET_LENGTH:
        raise ConfigurationError(name, f"must be at least {MIN_SECRET_LENGTH} characters long")
    return value


def database(name: str, default: str) -> dict:
    raw = os.environ.get(name) or default
    scheme = urlsplit(raw).scheme
    if scheme not in {"sqlite", "postgres", "postgresql"}:
        raise ConfigurationError(
            name, f"unsupported scheme {scheme!r}; use sqlite:///path or postgres://user@host/db"
        )
    try:
        config = environ.Env.db_url_config(raw)
    except Exception as exc:  # django-environ raises several types for a malformed URL
        raise ConfigurationError(name, f"malformed URL ({exc})") from None
    if scheme == "sqlite":
        return _sqlite_options(name, config)
    if not config.get("NAME"):
        raise ConfigurationError(name, "names no database (postgres://user@host:port/NAME)")
    config["CONN_MAX_AGE"] = 60
    config["CONN_HEALTH_CHECKS"] = True
    return config


def _sqlite_options(name: str, config: dict) -> dict:
    if config["NAME"] != ":memory:" and not Path(config["NAME"]).is_absolute():
        raise ConfigurationError(name, "an SQLite path must be absolute: sqlite:////abs/path.db")
    # WAL lets the web process read while a worker writes; IMMEDIATE transactions take the
    # write lock up front so concurrent writers wait (timeout) instead of failing mid-way.
    config["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # The test database is a file too (next to the real one), not Django's in-memory
    # default: tests start real worker processes that must see the same database.
    real = Path(config["NAME"]) if config["NAME"] != ":memory:" else None
    if real is not None:
        config["TEST"] = {"NAME": str(real.with_name(f"test-{real.name}"))}
    return config


@overload
def url(name: str, default: str, schemes: set[str]) -> str: ...
@overload
def url(name: str, default: None, schemes: set[str]) -> str | None: ...
def url(name: str, default: str | None, schemes: set[str]) -> str | None:
    """A URL with one of `schemes`; with a default there is always one."""
    raw = os.environ.get(name) or default
    if raw is None:
        return None
    scheme = urlsplit(raw).scheme
    if scheme not in schemes:
        allowed = ", ".join(sorted(schemes))
        raise ConfigurationError(name, f"unsupported scheme {scheme!r}; expected one of {allowed}")
    return raw


def read_secrets_file(data_dir: Path) -> dict[str, str]:
    """The values in data/secrets.env, if it exists. The environment is left alone: settings
    pass these to `secret`, where a value from the environment wins."""
    path = data_dir / SECRETS_FILE_NAME
    if not path.exists():
        return {}
    values = {}
    for line in path.read_text().splitlines():
        key, sep, value = line.partition("=")
        if sep and not line.startswith("#"):
            values[key.strip()] = value.strip()
    return values


def ensure_secrets_file(data_dir: Path) -> None:
    """On first run, generate the secrets the environment does not provide into data/.

    Called by the entry points (manage.py, asgi, wsgi, celery), never by settings, so that
    importing settings has no side effects. The file is private to the owner and git-ignored.
    """
    missing = [name for name in GENERATED_SECRETS if not os.environ.get(name)]
    path = data_dir / SECRETS_FILE_NAME
    if not missing or path.exists():
        return
    data_dir.mkdir(parents=True, exist_ok=True)
    lines = [f"{name}={secrets.token_urlsafe(48)}" for name in GENERATED_SECRETS]
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write("# Generated on first run. Keep private; never commit.\n")
        handle.write("\n".join(lines) + "\n")


def default_data_dir(base_dir: Path) -> Path:
    return directory("DATA_DIR", base_dir / "data")


BASE_DIR = Path(__file__).resolve().parent.parent


def prepare_environment() -> None:
    """What every entry point does before Django loads settings."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shadowvault.settings")
    ensure_secrets_file(default_data_dir(BASE_DIR))
    # Before prometheus_client is imported: its store is chosen then (docs/metrics.md).
    metrics_multiprocess.prepare(default_data_dir(BASE_DIR))


def email(raw: str) -> dict:
    """SMTP or console e-mail settings from an EMAIL_URL (smtp+tls://user:pass@host:587)."""
    return environ.Env.email_url_config(raw)
