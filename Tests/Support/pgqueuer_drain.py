#!/usr/bin/env python3
"""Reference benchmark: pgqueuer draining N no-op jobs with W worker processes.

    python Tests/Support/pgqueuer_drain.py --dsn DSN --jobs N --workers W \
        [--batch-size 500] [--install]

It is the yardstick our own job queue is compared with, so it uses pgqueuer the way
pgqueuer documents for throughput, and nothing of ours:

1. --install installs pgqueuer's schema with pgqueuer's own installer (the same calls
   `pgq install` makes: Queries.schema_is_installed(), then Queries.install()), and skips
   it when the schema is already there. Without --install a missing schema is an error.
2. It empties pgqueuer's queue, log and statistics tables (TRUNCATE via Queries.clear_*),
   so every run starts alike, enqueues N jobs for the entrypoint "noop" with small
   payloads in batches of --enqueue-batch (one multi-row INSERT per batch, pgqueuer's
   batch enqueue), and ANALYZEs the queue table. None of this is timed.
3. It forks W worker processes. Each opens its own asyncpg connection (a single
   connection, not a pool: pgqueuer's performance guide says a QueueManager should own a
   dedicated connection) and runs a QueueManager with an async "noop" entrypoint that
   only counts its calls, in QueueExecutionMode.drain: the manager returns once no
   queued job is left and its in-flight jobs are done. The clock runs from just before the
   first process is started until the last one has exited.
4. It verifies that every job ran exactly once: the workers' call counts add up to N;
   pgqueuer_log holds exactly one 'queued', one 'picked' and one 'successful' row for
   every enqueued id and nothing else (a job claimed twice would leave a second
   'picked'); pgqueuer's statistics (pgqueuer_statistics, after pgqueuer's own
   aggregation) count N successful "noop" jobs; the queue table is empty. (A second
   completion of a job would not add a 'successful' row - its DELETE finds nothing - so
   the 'picked' rows and the call counts are what rule duplicates out.) Any mismatch
   prints the reason on stderr and exits 1.

stdout carries exactly one JSON line:
    {"jobs": N, "workers": W, "seconds": S, "rate": N/S, "pgqueuer": "<version>"}
Progress and a timing breakdown go to stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import sys
import time
import traceback
from datetime import timedelta

import asyncpg

import pgqueuer
from pgqueuer.db import AsyncpgDriver
from pgqueuer.models import Job
from pgqueuer.qm import QueueManager
from pgqueuer.queries import Queries
from pgqueuer.types import QueueExecutionMode

ENTRYPOINT = "noop"


def log(message: str) -> None:
    print(f"[pgqueuer_drain] {message}", file=sys.stderr, flush=True)


class BenchmarkError(Exception):
    """A failed precondition or verification; the message says which."""


# --------------------------------------------------------------------------- setup


async def prepare(args: argparse.Namespace) -> list[int]:
    """Install (if asked), empty pgqueuer's tables, enqueue N jobs. Returns their ids."""
    conn = await asyncpg.connect(args.dsn)
    try:
        queries = Queries(AsyncpgDriver(conn))
        installed = await queries.schema_is_installed()
        if args.install:
            if installed:
                log("pgqueuer schema already installed; skipping install")
            else:
                await queries.install()
                log("installed pgqueuer schema")
        elif not installed:
            raise BenchmarkError(
                "pgqueuer's schema is not installed in this database; pass --install"
            )

        names = queries.qbe.settings.qualified
        await queries.clear_queue()  # TRUNCATE pgqueuer
        await queries.clear_queue_log()  # TRUNCATE pgqueuer_log
        await queries.clear_statistics_log()  # TRUNCATE pgqueuer_statistics

        ids: list[int] = []
        started = time.perf_counter()
        for first in range(0, args.jobs, args.enqueue_batch):
            count = min(args.enqueue_batch, args.jobs - first)
            ids.extend(
                await queries.enqueue(
                    [ENTRYPOINT] * count,
                    [b'{"n":%d}' % n for n in range(first, first + count)],
                    [0] * count,
                )
            )
        await conn.execute(f"ANALYZE {names.queue_table}")
        queued = await conn.fetchval(
            f"SELECT count(*) FROM {names.queue_table} WHERE status = 'queued'"
        )
        if queued != args.jobs or len(set(ids)) != args.jobs:
            raise BenchmarkError(
                f"enqueue went wrong: asked for {args.jobs} jobs, "
                f"got {len(set(ids))} ids and {queued} queued rows"
            )
        log(f"enqueued {args.jobs} jobs in {time.perf_counter() - started:.2f}s (not timed)")
        return ids
    finally:
        await conn.close()


