"""The fork pool: forked workers fed through pipes, with no threads in the build's process."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest

from factsite.parallel.pool import SharedCounter, WorkerLost, can_fork, fork_pool
from factsite.parallel.stream import CHUNK, SMALLEST_CHUNK, chunked

pytestmark = pytest.mark.skipif(not can_fork(2), reason="this platform cannot fork")


_shared: SharedCounter | None = None


def _take_all() -> list[int]:
    assert _shared is not None
    taken = []
    while (number := _shared.take()) is not None:
        taken.append(number)
        time.sleep(0.0005)  # the others take some meanwhile
    return taken


def _square(number: int) -> int:
    return number * number


def _pid() -> int:
    return os.getpid()


def _fail(message: str) -> None:
    raise ValueError(message)


def _unsendable() -> object:
    return lambda: None  # a lambda cannot be pickled


def _sleep(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def test_map_gives_each_result_in_order_from_several_processes() -> None:
    with fork_pool(3) as pool:
        assert pool.map(_square, range(100), chunksize=7) == [n * n for n in range(100)]
        tasks = [pool.submit(_pid) for _ in range(6)]
        pids = {task.result() for task in tasks}
    assert len(pids) == 3 and os.getpid() not in pids


def test_tasks_go_to_the_worker_with_the_fewest_waiting() -> None:
    with fork_pool(2) as pool:
        tasks = [pool.submit(_pid) for _ in range(4)]
        pids = [task.result() for task in tasks]
    assert pids[0] == pids[2] != pids[1] == pids[3]


def test_what_a_call_raises_in_a_worker_is_raised_by_its_result_with_the_workers_traceback() -> None:
    with fork_pool(1) as pool:
        task = pool.submit(_fail, "no such record")
        with pytest.raises(ValueError, match="no such record") as raised:
            task.result()
        assert pool.submit(_square, 3).result() == 9  # the worker goes on
    notes = "".join(raised.value.__notes__)
    assert "in a worker process" in notes and "_fail" in notes


def test_a_result_that_cannot_be_sent_back_is_an_error_not_a_hang() -> None:
    with fork_pool(1) as pool, pytest.raises(RuntimeError, match="could not be sent back"):
        pool.submit(_unsendable).result()


def test_finished_does_not_wait_and_next_finished_does() -> None:
    with fork_pool(1) as pool:
        assert pool.finished() == [] and pool.next_finished() == []  # nothing pending
        task = pool.submit(_sleep, 0.3)
        started = time.monotonic()
        assert pool.finished() == []
        assert time.monotonic() - started < 0.2
        assert pool.next_finished() == [task]
        assert task.done() and task.result() == 0.3


def test_a_worker_that_dies_stops_the_caller_with_worker_lost() -> None:
    with pytest.raises(WorkerLost, match="stopped unexpectedly"), fork_pool(1) as pool:
        pool.submit(_die).result()


def test_leaving_the_pool_on_an_error_kills_busy_workers_at_once() -> None:
    started = time.monotonic()
    with pytest.raises(KeyError), fork_pool(2) as pool:
        pool.submit(_sleep, 30)
        pool.submit(_sleep, 30)
        raise KeyError("the build stopped")
    assert time.monotonic() - started < 10


def test_the_pool_starts_no_thread_in_this_process() -> None:
    before = threading.active_count()
    with fork_pool(2) as pool:
        pool.map(_square, range(10))
        assert threading.active_count() == before


def test_every_number_of_a_shared_counter_is_taken_once_by_whichever_process_is_free() -> None:
    global _shared
    _shared = SharedCounter(20_000)  # more than a pipe holds by default
    try:
        with fork_pool(2) as pool:
            tasks = [pool.submit(_take_all) for _ in range(2)]
            here = _take_all()
            there = [task.result() for task in tasks]
    finally:
        _shared.close()
        _shared = None
    assert sorted(here + there[0] + there[1]) == list(range(20_000))
    assert here and there[0] and there[1]
    assert all(numbers == sorted(numbers) for numbers in (here, *there))


@pytest.mark.parametrize(("jobs", "processes"), [(2107, 2), (21_000, 4), (300, 1), (5, 2), (0, 2), (2_000_000, 2)])
def test_chunks_cover_the_jobs_in_order_and_shrink_towards_the_end(jobs: int, processes: int) -> None:
    chunks = chunked(list(range(jobs)), processes)  # type: ignore[arg-type]
    assert [job for chunk in chunks for job in chunk] == list(range(jobs))
    sizes = [len(chunk) for chunk in chunks]
    assert all(size <= max(CHUNK, jobs // 8192) for size in sizes)
    assert all(size >= SMALLEST_CHUNK for size in sizes[:-1])
    assert sizes == sorted(sizes, reverse=True)
    if 1000 < jobs < 100_000:
        assert sizes[0] == CHUNK and sum(sizes[-processes:]) <= 2 * SMALLEST_CHUNK * processes
    assert len(chunks) <= 16_384  # what a pipe holds (the chunks' numbers: workers.SharedCounter)


def _big() -> bytes:
    return b"x" * (3 << 20)  # more than a pipe holds


def _now() -> float:
    return time.monotonic()


def test_taking_finished_results_now_and_then_keeps_a_worker_with_a_big_result_going() -> None:
    with fork_pool(1) as pool:
        big, after = pool.submit(_big), pool.submit(_now)
        deadline = time.monotonic() + 0.5
        while time.monotonic() < deadline:  # busy with other work, taking results now and then
            pool.finished()
            time.sleep(0.002)
        asked = time.monotonic()
        assert len(big.result()) == 3 << 20
        assert after.result() < asked  # the worker went on to its next task meanwhile
