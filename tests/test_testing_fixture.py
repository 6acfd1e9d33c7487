"""The fixture that test labs import (argus_lite.testing) serves a real argus_lite over HTTP."""
import json
import urllib.request



def get(url, token):
    request = urllib.request.Request(url, headers={"Authorization": f"Token {token}"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return answer.status, json.loads(answer.read())


def test_live_server_answers_with_both_tokens(argus_server):
    status, me = get(f"{argus_server.api_url}/auth/user/", argus_server.admin_token)
    assert status == 200 and me["username"] == "admin"
    status, source_user = get(f"{argus_server.api_url}/auth/user/", argus_server.source_token)
    assert status == 200 and source_user["username"] == "lab-source"
    assert argus_server.source_pk > 0
