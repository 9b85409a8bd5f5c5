"""The counter app over a network that loses the answer to a call-next after the server acted: the
officer sees the ticket the server called, and the queue has lost one citizen, not two."""

from tests.mpp_client.test_api import LosesFirstAnswer


def test_a_lost_answer_shows_the_servers_call_and_calls_nobody_else(qtbot, floor):
    from counter_client.worker import CounterWorker
    from mpp_client.api import ApiClient

    first, second = floor.issue(), floor.issue()
    worker = CounterWorker(floor.url)
    worker.api.close()
    lossy = LosesFirstAnswer(lose="/call-next")
    worker.api = ApiClient(floor.url, transport=lossy)
    done, failed = [], []
    worker.action_done.connect(lambda action, answer: done.append((action, answer)))
    worker.action_failed.connect(lambda *args: failed.append(args))
    try:
        worker.login("budi", "1234")
        worker.act("L01", "open")
        worker.act("L01", "call-next")
    finally:
        worker.shutdown()
    assert failed == [] and lossy.lost == 1 and len(lossy.keys) == 3  # open, call-next lost, asked again
    assert [action for action, _ in done] == ["open", "call-next"]
    assert done[-1][1]["ticket"]["code"] == first["code"]
    with floor.display() as display:
        queue = next(q for q in display.get("/api/state").json()["queues"] if q["prefix"] == "A")
    assert queue["waiting"] == 1 and second["status"] == "waiting"
