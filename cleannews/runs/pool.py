"""Worker processes that the batch can kill: the time limit enforced from outside.

The in-process alarm (cleannews.limits.deadline) cannot interrupt one long
native call (a libxml2 XPath over 200,000 elements runs to its end), and a
worker can die outright (the kernel's OOM killer, a segfault in a C
library).  concurrent.futures cannot kill one worker, and a dead worker
breaks its whole pool.  So the batch runs its own small pool: each worker
sends back one result per item, the main process knows which item each
worker is on and since when, and a worker past the limit (or dead) is
killed and replaced, its item reported lost, the rest of its task
re-sent.  As datatrove's sandbox does, but for a whole pool.

`batch` and `learn` both run on it: `start_worker` is their one worker
initializer, and WORKER what it loaded, read by the functions a worker runs.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import wait
from typing import TYPE_CHECKING

from cleannews.limits import Limits

if TYPE_CHECKING:
    from cleannews.engine.ruleset import Rules, RuleSpec


@dataclass
class WorkerState:
    """What a worker process loads once (start_worker) and every item it is sent then uses: a
    compiled rule set is too big to send with each task, so each process holds its own."""

    rules: "Rules | None" = None
    limits: Limits = Limits()


WORKER = WorkerState()  # this process's, set by start_worker (in the main process too, for Inline)


def start_worker(spec: "RuleSpec", limits: Limits = Limits(), pool: bool = True) -> None:
    """The initializer of every worker (and of Inline): load the rules `spec` names; in a pool
    worker, leave Ctrl-C to the main process (workers just stop when it shuts the pool), unwind
    on SIGTERM (a temp file being written is removed) and die with the main process."""
    from cleannews.api import load_spec

    if pool:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, _stop)
        _die_with_parent()
    WORKER.rules, WORKER.limits = load_spec(spec), limits


def _stop(signum, frame):
    """SIGTERM in a worker: unwind, so that a temp file being written is removed."""
    raise SystemExit(128 + signum)


def _die_with_parent() -> None:
    """Ask Linux to end this worker when the main process dies (kill -9 leaves no orphans)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # not Linux: the pool's own pipe closing ends the workers, later


class Task:
    """Items sent to a worker together; `result()` waits for them all (keeping the pool busy)."""

    def __init__(self, pool: "Pool", fn, items: list, args: tuple, lost):
        self.pool, self.fn, self.items, self.args, self.lost = pool, fn, items, args, lost
        self.results: list = [None] * len(items)
        self.left = len(items)

    def done(self) -> bool:
        return self.left == 0

    def result(self) -> list:
        while self.left:
            self.pool.pump()
        return self.results

    def put(self, index: int, result) -> None:
        self.results[index] = result
        self.left -= 1


class _Worker:
    def __init__(self, ctx, initializer, initargs):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(child, initializer, initargs), daemon=True)
        self.process.start()
        child.close()
        self.task: Task | None = None
        self.next = 0  # index of the item in progress
        self.stop = 0  # one past the last item sent
        self.since = 0.0  # when the item in progress began (the worker's previous message)
        self.ready = False  # its initializer is done (loading rules is no item's time)


def _serve(conn, initializer, initargs) -> None:
    initializer(*initargs)
    conn.send((-1, None))  # ready: the clock of the first item starts now, not while rules load
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        fn, items, start, args = job
        for offset, item in enumerate(items):
            conn.send((start + offset, fn(item, *args)))


class Pool:
    """`jobs` worker processes; an item running longer than `limit` seconds costs its worker."""

    def __init__(self, jobs: int, initializer, initargs: tuple, limit: float | None, overdue: str | None = None):
        self.overdue = overdue or f"still running after {limit or 0:g} s; its worker was stopped"
        self.ctx = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
        self.initializer, self.initargs, self.limit = initializer, initargs, limit
        self.workers = [_Worker(self.ctx, initializer, initargs) for _ in range(jobs)]
        self.queue: deque = deque()  # (task, first item, one past the last)

    def submit(self, fn, items: list, *args, lost=None) -> Task:
        """`lost(item, reason)` gives the result of an item whose worker was killed or died."""
        task = Task(self, fn, list(items), args, lost)
        if task.items:
            self.queue.append((task, 0, len(task.items)))
        self._assign()
        return task

    def _assign(self) -> None:
        for number, worker in enumerate(self.workers):
            if worker.task is None and self.queue:
                task, start, stop = self.queue.popleft()
                try:
                    worker.conn.send((task.fn, task.items[start:stop], start, task.args))
                except OSError:  # an idle worker that died: a new one takes the work
                    self.queue.appendleft((task, start, stop))
                    _kill(worker)
                    self.workers[number] = _Worker(self.ctx, self.initializer, self.initargs)
                    return self._assign()
                worker.task, worker.next, worker.stop, worker.since = task, start, stop, time.monotonic()

    def pump(self) -> None:
        """Take the results that are in (waiting for one at most until the next deadline)."""
        busy = [w for w in self.workers if w.task is not None]
        if not busy:
            self._assign()
            return
        timeout = None
        clocked = [w for w in busy if w.ready]
        if self.limit and clocked:
            timeout = max(0.0, min(w.since for w in clocked) + self.limit - time.monotonic())
        ready = wait([w.conn for w in busy], timeout)
        now = time.monotonic()
        for worker in busy:
            if worker.conn in ready:
                try:
                    index, result = worker.conn.recv()
                except (EOFError, OSError):
                    self._replace(worker, _death(worker))
                    continue
                if index < 0:
                    worker.ready, worker.since = True, now
                    continue
                worker.task.put(index, result)
                worker.next, worker.since = index + 1, now
                if worker.next >= worker.stop:
                    worker.task = None
            elif self.limit and worker.ready and now - worker.since > self.limit:
                self._replace(worker, self.overdue)
        self._assign()

    def _replace(self, worker: _Worker, reason: str) -> None:
        """Kill `worker`, report its item lost, send the rest of its task to a new worker."""
        task, index, stop = worker.task, worker.next, worker.stop
        _kill(worker)
        self.workers[self.workers.index(worker)] = _Worker(self.ctx, self.initializer, self.initargs)
        if task is None:
            return
        task.put(index, task.lost(task.items[index], reason))
        if index + 1 < stop:
            self.queue.appendleft((task, index + 1, stop))

    def shutdown(self, kill: bool = False) -> None:
        """Let the workers finish (or with `kill`, stop them now: SIGTERM first, so that a worker
        unwinds and removes the temp file it is writing, SIGKILL for one that does not stop)."""
        for worker in self.workers:
            if kill:
                if worker.process.is_alive():
                    os.kill(worker.process.pid, signal.SIGTERM)
                continue
            try:
                worker.conn.send(None)
            except OSError:
                pass
        if kill:
            end = time.monotonic() + 2
            for worker in self.workers:
                worker.process.join(timeout=max(0.0, end - time.monotonic()))
                _kill(worker)
        for worker in self.workers:
            worker.process.join(timeout=None if not kill else 5)
            worker.conn.close()
        self.workers = []


def _kill(worker: _Worker) -> None:
    if worker.process.is_alive():
        os.kill(worker.process.pid, signal.SIGKILL)
    worker.process.join()
    worker.conn.close()


def _death(worker: _Worker) -> str:
    worker.process.join(timeout=5)
    code = worker.process.exitcode
    if code is not None and code < 0:
        return f"its worker process died ({signal.Signals(-code).name})"
    return f"its worker process died (exit {code})"


class Inline:
    """The same interface, each item run at once in this process (no limit from outside)."""

    def __init__(self, initializer, initargs: tuple):
        initializer(*initargs)

    def submit(self, fn, items: list, *args, lost=None) -> Task:
        task = Task(self, fn, list(items), args, lost)
        for index, item in enumerate(task.items):
            task.put(index, fn(item, *args))
        return task

    def pump(self) -> None:
        pass

    def shutdown(self, kill: bool = False) -> None:
        pass


def call_with_limit(fn, args: tuple, limit: float | None):
    """`fn(*args)` in a forked child, killed after `limit` seconds: (True, result), or (False, why)
    when it ran over or died.  One fork per call (the child has the parent's loaded rules), for a
    command that cleans one page (`clean`) and must keep --timeout even inside a native call."""
    if not limit or os.name != "posix":
        return True, fn(*args)
    ctx = multiprocessing.get_context("fork")
    here, there = ctx.Pipe(duplex=False)

    def child():
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            there.send((True, fn(*args)))
        except BaseException as exc:  # noqa: BLE001 - handed to the parent to raise there
            there.send((None, exc))

    process = ctx.Process(target=child, daemon=True)
    process.start()
    there.close()
    try:
        if not here.poll(limit):
            return False, f"still running after {limit:g} s; stopped"
        ok, value = here.recv()
    except EOFError:
        process.join()
        return False, f"its process died (exit {process.exitcode})"
    finally:
        if process.is_alive():
            os.kill(process.pid, signal.SIGKILL)
        process.join()
        here.close()
    if ok is None:
        raise value
    return True, value
