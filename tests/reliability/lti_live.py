"""LTI launches over HTTP against a live server (or a load balancer in front of several): the
login, the test platform's authorisation answer, the launch; then the learner signed in."""

from __future__ import annotations

import html
import re

import requests

from tests.lti.platform import TestPlatform

TIMEOUT = 30


def launch(
    base_url: str, platform: TestPlatform, login_hint: str
) -> tuple[requests.Session, requests.Response]:
    """A browser's way through an LTI launch for the user `login_hint` names on the platform
    (`platform.login_hints`): the signed-in session and the page it landed on."""
    browser = requests.Session()
    authorised = browser.get(
        base_url + "/lti/login/",
        params={
            "iss": platform.issuer,
            "login_hint": login_hint,
            "target_link_uri": f"{base_url}/lti/launch/",
            "client_id": platform.client_id,
            "lti_deployment_id": platform.deployment_id,
            "lti1p3_new_window": "1",  # past the frame's cookie check
        },
        timeout=TIMEOUT,
    )
    # The platform answers with a self-posting form (its id_token and the state).
    form = dict(re.findall(r"name='(id_token|state)' value='([^']*)'", authorised.text))
    action = re.search(r"action='([^']+)'", authorised.text).group(1)
    landed = browser.post(html.unescape(action), data=form, timeout=TIMEOUT)
    return browser, landed
