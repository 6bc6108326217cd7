"""Settings: one frozen object, layered defaults < file < MOCKSERVER_* < flags, errors naming the setting."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from mockserver import ConfigError, Settings, load_settings
from mockserver.cli import settings_from_args


def test_defaults_make_a_usable_mock() -> None:
    settings = Settings()
    assert (settings.host, settings.port, settings.token_ttl) == ("127.0.0.1", 8080, 3600)
    assert settings.users.name == "users.json"
    assert settings.control is True


def test_settings_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        Settings().port = 1  # type: ignore[misc]


def test_layers_apply_in_order(tmp_path: Path) -> None:
    config = tmp_path / "mock.toml"
    config.write_text('[mockserver]\nport = 9000\ntoken-ttl = 60\nrealm = "from-file"\nseed = 5\n')
    settings = load_settings(
        config_file=config,
        environ={"MOCKSERVER_TOKEN_TTL": "120", "MOCKSERVER_REALM": "from-env", "PATH": "/bin"},
        overrides={"realm": "from-flag", "port": None},
    )
    assert settings.port == 9000
    assert settings.seed == 5
    assert settings.token_ttl == 120
    assert settings.realm == "from-flag"


def test_the_config_file_can_come_from_the_environment(tmp_path: Path) -> None:
    config = tmp_path / "mock.toml"
    config.write_text("control = false\n")
    assert load_settings(environ={"MOCKSERVER_CONFIG": str(config)}).control is False


@pytest.mark.parametrize(("text", "expected"), [("1", True), ("yes", True), ("false", False), ("off", False)])
def test_booleans_from_the_environment(text: str, expected: bool) -> None:
    assert load_settings(environ={"MOCKSERVER_CONTROL": text}).control is expected


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        pytest.param({"MOCKSERVER_PORT": "eighty"}, "'port' (from environment) must be int", id="not-int"),
        pytest.param({"MOCKSERVER_PORT": "70000"}, "'port' must be between", id="port-range"),
        pytest.param({"MOCKSERVER_TOKEN_TTL": "0"}, "'token_ttl' must be a positive", id="ttl-zero"),
        pytest.param({"MOCKSERVER_TOKEN_TTL": "3153600001"}, "at most 3153600000", id="ttl-past-a-century"),
        pytest.param({"MOCKSERVER_CONTROL": "maybe"}, "'control' (from environment) must be bool", id="bool"),
        pytest.param({"MOCKSERVER_PROT": "1"}, "unknown setting in environment: MOCKSERVER_PROT", id="typo"),
        pytest.param({"MOCKSERVER_USERS": "/no/such.json"}, "'users' no such file", id="users-file"),
        pytest.param(
            {"MOCKSERVER_INVALID_GRANT_STATUS": "403"},
            "'invalid_grant_status' must be 400 or 401",
            id="status",
        ),
    ],
)
def test_bad_settings_name_themselves(environ: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_settings(environ=environ)


def test_a_bad_config_file_is_named(tmp_path: Path) -> None:
    config = tmp_path / "mock.toml"
    config.write_text("port = [")
    with pytest.raises(ConfigError, match="is not valid TOML"):
        load_settings(config_file=config)
    with pytest.raises(ConfigError, match="config file not found"):
        load_settings(config_file=tmp_path / "missing.toml")


def test_replace_coerces_and_validates() -> None:
    assert Settings().replace(token_ttl="30").token_ttl == 30
    with pytest.raises(ConfigError, match="token_ttl"):
        Settings().replace(token_ttl=-1)


def test_cli_flags_win(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOCKSERVER_TOKEN_TTL", "100")
    monkeypatch.setenv("MOCKSERVER_SEED", "9")
    settings = settings_from_args(["--token-ttl", "5", "--no-control", "--fake-users", "2", "--port", "0"])
    assert (settings.token_ttl, settings.seed, settings.control, settings.fake_users) == (5, 9, False, 2)
    assert settings.port == 0


def test_a_bad_faults_value_is_not_echoed() -> None:
    """It may be long, and hold what the user would rather not see in a CI log."""
    for text in (
        '[{"path": "/x", "status": 503, "note": "hidden-words-here"',
        '{"note": "hidden-words-here"}',
    ):
        with pytest.raises(
            ConfigError, match=r"'faults' \(from environment\) must be a JSON list"
        ) as refused:
            load_settings(environ={"MOCKSERVER_FAULTS": text})
        assert "hidden-words-here" not in str(refused.value)


def test_the_control_token_comes_from_the_environment_or_a_file(tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_text("token-from-a-file-0123456789\n")
    assert load_settings(environ={"MOCKSERVER_CONTROL_TOKEN": "token-from-env-0123456789"}).control_token == (
        "token-from-env-0123456789"
    )
    from_file = load_settings(environ={"MOCKSERVER_CONTROL_TOKEN_FILE": str(token_file)})
    assert from_file.control_token == "token-from-a-file-0123456789"
    assert (
        settings_from_args(["--control-token-file", str(token_file)]).control_token == from_file.control_token
    )
    flag_over_env = load_settings(
        environ={"MOCKSERVER_CONTROL_TOKEN": "token-from-env-0123456789"},
        overrides={"control_token_file": str(token_file)},
    )
    assert flag_over_env.control_token == "token-from-a-file-0123456789"  # a later layer wins
    with pytest.raises(ConfigError, match=r"'control_token_file': .* cannot be read"):
        load_settings(environ={"MOCKSERVER_CONTROL_TOKEN_FILE": str(tmp_path / "missing")})


def test_the_read_timeout_is_a_positive_number_of_seconds() -> None:
    assert Settings().read_timeout == 10
    assert settings_from_args(["--read-timeout", "3"]).read_timeout == 3
    with pytest.raises(ConfigError, match="'read_timeout' must be a positive number of seconds"):
        Settings(read_timeout=0)
