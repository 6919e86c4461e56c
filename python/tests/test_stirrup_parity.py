"""What the model is sent: a Stirrup 0.2.1 ``Agent`` with rcabox's provider and ``rcabox run``
against the same scripted OpenAI-compatible server, request by request. Both must send the
same requests: the same system prompt (Stirrup's base prompt, the snapshot's files as input
files, rcabox's ITBench instructions), tools, tool results, error texts, warnings and nudges.

Compared as parsed JSON: the order of keys and the whitespace of the body are the HTTP
client's, not what the model reads (Stirrup's come from the openai SDK's serializer). One
difference is rcabox's on purpose (docs/AGENT_PROTOCOL.md): a message's text goes as a string
where Stirrup sends a list of one text part, which llama-cpp-python's server refuses for a
system message; `texts` below reads both as the same text."""

from __future__ import annotations

import asyncio
import json
import pathlib
import subprocess
import sys
from typing import Any

import pytest

if sys.version_info < (3, 12):
    pytest.skip(f"Stirrup needs Python >= 3.12 and this is {sys.version.split()[0]}", allow_module_level=True)

from stirrup.clients.chat_completions_client import ChatCompletionsClient  # noqa: E402
from stirrup.utils.logging import AgentLogger  # noqa: E402

from fake_openai import FakeOpenAI, call, reply  # noqa: E402

MAX_TURNS = 25
MAX_TOKENS = 1000

ANSWER = {"entities": [{"name": "otel-demo/ConfigMap/flagd-config", "contributing_factor": True}]}

#: Eight replies: a command with stderr and exit 3; two calls at once; prose; a failing command
#: beside arguments that are not JSON and a call without `cmd`; an unknown tool; a long output;
#: python3; finish together with a command (the command runs first).
REPLIES = [
    reply(call("c1", "code_exec", {"cmd": "echo out; echo err >&2; exit 3"})),
    reply(
        call("c2", "code_exec", {"cmd": "ls Scenario-2 | head -3"}),
        call("c3", "code_exec", {"cmd": "wc -l < Scenario-2/k8s_events_raw.tsv; cat Scenario-2/ground_truth.yaml"}),
        content="Looking around.",
    ),
    reply(content="Let me think about what I saw."),
    reply(
        call("c4", "code_exec", {"cmd": "cat missing.txt"}),
        call("c5", "code_exec", "{not json"),
        call("c6", "code_exec", {"command": "ls"}),
    ),
    reply(call("c7", "web_search", {"query": "flagd"})),
    reply(call("c8", "code_exec", {"cmd": "seq 1 30000"})),
    reply(call("c9", "code_exec", {"cmd": "python3 -c 'import json; print(json.dumps({\"a\": 6 * 7}))'"})),
    reply(call("c10", "finish", ANSWER), call("c11", "code_exec", {"cmd": "echo done > notes.txt"})),
]


class TolerantLogger(AgentLogger):
    """Stirrup's console logger parses every tool call's arguments and crashes the run on text
    that is not JSON (rcabox answers such a call): this one only skips the console line."""

    def assistant_message(self, turn: int, max_turns: int, assistant_message: Any) -> None:
        try:
            super().assistant_message(turn, max_turns, assistant_message)
        except json.JSONDecodeError:
            pass


def as_text(request: dict[str, Any]) -> dict[str, Any]:
    """The request with each message's list of text parts as the one string it holds: the
    documented difference, and only it (a list of anything else stays a list)."""
    out = json.loads(json.dumps(request))
    for m in out.get("messages", []):
        c = m.get("content")
        if isinstance(c, list) and len(c) == 1 and c[0].get("type") == "text":
            m["content"] = c[0]["text"]
    return out


def stirrup_requests(snapshot: pathlib.Path, example: Any) -> list[dict[str, Any]]:
    """The requests the ITBench example's Stirrup agent (examples/stirrup_itbench.py) sends."""
    server = FakeOpenAI(REPLIES)
    try:
        client = ChatCompletionsClient(
            model="fake-model",
            max_tokens=MAX_TOKENS,
            context_window_tokens=1_000_000,
            base_url=server.base_url,
            api_key="none",
        )
        result = asyncio.run(example.investigate(snapshot, client, max_turns=MAX_TURNS, logger=TolerantLogger()))
        assert result["answer"]["entities"][0]["name"] == ANSWER["entities"][0]["name"]
        assert result["score"]["all_recall_ap"] == 1.0
        return server.bodies()
    finally:
        server.close()


def rcabox_requests(snapshot: pathlib.Path, out: pathlib.Path) -> list[dict[str, Any]]:
    """The requests ``rcabox run --agent openai:...`` sends."""
    server = FakeOpenAI(REPLIES)
    try:
        rcabox = pathlib.Path(sys.executable).parent / "rcabox"
        done = subprocess.run(
            [
                str(rcabox), "run", "--agent", "openai:fake-model", "--base-url", server.base_url,
                "--snapshots", str(snapshot.parent), "--questions", snapshot.name, "--repeats", "1",
                "--max-turns", str(MAX_TURNS), "--max-tokens", str(MAX_TOKENS), "--out", str(out),
            ],
            capture_output=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stderr.decode()
        return server.bodies()
    finally:
        server.close()


def test_rcabox_run_sends_what_stirrup_sends(snapshot: pathlib.Path, stirrup_example: Any, tmp_path: pathlib.Path) -> None:
    raw = stirrup_requests(snapshot, stirrup_example)
    # Stirrup sends every text as a list of one text part.
    assert all(isinstance(m["content"], list) or m["content"] == "" for m in raw[-1]["messages"])
    theirs = [as_text(r) for r in raw]
    ours = rcabox_requests(snapshot, tmp_path / "run")
    assert all(isinstance(m["content"], str) for m in ours[-1]["messages"])
    assert len(theirs) == len(ours) == len(REPLIES)
    for i, (a, b) in enumerate(zip(theirs, ours)):
        for key in sorted(set(a) | set(b)):
            if key == "messages":
                continue
            assert a.get(key) == b.get(key), f"request {i + 1}: {key} differs"
        assert len(a["messages"]) == len(b["messages"]), f"request {i + 1}: message count"
        for j, (ma, mb) in enumerate(zip(a["messages"], b["messages"])):
            assert ma == mb, f"request {i + 1}, message {j}:\nstirrup {json.dumps(ma)[:2000]}\nrcabox  {json.dumps(mb)[:2000]}"
    # What the cases were meant to show is there.
    last = ours[-1]["messages"]
    texts = [m["content"] for m in last]
    assert any(t.startswith("<shell_results>\n<exit_code>3</exit_code>\n<stdout>out\n</stdout>\n<stderr>err\n</stderr>") for t in texts)
    assert "web_search is not a valid tool" in texts
    assert texts.count("Tool arguments are not valid") == 2
    assert "Please continue the task" in texts
    assert any("This content has been truncated from an original" in t for t in texts)
    assert any(t.startswith("You have 20 turns remaining") for t in texts)
    assert "Scenario-2/k8s_objects_raw.tsv" in last[0]["content"]
    # The ground truth is neither listed nor readable.
    assert "ground_truth" not in last[0]["content"]
    assert any("cat: Scenario-2/ground_truth.yaml: No such file or directory" in t for t in texts)


def test_the_finish_schema_is_the_pydantic_models(snapshot: pathlib.Path) -> None:
    from rcabox import _native
    from rcabox.stirrup import AgentOutput

    assert json.loads(_native.FINISH_SCHEMA) == AgentOutput.model_json_schema()
