//! A run: every question x repeat, episodes in parallel, each written to its own directory so
//! an interrupted run resumes where it stopped and shards merge.
//!
//! Layout of a run directory:
//! ```text
//! run.json                         settings and the questions (with snapshot hashes)
//! ground_truth/<question>.yaml     copied, so scoring needs only the run directory
//! episodes/<question>/r<k>/trajectory.jsonl
//! episodes/<question>/r<k>/agent_output.json   when the agent finished
//! episodes/<question>/r<k>/episode.json        written last: the episode is done
//! results.json, report.md, report.html
//! ```

pub mod ciso;
pub mod merge;
pub mod score;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::agents::Factory;
use crate::episode::{self, Settings};
use crate::sandbox::{Runtime, Session};
use crate::snapshot::manifest;
use crate::snapshot::questions::Question;
use crate::trajectory::{Ending, EpisodeId, Header, Writer};

/// A run could not proceed.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// File system. (The error is part of the message, not a `source`: printed with its
    /// chain, it would appear twice.)
    #[error("{path}: {error}")]
    Io {
        /// The file or directory.
        path: String,
        /// What the system said.
        error: std::io::Error,
    },
    /// A file of the run directory is not what it should be.
    #[error("{0}")]
    Invalid(String),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> RunError + '_ {
    move |error| RunError::Io {
        path: path.display().to_string(),
        error,
    }
}

/// One question as recorded in `run.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionEntry {
    /// Question id.
    pub id: String,
    /// Snapshot directory.
    pub snapshot: PathBuf,
    /// Snapshot content hash at the start of the run.
    pub snapshot_hash: String,
    /// Whether a ground truth was copied.
    pub has_ground_truth: bool,
    /// The question's domain (runs written before domains are SRE's).
    #[serde(default)]
    pub domain: crate::domain::Domain,
}

/// `run.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunInfo {
    /// rcabox version that started the run.
    pub rcabox_version: String,
    /// Agent id.
    pub agent: String,
    /// Repeats per question.
    pub repeats: usize,
    /// Turn cap.
    pub max_turns: usize,
    /// Base seed.
    pub seed: u64,
    /// `i/n` when this directory holds one shard.
    pub shard: Option<(usize, usize)>,
    /// The questions of this run (all shards).
    pub questions: Vec<QuestionEntry>,
}

/// `episode.json`: one finished episode.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpisodeInfo {
    /// Question id.
    pub question: String,
    /// Repeat, from 1.
    pub repeat: usize,
    /// How it ended.
    pub ending: Ending,
    /// Turns used.
    pub turns: usize,
    /// Tokens.
    pub tokens: u64,
    /// Cost.
    pub cost_usd: f64,
    /// Wall time.
    pub wall_ms: u64,
    /// Error text.
    pub error: Option<String>,
}

/// Writes a file atomically: a temporary file renamed over the target, so a kill leaves the
/// old file or the new one, never half of one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), RunError> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes).map_err(io(&tmp))?;
    std::fs::rename(&tmp, path).map_err(io(path))
}

/// The directory of one episode.
pub fn episode_dir(run: &Path, question: &str, repeat: usize) -> PathBuf {
    run.join("episodes")
        .join(question)
        .join(format!("r{repeat}"))
}

/// The trajectory file of one episode of a run directory.
pub fn trajectory_path(run: &Path, question: &str, repeat: usize) -> PathBuf {
    episode_dir(run, question, repeat).join(TRAJECTORY_NAME)
}

/// An episode's trajectory file name.
pub const TRAJECTORY_NAME: &str = "trajectory.jsonl";

/// The sandbox seed of an episode: the same for the same run seed, question and repeat.
pub fn episode_seed(seed: u64, question: &str, repeat: usize) -> u64 {
    let h = Sha256::digest(format!("{seed}/{question}/{repeat}").as_bytes());
    u64::from_le_bytes(h[..8].try_into().unwrap_or([0; 8]))
}

