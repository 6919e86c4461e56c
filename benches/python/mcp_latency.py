"""Latency per command of ``rcabox mcp`` as the official MCP client sees it, against ``bash -c``.

Run from the repository root, with the project's venv (PyPI ``mcp``) and a built binary::

    .venv/bin/python benches/python/mcp_latency.py [--rcabox target/release/rcabox]
        [--snapshot snapshots/Scenario-2] [--mix benches/mix/agent.txt] [--repeat 21] [--json]

``rcabox bench`` times its MCP rows with its own client; this is the independent check: the
client of the MCP Python SDK (the one ``tests/mcp.rs`` drives) over stdio, calling
``code_exec`` once per command, and ``bash -c`` started from the same Python process with the
snapshot as its working directory. Each command runs once on both sides untimed (the
warm-up), then ``--repeat`` times, the two sides alternating run by run so a slow spell of a
shared machine falls on both. The speed-up is bash's p50 over rcabox's; the summary is its
geometric mean over the mix.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import statistics
import subprocess
import sys
import time
from pathlib import Path

from mcp import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client


def read_mix(path: Path) -> list[str]:
    """The mix's commands: one a line, ``#`` comments and blank lines left out."""
    lines = (line.strip() for line in path.read_text().splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def run_bash(cmd: str, cwd: Path) -> float:
    """Wall time of one ``bash -c CMD`` in ``cwd``, in milliseconds."""
    start = time.perf_counter()
    subprocess.run(["bash", "-c", cmd], cwd=cwd, stdin=subprocess.DEVNULL,
                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    return (time.perf_counter() - start) * 1e3


async def measure(rcabox: str, snapshot: Path, mix: list[str], repeat: int) -> list[dict]:
    """Per command: p50 of rcabox through the MCP client and of ``bash -c``, in ms."""
    turns = str(len(mix) * (repeat + 1) + 10)
    params = StdioServerParameters(
        command=rcabox, args=["mcp", "--snapshot", str(snapshot), "--max-turns", turns])
    rows = []
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            for cmd in mix:
                first = await session.call_tool("code_exec", {"cmd": cmd})
                if first.is_error:
                    raise SystemExit(f"code_exec failed on {cmd!r}: {first.content}")
                run_bash(cmd, snapshot)
                ours, bash = [], []
                for _ in range(repeat):
                    start = time.perf_counter()
                    await session.call_tool("code_exec", {"cmd": cmd})
                    ours.append((time.perf_counter() - start) * 1e3)
                    bash.append(run_bash(cmd, snapshot))
                rows.append({"command": cmd, "rcabox_mcp_ms": statistics.median(ours),
                             "bash_ms": statistics.median(bash)})
    return rows


def main() -> None:
    """Parses the arguments, measures, prints a table or one JSON object."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rcabox", default="target/release/rcabox")
    ap.add_argument("--snapshot", type=Path, default=Path("snapshots/Scenario-2"))
    ap.add_argument("--mix", type=Path, default=Path("benches/mix/agent.txt"))
    ap.add_argument("--repeat", type=int, default=21)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if not Path(args.rcabox).is_file():
        sys.exit(f"mcp_latency: no binary at {args.rcabox}: run `cargo build --release` first")
    if not args.snapshot.is_dir():
        sys.exit(f"mcp_latency: no snapshot at {args.snapshot}: run `rcabox snapshot bundle`")
    rows = asyncio.run(measure(args.rcabox, args.snapshot.resolve(), read_mix(args.mix),
                               args.repeat))
    for r in rows:
        r["speedup"] = r["bash_ms"] / r["rcabox_mcp_ms"]
    geomean = math.exp(sum(math.log(r["speedup"]) for r in rows) / len(rows))
    if args.json:
        print(json.dumps({"commands": rows, "geomean_speedup_vs_bash": geomean}))
        return
    print("| command | rcabox mcp (MCP SDK client) | bash -c | speed-up |")
    print("|---|---|---|---|")
    for r in rows:
        print(f"| `{r['command'][:50]}` | {r['rcabox_mcp_ms']:.2f} | {r['bash_ms']:.2f} "
              f"| {r['speedup']:.2f}x |")
    print(f"| geometric mean | | | **{geomean:.2f}x** |")


if __name__ == "__main__":
    main()
