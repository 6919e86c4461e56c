//! The self-contained HTML report.

use super::markdown::leaderboard;
use super::svg::{bars, esc, histogram, scatter};
use super::table::{Cell, Column, Filter, SCRIPT, Sort, table};
use super::{RunReport, domains, percentile};
use crate::score::results::Incident;
use crate::trajectory::Record;

const STYLE: &str = "body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222}\
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}\
th{background:#f1f1f1}figure{display:inline-block;margin:0 1em 1em 0}figcaption{font-weight:600}\
pre{background:#f7f7f7;padding:6px;white-space:pre-wrap;max-height:24em;overflow:auto}\
.ok{color:#1a7f37}.bad{color:#b42318}details{margin:.3em 0}.omitted{color:#666;font-style:italic}\
.filters{margin:1em 0 0}.filters label{margin-right:1em}.filters input[type=number]{width:5em}.count{color:#666}\
th button{all:unset;cursor:pointer}th[aria-sort=ascending] button::after{content:' \\25B2'}\
th[aria-sort=descending] button::after{content:' \\25BC'}";

/// How a question's repeats went: every one found every root cause, some did, or none.
fn outcome(inc: &Incident) -> &'static str {
    match inc.passed {
        0 => "missed",
        p if p >= inc.trials => "solved",
        _ => "mixed",
    }
}

/// A plot left out, and why, in one line.
fn omitted(title: &str, why: &str) -> String {
    format!(
        "<p class=\"omitted\">{}: left out, {}.</p>",
        esc(title),
        esc(why)
    )
}

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
        h.push_str("<table class=\"domains\"><tr><th>domain</th><th>metric</th><th>mean</th><th>± stderr</th><th>questions</th><th>trials</th></tr>");
        for row in domains::headlines(r) {
            h.push_str("<tr>");
            for c in row {
                h.push_str(&format!("<td>{}</td>", esc(&c)));
            }
            h.push_str("</tr>");
        }
        h.push_str("</table>");
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
        let title = "All-recall AP per question";
        if per_q.is_empty() {
            h.push_str(&omitted(title, "no question was scored"));
        } else {
            h.push_str(&bars(title, &per_q));
        }
        let title = "Score against cost";
        let first_cost = cost.first().map_or(0.0, |c| c.1);
        if cost.iter().all(|c| c.1 == first_cost) {
            let why = if first_cost == 0.0 {
                "every question cost $0 (no priced model API was called)".to_string()
            } else {
                format!("every question cost the same (${first_cost:.4})")
            };
            h.push_str(&omitted(title, &why));
        } else {
            h.push_str(&scatter(title, &cost, "cost per question ($)", "AP"));
        }
        if turns.is_empty() {
            h.push_str(&omitted("Turns per episode", "no episode was recorded"));
        } else if turns.iter().all(|t| *t == turns[0]) {
            let why = format!("every episode took {} turns", turns[0]);
            h.push_str(&omitted("Turns per episode", &why));
        } else {
            h.push_str(&histogram("Turns per episode", &turns, 10, "turns"));
        }
        if r.tool_latencies_ms.is_empty() {
            h.push_str(&omitted("Tool latency", "no command was run"));
        } else {
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
        }
        h.push_str("</div>");
        let columns = [
            Column::new("question", "question", Sort::Text, Filter::Contains),
            Column::new("domain", "domain", Sort::Text, Filter::Choice),
            Column::new("outcome", "outcome", Sort::Text, Filter::Choice),
            Column::new("domain score", "score", Sort::Num, Filter::No),
            Column::new("AP mean", "ap", Sort::Num, Filter::Range),
            Column::new("± stderr", "stderr", Sort::Num, Filter::No),
            Column::new("precision", "precision", Sort::Num, Filter::No),
            Column::new("recall", "recall", Sort::Num, Filter::No),
            Column::new("pass@1", "pass1", Sort::Num, Filter::No),
            Column::new("turns", "turns", Sort::Num, Filter::Range),
            Column::new("trajectories", "trajectories", Sort::No, Filter::No),
        ];
        let rows: Vec<Vec<Cell>> = r
            .results
            .rcabox
            .per_incident
            .iter()
            .map(|(q, inc)| {
                let m = |k: &str| inc.metrics.get(k).map_or(0.0, |s| s.mean);
                let links: Vec<String> = (1..=inc.trials)
                    .map(|k| format!("<a href=\"#{}\">r{k}</a>", anchor(ri, q, k)))
                    .collect();
                vec![
                    Cell::text(q),
                    Cell::text(domains::of(r, q).name()),
                    Cell::text(outcome(inc)),
                    {
                        let (x, text) = domains::score(r, q);
                        Cell {
                            html: super::svg::esc(&text),
                            value: x.to_string(),
                        }
                    },
                    Cell::num(m("all_recall_ap"), 3),
                    Cell::num(
                        inc.metrics
                            .get("all_recall_ap")
                            .map_or(0.0, |s| s.std_error),
                        3,
                    ),
                    Cell::num(m("precision"), 3),
                    Cell::num(m("recall"), 3),
                    Cell::num(inc.pass_at_k.get("pass@1").copied().unwrap_or(0.0), 3),
                    Cell::num(m("turns"), 1),
                    Cell {
                        html: links.join(" "),
                        value: String::new(),
                    },
                ]
            })
            .collect();
        h.push_str(&table(
            &format!("questions-{ri}"),
            "questions",
            &columns,
            &rows,
        ));
        h.push_str("<h3>Trajectories</h3>");
        for (q, rep, recs) in &r.trajectories {
            let trial = r
                .results
                .trials()
                .find(|t| &t.incident_id == q && t.trial == *rep);
            let line = trial.map_or("AP 0.000".to_string(), domains::trial_line);
            h.push_str(&format!(
                "<section id=\"{}\"><details><summary>{} r{rep}: {}</summary>",
                anchor(ri, q, *rep),
                esc(q),
                esc(&line)
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
            if let Some(c) = trial.and_then(|t| t.ciso.as_ref()) {
                h.push_str("<ul class=\"criteria\">");
                for (name, x) in c.named() {
                    let class = if x.calculation == 1 { "ok" } else { "bad" };
                    h.push_str(&format!(
                        "<li class=\"{class}\"><code>{name}</code>: {}</li>",
                        esc(&x.justification)
                    ));
                }
                h.push_str("</ul>");
            } else if let Some(t) = trial {
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
    h.push_str(&format!("<script>{SCRIPT}</script></body></html>\n"));
    h
}
