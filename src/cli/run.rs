//! `rcabox run`: the main job — every question x repeat with an agent, then scores and reports.

use std::io::{ErrorKind, IsTerminal};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use rcabox_runtime::agents::{self, AgentOptions};
use rcabox_runtime::domain::Domain;
use rcabox_runtime::episode::{Settings, prompt};
use rcabox_runtime::run::{self, EpisodeInfo, Plan, RunInfo, episode_dir, write_atomic};
use rcabox_runtime::sandbox::default_cache_dir;
use rcabox_runtime::score::{Matcher, score_answer};
use rcabox_runtime::snapshot::SnapshotError;
use rcabox_runtime::snapshot::bundle::{self, BUNDLE_NAME};
use rcabox_runtime::snapshot::groundtruth::GroundTruth;
use rcabox_runtime::snapshot::questions::discover_in;

/// Arguments of `rcabox run`.
#[derive(clap::Args)]
pub struct RunArgs {
    /// Snapshots: one snapshot, a folder of them, or an ITBench-AA tree (default: the bundled set).
    #[arg(long)]
    snapshots: Option<PathBuf>,
    /// Domains to run: sre, finops, ciso, a comma-separated list, or all (every snapshot found,
    /// each in its own domain, detected from its files).
    #[arg(long, default_value = "all")]
    domain: String,
    /// The agent: `baseline` (built in, no API key), `openai:MODEL`, `anthropic:MODEL`,
    /// `cmd:PROGRAM` (JSON lines, docs/AGENT_PROTOCOL.md) or `replay:TRAJECTORY|RUN_DIR`.
    #[arg(long, default_value = "baseline")]
    agent: String,
    /// API base URL (default: the provider's; any OpenAI-compatible server works).
    #[arg(long)]
    base_url: Option<String>,
    /// Environment variable with the API key (default OPENAI_API_KEY / ANTHROPIC_API_KEY).
    /// The key is optional when --base-url names this machine (localhost, 127.0.0.0/8, ::1):
    /// local servers (llama.cpp, vLLM, Ollama, SGLang) are then called with no key at all.
    #[arg(long)]
    api_key_env: Option<String>,
    /// Price table (JSON, dollars per million tokens; default data/prices.json).
    #[arg(long)]
    prices: Option<PathBuf>,
    /// Model API request timeout in seconds.
    #[arg(long, default_value_t = 600)]
    request_timeout: u64,
    /// Retries of a failed model API request (429, 5xx, network, unreadable body).
    #[arg(long, default_value_t = 8)]
    retries: u32,
    /// Model API requests in flight at once, per model (0: no limit).
    #[arg(long, default_value_t = 0)]
    model_concurrency: usize,
    /// Model API requests per minute, per model (0: no limit).
    #[arg(long, default_value_t = 0)]
    rpm: u32,
    /// Longest model reply in tokens, sent as `max_completion_tokens` to OpenAI-compatible
    /// servers, as Stirrup sends it, and as `max_tokens` to Anthropic's (default: the
    /// server's; Anthropic, which requires one, 8192).
    #[arg(long)]
    max_tokens: Option<u32>,
    /// Sampling temperature sent to the model API (default: the server's).
    #[arg(long)]
    temperature: Option<f64>,
    /// Nucleus sampling `top_p` sent to the model API (default: the server's).
    #[arg(long)]
    top_p: Option<f64>,
    /// Sampling seed sent to OpenAI-compatible servers (`seed`; Anthropic has none).
    #[arg(long)]
    model_seed: Option<u64>,
    /// The model's context window in tokens: a conversation estimated not to fit (with room for
    /// --max-tokens) has its oldest observations dropped before it is sent, as when the server
    /// reports an overflow.
    #[arg(long)]
    context_tokens: Option<u64>,
    /// OpenAI-compatible servers without tool calling (a chat template that drops `tools`):
    /// describe the tools in the system prompt and read `<tool_call>` blocks from the text.
    #[arg(long)]
    tools_in_prompt: bool,
    /// Repeats per question.
    #[arg(long, default_value_t = 3)]
    repeats: usize,
    /// Turn cap per episode.
    #[arg(long, default_value_t = 100)]
    max_turns: usize,
    /// Episodes at once (default: the number of CPUs).
    #[arg(long)]
    concurrency: Option<usize>,
    /// Output directory (default: runs/<UTC timestamp>).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Continue an interrupted run in this directory, skipping finished episodes.
    #[arg(long, conflicts_with = "out")]
    resume: Option<PathBuf>,
    /// Run only shard i of n (1-based), e.g. 2/4; merge the shards with `rcabox merge`.
    #[arg(long)]
    shard: Option<String>,
    /// Base seed of the sandboxes.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Command timeout in seconds.
    #[arg(long, default_value_t = 300)]
    timeout: u64,
    /// Host memory limit of this whole run, MiB: what every episode's commands may hold
    /// together; a command that would cross it ends with `memory_limit` (default: half the
    /// machine's memory).
    #[arg(long)]
    host_memory_mb: Option<u64>,
    /// Only these questions (comma-separated ids).
    #[arg(long, value_delimiter = ',')]
    questions: Vec<String>,
    /// System prompt template file (`{max_turns}` is replaced).
    #[arg(long)]
    system_prompt: Option<PathBuf>,
}

