"""App settings: a round trip through the file, atomic writes, the command line on top, no PINs."""

import json
import os
import sys

import pytest

from mpp_client import settings as settings_module
from mpp_client.settings import DEFAULT_SERVER_URL, AppSettings, SettingsError, config_dir, merge


def test_round_trip(tmp_path):
    path = tmp_path / "kiosk.json"
    saved = AppSettings("kiosk", server_url="http://10.0.0.5:8080", token="tok-123",
                        options={"printer": {"kind": "network", "host": "10.0.0.9"}, "language": "id"}, path=path)
    assert saved.save() == path
    loaded = AppSettings.load("kiosk", path)
    assert loaded == saved
    assert json.loads(path.read_text(encoding="utf-8"))["version"] == 1


def test_a_new_app_starts_from_defaults(tmp_path):
    loaded = AppSettings.load("display", tmp_path / "missing" / "display.json")
    assert (loaded.server_url, loaded.token, loaded.options) == (DEFAULT_SERVER_URL, None, {})
    loaded.save()  # creates the directory
    assert (tmp_path / "missing" / "display.json").exists()


def test_default_place_is_the_users_config_dir_one_file_per_app():
    assert AppSettings.default_path("kiosk") == config_dir() / "kiosk.json"
    assert "antrian-mpp" in str(config_dir())


def test_a_broken_file_is_a_settings_error_naming_it(tmp_path):
    path = tmp_path / "counter.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(SettingsError) as caught:
        AppSettings.load("counter", path)
    assert str(path) in caught.value.message and caught.value.path == path


def test_save_replaces_the_file_atomically(tmp_path, monkeypatch):
    path = tmp_path / "kiosk.json"
    AppSettings("kiosk", token="old", path=path).save()

    def power_cut(*args):
        raise OSError("disk full")

    monkeypatch.setattr(settings_module.os, "replace", power_cut)
    with pytest.raises(OSError):
        AppSettings("kiosk", token="new", path=path).save()
    assert AppSettings.load("kiosk", path).token == "old", "the old file is intact"
    assert [p.name for p in tmp_path.iterdir()] == ["kiosk.json"], "no temp file left behind"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_the_file_holding_the_token_is_private(tmp_path):
    path = AppSettings("kiosk", token="secret", path=tmp_path / "kiosk.json").save()
    assert os.stat(path).st_mode & 0o077 == 0


@pytest.mark.parametrize("options", [
    {"pin": "1234"},
    {"officer": {"username": "budi", "PIN": "1234"}},
    {"password": "x"},
])
def test_pins_are_never_stored(tmp_path, options):
    path = tmp_path / "counter.json"
    with pytest.raises(ValueError):
        AppSettings("counter", options=options, path=path).save()
    assert not path.exists()


@pytest.mark.parametrize("file_values, cli_values, expected", [
    ({"server_url": "http://a"}, {"server_url": "http://b"}, {"server_url": "http://b"}),
    ({"server_url": "http://a"}, {"server_url": None}, {"server_url": "http://a"}),
    ({"token": "t"}, {"server_url": "http://b"}, {"token": "t", "server_url": "http://b"}),
    ({"options": {"zone": "1", "voice": "id"}}, {"options": {"zone": "2"}},
     {"options": {"zone": "2", "voice": "id"}}),
    ({"options": {"zone": "1"}}, {"options": {"zone": None}}, {"options": {"zone": "1"}}),
    ({"fullscreen": True}, {"fullscreen": False}, {"fullscreen": False}),
])
def test_command_line_values_win_over_the_file(file_values, cli_values, expected):
    assert merge(file_values, cli_values) == expected


def test_with_overrides_leaves_the_file_alone(tmp_path):
    path = tmp_path / "display.json"
    AppSettings("display", server_url="http://a:8080", token="t", options={"zone": "1"}, path=path).save()
    running = AppSettings.load("display", path).with_overrides({"server_url": "http://b:8080", "token": None,
                                                                 "options": {"zone": "2"}})
    assert (running.server_url, running.token, running.options) == ("http://b:8080", "t", {"zone": "2"})
    assert AppSettings.load("display", path).server_url == "http://a:8080"


# ---------------------------------------------------------------- one shape for every app

def test_kiosk_and_display_keep_the_device_token_under_the_same_name(tmp_path):
    from display_board.app import parse_args as display_args, resolve_config as display_config
    from kiosk.app import parse_args as kiosk_args, resolve_config as kiosk_config

    for app in ("kiosk", "display"):
        (tmp_path / f"{app}.json").write_text(json.dumps(
            {"server_url": "http://10.0.0.2:8080", "token": f"{app}-token", "options": {}}), encoding="utf-8")
    kiosk = kiosk_config(kiosk_args(["--settings", str(tmp_path / "kiosk.json")]))
    display = display_config(display_args(["--settings", str(tmp_path / "display.json")]))
    assert (kiosk.token, display.token) == ("kiosk-token", "display-token")
    assert (kiosk.server_url, display.server_url) == ("http://10.0.0.2:8080", "http://10.0.0.2:8080")


def test_a_display_file_with_the_old_options_token_keeps_working(tmp_path):
    """A board on the wall has `{"options": {"token": …}}` from before: it still starts, and the
    next save writes the one shape."""
    from display_board.app import parse_args, resolve_config

    path = tmp_path / "display.json"
    path.write_text(json.dumps({"server_url": "http://10.0.0.2:8080",
                                "options": {"token": "old-token", "zone": "2"}}), encoding="utf-8")
    assert resolve_config(parse_args(["--settings", str(path)])).token == "old-token"
    settings = AppSettings.load("display", path)
    assert (settings.token, settings.options) == ("old-token", {"zone": "2"})
    settings.save()
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["token"] == "old-token" and "token" not in saved["options"]
    # The command line still wins over the old shape.
    assert resolve_config(parse_args(["--settings", str(path), "--token", "new"])).token == "new"
