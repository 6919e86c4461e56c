"""Latency per command and memory per sample of rcabox in the harnesses agents are evaluated in.

Run from the repository root, with the project's venv (the ``rcabox`` wheel, Stirrup, Inspect)::

    .venv/bin/python benches/python/harness_latency.py [--snapshot DIR] [--repeat N] [--mix FILE]
        [--against local,docker] [--samples 64] [--timeout SECONDS] [--json]

What it measures, side by side in one run, over one snapshot (default: the bundled
``snapshots/Scenario-2``, materialized with ``rcabox snapshot bundle`` when missing) and one
command mix (default: ``benches/mix/agent.txt``, the mix of ``rcabox bench``):

1. **Stirrup**: the wall time of ``await provider.run_command(cmd)`` per command of the mix, through
   ``rcabox.stirrup.RcaboxCodeExecToolProvider`` (the snapshot handed to ``upload_files``, so it is
   mounted read-only at ``/workspace/<name>``), Stirrup's ``LocalCodeExecToolProvider`` (host bash
   in its temp directory, the snapshot copied in by its ``upload_files``) and, when a Docker
   daemon answers, ``DockerCodeExecToolProvider`` (``docker exec`` into a container of the
   registry-free image ``deploy/container/peer-image.sh`` builds from this machine's own tools,
   plus coreutils ``timeout``, ``chown`` and ``realpath``, which the provider runs around every
   command; the image is built when missing). Every provider's working directory holds the
   snapshot as ``<name>/``, and each command runs as ``cd <name> || exit 97`` then the command.
2. **Inspect**: the wall time of ``await env.exec(["bash", "-c", cmd], cwd=...)`` through
   ``rcabox.inspect.RcaboxSandboxEnvironment`` (``sandbox="rcabox"``; the snapshot from the
   sample's ``rcabox_snapshot`` metadata, ``cwd="/snapshot"``), Inspect's built-in ``local``
   sandbox (``cwd`` = a copy of the snapshot in the sample's own directory) and, when a daemon and
   ``docker compose`` are there, Inspect's ``docker`` sandbox (a compose file over the same
   local image, ``x-local: true`` so nothing is pulled, the copy mounted read-only at
   ``/snapshot``).
3. **Memory per sample**: ``--samples`` sandboxes open at once in one fresh Python process
   (``sample_init`` each, in turn), then one command in each (``--memory-command``, with the
   snapshot as working directory) run concurrently with ``asyncio.gather``; the peak resident set
   (``/proc/self/status`` VmHWM and ``getrusage().ru_maxrss``) before and after, divided by the
   sample count. Done for rcabox's Inspect sandbox and for Inspect's ``local`` one, each in a
   process of its own started through ``sh`` (Linux carries a process's ``ru_maxrss`` across
   ``exec``, so a child exec'd straight from this process would start at its peak).

Every peer reads the same copy of the snapshot: the files rcabox shows, without the ones it
hides (ground truth, manifest), so ``ls`` or ``find`` see the same names on every side.

Method. Commands run in the mix's order, each first once on every side untimed (the warm-up;
its exit code and output are the ones compared), then ``--repeat`` timed runs per side. rcabox and
the host-bash peers alternate run by run (the order rotates), so a slow spell of a shared machine
falls on every side; the Docker peers run after them, since the daemon's work after an exec
slows whatever runs next (as in ``rcabox bench``). Each call has a timeout (``--timeout``, passed
to the provider, with a grace on top enforced by ``asyncio.wait_for``). Temporary directories,
containers and sandboxes are removed on the way out, also on errors and Ctrl-C.

Reading the output. Per section, one row per command: p50 and p90 in milliseconds per side
(nearest-rank percentiles over the timed runs, so with few runs p90 is close to the maximum),
then ``x <peer>``: the speed-up of rcabox over that peer for the command (the peer's p50 over
rcabox's p50; above 1 rcabox is faster). A ``!`` after a speed-up marks a command that ended with
another exit code on that peer, or timed out or failed on either side (left out of the mean; the
reason is printed under the row); ``~`` marks one whose stdout differed
from rcabox's (timestamps and owners in ``ls -la`` do; it is only a hint that both did the same
work). ``geomean`` is the geometric mean of the per-command speed-ups over the commands that
ended alike on both sides. A peer that cannot run here is skipped with one line saying why.
The memory table gives the peak resident set of the process before the samples (after imports),
after the first sample opened (rcabox loads its tool module then), and after all commands,
and the increase per sample: ``per sample`` over all of them, ``marginal`` without the first.
Inspect's ``local`` runs each command in a child process (``bash`` and the tools, a few MiB
each while they run), which these figures of the Python process leave out. ``--json`` prints one
JSON object with every figure (and each timed run) instead of tables; progress goes to stderr.

Two things to know when comparing. Inspect's call runs ``bash -c CMD`` as a program, so in rcabox
a second shell starts inside the sandbox for every call, where Stirrup's provider hands the
command text to the sandbox's shell directly; the host's bash execs a last simple command in
place. And the sandbox's clock is virtual: ``sleep`` takes no wall time in rcabox, so a mix with
sleeps measures nothing useful. Figures from a busy machine are not comparable with each other:
measure on an idle one.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import platform
import resource
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Awaitable, Callable, Optional, Sequence

REPO = Path(__file__).resolve().parents[2]
DEFAULT_SNAPSHOT = REPO / "snapshots" / "Scenario-2"
DEFAULT_MIX = REPO / "benches" / "mix" / "agent.txt"
PEER_IMAGE_SCRIPT = REPO / "deploy" / "container" / "peer-image.sh"

#: The image `rcabox bench --against docker` runs in (deploy/container/peer-image.sh builds it).
PEER_IMAGE = "rcabox-bench-peer"
#: That image plus what the harnesses' Docker providers run around each command: coreutils
#: `timeout` (Stirrup and Inspect wrap every command in it), `chown` and `realpath` (Stirrup fixes
#: file ownership with them when the session ends). Built FROM the local image, no registry.
HARNESS_IMAGE = "rcabox-bench-peer-harness"
HARNESS_TOOLS = ("timeout", "chown", "realpath")

#: Inspect's task name for the sandboxes opened here.
TASK = "harness-latency"
#: Seconds `asyncio.wait_for` allows past a call's own timeout before giving up on it.
GRACE = 30
#: The peers `--against` may name.
PEERS = ("local", "docker")

Log = Callable[[str], None]


# ----------------------------------------------------------------------------- statistics


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (as `rcabox bench` reports them); NaN for no values."""
    if not values:
        return math.nan
    v = sorted(values)
    i = min(max(math.ceil(p * len(v)), 1), len(v)) - 1
    return v[i]