# --------------------------------------------------------------------------- workers


async def work(index: int, args: argparse.Namespace) -> dict[str, object]:
    spawned = time.monotonic()
    conn = await asyncpg.connect(args.dsn)
    try:
        qm = QueueManager(Queries(AsyncpgDriver(conn)))
        calls = 0

        @qm.entrypoint(ENTRYPOINT)
        async def noop(job: Job) -> None:
            nonlocal calls
            calls += 1

        run_start = time.monotonic()
        await qm.run(
            batch_size=args.batch_size,
            mode=QueueExecutionMode.drain,
            dequeue_timeout=timedelta(seconds=args.dequeue_timeout),
            # None = unlimited: no per-worker budget gate in the dequeue query.
            max_concurrent_tasks=None,
        )
        run_end = time.monotonic()
    finally:
        await conn.close()
    return {
        "worker": index,
        "calls": calls,
        "spawned": spawned,
        "run_start": run_start,
        "run_end": run_end,
    }


def worker_main(index: int, args: argparse.Namespace, pipe) -> None:  # type: ignore[no-untyped-def]
    """Entry point of a forked worker process; reports through *pipe*, exit code 1 on error."""
    try:
        result = asyncio.run(work(index, args))
    except BaseException:
        pipe.send({"worker": index, "error": traceback.format_exc()})
        pipe.close()
        sys.exit(1)
    pipe.send(result)
    pipe.close()


def run_workers(args: argparse.Namespace) -> tuple[float, list[dict[str, object]], float]:
    # fork: the children inherit the imported modules, so the clock measures
    # pgqueuer's work rather than W interpreters importing pydantic & co.
    # The parent has no event loop and no connection open at this point.
    ctx = multiprocessing.get_context("fork")
    pipes = []
    procs = []
    started = time.perf_counter()
    started_mono = time.monotonic()
    for index in range(args.workers):
        receiver, sender = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=worker_main, args=(index, args, sender), daemon=True)
        proc.start()
        sender.close()
        pipes.append(receiver)
        procs.append(proc)

    deadline = started + args.timeout
    results: list[dict[str, object]] = []
    for index, (proc, receiver) in enumerate(zip(procs, pipes)):
        # Read the report before join: the pipe must not be full when the child exits.
        remaining = max(0.0, deadline - time.perf_counter())
        if receiver.poll(remaining):
            try:
                results.append(receiver.recv())
            except EOFError:
                results.append({"worker": index, "error": "exited without a report"})
        else:
            results.append({"worker": index, "error": "no report before the timeout"})
        proc.join(max(0.0, deadline - time.perf_counter()))
    seconds = time.perf_counter() - started

    stuck = [p for p in procs if p.is_alive()]
    for proc in stuck:
        proc.kill()
        proc.join()
    if stuck:
        raise BenchmarkError(
            f"{len(stuck)} worker(s) still running after --timeout {args.timeout}s "
            "(drain mode did not stop them); killed"
        )
    errors = [r for r in results if "error" in r]
    for r in errors:
        log(f"worker {r['worker']} failed:\n{r['error']}")
    bad_exit = [(i, p.exitcode) for i, p in enumerate(procs) if p.exitcode != 0]
    if errors or bad_exit:
        raise BenchmarkError(f"worker failure (exit codes {bad_exit}); see above")
    return seconds, results, started_mono


# --------------------------------------------------------------------------- verification


