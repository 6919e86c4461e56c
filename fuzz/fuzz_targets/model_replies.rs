//! The model-API response parsers (OpenAI chat completions, Anthropic messages): any JSON a
//! server returns gives a reply or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rcabox_runtime::agents::{anthropic, openai};

fuzz_target!(|data: &[u8]| {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    let _ = openai::parse_reply(&v);
    let _ = anthropic::parse_reply(&v);
});
