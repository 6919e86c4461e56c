//! `cmd:PROGRAM`: an external program that speaks JSON lines on stdin and stdout, one request
//! and one reply per turn (docs/AGENT_PROTOCOL.md). The program runs on the host as the user
//! who started rcabox (it is the user's agent, not model-written code); its commands still run
//! in the sandbox.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use serde_json::{Value, json};

use crate::episode::agent::{Agent, AgentError, Message, Reply};

/// The agent: one child process per episode.
pub struct CmdAgent {
    program: String,
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    turn: usize,
}

impl CmdAgent {
    /// Starts `program` with `sh -c`; `question` and `repeat` are passed in the environment.
    pub fn start(program: &str, question: &str, repeat: usize) -> Result<Self, String> {
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(program)
            .env("RCABOX_QUESTION", question)
            .env("RCABOX_REPEAT", repeat.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cmd agent `{program}`: cannot start: {e}"))?;
        let stdin = child.stdin.take().ok_or("cmd agent: no stdin")?;
        let stdout = BufReader::new(child.stdout.take().ok_or("cmd agent: no stdout")?);
        Ok(CmdAgent {
            program: program.to_string(),
            child,
            stdin,
            stdout,
            turn: 0,
        })
    }
}

impl Drop for CmdAgent {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Agent for CmdAgent {
    fn id(&self) -> String {
        format!("cmd:{}", self.program)
    }

    fn next(&mut self, messages: &[Message], tools: &[Value]) -> Result<Reply, AgentError> {
        self.turn += 1;
        let req = json!({"type": "turn", "turn": self.turn, "messages": messages, "tools": tools});
        writeln!(self.stdin, "{req}")
            .and_then(|_| self.stdin.flush())
            .map_err(|e| AgentError(format!("cmd agent: writing turn {}: {e}", self.turn)))?;
        let mut line = String::new();
        let n = self
            .stdout
            .read_line(&mut line)
            .map_err(|e| AgentError(format!("cmd agent: reading turn {}: {e}", self.turn)))?;
        if n == 0 {
            return Err(AgentError(format!(
                "cmd agent exited before answering turn {}",
                self.turn
            )));
        }
        serde_json::from_str::<Reply>(&line).map_err(|e| {
            AgentError(format!(
                "cmd agent: turn {}: reply is not {{\"content\":..,\"tool_calls\":[{{\"id\",\"name\",\"arguments\"}}]}}: {e}",
                self.turn
            ))
        })
    }
}
