"""The ITBench example's Stirrup agent (examples/stirrup_itbench.py) against a real local model:
SmolLM2-135M behind llama.cpp's OpenAI-compatible server, the one tests/local_model.rs starts.
The model is tiny and often writes malformed calls; what must hold is that the episode runs to
its end through Stirrup and rcabox's provider and is scored, whatever the model answers."""

from __future__ import annotations

import asyncio
import importlib.util
import pathlib
import sys

import pytest

if sys.version_info < (3, 12):
    pytest.skip(f"Stirrup needs Python >= 3.12 and this is {sys.version.split()[0]}", allow_module_level=True)

from stirrup.clients.chat_completions_client import ChatCompletionsClient  # noqa: E402

from local_model import LocalModel  # noqa: E402

EXAMPLE = pathlib.Path(__file__).resolve().parents[2] / "examples" / "stirrup_itbench.py"


def test_the_stirrup_example_runs_against_a_local_model(snapshot: pathlib.Path, local_model: LocalModel) -> None:
    spec = importlib.util.spec_from_file_location("stirrup_itbench", EXAMPLE)
    assert spec is not None and spec.loader is not None
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    # Stirrup needs tool calls from the API; this chat format makes llama.cpp return them.
    base_url = local_model("chatml-function-calling")
    client = ChatCompletionsClient(
        model="smollm2", max_tokens=512, context_window_tokens=8192, base_url=base_url, api_key="none", max_retries=0
    )
    result = asyncio.run(example.investigate(snapshot, client, max_turns=4))
    score = result["score"]
    assert score is not None and 0.0 <= score["all_recall_ap"] <= 1.0
    print(f"stirrup + rcabox + local model: answer {result['answer']}, AP {score['all_recall_ap']}")
