//! Domains: the three kinds of ITBench task a snapshot can hold. A domain is a snapshot layout
//! (and what in it is hidden), a prompt and finish tool (the answer schema), a scorer, a
//! generator and a baseline; the sandbox, episode loop, trajectory, run directory, shards and
//! reports are shared (DESIGN.md, "Domains").
//!
//! * SRE: a Kubernetes incident (alerts, events, objects, logs, traces, metrics); the answer
//!   names the root-cause entities ([`crate::score`]).
//! * FinOps: a cloud cost anomaly (`anomaly.json`, `data.csv`); the answer names the resources
//!   that explain it ([`finops`]).
//! * CISO: a compliance task (`problem.md`, `static-resources/`); the answer is a `fetch.sh`
//!   and a `policy.rego` evaluated in the sandbox.

pub mod ciso;
pub mod finops;

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::sandbox::SessionConfig;

/// One ITBench domain.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Domain {
    /// Kubernetes incident root-cause analysis.
    #[default]
    Sre,
    /// Cloud cost anomaly root-cause analysis.
    Finops,
    /// Kubernetes compliance checks with OPA policies.
    Ciso,
}

/// Names hidden from agents in every snapshot besides the sandbox's default list (which
/// already holds `ground_truth.yaml`, SRE's and FinOps' answer key): the other spellings of a
/// ground-truth file ITBench-Evaluations' loader accepts, and CISO's evaluation-only folders.
/// Hidden wherever they occur, whatever the domain, so a snapshot detected wrongly leaks
/// nothing either.
pub const HIDDEN: &[&str] = &[
    "ground_truth.yml",
    "ground_truth.json",
    "gt.yaml",
    "gt.json",
    "ground-truth",
    "static-resources-compliant",
];

impl Domain {
    /// Every domain, in the order runs list them.
    pub const ALL: [Domain; 3] = [Domain::Sre, Domain::Finops, Domain::Ciso];

    /// The lower-case name (`sre`, `finops`, `ciso`): ITBench-Evaluations' `--domain`.
    pub fn name(self) -> &'static str {
        match self {
            Domain::Sre => "sre",
            Domain::Finops => "finops",
            Domain::Ciso => "ciso",
        }
    }

    /// Reads a name as [`Domain::name`] writes it.
    pub fn parse(s: &str) -> Option<Domain> {
        Domain::ALL.into_iter().find(|d| d.name() == s)
    }

    /// The domain of a snapshot directory, from its files: FinOps has `anomaly.json` and
    /// `data.csv`, CISO `problem.md` and `static-resources/`, SRE alert files or TSVs.
    pub fn detect(dir: &Path) -> Option<Domain> {
        if dir.join(finops::ANOMALY).is_file() && dir.join(finops::DATA).is_file() {
            return Some(Domain::Finops);
        }
        if dir.join("problem.md").is_file() && dir.join("static-resources").is_dir() {
            return Some(Domain::Ciso);
        }
        let sre = dir.join("alerts").is_dir()
            || std::fs::read_dir(dir).is_ok_and(|rd| {
                rd.flatten().any(|e| {
                    let n = e.file_name();
                    let n = n.to_string_lossy();
                    n.ends_with(".tsv") || n.starts_with("alerts_")
                })
            });
        sre.then_some(Domain::Sre)
    }

    /// What of this domain's snapshots only the scorer reads (file or folder names, hidden
    /// wherever they occur).
    pub fn hidden(self) -> &'static [&'static str] {
        match self {
            Domain::Sre | Domain::Finops => &["ground_truth.yaml"],
            Domain::Ciso => &["ground-truth", "static-resources-compliant"],
        }
    }

    /// The task's instructions (the system prompt's last part; `{snapshot}` and `{max_turns}`
    /// are replaced).
    pub fn system_prompt(self) -> &'static str {
        match self {
            Domain::Sre => crate::episode::prompt::DEFAULT_SYSTEM,
            Domain::Finops => finops::prompt::SYSTEM,
            Domain::Ciso => ciso::prompt::SYSTEM,
        }
    }

    /// The first user message (`{snapshot}` is replaced).
    pub fn task(self) -> &'static str {
        match self {
            Domain::Sre => crate::episode::prompt::DEFAULT_TASK,
            Domain::Finops => finops::prompt::TASK,
            Domain::Ciso => ciso::prompt::TASK,
        }
    }

    /// The finish tool's parameters: the answer schema, as JSON Schema text.
    pub fn finish_schema(self) -> &'static str {
        match self {
            Domain::Sre => crate::episode::tools::FINISH_SCHEMA,
            Domain::Finops => finops::prompt::FINISH_SCHEMA,
            Domain::Ciso => ciso::prompt::FINISH_SCHEMA,
        }
    }
}

impl std::fmt::Display for Domain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Domain {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Domain::parse(s).ok_or_else(|| format!("unknown domain `{s}`; use sre, finops or ciso"))
    }
}

/// A sandbox configuration over `snapshot` that hides every domain's answer key
/// ([`HIDDEN`] on top of the sandbox's default list).
pub fn session_config(snapshot: &Path) -> SessionConfig {
    let mut cfg = SessionConfig::for_snapshot(snapshot);
    for h in HIDDEN {
        if !cfg.hidden.iter().any(|x| x == h) {
            cfg.hidden.push((*h).to_string());
        }
    }
    cfg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_are_detected_from_their_files() {
        let d = tempfile::tempdir().expect("tempdir");
        let make = |name: &str, files: &[&str], dirs: &[&str]| {
            let p = d.path().join(name);
            std::fs::create_dir_all(&p).expect("mkdir");
            for f in files {
                std::fs::write(p.join(f), "x").expect("write");
            }
            for s in dirs {
                std::fs::create_dir_all(p.join(s)).expect("mkdir");
            }
            p
        };
        let f = make("f", &["anomaly.json", "data.csv"], &[]);
        let c = make("c", &["problem.md"], &["static-resources"]);
        let s = make("s", &["k8s_events_raw.tsv"], &[]);
        let a = make("a", &[], &["alerts"]);
        let n = make("n", &["anomaly.json"], &[]);
        assert_eq!(Domain::detect(&f), Some(Domain::Finops));
        assert_eq!(Domain::detect(&c), Some(Domain::Ciso));
        assert_eq!(Domain::detect(&s), Some(Domain::Sre));
        assert_eq!(Domain::detect(&a), Some(Domain::Sre));
        assert_eq!(Domain::detect(&n), None);
        assert_eq!(
            serde_json::to_string(&Domain::Finops).expect("json"),
            "\"finops\""
        );
        assert_eq!("ciso".parse::<Domain>(), Ok(Domain::Ciso));
        assert!("x".parse::<Domain>().is_err());
    }

    #[test]
    fn every_domains_answer_key_is_hidden() {
        let cfg = session_config(Path::new("/nonexistent"));
        for d in Domain::ALL {
            for h in d.hidden() {
                assert!(cfg.hidden.iter().any(|x| x == h), "{d}: {h}");
            }
        }
    }
}
