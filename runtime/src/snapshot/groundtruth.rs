//! ITBench v1 ground truth: the answer key the scorer reads and no session ever mounts.
//!
//! Two spellings exist in the wild: flat (`groups:` at the top) and wrapped in
//! `apiVersion: itbench.io/v1` / `kind: GroundTruth` / `spec:`. Both parse to [`GroundTruth`].
//! Errors name the file, the line and the field, because the people who hit them are editing
//! a YAML file by hand.

use std::path::Path;

use serde::{Deserialize, Serialize};

/// A ground-truth file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum GroundTruthError {
    /// The file could not be read.
    #[error("{path}: cannot read ground truth: {source}")]
    Read {
        /// The ground-truth file.
        path: String,
        /// What the system said.
        source: std::io::Error,
    },
    /// The YAML is malformed or a field has the wrong shape.
    #[error("{path}:{line}: {message}")]
    Syntax {
        /// The ground-truth file.
        path: String,
        /// The line, from 1.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// The YAML parses but breaks a rule of the format.
    #[error("{path}:{line}: {field}: {message}")]
    Invalid {
        /// The ground-truth file.
        path: String,
        /// The line, from 1.
        line: usize,
        /// The field that breaks the rule.
        field: String,
        /// The rule, and how to satisfy it.
        message: String,
    },
}

/// One ground truth: groups of entities, which of them are root causes, and how they relate.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct GroundTruth {
    /// Entity groups; a group denotes one Kubernetes entity by kind, namespace and pattern.
    pub groups: Vec<Group>,
    /// Classes of group ids that denote the same thing (a service's Pod and Service).
    #[serde(default)]
    pub aliases: Vec<Vec<String>>,
    /// Fault propagation edges between group ids.
    #[serde(default)]
    pub propagations: Vec<Propagation>,
    /// The injected faults.
    #[serde(default)]
    pub fault: Vec<Fault>,
    /// The alerts the fault fires.
    #[serde(default)]
    pub alerts: Vec<AlertRef>,
    /// Defects found in a file that still parses (real files repeat group ids and refer to
    /// ids they never define); `file:line: field: message`.
    #[serde(skip)]
    pub warnings: Vec<String>,
}

/// One entity group.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Group {
    /// Synthetic id, not a Kubernetes name.
    pub id: String,
    /// Kubernetes kind (`Pod`, `Service`, `NetworkChaos`, ...).
    pub kind: String,
    /// Namespace; absent or null when any namespace matches.
    #[serde(default)]
    pub namespace: Option<String>,
    /// Regexes (or globs when not a valid regex) a name must fully match.
    #[serde(default)]
    pub filter: Vec<String>,
    /// Exact name, used when there is no filter.
    #[serde(default)]
    pub name: Option<String>,
    /// Whether this group is a root cause.
    #[serde(default)]
    pub root_cause: bool,
}

/// A propagation edge.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Propagation {
    /// Source group id.
    pub source: String,
    /// Target group id.
    pub target: String,
    /// What holds at the source.
    #[serde(default)]
    pub condition: String,
    /// What the target shows.
    #[serde(default)]
    pub effect: String,
}

/// An injected fault.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Fault {
    /// ITBench category (`Change`, `Resource`, ...).
    #[serde(default)]
    pub category: String,
    /// Free text.
    #[serde(default)]
    pub condition: String,
    /// How it was injected (`custom`, `chaos-mesh`, ...).
    #[serde(default)]
    pub fault_mechanism: String,
    /// The faulted entity.
    pub entity: FaultEntity,
    /// What was changed, when the fault is a configuration change.
    #[serde(default)]
    pub changed: Option<serde_json::Value>,
}

/// The entity a fault was injected into.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FaultEntity {
    /// Group id of the entity (some files give only kind and name).
    #[serde(default)]
    pub group_id: Option<String>,
    /// Kind.
    #[serde(default)]
    pub kind: String,
    /// Name as written in the file.
    #[serde(default)]
    pub name: String,
}

/// An alert the ground truth expects to fire.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AlertRef {
    /// `labels.alertname` of the alert.
    pub id: String,
    /// Group the alert fires on.
    #[serde(default)]
    pub group_id: Option<String>,
    /// Description and other metadata.
    #[serde(default)]
    pub metadata: serde_json::Value,
}

