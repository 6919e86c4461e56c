//! The FinOps generator: an ITBench-Lite FinOps snapshot (`anomaly.json`, `data.csv`,
//! `ground_truth.yaml`) from a scenario number and a seed, byte for byte the same for the same
//! inputs.
//!
//! The anomaly account has two cloud providers, two services each, two applications a service
//! and one or two instance families an application, plus a second account for noise. Each
//! fleet follows a weekly profile (business hours, flat, or a batch day), a slow trend and
//! noise. Scenario N plants the anomaly of kind `KINDS[(N - 1) % 8]` on the anomaly date: an
//! instance family, an application, a cloud service, a CSP or the whole account grows, or an
//! application or instance family appears. One application of the account always peaks on
//! the anomaly date's weekday, every week: a decoy that seasonality explains.

pub mod catalog;
pub mod model;

use std::fmt::Write as _;
use std::path::Path;

use chrono::{Datelike, Duration, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::json;

use super::GroundTruth;
use crate::snapshot::SnapshotError;
use crate::snapshot::layout::MANIFEST_NAME;
use crate::snapshot::manifest::Manifest;
use model::{KINDS, Kind, Leaf};

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Scenario number, from 1: picks the anomaly's kind.
    pub scenario: u32,
    /// Seed of every random choice.
    pub seed: u64,
    /// Weeks of history before the anomaly date (at least 2).
    pub weeks: u32,
}

/// What was generated.
#[derive(Debug, Clone)]
pub struct Summary {
    /// The written snapshot's manifest content hash.
    pub content_hash: String,
    /// Files written.
    pub files: usize,
    /// Bytes written.
    pub bytes: u64,
    /// The anomaly's kind.
    pub kind: &'static str,
    /// The ground truth.
    pub ground_truth: GroundTruth,
}

fn bad(path: &Path, message: String) -> SnapshotError {
    SnapshotError::Malformed {
        path: path.display().to_string(),
        line: 0,
        message,
    }
}

/// The scenario's anomaly kind.
pub fn kind_of(scenario: u32) -> Kind {
    KINDS[(scenario.max(1) as usize - 1) % KINDS.len()]
}

/// Writes scenario `opts` into `out` (new or empty) and its manifest.
pub fn generate(opts: &Options, out: &Path) -> Result<Summary, SnapshotError> {
    if opts.scenario == 0 || !(2..=52).contains(&opts.weeks) {
        return Err(bad(
            out,
            format!(
                "scenario {} with {} weeks: scenarios count from 1, weeks of history are 2 to 52",
                opts.scenario, opts.weeks
            ),
        ));
    }
    if std::fs::read_dir(out).is_ok_and(|mut rd| rd.next().is_some()) {
        return Err(bad(
            out,
            "output directory exists and is not empty; give a new directory".into(),
        ));
    }
    let kind = kind_of(opts.scenario);
    let mut rng = ChaCha8Rng::seed_from_u64(
        opts.seed
            .wrapping_mul(1_000_003)
            .wrapping_add(u64::from(opts.scenario)),
    );
    // A weekday (Monday to Friday) some weeks into the autumn of 2025.
    let first_monday = NaiveDate::from_ymd_opt(2025, 9, 1).unwrap_or_default();
    let anomaly = first_monday
        + Duration::weeks(i64::from(opts.weeks) + rng.random_range(0..6))
        + Duration::days(rng.random_range(0..5));
    let days = opts.weeks as usize * 7;
    let start = anomaly - Duration::days(days as i64);
    let weekday = anomaly.weekday().num_days_from_monday() as usize;

    let id = model::account_id(&mut rng);
    let mut leaves = model::account(&mut rng, &id, weekday);
    let decoy = model::decoy(&mut rng, &mut leaves, weekday);
    let truth = model::plant(&mut rng, kind, &mut leaves, days, &decoy);
    let other = model::account_id(&mut rng);
    let mut noise = model::account(&mut rng, &other, weekday);
    leaves.append(&mut noise);

    let csv = render(&mut rng, &leaves, start, days);
    std::fs::create_dir_all(out).map_err(|e| SnapshotError::io(out, e))?;
    let write = |name: &str, text: &str| {
        let p = out.join(name);
        std::fs::write(&p, text).map_err(|e| SnapshotError::io(&p, e))
    };
    write(
        super::ANOMALY,
        &format!(
            "{{\"date\": \"{}\", \"account_id\": \"{id}\"}}\n",
            anomaly.format("%Y-%m-%d")
        ),
    )?;
    write(super::DATA, &csv)?;
    let ground_truth = GroundTruth { resource: truth };
    write(super::GROUND_TRUTH, &ground_truth.to_yaml())?;
    let provenance = json!({
        "generator": format!("rcabox {}", env!("CARGO_PKG_VERSION")),
        "command": format!("rcabox snapshot generate --domain finops --scenario {} --seed {} --weeks {}", opts.scenario, opts.seed, opts.weeks),
        "domain": "finops",
        "scenario": opts.scenario,
        "kind": kind.name(),
        "seasonal_decoy": decoy,
        "note": "synthetic cost history in ITBench-Lite's FinOps layout (snapshots/finops/v0.1-finops-anomaly)",
    });
    write("rcabox-provenance.json", &format!("{provenance:#}\n"))?;
    let manifest = Manifest::build(out)?;
    manifest.save(&out.join(MANIFEST_NAME))?;
    Ok(Summary {
        content_hash: manifest.content_hash.clone(),
        files: manifest.files.len(),
        bytes: manifest.files.iter().map(|f| f.size).sum(),
        kind: kind.name(),
        ground_truth,
    })
}

