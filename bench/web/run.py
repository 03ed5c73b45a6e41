"""Every page next to a minimal Django view, interleaved, with the queue drained between runs (issue 12).

    .venv/bin/python bench/web/generate.py                  # once: the large partnership (see generate.py)
    .venv/bin/python bench/web/run.py --cache hit           # repeat views, no write in between (Redis)
    .venv/bin/python bench/web/run.py --cache miss          # every request misses (DummyCache)
    .venv/bin/python bench/web/run.py --scale-curve 5,50,200 --only search   # twincity_bench_<n>k databases

Production profile: gunicorn (``--workers`` sync workers, default 2) serving ``twincity.wsgi`` with
``bench.web.settings`` (DEBUG off, whitenoise's compressed manifest static files, production middleware over plain
http), PostgreSQL from DATABASE_URL, and the cache from ``TWINCITY_CACHE_URL``: ``--cache hit`` uses Redis
(``--redis``, default ``redis://127.0.0.1:6379/2``), ``--cache miss`` uses ``dummy://``.

For each number of clients (``--clients``, default ``1,16``) the runs go: minimal, page 1, minimal, page 1, minimal,
page 2, minimal … (``--runs`` page runs each, default 2), so every page run has a minimal run just before and just
after it. Before every run the queue is drained: wait until a trivial request answers in under twice its idle time
(gunicorn has no request in flight) and the machine's run queue (/proc/loadavg's running count) is at most the
number of cores, bounded by ``--drain-max`` seconds. A page run's ratio is its median (and p95) over the mean of the
two adjacent minimal runs' median (p95). Latency percentiles are exact, from wrk's ``done()`` hook
(``bench/web/percentiles.lua``). Every run records its load average and running count before and after.

Every URL is first fetched once and must answer 200 (not a redirect to the sign-in page) as the office admin
``bench-office`` (session cookie for the pages, token for the API); its SQL queries are counted in-process (first
request and repeat). Results: ``var/bench-web/results-<stamp>.md`` and ``.json``. gunicorn is stopped by the pid
it wrote itself; traffic goes to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlparse, urlunparse

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/twincity_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.web.settings")
OUT = ROOT / "var" / "bench-web"
LUA = Path(__file__).resolve().parent / "percentiles.lua"
SEARCH_WORD = "数据中心"
MINIMAL = "/bench/minimal"

# The measured URLs: (label, path template, auth). Placeholders: {p} the partnership, {matter} one current matter,
# {deep_page} the deep list page (``--deep-page``, capped at the last page), {q} the search word (quoted). Edit here
# when a page moves (a keyset "next" link for deep pages, say); every URL must answer 200.
URLS: list[tuple[str, str, str]] = [
    ("minimal view, signed in", "/bench/minimal-signed-in", "session"),
    ("dashboard", "/p/{p}/", "session"),
    ("list, unfiltered", "/matters/?partnership={p}", "session"),
    ("list, filtered", "/matters/?partnership={p}&year=2026&status=in_progress", "session"),
    ("list, deep page", "/matters/?partnership={p}&page={deep_page}", "session"),
    ("search", "/matters/?partnership={p}&q={q}", "session"),
    ("matter page", "/matters/{matter}/", "session"),
    ("API list", "/api/matters/?partnership={p}&limit=50", "token"),
    ("API list, filtered", "/api/matters/?partnership={p}&year=2026&status=in_progress&limit=50", "token"),
    ("audit log", "/audit/", "session"),
    ("meeting list", "/meetings/?partnership={p}", "session"),
    ("joint requests list", "/petitions/?partnership={p}", "session"),
    ("indicators home", "/indicators/p/{p}/", "session"),
]
LIST_PAGE_SIZE = 50  # the matter list's default rows a page (core.views.ListView.per_page)


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
    """Rows of every table the measured pages read (models looked up by name: a table not there yet is left out)."""
    from django.apps import apps

    names = [
        ("member regions", "regions.PartnershipRegion"),
        ("organisations", "regions.Organisation"),
        ("matters", "matters.Matter"),
        ("milestones", "matters.Milestone"),
        ("progress reports", "matters.ProgressReport"),
        ("audit rows", "audit.ObjectChange"),
        ("meeting sessions", "meetings.Session"),
        ("agenda items", "meetings.AgendaItem"),
        ("outcomes", "meetings.Outcome"),
        ("action items", "meetings.ActionItem"),
        ("joint requests", "petitions.Petition"),
        ("agreements", "agreements.Agreement"),
        ("visits", "visits.Visit"),
        ("lessons", "visits.Lesson"),
        ("gaps", "visits.Gap"),
        ("secondments", "exchanges.Secondment"),
        ("policies", "policies.Policy"),
        ("policy clauses", "policies.Clause"),
        ("siting cases", "siting.SitingCase"),
    ]
    sizes = {}
    for label, name in names:
        try:
            sizes[label] = apps.get_model(name)._base_manager.count()
        except LookupError:
            continue
    return sizes


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


def url_values(partnership, deep_page: int = 500) -> tuple[dict, int]:
    """The placeholders of ``URLS`` for the partnership (and its last list page)."""
    from twincity.matters.models import Matter  # after django.setup()

    n_matters = Matter.objects.filter(partnership=partnership).count()
    last_page = max(1, -(-n_matters // LIST_PAGE_SIZE))
    matter = Matter.objects.filter(partnership=partnership, year=2026, status="in_progress").order_by("pk").first()
    values = {
        "p": partnership.pk,
        "matter": matter.pk if matter else 1,
        "deep_page": min(deep_page, last_page),
        "q": quote(SEARCH_WORD),
    }
    return values, last_page


def urls(partnership, deep_page: int = 500) -> list[tuple[str, str, str]]:
    """(label, path, auth) of every measured URL (``profile.py`` asks for them too)."""
    values, _last = url_values(partnership, deep_page)
    return [(label, path.format(**values), auth) for label, path, auth in URLS]


def count_queries(path: str, headers: dict[str, str]) -> tuple[int, int]:
    """(status, number of SQL queries) for one in-process request through the full middleware stack."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(headers=headers)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    return response.status_code, len(captured.captured_queries)


