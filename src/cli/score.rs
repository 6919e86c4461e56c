//! `rcabox score`: score one answer against a ground truth, or every episode of a run.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use rcabox_runtime::answer::Answer;
use rcabox_runtime::domain::finops;
use rcabox_runtime::score::{AnswerScore, Matcher, score_answer};
use rcabox_runtime::snapshot::groundtruth::GroundTruth;

/// Arguments of `rcabox score`.
#[derive(clap::Args)]
pub struct ScoreArgs {
    /// A run directory to score (written by `rcabox run`).
    run_dir: Option<PathBuf>,
    /// Ground truth for scoring one answer: ITBench v1 YAML (SRE), or a FinOps one
    /// (`resource: [{name, type}]`), told apart by its shape.
    #[arg(long, requires = "answer", conflicts_with = "run_dir")]
    ground_truth: Option<PathBuf>,
    /// The answer: ITBench `agent_output.json` (SRE's, or FinOps' `{"resource": [...]}`) or a
    /// JSON list of `namespace/Kind/name`.
    #[arg(long, requires = "ground_truth")]
    answer: Option<PathBuf>,
    /// A CISO scenario directory: evaluate the solution in --workspace (fetch.sh,
    /// policy.rego) with ITBench-Evaluations' four criteria, in the sandbox.
    #[arg(long, requires = "workspace", conflicts_with_all = ["run_dir", "ground_truth", "answer"])]
    ciso: Option<PathBuf>,
    /// The agent's working directory holding fetch.sh and policy.rego (with --ciso).
    #[arg(long, requires = "ciso")]
    workspace: Option<PathBuf>,
    /// Rescore a run as if every episode had been cut at this many turns.
    #[arg(long, requires = "run_dir")]
    max_turns: Option<usize>,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
    /// Say why each submitted name matched or not.
    #[arg(long)]
    explain: bool,
}

/// Runs `rcabox score`.
pub fn run(a: ScoreArgs) -> anyhow::Result<ExitCode> {
    if let (Some(scenario), Some(ws)) = (&a.ciso, &a.workspace) {
        let r = rcabox_runtime::domain::ciso::score_dir(scenario, ws).with_context(|| {
            format!("evaluating {} against {}", ws.display(), scenario.display())
        })?;
        if a.json {
            println!("{}", serde_json::to_string_pretty(&r)?);
        } else {
            for (name, c) in r.scores.named() {
                println!("{name:<24} {}  {}", c.calculation, c.justification);
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    let (gt, ans) = match (&a.run_dir, &a.ground_truth, &a.answer) {
        (Some(dir), None, None) => return score_run_dir(dir, a.json, a.max_turns),
        (None, Some(gt), Some(ans)) => (gt, ans),
        _ => anyhow::bail!(
            "give a run directory, or --ground-truth GT.yaml --answer ANSWER.json\n\
             e.g. rcabox score --ground-truth ground_truth.yaml --answer agent_output.json"
        ),
    };
    let gt_text = std::fs::read_to_string(gt)
        .with_context(|| format!("cannot read ground truth {}", gt.display()))?;
    if finops::GroundTruth::is_finops(&gt_text) {
        return score_finops(&gt_text, gt, ans, a.json);
    }
    let gt = GroundTruth::load(gt)?;
    for w in &gt.warnings {
        eprintln!("rcabox: warning: {w}");
    }
    let text = std::fs::read_to_string(ans)
        .with_context(|| format!("cannot read answer {}", ans.display()))?;
    let answer = Answer::parse(&text).map_err(|e| {
        anyhow::anyhow!(
            "{}: {e}\nan answer is ITBench's agent_output.json or a JSON list of names",
            ans.display()
        )
    })?;
    let s = score_answer(&Matcher::new(&gt), Some(&answer));
    if a.json {
        println!("{}", serde_json::to_string_pretty(&s)?);
    } else {
        print!("{}", render(&s, a.explain));
    }
    Ok(ExitCode::SUCCESS)
}

/// Scores a FinOps answer (`{"resource": [...]}`) against a FinOps ground truth: ITBench's
/// `root_cause_resource`, with rcabox's precision, recall and all-recall AP over resources.
fn score_finops(
    gt_text: &str,
    gt: &std::path::Path,
    ans: &std::path::Path,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let gt = finops::GroundTruth::parse(gt_text, &gt.display().to_string())?;
    let text = std::fs::read_to_string(ans)
        .with_context(|| format!("cannot read answer {}", ans.display()))?;
    let answer = Answer::parse(&text).map_err(|e| {
        anyhow::anyhow!(
            "{}: {e}\na FinOps answer is {{\"resource\": [{{\"name\": ..., \"type\": ...}}]}}",
            ans.display()
        )
    })?;
    let criterion = finops::score(&gt, finops::score::predicted(Some(&answer)));
    let metrics = finops::score::answer_score(&gt, Some(&answer));
    if json {
        let v = serde_json::json!({
            "domain": "finops",
            "root_cause_resource": criterion,
            "rcabox": metrics,
        });
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        println!(
            "root_cause_resource {}  (precision {:.3}, recall {:.3}, all-recall AP {:.3})",
            criterion.calculation,
            metrics.metrics.precision,
            metrics.metrics.recall,
            metrics.metrics.all_recall_ap
        );
        for l in criterion.justification.lines() {
            println!("  {l}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Scores every episode of a run directory.
fn score_run_dir(
    dir: &std::path::Path,
    json: bool,
    max_turns: Option<usize>,
) -> anyhow::Result<ExitCode> {
    let r = rcabox_runtime::run::score::score_run(dir, max_turns)
        .with_context(|| format!("scoring run directory {}", dir.display()))?;
    if json {
        println!("{}", serde_json::to_string_pretty(&r)?);
    } else {
        println!(
            "all-recall AP {:.3} ± {:.3} over {} questions, {} trials{}",
            r.rcabox.all_recall_ap,
            r.rcabox.all_recall_ap_std_error,
            r.rcabox.incidents,
            r.rcabox.trials,
            max_turns
                .map(|k| format!(" (cut at {k} turns)"))
                .unwrap_or_default()
        );
        for (q, inc) in &r.rcabox.per_incident {
            let m = inc.metrics.get("all_recall_ap");
            println!(
                "  {q:<16} AP {:.3} ± {:.3}  pass@1 {:.3}",
                m.map_or(0.0, |s| s.mean),
                m.map_or(0.0, |s| s.std_error),
                inc.pass_at_k.get("pass@1").copied().unwrap_or(0.0)
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Text rendering of one score.
fn render(s: &AnswerScore, explain: bool) -> String {
    let m = &s.metrics;
    let mut out = format!(
        "all-recall AP {:.3}  precision {:.3}  recall {:.3}  F1 {:.3}  ({} submitted, {} root cause{}: {})\n",
        m.all_recall_ap,
        m.precision,
        m.recall,
        m.f1,
        s.submitted,
        s.root_causes.len(),
        if s.root_causes.len() == 1 { "" } else { "s" },
        s.root_causes.join(", ")
    );
    for d in &s.matches {
        let mark = match (&d.root_cause, d.dropped) {
            (_, true) => "-",
            (Some(_), _) => "+",
            (None, _) => "x",
        };
        out.push_str(&format!("  {mark} {}", d.submitted));
        if explain {
            out.push_str(&format!(": {}", d.explanation));
        }
        out.push('\n');
    }
    out
}
