"""One ITBench-AA-shaped episode with Stirrup: a Stirrup ``Agent`` with rcabox's sandbox as its
code-exec provider, 100 turns, a finish tool whose parameters are ITBench's
``agent_output.json``, the diagnosis scored by rcabox.

    pip install 'rcabox[stirrup]'    # or the repository: pip install '.[stirrup]'
    python examples/stirrup_itbench.py snapshots/Scenario-2 --model gpt-5 \\
        --base-url https://api.openai.com/v1 --api-key-env OPENAI_API_KEY

Any OpenAI-compatible server works (a local llama.cpp or vLLM at http://127.0.0.1:8080/v1 needs
no key). The snapshot is handed to the session as an input file: the provider mounts it
read-only in the working directory and hides its ground truth, which only the scorer reads.
The requests are the ones ``rcabox run --agent openai:MODEL`` sends (python/tests checks).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

from stirrup import Agent
from stirrup.clients.chat_completions_client import ChatCompletionsClient

import rcabox
from rcabox.stirrup import AgentOutput, RcaboxCodeExecToolProvider, itbench_finish_tool, itbench_prompts


async def investigate(
    snapshot: Path,
    client: ChatCompletionsClient,
    *,
    max_turns: int = 100,
    out_dir: Path | None = None,
    logger: Any = None,
) -> dict[str, Any]:
    """Run one episode over ``snapshot``; the diagnosis and its score (``answer`` is None when
    the agent did not finish within ``max_turns``)."""
    snapshot = snapshot.resolve()
    instructions, task = itbench_prompts(snapshot.name, max_turns)
    agent = Agent(
        client=client,
        name="itbench_sre",
        max_turns=max_turns,
        system_prompt=instructions,
        tools=[RcaboxCodeExecToolProvider()],
        finish_tool=itbench_finish_tool(),
        **({"logger": logger} if logger is not None else {}),
    )
    async with agent.session(input_files=str(snapshot), cache_on_interrupt=False) as session:
        finish, _history, metadata = await session.run(task)
    answer = finish.model_dump() if isinstance(finish, AgentOutput) else None
    if out_dir is not None and answer is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / "agent_output.json").write_text(json.dumps(answer, indent=2) + "\n")
    truth = snapshot / "ground_truth.yaml"
    score = rcabox.score(truth, answer if answer is not None else []) if truth.is_file() else None
    usage = metadata.get("token_usage")
    return {"answer": answer, "score": score, "tokens": str(usage) if usage is not None else None}


def main() -> int:
    """Command line: one snapshot, one model."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("snapshot", type=Path)
    p.add_argument("--model", required=True)
    p.add_argument("--base-url", required=True)
    p.add_argument("--api-key-env", help="environment variable holding the API key (none for a local server)")
    p.add_argument("--max-turns", type=int, default=100)
    p.add_argument("--max-tokens", type=int, default=16_000)
    p.add_argument("--context-window", type=int, default=128_000)
    p.add_argument("--out", type=Path, help="folder for agent_output.json")
    a = p.parse_args()
    client = ChatCompletionsClient(
        model=a.model,
        max_tokens=a.max_tokens,
        context_window_tokens=a.context_window,
        base_url=a.base_url,
        api_key=os.environ.get(a.api_key_env, "") if a.api_key_env else "none",
    )
    result = asyncio.run(investigate(a.snapshot, client, max_turns=a.max_turns, out_dir=a.out))
    score = result["score"]
    print(json.dumps({"answer": result["answer"], "all_recall_ap": score and score["all_recall_ap"]}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
