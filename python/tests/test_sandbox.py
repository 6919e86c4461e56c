"""The in-process sandbox through the installed wheel: commands, files, limits, errors, threads."""

from __future__ import annotations

import asyncio
import errno
import pathlib
import threading
import time

import pytest

import rcabox


def test_a_command_runs_over_the_read_only_snapshot(snapshot: pathlib.Path) -> None:
    sb = rcabox.Sandbox(snapshot)
    r = sb.exec("ls; echo err >&2; exit 3")
    assert r.exit_code == 3
    assert b"k8s_objects_raw.tsv" in r.stdout
    assert r.stderr == b"err\n"
    assert r.error_kind is None and not r.stdout_truncated
    assert r.duration_ms > 0
    # The shell and `ls`, each over 12 MiB of initial memory, ran at once.
    assert 24 << 20 < r.peak_memory_bytes < 2048 << 20
    assert sb.cwd == "/snapshot"
    # The ground truth is hidden from commands and from the file API alike.
    assert (snapshot / "ground_truth.yaml").is_file()
    assert sb.exec("cat ground_truth.yaml").exit_code == 1
    assert not sb.exists("ground_truth.yaml")
    with pytest.raises(FileNotFoundError):
        sb.read_file("/snapshot/ground_truth.yaml")
    # Read-only: a command cannot write there, and neither can the host API.
    assert b"Read-only file system" in sb.exec("echo x > alerts/x").stderr
    with pytest.raises(PermissionError):
        sb.write_file("/snapshot/x", b"x")


def test_the_same_commands_give_the_same_bytes(snapshot: pathlib.Path) -> None:
    cmd = "date; ls -l | head -3; echo $RANDOM; python3 -c 'import random; print(random.random())'"
    a = rcabox.Sandbox(snapshot).exec(cmd)
    b = rcabox.Sandbox(snapshot).exec(cmd)
    assert a.exit_code == 0, a.stderr
    assert (a.stdout, a.stderr) == (b.stdout, b.stderr)


def test_files_written_by_the_host_are_seen_by_commands_and_back(snapshot: pathlib.Path) -> None:
    sb = rcabox.Sandbox(snapshot)
    sb.write_file("/workspace/a/b/notes.txt", "héllo\n")
    assert sb.exec("cat /workspace/a/b/notes.txt").stdout == "héllo\n".encode()
    sb.exec("printf '\\x00\\x01' > /tmp/bin.dat")
    assert sb.read_file("/tmp/bin.dat") == b"\x00\x01"
    assert sb.is_dir("/workspace/a") and not sb.is_file("/workspace/a")
    assert sb.is_file("/workspace/a/b/notes.txt")
    assert sb.list_dir("/workspace/a/b") == ["notes.txt"]
    assert "alerts" in sb.list_dir()
    assert sb.abspath("alerts/../x") == "/snapshot/x"
    with pytest.raises(IsADirectoryError):
        sb.read_file("/workspace/a")
    with pytest.raises(IsADirectoryError):
        sb.write_file("/workspace/a", b"x")
    with pytest.raises(NotADirectoryError):
        sb.list_dir("/workspace/a/b/notes.txt")
    with pytest.raises(rcabox.FileTooLargeError):
        sb.read_file("k8s_objects_raw.tsv", limit=10)
    # Files outlive commands within a session, not across sessions.
    assert not rcabox.Sandbox(snapshot).exists("/workspace/a")


def test_stdin_env_cwd_and_timeout(snapshot: pathlib.Path) -> None:
    sb = rcabox.Sandbox(snapshot)
    assert sb.exec("wc -c", stdin=b"x" * 100_000).stdout.strip() == b"100000"
    assert sb.exec("cat", stdin="text").stdout == b"text"
    assert sb.exec("echo $FOO-$HOME", env={"FOO": "bar"}).stdout == b"bar-/workspace\n"
    sb.write_file("/workspace/d/f", b"")
    assert sb.exec("pwd; ls", cwd="/workspace/d").stdout == b"/workspace/d\nf\n"
    with pytest.raises(FileNotFoundError):
        sb.exec("pwd", cwd="/workspace/missing")
    with pytest.raises(NotADirectoryError):
        sb.exec("pwd", cwd="/workspace/d/f")
    with pytest.raises(ValueError):
        sb.exec("true", env={"A=B": "x"})
    t0 = time.monotonic()
    r = sb.exec("while :; do :; done", timeout=0.5)
    assert (r.exit_code, r.error_kind) == (124, "timeout")
    assert time.monotonic() - t0 < 5


