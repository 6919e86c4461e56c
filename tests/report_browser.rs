//! The HTML report in a real headless Chromium: no console errors, and a screenshot shows the
//! tables and the plots.

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;

fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|b| {
            let out = Command::new("sh")
                .arg("-c")
                .arg(format!("command -v {b}"))
                .output()
                .ok()?;
            let p = String::from_utf8_lossy(&out.stdout).trim().to_string();
            (!p.is_empty()).then(|| PathBuf::from(p))
        })
}

/// Chromium, or `None` with a line saying the test was skipped (never in CI, which installs it).
/// Chromium, or the test fails with one line saying how to add it.
fn chromium_or_skip() -> Option<PathBuf> {
    let found = chromium();
    if found.is_none() {
        common::missing(
            "missing `chromium`: run `cargo xtask test` (installs it) or `apt-get install chromium`",
        );
    }
    found
}

fn headless(browser: &Path, page: &Path, extra: &[&str]) -> std::process::Output {
    Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--enable-logging=stderr",
            "--v=0",
            "--window-size=1200,1400",
        ])
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs")
}

/// Console messages the page produced (Chromium logs them as `INFO:CONSOLE`).
fn console(o: &std::process::Output) -> Vec<String> {
    String::from_utf8_lossy(&o.stderr)
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(str::to_string)
        .collect()
}

#[test]
fn html_report_renders_in_headless_chromium_without_console_errors() {
    let Some(browser) = chromium_or_skip() else {
        return;
    };
    let d = tempfile::tempdir().expect("tempdir");
    let run = d.path().join("run");
    let o = Command::new(env!("CARGO_BIN_EXE_rcabox"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "run",
            "--repeats",
            "1",
            "--questions",
            "Scenario-2,Scenario-50,Scenario-33",
            "--out",
        ])
        .arg(&run)
        .output()
        .expect("run");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let page = run.join("report.html");

    // The check catches errors: a page with a failing script is reported.
    let bad = d.path().join("bad.html");
    std::fs::write(
        &bad,
        "<html><body><script>missing_function();</script></body></html>",
    )
    .expect("bad");
    assert!(
        !console(&headless(&browser, &bad, &["--dump-dom"])).is_empty(),
        "console errors are detected"
    );

    let dom = headless(&browser, &page, &["--dump-dom"]);
    assert!(console(&dom).is_empty(), "console: {:?}", console(&dom));
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(
        dom.contains("id=\"leaderboard-table\""),
        "leaderboard table in the DOM"
    );
    // The baseline costs nothing: the cost plot is left out with its reason, the other three
    // are drawn, every bar labelled with its question.
    // A plot is drawn or left out with its reason (turns are too when every episode took as
    // many).
    assert_eq!(
        dom.matches("<svg").count() + dom.matches("class=\"omitted\"").count(),
        4,
        "four plots, drawn or left out"
    );
    assert!(
        dom.contains("Score against cost: left out, every question cost $0"),
        "the empty plot says why it is left out"
    );
    assert!(!dom.contains("class=\"dot\""));
    for q in ["Scenario-2", "Scenario-50", "Scenario-33"] {
        assert!(dom.contains(&format!(">{q}</text>")), "bar of {q} labelled");
    }
    assert_eq!(dom.matches("class=\"bar-label\"").count(), 3);

    let shot = d.path().join("shot.png");
    let o = headless(
        &browser,
        &page,
        &[&format!("--screenshot={}", shot.display())],
    );
    assert!(
        o.status.success() && shot.is_file(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(&shot).expect("png"),
    ));
    let mut reader = decoder.read_info().expect("png header");
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("png frame");
    let channels = info.color_type.samples();
    let pixels: Vec<&[u8]> = buf[..info.buffer_size()].chunks(channels).collect();
    let near = |p: &[u8], c: [u8; 3]| p.iter().zip(c).all(|(a, b)| a.abs_diff(b) < 12);
    let blue = pixels.iter().filter(|p| near(p, [59, 125, 216])).count();
    let table_grey = pixels.iter().filter(|p| near(p, [241, 241, 241])).count();
    assert!(blue > 2000, "the score bars are drawn ({blue} bar pixels)");
    assert!(
        table_grey > 2000,
        "table headers are drawn ({table_grey} header pixels)"
    );
}

/// Drives the per-question table of `page` as a reader would (clicks on headers, typing and
/// choosing in the filters) in Chromium, and returns the visible rows after each step as
/// `[step, [[question, outcome, ap, turns], ...]]`.
fn drive_table(browser: &Path, page: &Path, dir: &Path) -> Vec<(String, Vec<Vec<String>>)> {
    const PROBE: &str = r#"<script>
(function () {
  const steps = [];
  const table = document.querySelector("table.questions");
  const bar = document.querySelector('.filters[data-for="' + table.id + '"]');
  const col = (k) => Array.from(table.tHead.rows[0].cells).findIndex((h) => h.dataset.key === k);
  const keys = ["question", "outcome", "ap", "turns"].map(col);
  const record = (name) => steps.push([name, Array.from(table.tBodies[0].rows)
    .filter((r) => !r.hidden).map((r) => keys.map((i) => r.cells[i].dataset.v))]);
  const click = (k) => table.tHead.rows[0].cells[col(k)].querySelector("button").click();
  const set = (sel, v) => { const c = bar.querySelector(sel); c.value = v;
    c.dispatchEvent(new Event("input", { bubbles: true })); c.dispatchEvent(new Event("change", { bubbles: true })); };
  record("start");
  click("ap"); record("ap ascending");
  click("ap"); record("ap descending");
  click("question"); record("question ascending");
  click("turns"); record("turns ascending");
  set('[data-key="question"]', "scenario-5"); record("question contains scenario-5");
  set('[data-key="question"]', "");
  const outcome = bar.querySelector('[data-key="outcome"]');
  set('[data-key="outcome"]', outcome.options[outcome.options.length - 1].value); record("outcome " + outcome.value);
  set('[data-key="outcome"]', "");
  const turns = steps[0][1].map((r) => Number(r[3])).sort((a, b) => a - b);
  set('[data-filter="min"][data-key="turns"]', String(turns[1])); record("turns min " + turns[1]);
  set('[data-filter="max"][data-key="turns"]', String(turns[1])); record("turns max " + turns[1]);
  const out = document.createElement("pre"); out.id = "probe";
  out.textContent = JSON.stringify(steps); document.body.appendChild(out);
})();
</script>"#;
    let html = std::fs::read_to_string(page).expect("report");
    let driven = dir.join("driven.html");
    std::fs::write(&driven, html.replace("</body>", &format!("{PROBE}</body>"))).expect("write");
    let o = headless(browser, &driven, &["--dump-dom"]);
    assert!(console(&o).is_empty(), "console: {:?}", console(&o));
    let dom = String::from_utf8_lossy(&o.stdout);
    let json = dom
        .split("<pre id=\"probe\">")
        .nth(1)
        .and_then(|t| t.split("</pre>").next())
        .expect("the probe ran");
    let json = json
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    serde_json::from_str(&json).expect("probe JSON")
}

