//! The bench's figures: percentiles, geometric means, and the tables printed without `--json`.

use serde_json::{Value, json};

/// Percentiles as `{"p50", "p90", "p99"}`.
pub(super) fn percentile_json([p50, p90, p99]: [f64; 3]) -> Value {
    json!({"p50": p50, "p90": p90, "p99": p99})
}

/// p50, p90 and p99 (nearest rank) of durations in milliseconds.
pub(super) fn percentiles(mut v: Vec<f64>) -> [f64; 3] {
    v.sort_by(f64::total_cmp);
    let at = |p: f64| {
        let i = ((p * v.len() as f64).ceil() as usize).clamp(1, v.len().max(1)) - 1;
        v.get(i).copied().unwrap_or(f64::NAN)
    };
    [at(0.50), at(0.90), at(0.99)]
}

/// The geometric mean, if there is anything to average.
pub(super) fn geometric_mean(v: &[f64]) -> Option<f64> {
    (!v.is_empty()).then(|| (v.iter().map(|s| s.ln()).sum::<f64>() / v.len() as f64).exp())
}

/// Speed-ups of rcabox over peer `name` in `rows`, where both ended with the same status, and
/// of the MCP path over it.
pub(super) fn speedups(rows: &[Value], name: &str) -> (Vec<f64>, Vec<f64>) {
    let same = |r: &&Value| r["exit"] == r[format!("{name}_exit")];
    let direct = rows
        .iter()
        .filter(same)
        .filter_map(|r| r[format!("speedup_vs_{name}")].as_f64())
        .collect();
    let mcp = rows
        .iter()
        .filter(same)
        .filter_map(|r| {
            Some(r[format!("{name}_ms")]["p50"].as_f64()? / r["mcp_ms"]["p50"].as_f64()?)
        })
        .collect();
    (direct, mcp)
}

fn triple(v: &Value) -> String {
    format!(
        "{:>7.2} {:>8.2} {:>8.2}",
        v["p50"].as_f64().unwrap_or(f64::NAN),
        v["p90"].as_f64().unwrap_or(f64::NAN),
        v["p99"].as_f64().unwrap_or(f64::NAN)
    )
}

/// Prints the report as tables.
pub(super) fn print_tables(r: &Value) {
    let cmds = r["commands"].as_array().cloned().unwrap_or_default();
    let peers: Vec<(String, String)> = r["peers"]
        .as_array()
        .map(|p| {
            p.iter()
                .filter_map(|p| {
                    Some((
                        p["name"].as_str()?.to_string(),
                        p["label"].as_str()?.to_string(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    let mut head = format!("{:<60} {:>27}", "command", "rcabox p50 / p90 / p99 ms");
    for (_, label) in &peers {
        head.push_str(&format!(
            "   {:>27} {:>8}",
            format!("{label} p50 / p90 / p99"),
            "speed-up"
        ));
    }
    println!("{head}");
    for c in &cmds {
        let text = c["command"].as_str().unwrap_or("");
        let mut name: String = text.chars().take(58).collect();
        if text.chars().count() > 58 {
            name.push('…');
        }
        let mut line = format!("{name:<60} {}", triple(&c["rcabox_ms"]));
        let mut differs = String::new();
        for (p, _) in &peers {
            let ms = &c[format!("{p}_ms")];
            let speed = c[format!("speedup_vs_{p}")]
                .as_f64()
                .map_or("-".into(), |s| format!("{s:.2}x"));
            line.push_str(&format!(
                "   {:>27} {speed:>8}",
                if ms.is_null() { "-".into() } else { triple(ms) }
            ));
            let exit = &c[format!("{p}_exit")];
            if !exit.is_null() && c["exit"] != *exit {
                differs.push_str(&format!("  (exit {} vs {p} {exit})", c["exit"]));
            }
        }
        println!("{line}{differs}");
    }
    for (p, label) in &peers {
        if let Some(g) = r[format!("geomean_speedup_vs_{p}")].as_f64() {
            println!("geometric mean speed-up over {label}: {g:.2}x");
        }
    }
    if let (Some(g), Some(o)) = (
        r["mcp_geomean_speedup_vs_native"].as_f64(),
        r["mcp_overhead_ms_p50"].as_f64(),
    ) {
        println!(
            "through rcabox mcp over stdio: geometric mean speed-up over bash -c {g:.2}x; the server adds {o:.2} ms a call (median)"
        );
    }
    if let Some(rows) = r["concurrency"].as_array().filter(|c| !c.is_empty()) {
        println!("\nepisodes of the mix at once, one process");
        for c in rows {
            println!(
                "{:>5} episodes {:>10.0} commands/s {:>8.1} MB peak resident per episode",
                c["episodes"].as_u64().unwrap_or(0),
                c["commands_per_sec"].as_f64().unwrap_or(f64::NAN),
                c["peak_rss_mb_per_episode"].as_f64().unwrap_or(f64::NAN)
            );
        }
    }
    if let Some(cold) = r["cold_start"].as_array().filter(|c| !c.is_empty()) {
        println!("\nfirst command of a new process (rcabox exec true)");
        for c in cold {
            println!(
                "{:<40} {:>8.0} ms {:>6.0} MB",
                c["case"].as_str().unwrap_or(""),
                c["wall_ms"].as_f64().unwrap_or(f64::NAN),
                c["peak_rss_mb"].as_f64().unwrap_or(f64::NAN)
            );
        }
    }
    for s in r["skipped"].as_array().into_iter().flatten() {
        println!("{}", s.as_str().unwrap_or(""));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentiles(v), [50.0, 90.0, 99.0]);
        assert_eq!(percentiles(vec![3.0]), [3.0, 3.0, 3.0]);
    }

    #[test]
    fn speed_ups_count_only_commands_that_ended_alike() {
        let rows = vec![
            json!({"exit": 0, "native_exit": 0, "speedup_vs_native": 4.0, "native_ms": {"p50": 4.0}, "mcp_ms": {"p50": 2.0}}),
            json!({"exit": 0, "native_exit": 1, "speedup_vs_native": 100.0}),
        ];
        let (d, m) = speedups(&rows, "native");
        assert_eq!(d, [4.0]);
        assert_eq!(m, [2.0]);
        assert_eq!(geometric_mean(&[2.0, 8.0]), Some(4.0));
    }
}
