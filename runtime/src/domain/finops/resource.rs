//! A FinOps resource (`{"name": ..., "type": ...}`), the answer's and the ground truth's unit,
//! and the ground truth file.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::answer::AnswerError;

/// One resource the anomaly is blamed on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resource {
    /// Its identifier as `data.csv` writes it (an instance family, an application, ...).
    pub name: String,
    /// Its level of the hierarchy: `Instance Family`, `Application`, `Cloud Service`, `CSP`
    /// or `Account`, in any of the spellings [`level`] reads.
    #[serde(rename = "type")]
    pub kind: String,
}

/// The level a resource type names, for comparison: `Instance_Family`, `instance family` and
/// `InstanceFamily` are one level, `app` is `application`, `service` is `cloud service`,
/// `cloud provider` is `csp`, `account id` is `account`. Unknown types compare by their letters
/// and digits, lower-cased.
pub fn level(kind: &str) -> String {
    let k: String = kind
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let canon = match k.as_str() {
        "instancefamily" | "instancefamilies" | "instance" | "instancetype" | "family" => {
            "instance_family"
        }
        "application" | "applications" | "app" => "application",
        "cloudservice" | "service" | "cloudservices" => "cloud_service",
        "csp" | "cloudprovider" | "cloudserviceprovider" | "provider" => "csp",
        "account" | "accountid" => "account",
        _ => return k,
    };
    canon.to_string()
}

/// Reads a list of resources at `field` of a JSON value, naming the bad field on error.
pub fn parse_list(
    v: Option<&serde_json::Value>,
    field: &str,
) -> Result<Vec<Resource>, AnswerError> {
    let bad = |f: String, m: &str| AnswerError {
        field: f,
        message: m.to_string(),
    };
    let items = match v {
        Some(serde_json::Value::Array(items)) => items,
        Some(_) => return Err(bad(field.to_string(), "expected a list")),
        None => {
            return Err(bad(
                field.to_string(),
                "missing; expected {\"resource\":[{\"name\":\"...\",\"type\":\"...\"}]}",
            ));
        }
    };
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let at = |f: &str| format!("{field}[{i}].{f}");
            let o = item.as_object().ok_or_else(|| {
                bad(
                    format!("{field}[{i}]"),
                    "expected an object with name and type",
                )
            })?;
            let s = |f: &str| match o.get(f) {
                Some(serde_json::Value::String(s)) => Ok(s.clone()),
                Some(_) => Err(bad(at(f), "expected a string")),
                None => Err(bad(at(f), "missing")),
            };
            Ok(Resource {
                name: s("name")?,
                kind: s("type")?,
            })
        })
        .collect()
}

/// A FinOps ground truth: the resources that explain the anomaly (ITBench-Evaluations reads
/// `ground_truth.get("resource")`; other keys are kept by ITBench and ignored here).
#[derive(Debug, Clone, PartialEq)]
pub struct GroundTruth {
    /// The root-cause resources.
    pub resource: Vec<Resource>,
}

/// A ground truth that cannot be read.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {message}")]
pub struct GroundTruthError {
    /// The file, or a description of the text's origin.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl GroundTruth {
    /// Parses YAML or JSON text (JSON is YAML); `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Self, GroundTruthError> {
        let bad = |message: String| GroundTruthError {
            path: origin.to_string(),
            message,
        };
        let v: serde_json::Value =
            serde_yaml_ng::from_str(text).map_err(|e| bad(format!("not YAML or JSON: {e}")))?;
        let resource = parse_list(v.get("resource"), "resource").map_err(|e| bad(e.to_string()))?;
        if resource.is_empty() {
            return Err(bad(
                "`resource` is empty: a ground truth names at least one".into(),
            ));
        }
        Ok(GroundTruth { resource })
    }

    /// Reads a file.
    pub fn load(path: &Path) -> Result<Self, GroundTruthError> {
        let text = std::fs::read_to_string(path).map_err(|e| GroundTruthError {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        Self::parse(&text, &path.display().to_string())
    }

    /// Whether YAML or JSON text has the FinOps shape (a `resource` list, no SRE `groups`).
    pub fn is_finops(text: &str) -> bool {
        serde_yaml_ng::from_str::<serde_json::Value>(text).is_ok_and(|v| {
            v.get("resource").is_some_and(|r| r.is_array()) && v.get("groups").is_none()
        })
    }

    /// The YAML text of a ground truth.
    pub fn to_yaml(&self) -> String {
        let mut s = String::from("resource:\n");
        for r in &self.resource {
            s.push_str(&format!(
                "- name: {}\n  type: {}\n",
                yaml_str(&r.name),
                yaml_str(&r.kind)
            ));
        }
        s
    }
}

/// A YAML scalar for `s`: JSON's quoting, which YAML reads.
fn yaml_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_read_every_spelling() {
        for k in [
            "Instance_Family",
            "instance family",
            "InstanceFamily",
            "instance-family",
        ] {
            assert_eq!(level(k), "instance_family", "{k}");
        }
        assert_eq!(level("App"), "application");
        assert_eq!(level("Cloud_Service"), "cloud_service");
        assert_eq!(level("Cloud Provider"), "csp");
        assert_eq!(level("Account ID"), "account");
        assert_eq!(level("Region"), "region");
    }

    #[test]
    fn ground_truth_round_trips_and_is_recognised() {
        let gt = GroundTruth {
            resource: vec![Resource {
                name: "m5.xlarge:billing".into(),
                kind: "Instance Family".into(),
            }],
        };
        let text = gt.to_yaml();
        assert_eq!(GroundTruth::parse(&text, "t").expect("parse"), gt);
        assert!(GroundTruth::is_finops(&text));
        assert!(!GroundTruth::is_finops("groups: []\n"));
        assert!(GroundTruth::parse("resource: []\n", "t").is_err());
        let e = GroundTruth::parse("resource: [{name: a}]\n", "t").expect_err("no type");
        assert!(e.to_string().contains("resource[0].type: missing"), "{e}");
    }
}
