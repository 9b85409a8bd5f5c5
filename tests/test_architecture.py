"""The shape of the house holds by itself: the import contracts (the apps and the server apart,
the rules plain Python, the tooling out of the product) are kept, and the OpenAPI document the
server publishes covers every endpoint of the API contract."""

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# Every endpoint of API.md (plus the documented extension `hold`), written as API.md writes it.
CONTRACT = [
    ("get", "/api/health"),
    ("get", "/api/openapi.json"),
    ("get", "/api/tickets/public/{public_id}"),
    ("get", "/api/kiosk/catalog"),
    ("post", "/api/tickets"),
    ("post", "/api/tickets/{id}/printed"),
    ("post", "/api/tickets/{id}/print-failed"),
    ("post", "/api/devices/heartbeat"),
    ("post", "/api/auth/login"),
    ("post", "/api/auth/logout"),
    ("get", "/api/counters/{counter}"),
    ("post", "/api/counters/{counter}/open"),
    ("post", "/api/counters/{counter}/close"),
    ("post", "/api/counters/{counter}/pause"),
    ("post", "/api/counters/{counter}/resume"),
    ("post", "/api/counters/{counter}/call-next"),
    ("post", "/api/counters/{counter}/call"),
    ("post", "/api/counters/{counter}/recall"),
    ("post", "/api/counters/{counter}/start"),
    ("post", "/api/counters/{counter}/done"),
    ("post", "/api/counters/{counter}/no-show"),
    ("post", "/api/counters/{counter}/transfer"),
    ("post", "/api/counters/{counter}/hold"),
    ("get", "/api/state"),
    ("get", "/api/events"),
    ("get", "/api/floor"),
]


def openapi_path(path: str) -> str:
    """Flask's `<int:id>` / `<counter>` as OpenAPI writes it: `{id}` / `{counter}`."""
    return re.sub(r"<(?:[a-z_]+:)?([A-Za-z_][A-Za-z0-9_]*)>", r"{\1}", path)


def lint_imports() -> Path:
    found = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert found, f"lint-imports is not installed next to {sys.executable}: pip install -e '.[test]'"
    return Path(found)


# Each contract in pyproject.toml's [tool.importlinter], by name: a contract dropped or renamed fails here.
CONTRACTS = [
    "The apps never import the server",
    "The server never imports the apps, their client or Qt",
    "The apps are independent of each other",
    "Queue rules are plain Python",
    "The apps' decisions are plain Python: presenters, layouts and sentences know no Qt",
    "Nothing in the product imports the development tools",
]
PACKAGES = ["server", "mpp_client", "kiosk", "counter_client", "display_board", "printer_profiles", "devtools"]


@pytest.fixture(scope="module")
def lint_output() -> str:
    result = subprocess.run(
        [str(lint_imports()), "--no-cache", "--no-logo"],
        check=False, cwd=REPO, capture_output=True, text=True, encoding="utf-8", timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    return " ".join(output.split())  # long names wrap at 80 columns


def test_import_contracts_are_the_ones_named_here():
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    assert [c["name"] for c in config["contracts"]] == CONTRACTS
    assert sorted(config["root_packages"]) == sorted(PACKAGES)


def test_every_package_of_the_clone_is_under_contract():
    packages = {p.parent.name for p in REPO.glob("*/__init__.py")} - {"tests"}
    assert packages == set(PACKAGES)


@pytest.mark.parametrize("contract", CONTRACTS)
def test_import_contract_is_kept(lint_output, contract):
    assert f"{contract} KEPT" in lint_output, lint_output
    assert "BROKEN" not in lint_output, lint_output


@pytest.mark.parametrize("flask_path, expected", [
    ("/api/tickets/<int:id>/printed", "/api/tickets/{id}/printed"),
    ("/api/counters/<counter>/call-next", "/api/counters/{counter}/call-next"),
    ("/api/tickets/public/<public_id>", "/api/tickets/public/{public_id}"),
    ("/api/health", "/api/health"),
])
def test_openapi_path_mapping(flask_path, expected):
    assert openapi_path(flask_path) == expected


@pytest.fixture(scope="module")
def openapi(shared_app_floor) -> dict:
    with shared_app_floor.client() as anonymous:
        answer = anonymous.get("/api/openapi.json")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/json")
    return answer.json()


def test_openapi_document_covers_every_endpoint_of_the_contract(openapi):
    assert openapi["openapi"].startswith("3.")
    paths = openapi["paths"]
    missing = [f"{method.upper()} {path}" for method, path in CONTRACT
               if method not in paths.get(openapi_path(path), {})]
    assert not missing, f"not in /api/openapi.json: {missing}"


def test_openapi_declares_every_path_parameter(openapi):
    for method, path in CONTRACT:
        wanted = set(re.findall(r"{([^}]+)}", path))
        if not wanted:
            continue
        operation = openapi["paths"][path][method]
        declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
        assert wanted <= declared, (method, path, declared)


def test_openapi_documents_the_bearer_token_on_protected_endpoints(openapi):
    assert openapi["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    public = {"/api/health", "/api/openapi.json", "/api/tickets/public/{public_id}", "/api/auth/login"}
    unsecured = [f"{method.upper()} {path}" for method, path in CONTRACT
                 if path not in public and not openapi["paths"][path][method].get("security")]
    assert not unsecured, unsecured


def _schema_of(response: dict) -> dict:
    return response.get("content", {}).get("application/json", {}).get("schema", {})


def test_documented_422_responses_have_the_shape_the_server_sends(openapi):
    wrong = []
    for method, path in CONTRACT:
        response = openapi["paths"][path][method].get("responses", {}).get("422")
        if response is not None and _schema_of(response).get("$ref") != "#/components/schemas/ErrorResponse":
            wrong.append(f"{method.upper()} {path}")
    assert not wrong, f"422 documented as something other than ErrorResponse: {wrong}"
