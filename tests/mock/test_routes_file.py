"""Protected routes as data: a team mirrors its platform's endpoints without code."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

import faker.providers.date_time
import pytest
from faker import Faker

from mockserver import ConfigError, Settings, create_app
from mockserver.core.routes_file import (
    DATES_UNTIL,
    RENDERED_FILE,
    load_routes,
    render_routes,
    render_template,
    template_digest,
)
from mockserver.data import fixture_path, load_json

from ..conftest import VIEWER, bearer, login
from ..transport import TestClientTransport


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


REGENERATE = ".venv/bin/python scripts/render_routes.py"


def _seeded(seed: int) -> Faker:
    faker = Faker()
    faker.seed_instance(seed)
    return faker


def _without_faker(monkeypatch: pytest.MonkeyPatch) -> None:
    """`import faker` fails, as in a plain install (the 'fake' extra not installed)."""
    monkeypatch.setitem(sys.modules, "faker", None)


def test_the_rendered_routes_are_what_faker_renders_from_the_default_seed() -> None:
    """fixtures/routes.rendered.json is what a plain install serves: it must not drift from faker's."""
    template = load_json(fixture_path("routes.json"))
    shipped = load_json(fixture_path(RENDERED_FILE))
    stale = f"fixtures/{RENDERED_FILE} is stale: regenerate it with `{REGENERATE}`"
    assert shipped["seed"] == Settings().seed, stale
    assert shipped["template_sha256"] == template_digest(template), stale
    assert shipped["routes"] == render_routes(template, _seeded(Settings().seed)), stale


def test_the_bundled_routes_need_no_faker_at_the_default_seed(monkeypatch: pytest.MonkeyPatch) -> None:
    expected = render_routes(load_json(fixture_path("routes.json")), _seeded(1234))
    _without_faker(monkeypatch)
    specs = load_routes(Settings().routes, seed=1234)
    assert [spec.body for spec in specs] == [route["body"] for route in expected]
    assert [spec.endpoint for spec in specs] == [f"{r['method']} {r['path']}" for r in expected]


def test_a_copy_of_the_bundled_routes_is_pre_rendered_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rendered file is keyed by the routes' content, not their path: a reformatted copy matches."""
    copy = tmp_path / "routes.json"
    copy.write_text(json.dumps(load_json(fixture_path("routes.json")), indent=None))
    bundled = load_routes(Settings().routes, seed=1234)
    _without_faker(monkeypatch)
    assert load_routes(copy, seed=1234) == bundled


def test_another_seed_without_faker_is_one_line_naming_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    _without_faker(monkeypatch)
    with pytest.raises(ConfigError) as refused:
        load_routes(Settings().routes, seed=99)
    message = str(refused.value)
    assert "\n" not in message
    assert "seed 99" in message
    assert "pre-rendered for seed 1234" in message
    assert message.endswith("pip install 'authcontract[fake]'")


def test_a_teams_routes_file_needs_faker_only_for_placeholders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain, templated = tmp_path / "plain.json", tmp_path / "templated.json"
    route = {"method": "GET", "path": "/reports", "permission": "accounts:read"}
    plain.write_text(json.dumps({"routes": [{**route, "body": {"title": "monthly"}}]}))
    templated.write_text(json.dumps({"routes": [{**route, "body": {"id": "{{ uuid4 }}"}}]}))
    _without_faker(monkeypatch)
    assert load_routes(plain, seed=7)[0].body == {"title": "monthly"}
    with pytest.raises(ConfigError, match=r"routes file .*templated\.json.*authcontract\[fake\]"):
        load_routes(templated, seed=7)
    with pytest.raises(ConfigError, match=r"authcontract\[fake\]"):
        create_app(Settings(routes=templated, log_requests=False))


def test_fake_users_without_faker_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    _without_faker(monkeypatch)
    with pytest.raises(ConfigError, match=r"--fake-users.*pip install 'authcontract\[fake\]'$"):
        create_app(Settings(fake_users=3, log_requests=False))


class _Year2100(datetime):
    @classmethod
    def now(cls, tz=None):  # type: ignore[no-untyped-def, override]
        return cls(2100, 1, 1, tzinfo=tz)


def test_a_seed_draws_the_same_dates_on_every_day(monkeypatch: pytest.MonkeyPatch) -> None:
    """faker draws `{{ date }}` up to today: without a fixed end, the rendered file would go stale."""
    template = {"dates": {"$repeat": 5, "item": "{{ date }}"}, "at": "{{ date_time }}"}
    today = render_template(template, _seeded(1234))
    monkeypatch.setattr(faker.providers.date_time, "datetime", _Year2100)
    assert render_template(template, _seeded(1234)) == today
    assert max(today["dates"]) <= DATES_UNTIL.date().isoformat()