/// The bundled snapshots, materialized from their recipe (`snapshots/bundle.json` here, else
/// the built-in one: the source tree's, or its copy in the cache) on first use: into the recipe's folder, or into the cache directory when
/// that folder is read-only (a container's image). A `snapshots/` folder here without a recipe
/// is taken as it is.
pub(super) fn bundled() -> anyhow::Result<PathBuf> {
    let here = PathBuf::from("snapshots");
    let root = if here.join(BUNDLE_NAME).is_file() || here.is_dir() {
        here
    } else {
        rcabox_runtime::snapshot::embedded::root()?.join("snapshots")
    };
    let recipe = root.join(BUNDLE_NAME);
    if !recipe.is_file() {
        return Ok(root);
    }
    match bundle::materialize(&recipe, &root) {
        Ok(_) => Ok(root),
        Err(SnapshotError::Io { source, .. })
            if matches!(
                source.kind(),
                ErrorKind::PermissionDenied | ErrorKind::ReadOnlyFilesystem
            ) =>
        {
            let cache = default_cache_dir()
                .context("no cache directory: set RCABOX_CACHE_DIR or HOME")?
                .join("snapshots");
            bundle::materialize(&recipe, &cache).with_context(|| {
                format!(
                    "{} is read-only and the bundled snapshots could not be written to {} either",
                    root.display(),
                    cache.display()
                )
            })?;
            Ok(cache)
        }
        Err(e) => Err(e).context("materializing the bundled snapshots"),
    }
}

/// `--domain`: `all` (every domain: no filter) or a comma-separated list of domains.
fn parse_domains(s: &str) -> anyhow::Result<Vec<Domain>> {
    if s.trim() == "all" {
        return Ok(Vec::new());
    }
    s.split(',')
        .map(|d| d.trim().parse::<Domain>().map_err(anyhow::Error::msg))
        .collect::<anyhow::Result<Vec<_>>>()
        .context("--domain takes sre, finops, ciso, a comma-separated list of them, or all")
}

fn parse_shard(s: &str) -> anyhow::Result<(usize, usize)> {
    let (i, n) = s.split_once('/').context("--shard is i/n, e.g. 2/4")?;
    let (i, n): (usize, usize) = (
        i.trim().parse().context("--shard i")?,
        n.trim().parse().context("--shard n")?,
    );
    if n == 0 || i == 0 || i > n {
        bail!("--shard {s}: need 1 <= i <= n");
    }
    Ok((i, n))
}

fn timestamp() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    chrono::DateTime::from_timestamp(now.as_secs() as i64, 0)
        .map(|t| t.format("%Y%m%dT%H%M%SZ").to_string())
        .unwrap_or_else(|| now.as_secs().to_string())
}

