"""A concurrent load run that proves nothing acknowledged is lost (issue 9).

    .venv/bin/python -m bench.load.run --profile sqlite-demo --clients 16 --seconds 180
    .venv/bin/python -m bench.load.run --profile gunicorn-postgres --clients 16 --seconds 180

Each run starts from a fresh database with the demo (``twincity migrate`` + ``twincity load_demo``): a
SQLite file in a temporary directory served like ``make demo`` (``twincity runserver --noreload``, DEBUG
on), or the PostgreSQL database ``twincity_load`` (dropped and created again) served by gunicorn with
sync workers and DEBUG off. The server listens on 127.0.0.1 only and is stopped by the pid it wrote.

N client threads, each a demo persona (office, tf-coord, lj-coord, tf-unit, lj-unit, leader in turn),
mix reads (matter list with filters, matter detail, the dashboard page, meeting sessions, joint
requests) with writes (matter edits with If-Match, re-read and retried once on 409; progress reports;
milestones added and closed; feedback on meeting actions; joint-request edits). Most writes aim at a hot
set of five matters so that the races are real. Every request goes into the ledger (``ledger.py``); at
the end the stored state is read from the database and the verdict printed: server errors, lost
writes, versions going backwards. The JSON result goes to ``bench/results/``. Exit status 1 if the
verdict fails.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.client
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict
from pathlib import Path
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.load.ledger import Entry, Final, errors_by_endpoint, verdict  # noqa: E402

BIN = ROOT / ".venv" / "bin"
RESULTS = ROOT / "bench" / "results"
PERSONAS = ("office", "tf-coord", "lj-coord", "tf-unit", "lj-unit", "leader")
TOKEN_SCHEME = "Token"  # the Authorization scheme of the tokens ``helper.issue_token`` hands out
PG_DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/twincity_load"
HOT = 5
REQUEST_TIMEOUT = 60


# ------------------------------------------------------------------------------------------ the server


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def profile_env(profile: str, workdir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TWINCITY_") and k != "DATABASE_URL"}
    env["PYTHONPATH"] = str(ROOT)
    env["TWINCITY_DATA_DIR"] = str(workdir)
    if profile == "sqlite-demo":
        env["DATABASE_URL"] = f"sqlite:///{workdir / 'twincity.sqlite3'}"
        env["DJANGO_SETTINGS_MODULE"] = "twincity.settings"  # as `make demo`: DEBUG on, locmem cache
    else:
        env["DATABASE_URL"] = postgres_url()
        # The production settings over plain http on 127.0.0.1 (DEBUG off, manifest static files).
        env["DJANGO_SETTINGS_MODULE"] = "bench.web.settings"
        env["TWINCITY_STATIC_ROOT"] = str(workdir / "static")
    return env


def run_checked(command: list[str], env: dict[str, str], *, stdin: str | None = None, timeout: int = 900) -> str:
    done = subprocess.run(command, env=env, input=stdin, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done.stdout


def postgres_url() -> str:
    """``DATABASE_URL`` if it names a PostgreSQL database, else ``twincity_load`` on 127.0.0.1."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        url = PG_DEFAULT_URL
    if "load" not in url.rsplit("/", 1)[1]:
        raise SystemExit(f"{url}: the run drops and creates this database again, so its name must contain 'load'")
    return url


def fresh_postgres(url: str) -> None:
    import psycopg
    from psycopg import sql

    base, name = url.replace("postgres://", "postgresql://", 1).rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def prepare(profile: str, env: dict[str, str]) -> None:
    if profile == "gunicorn-postgres":
        fresh_postgres(env["DATABASE_URL"])
    twincity = str(BIN / "twincity")
    run_checked([twincity, "migrate", "--no-input"], env)
    run_checked([twincity, "load_demo"], env)
    if profile == "gunicorn-postgres":
        run_checked([twincity, "collectstatic", "--no-input"], env)


