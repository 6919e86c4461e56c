//! rcabox's library: run agents on incident snapshots in a wasm sandbox and score them.
//!
//! The crate is built around three parts that compose in one direction:
//!
//! * [`sandbox::Runtime`] owns the wasmtime engine and the compiled guest tool module
//!   (`sh`, coreutils, grep, jq, ... for `wasm32-wasip1`), built once per host process.
//! * [`sandbox::Session`] is one agent's sandbox: the snapshot mounted read-only at
//!   `/snapshot` with its ground truth hidden, writable `/workspace` and `/tmp` kept across
//!   commands, and the limits. Its `run` executes one shell command — every program of it a
//!   fresh wasm instance wired by pipes — and returns a [`sandbox::CommandResult`].
//! * [`snapshot`] reads snapshot directories: capture time, and (with the scorer) the ground
//!   truth that never enters a session.
//!
//! Nothing here knows about the command line; the `rcabox` binary adds that.

pub mod agents;
pub mod answer;
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
