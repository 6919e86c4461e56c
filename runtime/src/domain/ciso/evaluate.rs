//! ITBench-Evaluations' CISO evaluation (`ciso.py`'s `CISOEvaluator.evaluate_single`) with
//! every script run inside a fresh sandbox instead of on the evaluating host.
//!
//! The sandbox's `/workspace` plays ITBench's temporary work directory: the agent's files
//! (without `.git`), the scenario's `static-resources/` beside them, and nothing else of the
//! scenario: the compliant set enters only after the first run of `fetch.sh`, written
//! host-side over `static-resources/`, and the ground truth never does. The criteria, their
//! order and prerequisites, what counts as `true` and `false`, and the justifications are
//! ITBench's (see docs/SCORING.md for the few places the sandbox words things differently).

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use super::results::{Criterion, Details, Scores, TrialResult};
use super::scenario::{Files, Scenario};
use super::verdict::{head_chars, read_opa, timed_out};
use crate::sandbox::vfs::memfs::{MemFs, MemNode};
use crate::sandbox::{Kind, Limits, RunOptions, Runtime, Session, SessionConfig};

/// ITBench-Evaluations' `REQUIRED_FILES`.
pub const REQUIRED_FILES: [&str; 2] = ["fetch.sh", "policy.rego"];
/// ITBench-Evaluations' `TIMEOUT_SECONDS`, for `fetch.sh` and for `opa eval`.
pub const TIMEOUT: Duration = Duration::from_secs(60);
/// The query ITBench-Evaluations evaluates.
pub const OPA_COMMAND: &str = "opa eval -d policy.rego -i collected_data.json data.check.result";
/// Where `fetch.sh` runs in the sandbox.
pub const WORKDIR: &str = "/workspace";
/// Bytes kept of each output stream of `fetch.sh` (only 200 characters of stderr are
/// reported; the rest is dropped as it comes, however much a script prints).
const FETCH_OUTPUT: usize = 64 << 10;

/// How to evaluate.
#[derive(Debug, Clone)]
pub struct EvalOptions {
    /// The trial's name (`trial_id`).
    pub trial_id: String,
    /// Time limit of each `fetch.sh` and `opa eval` run.
    pub timeout: Duration,
    /// The sandbox's other limits (memory, processes, disk) for every command.
    pub limits: Limits,
    /// Paths by which the agent's `fetch.sh` may name the scenario's resources: replaced by
    /// `static-resources`, as ITBench-Evaluations rewrites the scenario's path. By default
    /// `/snapshot/static-resources` (the agent's read-only view) and the scenario's host path.
    pub resource_paths: Vec<String>,
    /// Paths by which `fetch.sh` may name its own directory: replaced by `.` (ITBench's
    /// second rewrite), e.g. the host directory an outside harness ran the agent in.
    pub workdir_paths: Vec<String>,
}

impl EvalOptions {
    /// ITBench-Evaluations' settings for one trial of `scenario`.
    pub fn new(scenario: &Scenario, trial_id: impl Into<String>) -> Self {
        let host = scenario.dir.join("static-resources");
        EvalOptions {
            trial_id: trial_id.into(),
            timeout: TIMEOUT,
            limits: Limits::default(),
            resource_paths: vec![
                host.to_string_lossy().into_owned(),
                "/snapshot/static-resources".into(),
            ],
            workdir_paths: Vec::new(),
        }
    }
}

impl EvalOptions {
    /// Adds the paths of the scenario's resources as an agent saw them when the session
    /// showed the scenario under `/workspace/<name>` too (Stirrup's input files).
    pub fn with_workspace_alias(mut self, name: &str) -> Self {
        self.resource_paths
            .insert(0, format!("/workspace/{name}/static-resources"));
        self.resource_paths.push(format!("{name}/static-resources"));
        self
    }
}

