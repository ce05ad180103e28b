"""Worker processes, forked: they inherit the loaded site, templates and plan instead of
receiving them pickled. Where the platform cannot fork, everything runs in one process.

The pool is our own, a pair of pipes per worker, and not multiprocessing's or concurrent.futures':
those keep two threads running in this process (which then compete with the rendering for the
interpreter, and make forking anything else risky: a thread may hold a lock a child inherits), and
importing them (with logging and subprocess) is a noticeable part of a small build's start."""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import struct
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Generic, NoReturn, TypeVar

PARALLEL_MINIMUM = 200
"""Below this many pages to render, starting workers costs more than it saves."""

_T = TypeVar("_T")
_HEADER = struct.Struct("<Q")
"""Each message on a pipe: its length, then a pickle."""
_PIPE_SIZE = 1 << 20
"""A worker's results wait in its pipe until this process takes them: a pipe this big (Linux's
limit for a user) holds a chunk's, so the worker goes on to its next task meanwhile (a bigger
result waits to be taken: see Pool.finished)."""


class WorkerLost(Exception):
    """A worker process died in the middle of a build (killed, e.g. by the out-of-memory killer).
    Its share of the work is lost, so the build stops instead of publishing, or waiting, forever."""


def can_fork(workers: int) -> bool:
    return workers > 1 and hasattr(os, "fork")


class Task(Generic[_T]):
    """A call handed to a worker; its result comes back through the worker's pipe."""

    def __init__(self, worker: _Worker) -> None:
        self._worker = worker
        self._answer: bytes | None = None
        """The worker's answer as it came (unpickled when first asked for: see Pool.finished)."""
        self._outcome: tuple[bool, Any] | None = None

    def done(self) -> bool:
        return self._answer is not None

    def result(self) -> _T:
        """The call's result (waiting for it), or what it raised in the worker."""
        while self._answer is None:
            self._worker.receive()
        if self._outcome is None:
            self._outcome = pickle.loads(self._answer)
        succeeded, value = self._outcome
        if not succeeded:
            raise value
        return value  # type: ignore[no-any-return]


class _Worker:
    """One forked process, its pipes (this process's ends) and the tasks it has not answered yet,
    in the order it takes them."""

    def __init__(self, pid: int, requests: int, results: int) -> None:
        self.pid, self.requests, self.results = pid, requests, results
        self.pending: list[Task[Any]] = []

    def send(self, function: Callable[..., Any], args: tuple[Any, ...]) -> Task[Any]:
        task: Task[Any] = Task(self)
        try:
            write_message(self.requests, (function, args))
        except OSError:  # its end of the pipe is closed: it died
            raise WorkerLost(_LOST) from None
        self.pending.append(task)
        return task

    def receive(self) -> Task[Any]:
        """Wait for the next answer and give it to its task."""
        answer = _read_bytes(self.results)
        if answer is None:
            raise WorkerLost(_LOST)
        task = self.pending.pop(0)
        task._answer = answer
        return task


_LOST = "a worker process stopped unexpectedly (was it killed, perhaps for lack of memory?)"


class Pool:
    """Forked worker processes, each with its own queue of tasks (a pipe): `submit` gives a task
    to the worker with the fewest waiting. No threads: results are read when asked for
    (`Task.result`, `finished`, `next_finished`)."""

    def __init__(self, workers: list[_Worker]) -> None:
        self._workers = workers

    def submit(self, function: Callable[..., _T], *args: Any) -> Task[_T]:
        worker = min(self._workers, key=lambda w: len(w.pending))
        return worker.send(function, args)

    def map(self, function: Callable[[Any], _T], items: Iterable[Any], chunksize: int = 1) -> list[_T]:
        """function(item) for each item, in order, in chunks of `chunksize` items per task."""
        listed = list(items)
        chunks = [listed[start : start + chunksize] for start in range(0, len(listed), chunksize)]
        tasks = [self.submit(_apply_each, function, chunk) for chunk in chunks]
        return [result for task in tasks for result in task.result()]

    def finished(self) -> list[Task[Any]]:
        """Tasks whose results have come back since last asked, without waiting for any.

        A worker whose results are not taken from its pipe waits once the pipe is full (a
        result can be bigger than a pipe holds): a process busy with other work calls this now
        and then, which takes them as they are (unpickling them is left for Task.result)."""
        return self._receive(timeout=0)

    def next_finished(self) -> list[Task[Any]]:
        """Wait until at least one task has finished (none if none is pending); as `finished`."""
        return self._receive(timeout=None) if any(w.pending for w in self._workers) else []

    def _receive(self, timeout: float | None) -> list[Task[Any]]:
        import select

        busy = {worker.results: worker for worker in self._workers if worker.pending}
        settled = []
        while busy:
            readable, _, _ = select.select(list(busy), [], [], timeout)
            if not readable:
                break
            for descriptor in readable:
                worker = busy[descriptor]
                settled.append(worker.receive())
                if not worker.pending:
                    del busy[descriptor]
            timeout = 0  # then take whatever else is there already
        return settled


