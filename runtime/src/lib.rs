//! rcabox's library: run agents on incident snapshots in a wasm sandbox and score them.
//!
//! # Overview
//!
//! The parts compose in one direction, from the data to the score:
//!
//! * [`domain`]: the three ITBench domains (SRE incidents, FinOps cost anomalies, CISO
//!   compliance): each one's snapshot layout and hidden answer key, prompt and finish tool,
//!   scorer, generator and baseline.
//! * [`snapshot`]: incident snapshots on disk: the recorder's layout, TSV and Python-dict
//!   readers, manifests and content hashes, the ground truth only the scorer reads, discovery of
//!   questions under a path, the generator of realistic snapshots and the bundled set's recipe.
//! * [`sandbox`]: [`sandbox::Runtime`] owns the wasmtime engine and the guest tool module (`sh`,
//!   coreutils, grep, jq, awk, python3, ... for `wasm32-wasip1`), once per process;
//!   [`sandbox::Session`] is one agent's sandbox (the snapshot read-only at `/snapshot` with its
//!   ground truth hidden, `/workspace` and `/tmp` kept across commands, every limit), whose `run`
//!   executes one shell command, each program a fresh wasm instance wired by pipes, and returns
//!   a [`sandbox::CommandResult`].
//! * [`episode`]: one agent against one session: the episode state machine that holds
//!   Stirrup's turn rules, the `code_exec` and `finish` tools, the prompts, the agent trait.
//! * [`agents`]: agents: the built-in baseline playbook, OpenAI- and Anthropic-compatible APIs
//!   (retries, rate limits, prices), an external program over JSON lines, replay of a
//!   trajectory.
//! * [`trajectory`]: the JSON-lines record of an episode, written as it happens.
//! * [`answer`]: a diagnosis (ITBench's `agent_output.json`, or a list of names).
//! * [`score`]: matching names to the ground truth and ITBench's metrics, aggregated.
//! * [`run`]: many episodes (questions x repeats) into a run directory: resume, shards, merge.
//! * [`report`]: a run's HTML and Markdown report, and leaderboards over runs.
//!
//! Nothing here knows about the command line; the `rcabox` binary adds that.
//!
//! # Example
//!
//! Generate a small snapshot of ITBench scenario 2 (a feature flag that fails the cart),
//! investigate it in a sandbox, and score a diagnosis against the ground truth the sandbox
//! never showed:
//!
//! ```
//! use rcabox_runtime::answer::Answer;
//! use rcabox_runtime::sandbox::{Runtime, Session, SessionConfig};
//! use rcabox_runtime::score::{Matcher, score_answer};
//! use rcabox_runtime::snapshot::generate::{Options, generate};
//! use rcabox_runtime::snapshot::groundtruth::GroundTruth;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let dir = tempfile::tempdir()?;
//! let snapshot = dir.path().join("Scenario-2");
//! let itbench = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/itbench");
//! generate(&Options { itbench, scenario: 2, seed: 1, scale: 0.05 }, &snapshot)?;
//!
//! let config = SessionConfig::for_snapshot(&snapshot);
//! let mut session = Session::new(Runtime::shared()?, config)?;
//! assert_eq!(session.run("test -e ground_truth.yaml").exit_code, 1); // hidden
//! let r = session.run("grep -c flagd-config k8s_objects_raw.tsv");
//! assert_eq!(r.exit_code, 0);
//!
//! let truth = GroundTruth::load(&snapshot.join("ground_truth.yaml"))?;
//! let answer = Answer::parse(r#"["otel-demo/ConfigMap/flagd-config"]"#)?;
//! let score = score_answer(&Matcher::new(&truth), Some(&answer));
//! assert_eq!(score.metrics.all_recall_ap, 1.0);
//! # Ok(())
//! # }
//! ```

#![warn(missing_docs)]

pub mod agents;
pub mod answer;
pub mod domain;
pub mod episode;
pub mod report;
pub mod run;
pub mod sandbox;
pub mod score;
pub mod snapshot;
pub mod trajectory;

/// The guest tool module, built for `wasm32-wasip1` by this crate's build script.
pub static TOOLS_WASM: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/rcabox-tools.wasm"));

/// [`TOOLS_WASM`] compiled by the build script for this host with the runtime's engine
/// settings (empty when the build did not precompile it: see build/precompile.rs), so the
/// first command on a machine needs no compilation.
pub static TOOLS_CWASM: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/rcabox-tools.cwasm"));

/// SHA-256 of [`TOOLS_WASM`] in hex, computed by the build script (recorded in trajectories and
/// part of the compiled-module cache key).
pub static TOOLS_SHA256: &str = env!("RCABOX_TOOLS_SHA256");