def test_limits_are_reported_not_raised(snapshot: pathlib.Path) -> None:
    sb = rcabox.Sandbox(snapshot, max_output=1000, disk_mb=1, memory_mb=16)
    r = sb.exec("seq 1 100000")
    assert r.stdout_truncated and r.error_kind == "output_limit"
    r = sb.exec("head -c 3000000 /dev/zero > /tmp/big")
    assert r.exit_code != 0 and r.error_kind == "disk_quota"
    with pytest.raises(OSError) as e:
        sb.write_file("/tmp/big2", b"x" * 2_000_000)
    assert e.value.errno == errno.ENOSPC
    r = sb.exec("python3 -c 'x = bytearray(64 << 20)'")
    assert r.error_kind == "memory_limit"


def test_bad_arguments_raise_with_the_reason(tmp_path: pathlib.Path) -> None:
    with pytest.raises(rcabox.RcaboxError, match="not a directory"):
        rcabox.Sandbox(tmp_path / "missing")
    with pytest.raises(ValueError, match="positive number of seconds"):
        rcabox.Sandbox(None, timeout=-1)
    with pytest.raises(rcabox.RcaboxError):
        rcabox.score(tmp_path / "nope.yaml", [])


def test_threads_run_sandboxes_in_parallel_with_the_gil_released(snapshot: pathlib.Path) -> None:
    boxes = [rcabox.Sandbox(snapshot) for _ in range(4)]
    results: list[int] = []
    ticks = 0
    stop = threading.Event()

    def spin() -> None:
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            time.sleep(0.001)

    ticker = threading.Thread(target=spin)
    ticker.start()
    threads = [
        threading.Thread(target=lambda b=b: results.append(b.exec("sort -r k8s_objects_raw.tsv | wc -l").exit_code))
        for b in boxes
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stop.set()
    ticker.join()
    assert results == [0, 0, 0, 0]
    # A Python thread kept running while the commands ran: the GIL was not held.
    assert ticks > 0


def test_async_sandbox_does_not_block_the_loop_and_cancels(snapshot: pathlib.Path) -> None:
    async def main() -> None:
        sb = await rcabox.AsyncSandbox.open(snapshot)
        beats = 0

        async def heartbeat() -> None:
            nonlocal beats
            while True:
                beats += 1
                await asyncio.sleep(0.01)

        hb = asyncio.create_task(heartbeat())
        r = await sb.exec("sort k8s_objects_raw.tsv | md5sum")
        assert r.exit_code == 0
        task = asyncio.create_task(sb.exec("while :; do :; done"))
        await asyncio.sleep(0.3)
        task.cancel()
        t0 = time.monotonic()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert time.monotonic() - t0 < 3
        hb.cancel()
        assert beats > 5
        assert (await sb.exec("echo ok")).stdout == b"ok\n"

    asyncio.run(main())


def test_workspace_is_loaded_and_saved(snapshot: pathlib.Path, tmp_path: pathlib.Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "in.txt").write_text("input\n")
    sb = rcabox.Sandbox(snapshot, workspace=ws)
    assert sb.exec("cat /workspace/in.txt").stdout == b"input\n"
    sb.exec("echo out > /workspace/out.txt")
    sb.save_workspace()
    assert (ws / "out.txt").read_text() == "out\n"


def test_score_and_generate(snapshot: pathlib.Path, tmp_path: pathlib.Path) -> None:
    gt = snapshot / "ground_truth.yaml"
    right = rcabox.score(gt, ["otel-demo/ConfigMap/flagd-config"])
    assert right["all_recall_ap"] == 1.0
    wrong = rcabox.score(gt, {"entities": [{"name": "otel-demo/Deployment/cart", "contributing_factor": True}]})
    assert wrong["all_recall_ap"] == 0.0
    assert wrong["matches"][0]["root_cause"] is None
    again = rcabox.generate_snapshot(2, tmp_path / "again", seed=1, scale=0.05)
    assert again["faults"] == ["otel-demo/ConfigMap/flagd-config"]
    assert again["files"] > 10