def server_command(profile: str, port: int, workers: int) -> str:
    if profile == "sqlite-demo":
        return f"exec {BIN / 'twincity'} runserver 127.0.0.1:{port} --noreload"
    return (
        f"exec {BIN / 'gunicorn'} twincity.wsgi:application --bind 127.0.0.1:{port} --workers {workers} "
        f"--no-control-socket --chdir {ROOT} --timeout 120"
    )


class Server:
    def __init__(self, profile: str, port: int, workers: int, env: dict[str, str], workdir: Path):
        self.pidfile = workdir / "server.pid"
        self.logpath = workdir / "server.log"
        log = open(self.logpath, "w")  # noqa: SIM115 (handed to the server, which outlives this call)
        command = f"echo $$ > {self.pidfile}; {server_command(profile, port, workers)}"
        self.process = subprocess.Popen(["bash", "-c", command], stdout=log, stderr=subprocess.STDOUT, env=env)
        self.port = port

    def wait_until_answering(self, seconds: int = 90) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"the server exited; see {self.logpath}:\n{self.logpath.read_text()[-2000:]}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", "/api/")
                connection.getresponse().read()
                connection.close()
                return
            except OSError:
                # Not listening yet: wait for the process to change state or for a short while, then ask again.
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self.process.wait(timeout=0.3)
        self.stop()
        raise SystemExit(f"the server did not answer within {seconds} s")

    def stop(self) -> None:
        if not self.pidfile.exists():
            return
        pid = int(self.pidfile.read_text().strip())
        try:
            os.kill(pid, signal.SIGTERM)
            self.process.wait(timeout=30)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.kill(pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self.pidfile.unlink(missing_ok=True)

    def errors_in_log(self) -> dict[str, int]:
        """The exceptions the server logged, counted once per traceback (its last line; a cause that
        another exception chains is not counted again)."""
        counts: dict[str, int] = {}
        pattern = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception)): (.*)$")
        lines = [line.strip() for line in self.logpath.read_text(errors="replace").splitlines() if line.strip()]
        for i, line in enumerate(lines):
            match = pattern.match(line)
            chained = i + 1 < len(lines) and lines[i + 1].startswith(("The above exception", "During handling"))
            if match and not chained:
                key = f"{match.group(1)}: {match.group(2)[:160]}"
                counts[key] = counts.get(key, 0) + 1
        return counts


# ------------------------------------------------------------------------------------------ the clients


def shape(path: str) -> str:
    """``/api/matters/12/?x=1`` → ``/api/matters/{id}/``: errors are grouped by endpoint."""
    return re.sub(r"/\d+(?=/|$)", "/{id}", path.split("?", 1)[0])


def error_message(status: int, content_type: str, body: bytes) -> str:
    """What went wrong, in one line: the exception and its message when DEBUG shows them."""
    text = body.decode("utf-8", "replace")
    if "json" in content_type:
        return text[:300]
    value = re.search(r'<pre class="exception_value">(.*?)</pre>', text, re.S)
    title = re.search(r"<title>(.*?)</title>", text, re.S)
    if title and value:  # DEBUG's HTML page
        return f"{re.sub(r'\s+at\s+/\S*$', '', title.group(1).strip())}: {value.group(1).strip()}"[:300]
    lines = text.splitlines()
    if len(lines) > 1 and re.match(r"^[\w.]+ at /", lines[0]):  # DEBUG's plain-text page (API clients)
        return f"{lines[0].split(' at /', 1)[0]}: {lines[1].strip()}"[:300]
    return " ".join(text.split())[:200]


class Shared:
    """What the clients share: the ledger, the milestones added during the run, a few markers."""

    def __init__(self):
        self.lock = threading.Lock()
        self.entries: list[Entry] = []
        self.new_milestones: list[tuple[int, int, int]] = []  # (milestone, matter, side)
        self.counter = 0
        self.crashes: list[str] = []

    def add(self, entry: Entry) -> None:
        with self.lock:
            self.entries.append(entry)

    def marker(self, client: int) -> str:
        with self.lock:
            self.counter += 1
            return f"负载 c{client}-{self.counter}"


