//! The OpenAI and Anthropic agents against a local HTTP server that speaks their protocols,
//! faults included: 429 with Retry-After, 5xx, timeouts, malformed JSON, truncated bodies,
//! context overflow, invalid tool arguments, a model that never finishes or finishes twice.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

mod common;

use rcabox_runtime::agents::anthropic::Anthropic;
use rcabox_runtime::agents::http::HttpOptions;
use rcabox_runtime::agents::openai::OpenAi;
use rcabox_runtime::agents::pricing::Prices;
use rcabox_runtime::episode::agent::{Agent, Message, Role};
use rcabox_runtime::episode::{Settings, prompt, run, tools};
use rcabox_runtime::sandbox::{Runtime, Session, SessionConfig};
use rcabox_runtime::trajectory::{Ending, Header, Record, Writer, read};
use serde_json::{Value, json};

/// What the server does with one request.
#[derive(Clone)]
enum Act {
    Reply(u16, Vec<(&'static str, String)>, String),
    Truncated(String),
    Stall(Duration),
}

/// A recorded request: headers (lowercased names) and JSON body.
#[derive(Clone, Debug)]
struct Seen {
    headers: Vec<(String, String)>,
    body: Value,
}

struct Server {
    url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

/// Serves `script` in order, then repeats `fallback` forever.
fn serve(script: Vec<Act>, fallback: Act) -> Server {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", l.local_addr().expect("addr"));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        let mut script = script.into_iter();
        for stream in l.incoming() {
            let Ok(mut s) = stream else { continue };
            let mut r = BufReader::new(s.try_clone().expect("clone"));
            let mut headers = Vec::new();
            let mut len = 0;
            let mut line = String::new();
            if r.read_line(&mut line).unwrap_or(0) == 0 {
                continue;
            }
            loop {
                line.clear();
                if r.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some((k, v)) = line.trim_end().split_once(':') {
                    let (k, v) = (k.trim().to_ascii_lowercase(), v.trim().to_string());
                    if k == "content-length" {
                        len = v.parse().unwrap_or(0);
                    }
                    headers.push((k, v));
                }
            }
            let mut body = vec![0; len];
            if r.read_exact(&mut body).is_err() {
                continue;
            }
            log.lock().expect("log").push(Seen {
                headers,
                body: serde_json::from_slice(&body).unwrap_or(Value::Null),
            });
            let act = script.next().unwrap_or_else(|| fallback.clone());
            let reply = |s: &mut std::net::TcpStream,
                         status: u16,
                         extra: &[(&str, String)],
                         body: &str,
                         declared: usize| {
                let mut head = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {declared}\r\nconnection: close\r\n"
                );
                for (k, v) in extra {
                    head.push_str(&format!("{k}: {v}\r\n"));
                }
                let _ = s.write_all(format!("{head}\r\n{body}").as_bytes());
            };
            match act {
                Act::Reply(status, extra, body) => reply(&mut s, status, &extra, &body, body.len()),
                Act::Truncated(body) => {
                    reply(&mut s, 200, &[], &body[..body.len() / 2], body.len())
                }
                Act::Stall(d) => std::thread::sleep(d),
            }
        }
    });
    Server { url, seen }
}

fn ok(body: Value) -> Act {
    Act::Reply(200, vec![], body.to_string())
}

/// An OpenAI chat-completions reply with tool calls `(name, raw arguments)`.
fn oa(calls: &[(&str, &str)]) -> Act {
    let tc: Vec<Value> = calls
        .iter()
        .enumerate()
        .map(|(i, (n, a))| json!({"id": format!("call_{i}"), "type": "function", "function": {"name": n, "arguments": a}}))
        .collect();
    ok(
        json!({"id": "chatcmpl-1", "object": "chat.completion", "choices": [{"index": 0, "finish_reason": "tool_calls",
        "message": {"role": "assistant", "content": "looking", "tool_calls": tc}}],
        "usage": {"prompt_tokens": 1000, "completion_tokens": 200, "completion_tokens_details": {"reasoning_tokens": 150}}}),
    )
}

fn http(url: &str, retries: u32) -> HttpOptions {
    HttpOptions {
        base_url: url.to_string(),
        api_key: "test-key".into(),
        timeout: Duration::from_secs(2),
        max_retries: retries,
        backoff_base: Duration::from_millis(10),
        backoff_max: Duration::from_secs(5),
        ..HttpOptions::default()
    }
}

