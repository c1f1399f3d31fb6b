"""The two engines that run shards: ``local`` (worker processes on this machine, or this
process for one job) and ``ray`` (Ray Data, on this machine or a Ray cluster). Both hand
each shard to :meth:`ShardWorker.run` and yield the results as shards finish."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from ..errors import MarsadError, SettingsError
from ..runtime import tune_gc_for_batch
from .readers import ShardSpec
from .worker import ShardResult, ShardWorker, WorkerContext

ENGINES = ("local", "ray")


def default_jobs() -> int:
    """The CPUs this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def run_shards(engine: str, todo: list[ShardSpec], context: WorkerContext, *,
               jobs: int | None = None, ray_address: str | None = None
               ) -> Iterator[ShardResult]:
    if engine == "local":
        return _local(todo, context, jobs or default_jobs())
    if engine == "ray":
        return _ray(todo, context, jobs, ray_address)
    raise SettingsError(name="engine", value=engine, detail=f"use one of {', '.join(ENGINES)}")


# -- local --------------------------------------------------------------------------------
_WORKER: dict[str, ShardWorker] = {}


def _init_local(context: WorkerContext) -> None:
    _WORKER["worker"] = ShardWorker(context)
    tune_gc_for_batch()  # a worker process of ours: it analyses shard after shard


def _run_local(spec: ShardSpec) -> ShardResult:
    return _WORKER["worker"].run(spec)


def _local(todo: list[ShardSpec], context: WorkerContext, jobs: int) -> Iterator[ShardResult]:
    if not todo:
        return
    if jobs <= 1:
        worker = ShardWorker(context)
        for spec in todo:
            yield worker.run(spec)
        return
    pool = ProcessPoolExecutor(min(jobs, len(todo)), initializer=_init_local,
                               initargs=(context,))
    try:
        # at most two shards in flight per worker: results come back as they finish
        pending: dict[Future[ShardResult], ShardSpec] = {}
        queue = iter(todo)
        while True:
            while len(pending) < 2 * jobs and (nxt := next(queue, None)) is not None:
                pending[pool.submit(_run_local, nxt)] = nxt
            if not pending:
                break
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in sorted(done, key=lambda f: pending[f].seq):
                spec = pending.pop(fut)
                try:
                    yield fut.result()
                except BrokenProcessPool as err:
                    raise MarsadError(detail=(
                        f"a worker process died while analysing shard {spec.id} ({err}); "
                        "the shards finished so far are kept: run the same command again "
                        "to resume, with fewer --jobs if memory ran out")) from err
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


# -- ray ----------------------------------------------------------------------------------
class _RayShardWorker:
    """A Ray Data actor: builds one :class:`ShardWorker` and runs the shards it is given."""

    def __init__(self, context: WorkerContext) -> None:
        self.worker = ShardWorker(context)
        tune_gc_for_batch()  # the actor's process only runs shards

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[str]]:
        results = [self.worker.run(ShardSpec.from_json(json.loads(str(spec))))
                   for spec in batch["spec"]]
        return {"result": [json.dumps(r.to_json()) for r in results]}


def _ray(todo: list[ShardSpec], context: WorkerContext, jobs: int | None,
         address: str | None) -> Iterator[ShardResult]:
    if not todo:
        return
    try:
        import ray
        import ray.data
    except ImportError as err:
        raise SettingsError(name="engine", value="ray", detail=(
            "Ray is not installed. Install it with: pip install 'marsad[ray]', or use "
            "--engine local")) from err
    started = False
    if not ray.is_initialized():
        options: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False,
                                   "logging_level": logging.ERROR}
        if address is None and not os.environ.get("RAY_ADDRESS"):
            # a local Ray of this machine's (or --jobs) CPUs
            options["num_cpus"] = jobs or default_jobs()
        ray.init(address=address, **options)
        started = True
    # quiet Ray Data for this run (marsad prints its own progress), as it was afterwards
    logger = logging.getLogger("ray.data")
    data_context = ray.data.DataContext.get_current()
    saved = (logger.level, data_context.enable_progress_bars,
             data_context.print_on_execution_start)
    logger.setLevel(logging.ERROR)
    data_context.enable_progress_bars = False
    data_context.print_on_execution_start = False
    try:
        cpus = ray.cluster_resources().get("CPU", 1)  # type: ignore[no-untyped-call]
        size = jobs or max(1, int(cpus))
        specs = ray.data.from_items([{"spec": json.dumps(s.to_json())} for s in todo],
                                    override_num_blocks=len(todo))
        ds = specs.map_batches(_RayShardWorker, fn_constructor_args=(context,), batch_size=1,
                            compute=ray.data.ActorPoolStrategy(size=min(size, len(todo))),
                            num_cpus=1)
        for row in ds.iter_rows():
            yield ShardResult.from_json(json.loads(str(row["result"])))
    finally:
        logger.setLevel(saved[0])
        data_context.enable_progress_bars, data_context.print_on_execution_start = saved[1:]
        if started:
            ray.shutdown()
