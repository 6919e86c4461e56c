"""A real local model for the harness tests: llama-cpp-python's OpenAI-compatible server over
the SmolLM2-135M-Instruct gguf that `cargo xtask test` installs (the same one
tests/local_model.rs starts), on a loopback port, killed by its own process id afterwards."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable, Optional

#: How long the server may take to load the model.
START_TIMEOUT = 120.0

#: Starts the server with a chat format (`chatml`, `chatml-function-calling`); its /v1 URL.
LocalModel = Callable[[str], str]


def server_python() -> Optional[str]:
    """The Python with llama-cpp-python's server: this environment's (`cargo xtask test`
    installs it into .venv), else `python3` on PATH."""
    for candidate in (sys.executable, shutil.which("python3")):
        if candidate and subprocess.run([candidate, "-c", "import llama_cpp.server"], capture_output=True, timeout=120).returncode == 0:
            return candidate
    return None


def missing() -> Optional[str]:
    """What is missing to run the local model, as tests/local_model.rs checks it; None if
    nothing."""
    gguf = os.environ.get("RCABOX_LOCAL_GGUF")
    if not gguf:
        return "RCABOX_LOCAL_GGUF is not set (see .ci/run)"
    if not Path(gguf).is_file():
        return f"RCABOX_LOCAL_GGUF={gguf} does not exist"
    if server_python() is None:
        return "no Python here can import llama_cpp.server (python/requirements-test.txt installs it)"
    return None


def free_port() -> int:
    """A loopback port nobody listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """One running server; :meth:`stop` kills it."""

    def __init__(self, chat_format: str, log_path: Path) -> None:
        """Start it and wait until it answers `/v1/models`."""
        python3 = server_python()
        if python3 is None:
            raise RuntimeError("no Python here can import llama_cpp.server")
        port = free_port()
        self.log_path = log_path
        with open(log_path, "wb") as log:
            self.process = subprocess.Popen(
                [python3, "-m", "llama_cpp.server", "--model", os.environ["RCABOX_LOCAL_GGUF"],
                 "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "8192", "--chat_format", chat_format],
                stdout=subprocess.DEVNULL,
                stderr=log,
            )  # fmt: skip
        self.base_url = f"http://127.0.0.1:{port}/v1"
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                with urllib.request.urlopen(f"{self.base_url}/models", timeout=5):
                    return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(f"llama_cpp.server exited {self.process.returncode}: {self.log_tail()}") from None
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"llama_cpp.server not up in {START_TIMEOUT:.0f} s: {self.log_tail()}") from None
                time.sleep(0.5)

    def log_tail(self, lines: int = 30) -> str:
        """The end of the server's stderr."""
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        """Kill it and wait for it."""
        self.process.kill()
        self.process.wait(timeout=30)



class StringContentRelay:
    """A loopback relay in front of the server that joins a message's list of text parts into
    one string and forwards everything else unchanged.

    Stirrup's `ChatCompletionsClient` sends every message's content as a list of text parts,
    as OpenAI's API allows; llama-cpp-python's server validates a system message's content as
    a string only and answers 422. The relay changes the representation, not the text, so
    what the model reads is exactly what Stirrup sent (docs/AGENT_PROTOCOL.md)."""

    def __init__(self, upstream: str, timeout: float) -> None:
        """Listen on a free loopback port; `upstream` is the server's /v1 URL."""
        relay = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
                for message in body.get("messages", []):
                    content = message.get("content")
                    if isinstance(content, list) and all(p.get("type") == "text" for p in content):
                        message["content"] = "".join(p["text"] for p in content)
                relay.requests.append(body)
                request = urllib.request.Request(
                    upstream + self.path.removeprefix("/v1"),
                    data=json.dumps(body).encode(),
                    headers={"Content-Type": "application/json"},
                )
                try:
                    with urllib.request.urlopen(request, timeout=timeout) as response:
                        status, data = response.status, response.read()
                except urllib.error.HTTPError as e:
                    status, data = e.code, e.read()
                relay.statuses.append(status)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        #: The requests as forwarded, in order.
        self.requests: list[dict] = []
        #: The server's HTTP status for each.
        self.statuses: list[int] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def stop(self) -> None:
        """Stop listening."""
        self._server.shutdown()
        self._server.server_close()
