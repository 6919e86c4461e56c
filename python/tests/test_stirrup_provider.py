"""RcaboxCodeExecToolProvider held, through Stirrup's public API, to what Stirrup's own tests
require of its local provider (ArtificialAnalysis/Stirrup tests/test_local_execution.py, read,
not copied). What cannot apply is said where it would be:

- Absolute paths: the local provider refuses commands that name /home/, /tmp/, /etc/, ... because
  they reach the host. Nothing of the host is visible in the sandbox (/etc holds the sandbox's
  own passwd, /tmp is its own), so such commands run (tested below) instead of being refused.
- Descendant processes after a timeout: the sandbox starts no host processes; every process of a
  command, background jobs included, ends with the command (tested: the next command starts
  at once and no job survives).
- Symlink escapes on save: the sandbox's filesystem has no symlinks (`ln -s` fails), so an
  output cannot point outside it.
- Case-insensitive host filesystems and a failing atomic host write are properties of the
  host-side copy that Stirrup's base class does; they are Stirrup's code, not the provider's.
"""

from __future__ import annotations

import asyncio
import pathlib
import sys
from typing import Any, Awaitable, TypeVar

import pytest

if sys.version_info < (3, 12):
    pytest.skip(
        f"Stirrup needs Python >= 3.12 and this is {sys.version.split()[0]}: `cargo xtask test` builds .venv with 3.12 where one exists",
        allow_module_level=True,
    )

from stirrup.tools.code_backends.base import format_result  # noqa: E402

from rcabox.stirrup import RcaboxCodeExecToolProvider  # noqa: E402

T = TypeVar("T")


def run(coro: Awaitable[T]) -> T:
    """Run one coroutine to completion."""
    return asyncio.run(coro)  # type: ignore[arg-type]


async def entered(provider: RcaboxCodeExecToolProvider, body: Any) -> Any:
    """Run ``body(provider)`` inside the provider's context."""
    async with provider:
        return await body(provider)


def test_lifecycle_gives_each_session_a_fresh_sandbox() -> None:
    p = RcaboxCodeExecToolProvider()
    with pytest.raises(RuntimeError, match="not started"):
        p.sandbox

    async def first(p: RcaboxCodeExecToolProvider) -> None:
        await p.write_file_bytes("left.txt", b"x")
        assert await p.file_exists("left.txt")

    async def second(p: RcaboxCodeExecToolProvider) -> None:
        assert not await p.file_exists("left.txt")

    run(entered(p, first))
    with pytest.raises(RuntimeError, match="not started"):
        run(p.run_command("true"))
    run(entered(p, second))
    assert p.temp_dir is None


def test_the_tool_is_stirrups_code_exec() -> None:
    async def body(p: RcaboxCodeExecToolProvider) -> Any:
        return p.get_code_exec_tool()

    async def enter() -> Any:
        p = RcaboxCodeExecToolProvider()
        tool = await p.__aenter__()
        await p.__aexit__(None, None, None)
        return tool

    tool = run(enter())
    assert tool.name == "code_exec"
    assert tool.description == (
        "Execute a shell command in the execution environment. Returns exit code, stdout, and stderr as XML."
    )


def test_commands_report_exit_status_stdout_and_stderr() -> None:
    async def body(p: RcaboxCodeExecToolProvider) -> None:
        r = await p.run_command("echo 'hello world'")
        assert (r.exit_code, r.stdout, r.stderr, r.error_kind) == (0, "hello world\n", "", None)
        r = await p.run_command("echo oops >&2")
        assert r.stderr == "oops\n" and r.stdout == ""
        assert (await p.run_command("exit 42")).exit_code == 42
        # Invalid UTF-8 is replaced as the local provider decodes it.
        assert (await p.run_command("printf 'a\\377'")).stdout == "a\ufffd"
        # The model sees Stirrup's own format for it.
        shown = format_result(await p.run_command("echo out; echo err >&2; exit 3")).content
        assert shown == "<shell_results>\n<exit_code>3</exit_code>\n<stdout>out\n</stdout>\n<stderr>err\n</stderr>\n</shell_results>"

    run(entered(RcaboxCodeExecToolProvider(), body))


def test_a_timeout_is_reported_as_stirrups_and_stops_every_process() -> None:
    async def body(p: RcaboxCodeExecToolProvider) -> None:
        r = await p.run_command("while :; do :; done", timeout=1)
        assert r.error_kind == "timeout" and "timed out" in r.stderr.lower()
        assert r.stderr == "Command timed out after 1 seconds"
        r = await p.run_command("(while :; do :; done) & (while :; do :; done) & wait", timeout=1)
        assert r.error_kind == "timeout"
        # Nothing of the earlier command is left: the next starts at once and sees no job.
        r = await p.run_command("jobs; echo done", timeout=5)
        assert (r.exit_code, r.stdout) == (0, "done\n")

    run(entered(RcaboxCodeExecToolProvider(shell_timeout=300), body))


