//! The turn loop with a scripted agent: the cap and Stirrup's warnings, double `finish`,
//! invalid arguments, unknown tools.

use std::sync::{Arc, Mutex};

mod common;

use rcabox_runtime::episode::agent::{Agent, AgentError, Message, Reply, Role, ToolCall};
use rcabox_runtime::episode::{Settings, prompt, run};
use rcabox_runtime::sandbox::{Runtime, Session, SessionConfig};
use rcabox_runtime::trajectory::{Ending, Header, Record, Writer, read};
use serde_json::{Value, json};

/// Plays fixed replies (the last one forever) and records what it was sent.
struct Scripted {
    replies: Vec<Vec<ToolCall>>,
    turn: usize,
    seen: Arc<Mutex<Vec<Vec<Message>>>>,
}

impl Agent for Scripted {
    fn id(&self) -> String {
        "scripted".into()
    }
    fn next(&mut self, messages: &[Message], _tools: &[Value]) -> Result<Reply, AgentError> {
        self.seen.lock().expect("lock").push(messages.to_vec());
        let calls = self.replies[self.turn.min(self.replies.len() - 1)].clone();
        self.turn += 1;
        Ok(Reply {
            content: format!("turn {}", self.turn),
            tool_calls: calls,
            ..Reply::default()
        })
    }
}

fn call(name: &str, args: Value) -> ToolCall {
    ToolCall {
        id: format!("c-{name}"),
        name: name.into(),
        arguments: args,
        raw_arguments: None,
    }
}

fn episode(replies: Vec<Vec<ToolCall>>, max_turns: usize) -> (Vec<Record>, Vec<Vec<Message>>) {
    let snap = common::bundled("Scenario-31");
    let mut session = Session::new(
        Runtime::shared().expect("runtime"),
        SessionConfig::for_snapshot(&snap),
    )
    .expect("session");
    let d = tempfile::tempdir().expect("tempdir");
    let path = d.path().join("t.jsonl");
    let header = Header {
        rcabox_version: "test".into(),
        question: "q".into(),
        repeat: 1,
        snapshot: snap.display().to_string(),
        snapshot_hash: String::new(),
        tools_hash: String::new(),
        agent: "scripted".into(),
        max_turns,
        seed: 0,
        max_output_chars: 20_000,
        timeout_s: 60,
        ..Default::default()
    };
    let mut w = Writer::create(&path, header).expect("writer");
    let seen = Arc::new(Mutex::new(Vec::new()));
    let mut agent = Scripted {
        replies,
        turn: 0,
        seen: seen.clone(),
    };
    let settings = Settings {
        max_turns,
        ..Settings::default()
    };
    run(&mut agent, &mut session, &settings, &mut w).expect("episode");
    let seen = seen.lock().expect("lock").clone();
    (read(&path).expect("read"), seen)
}

fn end(recs: &[Record]) -> (Ending, usize) {
    match recs.last() {
        Some(Record::End { ending, turns, .. }) => (*ending, *turns),
        other => panic!("no end record: {other:?}"),
    }
}

#[test]
fn an_agent_that_never_finishes_ends_at_the_cap_with_stirrups_warnings() {
    let (recs, seen) = episode(vec![vec![call("code_exec", json!({"cmd": "true"}))]], 25);
    assert_eq!(end(&recs), (Ending::TurnCap, 25));
    let user_texts = |turn: usize| -> Vec<String> {
        seen[turn - 1]
            .iter()
            .filter(|m| m.role == Role::User)
            .map(|m| m.content.clone())
            .collect()
    };
    // 25 turns: turn 6 is the first with 20 left, turn 25 the last.
    assert!(!user_texts(5).iter().any(|t| t.contains("turns remaining")));
    assert_eq!(
        user_texts(6).last().map(String::as_str),
        Some(prompt::turns_left_warning(20).as_str())
    );
    assert_eq!(
        user_texts(24).last().map(String::as_str),
        Some(prompt::turns_left_warning(2).as_str())
    );
    assert_eq!(
        user_texts(25).last().map(String::as_str),
        Some(prompt::LAST_TURN)
    );
    assert!(prompt::turns_left_warning(7).starts_with("You have 7 turns remaining to complete the task. Please continue. Remember you will need a separate turn to call a finish tool."));
}

#[test]
fn two_finishes_in_one_turn_are_rejected_and_the_episode_goes_on() {
    let answer = json!({"entities": [{"name": "otel-demo/NetworkPolicy/frontend-block-all-ports", "contributing_factor": true}]});
    let (recs, _) = episode(
        vec![
            vec![
                call("finish", answer.clone()),
                call("finish", answer.clone()),
            ],
            vec![
                call("code_exec", json!({"command": "ls"})),
                call("finish", json!({"entities": [{"name": 7}]})),
                call("nope", json!({})),
            ],
            vec![
                call("finish", answer.clone()),
                call("code_exec", json!({"cmd": "echo before-finish"})),
            ],
        ],
        10,
    );
    let tools: Vec<(usize, String, String)> = recs
        .iter()
        .filter_map(|r| match r {
            Record::Tool {
                turn,
                name,
                observation,
                ..
            } => Some((*turn, name.clone(), observation.clone())),
            _ => None,
        })
        .collect();
    // Stirrup's words for each refusal.
    let both = "Cannot call finish tool 'finish': multiple finish tools (['finish']) were called in the same turn. Only one finish tool may be called per turn — retry with a single finish tool call.";
    assert!(tools[0].2 == both && tools[1].2 == both);
    assert_eq!(tools[2].2, "Tool arguments are not valid");
    // Turn 2 runs code_exec and `nope` in order, then finish.
    assert_eq!(tools[3].2, "nope is not a valid tool");
    assert_eq!(
        (tools[4].1.as_str(), tools[4].2.as_str()),
        ("finish", "Tool arguments are not valid")
    );
    // In the last turn code_exec runs first although finish was listed first.
    let last: Vec<&(usize, String, String)> = tools.iter().filter(|t| t.0 == 3).collect();
    assert_eq!(last[0].1, "code_exec");
    assert!(last[0].2.contains("before-finish"));
    assert_eq!(last[1].1, "finish");
    assert_eq!(end(&recs), (Ending::Finish, 3));
}
