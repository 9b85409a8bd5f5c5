"""The benchmark's exit code follows its verdict: a missed target fails the run (issue #12)."""

import pytest

from devtools.benchmark import EXIT_MISS, EXIT_PASS, TARGETS, judge, parse_args, verdict


def summary(api_p99=10.0, display_p99=5.0, floor_errors=0, issues_per_s=1200.0, capacity_errors=0, rss=90.0):
    return {
        "floor": {"api_ms": {"p99": api_p99}, "call_to_display_ms": {"p99": display_p99}, "errors": floor_errors},
        "capacity": {"issues_per_s": issues_per_s, "errors": capacity_errors},
        "server": {"rss_peak_mb": rss},
    }


@pytest.mark.parametrize("figures, code, missed", [
    ({}, EXIT_PASS, []),
    ({"issues_per_s": 918.0}, EXIT_MISS, ["issues_per_s"]),  # the 2-core figure of the issue
    ({"issues_per_s": TARGETS["issues_per_s"]}, EXIT_PASS, []),  # the target itself holds
    ({"api_p99": 25.1}, EXIT_MISS, ["api_p99"]),
    ({"api_p99": None}, EXIT_MISS, ["api_p99"]),  # never measured is not a pass
    ({"display_p99": None}, EXIT_MISS, ["display_p99"]),
    ({"floor_errors": 1, "capacity_errors": 3}, EXIT_MISS, ["floor_errors", "capacity_errors"]),
    ({"rss": 120.5}, EXIT_MISS, ["rss"]),
])
def test_the_exit_code_follows_the_verdict(figures, code, missed):
    s = summary(**figures)
    assert verdict(s) == code
    assert [name for name, result in judge(s).items() if result == "MISS"] == missed


def test_the_verdict_judges_against_the_targets_given():
    assert verdict(summary(issues_per_s=700.0), {**TARGETS, "issues_per_s": 500.0}) == EXIT_PASS


def test_help_states_the_exit_codes(capsys):
    with pytest.raises(SystemExit):
        parse_args(["--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "0 every target passed; 1 at least one target missed" in text
    assert "2 the run itself failed" in text
