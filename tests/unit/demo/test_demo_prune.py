"""Which earlier demo runs' topics and databases are old enough to delete."""

from __future__ import annotations

from datetime import datetime

from demo.resources import _RUN_DATABASE, _RUN_TOPIC, stale

NOW = datetime(2026, 11, 28, 12, 0, 0)
HOUR_AGO = datetime(2026, 11, 28, 11, 0, 0)


def test_topics_of_runs_older_than_the_cut_are_stale_and_younger_ones_stay() -> None:
    topics = [
        "demo20261128100000ab12.requests",            # two hours old
        "demo20261128100000ab12-router-requests-changelog",
        "demo20261128115900cd34.office.GEN-1.assignments",  # a minute old: may be running
        "govroute.requests",                          # the default prefix: never
        "demo.requests",                              # not a run id
        "demo2026112810000zab12.requests",            # malformed timestamp
        "t_abc.requests",
    ]
    assert stale(topics, _RUN_TOPIC, HOUR_AGO) == [
        "demo20261128100000ab12.requests",
        "demo20261128100000ab12-router-requests-changelog",
    ]


def test_databases_of_old_runs_are_stale_and_others_are_never_touched() -> None:
    names = ["demo_20261128100000ab12", "demo_20261128115900cd34", "govroute", "postgres",
             "t_8b61e57c", "demo_20261128100000ab12_extra"]
    assert stale(names, _RUN_DATABASE, HOUR_AGO) == ["demo_20261128100000ab12"]
