//! The answer parser and the scorer on what it accepts: any bytes an agent's `finish` call can
//! carry must give an answer or a typed error, and a score, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rcabox_runtime::answer::Answer;
use rcabox_runtime::score::{Matcher, score_answer};
use rcabox_runtime::snapshot::groundtruth::GroundTruth;

const GT: &str = "groups:\n  - id: netpol\n    kind: NetworkPolicy\n    namespace: otel-demo\n    filter: ['frontend-block-.*']\n    root_cause: true\n  - id: svc\n    kind: Service\n    namespace: otel-demo\n    name: frontend\naliases:\n  - [netpol, svc]\n";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(a) = Answer::parse(text) {
        let gt = GroundTruth::parse(GT, "fuzz").expect("the fixed ground truth parses");
        let s = score_answer(&Matcher::new(&gt), Some(&a));
        assert!((0.0..=1.0).contains(&s.metrics.all_recall_ap));
        assert!((0.0..=1.0).contains(&s.metrics.precision));
    }
});
