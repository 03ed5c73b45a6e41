"""The load run's verdict (bench/load/ledger.py) on synthetic ledgers: the instrument cannot silently pass.

No server, no database: a ledger is a list of answers with their times, and the final state a dict.
"""

from bench.load.ledger import Entry, Final, errors_by_endpoint, verdict

MATTER = ("matter", 7)


def answer(client, op, method, start, end, status=200, version=None, **kw):
    endpoint = "/api/matters/{id}/" if op.endswith("matter") else "/api/progress-reports/"
    return Entry(
        client, op, method, endpoint, start, end, status, obj=MATTER if version else None, version=version, **kw
    )


def clean_ledger():
    """Two editors take turns on one matter, a reporter files a report: all acknowledged, all kept."""
    return [
        answer(1, "read matter", "GET", 0.0, 0.1, version=3),
        answer(1, "edit matter", "PATCH", 0.2, 0.3, version=4, wrote=4, fields={"title": "A"}),
        answer(2, "read matter", "GET", 0.25, 0.35, version=3),  # overlaps the edit: either version is fine
        answer(2, "edit matter", "PATCH", 0.4, 0.5, status=409),  # stale: refused, fine
        answer(2, "read matter", "GET", 0.6, 0.7, version=4),
        answer(2, "edit matter", "PATCH", 0.8, 0.9, version=5, wrote=5, fields={"description": "B"}),
        answer(3, "file report", "POST", 0.5, 0.6, created=("report", 11), content={"text": "R", "matter": 7}),
    ]


def clean_final():
    return Final(
        objects={MATTER: {"version": 5, "title": "A", "description": "B"}},
        created={("report", 11): {"text": "R", "matter": 7}},
    )


def test_a_clean_ledger_passes_with_its_counts():
    result = verdict(clean_ledger(), clean_final())

    assert result.passed
    assert (result.requests, result.reads, result.writes) == (7, 3, 4)
    assert (result.acknowledged, result.conflicts, result.refused) == (3, 1, 0)
    assert result.latency_ms["write"]["n"] == 4


def test_an_edit_reverted_by_a_stale_save_is_a_lost_write():
    final = clean_final()
    final.objects[MATTER] = {"version": 5, "title": "old title", "description": "B"}

    result = verdict(clean_ledger(), final)

    assert not result.passed
    assert [lost["what"] for lost in result.lost] == [["matter", 7, "title"]]
    assert result.lost[0]["expected"] == "A"
    assert result.lost[0]["found"] == "old title"


def test_a_created_report_that_is_missing_or_changed_is_a_lost_write():
    final = clean_final()
    del final.created[("report", 11)]
    assert [lost["what"] for lost in verdict(clean_ledger(), final).lost] == [["report", 11]]

    final.created[("report", 11)] = {"text": "something else", "matter": 7}
    assert verdict(clean_ledger(), final).lost[0]["found"] == {"text": "something else"}


def test_a_later_acknowledged_edit_of_the_same_field_supersedes_an_earlier_one():
    ledger = [
        *clean_ledger(),
        answer(1, "edit matter", "PATCH", 1.0, 1.1, version=6, wrote=6, fields={"title": "C"}),
    ]
    final = clean_final()
    final.objects[MATTER] = {"version": 6, "title": "C", "description": "B"}

    assert verdict(ledger, final).passed


def test_a_read_that_shows_a_lower_version_after_a_higher_one_is_a_version_going_backwards():
    ledger = [*clean_ledger(), answer(1, "read matter", "GET", 1.0, 1.1, version=4)]  # after version 5 was answered

    result = verdict(ledger, clean_final())

    assert not result.passed
    assert not result.lost
    assert result.backwards[0]["why"] == "version 4 after an answer that showed 5"


def test_the_same_version_created_twice_means_it_went_back_in_between():
    ledger = [
        answer(1, "edit matter", "PATCH", 0.0, 0.1, version=4, wrote=4, fields={"title": "A"}),
        answer(2, "edit matter", "PATCH", 0.05, 0.15, version=4, wrote=4, fields={"title": "B"}),
    ]
    final = Final(objects={MATTER: {"version": 4, "title": "B"}})

    result = verdict(ledger, final)

    assert [b["why"] for b in result.backwards] == ["version 4 created twice by acknowledged writes"]


def test_a_stored_version_below_an_acknowledged_one_goes_backwards():
    final = clean_final()
    final.objects[MATTER]["version"] = 4

    assert verdict(clean_ledger(), final).backwards[-1]["why"] == "stored version 4 is below 5"


def test_server_errors_and_unanswered_requests_fail_the_run_and_are_listed_by_endpoint():
    ledger = [
        *clean_ledger(),
        answer(4, "edit matter", "PATCH", 1.0, 1.2, status=500, message="OperationalError — database is locked"),
        answer(4, "edit matter", "PATCH", 1.3, 1.5, status=500, message="OperationalError — database is locked"),
        answer(5, "file report", "POST", 1.0, 61.0, status=0, message="TimeoutError: timed out"),
    ]

    result = verdict(ledger, clean_final())

    assert not result.passed
    assert not result.lost
    assert not result.backwards
    assert errors_by_endpoint(result.server_errors + result.no_answer) == {
        "PATCH /api/matters/{id}/": {"500 OperationalError — database is locked": 2},
        "POST /api/progress-reports/": {"0 TimeoutError: timed out": 1},
    }