/// Runs `rcabox run`.
pub fn run(a: RunArgs) -> anyhow::Result<ExitCode> {
    if a.repeats == 0 || a.max_turns == 0 {
        bail!("--repeats and --max-turns must be at least 1");
    }
    super::exec::set_host_memory(a.host_memory_mb)?;
    let source = match a.snapshots.clone() {
        Some(s) => s,
        None => bundled()?,
    };
    let domains = parse_domains(&a.domain)?;
    let mut questions = discover_in(&source, &domains)
        .with_context(|| format!("finding snapshots under {}", source.display()))?;
    if !a.questions.is_empty() {
        questions.retain(|q| a.questions.contains(&q.id));
        if questions.is_empty() {
            bail!(
                "none of --questions {} is under {}",
                a.questions.join(","),
                source.display()
            );
        }
    }
    let dir = a
        .resume
        .clone()
        .or(a.out.clone())
        .unwrap_or_else(|| PathBuf::from("runs").join(timestamp()));
    let shard = a.shard.as_deref().map(parse_shard).transpose()?;
    let info = RunInfo {
        rcabox_version: env!("CARGO_PKG_VERSION").to_string(),
        agent: a.agent.clone(),
        repeats: a.repeats,
        max_turns: a.max_turns,
        seed: a.seed,
        shard,
        questions: run::entries(&questions)?,
    };
    if a.resume.is_none() && dir.join("run.json").exists() {
        bail!(
            "{} already holds a run; continue it with --resume {}",
            dir.display(),
            dir.display()
        );
    }
    run::prepare(&dir, &info, &questions)?;
    let system = match &a.system_prompt {
        Some(p) => std::fs::read_to_string(p)
            .with_context(|| format!("reading --system-prompt {}", p.display()))?,
        None => prompt::DEFAULT_SYSTEM.to_string(),
    };
    let mut opts = AgentOptions {
        base_url: a.base_url.clone(),
        api_key_env: a.api_key_env.clone(),
        prices: a.prices.clone(),
        sampling: agents::Sampling {
            temperature: a.temperature,
            top_p: a.top_p,
            max_tokens: a.max_tokens,
            seed: a.model_seed,
        },
        context_tokens: a.context_tokens,
        tools_in_prompt: a.tools_in_prompt,
        ..AgentOptions::default()
    };
    opts.http.timeout = std::time::Duration::from_secs(a.request_timeout);
    opts.http.max_retries = a.retries;
    opts.http.max_concurrent = a.model_concurrency;
    opts.http.rpm = a.rpm;
    let factory = agents::factory(&a.agent, &opts).map_err(anyhow::Error::msg)?;
    let settings = Settings {
        max_turns: a.max_turns,
        system_prompt: system,
        ..Settings::default()
    };
    let concurrency = a
        .concurrency
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));
    let plan = Plan {
        dir: dir.clone(),
        info,
        settings,
        make_agent: factory.into(),
        concurrency,
        timeout_s: a.timeout,
    };
    let todo = run::pending(&plan)?.len();
    let already = run::finished(&dir)?.len();
    eprintln!(
        "rcabox run: {} questions x {} repeats, agent {}, {} to run ({} already done), {} at once -> {}",
        plan.info.questions.len(),
        a.repeats,
        a.agent,
        todo,
        already,
        concurrency,
        dir.display()
    );
    let mut progress = Progress::new(&dir, already, already + todo);
    run::execute(std::sync::Arc::new(plan), |e| progress.done(e))?;
    finish(&dir)?;
    Ok(ExitCode::SUCCESS)
}

/// Scores a run and writes results.json, report.md and report.html into it.
pub fn finish(dir: &Path) -> anyhow::Result<()> {
    // The report scores the run; results.json is that same scoring.
    let reports = [rcabox_runtime::report::load(dir)?];
    let results = &reports[0].results;
    write_atomic(
        &dir.join("results.json"),
        format!("{}\n", serde_json::to_string_pretty(results)?).as_bytes(),
    )?;
    write_atomic(
        &dir.join("report.md"),
        rcabox_runtime::report::markdown(&reports).as_bytes(),
    )?;
    write_atomic(
        &dir.join("report.html"),
        rcabox_runtime::report::html(&reports).as_bytes(),
    )?;
    for (domain, d) in &results.rcabox.domains {
        eprintln!(
            "{domain}: {} {:.3} ± {:.3}{} over {} questions, {} trials",
            d.metric,
            d.mean,
            d.std_error,
            if d.max == 1.0 {
                String::new()
            } else {
                format!(" of {}", d.max)
            },
            d.incidents,
            d.trials
        );
    }
    // CISO questions have no all-recall AP: the line counts the questions that do.
    let ranked: Vec<_> = results
        .trials()
        .filter(|t| t.domain != Domain::Ciso)
        .collect();
    let mut ranked_questions: Vec<&str> = ranked.iter().map(|t| t.incident_id.as_str()).collect();
    ranked_questions.dedup();
    let report = dir.join("report.html");
    if ranked.is_empty() {
        eprintln!("report: {}", report.display());
    } else {
        eprintln!(
            "all-recall AP {:.3} ± {:.3} over {} questions, {} trials; report: {}",
            results.rcabox.all_recall_ap,
            results.rcabox.all_recall_ap_std_error,
            ranked_questions.len(),
            ranked.len(),
            report.display()
        );
    }
    Ok(())
}

