//! What `-d` and `-i` load, as OPA's loader does: a `.rego` file is a policy; a `.json` or
//! `.yaml`/`.yml` file is data, merged at the root of `data` when named directly and under
//! its directory's path (`dir/a/b/x.json` -> `data.a.b`) when found in a named directory;
//! directories are walked in name order and other files in them are skipped.

use std::path::Path;

use regorus::{Engine, Value};

use super::errors::{OpaError, Stage};
use crate::io_message::io_message;

/// A policy or data file as read.
enum Loaded {
    Policy { name: String, text: String },
    Data { value: Value },
}

/// Parses a document as OPA's `util.Unmarshal` does: JSON, else YAML.
pub fn parse_document(text: &str) -> Result<Value, String> {
    match Value::from_json_str(text) {
        Ok(v) => Ok(v),
        Err(json_err) => match Value::from_yaml_str(text) {
            Ok(v) => Ok(v),
            Err(_) => Err(format!("{json_err:#}")),
        },
    }
}

fn read(path: &Path) -> Result<String, OpaError> {
    std::fs::read_to_string(path).map_err(|e| {
        OpaError::plain(format!(
            "open {}: {}",
            path.display(),
            io_message(&e).to_lowercase()
        ))
    })
}

fn load_file(path: &Path, named: bool) -> Result<Option<Loaded>, OpaError> {
    let name = path.to_string_lossy().into_owned();
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default();
    match ext {
        "rego" => Ok(Some(Loaded::Policy {
            text: read(path)?,
            name,
        })),
        "json" => {
            let text = read(path)?;
            let value = Value::from_json_str(&text)
                .map_err(|e| OpaError::plain(format!("{name}: {e:#}")))?;
            Ok(Some(Loaded::Data { value }))
        }
        "yaml" | "yml" => {
            let text = read(path)?;
            let value = Value::from_yaml_str(&text)
                .map_err(|e| OpaError::plain(format!("{name}: {e:#}")))?;
            Ok(Some(Loaded::Data { value }))
        }
        _ if named => Err(OpaError::plain(format!(
            "{name}: unrecognized file type: only .rego, .json, .yaml and .yml files are loaded"
        ))),
        _ => Ok(None),
    }
}

/// `value` placed under the keys of `prefix`.
fn rooted(prefix: &[String], value: Value) -> Value {
    prefix.iter().rev().fold(value, |inner, key| {
        let mut o = Value::new_object();
        if let Ok(m) = o.as_object_mut() {
            m.insert(Value::from(key.as_str()), inner);
        }
        o
    })
}

fn walk(
    dir: &Path,
    prefix: &mut Vec<String>,
    out: &mut Vec<(Vec<String>, Loaded)>,
) -> Result<(), OpaError> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        OpaError::plain(format!(
            "{}: {}",
            dir.display(),
            io_message(&e).to_lowercase()
        ))
    })?;
    let mut names: Vec<_> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    names.sort();
    for p in names {
        if p.is_dir() {
            let key = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            prefix.push(key);
            walk(&p, prefix, out)?;
            prefix.pop();
        } else if let Some(l) = load_file(&p, false)? {
            out.push((prefix.clone(), l));
        }
    }
    Ok(())
}

/// Loads every `-d` path into `engine`. Errors are collected as OPA does (all of them,
/// not the first only).
pub fn load_paths(engine: &mut Engine, paths: &[String]) -> Vec<OpaError> {
    let mut errors = Vec::new();
    let mut loaded = Vec::new();
    for p in paths {
        let path = Path::new(p);
        let r = if path.is_dir() {
            walk(path, &mut Vec::new(), &mut loaded)
        } else if path.exists() {
            load_file(path, true).map(|l| loaded.extend(l.map(|l| (Vec::new(), l))))
        } else {
            Err(OpaError::plain(format!(
                "stat {p}: no such file or directory"
            )))
        };
        if let Err(e) = r {
            errors.push(e);
        }
    }
    for (prefix, l) in loaded {
        match l {
            Loaded::Policy { name, text } => {
                if let Err(e) = engine.add_policy(name, text) {
                    errors.push(OpaError::from_regorus(&e, Stage::Parse));
                }
            }
            Loaded::Data { value } => {
                let doc = rooted(&prefix, value);
                if !matches!(doc, Value::Object(_)) {
                    errors.push(OpaError::plain(
                        "data file must hold an object at the root of data".to_string(),
                    ));
                } else if let Err(e) = engine.add_data(doc) {
                    errors.push(OpaError::plain(format!("merge error: {e:#}")));
                }
            }
        }
    }
    errors
}
