//! `rcabox snapshot`: inspect, hash, verify, write a manifest, generate, write the bundled set.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use rcabox_runtime::domain::{Domain, finops};
use rcabox_runtime::snapshot::bundle::{self, BUNDLE_NAME};
use rcabox_runtime::snapshot::embedded;
use rcabox_runtime::snapshot::generate::{Options, generate};
use rcabox_runtime::snapshot::layout::MANIFEST_NAME;
use rcabox_runtime::snapshot::manifest::{Manifest, hash};

/// Arguments of `rcabox snapshot`.
#[derive(clap::Args)]
pub struct SnapshotArgs {
    #[command(subcommand)]
    command: SnapshotCommand,
}

#[derive(clap::Subcommand)]
enum SnapshotCommand {
    /// Summarise a snapshot: window, counts, files.
    Inspect {
        /// Snapshot directory.
        dir: PathBuf,
        /// Print the manifest as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print the content hash (SHA-256 over every file's hash, size and path).
    Hash {
        /// Snapshot directory.
        dir: PathBuf,
    },
    /// Write the manifest (hashes, counts, window) into the snapshot or to --out.
    Manifest {
        /// Snapshot directory.
        dir: PathBuf,
        /// Where to write it (default: DIR/rcabox-manifest.json).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Check a snapshot against its manifest; exit 1 naming every changed, added or missing file.
    Verify {
        /// Snapshot directory.
        dir: PathBuf,
        /// The manifest (default: DIR/rcabox-manifest.json).
        #[arg(long)]
        manifest: Option<PathBuf>,
    },
    /// Write the bundled set from its recipe (snapshots/bundle.json) and print where it is.
    Bundle {
        /// Where to write it (default: beside the recipe, else the cache directory).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Regenerate every snapshot and rewrite the recipe's pinned hashes (after an intended
        /// change to the generator).
        #[arg(long)]
        update: bool,
    },
    /// Generate a snapshot: SRE from a real ITBench scenario spec and ground truth, FinOps a
    /// cost history with an anomaly (docs/SNAPSHOTS.md).
    Generate {
        /// The domain: sre, finops or ciso.
        #[arg(long, default_value = "sre")]
        domain: Domain,
        /// CISO: the CIS control (e.g. 5.1.1) whose scenario to write into OUT (default: every
        /// control's, one folder each under OUT).
        #[arg(long)]
        control: Option<String>,
        /// Scenario number: SRE's ITBench scenario (see data/itbench/SCENARIOS.tsv.txt);
        /// FinOps' picks the anomaly's kind (1 instance family, 2 new application, 3 cloud
        /// service price, 4 CSP, 5 application, 6 new instance family, 7 account, 8 two
        /// instance families; then again from 1).
        #[arg(long)]
        scenario: Option<u32>,
        /// FinOps: weeks of cost history before the anomaly date (2 to 52).
        #[arg(long, default_value_t = 8)]
        weeks: u32,
        /// Random seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Size: 1 is about 1.5 MB of logs and spans; `real` is the volume of a real ITBench
        /// scenario (about 0.8 GB). The cluster's objects and events do not scale.
        #[arg(long, default_value = "1", value_parser = parse_scale)]
        scale: f64,
        /// Folder with scenario_<N>/ specs and ground truths (default: ITBench's, built in).
        #[arg(long)]
        itbench: Option<PathBuf>,
        /// Output directory (must be new or empty).
        out: PathBuf,
    },
}

/// `--scale`: a number, or `real`.
pub(super) fn parse_scale(s: &str) -> Result<f64, String> {
    if s == "real" {
        return Ok(rcabox_runtime::snapshot::generate::REAL_SCALE);
    }
    s.parse()
        .map_err(|_| format!("`{s}` is not a number; give a scale such as 0.5, 2 or `real`"))
}

/// Runs `rcabox snapshot`.
pub fn run(a: SnapshotArgs) -> anyhow::Result<ExitCode> {
    match a.command {
        SnapshotCommand::Inspect { dir, json } => {
            let m = Manifest::build(&dir)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&m)?);
            } else {
                print!("{}", render(&dir, &m));
            }
        }
        SnapshotCommand::Hash { dir } => println!("{}", hash(&dir)?),
        SnapshotCommand::Manifest { dir, out } => {
            let m = Manifest::build(&dir)?;
            let out = out.unwrap_or_else(|| dir.join(MANIFEST_NAME));
            m.save(&out)?;
            println!("{}  {}", m.content_hash, out.display());
        }
        SnapshotCommand::Verify { dir, manifest } => {
            let path = manifest.unwrap_or_else(|| dir.join(MANIFEST_NAME));
            let m = Manifest::load(&path).with_context(|| {
                format!(
                    "no manifest to verify against; write one with `rcabox snapshot manifest {}`",
                    dir.display()
                )
            })?;
            let r = m.verify(&dir)?;
            for (what, list) in [
                ("changed", &r.changed),
                ("added", &r.added),
                ("missing", &r.missing),
            ] {
                for f in list {
                    println!("{what}: {f}");
                }
            }
            if !r.ok() {
                return Ok(ExitCode::from(1));
            }
            println!("ok: {} files match {}", m.files.len(), m.content_hash);
        }
        SnapshotCommand::Bundle { out, update } => {
            let root = match out {
                Some(o) if !update => {
                    bundle::materialize(&recipe()?, &o)?;
                    o
                }
                Some(o) => o,
                None if !update => super::run::bundled()?,
                None => recipe()?.parent().map(PathBuf::from).unwrap_or_default(),
            };
            if update {
                let moved = bundle::update(&recipe()?, &root)?;
                println!(
                    "{} snapshot(s) changed hash: {}",
                    moved.len(),
                    moved.join(" ")
                );
            }
            println!("{}", root.display());
        }
        SnapshotCommand::Generate {
            domain: Domain::Finops,
            scenario,
            seed,
            weeks,
            out,
            ..
        } => {
            let s = finops::generate::generate(
                &finops::generate::Options {
                    scenario: scenario.context("--domain finops needs --scenario N")?,
                    seed,
                    weeks,
                },
                &out,
            )?;
            let truth: Vec<String> = s
                .ground_truth
                .resource
                .iter()
                .map(|r| format!("{} ({})", r.name, r.kind))
                .collect();
            println!(
                "{}: {} files, {:.1} MB, anomaly {}: {}; content hash {}",
                out.display(),
                s.files,
                s.bytes as f64 / 1e6,
                s.kind,
                truth.join(", "),
                s.content_hash
            );
        }
        SnapshotCommand::Generate {
            domain: Domain::Ciso,
            control,
            seed,
            out,
            ..
        } => {
            use rcabox_runtime::domain::ciso;
            let dirs = match control {
                Some(id) => {
                    let c = ciso::controls::find(&id).with_context(|| {
                        format!(
                            "no CIS control `{id}` in rcabox's set; known: {}",
                            ciso::controls::CONTROLS
                                .iter()
                                .map(|c| c.id)
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    })?;
                    ciso::generate::generate(c, seed, &out)?;
                    vec![out]
                }
                None => ciso::generate::generate_all(seed, &out)?,
            };
            for d in dirs {
                println!("{}", d.display());
            }
        }
        SnapshotCommand::Generate {
            scenario,
            seed,
            scale,
            itbench,
            out,
            ..
        } => {
            let itbench = match itbench {
                Some(dir) => dir,
                None => embedded::itbench()?,
            };
            let s = generate(
                &Options {
                    itbench,
                    scenario: scenario.context("generating an SRE snapshot needs --scenario N")?,
                    seed,
                    scale,
                },
                &out,
            )?;
            println!(
                "{}: {} files, {:.1} MB, fault {}; content hash {}",
                out.display(),
                s.files,
                s.bytes as f64 / 1e6,
                s.faults.join(", "),
                s.content_hash
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The bundled set's recipe: `snapshots/bundle.json` here, else the built-in one.
fn recipe() -> anyhow::Result<PathBuf> {
    let here = PathBuf::from("snapshots").join(BUNDLE_NAME);
    let p = if here.is_file() {
        here
    } else {
        embedded::root()?.join("snapshots").join(BUNDLE_NAME)
    };
    anyhow::ensure!(
        p.is_file(),
        "no recipe of the bundled set at {}",
        p.display()
    );
    Ok(p)
}

fn render(dir: &std::path::Path, m: &Manifest) -> String {
    let c = &m.counts;
    let bytes: u64 = m.files.iter().map(|f| f.size).sum();
    let window = m
        .window
        .as_ref()
        .map_or("(no alert files)".to_string(), |w| {
            format!("{} .. {}", w.start, w.end)
        });
    let rows = [
        ("snapshot", dir.display().to_string()),
        ("content hash", m.content_hash.clone()),
        ("window", window),
        (
            "files",
            format!("{} ({:.1} MB)", m.files.len(), bytes as f64 / 1e6),
        ),
        ("alert files", c.alert_files.to_string()),
        (
            "alerts",
            format!("{} firing, names: {}", c.alerts, c.alert_names.join(", ")),
        ),
        ("events", c.events.to_string()),
        ("objects", c.objects.to_string()),
        ("log lines", c.log_lines.to_string()),
        ("spans", c.spans.to_string()),
        ("metric files", c.metric_files.to_string()),
        (
            "metric series",
            format!("{} ({} samples)", c.metric_series, c.metric_samples),
        ),
        (
            "ground truth",
            if m.has_ground_truth {
                "present (hidden from agents)"
            } else {
                "absent"
            }
            .to_string(),
        ),
    ];
    rows.iter().map(|(k, v)| format!("{k:<14} {v}\n")).collect()
}