/// Scores the agent's working directory `workspace` (its files, relative paths) against
/// `scenario`. Never fails: what ITBench-Evaluations reports as an error is a result with
/// every criterion 0 and `details.error`.
pub fn evaluate(
    runtime: Arc<Runtime>,
    scenario: &Scenario,
    workspace: &Files,
    opts: &EvalOptions,
) -> TrialResult {
    let mut details = Details::default();
    let scores = match run(runtime, scenario, workspace, opts, &mut details) {
        Ok(reached) => Scores::from_reached(reached),
        Err(error) => {
            let scores = Scores::all_failed(&error);
            details = Details {
                error: Some(error),
                ..Details::default()
            };
            scores
        }
    };
    TrialResult {
        incident_id: scenario.id.clone(),
        trial_id: opts.trial_id.clone(),
        scores,
        details,
    }
}

/// Whether `name` exists in `files`, as a file or as a directory holding some.
fn exists(files: &Files, name: &str) -> bool {
    let dir = format!("{name}/");
    files.keys().any(|k| k == name || k.starts_with(&dir))
}

/// The agent's files ITBench copies into its work directory: all but `.git` anywhere and
/// `static-resources/`, which the scenario's replaces.
fn copied(workspace: &Files) -> impl Iterator<Item = (&String, &Vec<u8>)> {
    workspace.iter().filter(|(rel, _)| {
        !rel.split('/').any(|c| c == ".git")
            && rel.as_str() != "static-resources"
            && !rel.starts_with("static-resources/")
    })
}

fn run(
    runtime: Arc<Runtime>,
    scenario: &Scenario,
    workspace: &Files,
    opts: &EvalOptions,
    details: &mut Details,
) -> Result<[Option<Criterion>; 4], String> {
    let Some(compliant) = &scenario.compliant else {
        return Err("Compliant resources not found".into());
    };
    let mut reached: [Option<Criterion>; 4] = [None, None, None, None];
    let missing: Vec<&str> = REQUIRED_FILES
        .into_iter()
        .filter(|f| !exists(workspace, f))
        .collect();
    reached[0] = Some(if missing.is_empty() {
        Criterion::new(true, "All required files exist")
    } else {
        Criterion::new(false, format!("Missing files: {}", missing.join(", ")))
    });
    if !missing.is_empty() {
        return Ok(reached);
    }

    let config = SessionConfig {
        snapshot: None,
        snapshot_in_workspace: None,
        start_in_workspace: true,
        hidden: Vec::new(),
        limits: opts.limits.clone(),
        seed: 0,
        epoch_ns: crate::snapshot::capture_time_ns(&scenario.dir),
    };
    let mut session = Session::new(runtime, config).map_err(|e| e.to_string())?;
    for (rel, data) in copied(workspace) {
        session
            .write_file(&format!("{WORKDIR}/{rel}"), data)
            .map_err(|e| e.to_string())?;
    }
    write_resources(&session, &scenario.resources).map_err(|e| e.to_string())?;
    details.work_path = Some(WORKDIR.to_string());
    rewrite_fetch(&session, opts)?;

    let (ok, why) = run_fetch(&mut session, opts);
    reached[1] = Some(Criterion::new(ok, why));
    if !ok {
        return Ok(reached);
    }

    let (value, why) = run_opa(&mut session, opts);
    let pass = value == Some(Value::Bool(false));
    reached[2] = Some(Criterion::opa(pass, why, value.as_ref()));
    details.violation_check_result = Some(value.unwrap_or(Value::Null));

    let replaced = replace_resources(&session, compliant);
    details.compliant_resources_replaced = Some(replaced);
    if !replaced {
        reached[3] = Some(Criterion::new(
            false,
            "Failed to replace with compliant resources",
        ));
        return Ok(reached);
    }
    remove(&session, "collected_data.json");
    let (ok, _) = run_fetch(&mut session, opts);
    if !ok {
        reached[3] = Some(Criterion::new(
            false,
            "fetch.sh failed with compliant resources",
        ));
        return Ok(reached);
    }
    let (value, why) = run_opa(&mut session, opts);
    let pass = value == Some(Value::Bool(true));
    reached[3] = Some(Criterion::opa(pass, why, value.as_ref()));
    details.compliance_check_result = Some(value.unwrap_or(Value::Null));
    Ok(reached)
}

