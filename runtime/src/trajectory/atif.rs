//! Export to Harbor's Agent Trajectory Interchange Format (ATIF, RFC 0001, v1.4), so Harbor's
//! viewer and SFT/RL pipelines read rcabox episodes.
//!
//! Mapping: the system prompt and the task are the first two steps; every turn is an agent
//! step whose observation holds its tool results, preceded by a user step when the harness
//! added a turn-budget warning. What ATIF has no field for (how the episode ended, the answer,
//! exit codes, limits hit, latencies, the sandbox seed and hashes) goes in `extra`. Timestamps
//! are left out: trajectories record durations, not wall-clock times, to stay deterministic.

use serde_json::{Map, Value, json};

use super::{Header, Record};

/// The ATIF version written.
pub const SCHEMA_VERSION: &str = "ATIF-v1.4";

/// Converts a trajectory's records (header first) to one ATIF document.
pub fn export(records: &[Record]) -> Result<Value, String> {
    let Some(Record::Header(h)) = records.first() else {
        return Err("the first record is not a trajectory header".into());
    };
    let model = h.agent.split_once(':').map(|(_, m)| m.to_string());
    let mut steps: Vec<Value> = Vec::new();
    let mut push = |mut step: Map<String, Value>| {
        step.insert("step_id".into(), json!(steps.len() + 1));
        steps.push(Value::Object(step));
    };
    if !h.system_prompt.is_empty() {
        push(obj(json!({"source": "system", "message": h.system_prompt})));
    }
    if !h.task.is_empty() {
        push(obj(json!({"source": "user", "message": h.task})));
    }
    let (mut prompt, mut completion, mut cost, mut turns) = (0u64, 0u64, 0f64, 0usize);
    let mut end_extra = Value::Null;
    let mut i = 1;
    while i < records.len() {
        match &records[i] {
            Record::Turn {
                turn,
                warning,
                content,
                tool_calls,
                usage,
                cost_usd,
                latency_ms,
                ..
            } => {
                if let Some(w) = warning {
                    push(obj(json!({"source": "user", "message": w})));
                }
                let mut results = Vec::new();
                let mut tools_extra = Vec::new();
                let mut j = i + 1;
                while let Some(Record::Tool {
                    id,
                    observation,
                    exit_code,
                    error_kind,
                    duration_ms,
                    ..
                }) = records.get(j)
                {
                    results.push(json!({"source_call_id": id, "content": observation}));
                    tools_extra.push(json!({"tool_call_id": id, "exit_code": exit_code,
                        "error_kind": error_kind, "duration_ms": duration_ms}));
                    j += 1;
                }
                let calls: Vec<Value> = tool_calls
                    .iter()
                    .map(|c| {
                        json!({"tool_call_id": c.id, "function_name": c.name,
                            "arguments": arguments_object(&c.arguments)})
                    })
                    .collect();
                let mut step = obj(json!({
                    "source": "agent",
                    "message": content,
                    "metrics": {
                        "prompt_tokens": usage.input_tokens,
                        "completion_tokens": usage.output_tokens,
                        "cost_usd": cost_usd,
                        "extra": {"reasoning_tokens": usage.reasoning_tokens},
                    },
                    "extra": {"turn": turn, "latency_ms": latency_ms, "tools": tools_extra},
                }));
                if let Some(m) = &model {
                    step.insert("model_name".into(), json!(m));
                }
                if !calls.is_empty() {
                    step.insert("tool_calls".into(), Value::Array(calls));
                }
                if !results.is_empty() {
                    step.insert("observation".into(), json!({ "results": results }));
                }
                push(step);
                prompt += usage.input_tokens;
                completion += usage.output_tokens;
                cost += cost_usd;
                turns = *turn;
                i = j;
                continue;
            }
            Record::End {
                ending,
                turns: t,
                answer,
                error,
                wall_ms,
                ..
            } => {
                turns = *t;
                end_extra = json!({"ending": ending, "answer": answer, "error": error,
                    "wall_ms": wall_ms});
            }
            Record::Header(_) | Record::Tool { .. } => {}
        }
        i += 1;
    }
    let total_steps = steps.len();
    let mut agent = obj(json!({"name": "rcabox", "version": h.rcabox_version,
        "extra": {"agent": h.agent}}));
    if let Some(m) = &model {
        agent.insert("model_name".into(), json!(m));
    }
    Ok(json!({
        "schema_version": SCHEMA_VERSION,
        "session_id": session_id(h),
        "agent": agent,
        "notes": "Exported by rcabox from its JSON-lines trajectory. A turn is one model call; its tool results are the step's observation. The harness's nudge after a reply without tool calls is not recorded.",
        "steps": steps,
        "final_metrics": {
            "total_prompt_tokens": prompt,
            "total_completion_tokens": completion,
            "total_cost_usd": cost,
            "total_steps": total_steps,
            "extra": {"turns": turns},
        },
        "extra": {
            "question": h.question,
            "repeat": h.repeat,
            "snapshot_hash": h.snapshot_hash,
            "tools_hash": h.tools_hash,
            "seed": h.seed,
            "max_turns": h.max_turns,
            "max_output_chars": h.max_output_chars,
            "timeout_s": h.timeout_s,
            "end": end_extra,
        },
    }))
}

/// A stable id: the same episode exports to the same document.
fn session_id(h: &Header) -> String {
    let hash = h.snapshot_hash.get(..12).unwrap_or(&h.snapshot_hash);
    format!("rcabox-{}-r{}-{hash}-{}", h.question, h.repeat, h.seed)
}

/// ATIF wants arguments as an object: a JSON string is parsed, anything else is wrapped.
fn arguments_object(args: &Value) -> Value {
    match args {
        Value::Object(_) => args.clone(),
        Value::String(s) => match serde_json::from_str::<Value>(s) {
            Ok(v @ Value::Object(_)) => v,
            _ => json!({ "raw": s }),
        },
        other => json!({ "raw": other }),
    }
}

fn obj(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}