#[test]
fn the_question_table_sorts_and_filters_in_chromium() {
    let Some(browser) = chromium_or_skip() else {
        return;
    };
    let d = tempfile::tempdir().expect("tempdir");
    let run = d.path().join("run");
    let questions = [
        "Scenario-2",
        "Scenario-3",
        "Scenario-16",
        "Scenario-33",
        "Scenario-50",
    ];
    let o = Command::new(env!("CARGO_BIN_EXE_rcabox"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "run",
            "--repeats",
            "1",
            "--questions",
            &questions.join(","),
            "--out",
        ])
        .arg(&run)
        .output()
        .expect("run");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let steps = drive_table(&browser, &run.join("report.html"), d.path());
    let step = |name: &str| -> &Vec<Vec<String>> {
        &steps
            .iter()
            .find(|s| s.0.starts_with(name))
            .unwrap_or_else(|| panic!("no step {name}: {steps:?}"))
            .1
    };
    let num = |rows: &Vec<Vec<String>>, i: usize| -> Vec<f64> {
        rows.iter().map(|r| r[i].parse().expect("number")).collect()
    };
    let all = step("start");
    assert_eq!(all.len(), questions.len(), "{steps:?}");
    let ap_up = num(step("ap ascending"), 2);
    assert!(ap_up.windows(2).all(|w| w[0] <= w[1]), "{ap_up:?}");
    let ap_down = num(step("ap descending"), 2);
    assert!(ap_down.windows(2).all(|w| w[0] >= w[1]), "{ap_down:?}");
    let names: Vec<&str> = step("question ascending")
        .iter()
        .map(|r| r[0].as_str())
        .collect();
    assert_eq!(
        names,
        [
            "Scenario-2",
            "Scenario-3",
            "Scenario-16",
            "Scenario-33",
            "Scenario-50"
        ],
        "questions sort with their numbers as numbers"
    );
    let turns = num(step("turns ascending"), 3);
    assert!(turns.windows(2).all(|w| w[0] <= w[1]), "{turns:?}");
    let found: Vec<&str> = step("question contains")
        .iter()
        .map(|r| r[0].as_str())
        .collect();
    assert_eq!(
        found,
        ["Scenario-50"],
        "filtering is case-insensitive and by substring"
    );
    let (name, chosen) = steps
        .iter()
        .find(|s| s.0.starts_with("outcome "))
        .expect("outcome step");
    let outcome = name.trim_start_matches("outcome ");
    let want = all.iter().filter(|r| r[1] == outcome).count();
    assert!(want > 0 && chosen.len() == want, "{name}: {chosen:?}");
    assert!(chosen.iter().all(|r| r[1] == outcome));
    let mut sorted = num(all, 3);
    sorted.sort_by(f64::total_cmp);
    let min = sorted[1];
    let above = num(step("turns min"), 3);
    assert_eq!(
        above.len(),
        sorted.iter().filter(|t| **t >= min).count(),
        "{above:?}"
    );
    assert!(above.iter().all(|t| *t >= min));
    let exact = num(step("turns max"), 3);
    assert!(
        !exact.is_empty() && exact.iter().all(|t| *t == min),
        "{exact:?}"
    );
}

#[test]
fn bench_page_renders_its_plot_in_headless_chromium() {
    let Some(browser) = chromium_or_skip() else {
        return;
    };
    let d = tempfile::tempdir().expect("tempdir");
    let mix = d.path().join("mix.txt");
    std::fs::write(
        &mix,
        "true\ngrep -c Warning k8s_events_raw.tsv\nls | wc -l\n",
    )
    .expect("mix");
    let page = d.path().join("bench.html");
    let o = Command::new(env!("CARGO_BIN_EXE_rcabox"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["bench", "--repeat", "2", "--no-cold", "--mix"])
        .arg(&mix)
        .arg("--html")
        .arg(&page)
        .output()
        .expect("bench");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let dom = headless(&browser, &page, &["--dump-dom"]);
    assert!(console(&dom).is_empty(), "console: {:?}", console(&dom));
    let dom = String::from_utf8_lossy(&dom.stdout);
    // Three commands, each on three sides: rcabox, rcabox mcp, bash -c.
    assert_eq!(dom.matches("class=\"bar\"").count(), 9, "{dom}");
    assert!(
        dom.contains("id=\"commands\"") && dom.contains("geometric mean speed-up over bash -c")
    );
}