def free_port(port: int) -> int:
    """``port`` if nothing listens on it (0: any free port), so that the load never reaches another server."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn binds: TIME_WAIT is no obstacle
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            raise SystemExit(f"port {port} is in use") from None
        return probe.getsockname()[1]


def wrk(url: str, header: str, *, seconds: int, connections: int, threads: int) -> tuple[dict, str]:
    """One wrk run; (figures in ms, the command line)."""
    command = [
        "wrk",
        f"-t{min(threads, connections)}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "60s",  # wrk's default (2 s) drops slower requests from the latency figures
        "-s",
        str(LUA),
        "-H",
        header,
        url,
    ]
    out = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 90).stdout
    values = dict(re.findall(r"^BENCH (\w+) (\S+)$", out, re.M))
    result: dict = {k: float(values[k]) / 1000 for k in ("p50", "p75", "p90", "p95", "p99", "mean", "max")}
    result["requests"] = int(values["requests"])
    result["rps"] = result["requests"] / (float(values["duration_us"]) / 1e6)
    result["errors"] = {k[4:]: int(v) for k, v in values.items() if k.startswith("err_") and int(v)}
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    result["non_2xx"] = int(non2xx.group(1)) if non2xx else 0
    shown = [shlex.quote(c) if not c.startswith(("Cookie", "Authorization")) else "'<auth header>'" for c in command]
    return result, " ".join(shown)


def loadavg() -> dict:
    """The 1-minute load average and the number of runnable tasks now (minus this reader)."""
    fields = Path("/proc/loadavg").read_text().split()
    return {"load1": float(fields[0]), "running": int(fields[3].split("/")[0]) - 1}


def probe(url: str) -> float:
    t0 = time.perf_counter()
    status, _ = fetch(url, {})
    if status != 200:
        raise SystemExit(f"{url}: status {status}")
    return time.perf_counter() - t0


def idle_time(url: str) -> float:
    """The trivial request's answer time on an idle server (median of 21, after 10 that warm both workers up)."""
    for _ in range(10):
        probe(url)
    return statistics.median(probe(url) for _ in range(21))