def geometric_mean(values: Sequence[float]) -> Optional[float]:
    """The geometric mean, or None when there is nothing to average."""
    good = [x for x in values if x > 0 and math.isfinite(x)]
    if not good:
        return None
    return math.exp(sum(math.log(x) for x in good) / len(good))


def _r(x: Optional[float], digits: int = 3) -> Optional[float]:
    """A number rounded for JSON (None and NaN become None)."""
    if x is None or not math.isfinite(x):
        return None
    return round(x, digits)


# ----------------------------------------------------------------------------- the sides


@dataclass
class Outcome:
    """One call: its wall time, exit code (None when it raised or timed out) and stdout."""

    ms: float
    exit: Optional[int]
    error: Optional[str]
    stdout: str


class Side:
    """A sandbox a command runs in: rcabox or a peer, inside one harness."""

    def __init__(self, name: str, label: str, interleaved: bool, timeout: int) -> None:
        """``name``: the column (`rcabox`, `local`, `docker`); ``label``: what it runs."""
        self.name = name
        self.label = label
        self.interleaved = interleaved
        self.timeout = timeout

    async def call(self, cmd: str) -> tuple[Optional[int], Optional[str], str]:
        """Run ``cmd``: (exit code, error kind or None, stdout)."""
        raise NotImplementedError

    async def run(self, cmd: str) -> Outcome:
        """Run ``cmd`` once, timed, never raising for what the command or sandbox does."""
        start = time.perf_counter()
        try:
            code, error, out = await asyncio.wait_for(self.call(cmd), self.timeout + GRACE)
        except TimeoutError:
            code, error, out = None, "timeout", ""
        except Exception as e:  # a sandbox that refused the command: recorded, not fatal
            code, error, out = None, f"{type(e).__name__}: {e}".splitlines()[0][:200], ""
        ms = (time.perf_counter() - start) * 1000.0
        # A timeout, a limit or a refusal (Stirrup's error_kind) is no exit of the command's own.
        return Outcome(ms, None if error is not None else code, error, out)


class StirrupSide(Side):
    """``await provider.run_command(cmd)`` on a Stirrup ``CodeExecToolProvider`` whose working
    directory holds the snapshot as ``mount/``."""

    def __init__(
        self, name: str, label: str, provider: Any, mount: str, timeout: int, interleaved: bool
    ) -> None:
        """Wrap an entered provider."""
        super().__init__(name, label, interleaved, timeout)
        self.provider = provider
        self.prefix = f"cd {shlex.quote(mount)} || exit 97\n"

    async def call(self, cmd: str) -> tuple[Optional[int], Optional[str], str]:
        """The command in the snapshot's directory."""
        r = await self.provider.run_command(self.prefix + cmd, timeout=self.timeout)
        return r.exit_code, r.error_kind, r.stdout


class InspectSide(Side):
    """``await env.exec(["bash", "-c", cmd], cwd=cwd)`` on an Inspect ``SandboxEnvironment``."""

    def __init__(
        self, name: str, label: str, env: Any, cwd: str, timeout: int, interleaved: bool
    ) -> None:
        """Wrap a sample's environment."""
        super().__init__(name, label, interleaved, timeout)
        self.env = env
        self.cwd = cwd

    async def call(self, cmd: str) -> tuple[Optional[int], Optional[str], str]:
        """The command with the snapshot as working directory."""
        r = await self.env.exec(["bash", "-c", cmd], cwd=self.cwd, timeout=self.timeout)
        return r.returncode, None, r.stdout


