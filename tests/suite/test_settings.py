"""ContractSettings: layers in one direction, secrets never from options, one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from contract_tests import redaction
from contract_tests.plugin import LIVE_BUDGET, MOCK_BUDGET, Budget, open_target
from contract_tests.redaction import Redactor, Secret, redact
from contract_tests.settings import ConfigError, ContractSettings, load_settings

LIVE = {
    "CONTRACT_BASE_URL": "https://staging.example.test/",
    "CONTRACT_USERNAME": "qa",
    "CONTRACT_PASSWORD": "hunter2-secret",
    "CONTRACT_PROTECTED_PATH": "/me",
}


def test_defaults_are_the_bundled_mock() -> None:
    settings = load_settings(environ={})
    assert settings == ContractSettings()
    assert (settings.base_url, settings.token_path, settings.credentials_in) == (
        None,
        "/authorization",
        "form",
    )
    assert not settings.is_live


def test_profile_then_environment_then_options(tmp_path: Path) -> None:
    profile = tmp_path / "staging.toml"
    profile.write_text(
        '[contract]\nbase-url = "https://profile.test"\ntoken-path = "/p"\nexpiry-wait = 5\nusername = "qa"\n'
    )
    environ = {**LIVE, "CONTRACT_TOKEN_PATH": "/env", "CONTRACT_BASE_URL": "https://env.test"}
    del environ["CONTRACT_USERNAME"]
    settings = load_settings(environ=environ, profile=profile, options={"token_path": "/option"})
    assert settings.base_url == "https://env.test"
    assert settings.token_path == "/option"
    assert settings.expiry_wait == 5.0
    assert settings.username == Secret("qa")


def test_token_params_are_parsed() -> None:
    settings = load_settings(environ={"CONTRACT_TOKEN_PARAMS": "grant_type=password&client_id=qa"})
    assert settings.token_params == (("grant_type", "password"), ("client_id", "qa"))


def test_secret_token_params_are_masked_like_the_password() -> None:
    """A client_secret sent with the credentials never shows, in an error or in the suite's output."""
    with pytest.raises(ConfigError) as refused:
        load_settings(environ={"CONTRACT_TOKEN_PARAMS": "client_secret=cs-0123456789&&broken"})
    assert "cs-0123456789" not in str(refused.value)
    load_settings(environ={"CONTRACT_TOKEN_PARAMS": "client_id=mobile-app&client_secret=cs-9876543210"})
    assert (
        redact("sent client_id=mobile-app, secret cs-9876543210") == "sent client_id=mobile-app, secret ***"
    )


def test_token_params_that_only_mention_a_token_are_not_masked() -> None:
    """token_type_hint=access_token is no secret: masking it would hide the field name in every failure."""
    load_settings(environ={"CONTRACT_TOKEN_PARAMS": "token_type_hint=access_token&grant_type=password"})
    assert redact("the body lacks access_token (grant_type password)") == (
        "the body lacks access_token (grant_type password)"
    )


def test_secrets_are_masked_in_reprs() -> None:
    settings = load_settings(environ=LIVE)
    assert "hunter2" not in repr(settings)
    assert settings.password is not None
    assert settings.password.reveal() == "hunter2-secret"