const FINISH: &str = r#"{"entities":[{"name":"otel-demo/NetworkPolicy/frontend-block-all-ports","contributing_factor":true,"reasoning":"r","evidence":"e"}]}"#;

fn episode(agent: &mut dyn Agent, max_turns: usize) -> Vec<Record> {
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
        agent: agent.id(),
        max_turns,
        seed: 0,
        max_output_chars: 20_000,
        timeout_s: 60,
        ..Default::default()
    };
    let mut w = Writer::create(&path, header).expect("writer");
    run(
        agent,
        &mut session,
        &Settings {
            max_turns,
            ..Settings::default()
        },
        &mut w,
    )
    .expect("episode");
    read(&path).expect("read")
}

fn ending(recs: &[Record]) -> (Ending, usize, u64, f64) {
    match recs.last() {
        Some(Record::End {
            ending,
            turns,
            tokens,
            cost_usd,
            ..
        }) => (*ending, *turns, *tokens, *cost_usd),
        other => panic!("{other:?}"),
    }
}

fn observations(recs: &[Record]) -> Vec<String> {
    recs.iter()
        .filter_map(|r| {
            if let Record::Tool { observation, .. } = r {
                Some(observation.clone())
            } else {
                None
            }
        })
        .collect()
}

#[test]
fn openai_retries_429_5xx_timeouts_malformed_and_truncated_replies() {
    let s = serve(
        vec![
            Act::Reply(
                429,
                vec![("retry-after", "1".into())],
                r#"{"error":{"message":"rate limited"}}"#.into(),
            ),
            Act::Reply(500, vec![], "oops".into()),
            Act::Reply(200, vec![], "{not json".into()),
            Act::Truncated(r#"{"choices":[{"message":{"content":"x"}}]}"#.into()),
            Act::Stall(Duration::from_secs(4)),
        ],
        oa(&[("finish", FINISH)]),
    );
    let mut a = OpenAi::new(
        "gpt-4o",
        http(&s.url, 6),
        Prices::load(None).expect("prices"),
    );
    let t0 = Instant::now();
    let msgs = [
        Message::text(Role::System, "s"),
        Message::text(Role::User, "u"),
    ];
    let r = a
        .next(&msgs, &tools::schemas())
        .expect("succeeds after the faults");
    assert!(
        t0.elapsed() >= Duration::from_secs(1),
        "Retry-After: 1 was honoured"
    );
    assert_eq!(r.tool_calls[0].name, "finish");
    assert_eq!(
        (
            r.usage.input_tokens,
            r.usage.output_tokens,
            r.usage.reasoning_tokens
        ),
        (1000, 200, 150)
    );
    assert!(
        (r.cost_usd - (1000.0 * 2.5 + 200.0 * 10.0) / 1e6).abs() < 1e-12,
        "gpt-4o price: {}",
        r.cost_usd
    );
    let seen = s.seen.lock().expect("seen").clone();
    assert_eq!(seen.len(), 6, "five faults, then the answer");
    assert!(
        seen[0]
            .headers
            .contains(&("authorization".into(), "Bearer test-key".into()))
    );
    assert_eq!(seen[0].body["model"], "gpt-4o");
    assert_eq!(seen[0].body["tools"][1]["function"]["name"], "code_exec");

    // Out of retries: the error says what happened last.
    let s = serve(vec![], Act::Reply(503, vec![], "busy".into()));
    let mut a = OpenAi::new("gpt-4o", http(&s.url, 2), Prices::default());
    let e = a.next(&msgs, &[]).expect_err("gives up").0;
    assert!(
        e.contains("gave up after 3 attempts") && e.contains("HTTP 503"),
        "{e}"
    );
    let s = serve(
        vec![],
        Act::Reply(401, vec![], r#"{"error":"bad key"}"#.into()),
    );
    let mut a = OpenAi::new("gpt-4o", http(&s.url, 5), Prices::default());
    assert!(
        a.next(&msgs, &[])
            .expect_err("no retry on 401")
            .0
            .contains("HTTP 401")
    );
    assert_eq!(s.seen.lock().expect("seen").len(), 1, "401 is not retried");
}

#[test]
fn openai_episode_with_invalid_arguments_double_finish_and_an_error_ending() {
    let s = serve(
        vec![
            oa(&[("code_exec", "{\"cmd\": \"ls /snap")]),
            oa(&[("finish", FINISH), ("finish", FINISH)]),
            oa(&[(
                "code_exec",
                r#"{"cmd":"grep -c frontend-block-all-ports k8s_objects_raw.tsv"}"#,
            )]),
            oa(&[("finish", FINISH)]),
        ],
        Act::Reply(500, vec![], "gone".into()),
    );
    let mut a = OpenAi::new(
        "gpt-4o-mini",
        http(&s.url, 1),
        Prices::load(None).expect("prices"),
    );
    let recs = episode(&mut a, 100);
    let obs = observations(&recs);
    assert_eq!(obs[0], "Tool arguments are not valid");
    assert!(
        obs[1].starts_with("Cannot call finish tool 'finish'")
            && obs[2].starts_with("Cannot call finish tool 'finish'")
    );
    assert!(
        obs[3].contains("<exit_code>0</exit_code>\n<stdout>4\n</stdout>"),
        "{}",
        obs[3]
    );
    let (end, turns, tokens, cost) = ending(&recs);
    assert_eq!((end, turns, tokens), (Ending::Finish, 4, 4 * 1200));
    assert!(cost > 0.0);
    // The tool results went back in the protocol's shape.
    let seen = s.seen.lock().expect("seen").clone();
    let last = seen.last().expect("requests");
    let tool_msgs: Vec<&Value> = last.body["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .filter(|m| m["role"] == "tool")
        .collect();
    assert_eq!(tool_msgs.len(), 4);
    assert_eq!(tool_msgs[0]["tool_call_id"], "call_0");
    // As Stirrup sends them, the tool named and the model's own argument text sent back as it
    // was written; the text as a string (docs/AGENT_PROTOCOL.md).
    assert_eq!(tool_msgs[0]["name"], "code_exec");
    assert!(tool_msgs[0]["content"].is_string());
    let first_call = &last.body["messages"][2]["tool_calls"][0]["function"]["arguments"];
    assert_eq!(first_call, "{\"cmd\": \"ls /snap");

    // An API that stops answering ends the episode with an error, not a panic.
    let s = serve(
        vec![oa(&[("code_exec", r#"{"cmd":"true"}"#)])],
        Act::Reply(502, vec![], "bad gateway".into()),
    );
    let mut a = OpenAi::new("gpt-4o", http(&s.url, 1), Prices::default());
    let recs = episode(&mut a, 100);
    assert_eq!(ending(&recs).0, Ending::Error);
}

#[test]
fn a_model_that_never_finishes_ends_at_the_cap_with_the_warnings_in_its_context() {
    let s = serve(vec![], oa(&[("code_exec", r#"{"cmd":"true"}"#)]));
    let mut a = OpenAi::new("gpt-4o", http(&s.url, 0), Prices::default());
    let recs = episode(&mut a, 22);
    assert_eq!(ending(&recs).0, Ending::TurnCap);
    let seen = s.seen.lock().expect("seen").clone();
    assert_eq!(seen.len(), 22);
    let texts = |i: usize| -> Vec<String> {
        seen[i].body["messages"]
            .as_array()
            .expect("m")
            .iter()
            .filter(|m| m["role"] == "user")
            .map(|m| m["content"].as_str().unwrap_or("").to_string())
            .collect()
    };
    assert!(
        texts(2)
            .iter()
            .any(|t| t == &prompt::turns_left_warning(20)),
        "turn 3 of 22 has 20 left"
    );
    assert_eq!(
        texts(21).last().map(String::as_str),
        Some(prompt::LAST_TURN)
    );
}

#[test]
fn openai_context_overflow_drops_old_observations_and_retries() {
    let s = serve(
        vec![Act::Reply(400, vec![], r#"{"error":{"message":"This model's maximum context length is 128000 tokens","code":"context_length_exceeded"}}"#.into())],
        oa(&[("finish", FINISH)]),
    );
    let mut a = OpenAi::new("gpt-4o", http(&s.url, 0), Prices::default());
    let mut tool = Message::text(Role::Tool, "a very long observation");
    tool.tool_call_id = Some("call_0".into());
    let msgs = [
        Message::text(Role::System, "s"),
        Message::text(Role::User, "u"),
        tool,
    ];
    a.next(&msgs, &[]).expect("fits after shrinking");
    let seen = s.seen.lock().expect("seen").clone();
    assert_eq!(seen.len(), 2);
    assert!(
        seen[1]
            .body
            .to_string()
            .contains("removed to fit the model's context window")
    );
}

/// An Anthropic Messages reply with tool uses `(name, input)`.
fn an(calls: &[(&str, Value)]) -> Act {
    let mut content = vec![json!({"type": "text", "text": "checking"})];
    for (i, (n, input)) in calls.iter().enumerate() {
        content.push(
            json!({"type": "tool_use", "id": format!("toolu_{i}"), "name": n, "input": input}),
        );
    }
    ok(
        json!({"id": "msg_1", "type": "message", "role": "assistant", "content": content, "stop_reason": "tool_use",
        "usage": {"input_tokens": 900, "output_tokens": 100}}),
    )
}

#[test]
fn anthropic_speaks_the_messages_protocol_and_retries_overload() {
    let finish: Value = serde_json::from_str(FINISH).expect("finish");
    let s = serve(
        vec![
            Act::Reply(
                529,
                vec![],
                r#"{"type":"error","error":{"type":"overloaded_error"}}"#.into(),
            ),
            an(&[("code_exec", json!({"cmd": "ls alerts | wc -l"}))]),
            an(&[("code_exec", json!({"command": "oops"}))]),
        ],
        an(&[("finish", finish)]),
    );
    let mut a = Anthropic::new(
        "claude-sonnet-4-5",
        http(&s.url, 3),
        Prices::load(None).expect("prices"),
        4096,
    );
    let recs = episode(&mut a, 100);
    let (end, turns, tokens, cost) = ending(&recs);
    assert_eq!((end, turns, tokens), (Ending::Finish, 3, 3000));
    assert!(cost > 0.0, "claude-sonnet-4 is priced");
    let obs = observations(&recs);
    assert!(obs[0].contains("<stdout>32\n</stdout>"), "{}", obs[0]);
    assert_eq!(obs[1], "Tool arguments are not valid");
    let seen = s.seen.lock().expect("seen").clone();
    assert_eq!(seen.len(), 4, "one overload retried");
    let h = &seen[0].headers;
    assert!(
        h.contains(&("x-api-key".into(), "test-key".into()))
            && h.contains(&("anthropic-version".into(), "2023-06-01".into()))
    );
    let last = &seen[3].body;
    assert_eq!(last["max_tokens"], 4096);
    assert!(
        last["system"]
            .as_str()
            .expect("system")
            .contains("Site Reliability Engineer")
    );
    // Stirrup's order: the finish tool, then code_exec.
    assert_eq!(last["tools"][0]["input_schema"]["required"][0], "entities");
    assert_eq!(last["tools"][1]["input_schema"]["required"][0], "cmd");
    let msgs = last["messages"].as_array().expect("messages");
    let roles: Vec<&str> = msgs
        .iter()
        .map(|m| m["role"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        roles,
        ["user", "assistant", "user", "assistant", "user"],
        "strict alternation"
    );
    assert_eq!(msgs[2]["content"][0]["type"], "tool_result");
    assert_eq!(msgs[2]["content"][0]["tool_use_id"], "toolu_0");
}

/// A chat-completions reply with this content and raw `tool_calls` (as a small local model
/// behind llama.cpp gives them).
fn raw(content: &str, tool_calls: Value) -> Act {
    ok(json!({"choices": [{"index": 0, "finish_reason": "stop",
        "message": {"role": "assistant", "content": content, "tool_calls": tool_calls}}],
        "usage": {"prompt_tokens": 50, "completion_tokens": 5}}))
}

#[test]
fn openai_survives_what_small_local_models_and_strict_servers_produce() {
    let s = serve(
        vec![
            // Prose and no call: Stirrup's "Please continue the task" follows.
            raw("I think the cart is broken.", json!(null)),
            // A call written as text, Hermes style.
            raw(
                "<tool_call>\n{\"name\": \"code_exec\", \"arguments\": {\"cmd\": \"echo one\"}}\n</tool_call>",
                json!(null),
            ),
            // The same id twice, an unknown tool, code_exec without cmd.
            raw(
                "",
                json!([
                    {"id": "c", "type": "function", "function": {"name": "code_exec", "arguments": "{\"cmd\": \"echo two\"}"}},
                    {"id": "c", "type": "function", "function": {"name": "kubectl", "arguments": "{}"}},
                    {"id": "", "type": "function", "function": {"name": "code_exec", "arguments": "{\"command\": \"ls\"}"}}
                ]),
            ),
            // An empty reply.
            raw("", json!([])),
            // The whole reply as JSON.
            raw(
                &format!("{{\"name\": \"finish\", \"arguments\": {FINISH}}}"),
                json!(null),
            ),
        ],
        Act::Reply(500, vec![], "gone".into()),
    );
    let mut options = http(&s.url, 0);
    options.api_key = String::new();
    let sampling = rcabox_runtime::agents::Sampling {
        temperature: Some(0.2),
        top_p: Some(0.9),
        max_tokens: Some(256),
        seed: Some(7),
    };
    let mut a = OpenAi::new("smollm2", options, Prices::default()).with_sampling(sampling, None);
    let recs = episode(&mut a, 100);
    assert_eq!(ending(&recs).0, Ending::Finish, "{recs:?}");
    assert_eq!(ending(&recs).1, 5, "prose and empty replies count as turns");
    let obs = observations(&recs);
    assert!(obs[0].contains("one"), "{obs:?}");
    assert!(obs[1].contains("two"), "{obs:?}");
    assert_eq!(obs[2], "kubectl is not a valid tool", "{obs:?}");
    assert_eq!(obs[3], "Tool arguments are not valid", "{obs:?}");
    let seen = s.seen.lock().expect("seen").clone();
    assert_eq!(seen.len(), 5);
    for req in &seen {
        assert!(
            !req.headers.iter().any(|(k, _)| k == "authorization"),
            "no key, no authorization header"
        );
        assert_eq!(
            (
                &req.body["temperature"],
                &req.body["top_p"],
                &req.body["max_completion_tokens"],
                &req.body["seed"]
            ),
            (&json!(0.2), &json!(0.9), &json!(256), &json!(7))
        );
        for m in req.body["messages"].as_array().expect("messages") {
            assert!(m["content"].is_string(), "content is never null: {m}");
        }
    }
    let second = seen[1].body["messages"].as_array().expect("messages");
    assert_eq!(
        second.last().expect("last")["content"],
        prompt::CONTINUE,
        "prose is answered with Stirrup's continue message"
    );
    // The repeated id was made unique, so each result names its own call.
    let fourth = seen[3].body["messages"].as_array().expect("messages");
    let ids: Vec<&str> = fourth
        .iter()
        .filter_map(|m| m["tool_call_id"].as_str())
        .collect();
    let mut unique = ids.clone();
    unique.dedup();
    assert_eq!(ids.len(), unique.len(), "{ids:?}");
}

#[test]
fn openai_does_not_retry_the_same_validation_error_and_foresees_the_context_window() {
    // llama-cpp-python's answer to a request it cannot parse: HTTP 500, the same body each time.
    let body = r#"{"error":{"message":"[{'type': 'string_type', 'loc': ('body', 'messages', 3, 'content'), 'msg': 'Input should be a valid string'}]"}}"#;
    let s = serve(vec![], Act::Reply(500, vec![], body.into()));
    let mut a = OpenAi::new("m", http(&s.url, 8), Prices::default());
    let msgs = [
        Message::text(Role::System, "s"),
        Message::text(Role::User, "u"),
    ];
    let e = a.next(&msgs, &[]).expect_err("fails").0;
    assert!(e.contains("same validation error twice"), "{e}");
    assert_eq!(
        s.seen.lock().expect("seen").len(),
        2,
        "stopped at the repeat"
    );

    // A context window of 2,000 tokens: the 30 KB observation is dropped before sending.
    let s = serve(vec![], oa(&[("finish", FINISH)]));
    let mut a = OpenAi::new("m", http(&s.url, 0), Prices::default()).with_sampling(
        rcabox_runtime::agents::Sampling {
            max_tokens: Some(500),
            ..Default::default()
        },
        Some(2_000),
    );
    let mut call = Message::text(Role::Assistant, "");
    call.tool_calls = vec![rcabox_runtime::episode::agent::ToolCall {
        id: "a".into(),
        name: "code_exec".into(),
        arguments: json!({"cmd": "cat big"}),
        raw_arguments: None,
    }];
    let mut result = Message::text(Role::Tool, "x".repeat(30_000));
    result.tool_call_id = Some("a".into());
    let msgs = [
        Message::text(Role::System, "s"),
        Message::text(Role::User, "u"),
        call,
        result,
    ];
    a.next(&msgs, &[]).expect("fits after shrinking");
    let sent = s.seen.lock().expect("seen")[0].body.to_string();
    assert!(sent.len() < 10_000, "sent {} bytes", sent.len());
}