@dataclass
class Row:
    """One command's runs on every side."""

    cmd: str
    warm: dict[str, Outcome] = field(default_factory=dict)
    runs: dict[str, list[Outcome]] = field(default_factory=dict)

    def p(self, side: str, q: float) -> float:
        """A percentile of a side's timed runs, in ms."""
        return percentile([o.ms for o in self.runs.get(side, [])], q)

    def exit(self, side: str) -> Optional[int]:
        """A side's exit code: the warm-up's, None if any run raised or timed out."""
        outs = [self.warm[side], *self.runs.get(side, [])]
        if any(o.exit is None for o in outs):
            return None
        return self.warm[side].exit

    def alike(self, peer: str) -> bool:
        """Whether rcabox and ``peer`` ended with the same exit code (and neither failed)."""
        return self.exit("rcabox") is not None and self.exit("rcabox") == self.exit(peer)

    def speedup(self, peer: str) -> Optional[float]:
        """rcabox's speed-up over ``peer``: the peer's p50 over rcabox's."""
        mine, theirs = self.p("rcabox", 0.5), self.p(peer, 0.5)
        if not (math.isfinite(mine) and math.isfinite(theirs)) or mine <= 0:
            return None
        return theirs / mine

    def to_json(self) -> dict[str, Any]:
        """The row as JSON."""
        sides: dict[str, Any] = {}
        for name, warm in self.warm.items():
            errors = sorted({o.error for o in [warm, *self.runs[name]] if o.exit is None and o.error})
            sides[name] = {
                "p50_ms": _r(self.p(name, 0.5)),
                "p90_ms": _r(self.p(name, 0.9)),
                "runs_ms": [_r(o.ms) for o in self.runs[name]],
                "warmup_ms": _r(warm.ms),
                "exit": self.exit(name),
                "error_kind": warm.error,
                "errors": errors,
                "stdout_same_as_rcabox": warm.stdout == self.warm["rcabox"].stdout,
            }
        peers = [n for n in self.warm if n != "rcabox"]
        return {
            "cmd": self.cmd,
            "sides": sides,
            "speedup_vs": {n: _r(self.speedup(n)) for n in peers},
            "ended_alike": {n: self.alike(n) for n in peers},
        }


async def measure(sides: list[Side], cmds: list[str], repeat: int, log: Log) -> list[Row]:
    """Every command on every side: one warm-up, then ``repeat`` timed runs; the interleaved
    sides alternate run by run, the others follow one after the other."""
    rows: list[Row] = []
    inter = [s for s in sides if s.interleaved]
    after = [s for s in sides if not s.interleaved]
    for i, cmd in enumerate(cmds):
        log(f"  [{i + 1}/{len(cmds)}] {shorten(cmd, 70)}")
        row = Row(cmd)
        for s in inter:
            row.warm[s.name] = await s.run(cmd)
            row.runs[s.name] = []
        for r in range(repeat):
            k = r % len(inter)
            for s in inter[k:] + inter[:k]:
                row.runs[s.name].append(await s.run(cmd))
        for s in after:
            row.warm[s.name] = await s.run(cmd)
            row.runs[s.name] = [await s.run(cmd) for _ in range(repeat)]
        rows.append(row)
    return rows


def alike_speedups(rows: list[Row], peer: str) -> list[float]:
    """rcabox's speed-ups over ``peer`` on the commands that ended alike on both."""
    out: list[float] = []
    for r in rows:
        x = r.speedup(peer)
        if r.alike(peer) and x is not None:
            out.append(x)
    return out


def section_json(title: str, sides: list[Side], rows: list[Row], skipped: list[str]) -> dict[str, Any]:
    """A section's figures as JSON."""
    peers = [s.name for s in sides if s.name != "rcabox"]
    return {
        "what": title,
        "sides": {s.name: s.label for s in sides},
        "skipped": skipped,
        "commands": [r.to_json() for r in rows],
        "geomean_speedup_vs": {n: _r(geometric_mean(alike_speedups(rows, n))) for n in peers},
        "commands_ended_alike": {n: sum(r.alike(n) for r in rows) for n in peers},
    }


# ----------------------------------------------------------------------------- snapshot


def materialize_default(log: Log) -> Path:
    """The bundled Scenario-2, written with `rcabox snapshot bundle` when missing."""
    if DEFAULT_SNAPSHOT.is_dir():
        return DEFAULT_SNAPSHOT
    log("snapshots/Scenario-2 is missing: running `rcabox snapshot bundle`")
    r = subprocess.run(
        [sys.executable, "-m", "rcabox", "snapshot", "bundle"],
        cwd=REPO, capture_output=True, text=True, timeout=900, check=False,
    )
    if r.returncode != 0:
        raise SystemExit(f"rcabox snapshot bundle failed: {r.stderr.strip()}")
    for line in reversed(r.stdout.split()):
        if (Path(line) / "Scenario-2").is_dir():
            return Path(line) / "Scenario-2"
    if DEFAULT_SNAPSHOT.is_dir():
        return DEFAULT_SNAPSHOT
    raise SystemExit(f"rcabox snapshot bundle did not say where Scenario-2 is: {r.stdout.strip()}")


