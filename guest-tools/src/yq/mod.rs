//! `yq`, mikefarah's v4 command line, for turning Kubernetes YAML into JSON in scripts:
//! [`args`] reads the command line, [`docs`] reads YAML documents, jq's engine (jaq, shared
//! with `jq`) evaluates the expression where yq's syntax is jq's, and [`emit`] writes YAML.
//! [`expr`] maps yq's forms that jq spells otherwise (`ireduce`, `eval-all`'s `[.]`).

mod args;
mod docs;
mod emit;
mod expr;

use std::ffi::OsString;
use std::io::{Read, Write};

use jaq_json::Val;

use args::Output;

/// Runs `yq`; `args[0]` is its name.
pub fn main(args: Vec<OsString>) -> i32 {
    let args: Vec<String> = crate::sys::utf8_args(args);
    if args.iter().any(|a| a == "--version" || a == "-V") {
        println!(
            "yq (https://github.com/mikefarah/yq/) version v4 (rcabox: jaq expressions, yaml_serde)"
        );
        return 0;
    }
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!(
            "Usage:\n  yq [eval|eval-all] [-o=json|yaml] [-I N] [-r] [-N] [-n] [-e] EXPRESSION [FILE...]"
        );
        return 0;
    }
    let o = match args::parse(&args) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("Error: {e}");
            return 1;
        }
    };
    // Every document of every file, each tagged with its index for `---` between documents.
    let mut docs: Vec<Val> = Vec::new();
    let files = if o.files.is_empty() {
        vec!["-".to_string()]
    } else {
        o.files.clone()
    };
    if !o.null_input {
        for f in &files {
            let text = if f == "-" {
                let mut s = String::new();
                if let Err(e) = std::io::stdin().read_to_string(&mut s) {
                    eprintln!(
                        "Error: reading stdin: {}",
                        crate::io_message::io_message(&e)
                    );
                    return 1;
                }
                s
            } else {
                match std::fs::read_to_string(f) {
                    Ok(s) => s,
                    Err(e) => {
                        eprintln!(
                            "Error: open {f}: {}",
                            crate::io_message::io_message(&e).to_lowercase()
                        );
                        return 1;
                    }
                }
            };
            match docs::parse(&text, f) {
                Ok(d) => docs.extend(d),
                Err(e) => {
                    eprintln!("{e}");
                    return 1;
                }
            }
        }
    }
    let plan = expr::plan(&o.expr, o.all || o.null_input);
    // (document index, value) of each result.
    let mut results: Vec<(usize, Val)> = Vec::new();
    let run =
        |code: &str, inputs: Vec<Val>, null: bool, doc: usize, results: &mut Vec<(usize, Val)>| {
            crate::jq::run_filter(code, inputs, null, |v| {
                results.push((doc, v));
                true
            })
        };
    let outcome = match (&plan, o.null_input) {
        (expr::Plan::Once(code), _) => run(code, docs, true, 0, &mut results),
        (expr::Plan::PerDocument(code), true) => run(code, Vec::new(), true, 0, &mut results),
        (expr::Plan::PerDocument(code), false) => docs
            .into_iter()
            .enumerate()
            .try_for_each(|(i, d)| run(code, vec![d], false, i, &mut results)),
    };
    let status = print(&o, &results);
    if let Err(e) = outcome {
        eprintln!("{e}");
        return 1;
    }
    status
}

/// Prints the results; the status `-e` asks for.
fn print(o: &args::Opts, results: &[(usize, Val)]) -> i32 {
    let mut out = String::new();
    let mut last_doc = None;
    for (doc, v) in results {
        match o.output {
            Output::Json => {
                let jo = crate::jq::args::Opts {
                    compact: o.indent == 0,
                    indent: " ".repeat(o.indent),
                    ..Default::default()
                };
                match v {
                    Val::TStr(b) if o.unwrap == Some(true) => {
                        out.push_str(&String::from_utf8_lossy(b))
                    }
                    _ => {
                        let mut s = Vec::new();
                        crate::jq::print::write_val(&mut s, v, &jo, 0);
                        out.push_str(&String::from_utf8_lossy(&s));
                    }
                }
                out.push('\n');
            }
            Output::Yaml => {
                if last_doc.is_some_and(|d| d != *doc) && !o.no_doc {
                    out.push_str("---\n");
                }
                out.push_str(&emit::yaml(v, o.indent, o.unwrap != Some(false)));
            }
        }
        last_doc = Some(*doc);
    }
    let mut stdout = std::io::stdout().lock();
    if stdout
        .write_all(out.as_bytes())
        .and_then(|_| stdout.flush())
        .is_err()
    {
        return 1;
    }
    match (o.exit_status, results.last()) {
        (false, _) => 0,
        (true, Some((_, Val::Null | Val::Bool(false)))) | (true, None) => 1,
        (true, Some(_)) => 0,
    }
}
