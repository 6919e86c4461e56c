//! `rcabox bench --html FILE`: the report as one page that opens offline, a plot of each
//! command's median time on every side (log scale, since a side can be 200x another) above the
//! tables. Drawn as inline SVG with the report's own escaping, as the run report's charts are.

use rcabox_runtime::report::esc;
use serde_json::Value;

/// Colours of the sides, in the order they are drawn.
const COLOURS: &[&str] = &[
    "#3b7dd8", "#8cb6ee", "#d8833b", "#5aa05a", "#b05ab0", "#a0a0a0",
];
const ROW_H: f64 = 14.0;
const LABEL_W: f64 = 420.0;
const PLOT_W: f64 = 520.0;

/// The sides of the report: (field prefix, label), rcabox first.
fn sides(r: &Value) -> Vec<(String, String)> {
    let mut v = vec![("rcabox".to_string(), "rcabox".to_string())];
    if r["commands"][0]["mcp_ms"].is_object() {
        v.push(("mcp".into(), "rcabox mcp".into()));
    }
    for p in r["peers"].as_array().into_iter().flatten() {
        if let (Some(n), Some(l)) = (p["name"].as_str(), p["label"].as_str()) {
            v.push((n.to_string(), l.to_string()));
        }
    }
    v
}

fn fmt(v: &Value, digits: usize) -> String {
    v.as_f64()
        .map_or_else(|| "–".to_string(), |x| format!("{x:.digits$}"))
}

/// The plot: a group of bars a command, one a side, length log10 of the median.
fn plot(r: &Value, sides: &[(String, String)]) -> String {
    let cmds = r["commands"].as_array().cloned().unwrap_or_default();
    let p50 = |c: &Value, side: &str| c[format!("{side}_ms")]["p50"].as_f64().filter(|x| *x > 0.0);
    let all: Vec<f64> = cmds
        .iter()
        .flat_map(|c| sides.iter().filter_map(|(s, _)| p50(c, s)))
        .collect();
    let lo = all
        .iter()
        .copied()
        .fold(f64::INFINITY, f64::min)
        .min(0.1)
        .log10()
        .floor();
    let hi = all
        .iter()
        .copied()
        .fold(0.0, f64::max)
        .max(1.0)
        .log10()
        .ceil();
    let x = |ms: f64| LABEL_W + (ms.log10() - lo) / (hi - lo).max(1.0) * PLOT_W;
    let group = ROW_H * sides.len() as f64 + 8.0;
    let height = 40.0 + group * cmds.len() as f64;
    let mut body = String::new();
    let mut decade = lo;
    while decade <= hi {
        let gx = x(10f64.powf(decade));
        body.push_str(&format!(
            "<line x1=\"{gx:.1}\" y1=\"20\" x2=\"{gx:.1}\" y2=\"{height}\" stroke=\"#ddd\"/>\
<text x=\"{gx:.1}\" y=\"14\" font-size=\"10\" text-anchor=\"middle\">{} ms</text>",
            10f64.powf(decade)
        ));
        decade += 1.0;
    }
    for (i, c) in cmds.iter().enumerate() {
        let top = 24.0 + group * i as f64;
        // 11px monospace is about 6.6px a character: 60 fit before the bars start.
        let full = c["command"].as_str().unwrap_or("");
        let mut text: String = full.chars().take(60).collect();
        if full.chars().count() > 60 {
            text.pop();
            text.push('…');
        }
        body.push_str(&format!(
            "<text x=\"4\" y=\"{:.1}\" font-size=\"11\" font-family=\"monospace\">{}</text>",
            top + ROW_H,
            esc(&text)
        ));
        for (j, (s, label)) in sides.iter().enumerate() {
            let Some(ms) = p50(c, s) else { continue };
            let y = top + ROW_H * j as f64;
            let w = (x(ms) - LABEL_W).max(1.0);
            body.push_str(&format!(
                "<rect class=\"bar\" x=\"{LABEL_W}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{:.1}\" fill=\"{}\"><title>{}: {ms:.2} ms</title></rect>",
                ROW_H - 2.0,
                COLOURS[j % COLOURS.len()],
                esc(label)
            ));
        }
    }
    let legend: String = sides
        .iter()
        .enumerate()
        .map(|(j, (_, l))| {
            format!(
                "<span class=\"key\"><i style=\"background:{}\"></i>{}</span>",
                COLOURS[j % COLOURS.len()],
                esc(l)
            )
        })
        .collect();
    format!(
        "<p>{legend}</p><svg class=\"chart\" role=\"img\" aria-label=\"median time per command\" \
viewBox=\"0 0 {w} {height}\" width=\"{w}\" height=\"{height}\">{body}</svg>",
        w = LABEL_W + PLOT_W + 20.0
    )
}