def stage_visible_copy(snapshot: Path, dest: Path) -> int:
    """Copy to ``dest`` the files of ``snapshot`` that an rcabox sandbox shows (without the ones
    it hides), so every peer reads what rcabox reads; returns the number of files."""
    import rcabox

    sb = rcabox.Sandbox(str(snapshot))
    count = 0
    stack = [""]
    dest.mkdir(parents=True)
    while stack:
        rel = stack.pop()
        for name in sb.list_dir(f"/snapshot/{rel}" if rel else "/snapshot"):
            child = f"{rel}/{name}" if rel else name
            if sb.is_dir(f"/snapshot/{child}"):
                (dest / child).mkdir()
                stack.append(child)
            else:
                shutil.copy2(snapshot / child, dest / child)
                count += 1
    return count


def read_mix(path: Path) -> list[str]:
    """The commands of a mix: one a line, blank lines and `#` comments left out."""
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line and not line.startswith("#")]


# ----------------------------------------------------------------------------- docker


def _run(argv: list[str], timeout: float, cwd: Optional[Path] = None) -> subprocess.CompletedProcess[str]:
    """A command's result; a missing program or a timeout comes back as exit 127 / 124."""
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, cwd=cwd, check=False)
    except FileNotFoundError as e:
        return subprocess.CompletedProcess(argv, 127, "", str(e))
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess(argv, 124, "", f"{argv[0]} {argv[1]}: no answer in {timeout:.0f} s")


def _run_group(argv: list[str], timeout: float) -> subprocess.CompletedProcess[str]:
    """Like :func:`_run`, in a process group of its own, all of which is killed on a timeout or an
    interrupt (so a child's children do not outlive it)."""
    proc = subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except BaseException as e:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        if isinstance(e, subprocess.TimeoutExpired):
            return subprocess.CompletedProcess(argv, 124, "", f"no answer in {timeout:.0f} s")
        raise
    return subprocess.CompletedProcess(argv, proc.returncode, out, err)


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1].strip()[:200] if lines else "no output"


def docker_usable() -> Optional[str]:
    """None when a Docker daemon answers, else why not."""
    if shutil.which("docker") is None:
        return "no docker client on PATH"
    r = _run(["docker", "info", "--format", "{{.ServerVersion}}"], 30)
    if r.returncode != 0:
        return f"no daemon answers `docker info` ({shorten(_last_line(r.stderr), 90)})"
    return None


def _image_exists(tag: str) -> bool:
    return _run(["docker", "image", "inspect", tag], 60).returncode == 0


def _copy_with_libs(path: str, root: Path, dest: str) -> None:
    """Copy the program ``path`` to ``root/dest`` and every library it links to ``root`` at its
    own path (the layout deploy/container/peer-image.sh uses)."""
    target = root / dest.lstrip("/")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(os.path.realpath(path), target)
    ldd = _run(["ldd", path], 30).stdout
    for line in ldd.splitlines():
        parts = line.split()
        lib = parts[2] if len(parts) >= 3 and parts[1] == "=>" else (parts[0] if parts else "")
        if lib.startswith("/") and os.path.exists(lib):
            out = root / lib.lstrip("/")
            if not out.exists():
                out.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(os.path.realpath(lib), out)


def ensure_harness_image(log: Log) -> tuple[Optional[str], Optional[str]]:
    """(the image the Docker peers run in, None) or (None, why there is none). Builds
    `rcabox-bench-peer` with deploy/container/peer-image.sh when missing, then the small layer
    over it with what the harnesses' providers need (a cached build when nothing changed)."""
    if not _image_exists(PEER_IMAGE):
        log(f"building {PEER_IMAGE} with {PEER_IMAGE_SCRIPT.relative_to(REPO)} (FROM scratch, no registry)")
        r = _run(["bash", str(PEER_IMAGE_SCRIPT), PEER_IMAGE], 1200, cwd=REPO)
        if r.returncode != 0:
            return None, f"building {PEER_IMAGE} failed: {_last_line(r.stderr or r.stdout)}"
    with tempfile.TemporaryDirectory(prefix="rcabox-harness-image-") as ctx:
        root = Path(ctx) / "rootfs"
        for tool in HARNESS_TOOLS:
            found = shutil.which(tool)
            if found is None:
                return None, f"`{tool}` is not on this machine, and the providers run it in the container"
            _copy_with_libs(found, root, f"/usr/bin/{tool}")
        (Path(ctx) / "Dockerfile").write_text(f"FROM {PEER_IMAGE}\nCOPY rootfs/ /\n", encoding="utf-8")
        r = _run(["docker", "build", "-q", "-t", HARNESS_IMAGE, ctx], 600)
        if r.returncode != 0:
            return None, f"building {HARNESS_IMAGE} failed: {_last_line(r.stderr or r.stdout)}"
    return HARNESS_IMAGE, None


def compose_file(directory: Path, image: str, snapshot_copy: Path) -> Path:
    """A compose file for Inspect's docker sandbox: one `default` service of the local image,
    never pulled, no network, the snapshot copy read-only at /snapshot."""
    path = directory / "compose.yaml"
    path.write_text(
        "services:\n"
        "  default:\n"
        f"    image: {json.dumps(image)}\n"
        "    x-local: true\n"
        '    command: ["sleep", "infinity"]\n'
        "    network_mode: none\n"
        "    working_dir: /snapshot\n"
        "    stop_grace_period: 1s\n"
        "    volumes:\n"
        "      - type: bind\n"
        f"        source: {json.dumps(str(snapshot_copy))}\n"
        "        target: /snapshot\n"
        "        read_only: true\n",
        encoding="utf-8",
    )
    return path