/// Reads `run.json`.
pub fn load_info(run: &Path) -> Result<RunInfo, RunError> {
    let p = run.join("run.json");
    let text = std::fs::read_to_string(&p).map_err(io(&p))?;
    serde_json::from_str(&text)
        .map_err(|e| RunError::Invalid(format!("{}: not a run.json: {e}", p.display())))
}

/// Reads every finished episode of a run directory, in question and repeat order.
pub fn finished(run: &Path) -> Result<Vec<EpisodeInfo>, RunError> {
    let mut out = Vec::new();
    let root = run.join("episodes");
    let Ok(qs) = std::fs::read_dir(&root) else {
        return Ok(out);
    };
    for q in qs.flatten() {
        for r in std::fs::read_dir(q.path())
            .map_err(io(&q.path()))?
            .flatten()
        {
            let p = r.path().join("episode.json");
            if let Ok(text) = std::fs::read_to_string(&p) {
                let e: EpisodeInfo = serde_json::from_str(&text)
                    .map_err(|e| RunError::Invalid(format!("{}: {e}", p.display())))?;
                out.push(e);
            }
        }
    }
    out.sort_by(|a, b| (&a.question, a.repeat).cmp(&(&b.question, b.repeat)));
    Ok(out)
}

/// What to run.
pub struct Plan {
    /// Run directory.
    pub dir: PathBuf,
    /// The run's settings and questions.
    pub info: RunInfo,
    /// Episode settings.
    pub settings: Settings,
    /// Makes one agent per episode.
    pub make_agent: Arc<Factory>,
    /// Episodes at once.
    pub concurrency: usize,
    /// Command timeout in seconds.
    pub timeout_s: u64,
}

impl Plan {
    /// The episode settings of a question of `domain`: the plan's, with the domain's finish
    /// tool, and its prompt and task where the plan keeps SRE's defaults (a prompt given with
    /// `--system-prompt` applies to every domain).
    pub fn settings_for(&self, domain: crate::domain::Domain) -> Settings {
        use crate::episode::prompt;
        let mut s = self.settings.clone();
        s.domain = domain;
        if s.system_prompt == prompt::DEFAULT_SYSTEM {
            s.system_prompt = domain.system_prompt().to_string();
        }
        if s.task == prompt::DEFAULT_TASK {
            s.task = domain.task().to_string();
        }
        s
    }
}

/// Prepares a new run directory, or checks that a resumed one matches.
pub fn prepare(dir: &Path, info: &RunInfo, questions: &[Question]) -> Result<(), RunError> {
    std::fs::create_dir_all(dir.join("ground_truth")).map_err(io(dir))?;
    let info_path = dir.join("run.json");
    if info_path.exists() {
        let old = load_info(dir)?;
        if old.agent != info.agent
            || old.repeats != info.repeats
            || old.max_turns != info.max_turns
            || old.seed != info.seed
        {
            return Err(RunError::Invalid(format!(
                "{} was started with agent {}, {} repeats, {} turns, seed {}; resume with the same settings",
                info_path.display(),
                old.agent,
                old.repeats,
                old.max_turns,
                old.seed
            )));
        }
        let ids = |qs: &[QuestionEntry]| qs.iter().map(|q| q.id.clone()).collect::<Vec<_>>();
        if ids(&old.questions) != ids(&info.questions) {
            return Err(RunError::Invalid(format!(
                "{} holds {} questions and this run names {}; resume with the same --snapshots, \
                 --domain and --questions (a run started before domains is `--domain sre`)",
                info_path.display(),
                old.questions.len(),
                info.questions.len()
            )));
        }
        for (a, b) in old.questions.iter().zip(&info.questions) {
            if a.snapshot_hash != b.snapshot_hash {
                return Err(RunError::Invalid(format!(
                    "snapshot of {} changed since the run started ({} then, {} now)",
                    a.id, a.snapshot_hash, b.snapshot_hash
                )));
            }
        }
        return Ok(());
    }
    for q in questions {
        if let Some(text) = q
            .ground_truth
            .text()
            .map_err(|e| RunError::Invalid(e.to_string()))?
        {
            write_atomic(
                &dir.join("ground_truth").join(format!("{}.yaml", q.id)),
                text.as_bytes(),
            )?;
        }
    }
    let text = serde_json::to_string_pretty(info).map_err(|e| RunError::Invalid(e.to_string()))?;
    write_atomic(&info_path, format!("{text}\n").as_bytes())
}

