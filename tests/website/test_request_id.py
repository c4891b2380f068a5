"""A request id per request: echoed in X-Request-ID and on every JSON log line."""

import json
import logging

from website import request_id


def test_every_response_carries_a_fresh_request_id(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert first and second and first != second


def test_a_safe_incoming_id_is_kept_and_an_unsafe_one_replaced(client):
    assert client.get("/healthz", HTTP_X_REQUEST_ID="proxy-1234.ab_C")["X-Request-ID"] == (
        "proxy-1234.ab_C"
    )
    for unsafe in ["a b", "x" * 65, "<script>", "line\nbreak", ""]:
        answered = client.get("/healthz", HTTP_X_REQUEST_ID=unsafe)["X-Request-ID"]
        assert answered != unsafe and request_id.SAFE_ID.fullmatch(answered)


def log_line(message: str, **extra) -> dict:
    record = logging.LogRecord("brug.test", logging.WARNING, __file__, 1, message, (), None)
    for name, value in extra.items():
        setattr(record, name, value)
    request_id.RequestIdFilter().filter(record)
    return json.loads(request_id.JsonFormatter().format(record))


def test_log_lines_are_json_with_the_current_request_id():
    token = request_id.current.set("abc123")
    try:
        line = log_line('said "hello"\non two lines')
    finally:
        request_id.current.reset(token)
    assert line["request_id"] == "abc123"
    assert line["level"] == "WARNING" and line["logger"] == "brug.test"
    assert line["message"] == 'said "hello"\non two lines'
    assert log_line("outside a request")["request_id"] == "-"
