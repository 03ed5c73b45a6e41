"""The ledger of a load run and its verdict: pure Python, no Django, no server (tested on synthetic ledgers).

Every request a client makes becomes one ``Entry``: when it started and ended (monotonic seconds), what it
did, its status, the object it observed and the version the server returned for it. An acknowledged write
(2xx) also says what it set (``fields``: an edit) or what it made (``created``: a report, a milestone, an
action update, with the content to find again).

``verdict(entries, final)`` checks the three things issue 9 asks of a run:

1. no response ≥ 500 (and no request that got no answer at all);
2. nothing acknowledged is lost: every created thing exists with its content, and for every object and
   field the value of the acknowledged edit with the highest version is the one stored (an edit's version
   is the one it created, If-Match + 1, when it was conditional; else the one its answer showed);
3. no version goes backwards: if one answer about an object *ended before* another *started*, the later
   one never shows a lower version; no two acknowledged conditional writes created the same version (the
   version must have gone back in between); and the stored version is at least every acknowledged one.

Overlapping requests may legitimately answer in either order, so (3) compares only requests ordered in
real time (one ended before the other began): that is what a client can be promised.
"""

from __future__ import annotations

import bisect
from dataclasses import asdict, dataclass, field

Key = tuple[str, int]  # ("matter", 12)


@dataclass
class Entry:
    client: int
    op: str  # "read matter", "edit matter", "file report", …
    method: str
    endpoint: str  # the path with ids replaced by {id}: groups errors by endpoint
    start: float
    end: float
    status: int  # 0: no answer (connection refused, reset, timeout)
    obj: Key | None = None  # the versioned object this answer shows
    version: int | None = None  # its version in the answer
    wrote: int | None = None  # the version a conditional write creates: If-Match + 1
    fields: dict = field(default_factory=dict)  # an acknowledged edit: what it set on ``obj``
    created: Key | None = None  # an acknowledged create: what it made
    content: dict = field(default_factory=dict)  # … and what it must still hold at the end
    message: str = ""  # the start of the body of an error answer

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def write(self) -> bool:
        return self.method not in ("GET", "HEAD")


@dataclass
class Final:
    """What the database holds at the end: per object its version and fields; per created thing its content."""

    objects: dict[Key, dict] = field(default_factory=dict)  # key → {"version": 7, "title": …, …}
    created: dict[Key, dict] = field(default_factory=dict)  # key → content (missing key: it does not exist)


@dataclass
class Verdict:
    requests: int = 0
    reads: int = 0
    writes: int = 0
    acknowledged: int = 0
    conflicts: int = 0
    refused: int = 0
    server_errors: list[dict] = field(default_factory=list)
    no_answer: list[dict] = field(default_factory=list)
    lost: list[dict] = field(default_factory=list)
    backwards: list[dict] = field(default_factory=list)
    latency_ms: dict[str, dict[str, float]] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return not (self.server_errors or self.no_answer or self.lost or self.backwards)

    def as_dict(self) -> dict:
        return {**asdict(self), "passed": self.passed}


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1))))
    return ordered[rank]


def _describe(entry: Entry) -> dict:
    return {
        "client": entry.client,
        "op": entry.op,
        "request": f"{entry.method} {entry.endpoint}",
        "status": entry.status,
        "object": list(entry.obj) if entry.obj else None,
        "version": entry.version,
        "wrote": entry.wrote,
        "at": round(entry.start, 3),
    }


def _edit_version(entry: Entry) -> int:
    return entry.wrote if entry.wrote is not None else entry.version


def lost_writes(entries: list[Entry], final: Final) -> list[dict]:
    lost = []
    for entry in entries:
        if entry.ok and entry.created is not None:
            stored = final.created.get(entry.created)
            if stored is None:
                lost.append({**_describe(entry), "what": list(entry.created), "expected": entry.content, "found": None})
                continue
            wrong = {k: stored.get(k) for k, v in entry.content.items() if stored.get(k) != v}
            if wrong:
                lost.append(
                    {**_describe(entry), "what": list(entry.created), "expected": entry.content, "found": wrong}
                )
    # Per object and field, the acknowledged edit with the highest version (latest answer on a tie) must stand.
    last: dict[tuple[Key, str], Entry] = {}
    for entry in entries:
        if not (entry.ok and entry.write and entry.obj and entry.fields and entry.version is not None):
            continue
        for name in entry.fields:
            held = last.get((entry.obj, name))
            if held is None or (_edit_version(entry), entry.end) > (_edit_version(held), held.end):
                last[(entry.obj, name)] = entry
    for (key, name), entry in sorted(last.items(), key=lambda item: (item[0][0], item[0][1])):
        stored = final.objects.get(key)
        found = None if stored is None else stored.get(name)
        if found != entry.fields[name]:
            lost.append(
                {
                    **_describe(entry),
                    "what": [*key, name],
                    "expected": entry.fields[name],
                    "found": found,
                    "stored_version": None if stored is None else stored.get("version"),
                }
            )
    return lost


