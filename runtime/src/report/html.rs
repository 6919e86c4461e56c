//! The self-contained HTML report.

use super::markdown::leaderboard;
use super::svg::{bars, esc, histogram, scatter};
use super::{RunReport, percentile};
use crate::trajectory::Record;

const STYLE: &str = "body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222}\
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}\
th{background:#f1f1f1}figure{display:inline-block;margin:0 1em 1em 0}figcaption{font-weight:600}\
pre{background:#f7f7f7;padding:6px;white-space:pre-wrap;max-height:24em;overflow:auto}\
.ok{color:#1a7f37}.bad{color:#b42318}details{margin:.3em 0}";

fn cut(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        return s.to_string();
    }
    let head: String = s.chars().take(n).collect();
    format!(
        "{head}\n[... {} more characters in the trajectory file]",
        s.chars().count() - n
    )
}

fn anchor(run: usize, q: &str, r: usize) -> String {
    let q: String = q
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("t{run}-{q}-r{r}")
}

/// Renders the HTML report.
pub fn html(runs: &[RunReport]) -> String {
    let mut h = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>rcabox report</title><style>{STYLE}</style></head><body><h1>rcabox report</h1><h2 id=\"leaderboard\">Leaderboard</h2><table id=\"leaderboard-table\"><tr><th>agent</th><th>run</th><th>all-recall AP</th><th>± stderr</th><th>pass@1</th><th>turns</th><th>tokens</th><th>cost ($/question)</th></tr>"
    );
    for row in leaderboard(runs) {
        h.push_str("<tr>");
        for c in row {
            h.push_str(&format!("<td>{}</td>", esc(&c)));
        }
        h.push_str("</tr>");
    }
    h.push_str("</table>");
    for (ri, r) in runs.iter().enumerate() {
        h.push_str(&format!(
            "<h2>{} <small>{}</small></h2>",
            esc(&r.info.agent),
            esc(&r.dir.display().to_string())
        ));
        let per_q: Vec<(String, f64)> = r
            .results
            .rcabox
            .per_incident
            .iter()
            .map(|(q, i)| {
                (
                    q.clone(),
                    i.metrics.get("all_recall_ap").map_or(0.0, |s| s.mean),
                )
            })
            .collect();
        let cost: Vec<(String, f64, f64)> = r
            .results
            .rcabox
            .per_incident
            .iter()
            .map(|(q, i)| {
                (
                    q.clone(),
                    i.metrics.get("cost_usd").map_or(0.0, |s| s.mean),
                    i.metrics.get("all_recall_ap").map_or(0.0, |s| s.mean),
                )
            })
            .collect();
        let turns: Vec<f64> = r.results.trials().map(|t| t.turns as f64).collect();
        h.push_str("<div class=\"plots\">");
        h.push_str(&bars("All-recall AP per question", &per_q));
        h.push_str(&scatter(
            "Score against cost",
            &cost,
            "cost per question ($)",
            "AP",
        ));
        h.push_str(&histogram("Turns per episode", &turns, 10, "turns"));
        h.push_str(&histogram(
            &format!(
                "Tool latency (median {:.1} ms, p95 {:.1} ms)",
                percentile(&r.tool_latencies_ms, 50.0),
                percentile(&r.tool_latencies_ms, 95.0)
            ),
            &r.tool_latencies_ms,
            20,
            "ms per command",
        ));
        h.push_str("</div><table class=\"questions\"><tr><th>question</th><th>AP mean</th><th>± stderr</th><th>precision</th><th>recall</th><th>pass@1</th><th>turns</th><th>trajectories</th></tr>");
        for (q, inc) in &r.results.rcabox.per_incident {
            let m = |k: &str| inc.metrics.get(k).map_or(0.0, |s| s.mean);
            let links: Vec<String> = (1..=inc.trials)
                .map(|k| format!("<a href=\"#{}\">r{k}</a>", anchor(ri, q, k)))
                .collect();
            h.push_str(&format!(
                "<tr><td>{}</td><td>{:.3}</td><td>{:.3}</td><td>{:.3}</td><td>{:.3}</td><td>{:.3}</td><td>{:.1}</td><td>{}</td></tr>",
                esc(q), m("all_recall_ap"), inc.metrics.get("all_recall_ap").map_or(0.0, |s| s.std_error), m("precision"), m("recall"),
                inc.pass_at_k.get("pass@1").copied().unwrap_or(0.0), m("turns"), links.join(" ")
            ));
        }
        h.push_str("</table><h3>Trajectories</h3>");
        for (q, rep, recs) in &r.trajectories {
            let trial = r
                .results
                .trials()
                .find(|t| &t.incident_id == q && t.trial == *rep);
            let ap = trial.map_or(0.0, |t| t.score.metrics.all_recall_ap);
            h.push_str(&format!(
                "<section id=\"{}\"><details><summary>{} r{rep}: AP {ap:.3}</summary>",
                anchor(ri, q, *rep),
                esc(q)
            ));
            for rec in recs {
                match rec {
                    Record::Turn {
                        turn,
                        content,
                        warning,
                        ..
                    } => {
                        if let Some(w) = warning {
                            h.push_str(&format!("<p><em>harness: {}</em></p>", esc(w)));
                        }
                        h.push_str(&format!("<p><b>turn {turn}</b> {}</p>", esc(content)));
                    }
                    Record::Tool {
                        name,
                        cmd,
                        observation,
                        duration_ms,
                        ..
                    } => {
                        let what = cmd.as_deref().unwrap_or(name);
                        h.push_str(&format!("<details><summary><code>{}</code> ({duration_ms:.1} ms)</summary><pre>{}</pre></details>", esc(&cut(what, 300)), esc(&cut(observation, 4000))));
                    }
                    Record::End { ending, answer, .. } => {
                        h.push_str(&format!("<p>ended: {ending:?}</p>"));
                        if let Some(a) = answer {
                            h.push_str(&format!(
                                "<pre>{}</pre>",
                                esc(&serde_json::to_string_pretty(a).unwrap_or_default())
                            ));
                        }
                    }
                    Record::Header(_) => {}
                }
            }
            if let Some(t) = trial {
                h.push_str("<ul class=\"matches\">");
                for d in &t.score.matches {
                    let class = if d.root_cause.is_some() { "ok" } else { "bad" };
                    h.push_str(&format!(
                        "<li class=\"{class}\"><code>{}</code>: {}</li>",
                        esc(&d.submitted),
                        esc(&d.explanation)
                    ));
                }
                h.push_str(&format!(
                    "</ul><p>root causes: {}</p>",
                    esc(&t.score.root_causes.join(", "))
                ));
            }
            h.push_str("</details></section>");
        }
    }
    h.push_str("</body></html>\n");
    h
}
