"""A simulated MPP day: who comes when for what (plan), run through the real apps offscreen
(morning) or over HTTP at the largest MPPs' scale (busy_day, part of the benchmark)."""
