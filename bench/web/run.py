"""Load the dashboard, the matter list and the API list under 16 concurrent clients, next to a minimal view.

    .venv/bin/python bench/web/generate.py      # once: the large partnership (see generate.py)
    .venv/bin/python bench/web/run.py           # gunicorn + wrk, prints a Markdown table

gunicorn serves ``twincity.wsgi`` with ``bench.web.settings`` (the production settings over plain http,
plus ``/bench/minimal``: one trivial query through the same middleware). ``wrk`` drives each URL with
``--connections`` clients for ``--duration`` seconds after a short warm-up, as the office admin
``bench-office`` (session cookie for the pages, token for the API). Every URL is first fetched once to
make sure it answers 200 (not a redirect to the sign-in page), and rendered once in-process to count
its SQL queries. Traffic goes to 127.0.0.1 only; gunicorn is stopped by the pid it wrote itself.

The ratio column is each URL's median latency over the minimal view's median in the same run: the
target of issue 2 is at most 5 for the dashboard and the lists.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/twincity_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.web.settings")
OUT = ROOT / "var" / "bench-web"
SEARCH_WORD = "数据中心"


def urls(partnership_pk: int) -> list[tuple[str, str, str]]:
    """(label, path, auth) for every measured URL, in the order they run; the minimal view runs first and last."""
    p = partnership_pk
    return [
        ("minimal view", "/bench/minimal", "session"),
        ("minimal view, signed in", "/bench/minimal-signed-in", "session"),
        ("dashboard", f"/p/{p}/", "session"),
        ("list, filtered", f"/matters/?partnership={p}&year=2026&status=in_progress", "session"),
        ("list, text search", f"/matters/?partnership={p}&q={quote(SEARCH_WORD)}", "session"),
        ("API list", f"/api/matters/?partnership={p}&limit=50", "token"),
        ("minimal view (again)", "/bench/minimal", "session"),
    ]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url: str, headers: dict[str, str]) -> tuple[int, int]:
    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers=headers)
    try:
        with opener.open(request, timeout=120) as response:
            return response.status, len(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, 0


def machine() -> dict[str, str]:
    from django import get_version
    from django.db import connection

    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "?")
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    mem_kb = next(int(line.split()[1]) for line in meminfo if line.startswith("MemTotal"))
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    gunicorn = subprocess.run([str(ROOT / ".venv" / "bin" / "gunicorn"), "--version"], capture_output=True, text=True)
    return {
        "cpus": str(os.cpu_count()),
        "cpu": cpu,
        "ram": f"{mem_kb / 1024 / 1024:.1f} GiB",
        "os": platform.platform(),
        "postgresql": pg,
        "python": platform.python_version(),
        "django": get_version(),
        "gunicorn": gunicorn.stdout.strip() or gunicorn.stderr.strip(),
        "wrk": (wrk.stdout or wrk.stderr).splitlines()[0] if (wrk.stdout or wrk.stderr) else "?",
    }


def data_sizes() -> dict[str, int]:
    from twincity.matters.models import Matter, MatterOwner, MatterSide, Milestone, ProgressReport
    from twincity.regions.models import Organisation, PartnershipRegion

    return {
        "member regions": PartnershipRegion.objects.count(),
        "organisations": Organisation.objects.count(),
        "matters": Matter.objects.count(),
        "matter sides": MatterSide.objects.count(),
        "owning units": MatterOwner.objects.count(),
        "milestones": Milestone.objects.count(),
        "progress reports": ProgressReport.objects.count(),
    }


def credentials():
    """A session for ``bench-office`` (as a sign-in would create it) and its API token."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore

    from twincity.accounts.models import ApiToken

    user = get_user_model().objects.get(username="bench-office")
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "twincity.accounts.signin.CountedModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    _token, key = ApiToken.issue(user)
    return user, session.session_key, key