def versions_backwards(entries: list[Entry], final: Final) -> list[dict]:
    by_object: dict[Key, list[Entry]] = {}
    for entry in entries:
        if entry.ok and entry.obj is not None and entry.version is not None:
            by_object.setdefault(entry.obj, []).append(entry)
    found = []
    for key, seen in sorted(by_object.items()):
        # Sweep in order of start; everything that ended before this start is "before" it in real time.
        by_end = sorted(seen, key=lambda e: e.end)
        ends = [e.end for e in by_end]
        running_max: list[tuple[int, Entry]] = []
        best: tuple[int, Entry] | None = None
        for e in by_end:
            if best is None or e.version > best[0]:
                best = (e.version, e)
            running_max.append(best)
        for entry in sorted(seen, key=lambda e: e.start):
            i = bisect.bisect_left(ends, entry.start)  # entries with end < start
            if i == 0:
                continue
            top, earlier = running_max[i - 1]
            if entry.version < top:
                found.append(
                    {
                        **_describe(entry),
                        "earlier": _describe(earlier),
                        "why": f"version {entry.version} after an answer that showed {top}",
                    }
                )
        acknowledged = [e for e in seen if e.write]
        created: dict[int, Entry] = {}
        for entry in sorted(acknowledged, key=lambda e: e.end):
            if entry.wrote is None:
                continue
            if entry.wrote in created:
                found.append(
                    {
                        **_describe(entry),
                        "earlier": _describe(created[entry.wrote]),
                        "why": f"version {entry.wrote} created twice by acknowledged writes",
                    }
                )
            created.setdefault(entry.wrote, entry)
        stored = final.objects.get(key)
        if stored is not None and acknowledged:
            top_ack = max(acknowledged, key=lambda e: max(e.version, e.wrote or 0))
            top = max(top_ack.version, top_ack.wrote or 0)
            if stored.get("version", 0) < top:
                found.append({**_describe(top_ack), "why": f"stored version {stored.get('version')} is below {top}"})
    return found


def verdict(entries: list[Entry], final: Final) -> Verdict:
    v = Verdict(requests=len(entries))
    latencies: dict[str, list[float]] = {"read": [], "write": []}
    for entry in entries:
        kind = "write" if entry.write else "read"
        if entry.write:
            v.writes += 1
        else:
            v.reads += 1
        if entry.status:
            latencies[kind].append((entry.end - entry.start) * 1000)
        if entry.ok and entry.write:
            v.acknowledged += 1
        elif entry.status == 409:
            v.conflicts += 1
        elif entry.status >= 500:
            v.server_errors.append({**_describe(entry), "message": entry.message})
        elif entry.status == 0:
            v.no_answer.append({**_describe(entry), "message": entry.message})
        elif entry.status >= 400:
            v.refused += 1
    v.lost = lost_writes(entries, final)
    v.backwards = versions_backwards(entries, final)
    v.latency_ms = {
        kind: {"p50": round(percentile(values, 50), 1), "p95": round(percentile(values, 95), 1), "n": len(values)}
        for kind, values in latencies.items()
    }
    return v


def errors_by_endpoint(items: list[dict]) -> dict[str, dict[str, int]]:
    """``{"PATCH /api/matters/{id}/": {"500 database is locked": 12}}``: the list the summary prints."""
    grouped: dict[str, dict[str, int]] = {}
    for item in items:
        line = (item.get("message") or "").strip().splitlines()
        label = f"{item['status']} {line[0][:120] if line else ''}".strip()
        per = grouped.setdefault(item["request"], {})
        per[label] = per.get(label, 0) + 1
    return grouped
