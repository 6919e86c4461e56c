#!/usr/bin/env python3
"""A hostile `cmd:` agent (docs/AGENT_PROTOCOL.md) for the host memory measurement of
docs/SECURITY.md (H-MEM-PROCESS): every turn it sends 150 here-strings of a 10 MB variable, which
makes the host hold 1.5 GB for the command; after HOG_TURNS turns (default 3) it finishes.

    rcabox run --concurrency 64 --host-memory-mb 4096 --agent 'cmd:python3 scripts/memory_hog_agent.py'
"""
import json
import os
import sys

TURNS = int(os.environ.get("HOG_TURNS", "3"))
HEREDOCS = "".join(' 3<<<"$x"' for _ in range(150))
COMMAND = "x=$(head -c 10000000 /dev/zero | tr '\\0' a); true" + HEREDOCS + "; echo done"
ANSWER = {
    "entities": [{"name": "otel-demo/Service/cart", "contributing_factor": True, "reasoning": "-", "evidence": "-"}],
    "propagations": [],
    "alerts_explained": [],
}

for line in sys.stdin:
    turn = json.loads(line).get("turn", 1)
    if turn > TURNS:
        call = {"id": "finish", "name": "finish", "arguments": ANSWER}
    else:
        call = {"id": f"c{turn}", "name": "code_exec", "arguments": {"cmd": COMMAND}}
    sys.stdout.write(json.dumps({"content": "", "tool_calls": [call]}) + "\n")
    sys.stdout.flush()
