//! OPA's own conformance cases (test/cases/testdata of the OPA repository: YAML files of
//! `cases` with `modules`, `data`, `input`, `query` and `want_result` or `want_error`) run on
//! the engine `opa eval` uses. A curated set is in `tests/opa-cases` (see its NOTICE);
//! `OPA_CASES=DIR` runs every `*.yaml` under DIR instead, for a full checkout.

use std::path::{Path, PathBuf};

use regorus::Value;

/// What happened to one case.
pub enum Outcome {
    /// As OPA's suite wants.
    Pass,
    /// Different; the reason says how.
    Fail(String),
    /// Marked `skip` in the suite, or using what the runner cannot express (`input_term`).
    Skip,
}

fn field<'a>(case: &'a Value, name: &str) -> Option<&'a Value> {
    match &case[name] {
        Value::Undefined => None,
        v => Some(v),
    }
}

/// Sorts arrays (OPA's `sort_bindings`: the order of a set's elements is not compared).
fn sorted(v: &Value) -> Value {
    match v {
        Value::Array(a) => {
            let mut items: Vec<Value> = a.iter().map(sorted).collect();
            items.sort();
            Value::from(items)
        }
        Value::Object(o) => {
            let mut out = Value::new_object();
            if let Ok(m) = out.as_object_mut() {
                for (k, v) in o.iter() {
                    m.insert(k.clone(), sorted(v));
                }
            }
            out
        }
        v => v.clone(),
    }
}

/// Runs one case.
pub fn run_case(case: &Value) -> Outcome {
    if matches!(field(case, "skip"), Some(Value::Bool(true))) || field(case, "input_term").is_some()
    {
        return Outcome::Skip;
    }
    let strict = matches!(field(case, "strict_error"), Some(Value::Bool(true)));
    let mut e = super::engine(false, strict);
    let wants_error =
        field(case, "want_error").is_some() || field(case, "want_error_code").is_some();
    if let Some(Value::Array(mods)) = field(case, "modules") {
        for (i, m) in mods.iter().enumerate() {
            let Value::String(text) = m else { continue };
            if let Err(err) = e.add_policy(format!("test-{i}.rego"), text.to_string()) {
                return if wants_error {
                    Outcome::Pass
                } else {
                    Outcome::Fail(format!("parse: {}", first_line(&format!("{err:#}"))))
                };
            }
        }
    }
    if let Some(d) = field(case, "data")
        && let Err(err) = e.add_data(d.clone())
    {
        return Outcome::Fail(format!("data: {err:#}"));
    }
    if let Some(i) = field(case, "input") {
        e.set_input(i.clone());
    }
    let Some(Value::String(query)) = field(case, "query") else {
        return Outcome::Skip;
    };
    let results = match e.eval_query(query.to_string(), false) {
        Ok(r) => r,
        Err(err) => {
            return if wants_error {
                Outcome::Pass
            } else {
                Outcome::Fail(format!("error: {}", first_line(&format!("{err:#}"))))
            };
        }
    };
    if wants_error {
        return Outcome::Fail("no error, where OPA gives one".to_string());
    }
    let Some(Value::Array(want)) = field(case, "want_result") else {
        return Outcome::Skip;
    };
    let sort = matches!(field(case, "sort_bindings"), Some(Value::Bool(true)));
    // OPA's runner compares the results as JSON, where sets are arrays.
    let norm = |v: &Value| {
        let v = Value::from_json_str(&super::json::compact(v)).unwrap_or(Value::Undefined);
        if sort { sorted(&v) } else { v }
    };
    let mut got: Vec<Value> = results.result.iter().map(|r| norm(&r.bindings)).collect();
    let mut want: Vec<Value> = want.iter().map(norm).collect();
    got.sort();
    want.sort();
    if got == want {
        Outcome::Pass
    } else {
        Outcome::Fail(format!(
            "got {}, want {}",
            super::json::compact(&Value::from(got)),
            super::json::compact(&Value::from(want))
        ))
    }
}

fn first_line(s: &str) -> String {
    s.trim()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .last()
        .unwrap_or_default()
        .to_string()
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = rd.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            yaml_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "yaml" || x == "yml") {
            out.push(p);
        }
    }
}

/// Runs every case under `dir`: (passed, failed notes with reasons, skipped).
pub fn run_dir(dir: &Path) -> (usize, Vec<String>, usize) {
    let mut files = Vec::new();
    yaml_files(dir, &mut files);
    let (mut pass, mut fail, mut skip) = (0, Vec::new(), 0);
    for f in files {
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        let doc = match Value::from_yaml_str(&text) {
            Ok(d) => d,
            Err(e) => {
                fail.push(format!("{}: unreadable: {e:#}", f.display()));
                continue;
            }
        };
        let Value::Array(cases) = &doc["cases"] else {
            continue;
        };
        for c in cases.iter() {
            let note = match &c["note"] {
                Value::String(s) => s.to_string(),
                _ => f.display().to_string(),
            };
            match run_case(c) {
                Outcome::Pass => pass += 1,
                Outcome::Skip => skip += 1,
                Outcome::Fail(why) => fail.push(format!("{note}: {why}")),
            }
        }
    }
    (pass, fail, skip)
}

/// The curated cases all pass; `OPA_CASES=DIR` reports a whole suite's rate instead.
#[test]
fn opa_conformance() {
    let curated = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/opa-cases");
    let dir = std::env::var_os("OPA_CASES")
        .map(PathBuf::from)
        .unwrap_or(curated.clone());
    let (pass, fail, skip) = run_dir(&dir);
    for f in &fail {
        println!("FAIL {f}");
    }
    println!(
        "opa conformance: {pass} passed, {} failed, {skip} skipped",
        fail.len()
    );
    if dir == curated {
        assert!(pass > 0 && fail.is_empty(), "{fail:#?}");
    }
}
