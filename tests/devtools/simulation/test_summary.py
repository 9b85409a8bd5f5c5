"""The busy day's figures on the wait estimates: how far the printed wait was from the real one."""

from devtools.simulation.summary import ESTIMATE_TARGETS, estimate_errors


def test_estimate_errors_give_mean_p95_and_bias_overall_and_for_priority_tickets():
    told = [(10, 12.0, False)] * 18 + [(0, 1.0, True), (5, 15.0, False)]
    errors = estimate_errors(told)
    assert errors["all"]["n"] == 20 and errors["priority"]["n"] == 1
    assert errors["all"]["mean"] == round((18 * 2 + 1 + 10) / 20, 2)
    assert errors["all"]["p95"] == 2.0  # the 19th of 20 absolute errors, sorted
    assert errors["all"]["bias"] == round((18 * -2 - 1 - 10) / 20, 2)  # told too short
    assert errors["priority"] == {"n": 1, "mean": 1.0, "p95": 1.0, "bias": -1.0, "met": True}
    assert not errors["all"]["met"] and not errors["met"]  # a mean of 2.35 misses 2


def test_estimate_errors_meet_the_targets_when_every_group_does():
    assert ESTIMATE_TARGETS == {"mean": 2.0, "p95": 6.0}
    assert estimate_errors([(10, 9.0, False), (3, 3.5, True)])["met"]
    assert not estimate_errors([(10, 9.0, False)] * 19 + [(0, 7.0, True)])["met"]  # priority p95 7 > 6
    empty = estimate_errors([])
    assert empty["all"]["n"] == 0 and empty["met"]
