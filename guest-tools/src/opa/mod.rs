//! `opa` on regorus (Microsoft's Rego interpreter): `opa eval`, `opa check` and
//! `opa version`, printing what OPA prints. regorus parses and evaluates; [`args`] reads OPA's
//! command line, [`load`] does what OPA's loader does with `-d` and `-i`, [`json`] writes
//! values byte for byte as OPA's Go code does and [`errors`] words errors as OPA does.
//!
//! Sizes are not limited here: a policy, its data and its input live in the sandbox's memory,
//! bounded by its memory limit, and evaluation by its CPU timeout. regorus's own per-file
//! limits (1 MiB, 1024 columns) are lifted, since OPA has none and generated policies or
//! data-bearing rules exceed them.

mod args;
mod errors;
mod json;
mod load;

use std::ffi::OsString;
use std::io::{Read, Write};
use std::num::{NonZeroU32, NonZeroUsize};

use regorus::utils::limits::PolicyLengthConfig;
use regorus::{Engine, QueryResults, Value};

use args::{EvalArgs, Format};
use errors::{OpaError, Stage, text_of_all};
use json::Doc;

/// The version `opa version` reports: the regorus crate this was built with.
const REGORUS_VERSION: &str = "0.14.1";

const USAGE: &str = "An open source project to policy-enable your service.

Usage:
  opa [command]

Available Commands (this sandbox's opa runs on regorus, a Rego interpreter):
  check       Check Rego source files
  eval        Evaluate a Rego query
  version     Print the version of OPA

Usage of eval:
  opa eval [-d FILE_OR_DIR]... [-i FILE | -I] [-f json|raw|pretty|values|bindings]
           [--fail | --fail-defined] [--v0-compatible] QUERY
";

/// Runs `opa`; `args[0]` is its name.
pub fn main(args: Vec<OsString>) -> i32 {
    let args: Vec<String> = args
        .into_iter()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    match args.first().map(String::as_str) {
        Some("eval") => eval(&args[1..]),
        Some("check") => check(&args[1..]),
        Some("version") => {
            print!(
                "Version: {REGORUS_VERSION}-regorus\nRego Version: v1 (v0 with --v0-compatible)\nImplementation: regorus {REGORUS_VERSION} (Rust), not the Go OPA\nWebAssembly: unavailable\n"
            );
            0
        }
        Some("-h" | "--help" | "help") | None => {
            print!("{USAGE}");
            0
        }
        Some(cmd) => {
            eprintln!(
                "Error: unknown command \"{cmd}\" for \"opa\": this sandbox's opa (regorus) has only eval, check and version\nRun 'opa --help' for usage."
            );
            1
        }
    }
}

/// An engine with OPA's defaults rather than regorus's.
fn engine(v0: bool, strict_builtin_errors: bool) -> Engine {
    let mut e = Engine::new();
    e.set_rego_v0(v0);
    e.set_strict_builtin_errors(strict_builtin_errors);
    e.set_gather_prints(true);
    e.set_policy_length_config(PolicyLengthConfig {
        max_col: NonZeroU32::MAX,
        max_file_bytes: NonZeroUsize::MAX,
        max_lines: NonZeroUsize::MAX,
    });
    e
}

fn eval(argv: &[String]) -> i32 {
    if argv.iter().any(|a| a == "-h" || a == "--help") {
        print!("{USAGE}");
        return 0;
    }
    let a = match args::parse(argv) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("Error: {e}");
            return 1;
        }
    };
    // OPA reports these (reading the query or the input) on stderr, outside the result.
    let query = match &a.query {
        Some(q) => q.clone(),
        None => match read_stdin() {
            Ok(q) => q,
            Err(e) => return fatal(&e),
        },
    };
    let input = match read_input(&a) {
        Ok(i) => i,
        Err(e) => return fatal(&e),
    };
    let (out, prints, code) = evaluate(&a, query, input);
    let mut err = std::io::stderr().lock();
    for p in prints {
        let _ = writeln!(err, "{p}");
    }
    let mut stdout = std::io::stdout().lock();
    if stdout
        .write_all(out.as_bytes())
        .and_then(|_| stdout.flush())
        .is_err()
    {
        return 2;
    }
    code
}

/// Evaluates `query`: what goes to stdout, the lines `print` wrote, and the exit status.
fn evaluate(a: &EvalArgs, query: String, input: Option<Value>) -> (String, Vec<String>, i32) {
    let mut e = engine(a.v0, a.strict_builtin_errors);
    let mut errs = load::load_paths(&mut e, &a.data);
    if let Some(i) = input {
        e.set_input(i);
    }
    let mut results = QueryResults::default();
    if errs.is_empty() {
        match e.eval_query(query, false) {
            Ok(r) => results = r,
            Err(err) => {
                let stage = if format!("{err:#}").contains("<query.rego>") {
                    Stage::Parse
                } else {
                    Stage::Eval
                };
                errs.push(OpaError::from_regorus(&err, stage));
            }
        }
    }
    let prints = e.take_prints().unwrap_or_default();
    let out = present(a.format, &results, &errs);
    let defined = !results.result.is_empty();
    let code = if !errs.is_empty() {
        2
    } else if (a.fail && !defined) || (a.fail_defined && defined) {
        1
    } else {
        0
    };
    (out, prints, code)
}

