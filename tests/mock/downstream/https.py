"""A downstream test of a mock served over HTTPS (its settings say `tls = true`)."""

import requests


def test_the_mock_serves_https_under_the_ca_it_hands_over(auth_mock, auth_token):
    assert auth_mock.url.startswith("https://")
    me = requests.get(
        auth_mock.url_for("/me"),
        headers={"Authorization": f"Bearer {auth_token}"},
        verify=auth_mock.ca_bundle,
        timeout=5,
    )
    assert me.status_code == 200
