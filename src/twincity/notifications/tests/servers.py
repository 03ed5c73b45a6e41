"""Real servers for the delivery tests: an SMTP server (aiosmtpd) and an HTTP server answering as WeCom, DingTalk
and Feishu robots do, started on 127.0.0.1 by the test. Nothing is mocked: the code under test opens sockets."""

from __future__ import annotations

import base64
import email
import email.policy
import hashlib
import hmac
import json
import socket
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.arrived = threading.Condition()
        self.refuse_next = 0  # answer 451 (try again later) to this many messages

    async def handle_DATA(self, server, session, envelope):
        with self.arrived:
            if self.refuse_next:
                self.refuse_next -= 1
                return "451 Try again later"
            self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
            self.arrived.notify_all()
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 10) -> list:
        with self.arrived:
            assert self.arrived.wait_for(lambda: len(self.messages) >= count, timeout=timeout), self.messages
        return self.messages

    def to(self, address: str) -> list:
        return [m for m in self.messages if m["To"] == address]


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.TWINCITY_BASE_URL = "https://twincity.example.gov.cn"
    yield inbox
    controller.stop()


class RobotServer:
    """Answers at ``/wecom/<name>``, ``/dingtalk/<name>``, ``/feishu/<name>`` as those robots do.

    ``secrets[path]`` makes it check the signature (a wrong one is answered with the tool's error);
    ``script[path]`` is a list of error answers to give first (then it answers success); ``per_minute`` rate
    limits each path as DingTalk does (20 a minute). ``received[path]`` records the accepted messages."""

    ERRORS = {
        "wecom": {"rate": {"errcode": 45009, "errmsg": "api freq out of limit"}, "busy": {"errcode": -1}},
        "dingtalk": {
            "rate": {"errcode": 660026, "errmsg": "send too fast, exceed 20 times per minute"},
            "sign": {"errcode": 310000, "errmsg": "sign not match"},
            "busy": {"errcode": -1, "errmsg": "system busy"},
        },
        "feishu": {
            "rate": {"code": 11232, "msg": "frequency limited"},
            "sign": {"code": 19021, "msg": "sign match fail or timestamp is not within one hour from current time"},
            "busy": {"code": -1, "msg": "system busy"},
        },
    }
    OK = {"wecom": {"errcode": 0, "errmsg": "ok"}, "dingtalk": {"errcode": 0, "errmsg": "ok"}, "feishu": {"code": 0}}

    def __init__(self):
        self.received: dict[str, list] = {}
        self.requests: list[tuple[str, dict]] = []
        self.secrets: dict[str, str] = {}
        self.script: dict[str, list] = {}
        self.per_minute: int | None = None
        self.times: dict[str, list[float]] = {}
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                parsed = urllib.parse.urlsplit(self.path)
                status, answer = server.answer(parsed.path, urllib.parse.parse_qs(parsed.query), json.loads(raw))
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return self.base + path

    def _signed(self, tool: str, path: str, query: dict, payload: dict) -> bool:
        secret = self.secrets.get(path)
        if not secret:
            return True
        if tool == "dingtalk":
            timestamp, sign = query.get("timestamp", [""])[0], query.get("sign", [""])[0]
            digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
            fresh = timestamp.isdigit() and abs(time.time() * 1000 - int(timestamp)) < 3600_000
            return fresh and sign == base64.b64encode(digest).decode()  # parse_qs has unquoted it
        timestamp = str(payload.get("timestamp", ""))
        digest = hmac.new(f"{timestamp}\n{secret}".encode(), b"", hashlib.sha256).digest()
        fresh = timestamp.isdigit() and abs(time.time() - int(timestamp)) < 3600
        return fresh and payload.get("sign") == base64.b64encode(digest).decode()

    def answer(self, path: str, query: dict, payload: dict) -> tuple[int, dict]:
        tool = path.strip("/").split("/")[0]
        with self.lock:
            self.requests.append((path, payload))
            if not self._signed(tool, path, query, payload):
                return 200, self.ERRORS[tool]["sign"]
            script = self.script.get(path) or []
            if script:
                step = script.pop(0)
                return (step, {}) if isinstance(step, int) else (200, self.ERRORS[tool][step])
            if self.per_minute is not None:
                now = time.monotonic()
                recent = [t for t in self.times.get(path, []) if now - t < 60]
                if len(recent) >= self.per_minute:
                    self.times[path] = recent
                    return 200, self.ERRORS[tool]["rate"]
                self.times[path] = [*recent, now]
            self.received.setdefault(path, []).append(payload)
            return 200, self.OK[tool]


@pytest.fixture
def robots():
    server = RobotServer()
    server.thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()
