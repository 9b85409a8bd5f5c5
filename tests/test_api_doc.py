"""docs/api.md, the API description kept in the repository (README linked a file outside the
clone), names exactly the operations of the server's OpenAPI document."""

import re
from pathlib import Path

API_DOC = Path(__file__).resolve().parent.parent / "docs" / "api.md"


def documented_operations() -> set[tuple[str, str]]:
    """The operations the tables describe: each row starts with `METHOD /api/path`."""
    found = re.findall(r"^\| `(GET|POST|PUT|PATCH|DELETE) (/api/[^`?\s]*)", API_DOC.read_text(encoding="utf-8"),
                       re.MULTILINE)
    return {(method.lower(), path) for method, path in found}


def test_api_doc_and_openapi_document_name_the_same_operations(shared_app_floor):
    with shared_app_floor.client() as client:
        document = client.get("/api/openapi.json").json()
    served = {(method, path) for path, operations in document["paths"].items() for method in operations}
    documented = documented_operations()
    assert not documented - served, f"in docs/api.md, not served: {sorted(documented - served)}"
    assert not served - documented, f"served, not in docs/api.md: {sorted(served - documented)}"


def test_readme_links_the_api_doc_inside_the_repository():
    readme = (API_DOC.parent.parent / "README.md").read_text(encoding="utf-8")
    assert "../shared/" not in readme
    assert "(docs/api.md)" in readme
