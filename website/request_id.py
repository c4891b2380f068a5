"""A request id on every log line and response, so that one request's lines can be found.

An incoming X-Request-ID (set by the reverse proxy) is kept when it is a short token of safe
characters, so the proxy's log and ours share it; anything else is replaced by a fresh id (a
client must not write arbitrary text into the log). The id is echoed in the response's
X-Request-ID header and set on every log record as `request_id` by RequestIdFilter."""

import contextvars
import json
import logging
import re
import uuid
from datetime import UTC, datetime

HEADER = "X-Request-ID"
SAFE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")

current = contextvars.ContextVar("request_id", default="-")


def request_id_for(incoming: str | None) -> str:
    return incoming if incoming and SAFE_ID.fullmatch(incoming) else uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_for(request.headers.get(HEADER))
        reset = current.set(request.request_id)
        try:
            response = self.get_response(request)
        finally:
            current.reset(reset)
        response[HEADER] = request.request_id
        return response


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.request_id = current.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, request id, message (and the traceback)."""

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", current.get()),
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