@dataclass
class Docker:
    """Whether the Docker peers can run, decided once for both sections."""

    image: Optional[str] = None
    reason: Optional[str] = None


def docker_peer(log: Log) -> Docker:
    """The image for the Docker peers, or why they are skipped."""
    reason = docker_usable()
    if reason is not None:
        return Docker(reason=reason)
    image, reason = ensure_harness_image(log)
    return Docker(image=image, reason=reason)


# ----------------------------------------------------------------------------- sections


async def stirrup_section(
    snapshot: Path, stage: Path, cmds: list[str], args: argparse.Namespace, docker: Docker, log: Log
) -> dict[str, Any]:
    """Section 1: `provider.run_command` on rcabox's Stirrup provider and Stirrup's own."""
    from rcabox.stirrup import RcaboxCodeExecToolProvider
    from stirrup.tools.code_backends.local import LocalCodeExecToolProvider

    t: int = args.timeout
    skipped: list[str] = []
    sides: list[Side] = []
    async with contextlib.AsyncExitStack() as stack:
        rc = RcaboxCodeExecToolProvider(shell_timeout=t)
        await stack.enter_async_context(rc)
        up = await rc.upload_files(snapshot)
        if up.failed or rc.mount_name is None:
            raise SystemExit(f"rcabox upload_files({snapshot}) failed: {up.failed}")
        sides.append(StirrupSide("rcabox", "RcaboxCodeExecToolProvider", rc, rc.mount_name, t, True))
        if "local" in args.against:
            lp = LocalCodeExecToolProvider(shell_timeout=t)
            await stack.enter_async_context(lp)
            up = await lp.upload_files(stage)
            if up.failed:
                raise SystemExit(f"LocalCodeExecToolProvider upload_files failed: {up.failed}")
            sides.append(StirrupSide("local", "LocalCodeExecToolProvider (host bash)", lp, stage.name, t, True))
        if "docker" in args.against:
            if docker.image is None:
                skipped.append(f"stirrup docker: skipped, {docker.reason}")
            else:
                try:
                    from stirrup.tools.code_backends.docker import DockerCodeExecToolProvider
                except ImportError:
                    skipped.append(
                        "stirrup docker: skipped, the `docker` Python package is missing "
                        "(pip install 'stirrup[docker]')"
                    )
                else:
                    dp = DockerCodeExecToolProvider.from_image(docker.image, shell_timeout=t)
                    try:
                        await stack.enter_async_context(dp)
                        up = await dp.upload_files(stage)
                        if up.failed:
                            raise RuntimeError(f"upload_files failed: {up.failed}")
                    except Exception as e:
                        why = _last_line(str(e))
                        skipped.append(f"stirrup docker: skipped, the provider did not start: {why}")
                    else:
                        label = f"DockerCodeExecToolProvider ({docker.image})"
                        sides.append(StirrupSide("docker", label, dp, stage.name, t, False))
        for line in skipped:
            log(line)
        log(f"stirrup: {', '.join(s.name for s in sides)}")
        rows = await measure(sides, cmds, args.repeat, log)
    what = "await provider.run_command(cmd) through Stirrup CodeExecToolProviders"
    return section_json(what, sides, rows, skipped)


async def inspect_section(
    snapshot: Path, stage: Path, cmds: list[str], args: argparse.Namespace, docker: Docker, log: Log
) -> dict[str, Any]:
    """Section 2: `env.exec(["bash", "-c", cmd])` on rcabox's Inspect sandbox and Inspect's own."""
    from inspect_ai.util._sandbox.registry import registry_find_sandboxenv
    from rcabox.inspect import SNAPSHOT_KEY, RcaboxSandboxEnvironment

    t: int = args.timeout
    skipped: list[str] = []
    sides: list[Side] = []
    async with contextlib.AsyncExitStack() as stack:
        envs = await RcaboxSandboxEnvironment.sample_init(TASK, None, {SNAPSHOT_KEY: str(snapshot)})
        stack.push_async_callback(RcaboxSandboxEnvironment.sample_cleanup, TASK, None, envs, False)
        sides.append(InspectSide("rcabox", 'sandbox="rcabox"', envs["default"], "/snapshot", t, True))
        if "local" in args.against:
            local: Any = registry_find_sandboxenv("local")
            await local.task_init(TASK, None)
            stack.push_async_callback(local.task_cleanup, TASK, None, True)
            lenvs = await local.sample_init(TASK, None, {})
            stack.push_async_callback(local.sample_cleanup, TASK, None, lenvs, False)
            env = lenvs["default"]
            copy = Path(env.directory.name) / stage.name
            shutil.copytree(stage, copy)
            sides.append(InspectSide("local", 'sandbox="local" (host bash)', env, str(copy), t, True))
        if "docker" in args.against:
            reason = docker.reason
            if reason is None and _run(["docker", "compose", "version"], 30).returncode != 0:
                reason = "`docker compose` is missing (Inspect's docker sandbox drives Compose)"
            if reason is not None or docker.image is None:
                skipped.append(f"inspect docker: skipped, {reason}")
            else:
                work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="rcabox-inspect-docker-")))
                config = str(compose_file(work, docker.image, stage))
                dk: Any = registry_find_sandboxenv("docker")
                try:
                    await dk.task_init(TASK, config)
                    stack.push_async_callback(dk.task_cleanup, TASK, config, True)
                    denvs = await dk.sample_init(TASK, config, {})
                    stack.push_async_callback(dk.sample_cleanup, TASK, config, denvs, False)
                except Exception as e:
                    skipped.append(f"inspect docker: skipped, the sandbox did not start: {_last_line(str(e))}")
                else:
                    label = f'sandbox="docker" ({docker.image})'
                    sides.append(InspectSide("docker", label, denvs["default"], "/snapshot", t, False))
        for line in skipped:
            log(line)
        log(f"inspect: {', '.join(s.name for s in sides)}")
        rows = await measure(sides, cmds, args.repeat, log)
    what = 'await env.exec(["bash", "-c", cmd]) through Inspect SandboxEnvironments'
    return section_json(what, sides, rows, skipped)


