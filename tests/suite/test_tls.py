"""Live targets over HTTPS: the suite trusts the CA it is given, a certificate it cannot trust is no
verdict in one line, and plain http off the loopback is an `rfc` failure (RFC 6749 §3.2, RFC 6750 §5.3).

No test sends anything off this machine: a "non-loopback" target is a reserved `.test` name that
resolve_to_loopback maps to 127.0.0.1 in this process.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from contract_tests.plugin import EXIT_NO_VERDICT
from mockserver import MockServer, Settings

from .conftest import TLS_CHECK, Outcome, SuiteRunner
from .targets import Platform, platform_app, proof_ca, resolve_to_loopback, serve
from .test_mistakes import stop_line

REMOTE = "staging.platform.test"
CA_BUNDLE = "check --ca-bundle (CONTRACT_CA_BUNDLE)"


@pytest.fixture(scope="module")
def https_mock() -> Iterator[MockServer]:
    with MockServer(Settings(tls=True, log_requests=False)) as running:
        yield running


def run_against_mock(suite: SuiteRunner, mock: MockServer, *args: str, **env: str) -> Outcome:
    settings = {
        "CONTRACT_BASE_URL": mock.url,
        "CONTRACT_USERNAME": "demo",
        "CONTRACT_PASSWORD": "demo-password",
        "CONTRACT_PROTECTED_PATH": "/me",
        **env,
    }
    return suite.run_live(settings, *args)


def test_the_suite_passes_against_an_https_mock_with_its_ca_bundle(
    suite: SuiteRunner, https_mock: MockServer
) -> None:
    assert https_mock.url.startswith("https://127.0.0.1:")
    outcome = run_against_mock(suite, https_mock, CONTRACT_CA_BUNDLE=str(https_mock.ca_bundle))
    assert outcome.ret == 0, outcome.text
    assert (outcome.failed, outcome.errors) == (set(), {}), outcome.text
    assert {TLS_CHECK, "test_fresh_token_is_accepted", "test_login_answers_json_token"} <= outcome.passed
    # a live mock's clock cannot be moved: only the expiry checks wait for a setting
    assert set(outcome.skipped) == {
        "test_expired_token_is_refused",
        "test_token_lives_its_announced_lifetime",
    }


def test_the_ca_bundle_option_is_the_suites_own(suite: SuiteRunner, https_mock: MockServer) -> None:
    outcome = run_against_mock(suite, https_mock, "--ca-bundle", str(https_mock.ca_bundle))
    assert outcome.ret == 0, outcome.text


def test_without_the_ca_bundle_there_is_no_verdict_in_one_line(
    suite: SuiteRunner, https_mock: MockServer
) -> None:
    line = stop_line(run_against_mock(suite, https_mock))
    assert (
        "the target's certificate is not trusted (certificate verify failed: unable to get local issuer "
        in line
    )
    assert f"certificate) on POST {https_mock.url}/authorization; " in line
    assert line.rstrip(" !").endswith(CA_BUNDLE), line
    assert "demo-password" not in line


def test_a_ca_bundle_of_another_ca_is_no_verdict_either(
    suite: SuiteRunner, https_mock: MockServer, tmp_path: Path
) -> None:
    other, _ = proof_ca(tmp_path, "127.0.0.1")
    line = stop_line(run_against_mock(suite, https_mock, CONTRACT_CA_BUNDLE=str(other)))
    assert "certificate verify failed: unable to get local issuer certificate" in line
    assert line.rstrip(" !").endswith(CA_BUNDLE), line


def test_a_certificate_for_another_host_name_is_no_verdict(suite: SuiteRunner, tmp_path: Path) -> None:
    platform = Platform()
    bundle, context = proof_ca(tmp_path, "elsewhere.platform.test")
    with serve(platform_app(platform, suite.clock), tls=context) as base_url:
        settings = {**suite.env(platform, base_url), "CONTRACT_CA_BUNDLE": str(bundle)}
        line = stop_line(suite.run_live(settings))
    assert (
        "(certificate verify failed: IP address mismatch, certificate is not valid for '127.0.0.1')" in line
    )
    assert line.rstrip(" !").endswith(f"{CA_BUNDLE} and --base-url (CONTRACT_BASE_URL)"), line
    assert not platform.logins, "no credentials were sent to a host that could not prove its name"


def test_a_missing_ca_bundle_is_a_settings_error(suite: SuiteRunner, tmp_path: Path) -> None:
    outcome = suite.run_live({"CONTRACT_CA_BUNDLE": str(tmp_path / "absent.pem")})
    assert outcome.ret == 4, outcome.text
    assert (
        f"contract suite: CONTRACT_CA_BUNDLE must be a file of PEM certificates: {tmp_path}" in outcome.text
    )
    assert outcome.ret != EXIT_NO_VERDICT


def test_plain_http_off_the_loopback_is_an_rfc_failure(
    suite: SuiteRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where the user allowed plain http (else it is refused before any login, test_hostile_transport.py)."""
    resolve_to_loopback(monkeypatch, REMOTE)
    platform = Platform()
    with serve(platform_app(platform, suite.clock), name=REMOTE) as base_url:
        outcome = suite.run_live({**suite.env(platform, base_url), "CONTRACT_ALLOW_HTTP": "1"}, "-rA")
    assert outcome.ret == 1, outcome.text
    assert outcome.failed == {TLS_CHECK}, outcome.text
    assert "clause:   RFC 6749 §3.2" in outcome.text
    assert f"POST {base_url}/authorization answered 200 OK over plain http" in outcome.text
    assert platform.password not in outcome.text


def test_https_off_the_loopback_passes(
    suite: SuiteRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    resolve_to_loopback(monkeypatch, REMOTE)
    platform = Platform()
    bundle, context = proof_ca(tmp_path, REMOTE)
    with serve(platform_app(platform, suite.clock), tls=context, name=REMOTE) as base_url:
        outcome = suite.run_live({**suite.env(platform, base_url), "CONTRACT_CA_BUNDLE": str(bundle)})
    assert base_url.startswith(f"https://{REMOTE}:")
    assert outcome.ret == 0, outcome.text
    assert TLS_CHECK in outcome.passed
    assert outcome.skipped == {}


@pytest.mark.parametrize("name", ["127.0.0.1", "localhost"])
def test_plain_http_on_the_loopback_skips_saying_why(suite: SuiteRunner, name: str) -> None:
    platform = Platform()
    with serve(platform_app(platform, suite.clock), name=name) as base_url:
        outcome = suite.run_live(suite.env(platform, base_url))
    assert outcome.ret == 0, outcome.text
    assert list(outcome.skipped) == [TLS_CHECK]
    reason = outcome.skipped[TLS_CHECK]
    assert f"plain http to {name}, a loopback address" in reason
    assert "never leaves this machine" in reason


def test_the_bundled_mock_skips_the_tls_check(suite: SuiteRunner) -> None:
    outcome = suite.run_live({}, "-k", "tls")
    assert outcome.ret == 0, outcome.text
    assert "loopback" in outcome.skipped[TLS_CHECK]