def busy_baseline(samples: int = 20) -> int:
    """The run queue with this benchmark idle (median over 2 s): other engineers' work on the shared machine."""
    counts = []
    for _ in range(samples):
        counts.append(loadavg()["running"])
        time.sleep(0.1)  # sampling interval
    return int(statistics.median(counts))


def drain(url: str, idle: float, max_seconds: float, baseline: int) -> dict:
    """Wait until the trivial request answers in under 2× its idle time twice in a row (gunicorn has no request in
    flight) and the run queue is back down to the idle baseline (at least the number of cores: other work on the
    machine is not ours to wait for), at most ``max_seconds``. Returns what was waited for."""
    t0 = time.monotonic()
    ceiling = max(os.cpu_count() or 1, baseline)
    passes = 0
    while True:
        answer = probe(url)
        queue = loadavg()["running"]
        passes = passes + 1 if (answer < 2 * idle and queue <= ceiling) else 0
        waited = time.monotonic() - t0
        if passes >= 2 or waited >= max_seconds:
            return {
                "drained": passes >= 2,
                "waited_s": round(waited, 2),
                "probe_ms": round(answer * 1000, 2),
                "running": queue,
                "ceiling": ceiling,
            }
        time.sleep(0.2)  # polling interval, bounded by max_seconds