fn write_resources(session: &Session, files: &Files) -> Result<(), crate::sandbox::FileError> {
    for (rel, data) in files {
        session.write_file(&format!("{WORKDIR}/static-resources/{rel}"), data)?;
    }
    Ok(())
}

/// ITBench's path rewrite of `fetch.sh`: the scenario's resource paths become
/// `static-resources`, then the agent's directory becomes `.` (plain text replacement).
fn rewrite_fetch(session: &Session, opts: &EvalOptions) -> Result<(), String> {
    let path = format!("{WORKDIR}/fetch.sh");
    let bytes = session
        .read_file(&path, opts.limits.disk_bytes)
        .map_err(|e| e.to_string())?;
    let mut text = String::from_utf8(bytes)
        .map_err(|e| format!("'utf-8' codec can't decode fetch.sh: {e}"))?;
    for (from, to) in opts
        .resource_paths
        .iter()
        .map(|p| (p, "static-resources"))
        .chain(opts.workdir_paths.iter().map(|p| (p, ".")))
    {
        if !from.is_empty() {
            text = text.replace(from.as_str(), to);
        }
    }
    session
        .write_file(&path, text.as_bytes())
        .map_err(|e| e.to_string())
}

/// The command that starts `./fetch.sh` as the kernel would: by its `#!` line. The sandbox's
/// shell would run any file as a shell script; ITBench's `subprocess.run(["./fetch.sh"])`
/// fails without a `#!` and runs the interpreter it names, so the scorer does the same with
/// the sandbox's tools (`#!/bin/bash`, `#!/usr/bin/env python3`, ...).
pub fn launcher(script: &[u8]) -> Result<String, String> {
    let Some(rest) = script.strip_prefix(b"#!") else {
        return Err("fetch.sh execution failed: [Errno 8] Exec format error: './fetch.sh'".into());
    };
    let line = rest.split(|b| *b == b'\n').next().unwrap_or_default();
    let line = String::from_utf8_lossy(line);
    let line = line.trim_start_matches([' ', '\t']);
    let (interp, arg) = match line.split_once([' ', '\t']) {
        Some((i, a)) => (i, a.trim_matches([' ', '\t'])),
        None => (line, ""),
    };
    let base = interp.rsplit('/').next().unwrap_or(interp);
    let (prog, arg) = if base == "env" {
        match arg.split_once([' ', '\t']) {
            Some((p, a)) => (p, a.trim_matches([' ', '\t'])),
            None => (arg, ""),
        }
    } else {
        (base, arg)
    };
    if prog.is_empty() || !rcabox_proto::TOOLS.contains(&prog) {
        return Err(format!(
            "fetch.sh execution failed: [Errno 2] No such file or directory: './fetch.sh' (interpreter {interp:?} is not in the sandbox)"
        ));
    }
    let mut cmd = prog.to_string();
    if !arg.is_empty() {
        cmd.push_str(" '");
        cmd.push_str(&arg.replace('\'', r"'\''"));
        cmd.push('\'');
    }
    cmd.push_str(" ./fetch.sh");
    Ok(cmd)
}