fn fatal(message: &str) -> i32 {
    eprintln!("{message}");
    2
}

fn read_stdin() -> Result<String, String> {
    let mut s = String::new();
    std::io::stdin()
        .read_to_string(&mut s)
        .map_err(|e| format!("read /dev/stdin: {}", crate::io_message::io_message(&e)))?;
    Ok(s)
}

fn read_input(a: &EvalArgs) -> Result<Option<Value>, String> {
    let text = if a.stdin_input {
        read_stdin()?
    } else if let Some(p) = &a.input {
        std::fs::read_to_string(p).map_err(|e| {
            format!(
                "open {p}: {}",
                crate::io_message::io_message(&e).to_lowercase()
            )
        })?
    } else {
        return Ok(None);
    };
    load::parse_document(&text)
        .map(Some)
        .map_err(|e| format!("unable to parse input: {e}"))
}

/// The bytes OPA writes on stdout for this result in this format.
fn present(format: Format, results: &QueryResults, errs: &[OpaError]) -> String {
    if !errs.is_empty() {
        return match format {
            Format::Json => Doc::Fields(vec![(
                "errors",
                Doc::List(errs.iter().map(OpaError::doc).collect()),
            )])
            .indented(),
            _ => format!("{}\n", text_of_all(errs)),
        };
    }
    let rs = &results.result;
    match format {
        Format::Json => result_doc(results).indented(),
        Format::Raw => {
            let mut out = String::new();
            for r in rs {
                let n = r.expressions.len();
                for (i, x) in r.expressions.iter().enumerate() {
                    match &x.value {
                        Value::String(s) => out.push_str(s),
                        v => out.push_str(&json::compact(v)),
                    }
                    out.push(if i + 1 >= n { '\n' } else { ' ' });
                }
            }
            out
        }
        Format::Pretty => match rs.as_slice() {
            [] => "undefined\n".to_string(),
            [r] if is_empty_object(&r.bindings)
                && (r.expressions.len() == 1
                    || r.expressions
                        .iter()
                        .all(|x| matches!(x.value, Value::Bool(_)))) =>
            {
                r.expressions
                    .first()
                    .map(|x| json::indented(&x.value))
                    .unwrap_or_default()
            }
            // OPA draws a table of the bindings here; the bindings are given as JSON instead.
            _ => rs.iter().map(|r| json::indented(&r.bindings)).collect(),
        },
        Format::Values => rs
            .iter()
            .map(|r| {
                let vals: Vec<Doc> = r
                    .expressions
                    .iter()
                    .map(|x| Doc::Val(x.value.clone()))
                    .collect();
                Doc::List(vals).indented()
            })
            .collect(),
        Format::Bindings => rs.iter().map(|r| json::indented(&r.bindings)).collect(),
    }
}

fn is_empty_object(v: &Value) -> bool {
    matches!(v, Value::Object(o) if o.is_empty())
}

/// `{"result": [...]}` with OPA's field order; `{}` when the result is undefined. The order is
/// that of OPA 1.x's current `rego.Result` and `ExpressionValue` structs (`bindings` before
/// `expressions`; `value`, `location`, `text`); releases before their fields were reordered
/// printed `text` before `location`. JSON readers see no difference.
fn result_doc(results: &QueryResults) -> Doc {
    if results.result.is_empty() {
        return Doc::Fields(Vec::new());
    }
    let list = results
        .result
        .iter()
        .map(|r| {
            let exprs = r
                .expressions
                .iter()
                .map(|x| {
                    Doc::Fields(vec![
                        ("value", Doc::Val(x.value.clone())),
                        (
                            "location",
                            Doc::Fields(vec![
                                ("row", Doc::Val(Value::from(u64::from(x.location.row)))),
                                ("col", Doc::Val(Value::from(u64::from(x.location.col)))),
                            ]),
                        ),
                        ("text", Doc::Val(Value::from(x.text.as_ref()))),
                    ])
                })
                .collect();
            let mut f = Vec::new();
            if !is_empty_object(&r.bindings) {
                f.push(("bindings", Doc::Val(r.bindings.clone())));
            }
            f.push(("expressions", Doc::List(exprs)));
            Doc::Fields(f)
        })
        .collect();
    Doc::Fields(vec![("result", Doc::List(list))])
}

/// `opa check FILE_OR_DIR...`: parses every policy; silent and 0 when all parse, OPA's error
/// text on stderr and 1 otherwise.
fn check(argv: &[String]) -> i32 {
    let mut v0 = false;
    let mut paths = Vec::new();
    for a in argv {
        match a.as_str() {
            "--v0-compatible" => v0 = true,
            "--v1-compatible" | "-S" | "--strict" => {}
            "-h" | "--help" => {
                print!("Usage:\n  opa check <path> [path [...]] [--v0-compatible]\n");
                return 0;
            }
            s if s.starts_with('-') => {
                eprintln!("Error: unknown flag: {s}");
                return 1;
            }
            _ => paths.push(a.clone()),
        }
    }
    if paths.is_empty() {
        eprintln!("Error: specify at least one file");
        return 1;
    }
    let mut e = engine(v0, false);
    let errs = load::load_paths(&mut e, &paths);
    if errs.is_empty() {
        0
    } else {
        eprintln!("{}", text_of_all(&errs));
        1
    }
}

#[cfg(test)]
mod conformance;
#[cfg(test)]
mod tests;
