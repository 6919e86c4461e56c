//! `rcabox score`: score one answer against a ground truth, or every episode of a run.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use rcabox_runtime::answer::Answer;
use rcabox_runtime::score::{AnswerScore, Matcher, score_answer};
use rcabox_runtime::snapshot::groundtruth::GroundTruth;

/// Arguments of `rcabox score`.
#[derive(clap::Args)]
pub struct ScoreArgs {
    /// Ground truth (ITBench v1 YAML) for scoring one answer.
    #[arg(long)]
    ground_truth: PathBuf,
    /// The answer: ITBench `agent_output.json` or a JSON list of `namespace/Kind/name`.
    #[arg(long)]
    answer: PathBuf,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
    /// Say why each submitted name matched or not.
    #[arg(long)]
    explain: bool,
}

/// Runs `rcabox score`.
pub fn run(a: ScoreArgs) -> anyhow::Result<ExitCode> {
    let (gt, ans) = (&a.ground_truth, &a.answer);
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
