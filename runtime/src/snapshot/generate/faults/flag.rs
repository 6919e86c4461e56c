//! A flagd feature flag turned on: the flag ConfigMap changed, flagd restarted, and calls into
//! the service fail with an error status that only spans and span metrics record.

use serde_json::{Value, json};

use super::super::world::World;
use super::*;

/// `opentelemetry-demo-feature-flag`.
pub(super) fn opentelemetry_demo_feature_flag(
    inj: &Injection,
    w: &mut World,
    c: &Ctx,
    e: &mut Evidence,
) {
    let Ctx { ns, .. } = c;
    let flag = inj
        .args
        .pointer("/flag/name")
        .and_then(Value::as_str)
        .unwrap_or("unknownFlag");
    let mut flags = serde_json::Map::new();
    for f in [
        "adFailure",
        "adHighCpu",
        "adManualGc",
        "cartFailure",
        "imageSlowLoad",
        "kafkaQueueProblems",
        "loadGeneratorFloodHomepage",
        "paymentFailure",
        "paymentUnreachable",
        "productCatalogFailure",
        "recommendationCacheFailure",
    ] {
        let on = f == flag;
        flags.insert(
            f.into(),
            json!({"state": "ENABLED", "variants": {"on": true, "off": false},
                "defaultVariant": if on { "on" } else { "off" }}),
        );
    }
    let flagd = json!({"$schema": "https://flagd.dev/schema/v0/flags.json", "flags": flags});
    let body = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta(&inj.name, ns, w),
            "data": {"demo.flagd.json": serde_json::to_string_pretty(&flagd).unwrap_or_default()}});
    e.objects.push(("configmaps".into(), body));
    let flagd_pod = w
        .services
        .get("flagd")
        .map(|s| s.pod.clone())
        .unwrap_or_default();
    let mut once = event(
        "Normal",
        "Killing",
        "Stopping container flagd".into(),
        "Pod",
        &flagd_pod,
        ns,
        "kubelet",
    );
    once.repeat = false;
    e.events.push(once);
    e.victim_log = format!("Error: feature flag {flag} is enabled, failing request");
    e.span_error = format!("{flag} feature flag is enabled");
    e.quiet = flag.contains("Failure") || flag.contains("Unreachable");
    if flag.contains("Cpu") || flag.contains("Gc") {
        e.effects = Effects {
            error_rate: 0.05,
            latency_ms: 900.0,
            cpu: 6.0,
            mem: 1.5,
            ..Effects::default()
        };
        e.victim_log = format!("GC pause: heap {}MB; request exceeded deadline", 400);
    } else if flag.contains("Flood") {
        e.effects = Effects {
            error_rate: 0.35,
            latency_ms: 1500.0,
            cpu: 4.0,
            mem: 1.2,
            ..Effects::default()
        };
        e.victim_log = "upstream request timeout: overflow, too many requests".into();
    } else if flag.contains("Slow") {
        e.effects = Effects {
            error_rate: 0.02,
            latency_ms: 5000.0,
            cpu: 1.0,
            mem: 1.0,
            ..Effects::default()
        };
        e.victim_log = "image request took 5012ms".into();
    }
}