def count_queries(path: str, headers: dict[str, str]) -> tuple[int, int]:
    """(status, number of SQL queries) for one in-process request through the full middleware stack."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(headers=headers)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    return response.status_code, len(captured.captured_queries)


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)([a-z]+)", text).groups()
    return float(number) * UNITS[unit]


def parse_wrk(output: str) -> dict:
    result: dict = {}
    for pct, value in re.findall(r"^\s+(50|75|90|99)%\s+(\S+)\s*$", output, re.M):
        result[f"p{pct}"] = _ms(value)
    result["rps"] = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    match = re.search(r"(\d+) requests in ([\d.]+)(\w+)", output)
    result["requests"] = int(match.group(1))
    errors = re.search(r"Socket errors: (.*)", output)
    result["socket_errors"] = errors.group(1) if errors else ""
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    result["non_2xx"] = int(non2xx.group(1)) if non2xx else 0
    return result


def wrk(url: str, header: str, *, seconds: int, connections: int, threads: int) -> str:
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "60s",  # wrk's default (2 s) drops slower requests from the latency figures
        "--latency",
        "-H",
        header,
        url,
    ]
    return subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 90).stdout


def free_port(port: int) -> int:
    """``port`` if nothing listens on it (0: any free port), so that the load never reaches another server."""
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            raise SystemExit(f"port {port} is in use") from None
        return probe.getsockname()[1]


def start_gunicorn(port: int, workers: int) -> tuple[subprocess.Popen, Path]:
    OUT.mkdir(parents=True, exist_ok=True)
    pidfile = OUT / "gunicorn.pid"
    log = open(OUT / "gunicorn.log", "w")  # noqa: SIM115 (handed to the server process, which outlives this call)
    gunicorn = ROOT / ".venv" / "bin" / "gunicorn"
    command = (
        f"echo $$ > {pidfile}; exec {gunicorn} twincity.wsgi:application --bind 127.0.0.1:{port} "
        f"--workers {workers} --no-control-socket --chdir {ROOT} --timeout 120"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(["bash", "-c", command], stdout=log, stderr=subprocess.STDOUT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if fetch(f"http://127.0.0.1:{port}/bench/minimal", {})[0] == 200:
                return process, pidfile
        except OSError:
            pass
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited; see {OUT / 'gunicorn.log'}")
        time.sleep(0.5)  # polling interval while waiting for the server to answer (bounded by the deadline)
    stop_gunicorn(process, pidfile)
    raise SystemExit("gunicorn did not answer within 60 s")


def stop_gunicorn(process: subprocess.Popen, pidfile: Path) -> None:
    pid = int(pidfile.read_text().strip())
    os.kill(pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.kill(pid, signal.SIGKILL)
        process.wait(timeout=10)
    pidfile.unlink(missing_ok=True)


def table(rows: list[dict], baseline: float) -> str:
    lines = [
        "| URL | median ms | p90 ms | p99 ms | req/s | median ÷ minimal | SQL queries | bytes | load avg |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    lines.extend(
        f"| {r['label']}<br>`{r['path']}` | {r['p50']:.1f} | {r['p90']:.1f} | {r['p99']:.1f} | {r['rps']:.1f} "
        f"| {r['p50'] / baseline:.1f}× | {r['queries']} | {r['bytes']:,} | {r['load']:.1f} |"
        for r in rows
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=30, help="seconds of load per URL")
    parser.add_argument("--warmup", type=int, default=5, help="seconds of unrecorded load per URL first")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--only", help="run only URLs whose label contains this (plus the minimal view)")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install -y wrk")

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from twincity.regions.models import Partnership

    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        print("collectstatic (once) …", flush=True)
        call_command("collectstatic", interactive=False, verbosity=0)
    partnership = Partnership.objects.get(short_name="BENCH")
    _user, session_key, token = credentials()
    cookie = f"{settings.SESSION_COOKIE_NAME}={session_key}"
    headers = {"session": {"Cookie": cookie}, "token": {"Authorization": f"Token {token}"}}
    info = machine()
    sizes = data_sizes()

    from twincity.core import search
    from twincity.matters.models import Matter

    search_hits = search.search(Matter.objects.filter(partnership=partnership), SEARCH_WORD).count()
    targets = urls(partnership.pk)
    if args.only:
        targets = [t for t in targets if args.only in t[0] or t[1] == "/bench/minimal"]

    counted = {}
    for label, path, auth in targets:
        status, queries = count_queries(path, headers[auth])
        if status != 200:
            raise SystemExit(f"{label} {path}: in-process status {status}")
        counted[path] = queries

    port = free_port(args.port)
    base = f"http://127.0.0.1:{port}"
    process, pidfile = start_gunicorn(port, args.workers)
    rows = []
    try:
        for label, path, auth in targets:
            ((name, value),) = headers[auth].items()
            status, size = fetch(base + path, headers[auth])
            if status != 200:
                raise SystemExit(f"{label} {path}: status {status} (expected 200)")
            load = {"connections": args.connections, "threads": args.threads}
            if args.warmup:
                wrk(base + path, f"{name}: {value}", seconds=args.warmup, **load)
            out = wrk(base + path, f"{name}: {value}", seconds=args.duration, **load)
            result = parse_wrk(out)
            if result["non_2xx"]:
                raise SystemExit(f"{label}: {result['non_2xx']} responses were not 2xx/3xx\n{out}")
            if not result["requests"] or "p50" not in result:
                raise SystemExit(f"{label}: no request completed in {args.duration} s; raise --duration\n{out}")
            row = {"label": label, "path": path, "bytes": size, "queries": counted[path], **result}
            row["load"] = os.getloadavg()[0]
            rows.append(row)
            print(
                f"{label:28} median {row['p50']:8.1f} ms  p90 {row['p90']:8.1f}  p99 {row['p99']:8.1f}  "
                f"{row['rps']:7.1f} req/s  {row['queries']} queries  {result['socket_errors']}",
                flush=True,
            )
    finally:
        stop_gunicorn(process, pidfile)

    baseline = rows[0]["p50"]
    command = (
        "DATABASE_URL="
        + os.environ["DATABASE_URL"]
        + " .venv/bin/python bench/web/run.py "
        + " ".join(sys.argv[1:] if argv is None else argv)
    )
    md = [
        f"Run {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}: `{command.strip()}`",
        "",
        f"gunicorn {args.workers} sync workers; wrk {args.threads} threads, {args.connections} connections, "
        f"{args.warmup} s warm-up + {args.duration} s per URL; signed in as the office admin `bench-office`.",
        "",
        "Machine: " + "; ".join(f"{k} {v}" for k, v in info.items()),
        "",
        "Data: "
        + ", ".join(f"{v:,} {k}" for k, v in sizes.items())
        + f"; the text search matches {search_hits:,} matters.",
        "",
        table(rows, baseline),
        "",
        "load avg: the machine's 1-minute load average when the URL's measurement ended (2 cores; the machine is "
        "shared, so anything above ~2 beyond this benchmark's own processes is other work).",
    ]
    text = "\n".join(md)
    print()
    print(text)
    OUT.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).astimezone().strftime("%Y%m%d-%H%M%S")
    (OUT / f"results-{stamp}.md").write_text(text + "\n")
    (OUT / f"results-{stamp}.json").write_text(
        json.dumps({"args": vars(args), "machine": info, "data": sizes, "rows": rows}, indent=2, ensure_ascii=False)
    )


if __name__ == "__main__":
    main()