/// The run's question entries (hashing each snapshot).
pub fn entries(questions: &[Question]) -> Result<Vec<QuestionEntry>, RunError> {
    questions
        .iter()
        .map(|q| {
            Ok(QuestionEntry {
                id: q.id.clone(),
                snapshot: q.snapshot.clone(),
                snapshot_hash: manifest::hash(&q.snapshot)
                    .map_err(|e| RunError::Invalid(e.to_string()))?,
                has_ground_truth: q.ground_truth.text().ok().flatten().is_some(),
                domain: q.domain,
            })
        })
        .collect()
}

/// The episodes of this shard still to run.
pub fn pending(plan: &Plan) -> Result<Vec<(usize, usize)>, RunError> {
    let done = finished(&plan.dir)?;
    let mut out = Vec::new();
    let mut k = 0;
    for (qi, q) in plan.info.questions.iter().enumerate() {
        for r in 1..=plan.info.repeats {
            let mine = plan.info.shard.is_none_or(|(i, n)| k % n == i - 1);
            k += 1;
            if mine && !done.iter().any(|e| e.question == q.id && e.repeat == r) {
                out.push((qi, r));
            }
        }
    }
    Ok(out)
}

/// Runs the pending episodes, `concurrency` at a time; `progress` is called after each, on
/// the calling thread.
///
/// Episodes are tasks on tokio's blocking pool, capped at `concurrency` threads: the sandbox
/// and the model clients block, so each running episode holds one thread, and the pool
/// queues the rest in order. The first failure stops episodes not yet started; a panicking
/// episode becomes an error, not a crashed run.
pub fn execute(plan: Arc<Plan>, mut progress: impl FnMut(&EpisodeInfo)) -> Result<(), RunError> {
    let todo = pending(&plan)?;
    let mut ran: Vec<usize> = todo.iter().map(|t| t.0).collect();
    ran.dedup();
    let runtime = Runtime::shared().map_err(|e| RunError::Invalid(e.to_string()))?;
    runtime.prepare_python();
    let tools_hash: Arc<str> = runtime.tools_hash().into();
    let tokio = tokio::runtime::Builder::new_current_thread()
        .max_blocking_threads(plan.concurrency.max(1))
        .build()
        .map_err(|e| RunError::Invalid(format!("starting the episode pool: {e}")))?;
    let stop = Arc::new(AtomicBool::new(false));
    tokio.block_on(async {
        let mut set = tokio::task::JoinSet::new();
        for (qi, repeat) in todo {
            let (plan, runtime, hash, stop) = (
                plan.clone(),
                runtime.clone(),
                tools_hash.clone(),
                stop.clone(),
            );
            set.spawn_blocking(move || {
                if stop.load(Ordering::SeqCst) {
                    return Ok(None);
                }
                let q = &plan.info.questions[qi];
                let r = one(&plan, q, repeat, &runtime, &hash);
                if r.is_err() {
                    stop.store(true, Ordering::SeqCst);
                }
                r.map(Some)
            });
        }
        let mut first_error = None;
        while let Some(done) = set.join_next().await {
            match done {
                Ok(Ok(Some(e))) => progress(&e),
                Ok(Ok(None)) => {}
                Ok(Err(e)) => {
                    first_error.get_or_insert(e);
                }
                Err(e) => {
                    stop.store(true, Ordering::SeqCst);
                    first_error
                        .get_or_insert(RunError::Invalid(format!("an episode panicked: {e}")));
                }
            }
        }
        first_error.map_or(Ok(()), Err)
    })?;
    unchanged(&plan, &ran)
}