/// `_run_fetch_script`: runs `./fetch.sh` in the work directory; met when it exits 0 within
/// the time limit and `collected_data.json` then holds valid JSON.
fn run_fetch(session: &mut Session, opts: &EvalOptions) -> (bool, String) {
    let timeout_s = opts.timeout.as_secs();
    let script = match session.read_file(&format!("{WORKDIR}/fetch.sh"), opts.limits.disk_bytes) {
        Ok(s) => s,
        Err(e) => return (false, format!("fetch.sh execution failed: {e}")),
    };
    let cmd = match launcher(&script) {
        Ok(c) => c,
        Err(why) => return (false, why),
    };
    let r = match session.run_with(
        &cmd,
        RunOptions {
            cwd: Some(WORKDIR.into()),
            timeout: Some(opts.timeout),
            max_output: Some(FETCH_OUTPUT),
            ..RunOptions::default()
        },
        None,
    ) {
        Ok(r) => r,
        Err(e) => return (false, format!("fetch.sh execution failed: {e}")),
    };
    if timed_out(&r) {
        return (
            false,
            format!("fetch.sh execution timed out after {timeout_s}s"),
        );
    }
    if r.exit_code != 0 {
        return (
            false,
            format!(
                "Exit code: {}; stderr: {}",
                r.exit_code,
                head_chars(&r.stderr, 200)
            ),
        );
    }
    let data = format!("{WORKDIR}/collected_data.json");
    match session.kind(&data) {
        Ok(Some(Kind::File)) => {}
        Ok(Some(Kind::Dir)) => {
            return (
                false,
                "fetch.sh execution failed: [Errno 21] Is a directory: 'collected_data.json'"
                    .into(),
            );
        }
        _ => return (false, "collected_data.json not created".into()),
    }
    let bytes = match session.read_file(&data, opts.limits.disk_bytes) {
        Ok(b) => b,
        Err(e) => return (false, format!("fetch.sh execution failed: {e}")),
    };
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(_) => (
            true,
            "Exit code: 0; collected_data.json successfully generated".into(),
        ),
        Err(e) => (false, format!("collected_data.json is not valid JSON: {e}")),
    }
}

/// `_run_opa_eval`: `data.check.result` by the sandbox's `opa`.
fn run_opa(session: &mut Session, opts: &EvalOptions) -> (Option<Value>, String) {
    match session.run_with(
        OPA_COMMAND,
        RunOptions {
            cwd: Some(WORKDIR.into()),
            timeout: Some(opts.timeout),
            ..RunOptions::default()
        },
        None,
    ) {
        Ok(r) => read_opa(&r, opts.timeout.as_secs()),
        Err(e) => (None, format!("OPA evaluation error: {e}")),
    }
}

/// `_replace_with_compliant_resources`: `static-resources/` removed (`rmtree`, which fails
/// on a file) and the compliant set written in its place.
fn replace_resources(session: &Session, compliant: &Files) -> bool {
    let name = "static-resources";
    match session.kind(&format!("{WORKDIR}/{name}")) {
        Ok(Some(Kind::File)) | Err(_) => return false,
        Ok(Some(Kind::Dir)) => {
            let Some(root) = MemFs::mount_root("workspace") else {
                return false;
            };
            let mut mem = session.vfs().mem();
            if remove_tree(&mut mem, root, name).is_err() {
                return false;
            }
        }
        Ok(None) => {}
    }
    write_resources(session, compliant).is_ok()
}

/// Removes `name` from `dir` with everything under it.
fn remove_tree(mem: &mut MemFs, dir: usize, name: &str) -> Result<(), crate::sandbox::vfs::Errno> {
    let ino = mem.lookup(dir, &[name])?;
    let is_dir = matches!(mem.node(ino), Some(MemNode::Dir { .. }));
    if is_dir {
        for (child, _) in mem.list(ino)? {
            remove_tree(mem, ino, &child)?;
        }
    }
    mem.remove(dir, name, is_dir)
}

/// Removes the file `name` from the work directory if it is there (`unlink(missing_ok)`).
fn remove(session: &Session, name: &str) {
    if let Some(root) = MemFs::mount_root("workspace") {
        let _ = session.vfs().mem().remove(root, name, false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn launcher_follows_the_shebang() {
        assert_eq!(
            launcher(b"#!/bin/bash\necho").as_deref(),
            Ok("bash ./fetch.sh")
        );
        assert_eq!(
            launcher(b"#!/usr/bin/env python3\n").as_deref(),
            Ok("python3 ./fetch.sh")
        );
        assert_eq!(
            launcher(b"#! /bin/sh -eu\n").as_deref(),
            Ok("sh '-eu' ./fetch.sh")
        );
        assert!(launcher(b"echo hi\n").is_err_and(|e| e.contains("Exec format error")));
        assert!(launcher(b"#!/usr/bin/perl\n").is_err_and(|e| e.contains("No such file")));
        assert!(launcher(b"#!\n").is_err());
    }
}