class Client(threading.Thread):
    def __init__(self, number: int, persona: str, plan: dict, port: int, deadline: float, hot: list[int], shared):
        super().__init__(name=f"client-{number}", daemon=True)
        self.number, self.persona, self.port, self.deadline = number, persona, port, deadline
        self.plan, self.mine = plan, plan["personas"][persona]
        self.hot, self.shared = hot, shared
        self.rng = random.Random(number)
        self.sides = {int(k): v for k, v in plan["sides"].items()}
        self.report_pairs = {tuple(p) for p in self.mine["report"]}

    # --- one request, into the ledger

    def call(self, op: str, method: str, path: str, body: dict | None = None, *, kind: str | None = None, **extra):
        headers = {"Accept": "application/json"}
        if path.startswith("/api/"):
            headers["Authorization"] = f"{TOKEN_SCHEME} {self.mine['token']}"
        else:
            headers["Cookie"] = f"{self.plan['session_cookie']}={self.mine['session']}"
            headers["Accept"] = "text/html"
        headers.update(extra.pop("headers", {}))
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        entry = Entry(self.number, op, method, shape(path), time.monotonic(), 0.0, 0)
        data = None
        try:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)
            connection.request(method, path, body=payload, headers=headers)
            response = connection.getresponse()
            raw = response.read()
            connection.close()
            entry.end, entry.status = time.monotonic(), response.status
            content_type = response.getheader("Content-Type", "")
            if "json" in content_type and raw:
                data = json.loads(raw)
            if entry.status >= 400:
                entry.message = error_message(entry.status, content_type, raw)
        except (OSError, http.client.HTTPException) as exc:
            entry.end, entry.message = time.monotonic(), f"{type(exc).__name__}: {exc}"
        if entry.ok and kind and isinstance(data, dict) and "version" in data and "id" in data:
            entry.obj, entry.version = (kind, data["id"]), data["version"]
        for name, value in extra.items():
            setattr(entry, name, value)
        self.shared.add(entry)
        return entry, data

    # --- choosing what to work on

    def pick_matter(self, candidates: list[int]) -> int | None:
        if not candidates:
            return None
        hot = [m for m in candidates if m in self.hot]
        if hot and self.rng.random() < 0.7:
            return self.rng.choice(hot)
        return self.rng.choice(candidates)

    def ops(self) -> list[tuple[float, callable]]:
        ops = [
            (3, self.read_list),
            (4, self.read_matter),
            (1, self.read_dashboard),
            (1, self.read_meetings),
            (1, self.read_register),
        ]
        if self.mine["edit"]:
            ops += [(3, self.edit_matter), (1, self.add_milestone)]
        if self.mine["report"]:
            ops += [(3, self.file_report), (1, self.close_milestone)]
        if self.mine["actions"]:
            ops.append((1, self.feed_back))
        if self.mine["petitions"]:
            ops.append((1, self.edit_petition))
        return ops

    def run(self) -> None:
        ops = self.ops()
        weights = [w for w, _op in ops]
        while time.monotonic() < self.deadline:
            (op,) = self.rng.choices([op for _w, op in ops], weights=weights)
            try:
                op()
            except Exception as exc:  # an answer the client did not expect: reported, and the run fails
                with self.shared.lock:
                    self.shared.crashes.append(f"client {self.number} {op.__name__}: {exc!r}")

    # --- reads

    def read_list(self) -> None:
        query = {"partnership": self.plan["partnership"], "year": self.plan["year"], "limit": 20}
        query.update(self.rng.choice([{"status": "in_progress"}, {"light": "red"}, {"ordering": "-due_date"}, {}]))
        self.call("matter list", "GET", f"/api/matters/?{urlencode(query)}")

    def read_matter(self) -> None:
        matter = self.pick_matter(self.plan["matters"])
        self.call("read matter", "GET", f"/api/matters/{matter}/", kind="matter")

    def read_dashboard(self) -> None:
        self.call("dashboard", "GET", f"/p/{self.plan['partnership']}/")

    def read_meetings(self) -> None:
        self.call("meeting list", "GET", f"/api/sessions/?partnership={self.plan['partnership']}&limit=20")

    def read_register(self) -> None:
        self.call("register list", "GET", f"/api/petitions/?partnership={self.plan['partnership']}&limit=20")

    # --- writes

    def versioned_edit(self, op: str, kind: str, path: str, fields: dict, *, write: tuple[str, str] | None = None):
        """GET ``path``, then write (PATCH ``path``, or ``write`` = (method, path)) with If-Match; on 409 read
        again and retry once."""
        method, target = write or ("PATCH", path)
        for _attempt in range(2):
            entry, data = self.call(f"read {kind}", "GET", path, kind=kind)
            if not entry.ok:
                return
            if kind == "milestone" and data.get("done_date"):
                return  # closed meanwhile: nothing to do
            headers = {"If-Match": f'"{data["version"]}"'}
            entry, _data = self.call(
                op, method, target, fields, kind=kind, headers=headers, fields=dict(fields), wrote=data["version"] + 1
            )
            if entry.status != 409:
                return

    def edit_matter(self) -> None:
        matter = self.pick_matter(self.mine["edit"])
        name = self.rng.choice(["title", "description"])
        self.versioned_edit("edit matter", "matter", f"/api/matters/{matter}/", {name: self.shared.marker(self.number)})

    def edit_petition(self) -> None:
        petition = self.rng.choice(self.mine["petitions"])
        note = self.shared.marker(self.number)
        self.versioned_edit("edit request", "petition", f"/api/petitions/{petition}/", {"note": note})

    def file_report(self) -> None:
        matter = self.pick_matter(sorted({m for m, _s in self.report_pairs}))
        side = self.rng.choice([s for m, s in self.report_pairs if m == matter])
        body = {
            "matter": matter,
            "side": side,
            "period": f"{self.plan['year']}-{self.rng.randint(1, 12):02d}",
            "text": self.shared.marker(self.number),
            "percent_complete": self.rng.randint(5, 95),
        }
        entry, data = self.call("file report", "POST", "/api/progress-reports/", body)
        if entry.ok and isinstance(data, dict):
            entry.created = ("report", data["id"])
            entry.content = {k: body[k] for k in ("matter", "side", "text", "percent_complete")} | {"archived": False}

    def add_milestone(self) -> None:
        matter = self.pick_matter(self.mine["edit"])
        side = self.rng.choice(self.sides[matter])
        due = office_today() + dt.timedelta(days=self.rng.randint(10, 90))
        body = {"matter": matter, "side": side, "title": self.shared.marker(self.number), "due_date": due.isoformat()}
        entry, data = self.call("add milestone", "POST", "/api/milestones/", body, kind="milestone")
        if entry.ok and isinstance(data, dict):
            entry.created = ("milestone", data["id"])
            entry.content = {"title": body["title"], "matter": matter, "side": side}
            with self.shared.lock:
                self.shared.new_milestones.append((data["id"], matter, side))

    def close_milestone(self) -> None:
        with self.shared.lock:
            added = [m for m, matter, side in self.shared.new_milestones if (matter, side) in self.report_pairs]
        pool = self.mine["milestones"] + added
        if not pool:
            return
        milestone = self.rng.choice(pool)
        fields = {"done_date": office_today().isoformat(), "evidence": self.shared.marker(self.number)}
        path = f"/api/milestones/{milestone}/"
        self.versioned_edit("close milestone", "milestone", path, fields, write=("POST", path + "close/"))

    def feed_back(self) -> None:
        action = self.rng.choice(self.mine["actions"])
        text = self.shared.marker(self.number)
        entry, data = self.call("action feedback", "POST", f"/api/actions/{action}/feedback/", {"text": text},
                                kind="action")  # fmt: skip
        if entry.ok and isinstance(data, dict):
            mine = [u for u in data.get("updates", []) if u.get("text") == text]
            if mine:
                entry.created = ("action-update", mine[0]["id"])
                entry.content = {"action": action, "text": text}


