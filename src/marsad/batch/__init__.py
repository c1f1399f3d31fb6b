"""Batch runs over archives of articles (``marsad run``): deterministic shards of the
input, analysed by worker processes (``local`` engine) or Ray Data (``ray`` engine) with
the same :class:`~marsad.pipeline.Pipeline`, written as sharded Parquet tables with a
manifest, resumable after a kill. See the README section "Batch runs and benchmarks"."""

from __future__ import annotations

from .engines import ENGINES
from .readers import ShardSpec, expand_inputs, plan_shards, read_shard
from .rows import TABLE_NAMES, document_rows
from .run import RunReport, run_batch
from .worker import ShardResult, WorkerContext

__all__ = ["ENGINES", "TABLE_NAMES", "RunReport", "ShardResult", "ShardSpec", "WorkerContext",
           "document_rows", "expand_inputs", "plan_shards", "read_shard", "run_batch"]