# ----------------------------------------------------------------------------- memory


def rss() -> dict[str, Optional[int]]:
    """This process's memory now, in KiB: current and peak resident set (/proc/self/status) and
    getrusage's peak."""
    status: dict[str, int] = {}
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                status[key] = int(value.split()[0])
    return {
        "vm_rss_kib": status.get("VmRSS"),
        "vm_hwm_kib": status.get("VmHWM"),
        "ru_maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }


async def memory_child(
    kind: str, snapshot: Path, stage: Path, samples: int, cmd: str, timeout: int
) -> dict[str, Any]:
    """In a fresh process: open ``samples`` sandboxes of ``kind`` one after the other, run ``cmd``
    in all of them at once, and report the peak resident set before, after the first and after."""
    from inspect_ai.util._sandbox.registry import registry_find_sandboxenv
    from rcabox.inspect import SNAPSHOT_KEY, RcaboxSandboxEnvironment

    cls: Any = RcaboxSandboxEnvironment if kind == "rcabox" else registry_find_sandboxenv("local")
    metadata = {SNAPSHOT_KEY: str(snapshot)} if kind == "rcabox" else {}
    cwd = "/snapshot" if kind == "rcabox" else str(stage)
    before = rss()
    opened: list[dict[str, Any]] = []
    start = time.perf_counter()
    await cls.task_init(TASK, None)
    try:
        first: Optional[dict[str, Optional[int]]] = None
        for _ in range(samples):
            opened.append(await cls.sample_init(TASK, None, metadata))
            if first is None:
                first = rss()
        open_s = time.perf_counter() - start
        all_open = rss()
        start = time.perf_counter()
        calls = [e["default"].exec(["bash", "-c", cmd], cwd=cwd, timeout=timeout) for e in opened]
        results = await asyncio.gather(
            *(asyncio.wait_for(c, timeout + GRACE) for c in calls), return_exceptions=True
        )
        run_s = time.perf_counter() - start
        after = rss()
    finally:
        for e in opened:
            with contextlib.suppress(Exception):
                await cls.sample_cleanup(TASK, None, e, False)
        with contextlib.suppress(Exception):
            await cls.task_cleanup(TASK, None, True)
    ok = sum(1 for r in results if not isinstance(r, BaseException) and r.returncode == 0)
    errors = sorted({f"{type(r).__name__}: {r}"[:200] for r in results if isinstance(r, BaseException)})
    return {
        "before": before,
        "after_first": first,
        "all_open": all_open,
        "after": after,
        "commands_ok": ok,
        "errors": errors,
        "open_s": round(open_s, 3),
        "run_s": round(run_s, 3),
    }


def memory_summary(kind: str, samples: int, raw: dict[str, Any]) -> dict[str, Any]:
    """Per-sample figures (MiB) from a memory child's readings."""

    def mib(reading: Optional[dict[str, Any]], key: str) -> Optional[float]:
        v = reading.get(key) if reading else None
        return v / 1024.0 if isinstance(v, (int, float)) else None

    def delta(a: Optional[float], b: Optional[float], n: int) -> Optional[float]:
        return (b - a) / n if a is not None and b is not None and n > 0 else None

    out: dict[str, Any] = {"samples": samples, "commands_ok": raw["commands_ok"], "errors": raw["errors"]}
    for key, name in (("vm_hwm_kib", "vm_hwm"), ("ru_maxrss_kib", "ru_maxrss")):
        b, f, a = mib(raw["before"], key), mib(raw["after_first"], key), mib(raw["after"], key)
        out[name] = {
            "before_mib": _r(b, 1),
            "after_first_mib": _r(f, 1),
            "after_mib": _r(a, 1),
            "per_sample_mib": _r(delta(b, a, samples), 2),
            "marginal_per_sample_mib": _r(delta(f, a, samples - 1), 2),
        }
    out["vm_rss_after_mib"] = _r(mib(raw["after"], "vm_rss_kib"), 1)
    out["open_s"] = raw["open_s"]
    out["run_s"] = raw["run_s"]
    return out


def memory_section(snapshot: Path, stage: Path, args: argparse.Namespace, log: Log) -> dict[str, Any]:
    """Section 3: one fresh process per kind, so earlier sections leave no peak behind."""
    kinds = ["rcabox"] + (["local"] if "local" in args.against else [])
    result: dict[str, Any] = {
        "what": f"{args.samples} Inspect sandboxes open at once in one process, "
        f"`{args.memory_command}` in each",
        "command": args.memory_command,
        "kinds": {},
        "skipped": [],
    }
    for kind in kinds:
        log(f"memory: {args.samples} {kind} samples in a fresh process")
        # Through `sh`, which forks the child: a process exec'd straight from this one would start
        # with this process's peak as its getrusage peak (Linux keeps it across exec).
        argv = [
            "/bin/sh", "-c", '"$@"; exit $?', "sh",
            sys.executable, str(Path(__file__).resolve()), "--memory-child", kind,
            "--snapshot", str(snapshot), "--stage", str(stage), "--samples", str(args.samples),
            "--memory-command", args.memory_command, "--timeout", str(args.timeout),
        ]
        r = _run_group(argv, timeout=120 + 2 * args.timeout + 2 * args.samples)
        try:
            raw = json.loads(r.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            line = f"memory {kind}: failed, {_last_line(r.stderr or r.stdout)}"
            result["skipped"].append(line)
            log(line)
            continue
        result["kinds"][kind] = memory_summary(kind, args.samples, raw)
    return result


# ----------------------------------------------------------------------------- report


def shorten(text: str, width: int) -> str:
    """One line of at most ``width`` characters."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def fmt(x: Optional[float], spec: str = "8.2f") -> str:
    """A number for a table, `-` for none."""
    width = int(spec.split(".")[0]) if spec[0].isdigit() else 8
    return format(x, spec) if x is not None and math.isfinite(x) else "-".rjust(width)


def print_section(title: str, sec: dict[str, Any], repeat: int) -> None:
    """A latency section as a table."""
    names = list(sec["sides"])
    peers = [n for n in names if n != "rcabox"]
    print(f"\n{title}  (ms; p50 and p90 of {repeat} warm runs each)")
    for name, label in sec["sides"].items():
        print(f"  {name:<7} {label}")
    for line in sec["skipped"]:
        print(f"  {line}")
    w = 46
    head = f"{'command':<{w}}" + "".join(f" {n + ' p50':>10} {'p90':>8}" for n in names)
    head += "".join(f" {'x ' + n:>9}" for n in peers)
    print(head)
    print("-" * len(head))
    for row in sec["commands"]:
        line = f"{shorten(row['cmd'], w):<{w}}"
        for n in names:
            s = row["sides"][n]
            line += f" {fmt(s['p50_ms'], '10.2f')} {fmt(s['p90_ms'])}"
        for n in peers:
            mark = " "
            if not row["ended_alike"][n]:
                mark = "!"
            elif not row["sides"][n]["stdout_same_as_rcabox"]:
                mark = "~"
            line += f" {fmt(row['speedup_vs'][n], '8.2f')}{mark}"
        print(line)
        for n in names:
            s = row["sides"][n]
            if s["errors"] or (s["exit"] is not None and n != "rcabox" and not row["ended_alike"][n]):
                why = "; ".join(s["errors"]) or f"exit {s['exit']} (rcabox {row['sides']['rcabox']['exit']})"
                print(f"    {n}: {why}")
    for n in peers:
        g = sec["geomean_speedup_vs"][n]
        alike = sec["commands_ended_alike"][n]
        print(
            f"geomean speed-up of rcabox over {n}: {fmt(g, '.2f').strip()}x"
            f"  ({alike}/{len(sec['commands'])} commands ended alike)"
        )


def print_memory(mem: dict[str, Any]) -> None:
    """The memory section as a table."""
    print(f"\nMemory: {mem['what']}  (MiB; peak resident set of the process)")
    for line in mem["skipped"]:
        print(f"  {line}")
    head = (
        f"{'sandbox':<8} {'measure':<10} {'before':>8} {'1st open':>9} {'after':>8} {'per sample':>11} "
        f"{'marginal':>9} {'ok':>6} {'open s':>7} {'run s':>6}"
    )
    print(head)
    print("-" * len(head))
    for kind, k in mem["kinds"].items():
        for key in ("vm_hwm", "ru_maxrss"):
            m = k[key]
            print(
                f"{kind:<8} {key:<10} {fmt(m['before_mib'], '8.1f')} {fmt(m['after_first_mib'], '9.1f')} "
                f"{fmt(m['after_mib'], '8.1f')} "
                f"{fmt(m['per_sample_mib'], '11.2f')} {fmt(m['marginal_per_sample_mib'], '9.2f')} "
                f"{str(k['commands_ok']) + '/' + str(k['samples']):>6} {k['open_s']:>7.2f} {k['run_s']:>6.2f}"
            )
        for e in k["errors"]:
            print(f"    {kind}: {e}")


def versions() -> dict[str, str]:
    """The versions of what ran."""
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for pkg in ("rcabox", "stirrup", "inspect_ai"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = "not installed"
    return out


# ----------------------------------------------------------------------------- main


def parse_args(argv: Optional[list[str]] = None) -> argparse.Namespace:
    """The command line."""
    ap = argparse.ArgumentParser(
        description=(__doc__ or "").split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--snapshot", type=Path, help="snapshot directory (default: the bundled Scenario-2)")
    ap.add_argument("--repeat", type=int, default=21, help="timed runs per command and side (default 21)")
    ap.add_argument(
        "--mix", type=Path, default=DEFAULT_MIX, help="commands, one a line, `#` comments (default: agent.txt)"
    )
    ap.add_argument("--against", default="local,docker", help="peers: local, docker, or none (default: both)")
    ap.add_argument(
        "--samples", type=int, default=64, help="sandboxes open at once for the memory figures; 0 skips them"
    )
    ap.add_argument("--memory-command", default="wc -l k8s_objects_raw.tsv", help="what each memory sample runs")
    ap.add_argument("--timeout", type=int, default=60, help="per-command timeout in seconds (default 60)")
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of tables")
    ap.add_argument("--memory-child", choices=["rcabox", "local"], help=argparse.SUPPRESS)
    ap.add_argument("--stage", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    names = [p.strip() for p in args.against.split(",") if p.strip()]
    args.against = [] if names in ([], ["none"]) else names
    for p in args.against:
        if p not in PEERS:
            ap.error(f"--against {p}: unknown peer; peers are {', '.join(PEERS)} (or none)")
    if args.repeat < 1:
        ap.error("--repeat: give at least one run per command")
    if args.samples < 0 or args.timeout < 1:
        ap.error("--samples must be 0 or more and --timeout 1 or more")
    return args


async def run_sections(
    snapshot: Path, stage: Path, cmds: list[str], args: argparse.Namespace, docker: Docker, log: Log
) -> dict[str, Any]:
    """The two latency sections, in one event loop."""
    log("section 1: Stirrup")
    stirrup = await stirrup_section(snapshot, stage, cmds, args, docker, log)
    log("section 2: Inspect")
    inspect = await inspect_section(snapshot, stage, cmds, args, docker, log)
    return {"stirrup": stirrup, "inspect": inspect}


def main(argv: Optional[list[str]] = None) -> int:
    """Measure and report."""
    args = parse_args(argv)
    if args.memory_child:  # the fresh process of the memory section
        raw = asyncio.run(
            memory_child(args.memory_child, args.snapshot, args.stage, args.samples, args.memory_command, args.timeout)
        )
        print(json.dumps(raw))
        return 0

    def log(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    snapshot = (args.snapshot or materialize_default(log)).resolve()
    if not snapshot.is_dir():
        raise SystemExit(f"--snapshot {snapshot}: not a directory")
    cmds = read_mix(args.mix)
    if not cmds:
        raise SystemExit(f"--mix {args.mix}: no commands (one a line; `#` starts a comment)")
    load = os.getloadavg()
    log(f"snapshot {snapshot}, {len(cmds)} commands, {args.repeat} runs each, load average {load[0]:.2f}")
    docker = docker_peer(log) if "docker" in args.against else Docker(reason="not asked for")
    with tempfile.TemporaryDirectory(prefix="rcabox-harness-latency-") as work:
        stage = Path(work) / "visible" / snapshot.name
        files = stage_visible_copy(snapshot, stage)
        log(f"peers read a copy of the {files} files rcabox shows: {stage}")
        report: dict[str, Any] = {
            "snapshot": str(snapshot),
            "mix": str(args.mix),
            "commands": len(cmds),
            "repeat": args.repeat,
            "timeout_s": args.timeout,
            "against": args.against,
            "machine": {
                "cpus": os.cpu_count(),
                "loadavg_at_start": [round(x, 2) for x in load],
                "platform": platform.platform(),
            },
            "versions": versions(),
        }
        report.update(asyncio.run(run_sections(snapshot, stage, cmds, args, docker, log)))
        if args.samples > 0:
            time.sleep(1.0)  # let the daemon's after-work, if any, settle before the memory runs
            report["memory"] = memory_section(snapshot, stage, args, log)
        report["machine"]["loadavg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    m = report["machine"]
    v = report["versions"]
    print(
        f"rcabox {v['rcabox']}, stirrup {v['stirrup']}, inspect_ai {v['inspect_ai']}, Python {v['python']}; "
        f"{m['cpus']} CPUs, load average {m['loadavg_at_start'][0]} at start, {m['loadavg_at_end'][0]} at end"
    )
    print(f"snapshot {report['snapshot']}; mix {report['mix']} ({report['commands']} commands)")
    print_section("Stirrup: await provider.run_command(cmd)", report["stirrup"], args.repeat)
    print_section('Inspect: await env.exec(["bash", "-c", cmd])', report["inspect"], args.repeat)
    if "memory" in report:
        print_memory(report["memory"])
    print(
        "\nx <peer>: the peer's p50 over rcabox's (above 1, rcabox is faster); "
        "! another exit code than rcabox's; ~ another stdout"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