# ------------------------------------------------------------------------------------------ the run


def hot_matters(plan: dict, size: int = HOT) -> list[int]:
    """The matters the most personas may write to (edit or report): where the races happen."""
    reach: dict[int, int] = {}
    for mine in plan["personas"].values():
        for matter in set(mine["edit"]) | {m for m, _s in mine["report"]}:
            reach[matter] = reach.get(matter, 0) + 1
    return sorted(reach, key=lambda m: (-reach[m], m))[:size]


def final_state(entries: list[Entry], env: dict[str, str]) -> Final:
    wanted: dict[str, set[int]] = {}
    for e in entries:
        for key in (e.obj, e.created):
            if key is not None:
                wanted.setdefault(key[0], set()).add(key[1])
    request = json.dumps({k: sorted(v) for k, v in wanted.items()})
    answer = json.loads(run_checked([str(BIN / "python"), "-m", "bench.load.helper", "final"], env, stdin=request))
    final = Final()
    for kind, pk, values in answer["objects"]:
        final.objects[(kind, pk)] = values
    for kind, pk, values in answer["created"]:
        final.created[(kind, pk)] = values
    return final


def machine(env: dict[str, str], profile: str) -> dict:
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "?")
    info = {"nproc": os.cpu_count(), "cpu": cpu, "python": platform.python_version(), "os": platform.platform()}
    versions = run_checked(
        [
            str(BIN / "python"),
            "-c",
            "import django, sqlite3; from django.db import connection; django.setup(); "
            "print(django.get_version(), sqlite3.sqlite_version, connection.vendor, "
            "connection.cursor().connection.info.server_version if connection.vendor == 'postgresql' else '-')",
        ],
        env,
    ).split()
    info.update(django=versions[0], sqlite=versions[1], database=versions[2])
    if profile == "gunicorn-postgres":
        info["postgresql"] = f"{int(versions[3]) // 10000}.{int(versions[3]) % 100}"
        gunicorn = subprocess.run([str(BIN / "gunicorn"), "--version"], capture_output=True, text=True)
        info["gunicorn"] = gunicorn.stdout.strip()
    return info