def start_gunicorn(port: int, workers: int, env_extra: dict[str, str]) -> tuple[subprocess.Popen, Path]:
    OUT.mkdir(parents=True, exist_ok=True)
    pidfile = OUT / f"gunicorn-{port}.pid"
    log = open(OUT / "gunicorn.log", "w")  # noqa: SIM115 (handed to the server process, which outlives this call)
    gunicorn = ROOT / ".venv" / "bin" / "gunicorn"
    command = (
        f"echo $$ > {pidfile}; exec {gunicorn} twincity.wsgi:application --bind 127.0.0.1:{port} "
        f"--workers {workers} --no-control-socket --chdir {ROOT} --timeout 120"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), **env_extra}
    process = subprocess.Popen(["bash", "-c", command], stdout=log, stderr=subprocess.STDOUT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if fetch(f"http://127.0.0.1:{port}{MINIMAL}", {})[0] == 200:
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


def cache_env(mode: str, redis_url: str) -> dict[str, str]:
    return {"TWINCITY_CACHE_URL": redis_url if mode == "hit" else "dummy://"}


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def summarise(runs: list[dict], targets: list[dict], clients: list[int]) -> list[dict]:
    """Per page and number of clients: median p50/p95 over its runs, and the ratios to the adjacent minimal runs."""
    rows = []
    for target in targets:
        row = {"label": target["label"], "path": target["path"], "queries": target["queries"], "bytes": target["bytes"]}
        for c in clients:
            mine = [r for r in runs if r["label"] == target["label"] and r["clients"] == c]
            if not mine:
                continue
            ratio50 = [r["ratio_p50"] for r in mine]
            ratio95 = [r["ratio_p95"] for r in mine]
            row[c] = {
                "p50": median([r["p50"] for r in mine]),
                "p95": median([r["p95"] for r in mine]),
                "rps": median([r["rps"] for r in mine]),
                "ratio_p50": median(ratio50),
                "ratio_p50_range": [min(ratio50), max(ratio50)],
                "ratio_p95": median(ratio95),
                "minimal_p50": median([r["minimal_p50"] for r in mine]),
                "runs": len(mine),
            }
        rows.append(row)
    return rows


def markdown_table(rows: list[dict], clients: list[int]) -> str:
    many = max(clients)
    head = "| page | queries (first / repeat) |"
    rule = "|---|---:|"
    for c in clients:
        head += f" {c} cl. p50 ms | {c} cl. p95 ms | {c} cl. p50 ÷ minimal (min–max) | {c} cl. p95 ÷ minimal |"
        rule += "---:|---:|---:|---:|"
    head += f" req/s at {many} |"
    rule += "---:|"
    lines = [head, rule]
    for r in rows:
        line = f"| {r['label']}<br>`{r['path']}` | {r['queries'][0]} / {r['queries'][1]} |"
        for c in clients:
            s = r.get(c)
            if s is None:
                line += " | | | |"
                continue
            lo, hi = s["ratio_p50_range"]
            line += (
                f" {s['p50']:.1f} | {s['p95']:.1f} | **{s['ratio_p50']:.1f}×** ({lo:.1f}–{hi:.1f}) "
                f"| {s['ratio_p95']:.1f}× |"
            )
        line += f" {r[many]['rps']:.1f} |" if many in r else " |"
        lines.append(line)
    return "\n".join(lines)


def with_database(url: str, name: str) -> str:
    parsed = urlparse(url)
    return urlunparse(parsed._replace(path="/" + name))


def scale_curve(args, argv: list[str]) -> None:
    """Run this script once per database ``twincity_bench_<n>k`` (generated first when missing or ``--generate``)
    and put the pages' ratios side by side."""
    import psycopg

    base = os.environ["DATABASE_URL"]
    passed = []
    skip = False
    for i, a in enumerate(argv):  # the arguments to pass on: all but --scale-curve/--generate
        if skip:
            skip = False
            continue
        if a == "--scale-curve":
            skip = True
            continue
        if a.startswith("--scale-curve=") or a == "--generate":
            continue
        passed.append(a)
        del i
    admin = with_database(base, "postgres")
    results = []
    for n in [int(x) for x in args.scale_curve.split(",")]:
        name = f"twincity_bench_{n}k"
        url = with_database(base, name)
        with psycopg.connect(admin.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        env = {**os.environ, "DATABASE_URL": url}
        if args.generate or not exists:
            cmd = [sys.executable, str(ROOT / "bench/web/generate.py"), "--matters", str(n * 1000)]
            cmd += ["--milestones", str(n * 5000), "--reports", str(n * 10000)]
            print(f"$ DATABASE_URL={url} {' '.join(cmd[1:])}", flush=True)
            subprocess.run(cmd, env=env, check=True)
        cmd = [sys.executable, str(Path(__file__).resolve()), *passed, "--json-out", str(OUT / f"curve-{name}.json")]
        print(f"$ DATABASE_URL={url} {' '.join(cmd[1:])}", flush=True)
        subprocess.run(cmd, env=env, check=True)
        results.append((n, json.loads((OUT / f"curve-{name}.json").read_text())))
    clients = results[0][1]["clients"]
    labels = [r["label"] for r in results[0][1]["summary"]]
    lines = [f"Scale curve (`{' '.join(['bench/web/run.py', *argv])}`), median p50 ms / ratio to minimal:", ""]
    head = "| page | clients |" + "".join(f" {n}k p50 ms | {n}k ÷ minimal |" for n, _ in results)
    lines += [head, "|---|---:|" + "---:|---:|" * len(results)]
    for label in labels:
        for c in clients:
            line = f"| {label} | {c} |"
            for _n, data in results:
                row = next(r for r in data["summary"] if r["label"] == label)
                s = row.get(str(c)) or row.get(c)
                line += f" {s['p50']:.1f} | {s['ratio_p50']:.1f}× |" if s else " | |"
            lines.append(line)
    text = "\n".join(lines)
    print(text)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    (OUT / f"curve-{stamp}.md").write_text(text + "\n")


def _terminate(signum, frame):
    raise SystemExit(f"stopped by signal {signum}")


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", choices=["hit", "miss"], default="hit")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/2", help="the shared cache for --cache hit")
    parser.add_argument("--duration", type=int, default=10, help="seconds of measured load per run")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of unrecorded load before each page run")
    parser.add_argument("--clients", default="1,16", help="wrk connections, comma-separated")
    parser.add_argument("--runs", type=int, default=2, help="page runs per page and number of clients (≥ 2)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (at most the clients)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--port", type=int, default=8810)
    parser.add_argument("--drain-max", type=float, default=15.0, help="longest wait for the queue to drain (s)")
    parser.add_argument("--deep-page", type=int, default=500, help="the deep list page (capped at the last)")
    parser.add_argument(
        "--only", action="append", help="run only URLs whose label contains this (repeatable: any of them)"
    )
    parser.add_argument("--scale-curve", metavar="N,N,…", help="thousands of matters: databases twincity_bench_<n>k")
    parser.add_argument("--generate", action="store_true", help="with --scale-curve: regenerate the databases")
    parser.add_argument("--json-out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install -y wrk")
    if args.scale_curve:
        scale_curve(args, argv)
        return
    clients = [int(c) for c in args.clients.split(",")]
    signal.signal(signal.SIGTERM, _terminate)  # a stopped run still stops its gunicorn (the finally below)
    os.environ.update(cache_env(args.cache, args.redis))  # the in-process query count sees the same cache

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from twincity.matters.models import Matter
    from twincity.regions.models import Partnership

    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        print("collectstatic (once) …", flush=True)
        call_command("collectstatic", interactive=False, verbosity=0)
    partnership = Partnership.objects.get(short_name="BENCH")
    _user, session_key, token = credentials()
    cookie = f"{settings.SESSION_COOKIE_NAME}={session_key}"
    headers = {"session": {"Cookie": cookie}, "token": {"Authorization": f"Token {token}"}}
    info = machine()
    info["cache"] = f"{settings.CACHES['default']['BACKEND']} {settings.CACHES['default'].get('LOCATION', '')}".strip()
    info["static files"] = settings.STORAGES["staticfiles"]["BACKEND"]
    info["DEBUG"] = str(settings.DEBUG)
    sizes = data_sizes()

    from twincity.core import search

    search_hits = search.search(Matter.objects.filter(partnership=partnership), SEARCH_WORD).count()
    values, last_page = url_values(partnership, args.deep_page)
    targets = [{"label": label, "path": path, "auth": auth} for label, path, auth in urls(partnership, args.deep_page)]
    if args.only:
        wanted = args.only
        targets = [t for t in targets if any(w in t["label"] for w in wanted)]

    for target in targets:
        first = count_queries(target["path"], headers[target["auth"]])
        repeat = count_queries(target["path"], headers[target["auth"]])
        if first[0] != 200 or repeat[0] != 200:
            raise SystemExit(f"{target['label']} {target['path']}: in-process status {first[0]}")
        target["queries"] = (first[1], repeat[1])

    port = free_port(args.port)
    base = f"http://127.0.0.1:{port}"
    env_extra = cache_env(args.cache, args.redis)
    process, pidfile = start_gunicorn(port, args.workers, env_extra)
    runs: list[dict] = []
    commands: dict[str, str] = {}
    started = dt.datetime.now(dt.UTC)
    try:
        for target in targets:
            ((name, value),) = headers[target["auth"]].items()
            status, size = fetch(base + target["path"], headers[target["auth"]])
            if status != 200:
                raise SystemExit(f"{target['label']} {target['path']}: status {status} (expected 200)")
            target["bytes"] = size
        idle = idle_time(base + MINIMAL)
        baseline = busy_baseline()
        print(
            f"idle answer time of {MINIMAL}: {idle * 1000:.2f} ms; run queue at idle {baseline}; load {loadavg()}",
            flush=True,
        )

        def measure(label: str, path: str, header: str, c: int, warmup: int) -> dict:
            drained = drain(base + MINIMAL, idle, args.drain_max, baseline)
            before = loadavg()
            load = {"connections": c, "threads": args.threads}
            if warmup:
                wrk(base + path, header, seconds=warmup, **load)
            result, command = wrk(base + path, header, seconds=args.duration, **load)
            if result["requests"] < 2:  # a slow page under load: one longer run rather than no figure
                result, command = wrk(base + path, header, seconds=args.duration * 3, **load)
            commands.setdefault(f"{c}", command.replace(base + path, "<url>"))
            after = loadavg()
            if result["non_2xx"]:
                raise SystemExit(f"{label}: {result['non_2xx']} responses were not 2xx/3xx")
            if not result["requests"]:
                raise SystemExit(f"{label}: no request completed in {args.duration} s; raise --duration")
            return {
                "label": label,
                "path": path,
                "clients": c,
                **result,
                "load_before": before,
                "load_after": after,
                "drain": drained,
            }

        minimal_header = f"Cookie: {cookie}"
        for c in clients:
            previous = measure("minimal", MINIMAL, minimal_header, c, 0)
            runs.append(previous)
            for target in targets:
                ((name, value),) = headers[target["auth"]].items()
                for k in range(args.runs):
                    page = measure(target["label"], target["path"], f"{name}: {value}", c, args.warmup if k == 0 else 0)
                    nxt = measure("minimal", MINIMAL, minimal_header, c, 0)
                    base50 = (previous["p50"] + nxt["p50"]) / 2
                    base95 = (previous["p95"] + nxt["p95"]) / 2
                    page.update(
                        minimal_p50=base50,
                        minimal_p95=base95,
                        ratio_p50=page["p50"] / base50,
                        ratio_p95=page["p95"] / base95,
                    )
                    runs += [page, nxt]
                    previous = nxt
                    print(
                        f"{c:3} cl. {target['label']:26} p50 {page['p50']:8.1f} ms  p95 {page['p95']:8.1f}  "
                        f"{page['rps']:7.1f} req/s  ÷minimal {page['ratio_p50']:6.1f}× "
                        f"(p95 {page['ratio_p95']:5.1f}×)  "
                        f"minimal {previous['p50']:.2f} ms  load {page['load_before']['load1']:.2f}→"
                        f"{page['load_after']['load1']:.2f}  drain {page['drain']['waited_s']} s",
                        flush=True,
                    )
    finally:
        stop_gunicorn(process, pidfile)
    finished = dt.datetime.now(dt.UTC)

    rows = summarise(runs, targets, clients)
    loads = [r["load_before"]["load1"] for r in runs] + [r["load_after"]["load1"] for r in runs]
    drained = sum(1 for r in runs if r["drain"]["drained"])
    command = f"DATABASE_URL={os.environ['DATABASE_URL']} .venv/bin/python bench/web/run.py {shlex.join(argv)}".strip()
    md = [
        f"Run {started:%Y-%m-%d %H:%M}–{finished:%H:%M} UTC: `{command}`",
        "",
        f"Cache: **{args.cache}** ({info['cache']}). gunicorn {args.workers} sync workers, DEBUG off, "
        f"{info['static files']}; wrk {', '.join(f'{c}: `{cmd}`' for c, cmd in commands.items())}, "
        f"{args.warmup} s warm-up before a page's first run, {args.duration} s a run, {args.runs} page runs "
        f"interleaved with minimal runs (`{MINIMAL}`: one trivial query through the same middleware), the queue "
        f"drained before each run ({drained} of {len(runs)} runs drained within {args.drain_max:.0f} s, the rest "
        "after the bound); signed in as the office admin `bench-office`.",
        "",
        "Machine: " + "; ".join(f"{k} {v}" for k, v in info.items()),
        "",
        f"Load average (1 min) over the run's measurements: min {min(loads):.2f}, median {median(loads):.2f}, max "
        f"{max(loads):.2f} (2 cores, shared with other engineers' work: anything above ~1–2 beyond this benchmark's "
        "own processes is other load; each run's load before/after is in the JSON).",
        "",
        "Data: "
        + ", ".join(f"{v:,} {k}" for k, v in sizes.items())
        + f"; the text search matches {search_hits:,} matters; deep page = page {values['deep_page']} of {last_page}.",
        "",
        markdown_table(rows, clients),
        "",
        "Ratios: each page run's percentile ÷ the mean of the minimal runs just before and just after it; the table "
        "gives the median over the page's runs (and their min–max). Queries: SQL queries of the first request and of "
        "a repeat, in-process.",
    ]
    text = "\n".join(md)
    print()
    print(text)
    OUT.mkdir(parents=True, exist_ok=True)
    stamp = started.strftime("%Y%m%d-%H%M%S")
    payload = {
        "command": command,
        "args": vars(args),
        "clients": clients,
        "machine": info,
        "data": sizes,
        "search_hits": search_hits,
        "started": started.isoformat(),
        "finished": finished.isoformat(),
        "summary": rows,
        "runs": runs,
    }
    (OUT / f"results-{args.cache}-{stamp}.md").write_text(text + "\n")
    blob = json.dumps(payload, indent=2, ensure_ascii=False, default=str)
    (OUT / f"results-{args.cache}-{stamp}.json").write_text(blob)
    if args.json_out:
        Path(args.json_out).write_text(blob)
    print(f"\nwritten: {OUT / f'results-{args.cache}-{stamp}.md'} and .json", flush=True)


if __name__ == "__main__":
    main()
