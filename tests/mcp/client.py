"""Drives `rcabox mcp` with the official MCP Python SDK (PyPI `mcp`), as any MCP client would.

Usage: client.py RCABOX SNAPSHOT TRAJECTORY ANSWER MAX_TURNS SCENARIO
Prints one JSON object with what it saw; tests/mcp.rs checks it against `rcabox exec`.
"""

import asyncio
import json
import os
import sys

from mcp import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client


def texts(result):
    return [c.text for c in result.content if c.type == "text"]


async def main(rcabox, snapshot, trajectory, answer, max_turns, scenario):
    params = StdioServerParameters(
        command=rcabox,
        args=["mcp", "--snapshot", snapshot, "--trajectory", trajectory,
              "--answer", answer, "--max-turns", max_turns],
        # "cold": the server sees this process's RCABOX_CACHE_DIR and RCABOX_BUILT_IN.
        env=dict(os.environ) if scenario == "cold" else None,
    )
    seen = {}
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            init = await session.initialize()
            seen["server"] = init.server_info.name
            tools = await session.list_tools()
            seen["tools"] = sorted(t.name for t in tools.tools)
            seen["finish_schema_required"] = next(
                t.input_schema.get("required") for t in tools.tools if t.name == "finish")
            if scenario == "cold":
                cache = os.environ["RCABOX_CACHE_DIR"]
                seen["cache_at_initialize"] = sorted(
                    os.listdir(cache)) if os.path.isdir(cache) else []
                r = await session.call_tool("code_exec", {"cmd": "echo ready"})
                seen["exec"] = texts(r)
                seen["cache_after_call"] = sorted(os.listdir(cache))
                return seen
            if scenario == "cap":
                for i in range(int(max_turns) + 1):
                    r = await session.call_tool("code_exec", {"cmd": f"echo {i}"})
                    seen.setdefault("calls", []).append(
                        {"texts": texts(r), "is_error": bool(r.is_error)})
                return seen
            r = await session.call_tool(
                "code_exec", {"cmd": "grep -c ERROR otel_logs_raw.tsv; ls alerts | head -3"})
            seen["exec"] = texts(r)
            r = await session.call_tool("code_exec", {"cmd": "cat /etc/shadow"})
            seen["escape"] = texts(r)
            r = await session.call_tool("code_exec", {"command": "ls"})
            seen["bad_args"] = {"texts": texts(r), "is_error": bool(r.is_error)}
            r = await session.call_tool("finish", {"entities": []})
            seen["bad_finish"] = {"texts": texts(r), "is_error": bool(r.is_error)}
            r = await session.call_tool("finish", {"entities": [
                {"name": "otel-demo/Deployment/product-catalog", "contributing_factor": True,
                 "reasoning": "errors start there", "evidence": "logs"}]})
            seen["finish"] = {"texts": texts(r), "is_error": bool(r.is_error)}
            r = await session.call_tool("code_exec", {"cmd": "true"})
            seen["after"] = {"texts": texts(r), "is_error": bool(r.is_error)}
    return seen


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(*sys.argv[1:7]))))
