"""A downstream project's tests: only the installed plugin's fixtures, no import of it."""

import os

import pytest
import requests

TIMEOUT = 5
TTL = int(os.environ["EXPECTED_TOKEN_TTL"])  # what the project chose, in its conftest or its ini file


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_token_opens_the_api_until_the_clock_moves(auth_mock, auth_token):
    me = requests.get(auth_mock.url_for("/me"), headers=bearer(auth_token), timeout=TIMEOUT)
    assert me.status_code == 200
    assert me.json()["username"] == "demo"
    auth_mock.advance(TTL + 1)
    expired = requests.get(auth_mock.url_for("/me"), headers=bearer(auth_token), timeout=TIMEOUT)
    assert expired.status_code == 401
    assert "expired" in expired.json()["error_description"]


def test_the_settings_chosen_for_the_project_apply(auth_mock):
    reply = requests.post(
        auth_mock.url_for("/authorization"),
        data={"username": "demo", "password": "demo-password"},
        timeout=TIMEOUT,
    )
    assert reply.json()["expires_in"] == TTL


def test_users_added_for_a_test(auth_mock):
    auth_mock.add_user("carol", "carol-secret", ["payments:read"])
    token = auth_mock.token("carol", "carol-secret")
    assert (
        requests.get(auth_mock.url_for("/payments"), headers=bearer(token), timeout=TIMEOUT).status_code
        == 200
    )
    assert (
        requests.get(auth_mock.url_for("/accounts"), headers=bearer(token), timeout=TIMEOUT).status_code
        == 403
    )


@pytest.mark.parametrize("auth_mock_user", [("viewer", "viewer-password")])
def test_a_token_for_another_user(auth_mock, auth_token):
    me = requests.get(auth_mock.url_for("/me"), headers=bearer(auth_token), timeout=TIMEOUT)
    assert me.json()["username"] == "viewer"


def test_revoked_tokens_are_refused(auth_mock, auth_token):
    other = auth_mock.token()
    assert auth_mock.revoke(auth_token) is True
    assert (
        requests.get(auth_mock.url_for("/me"), headers=bearer(auth_token), timeout=TIMEOUT).status_code == 401
    )
    assert requests.get(auth_mock.url_for("/me"), headers=bearer(other), timeout=TIMEOUT).status_code == 200
    auth_mock.revoke_user("demo")
    assert requests.get(auth_mock.url_for("/me"), headers=bearer(other), timeout=TIMEOUT).status_code == 401


def test_the_journal_says_what_was_received(auth_mock, auth_token):
    for _ in range(2):
        requests.get(auth_mock.url_for("/me"), headers=bearer(auth_token), timeout=TIMEOUT)
    calls = auth_mock.assert_called("/me", times=2, method="GET", status=200)
    assert auth_token not in calls[0].header("Authorization")
    auth_mock.assert_called(
        "/authorization", times=1, method="POST", form={"username": "demo", "password": "***"}
    )
    auth_mock.assert_called("/me", headers={"User-Agent": requests.utils.default_user_agent()})
    with pytest.raises(AssertionError, match="expected exactly 3 request"):
        auth_mock.assert_called("/me", times=3)


def test_a_fault_for_the_next_request(auth_mock, auth_token):
    auth_mock.set_fault(path="/me", status=503, times=1, body={"error": "temporarily_unavailable"})
    first = requests.get(auth_mock.url_for("/me"), headers=bearer(auth_token), timeout=TIMEOUT)
    second = requests.get(auth_mock.url_for("/me"), headers=bearer(auth_token), timeout=TIMEOUT)
    assert (first.status_code, second.status_code) == (503, 200)


def test_state_left_behind_1(auth_mock, auth_token):
    auth_mock.add_user("left-behind", "secret-1")
    auth_mock.set_fault(path="/me", status=500)
    auth_mock.advance(10 * TTL)


def test_state_left_behind_2_is_gone(auth_mock):
    users = requests.get(auth_mock.url_for("/_mock/users"), timeout=TIMEOUT).json()["users"]
    assert "left-behind" not in [user["username"] for user in users]
    assert auth_mock.calls() == []
    assert requests.get(auth_mock.url_for("/me"), timeout=TIMEOUT).status_code == 401  # no fault
    token = auth_mock.token()
    assert requests.get(auth_mock.url_for("/me"), headers=bearer(token), timeout=TIMEOUT).status_code == 200


def test_a_failed_journal_assertion_lists_what_came(auth_mock, auth_token):
    requests.get(auth_mock.url_for("/accounts"), headers=bearer(auth_token), timeout=TIMEOUT)
    auth_mock.assert_called("/payments", method="GET")
