//! The model-API response parsers (OpenAI chat completions, Anthropic messages) and the reader
//! of tool calls written as text: any JSON a server returns gives a reply or an error, and any
//! text a model writes gives calls or none, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rcabox_runtime::agents::{anthropic, content_calls, openai};

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Some((_, calls)) = content_calls::extract(text) {
            assert!(!calls.is_empty());
        }
    }
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    let _ = openai::parse_reply(&v);
    let _ = anthropic::parse_reply(&v);
});
