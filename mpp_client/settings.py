"""Each app's small settings file (server address, device token, its own options).

One JSON file per app in the user's config directory (`platformdirs`, so the
right place on Windows and Linux alike), e.g. `kiosk.json`. The command line
wins over the file, so a technician can try another server without editing it.
Officer PINs are never written: an officer types the PIN at every login.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

APP_NAME = "antrian-mpp"
DEFAULT_SERVER_URL = "http://127.0.0.1:8080"
FORMAT_VERSION = 1
# Keys that would hold a secret a person knows; the device token is the only secret kept.
FORBIDDEN_KEYS = frozenset({"pin", "password", "officer_pin"})


class SettingsError(Exception):
    """The settings file can't be read; `message` says which file and what to do, in Indonesian."""

    def __init__(self, message: str, path: Path):
        super().__init__(message)
        self.message = message
        self.path = path


def app_arguments(prog: str, description: str, app: str) -> argparse.ArgumentParser:
    """The command line every app starts from: --server, --settings (`APP.json`) and --log-level."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--server", metavar="URL", help="the queue server, e.g. http://192.168.1.10:8080")
    parser.add_argument("--settings", metavar="PATH", help=f"settings file (default: {app}.json in the config dir)")
    parser.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    return parser


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def merge(file_values: dict, cli_values: dict) -> dict:
    """File values overridden by command-line values; a CLI value of None means "not given".

    Nested dicts (an app's options) merge key by key, so `--printer` doesn't wipe the
    other printer settings from the file.
    """
    merged = dict(file_values)
    for key, value in cli_values.items():
        if value is None:
            continue
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _secret_keys(values: Any, where: str = "") -> list[str]:
    found = []
    if isinstance(values, dict):
        for key, value in values.items():
            if str(key).lower() in FORBIDDEN_KEYS:
                found.append(f"{where}{key}")
            found.extend(_secret_keys(value, f"{where}{key}."))
    return found


@dataclass
class AppSettings:
    """What one app remembers between runs. `token` is the device token from `mpp-server device add`."""

    app: str
    server_url: str = DEFAULT_SERVER_URL
    token: str | None = None
    options: dict = field(default_factory=dict)
    path: Path | None = None

    @staticmethod
    def default_path(app: str) -> Path:
        return config_dir() / f"{app}.json"

    @classmethod
    def load(cls, app: str, path: Path | str | None = None) -> AppSettings:
        """The saved settings, or the defaults when the app has never saved any."""
        path = Path(path) if path is not None else cls.default_path(app)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls(app, path=path)
        except OSError as exc:
            raise SettingsError(f"Berkas pengaturan {path} tidak dapat dibaca: {exc.strerror}.", path) from exc
        try:
            values = json.loads(text)
        except ValueError:
            values = None
        if not isinstance(values, dict):
            raise SettingsError(f"Berkas pengaturan {path} rusak; perbaiki atau hapus berkas itu, "
                                "lalu atur ulang aplikasi.", path)
        return cls.from_dict(app, values, path)

    @classmethod
    def from_dict(cls, app: str, values: dict, path: Path | None = None) -> AppSettings:
        options = values.get("options") or {}
        options = dict(options) if isinstance(options, dict) else {}
        # Displays once kept their token as `options.token`: read it once, keep it as `token`.
        legacy_token = options.pop("token", None)
        return cls(app, server_url=values.get("server_url") or DEFAULT_SERVER_URL,
                   token=values.get("token") or legacy_token, options=options, path=path)

    def to_dict(self) -> dict:
        return {"version": FORMAT_VERSION, "app": self.app, "server_url": self.server_url, "token": self.token,
                "options": self.options}

    def with_overrides(self, cli_values: dict) -> AppSettings:
        """A copy with the command line's values on top (see `merge`); the file is not touched."""
        merged = merge(self.to_dict(), cli_values)
        return AppSettings.from_dict(self.app, merged, self.path)

    def save(self) -> Path:
        """Write atomically (temp file, then replace): a power cut leaves the old file or the new, never half."""
        secrets = _secret_keys(self.options, "options.")
        if secrets:
            raise ValueError(f"settings must not store PINs or passwords: {', '.join(secrets)}")
        path = self.path or self.default_path(self.app)
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"
        # mkstemp makes the file readable by this user only: it holds the device token.
        handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as temp:
                temp.write(text)
                temp.flush()
                os.fsync(temp.fileno())
            os.replace(temp_name, path)
        except BaseException:
            Path(temp_name).unlink(missing_ok=True)
            raise
        self.path = path
        return path