/// Progress: a bar (questions done, mean AP so far, tokens, cost) on a terminal; one line per
/// finished episode otherwise, so CI logs and `kubectl logs` stay readable.
struct Progress {
    dir: PathBuf,
    total: usize,
    bar: Option<indicatif::ProgressBar>,
    /// Episodes done, sum of AP, episodes scored, tokens, cost.
    state: (usize, f64, usize, u64, f64),
}

impl Progress {
    fn new(dir: &Path, done: usize, total: usize) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new(total as u64).with_position(done as u64);
            let style = indicatif::ProgressStyle::with_template(
                "{elapsed_precise} [{bar:30}] {pos}/{len} episodes, eta {eta} | {msg}",
            )
            .map(|s| s.progress_chars("=> "));
            if let Ok(style) = style {
                bar.set_style(style);
            }
            bar
        });
        Progress {
            dir: dir.to_path_buf(),
            total,
            bar,
            state: (done, 0.0, 0, 0, 0.0),
        }
    }

    fn score(&self, e: &EpisodeInfo) -> Option<f64> {
        use rcabox_runtime::domain::finops;
        let gt_path = self
            .dir
            .join("ground_truth")
            .join(format!("{}.yaml", e.question));
        let text = std::fs::read_to_string(
            episode_dir(&self.dir, &e.question, e.repeat).join("agent_output.json"),
        )
        .ok();
        let answer = text.and_then(|t| rcabox_runtime::answer::Answer::parse(&t).ok());
        let score = match GroundTruth::load(&gt_path) {
            Ok(gt) => score_answer(&Matcher::new(&gt), answer.as_ref()),
            Err(_) => finops::score::answer_score(
                &finops::GroundTruth::load(&gt_path).ok()?,
                answer.as_ref(),
            ),
        };
        Some(score.metrics.all_recall_ap)
    }

    fn done(&mut self, e: &EpisodeInfo) {
        let ap = self.score(e);
        let s = &mut self.state;
        s.0 += 1;
        if let Some(ap) = ap {
            s.1 += ap;
            s.2 += 1;
        }
        s.3 += e.tokens;
        s.4 += e.cost_usd;
        let mean = if s.2 > 0 {
            format!("{:.3}", s.1 / s.2 as f64)
        } else {
            "-".to_string()
        };
        let totals = format!("mean AP {mean}, {} tokens, ${:.4}", s.3, s.4);
        let dir = episode_dir(&self.dir, &e.question, e.repeat);
        let score = match ap {
            Some(v) => format!("AP {v:.3}"),
            None if dir.join(run::ciso::RESULT_NAME).is_file() => format!(
                "criteria {}/4",
                run::ciso::load_result(&e.question, e.repeat, &dir)
                    .scores
                    .met()
            ),
            None => "AP -".to_string(),
        };
        let line = format!(
            "{} r{} {:?} in {} turns, {score}",
            e.question, e.repeat, e.ending, e.turns,
        );
        match &self.bar {
            Some(bar) => {
                if let Some(err) = &e.error {
                    bar.println(format!("{line}: {err}"));
                }
                bar.set_message(totals);
                bar.inc(1);
                if s.0 >= self.total {
                    bar.finish();
                }
            }
            None => eprintln!("[{:>3}/{}] {line} | {totals}", s.0, self.total),
        }
    }
}

/// Arguments of `rcabox merge`.
#[derive(clap::Args)]
pub struct MergeArgs {
    /// The merged run directory (new).
    #[arg(long)]
    out: PathBuf,
    /// Shard run directories.
    #[arg(required = true)]
    shards: Vec<PathBuf>,
    /// Exit 1 (after writing the merged directory) while any episode is missing, as a
    /// scheduler's final job should.
    #[arg(long)]
    require_complete: bool,
}

/// Runs `rcabox merge`: joins shard directories, then scores and reports the whole.
pub fn merge(a: MergeArgs) -> anyhow::Result<ExitCode> {
    let shards: Vec<&Path> = a.shards.iter().map(PathBuf::as_path).collect();
    let n = run::merge::merge(&a.out, &shards)?;
    let info = run::load_info(&a.out)?;
    let want = info.questions.len() * info.repeats;
    let complete = n >= want;
    if !complete {
        eprintln!(
            "rcabox merge: {n} of {want} episodes are finished; continue the missing ones with `rcabox run --resume SHARD` on the shard that lacks them (or `rcabox run --resume {}`)",
            a.out.display()
        );
    }
    finish(&a.out)?;
    if a.require_complete && !complete {
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
