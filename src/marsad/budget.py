"""A per-document time budget that works in any thread (Ray runs tasks outside the main
thread, where ``SIGALRM`` cannot be used): a watchdog thread raises
:class:`DocumentTimeout` in the analysing thread when a document takes too long.

Like a signal handler, the exception arrives between two Python bytecodes, so a long
stretch inside one C call (one CRF tagging call) finishes first."""

from __future__ import annotations

import ctypes
import threading
import time
from types import TracebackType


class DocumentTimeout(BaseException):
    """Raised inside the analysing thread when its document is over budget. A
    BaseException, like KeyboardInterrupt, so that no ``except Exception`` on the way
    swallows it and lets the document run on."""


_set_async_exc = ctypes.pythonapi.PyThreadState_SetAsyncExc
# (thread id, exception class or NULL to clear); the call takes its own reference
_set_async_exc.argtypes = (ctypes.c_ulong, ctypes.c_void_p)
_set_async_exc.restype = ctypes.c_int


class TimeBudget:
    """``with budget: analyse(doc)`` raises :class:`DocumentTimeout` after ``seconds``.
    One watchdog thread per budget object, started on first use; ``seconds <= 0`` turns
    the budget off. Not re-entrant; use one object per analysing thread."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._cond = threading.Condition()
        self._deadline: float | None = None
        self._target = 0
        self._generation = 0
        self._fired = -1
        self._thread: threading.Thread | None = None
        # whether the watchdog waits with no deadline (it must then be woken up); while it
        # waits for a deadline it wakes up by itself and looks at the current one, so the
        # next document need not wake it (a wake-up per document cost a thread switch)
        self._idle = False

    def __enter__(self) -> TimeBudget:
        if self.seconds <= 0:
            return self
        with self._cond:
            if self._thread is None:
                self._thread = threading.Thread(target=self._watch, name="marsad-budget",
                                                daemon=True)
                self._thread.start()
            self._generation += 1
            self._target = threading.get_ident()
            self._deadline = time.monotonic() + self.seconds
            if self._idle:
                self._cond.notify()
        return self

    def __exit__(self, kind: type[BaseException] | None, err: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self.seconds <= 0:
            return
        with self._cond:
            self._deadline = None
            if self._fired == self._generation:
                # fired just as the document finished, or fired again while the first one
                # was on its way out: take back any exception not delivered yet
                _set_async_exc(self._target, None)

    def _watch(self) -> None:
        with self._cond:
            while True:
                if self._deadline is None:
                    self._idle = True
                    self._cond.wait()
                    self._idle = False
                    continue
                left = self._deadline - time.monotonic()
                if left > 0:
                    self._cond.wait(left)
                    continue
                _set_async_exc(self._target, id(DocumentTimeout))
                self._fired = self._generation
                # again shortly unless the thread leaves the budget: an exception that
                # arrives while a gc callback runs is swallowed ("Exception ignored in")
                self._deadline = time.monotonic() + 0.25