def test_sleep_spends_virtual_time_and_still_times_out() -> None:
    # The sandbox's clock is virtual: `sleep 10` moves it on without waiting (deterministic, no
    # wall time spent), and a sleep past the time limit times the command out at once, as
    # Stirrup's own `sleep 10` with `timeout=1` check expects.
    async def body(p: RcaboxCodeExecToolProvider) -> None:
        r = await p.run_command("date +%s; sleep 10; date +%s")
        assert r.error_kind is None
        a, b = map(int, r.stdout.split())
        assert b - a == 10
        r = await p.run_command("sleep 10", timeout=1)
        assert r.error_kind == "timeout" and "timed out" in r.stderr.lower()

    run(entered(RcaboxCodeExecToolProvider(), body))


def test_allowlist_runs_matching_commands_and_rejects_the_rest() -> None:
    async def body(p: RcaboxCodeExecToolProvider) -> None:
        assert (await p.run_command("echo 'allowed'")).stdout == "allowed\n"
        r = await p.run_command("cat notes.txt")
        assert r.error_kind == "command_not_allowed" and "not allowed" in r.stderr
        r = await p.run_command("echo allowed; printf bypassed > forbidden.txt")
        assert r.error_kind == "command_not_allowed"
        for cmd in [
            "X=1 echo a",
            "echo a && ls",
            "echo a | ls",
            "echo a > out.txt",
            "echo $(printf b > forbidden.txt)",
            "echo `printf b > forbidden.txt`",
            "echo <(printf b)",
            "echo 'unterminated",
            "echo a\nls",
            "xecho a",
        ]:
            r = await p.run_command(cmd)
            assert r.error_kind == "command_not_allowed", cmd
        assert not await p.file_exists("forbidden.txt")

    run(entered(RcaboxCodeExecToolProvider(allowed_commands=[r"^echo\b", r"^ls\b"]), body))


@pytest.mark.parametrize(
    ("cmd", "out"),
    [
        ("echo 'a;b' 'c|d' 'e>f'", "a;b c|d e>f\n"),
        ("echo \\;", ";\n"),
        ("echo '$HOME' \\$VALUE", "$HOME $VALUE\n"),
        ("echo '~/x' '${HOME}/x' '*'", "~/x ${HOME}/x *\n"),
        ("echo \"${VALUES[INDEX]}\"", "${VALUES[INDEX]}\n"),
        ("printf '%s\\n' 'line one' \"--format=%h;%s\"", "line one\n--format=%h;%s\n"),
        ("find . -maxdepth 0 -exec echo {} ';'", ".\n"),
    ],
)
def test_allowlisted_arguments_reach_the_program_literally(cmd: str, out: str) -> None:
    async def body(p: RcaboxCodeExecToolProvider) -> None:
        r = await p.run_command(cmd)
        assert r.error_kind is None, r
        assert r.stdout == out

    run(entered(RcaboxCodeExecToolProvider(allowed_commands=[r"^(echo|printf|find)\b"]), body))


def test_absolute_paths_reach_only_the_sandbox() -> None:
    async def body(p: RcaboxCodeExecToolProvider) -> None:
        r = await p.run_command("cat /etc/shadow /home/*/.ssh/id_rsa")
        assert r.exit_code == 1 and "No such file" in r.stderr and r.stdout == ""
        # /etc describes the sandbox's one user, never the host's.
        r = await p.run_command("cat /etc/passwd")
        assert r.stdout == "agent:x:1000:1000:agent:/workspace:/bin/bash\n"
        r = await p.run_command("echo hi > /tmp/x && cat /tmp/x && ls ~/")
        assert r.exit_code == 0 and r.stdout.startswith("hi\n")

    run(entered(RcaboxCodeExecToolProvider(), body))


def test_limits_use_stirrups_error_form() -> None:
    async def body(p: RcaboxCodeExecToolProvider) -> None:
        r = await p.run_command("python3 -c 'x = bytearray(200 << 20)'")
        assert r.error_kind == "memory_limit" and r.advice
        shown = format_result(r).content
        assert shown.startswith("<shell_results>\n<error_kind>memory_limit</error_kind>\n<details>")
        r = await p.run_command("head -c 3000000 /dev/zero > big")
        assert r.error_kind == "disk_quota"

    run(entered(RcaboxCodeExecToolProvider(memory_mb=64, disk_mb=1), body))


