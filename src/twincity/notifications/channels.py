"""How one delivery leaves the system: e-mail through Django's mail (SMTP), or a group robot's webhook.

Each sender raises ``SendError`` when the message did not go: ``retry`` says whether trying again later may help
(the server was unreachable, busy, or asked us to slow down) or not (the address or the robot's signature was
refused). The robots answer HTTP 200 with an error code in the body, so the body is read, not only the status:

* WeCom 企业微信: ``{"msgtype": "markdown", "markdown": {"content": …}}``; answers ``{"errcode": 0}``; 45009 is
  its rate limit (20 messages a minute per robot).
* DingTalk 钉钉: the same markdown; the URL carries ``timestamp`` (ms) and ``sign``, the base64 HMAC-SHA256 of
  ``"{timestamp}\\n{secret}"`` keyed by the secret, URL-encoded; answers ``{"errcode": 0}``; 130101 / 660026 are
  "sending too fast" (20 a minute), 310000 a wrong signature.
* Feishu 飞书: ``{"timestamp", "sign", "msg_type": "text", "content": {"text": …}}`` where ``sign`` is the base64
  HMAC-SHA256 keyed by ``"{timestamp}\\n{secret}"`` of nothing; answers ``{"code": 0}`` (older:
  ``{"StatusCode": 0}``); 9499 / 11232 are its frequency limits, 19021 a wrong signature.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import smtplib
import time
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.core.mail import EmailMessage

from twincity.notifications.choices import DeliveryError, RobotKind


class SendError(Exception):
    def __init__(self, kind: str, detail: str, *, retry: bool):
        super().__init__(detail)
        self.kind = kind
        self.detail = detail[:2000]
        self.retry = retry


def absolute_url(path: str) -> str:
    if not path or path.startswith(("http://", "https://")):
        return path
    return getattr(settings, "TWINCITY_BASE_URL", "http://localhost:8000").rstrip("/") + path


# ------------------------------------------------------------------------------------------------ e-mail


def send_email(*, to: str, subject: str, body: str, url: str = "", attachments=()) -> None:
    if not to:
        raise SendError(DeliveryError.NO_ADDRESS, "no e-mail address", retry=False)
    prefix = getattr(settings, "TWINCITY_EMAIL_SUBJECT_PREFIX", "[双城办] ")
    text = f"{body}\n\n{absolute_url(url)}" if url else body
    email = EmailMessage(subject=f"{prefix}{subject}", body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[to])
    for name, content, mimetype in attachments:
        email.attach(name, base64.b64decode(content) if isinstance(content, str) else content, mimetype)
    try:
        email.send(fail_silently=False)
    except smtplib.SMTPRecipientsRefused as exc:
        raise SendError(DeliveryError.REFUSED, str(exc.recipients), retry=False) from exc
    except smtplib.SMTPResponseException as exc:
        detail = f"{exc.smtp_code} {exc.smtp_error!r}"
        # 4xx: try again later (greylisting, a full queue); 5xx: the server will not take it.
        permanent = 500 <= exc.smtp_code < 600
        raise SendError(
            DeliveryError.REFUSED if permanent else DeliveryError.SERVER_ERROR, detail, retry=not permanent
        ) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise SendError(DeliveryError.UNREACHABLE, f"{type(exc).__name__}: {exc}", retry=True) from exc


# ------------------------------------------------------------------------------------------------ robots


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest).decode())


def feishu_sign(secret: str, timestamp_s: int) -> str:
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


# Answers that mean "not now": rate limits and "system busy". Anything else non-zero is a refusal.
RETRYABLE = {
    RobotKind.WECOM: {-1, 45009, 45033},
    RobotKind.DINGTALK: {-1, 130101, 660026},
    RobotKind.FEISHU: {-1, 9499, 11232, 11233},
}
RATE_LIMITS = {45009, 130101, 660026, 9499, 11232, 11233}


def _markdown(subject: str, body: str, url: str) -> str:
    lines = [f"**{subject}**"]
    if body:
        lines.append(body)
    if url:
        lines.append(f"[{absolute_url(url)}]({absolute_url(url)})")
    return "\n\n".join(lines)


def robot_request(robot, *, subject: str, body: str, url: str = "", now: float | None = None):
    """The URL and JSON payload to post for ``robot`` (signed where its tool signs)."""
    now = time.time() if now is None else now
    address = robot.webhook_url
    if robot.kind == RobotKind.FEISHU:
        payload = {"msg_type": "text", "content": {"text": _markdown(subject, body, url).replace("**", "")}}
        if robot.secret:
            timestamp = int(now)
            payload = {"timestamp": str(timestamp), "sign": feishu_sign(robot.secret, timestamp), **payload}
        return address, payload
    if robot.kind == RobotKind.DINGTALK:
        payload = {"msgtype": "markdown", "markdown": {"title": subject, "text": _markdown(subject, body, url)}}
        if robot.secret:
            timestamp = int(now * 1000)
            joiner = "&" if "?" in address else "?"
            address = f"{address}{joiner}timestamp={timestamp}&sign={dingtalk_sign(robot.secret, timestamp)}"
        return address, payload
    return address, {"msgtype": "markdown", "markdown": {"content": _markdown(subject, body, url)}}


def _answer_code(kind: str, answer: dict) -> tuple[int, str]:
    if kind == RobotKind.FEISHU:
        code = answer.get("code", answer.get("StatusCode", 0))
        return int(code or 0), str(answer.get("msg", answer.get("StatusMessage", "")))
    return int(answer.get("errcode", 0) or 0), str(answer.get("errmsg", ""))


def send_robot(robot, *, subject: str, body: str, url: str = "") -> None:
    address, payload = robot_request(robot, subject=subject, body=body, url=url)
    request = urllib.request.Request(
        address,
        data=json.dumps(payload, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    timeout = getattr(settings, "TWINCITY_ROBOT_TIMEOUT", 10)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read(65536)
    except urllib.error.HTTPError as exc:
        detail = f"HTTP {exc.code}"
        if exc.code == 429:
            raise SendError(DeliveryError.RATE_LIMITED, detail, retry=True) from exc
        if exc.code >= 500:
            raise SendError(DeliveryError.SERVER_ERROR, detail, retry=True) from exc
        raise SendError(DeliveryError.REFUSED, detail, retry=False) from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise SendError(DeliveryError.UNREACHABLE, f"{type(exc).__name__}: {exc}", retry=True) from exc
    try:
        answer = json.loads(raw.decode() or "{}")
    except ValueError as exc:
        raise SendError(DeliveryError.SERVER_ERROR, raw[:500].decode(errors="replace"), retry=True) from exc
    code, message = _answer_code(robot.kind, answer if isinstance(answer, dict) else {})
    if code == 0:
        return
    detail = f"{code} {message}".strip()
    if code in RATE_LIMITS:
        raise SendError(DeliveryError.RATE_LIMITED, detail, retry=True)
    raise SendError(
        DeliveryError.SERVER_ERROR if code in RETRYABLE[robot.kind] else DeliveryError.REFUSED,
        detail,
        retry=code in RETRYABLE[robot.kind],
    )
