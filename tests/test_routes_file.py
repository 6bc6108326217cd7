"""Protected routes as data: a team mirrors its platform's endpoints without code."""

from __future__ import annotations

import json
from pathlib import Path

from faker import Faker

from mockserver import Settings, create_app
from mockserver.core.routes_file import load_routes, render_template

from .conftest import VIEWER, bearer, login
from .transport import TestClientTransport


def test_faker_placeholders_and_repeats_are_filled() -> None:
    faker = Faker()
    faker.seed_instance(1)
    body = render_template(
        {"items": {"$repeat": 2, "item": {"id": "{{ uuid4 }}", "n": 3}}, "x": "{{x"}, faker
    )
    assert len(body["items"]) == 2
    assert body["items"][0]["id"] != body["items"][1]["id"]
    assert body["items"][0]["n"] == 3
    assert body["x"] == "{{x"


def test_the_shipped_sample_data_is_the_same_on_every_run() -> None:
    first = load_routes(Settings().routes, seed=1234)
    assert load_routes(Settings().routes, seed=1234) == first
    assert load_routes(Settings().routes, seed=99) != first


def test_a_teams_own_routes_file_is_served(tmp_path: Path) -> None:
    routes = tmp_path / "routes.json"
    routes.write_text(
        json.dumps(
            {
                "routes": [
                    {
                        "method": "GET",
                        "path": "/reports/<report_id>",
                        "permission": "accounts:read",
                        "status": 200,
                        "body": {"title": "monthly"},
                    },
                    {
                        "method": "PUT",
                        "path": "/limits",
                        "permission": "payments:write",
                        "status": 202,
                        "body": {"accepted": True},
                    },
                ]
            }
        )
    )
    api = TestClientTransport(create_app(Settings(routes=routes, log_requests=False)).test_client())
    token = login(api, *VIEWER)
    assert api.request("GET", "/reports/r-7", headers=bearer(token)).body == {"title": "monthly"}
    refused = api.request("PUT", "/limits", headers=bearer(token))
    assert (refused.status, refused.body["scope"]) == (403, "payments:write")
    assert api.request("GET", "/accounts", headers=bearer(token)).status == 404