def test_save_output_files(tmp_path: pathlib.Path) -> None:
    out = tmp_path / "output"

    async def body(p: RcaboxCodeExecToolProvider) -> None:
        await p.run_command("echo result > output.txt; mkdir -p left right; echo L > left/report.txt; echo R > right/report.txt")
        r = await p.save_output_files(["output.txt"], out)
        assert [s.source_path for s in r.saved] == ["output.txt"] and r.failed == {}
        assert r.saved[0].output_path == out / "output.txt"
        assert (out / "output.txt").read_text() == "result\n"
        assert await p.file_exists("output.txt")  # copied, not moved
        r = await p.save_output_files(["nonexistent.txt"], out)
        assert list(r.failed) == ["nonexistent.txt"]
        r = await p.save_output_files(["left/report.txt", "right/report.txt"], out)
        assert r.failed == {} and (out / "left/report.txt").read_text() == "L\n"
        r = await p.save_output_files(["output.txt", "/workspace/output.txt"], out / "dup")
        assert len(r.saved) == 1 and "collision" in r.failed["/workspace/output.txt"]
        r = await p.save_output_files(["output.txt", "output.txt"], out / "same")
        assert len(r.saved) == 1 and r.failed == {}
        r = await p.save_output_files(["nested/../escape.txt", "/etc/passwd", "output.txt"], out / "bad")
        assert "traversal" in r.failed["nested/../escape.txt"]
        assert "outside known execution roots" in r.failed["/etc/passwd"]
        assert [s.source_path for s in r.saved] == ["output.txt"]
        assert (await p.run_command("ln -s /etc/passwd leak.txt")).exit_code != 0

    run(entered(RcaboxCodeExecToolProvider(), body))


def test_upload_files(tmp_path: pathlib.Path) -> None:
    sample = tmp_path / "sample.txt"
    sample.write_text("Hello, World!")
    d = tmp_path / "sample_dir"
    (d / "subdir").mkdir(parents=True)
    for rel in ["file1.txt", "file2.txt", "subdir/file3.txt"]:
        (d / rel).write_text(rel)

    async def body(p: RcaboxCodeExecToolProvider) -> None:
        r = await p.upload_files(sample)
        assert [(u.source_path, u.dest_path) for u in r.uploaded] == [(sample, "sample.txt")]
        assert (await p.run_command("cat sample.txt")).stdout == "Hello, World!"
        r = await p.upload_files(d, tmp_path / "missing")
        assert [u.dest_path for u in r.uploaded] == [
            "sample_dir/file1.txt",
            "sample_dir/file2.txt",
            "sample_dir/subdir/file3.txt",
        ]
        assert list(r.failed) == [str(tmp_path / "missing")]
        assert await p.read_file_bytes("sample_dir/subdir/file3.txt") == b"subdir/file3.txt"
        r = await p.upload_files(sample, dest_dir="inputs")
        assert r.uploaded[0].dest_path == "inputs/sample.txt"

    # A file was written first, so the directory is copied rather than mounted.
    run(entered(RcaboxCodeExecToolProvider(), body))


def test_file_exists_and_directories() -> None:
    async def body(p: RcaboxCodeExecToolProvider) -> None:
        await p.write_file_bytes("d/f.txt", b"x")
        assert await p.file_exists("d/f.txt") and await p.file_exists("/workspace/d/f.txt")
        assert not await p.file_exists("missing.txt")
        assert not await p.file_exists("d")
        assert await p.is_directory("d") and not await p.is_directory("d/f.txt")
        assert await p.list_files("d") == ["f.txt"] and await p.list_files("d/f.txt") == []
        with pytest.raises(FileNotFoundError, match="File not found: missing.txt"):
            await p.read_file_bytes("missing.txt")

    run(entered(RcaboxCodeExecToolProvider(), body))


def test_the_snapshot_is_mounted_read_only_in_the_working_directory(snapshot: pathlib.Path) -> None:
    async def body(p: RcaboxCodeExecToolProvider) -> None:
        r = await p.upload_files(snapshot)
        listed = [u.dest_path for u in r.uploaded]
        assert "Scenario-2/k8s_objects_raw.tsv" in listed
        assert not any("ground_truth" in x for x in listed)
        assert listed == sorted(listed) and r.failed == {}
        r = await p.run_command("ls; wc -l < Scenario-2/k8s_events_raw.tsv; cat Scenario-2/ground_truth.yaml")
        assert r.stdout.startswith("Scenario-2\n") and r.exit_code == 1
        r = await p.run_command("touch Scenario-2/x; rm -r Scenario-2; mv Scenario-2 y")
        assert "Read-only file system" in r.stderr and r.exit_code != 0
        with pytest.raises(PermissionError):
            await p.write_file_bytes("Scenario-2/x", b"x")
        await p.write_file_bytes("agent_output.json", b"{}")
        assert (await p.run_command("ls")).stdout == "Scenario-2\nagent_output.json\n"

    # Given as input_files only: the first directory is mounted, not copied.
    run(entered(RcaboxCodeExecToolProvider(), body))
    # Given to the provider: the same view, with any name.
    async def named(p: RcaboxCodeExecToolProvider) -> None:
        assert (await p.run_command("ls incident | head -1")).stdout == "alerts\n"

    run(entered(RcaboxCodeExecToolProvider(snapshot, mount_as="incident"), named))
