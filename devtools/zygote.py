"""Server processes forked from one that has already imported the server: for the tests.

`mpp-server run` spends about a second importing Flask, pydantic's models and the app before it
serves; the tests start some two hundred servers. A zygote pays that once: it imports the server,
then forks a child per request, and the child runs the very command line `python -m server run`
would (`server.cli.main`) with its own environment, working folder and log file. The child is a real
server process on loopback; only the imports are shared. POSIX only (`os.fork`): elsewhere
`ServerProcess` starts `python -m server` as before.

Protocol, one JSON object a line on the zygote's stdin and stdout:
    {"spawn": {"argv": [...], "env": {...}, "cwd": "...", "log": "..."}}  ->  {"pid": 123}
    {"status": 123}                                                        ->  {"code": null | int}
End of stdin ends the zygote.
"""

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

SERVER_MODULES = ("server.cli", "server.app", "server.serve", "server.logs")


class ForkedProcess:
    """What `ServerProcess` uses of `subprocess.Popen`, for a child of the zygote."""

    def __init__(self, zygote: "Zygote", pid: int):
        self.zygote, self.pid, self.returncode = zygote, pid, None

    def poll(self) -> int | None:
        if self.returncode is None:
            self.returncode = self.zygote.status(self.pid)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"server {self.pid}", timeout)
            time.sleep(0.01)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class Zygote:
    """The client's side: `Zygote(log).start()`, then `spawn(...)` gives a `ForkedProcess`."""

    def __init__(self, log_path: Path):
        self.log_path = log_path
        self.process: subprocess.Popen | None = None
        self.lock = threading.Lock()  # tests start servers from threads too

    def start(self) -> "Zygote":
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen([sys.executable, "-u", "-m", "devtools.zygote"], stdin=subprocess.PIPE,
                                            stdout=subprocess.PIPE, stderr=log)
        ready = self.process.stdout.readline()
        if ready.strip() != b'"ready"':
            raise RuntimeError(f"the zygote did not start: {Path(self.log_path).read_text(errors='replace')[-2000:]}")
        return self

    def ask(self, request: dict) -> dict:
        with self.lock:
            self.process.stdin.write(json.dumps(request).encode() + b"\n")
            self.process.stdin.flush()
            answer = self.process.stdout.readline()
        if not answer:
            raise RuntimeError(f"the zygote ended: {Path(self.log_path).read_text(errors='replace')[-2000:]}")
        return json.loads(answer)

    def spawn(self, argv: list[str], env: dict, log_path: Path) -> ForkedProcess:
        answer = self.ask({"spawn": {"argv": argv, "env": env, "cwd": os.getcwd(), "log": str(log_path)}})
        return ForkedProcess(self, answer["pid"])

    def status(self, pid: int) -> int | None:
        return self.ask({"status": pid})["code"]

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.stdin.close()
            self.process.wait(10)
            self.process.stdout.close()


# The zygote's side.

def run_child(request: dict) -> None:
    """In the forked child: become `python -m server <argv>` and never return."""
    code = 1
    try:
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        log = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.close(log)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        import random

        random.seed()  # not the zygote's sequence in every child
        from server.cli import main

        main(args=request["argv"], prog_name="mpp-server")
        code = 0
    except SystemExit as end:
        code = end.code if isinstance(end.code, int) else (0 if end.code is None else 1)
        if isinstance(end.code, str):
            print(end.code, file=sys.stderr)
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        import logging

        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def serve_requests() -> None:
    import importlib

    for name in SERVER_MODULES:
        importlib.import_module(name)
    exits: dict[int, int] = {}

    def reap() -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            exits[pid] = os.waitstatus_to_exitcode(status)

    print(json.dumps("ready"), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        reap()
        if "spawn" in request:
            pid = os.fork()
            if pid == 0:
                run_child(request["spawn"])
            answer = {"pid": pid}
        else:
            answer = {"code": exits.get(request["status"])}
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    serve_requests()