/// Fails when a snapshot of the run changed while its episodes ran: they may have seen
/// either version, so the run is not what `run.json` says it is. The episodes are kept.
fn unchanged(plan: &Plan, questions: &[usize]) -> Result<(), RunError> {
    for &qi in questions {
        let q = &plan.info.questions[qi];
        let now = manifest::hash(&q.snapshot).map_err(|e| RunError::Invalid(e.to_string()))?;
        if now != q.snapshot_hash {
            return Err(RunError::Invalid(format!(
                "the snapshot of {} ({}) changed during the run ({} at the start, {} now): \
                 its episodes may have seen either version; restore it, delete episodes/{} and \
                 resume, or start a new run",
                q.id,
                q.snapshot.display(),
                q.snapshot_hash,
                now,
                q.id
            )));
        }
    }
    Ok(())
}

/// The name a snapshot directory is shown under in the working directory: its own, or
/// `snapshot` when it has none that the sandbox can hold.
pub fn mount_name(snapshot: &Path) -> String {
    snapshot
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| !n.is_empty() && n.len() <= 255 && n != "." && n != "..")
        .unwrap_or_else(|| "snapshot".to_string())
}

fn one(
    plan: &Plan,
    q: &QuestionEntry,
    repeat: usize,
    runtime: &std::sync::Arc<Runtime>,
    tools_hash: &str,
) -> Result<EpisodeInfo, RunError> {
    let dir = episode_dir(&plan.dir, &q.id, repeat);
    std::fs::create_dir_all(&dir).map_err(io(&dir))?;
    let seed = episode_seed(plan.info.seed, &q.id, repeat);
    let mut cfg = crate::domain::session_config(&q.snapshot);
    cfg.seed = seed;
    cfg.limits.timeout = std::time::Duration::from_secs(plan.timeout_s);
    // The snapshot in the working directory under its own name, as Stirrup's input files.
    cfg.snapshot_in_workspace = Some(mount_name(&q.snapshot));
    let mut session = Session::new(runtime.clone(), cfg)
        .map_err(|e| RunError::Invalid(format!("{}: {e}", q.snapshot.display())))?;
    let settings = plan.settings_for(q.domain);
    let opening = episode::opening(&settings, &session);
    let header = Header::new(
        EpisodeId {
            question: q.id.clone(),
            repeat,
            agent: plan.info.agent.clone(),
            seed,
        },
        &q.snapshot,
        q.snapshot_hash.clone(),
        tools_hash.to_string(),
        &settings,
        plan.timeout_s,
    )
    .opened(&opening, session.snapshot_mount());
    let traj_path = dir.join(TRAJECTORY_NAME);
    let mut traj =
        Writer::create(&traj_path, header).map_err(|e| RunError::Invalid(e.to_string()))?;
    let mut agent = (plan.make_agent)(&q.id, repeat).map_err(RunError::Invalid)?;
    let out = episode::run_opened(agent.as_mut(), &mut session, &settings, opening, &mut traj)
        .map_err(|e| RunError::Invalid(e.to_string()))?;
    if q.domain == crate::domain::Domain::Ciso {
        // The answer is the workspace the episode left: scored now, while the session holds it.
        ciso::evaluate_episode(runtime, q, repeat, &session, &dir)?;
    }
    if let Some(a) = &out.answer {
        let text = serde_json::to_string_pretty(a).map_err(|e| RunError::Invalid(e.to_string()))?;
        write_atomic(
            &dir.join("agent_output.json"),
            format!("{text}\n").as_bytes(),
        )?;
    }
    let info = EpisodeInfo {
        question: q.id.clone(),
        repeat,
        ending: out.ending,
        turns: out.turns,
        tokens: out.tokens,
        cost_usd: out.cost_usd,
        wall_ms: out.wall_ms,
        error: out.error,
    };
    let text = serde_json::to_string_pretty(&info).map_err(|e| RunError::Invalid(e.to_string()))?;
    write_atomic(&dir.join("episode.json"), format!("{text}\n").as_bytes())?;
    Ok(info)
}
