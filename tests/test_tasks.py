"""tasks.py's demo gives the server a public URL a phone can open: this PC's LAN address."""

import tasks


def test_the_lan_address_is_the_first_one_a_phone_can_reach():
    assert tasks.lan_address(["127.0.1.1", "169.254.10.2", "192.168.1.10", "10.0.0.5"]) == "192.168.1.10"


def test_only_loopback_known_gives_none():
    assert tasks.lan_address(["127.0.0.1", "127.0.1.1"]) is None
    assert tasks.lan_address([]) is None
    assert tasks.lan_address(["0.0.0.0", "not-an-address", "fe80::1"]) is None


def test_host_addresses_are_ipv4_from_the_resolver(monkeypatch):
    monkeypatch.setattr(tasks.socket, "gethostname", lambda: "kiosk-pc")
    seen = []

    def getaddrinfo(host, port, family):
        seen.append((host, family))
        return [(family, 1, 6, "", ("192.168.1.10", 0)), (family, 2, 17, "", ("192.168.1.10", 0)),
                (family, 1, 6, "", ("127.0.1.1", 0))]
    monkeypatch.setattr(tasks.socket, "getaddrinfo", getaddrinfo)
    assert tasks.host_addresses() == ["192.168.1.10", "127.0.1.1"]
    assert seen == [("kiosk-pc", tasks.socket.AF_INET)]


def test_an_unresolvable_name_gives_no_address(monkeypatch):
    def fail(*args):
        raise OSError("no such name")
    monkeypatch.setattr(tasks.socket, "getaddrinfo", fail)
    assert tasks.host_addresses() == []


def test_the_demo_server_gets_the_lan_address_as_public_url(capsys):
    assert tasks.with_public_url(["--log-level", "INFO"], ["127.0.1.1", "192.168.1.10"]) == [
        "--public-url", "http://192.168.1.10:8080", "--log-level", "INFO"]
    assert capsys.readouterr().out == ""


def test_only_loopback_known_falls_back_to_127_0_0_1_with_a_note(capsys):
    assert tasks.with_public_url([], ["127.0.0.1"]) == ["--public-url", "http://127.0.0.1:8080"]
    assert "--public-url http://ADDRESS-OF-THIS-PC:8080" in capsys.readouterr().out


def test_a_public_url_given_to_the_demo_is_kept():
    given = ["--public-url", "http://mpp.local:8080"]
    assert tasks.with_public_url(given, ["192.168.1.10"]) == given
    assert tasks.with_public_url(["--public-url=http://x:1"], ["192.168.1.10"]) == ["--public-url=http://x:1"]
