"""The ITBench example's Stirrup agent (examples/stirrup_itbench.py: rcabox's provider, the
ITBench finish tool, rcabox's scorer) against a real model: SmolLM2-135M under
llama-cpp-python's OpenAI-compatible server, the one tests/local_model.rs starts.

What a 135M model answers is not the point; the point is that real Stirrup, a real server's
replies (its tool-call ids, usage and finish reasons) and rcabox's provider go through a whole
episode without an error. Two facts of llama-cpp-python shape the test:
- its server takes a message's content only as a string, and Stirrup sends a list of text
  parts: `StringContentRelay` joins them, changing the representation and not the text;
- `chatml-function-calling` (the format that makes tool calls) ignores `max_tokens` inside its
  grammar, so the token budget is generous and the turns few."""

from __future__ import annotations

import asyncio
import pathlib
import sys
import time
from typing import Any

import pytest

if sys.version_info < (3, 12):
    pytest.skip(f"Stirrup needs Python >= 3.12 and this is {sys.version.split()[0]}", allow_module_level=True)

from stirrup.clients.chat_completions_client import ChatCompletionsClient  # noqa: E402

from local_model import LocalModel, StringContentRelay  # noqa: E402

#: Turns for the episode: one model call each at most.
MAX_TURNS = 3
#: A reply's budget; the grammar-constrained tool path ignores it (above).
MAX_TOKENS = 512
#: How long one model call may take on two loaded cores.
CALL_TIMEOUT = 900.0


def test_stirrup_agent_runs_an_episode_against_a_local_model(
    snapshot: pathlib.Path, stirrup_example: Any, local_model: LocalModel
) -> None:
    relay = StringContentRelay(local_model("chatml-function-calling"), CALL_TIMEOUT)
    try:
        client = ChatCompletionsClient(
            model="smollm2",
            max_tokens=MAX_TOKENS,
            context_window_tokens=8192,
            base_url=relay.base_url,
            api_key="none",
            timeout=CALL_TIMEOUT,
            max_retries=0,
            # Stirrup's documented pass-through: greedy decoding, so a run is repeatable.
            kwargs={"temperature": 0, "seed": 1},
        )
        started = time.monotonic()
        result = asyncio.run(stirrup_example.investigate(snapshot, client, max_turns=MAX_TURNS))
        elapsed = time.monotonic() - started
    finally:
        relay.stop()
    assert relay.requests, "Stirrup sent nothing to the model"
    assert all(s == 200 for s in relay.statuses), relay.statuses
    first = relay.requests[0]
    assert sorted(t["function"]["name"] for t in first["tools"]) == ["code_exec", "finish"]
    system = first["messages"][0]
    assert system["role"] == "system" and "You are an AI agent" in system["content"]
    assert "ground_truth.yaml" not in system["content"]
    assert len(relay.requests) <= MAX_TURNS
    if result["answer"] is None:
        assert result["score"] is None
    else:
        # A finish the model made is scored by rcabox against the hidden ground truth.
        assert 0.0 <= result["score"]["all_recall_ap"] <= 1.0
    print(f"Stirrup + llama.cpp: {len(relay.requests)} calls in {elapsed:.1f} s, answer {result['answer']!r:.160}")