/// `data.csv`: one row a day per leaf from its first day, sorted by date then hierarchy.
fn render(rng: &mut ChaCha8Rng, leaves: &[Leaf], start: NaiveDate, days: usize) -> String {
    let mut order: Vec<usize> = (0..leaves.len()).collect();
    order.sort_by(|&a, &b| {
        let key = |l: &Leaf| (l.account.clone(), l.csp, l.service, l.app.clone(), l.family);
        key(&leaves[a]).cmp(&key(&leaves[b]))
    });
    let mut s = super::COLUMNS.join(",");
    s.push('\n');
    for d in 0..=days {
        let date = start + Duration::days(d as i64);
        let wd = date.weekday().num_days_from_monday() as usize;
        // Slow growth over the window, the same for every fleet.
        let trend = 1.0 + 0.002 * d as f64;
        for &i in &order {
            let l = &leaves[i];
            // Draw the noise for every leaf every day, so one leaf's start does not shift
            // the others' streams.
            let noise = 1.0 + rng.random_range(-0.06..0.06);
            if d < l.start {
                continue;
            }
            let (usage, price) = if d == days {
                (l.usage_jump, l.price_jump)
            } else {
                (1.0, 1.0)
            };
            let n = (l.base * l.weekly[wd] * trend * noise * usage)
                .round()
                .max(1.0);
            let p = l.price * price;
            let cost = p * n * 24.0;
            let _ = writeln!(
                s,
                "{},{},{},{},{},{},{:.4},{},{:.2}",
                date.format("%Y-%m-%d"),
                l.account,
                l.csp,
                l.service,
                l.app,
                l.family,
                p,
                n as u64,
                cost
            );
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_generates_and_is_deterministic() {
        let d = tempfile::tempdir().expect("tempdir");
        for scenario in 1..=8 {
            let o = Options {
                scenario,
                seed: 7,
                weeks: 4,
            };
            let a = generate(&o, &d.path().join(format!("a{scenario}"))).expect("a");
            let b = generate(&o, &d.path().join(format!("b{scenario}"))).expect("b");
            assert_eq!(a.content_hash, b.content_hash, "scenario {scenario}");
            let csv = std::fs::read_to_string(d.path().join(format!("a{scenario}/data.csv")))
                .expect("csv");
            for gt in &a.ground_truth.resource {
                assert!(
                    csv.contains(&gt.name),
                    "{scenario}: {} in data.csv",
                    gt.name
                );
            }
            assert!(!csv.contains('"'), "no quoting needed");
        }
        let e = generate(
            &Options {
                scenario: 1,
                seed: 7,
                weeks: 4,
            },
            &d.path().join("a1"),
        )
        .expect_err("not empty");
        assert!(e.to_string().contains("not empty"), "{e}");
    }
}