@pytest.mark.parametrize("name", ["password", "username", "expired_token"])
def test_secrets_are_refused_as_options(name: str) -> None:
    with pytest.raises(ConfigError, match="environment or profile only"):
        load_settings(environ=LIVE, options={name: "x"})


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        pytest.param(
            {**LIVE, "CONTRACT_PROTECTED_PATH": ""}, "needs CONTRACT_PROTECTED_PATH", id="no-protected"
        ),
        pytest.param({"CONTRACT_BASE_URL": "https://x.test"}, "CONTRACT_USERNAME", id="no-credentials"),
        pytest.param({"CONTRACT_CREDENTIALS_IN": "header"}, "CONTRACT_CREDENTIALS_IN", id="credentials-in"),
        pytest.param({"CONTRACT_EXPIRY_WAIT": "soon"}, "CONTRACT_EXPIRY_WAIT", id="expiry-wait"),
        pytest.param({"CONTRACT_EXPIRY_WAIT": "-1"}, "CONTRACT_EXPIRY_WAIT", id="negative-wait"),
        pytest.param({"CONTRACT_TOKEN_PATH": "oauth/token"}, "CONTRACT_TOKEN_PATH", id="relative-path"),
        pytest.param({"CONTRACT_TOKEN_PARAMS": "password=x"}, "must not hold the credentials", id="params"),
        pytest.param({"CONTRACT_BASE_URL": "ftp://x.test"}, "CONTRACT_BASE_URL", id="scheme"),
        pytest.param({**LIVE, "CONTRACT_BASE_URL": "https://u:p@x.test"}, "credentials", id="userinfo"),
        pytest.param({"CONTRACT_TYPO": "1"}, "CONTRACT_TYPO", id="unknown-variable"),
        pytest.param({"CONTRACT_EXAMPLES": "many"}, "CONTRACT_EXAMPLES must be a whole", id="examples-word"),
        pytest.param({"CONTRACT_EXAMPLES": "2.5"}, "CONTRACT_EXAMPLES must be a whole", id="examples-half"),
        pytest.param({"CONTRACT_EXAMPLES": "0"}, "CONTRACT_EXAMPLES must be at least 1", id="examples-zero"),
    ],
)
def test_bad_settings_name_the_variable(environ: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message) as error:
        load_settings(environ=environ)
    assert "\n" not in str(error.value)
    assert "hunter2" not in str(error.value)


def test_examples_come_from_the_layers_and_set_the_targets_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """CONTRACT_EXAMPLES replaces the examples of the target's budget, never whether invalid data is sent."""
    monkeypatch.setattr(redaction, "REDACTOR", Redactor())  # the mock's `demo` stays a secret of this test
    profile = tmp_path / "quick.toml"
    profile.write_text("[contract]\nexamples = 4\n")
    assert load_settings(environ={}, profile=profile).examples == 4
    assert load_settings(environ={"CONTRACT_EXAMPLES": "6"}, profile=profile).examples == 6
    assert load_settings(environ={"CONTRACT_EXAMPLES": "6"}, options={"examples": "2"}).examples == 2
    profile.write_text("[contract]\nexamples = true\n")
    with pytest.raises(ConfigError, match="CONTRACT_EXAMPLES must be a whole number, got True"):
        load_settings(environ={}, profile=profile)
    assert load_settings(environ={}).examples is None
    with open_target(load_settings(environ={})) as target:
        assert target.budget == MOCK_BUDGET
    with open_target(load_settings(environ={"CONTRACT_EXAMPLES": "2"})) as target:
        assert target.budget == Budget(examples=2, negative=MOCK_BUDGET.negative)
    with open_target(load_settings(environ={**LIVE, "CONTRACT_EXAMPLES": "5"})) as target:
        assert target.budget == Budget(examples=5, negative=LIVE_BUDGET.negative)


def test_missing_profile_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="profile not found"):
        load_settings(environ={}, profile=tmp_path / "absent.toml")


def test_a_ca_bundle_comes_from_the_layers_and_is_what_every_request_verifies_with(tmp_path: Path) -> None:
    bundle = tmp_path / "ca.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n", encoding="utf-8")
    other = tmp_path / "other.pem"
    other.write_text("-----BEGIN CERTIFICATE-----\n", encoding="utf-8")
    profile = tmp_path / "staging.toml"
    profile.write_text(f'[contract]\nca-bundle = "{other}"\n', encoding="utf-8")
    assert load_settings(environ={}, profile=profile).ca_bundle == other
    assert load_settings(environ={"CONTRACT_CA_BUNDLE": str(bundle)}, profile=profile).ca_bundle == bundle
    chosen = load_settings(environ={"CONTRACT_CA_BUNDLE": str(other)}, options={"ca_bundle": str(bundle)})
    assert chosen.verify == str(bundle)
    assert load_settings(environ={}).verify is True  # the system's trust (and REQUESTS_CA_BUNDLE)


def test_a_ca_bundle_that_is_no_file_is_one_line_naming_the_variable(tmp_path: Path) -> None:
    for missing in (tmp_path / "absent.pem", tmp_path):
        with pytest.raises(ConfigError) as error:
            load_settings(environ={"CONTRACT_CA_BUNDLE": str(missing)})
        assert str(error.value) == f"CONTRACT_CA_BUNDLE must be a file of PEM certificates: {missing} is none"