class SharedCounter:
    """The numbers 0 to count - 1, taken in order by whichever process is free first (this one
    and workers forked while it is open): a pipe holding them all, closed for writing, so a
    process reads the next number (a read this small is atomic) or, once all are taken, nothing.
    Handing out work this way, no process waits for another to hand it some. (A pipe holds 16,384
    numbers; Linux makes room for up to 262,144.)"""

    _NUMBER = struct.Struct("<I")

    def __init__(self, count: int) -> None:
        reader, writer = os.pipe()
        try:
            data = b"".join(self._NUMBER.pack(number) for number in range(count))
            if len(data) > 65536:  # more than a pipe holds by default: ask for room
                import fcntl

                fcntl.fcntl(writer, fcntl.F_SETPIPE_SZ, len(data))
            os.write(writer, data)
        except BaseException:
            os.close(reader)
            raise
        finally:
            os.close(writer)
        self._reader = reader

    def take(self) -> int | None:
        data = os.read(self._reader, self._NUMBER.size)
        return self._NUMBER.unpack(data)[0] if data else None

    def close(self) -> None:
        os.close(self._reader)


@contextlib.contextmanager
def fork_pool(processes: int) -> Iterator[Pool]:
    """Forked workers that die with this process, and whose death stops the build (WorkerLost)
    instead of leaving it waiting for their results.

    They are forked with fork_child (Ctrl-C left to this process)."""
    workers: list[_Worker] = []
    finished = False
    try:
        for _ in range(processes):
            workers.append(_fork_worker(workers))
        yield Pool(workers)
        finished = True
    finally:
        for worker in workers:
            if not finished:  # an error or an interrupt: the work still queued is of no use
                with contextlib.suppress(OSError):
                    os.kill(worker.pid, signal.SIGKILL)
            os.close(worker.requests)  # a worker ends when its queue closes
        for worker in workers:
            os.close(worker.results)
            os.waitpid(worker.pid, 0)


def _fork_worker(siblings: list[_Worker]) -> _Worker:
    requests_read, requests_write = os.pipe()
    results_read, results_write = os.pipe()
    enlarge_pipe(results_write)
    pid = fork_child()
    if pid == 0:
        # This process's ends of every pipe: a worker holding a sibling's would keep that
        # sibling's queue open after this process closes it.
        inherited = [requests_write, results_read] + [fd for w in siblings for fd in (w.requests, w.results)]
        _serve(requests_read, results_write, inherited)  # never returns
    os.close(requests_read)
    os.close(results_write)
    return _Worker(pid, requests_write, results_read)


def enlarge_pipe(descriptor: int) -> None:
    """Room for a megabyte in a pipe (Linux's most by default; 64 kB otherwise), so a process that
    writes a result seldom waits for it to be read."""
    with contextlib.suppress(OSError, AttributeError):  # not Linux: the default size
        import fcntl

        fcntl.fcntl(descriptor, fcntl.F_SETPIPE_SZ, _PIPE_SIZE)


def _serve(requests: int, results: int, inherited: list[int]) -> NoReturn:
    """A worker: run each call from the queue and send back its result (or what it raised),
    until the queue closes; then end without running anything of the build's (os._exit)."""
    try:
        for descriptor in inherited:
            os.close(descriptor)
        while (message := read_message(requests)) is not None:
            function, args = message
            try:
                answer = (True, function(*args))
            except BaseException as error:  # noqa: BLE001 - sent back, raised by Task.result
                import traceback

                error.add_note("(in a worker process)\n" + "".join(traceback.format_exception(error)))
                answer = (False, error)
            try:
                write_message(results, answer)
            except (pickle.PicklingError, TypeError, AttributeError) as error:
                write_message(results, (False, RuntimeError(f"a worker's result could not be sent back: {error}")))
    finally:
        os._exit(0)


def fork_child() -> int:
    """os.fork for a child process (a worker, the template compiler) that dies with this one and
    leaves Ctrl-C to it: its pid here, 0 in the child.

    Ctrl-C reaches every process in the terminal's group; the build's main process stops its
    children itself. So Ctrl-C is held back while forking: the child inherits that, and ignores it
    before letting it through (see _start_worker), so a Ctrl-C that lands just as a child starts
    cannot print its traceback; this process gets it as soon as the child is forked."""
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        pid = os.fork()
        if pid == 0:
            try:
                _start_worker()
            except BaseException:  # noqa: BLE001 - never run the build's code in the child
                os._exit(1)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
    return pid


def _start_worker() -> None:
    """In a forked child: ignore Ctrl-C (the main process stops its children), and die with the
    main process."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    die_with_parent()


def _apply_each(function: Callable[[Any], _T], items: list[Any]) -> list[_T]:
    return [function(item) for item in items]


def write_message(descriptor: int, message: object) -> None:
    data = pickle.dumps(message, pickle.HIGHEST_PROTOCOL)
    view = memoryview(_HEADER.pack(len(data)) + data)
    while view:
        view = view[os.write(descriptor, view) :]


def read_message(descriptor: int) -> Any:
    """The next message, or None if the pipe closed (at a message's start or within one)."""
    data = _read_bytes(descriptor)
    return None if data is None else pickle.loads(data)


def _read_bytes(descriptor: int) -> bytes | None:
    """The next message, pickled, or None if the pipe closed."""
    header = _read_exactly(descriptor, _HEADER.size)
    return None if header is None else _read_exactly(descriptor, _HEADER.unpack(header)[0])


def _read_exactly(descriptor: int, size: int) -> bytes | None:
    chunks = []
    while size:
        chunk = os.read(descriptor, min(size, _PIPE_SIZE))
        if not chunk:
            return None
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """In a child process, before it starts work: if the build is killed, the child dies too,
    instead of writing on into a staging folder the next build removes, or waiting forever."""
    import ctypes  # (here, in the child: the build's own start does without it)

    with contextlib.suppress(OSError, AttributeError):  # not Linux's libc: nothing to do
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