async def verify(args: argparse.Namespace, ids: list[int], results: list[dict[str, object]]) -> None:
    problems: list[str] = []
    calls = [int(r["calls"]) for r in results]  # type: ignore[call-overload]
    if sum(calls) != args.jobs:
        problems.append(f"the noop entrypoint ran {sum(calls)} times (per worker {calls}), expected {args.jobs}")

    conn = await asyncpg.connect(args.dsn)
    try:
        queries = Queries(AsyncpgDriver(conn))
        names = queries.qbe.settings.qualified
        left = await conn.fetch(
            f"SELECT status::text, count(*) AS n FROM {names.queue_table} GROUP BY 1"
        )
        if left:
            problems.append(
                "queue table not empty: " + ", ".join(f"{r['status']}={r['n']}" for r in left)
            )
        # pgqueuer logs every transition: 'queued' (enqueue), 'picked' (dequeue) and the
        # outcome ('successful'). Exactly one of each per enqueued job, nothing else; a
        # job claimed twice would show a second 'picked' row.
        rows = await conn.fetch(
            f"""SELECT status::text AS status, count(*) AS n,
                       count(DISTINCT job_id) FILTER (WHERE job_id = ANY($1::bigint[])
                                                      AND entrypoint = $2) AS ours
                FROM {names.queue_table_log} GROUP BY 1""",
            ids,
            ENTRYPOINT,
        )
        by_status = {r["status"]: (r["n"], r["ours"]) for r in rows}
        for status in ("queued", "picked", "successful"):
            n, ours = by_status.pop(status, (0, 0))
            if n != args.jobs or ours != args.jobs:
                problems.append(
                    f"log has {n} {status!r} rows covering {ours} distinct enqueued jobs, "
                    f"expected {args.jobs} and {args.jobs}"
                )
        if by_status:
            problems.append(
                "unexpected log rows: " + ", ".join(f"{k}={v[0]}" for k, v in by_status.items())
            )
        # pgqueuer's own statistics view of the run (log_statistics aggregates first).
        stats = await queries.log_statistics(limit=None)
        successful = sum(s.count for s in stats if s.entrypoint == ENTRYPOINT and s.status == "successful")
        if successful != args.jobs:
            problems.append(f"pgqueuer_statistics counts {successful} successful jobs, expected {args.jobs}")
    finally:
        await conn.close()

    if problems:
        raise BenchmarkError("verification failed:\n  " + "\n  ".join(problems))
    log(f"verified: {args.jobs} jobs, each processed exactly once (per worker {calls})")


# --------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dsn", required=True, help="PostgreSQL DSN (asyncpg/libpq syntax)")
    parser.add_argument("--jobs", type=int, required=True, help="number of jobs N")
    parser.add_argument("--workers", type=int, required=True, help="number of worker processes W")
    parser.add_argument(
        "--batch-size", type=int, default=500,
        help="QueueManager.run(batch_size=...): jobs claimed per dequeue round trip; "
        "also the size at which a worker flushes its completion log (default 500)",
    )
    parser.add_argument("--install", action="store_true", help="install pgqueuer's schema unless present")
    parser.add_argument(
        "--enqueue-batch", type=int, default=5000, help="jobs per enqueue call (untimed; default 5000)"
    )
    parser.add_argument(
        "--dequeue-timeout", type=float, default=30.0,
        help="QueueManager.run(dequeue_timeout=...) in seconds: the wait for a NOTIFY when "
        "nothing is claimable (pgqueuer's default, 30)",
    )
    parser.add_argument(
        "--timeout", type=float, default=600.0,
        help="give up (exit 1) if the workers have not all exited after this many seconds",
    )
    args = parser.parse_args(argv)
    for name in ("jobs", "workers", "batch_size", "enqueue_batch"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        ids = asyncio.run(prepare(args))
        log(f"starting {args.workers} worker process(es), batch_size={args.batch_size}")
        seconds, results, started_mono = run_workers(args)
        first_run = min(float(r["run_start"]) for r in results)  # type: ignore[arg-type]
        last_end = max(float(r["run_end"]) for r in results)  # type: ignore[arg-type]
        log(
            f"wall {seconds:.3f}s = startup {first_run - started_mono:.3f}s (fork+connect) "
            f"+ drain {last_end - first_run:.3f}s (first run() start .. last run() return) "
            f"+ exit {started_mono + seconds - last_end:.3f}s"
        )
        asyncio.run(verify(args, ids, results))
    except BenchmarkError as exc:
        log(f"FAILED: {exc}")
        return 1
    print(
        json.dumps(
            {
                "jobs": args.jobs,
                "workers": args.workers,
                "seconds": round(seconds, 4),
                "rate": round(args.jobs / seconds, 1),
                "pgqueuer": pgqueuer.__version__,
            }
        ),
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
