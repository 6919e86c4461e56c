//! The Markdown report.

use super::{RunReport, domains, percentile};

fn stat(r: &RunReport, key: &str) -> (f64, f64) {
    r.results
        .rcabox
        .overall
        .get(key)
        .map_or((0.0, 0.0), |s| (s.mean, s.std_error))
}

/// Leaderboard rows, best headline first: (agent, dir, AP, stderr, pass@1, turns, tokens, cost).
pub(super) fn leaderboard(runs: &[RunReport]) -> Vec<[String; 8]> {
    let mut rows: Vec<(f64, [String; 8])> = runs
        .iter()
        .map(|r| {
            let (ap, se) = (
                r.results.rcabox.all_recall_ap,
                r.results.rcabox.all_recall_ap_std_error,
            );
            (
                ap,
                [
                    r.info.agent.clone(),
                    r.dir.display().to_string(),
                    format!("{ap:.3}"),
                    format!("{se:.3}"),
                    format!("{:.3}", stat(r, "pass@1").0),
                    format!("{:.1}", stat(r, "turns").0),
                    format!("{:.0}", stat(r, "tokens").0),
                    format!("{:.4}", stat(r, "cost_usd").0),
                ],
            )
        })
        .collect();
    rows.sort_by(|a, b| b.0.total_cmp(&a.0));
    rows.into_iter().map(|(_, r)| r).collect()
}

/// Renders the Markdown report.
pub fn markdown(runs: &[RunReport]) -> String {
    let mut md = String::from(
        "# rcabox report\n\n## Leaderboard\n\n| agent | run | all-recall AP | ± stderr | pass@1 | turns | tokens | cost ($/question) |\n|---|---|---|---|---|---|---|---|\n",
    );
    for row in leaderboard(runs) {
        md.push_str(&format!("| {} |\n", row.join(" | ")));
    }
    for r in runs {
        md.push_str(&format!(
            "\n## {} ({})\n\n{} questions, {} trials, turn cap {}, seed {}. Tool latency: median {:.1} ms, p95 {:.1} ms over {} commands.\n\n",
            r.info.agent,
            r.dir.display(),
            r.results.rcabox.incidents,
            r.results.rcabox.trials,
            r.info.max_turns,
            r.info.seed,
            percentile(&r.tool_latencies_ms, 50.0),
            percentile(&r.tool_latencies_ms, 95.0),
            r.tool_latencies_ms.len()
        ));
        md.push_str("| domain | metric | mean | ± stderr | questions | trials |\n|---|---|---|---|---|---|\n");
        for row in domains::headlines(r) {
            md.push_str(&format!("| {} |\n", row.join(" | ")));
        }
        md.push_str("\n| question | domain | domain score | AP mean | ± stderr | precision | recall | pass@1 | turns | answered |\n|---|---|---|---|---|---|---|---|---|---|\n");
        for (q, inc) in &r.results.rcabox.per_incident {
            let m = |k: &str| inc.metrics.get(k).map_or(0.0, |s| s.mean);
            let se = inc
                .metrics
                .get("all_recall_ap")
                .map_or(0.0, |s| s.std_error);
            let answered = r
                .results
                .trials()
                .filter(|t| &t.incident_id == q && t.answered)
                .count();
            md.push_str(&format!(
                "| {q} | {} | {} | {:.3} | {se:.3} | {:.3} | {:.3} | {:.3} | {:.1} | {answered}/{} |\n",
                domains::of(r, q).name(),
                domains::score(r, q).1,
                m("all_recall_ap"),
                m("precision"),
                m("recall"),
                inc.pass_at_k.get("pass@1").copied().unwrap_or(0.0),
                m("turns"),
                inc.trials
            ));
        }
    }
    md
}
