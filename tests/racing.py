"""Requests sent at once from threads of their own, to race each other on a live server."""
import json
import threading
import urllib.error
import urllib.request


def send(url, body, token=None, method="POST"):
    """One JSON request; (status, JSON body of the answer), whatever the status."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Token {token}"
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def race(url, bodies, token=None, method="POST"):
    """Send every body at once from its own thread; the answers in body order."""
    return race_each([(url, body) for body in bodies], token, method)


def race_each(requests, token=None, method="POST"):
    """Send every (url, body) at once from its own thread; the answers in request order."""
    start, answers = threading.Barrier(len(requests)), [None] * len(requests)

    def run(index):
        start.wait()
        answers[index] = send(*requests[index], token, method)
    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers
