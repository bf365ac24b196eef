"""The batch's worker pool: a worker stuck in one native call past the limit, or dead, is replaced."""
import hashlib
import os
import signal
import time

from cleannews.errors import InputError
from cleannews.limits import deadline
from cleannews.runs.pool import Pool


def _init():
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _work(item):
    """Under the same in-process alarm the pipeline uses; 'stuck' spends its time in one C call
    (PBKDF2, seconds long) that the alarm cannot interrupt, as a libxml2 XPath over a huge tree."""
    try:
        with deadline(0.2, item):
            if item == "stuck":
                hashlib.pbkdf2_hmac("sha256", b"x", b"salt", 200_000_000)
            if item == "dies":
                os.kill(os.getpid(), signal.SIGKILL)
        return f"done {item}"
    except InputError as exc:
        return f"timeout {exc.source}"


def test_a_worker_stuck_past_the_limit_is_replaced_and_the_rest_goes_on():
    pool = Pool(2, _init, (), limit=1.0)
    try:
        start = time.monotonic()
        first = pool.submit(_work, ["a", "stuck", "b", "c"], lost=lambda item, why: f"lost {item}: {why}")
        second = pool.submit(_work, ["d", "e"], lost=lambda item, why: f"lost {item}: {why}")
        assert first.result() == ["done a", "lost stuck: still running after 1 s; its worker was stopped",
                                  "done b", "done c"]
        assert second.result() == ["done d", "done e"]
        assert time.monotonic() - start < 10  # the C call alone runs for about a minute
    finally:
        pool.shutdown()


def test_a_worker_that_dies_costs_its_item_only():
    pool = Pool(1, _init, (), limit=None)
    try:
        task = pool.submit(_work, ["a", "dies", "b"], lost=lambda item, why: f"lost {item}: {why}")
        assert task.result() == ["done a", "lost dies: its worker process died (SIGKILL)", "done b"]
    finally:
        pool.shutdown()


def test_call_with_limit_stops_a_native_call_and_passes_results_and_errors():
    from cleannews.runs.pool import call_with_limit

    start = time.monotonic()
    assert call_with_limit(_work, ("stuck",), 1.0) == (False, "still running after 1 s; stopped")
    assert time.monotonic() - start < 10
    assert call_with_limit(_work, ("a",), 5.0) == (True, "done a")
    try:
        call_with_limit(int, ("x",), 5.0)
    except ValueError as exc:
        assert "invalid literal" in str(exc)
    else:
        raise AssertionError("the child's error is raised in the parent")


def test_call_with_limit_cleans_a_real_page_in_a_child(seed):
    """What `clean` can do to keep --timeout inside native calls: the page cleaned in a fork."""
    from functools import partial

    from cleannews.api import load_rules
    from cleannews.corpus.read import read_path
    from cleannews.limits import Limits
    from cleannews.pipeline import clean_document
    from cleannews.runs.pool import call_with_limit

    doc = read_path(seed["raw"])
    ok, cleaned = call_with_limit(partial(clean_document, limits=Limits()), (doc, load_rules()), 62.0)
    assert ok and cleaned.text == seed["clean"]