impl GroundTruth {
    /// Reads and validates a ground-truth file.
    pub fn load(path: &Path) -> Result<Self, GroundTruthError> {
        let text = std::fs::read_to_string(path).map_err(|source| GroundTruthError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Self::parse(&text, &path.display().to_string())
    }

    /// Parses ground-truth text; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Self, GroundTruthError> {
        let syntax = |e: serde_yaml_ng::Error| GroundTruthError::Syntax {
            path: origin.to_string(),
            line: e.location().map_or(0, |l| l.line()),
            message: e.to_string(),
        };
        let doc: serde_yaml_ng::Value = serde_yaml_ng::from_str(text).map_err(syntax)?;
        let wrapped = doc.get("spec").is_some() && doc.get("groups").is_none();
        let mut gt: GroundTruth = if wrapped {
            #[derive(Deserialize)]
            struct Wrapped {
                spec: GroundTruth,
            }
            serde_yaml_ng::from_str::<Wrapped>(text)
                .map_err(syntax)?
                .spec
        } else {
            serde_yaml_ng::from_str(text).map_err(syntax)?
        };
        gt.validate(text, origin)?;
        Ok(gt)
    }

    /// Checks the rules serde cannot. A group that names nothing is an error; repeated ids
    /// and dangling references are warnings, because the published files have them.
    fn validate(&mut self, text: &str, origin: &str) -> Result<(), GroundTruthError> {
        let at = |needle: &str| line_of(text, needle);
        let mut warnings = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (i, g) in self.groups.iter().enumerate() {
            if g.filter.is_empty() && g.name.is_none() {
                return Err(GroundTruthError::Invalid {
                    path: origin.to_string(),
                    line: at(&g.id),
                    field: format!("groups[{i}]"),
                    message: format!("group `{}` has neither `filter` nor `name`", g.id),
                });
            }
            if !seen.insert(g.id.as_str()) {
                warnings.push(format!(
                    "{origin}:{}: groups[{i}].id: `{}` is defined twice; the first definition wins for aliases",
                    at(&format!("id: {}", g.id)),
                    g.id
                ));
            }
        }
        let known = |id: &str| self.groups.iter().any(|g| g.id == id);
        for (i, class) in self.aliases.iter().enumerate() {
            for id in class.iter().filter(|id| !known(id)) {
                warnings.push(format!(
                    "{origin}:{}: aliases[{i}]: `{id}` is not a group id",
                    at(id)
                ));
            }
        }
        for (i, p) in self.propagations.iter().enumerate() {
            for id in [&p.source, &p.target].into_iter().filter(|id| !known(id)) {
                warnings.push(format!(
                    "{origin}:{}: propagations[{i}]: `{id}` is not a group id",
                    at(id)
                ));
            }
        }
        self.warnings = warnings;
        Ok(())
    }

    /// The root-cause groups, in file order.
    pub fn root_causes(&self) -> impl Iterator<Item = &Group> {
        self.groups.iter().filter(|g| g.root_cause)
    }

    /// The group with this id.
    pub fn group(&self, id: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.id == id)
    }
}

/// The 1-based line where `needle` first appears, or 0.
fn line_of(text: &str, needle: &str) -> usize {
    text.find(needle)
        .map_or(0, |at| text[..at].matches('\n').count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FLAT: &str = "groups:\n  - id: a\n    kind: Pod\n    namespace: ns\n    filter: ['a-.*']\n    root_cause: true\n  - id: b\n    kind: Service\n    name: b\naliases:\n  - [a, b]\n";

    #[test]
    fn flat_and_wrapped_parse_alike() {
        let flat = GroundTruth::parse(FLAT, "flat").expect("flat");
        let indented: String = FLAT.lines().map(|l| format!("  {l}\n")).collect();
        let wrapped = format!("apiVersion: itbench.io/v1\nkind: GroundTruth\nspec:\n{indented}");
        assert_eq!(GroundTruth::parse(&wrapped, "w").expect("wrapped"), flat);
        assert_eq!(flat.root_causes().count(), 1);
    }

    #[test]
    fn errors_name_file_line_and_field() {
        let e = GroundTruth::parse("groups:\n  - kind: Pod\n    name: x\n", "gt.yaml")
            .expect_err("missing id");
        let msg = e.to_string();
        assert!(msg.starts_with("gt.yaml:2:"), "{msg}");
        assert!(msg.contains("missing field `id`"), "{msg}");

        let bad = FLAT.replace("[a, b]", "[a, nope]");
        let gt = GroundTruth::parse(&bad, "gt.yaml").expect("dangling alias is a warning");
        assert_eq!(
            gt.warnings,
            ["gt.yaml:11: aliases[0]: `nope` is not a group id"]
        );

        let msg = GroundTruth::parse("groups:\n  - id: a\n    kind: Pod\n", "gt.yaml")
            .expect_err("no pattern")
            .to_string();
        assert_eq!(
            msg,
            "gt.yaml:2: groups[0]: group `a` has neither `filter` nor `name`"
        );

        let msg = GroundTruth::parse("groups: [\n", "gt.yaml")
            .expect_err("syntax")
            .to_string();
        assert!(msg.starts_with("gt.yaml:"), "{msg}");
    }
}
