//! The ground-truth reader (ITBench v1 YAML, flat or wrapped) and the matcher built from it:
//! a malformed or hostile file gives a typed error, and any file that parses can match names.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rcabox_runtime::score::Matcher;
use rcabox_runtime::snapshot::groundtruth::GroundTruth;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(gt) = GroundTruth::parse(text, "fuzz") {
        let m = Matcher::new(&gt);
        let _ = m.decide_all(&["otel-demo/Deployment/frontend", "x", "a/b/c/d", ""]);
        let _ = m.cause_classes();
    }
});
