"""A scripted OpenAI-compatible chat-completions server on a loopback port, for driving real
harnesses (Stirrup, Inspect, `rcabox run`) without a model: each request gets the next scripted
assistant message, and every request body is kept byte for byte."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class FakeOpenAI:
    """Serves ``replies`` in order (the last one again once they run out)."""

    def __init__(self, replies: list[dict[str, Any]]) -> None:
        """Start serving on 127.0.0.1 at a free port."""
        self.replies = replies
        self.requests: list[bytes] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["content-length"]))
                outer.requests.append(body)
                msg = outer.replies[min(len(outer.requests), len(outer.replies)) - 1]
                data = json.dumps(
                    {
                        "id": f"chatcmpl-{len(outer.requests)}",
                        "object": "chat.completion",
                        "created": 0,
                        "model": "fake-model",
                        "choices": [
                            {
                                "index": 0,
                                "message": msg,
                                "finish_reason": "tool_calls" if msg.get("tool_calls") else "stop",
                            }
                        ],
                        "usage": {"prompt_tokens": 100, "completion_tokens": 10, "total_tokens": 110},
                    }
                ).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base_url(self) -> str:
        """The ``/v1`` base URL clients are given."""
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def bodies(self) -> list[dict[str, Any]]:
        """The requests received, parsed."""
        return [json.loads(b) for b in self.requests]

    def close(self) -> None:
        """Stop serving."""
        self.server.shutdown()
        self.server.server_close()


def call(call_id: str, name: str, arguments: Any) -> dict[str, Any]:
    """One tool call of an assistant message; ``arguments`` a dict, or raw text sent as is."""
    text = arguments if isinstance(arguments, str) else json.dumps(arguments)
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": text}}


def reply(*calls: dict[str, Any], content: str | None = None) -> dict[str, Any]:
    """An assistant message with ``calls`` (and optional text)."""
    msg: dict[str, Any] = {"role": "assistant", "content": content}
    if calls:
        msg["tool_calls"] = list(calls)
    return msg