def git_commit() -> str:
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT)
    dirty = subprocess.run(["git", "status", "--porcelain", "src"], capture_output=True, text=True, cwd=ROOT).stdout
    return done.stdout.strip() + ("+dirty src" if dirty.strip() else "")


def _on_objects(findings: list[dict]) -> str:
    objects = {tuple(f["object"] or f.get("what", [])[:2]) for f in findings}
    return f" (on {len(objects)} object{'s' if len(objects) > 1 else ''})" if objects else ""


def summary(result: dict) -> str:
    v = result["verdict"]
    lat = v["latency_ms"]
    rows = [
        ("requests", v["requests"]),
        ("reads / writes", f"{v['reads']} / {v['writes']}"),
        ("writes acknowledged (2xx)", v["acknowledged"]),
        ("conflicts (409: expected, fine)", v["conflicts"]),
        ("refused (other 4xx)", v["refused"]),
        ("server errors (≥ 500)", len(v["server_errors"])),
        ("no answer (connection failed or timed out)", len(v["no_answer"])),
        ("lost writes", f"{len(v['lost'])}{_on_objects(v['lost'])}"),
        ("versions backwards", f"{len(v['backwards'])}{_on_objects(v['backwards'])}"),
        ("read latency p50 / p95 ms", f"{lat['read']['p50']} / {lat['read']['p95']}"),
        ("write latency p50 / p95 ms", f"{lat['write']['p50']} / {lat['write']['p95']}"),
    ]
    lines = [f"| {result['profile']}, {result['clients']} clients × {result['seconds']} s | |", "|---|---:|"]
    lines += [f"| {name} | {value} |" for name, value in rows]
    lines.append(f"| verdict | {'PASS' if v['passed'] else 'FAIL'} |")
    text = "\n".join(lines)
    if result["errors_by_endpoint"]:
        text += "\n\nServer errors by endpoint:\n" + "\n".join(
            f"  {endpoint}: {count} × {label}"
            for endpoint, labels in result["errors_by_endpoint"].items()
            for label, count in labels.items()
        )
    if result["server_log_errors"]:
        text += "\n\nExceptions in the server log (one handler or two may log each):\n" + "\n".join(
            f"  {count} × {line}" for line, count in sorted(result["server_log_errors"].items(), key=lambda i: -i[1])
        )
    for name in ("lost", "backwards"):
        if v[name]:
            text += f"\n\nFirst {name} (of {len(v[name])}):\n" + "\n".join(
                "  " + json.dumps(item, ensure_ascii=False) for item in v[name][:5]
            )
    return text