/// The per-command table: medians, p99, speed-ups, peak memory and MB/s.
fn table(r: &Value, sides: &[(String, String)]) -> String {
    let mut head = String::from("<tr><th>command</th>");
    for (_, l) in sides {
        head.push_str(&format!("<th>{} p50 / p99 ms</th>", esc(l)));
    }
    for (s, l) in &sides[1..] {
        if s != "mcp" {
            head.push_str(&format!("<th>vs {}</th>", esc(l)));
        }
    }
    head.push_str("<th>rcabox peak MB</th><th>rcabox MB/s</th></tr>");
    let mut rows = String::new();
    for c in r["commands"].as_array().into_iter().flatten() {
        rows.push_str(&format!(
            "<tr><td><code>{}</code></td>",
            esc(c["command"].as_str().unwrap_or(""))
        ));
        for (s, _) in sides {
            let m = &c[format!("{s}_ms")];
            rows.push_str(&format!(
                "<td>{} / {}</td>",
                fmt(&m["p50"], 2),
                fmt(&m["p99"], 2)
            ));
        }
        for (s, _) in &sides[1..] {
            if s != "mcp" {
                rows.push_str(&format!(
                    "<td>{}x</td>",
                    fmt(&c[format!("speedup_vs_{s}")], 2)
                ));
            }
        }
        rows.push_str(&format!(
            "<td>{}</td><td>{}</td></tr>",
            fmt(&c["rcabox_peak_mb"], 1),
            fmt(&c["rcabox_mb_per_s"], 0)
        ));
    }
    format!("<table id=\"commands\">{head}{rows}</table>")
}

/// The whole page.
pub(super) fn page(r: &Value) -> String {
    let sides = sides(r);
    let mut summary = String::new();
    for (s, l) in &sides[1..] {
        if let Some(g) = r[format!("geomean_speedup_vs_{s}")].as_f64() {
            summary.push_str(&format!(
                "<li>geometric mean speed-up over {}: {g:.2}x</li>",
                esc(l)
            ));
        }
    }
    if let Some(g) = r["mcp_geomean_speedup_vs_native"].as_f64() {
        summary.push_str(&format!(
            "<li>through <code>rcabox mcp</code>: {g:.2}x over bash -c; the server adds {} ms a call</li>",
            fmt(&r["mcp_overhead_ms_p50"], 2)
        ));
    }
    for c in r["concurrency"].as_array().into_iter().flatten() {
        summary.push_str(&format!(
            "<li>{} episodes at once: {} commands/s, {} MB each</li>",
            c["episodes"],
            fmt(&c["commands_per_sec"], 0),
            fmt(&c["peak_rss_mb_per_episode"], 1)
        ));
    }
    for c in r["cold_start"].as_array().into_iter().flatten() {
        summary.push_str(&format!(
            "<li>first command, {}: {} ms, {} MB</li>",
            esc(c["case"].as_str().unwrap_or("")),
            fmt(&c["wall_ms"], 0),
            fmt(&c["peak_rss_mb"], 0)
        ));
    }
    for s in r["skipped"].as_array().into_iter().flatten() {
        summary.push_str(&format!("<li>{}</li>", esc(s.as_str().unwrap_or(""))));
    }
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>rcabox bench</title>\
<style>body{{font-family:sans-serif;margin:1.5em}}table{{border-collapse:collapse;font-size:12px}}\
td,th{{border:1px solid #ccc;padding:2px 6px;text-align:right}}td:first-child{{text-align:left}}\
tr:nth-child(even){{background:#f1f1f1}}.key{{margin-right:1em}}.key i{{display:inline-block;width:12px;\
height:12px;margin-right:4px;vertical-align:middle}}</style></head><body><h1>rcabox bench</h1>\
<p>snapshot <code>{}</code>, {} measured runs a command and side; medians, log scale.</p>{}<ul>{summary}</ul>{}\
</body></html>\n",
        esc(r["snapshot"].as_str().unwrap_or("")),
        r["repeat"],
        plot(r, &sides),
        table(r, &sides)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_side_of_every_command_gets_a_bar_and_text_is_escaped() {
        let r = json!({
            "snapshot": "/s", "repeat": 3,
            "peers": [{"name": "native", "label": "bash -c"}],
            "commands": [
                {"command": "a <b> & c", "rcabox_ms": {"p50": 0.2, "p99": 0.3}, "mcp_ms": {"p50": 0.5},
                 "native_ms": {"p50": 2.0, "p99": 3.0}, "speedup_vs_native": 10.0},
                {"command": "ls", "rcabox_ms": {"p50": 1.0}, "mcp_ms": {"p50": 1.5}, "native_ms": {"p50": 400.0}},
            ],
            "geomean_speedup_vs_native": 10.0,
        });
        let p = page(&r);
        assert_eq!(p.matches("class=\"bar\"").count(), 6);
        assert!(p.contains("a &lt;b&gt; &amp; c") && !p.contains("a <b>"));
        assert!(p.contains("over bash -c: 10.00x"));
    }
}
