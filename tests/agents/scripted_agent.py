#!/usr/bin/env python3
"""A cmd: agent for the tests: counts the alert files, then blames the NetworkPolicy it finds."""
import json
import sys

for line in sys.stdin:
    req = json.loads(line)
    tool_msgs = [m for m in req["messages"] if m["role"] == "tool"]
    if not tool_msgs:
        call = {"id": "c1", "name": "code_exec", "arguments": {"cmd": "grep -o 'frontend-block-all-ports' /snapshot/k8s_objects_raw.tsv | head -1"}}
    else:
        out = tool_msgs[-1]["content"].split("<stdout>")[1].split("</stdout>")[0].strip()
        call = {"id": "c2", "name": "finish", "arguments": {"entities": [
            {"name": f"otel-demo/NetworkPolicy/{out}", "contributing_factor": True, "reasoning": "found", "evidence": out}]}}
    reply = {"content": f"turn {req['turn']}", "tool_calls": [call], "usage": {"input_tokens": 10, "output_tokens": 5, "reasoning_tokens": 0}}
    print(json.dumps(reply), flush=True)