def office_today() -> dt.date:
    """The office's date, as the server reckons it (settings.TIME_ZONE)."""
    return dt.datetime.now(ZoneInfo(os.environ.get("TWINCITY_TIME_ZONE", "Asia/Shanghai"))).date()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profile", choices=["sqlite-demo", "gunicorn-postgres"], default="sqlite-demo")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=int, default=180)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--hot", type=int, default=HOT, help="size of the hot set (1: every write races on one matter)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (SQLite file, media)")
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="twincity-load-"))
    env = profile_env(args.profile, workdir)
    print(f"{args.profile}: fresh database with the demo ({workdir}) …", flush=True)
    prepare(args.profile, env)
    plan = json.loads(
        run_checked(
            [str(BIN / "python"), "-m", "bench.load.helper", "plan"], env, stdin=json.dumps({"personas": PERSONAS})
        )
    )
    hot = hot_matters(plan, args.hot)
    port = args.port or free_port()
    server = Server(args.profile, port, args.workers, env, workdir)
    shared = Shared()
    load_before = os.getloadavg()
    try:
        server.wait_until_answering()
        print(f"server on 127.0.0.1:{port}; {args.clients} clients for {args.seconds} s; hot matters {hot}", flush=True)
        deadline = time.monotonic() + args.seconds
        clients = [
            Client(i, PERSONAS[i % len(PERSONAS)], plan, port, deadline, hot, shared) for i in range(args.clients)
        ]
        for client in clients:
            client.start()
        for client in clients:
            client.join(timeout=max(0.0, deadline - time.monotonic()) + 3 * REQUEST_TIMEOUT)
        stuck = [c.name for c in clients if c.is_alive()]
        load_after = os.getloadavg()
    finally:
        server.stop()
    if stuck:
        print(f"clients still waiting for an answer after the run: {stuck}", flush=True)
    entries = sorted(shared.entries, key=lambda e: e.start)
    final = final_state(entries, env)
    result_verdict = verdict(entries, final)
    result = {
        "profile": args.profile,
        "clients": args.clients,
        "seconds": args.seconds,
        "workers": args.workers if args.profile == "gunicorn-postgres" else None,
        "commit": git_commit(),
        "when": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "database": env["DATABASE_URL"],
        "command": "python -m bench.load.run " + " ".join(sys.argv[1:] if argv is None else argv),
        "machine": machine(env, args.profile) | {"load_before": load_before, "load_after": load_after},
        "hot_matters": hot,
        "ops": {op: sum(1 for e in entries if e.op == op) for op in sorted({e.op for e in entries})},
        "verdict": result_verdict.as_dict(),
        "errors_by_endpoint": errors_by_endpoint(result_verdict.server_errors + result_verdict.no_answer),
        "server_log_errors": server.errors_in_log(),
        "stuck_clients": stuck,
        "client_crashes": shared.crashes,
    }
    text = summary(result)
    print()
    print(text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"load-{args.profile}-{dt.datetime.now(dt.UTC).astimezone():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    with out.with_suffix(".ledger.jsonl").open("w") as ledger_file:  # every answer, for a closer look
        for entry in entries:
            ledger_file.write(json.dumps(asdict(entry), ensure_ascii=False) + "\n")
    shutil.copyfile(server.logpath, out.with_suffix(".server.log"))
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"\nload average before/after: {load_before[0]:.1f} / {load_after[0]:.1f}; result: {out}")
    if shared.crashes:
        print(f"{len(shared.crashes)} client operations crashed (the run fails): {shared.crashes[:5]}")
    return 0 if result_verdict.passed and not shared.crashes and not stuck else 1


if __name__ == "__main__":
    sys.exit(main())
