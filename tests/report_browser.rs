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
    assert_eq!(dom.matches("<svg").count(), 4, "four plots");
    assert!(dom.contains("class=\"bar\"") && dom.contains("class=\"dot\""));

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
