//! The agent's diagnosis: ITBench's `agent_output.json` (SRE's entities, or FinOps'
//! resources), or a plain list of entity names.
//!
//! Parsing is by hand over `serde_json::Value` rather than derived, so that every error names
//! the exact field (`entities[2].name: expected a string`): the error goes back to a model,
//! which can fix one field but not guess at a serde message.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::domain::finops::{Resource, resource::parse_list};

/// A diagnosis in ITBench's `agent_output.json` shape: SRE's (`entities`, `propagations`,
/// `alerts_explained`) or, when `resource` is set, FinOps' (`{"resource": [...]}`, written
/// alone).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Answer {
    /// Entities considered; those with `contributing_factor` are the prediction, in order.
    #[serde(default)]
    pub entities: Vec<Entity>,
    /// Propagation edges between entity names.
    #[serde(default)]
    pub propagations: Vec<Value>,
    /// Which alerts the diagnosis explains.
    #[serde(default)]
    pub alerts_explained: Vec<Value>,
    /// A FinOps answer's resources (`None` for an SRE answer).
    #[serde(default)]
    pub resource: Option<Vec<Resource>>,
}

impl Serialize for Answer {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        // Each domain's answer in its own ITBench shape, field for field.
        if let Some(resource) = &self.resource {
            let mut m = s.serialize_map(Some(1))?;
            m.serialize_entry("resource", resource)?;
            return m.end();
        }
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("entities", &self.entities)?;
        m.serialize_entry("propagations", &self.propagations)?;
        m.serialize_entry("alerts_explained", &self.alerts_explained)?;
        m.end()
    }
}

/// One entity of a diagnosis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entity {
    /// `namespace/Kind/name`.
    pub name: String,
    /// Whether the agent names it a root cause.
    pub contributing_factor: bool,
    /// Why.
    #[serde(default)]
    pub reasoning: String,
    /// What in the data shows it.
    #[serde(default)]
    pub evidence: String,
}

/// An answer that does not have the expected shape.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct AnswerError {
    /// Path of the offending field (`entities[2].name`).
    pub field: String,
    /// What is wrong and what is expected.
    pub message: String,
}

fn err(field: impl Into<String>, message: impl Into<String>) -> AnswerError {
    AnswerError {
        field: field.into(),
        message: message.into(),
    }
}

impl Answer {
    /// Parses JSON text.
    pub fn parse(text: &str) -> Result<Self, AnswerError> {
        let v: Value = serde_json::from_str(text)
            .map_err(|e| err("(answer)", format!("not valid JSON: {e}")))?;
        Self::from_value(&v)
    }

    /// Reads an answer from JSON: an object with `entities`, FinOps' object with `resource`,
    /// or a list of names.
    pub fn from_value(v: &Value) -> Result<Self, AnswerError> {
        match v {
            Value::Object(o) if o.contains_key("resource") && !o.contains_key("entities") => {
                Ok(Answer {
                    resource: Some(parse_list(o.get("resource"), "resource")?),
                    ..Answer::default()
                })
            }
            Value::Array(items) => Ok(Answer {
                entities: entities(items, "")?,
                ..Answer::default()
            }),
            Value::Object(o) => {
                let items = match o.get("entities") {
                    Some(Value::Array(items)) => items,
                    Some(_) => return Err(err("entities", "expected a list")),
                    None => {
                        return Err(err(
                            "entities",
                            "missing; expected {\"entities\":[{\"name\":\"ns/Kind/name\",\"contributing_factor\":true,...}]}",
                        ));
                    }
                };
                Ok(Answer {
                    entities: entities(items, "entities")?,
                    propagations: list(o.get("propagations"), "propagations")?,
                    alerts_explained: list(o.get("alerts_explained"), "alerts_explained")?,
                    resource: None,
                })
            }
            _ => Err(err(
                "(answer)",
                "expected an object with `entities` or a list of `namespace/Kind/name` strings",
            )),
        }
    }

    /// The predicted root causes, in order.
    pub fn predicted(&self) -> impl Iterator<Item = &str> {
        self.entities
            .iter()
            .filter(|e| e.contributing_factor)
            .map(|e| e.name.as_str())
    }
}

fn list(v: Option<&Value>, field: &str) -> Result<Vec<Value>, AnswerError> {
    match v {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(a)) => Ok(a.clone()),
        Some(_) => Err(err(field, "expected a list")),
    }
}

fn entities(items: &[Value], prefix: &str) -> Result<Vec<Entity>, AnswerError> {
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let at = |f: &str| {
                let base = if prefix.is_empty() {
                    format!("[{i}]")
                } else {
                    format!("{prefix}[{i}]")
                };
                if f.is_empty() {
                    base
                } else {
                    format!("{base}.{f}")
                }
            };
            let text = |o: &serde_json::Map<String, Value>, f: &str| match o.get(f) {
                None | Some(Value::Null) => Ok(String::new()),
                Some(Value::String(s)) => Ok(s.clone()),
                Some(_) => Err(err(at(f), "expected a string")),
            };
            match item {
                Value::String(name) => Ok(Entity {
                    name: name.clone(),
                    contributing_factor: true,
                    reasoning: String::new(),
                    evidence: String::new(),
                }),
                Value::Object(o) => {
                    let name = match o.get("name") {
                        Some(Value::String(s)) if !s.trim().is_empty() => s.clone(),
                        Some(Value::String(_)) => return Err(err(at("name"), "is empty")),
                        Some(_) => return Err(err(at("name"), "expected a string")),
                        None => return Err(err(at("name"), "missing")),
                    };
                    let contributing_factor = match o.get("contributing_factor") {
                        None | Some(Value::Null) => true,
                        Some(Value::Bool(b)) => *b,
                        Some(_) => {
                            return Err(err(at("contributing_factor"), "expected true or false"));
                        }
                    };
                    Ok(Entity {
                        name,
                        contributing_factor,
                        reasoning: text(o, "reasoning")?,
                        evidence: text(o, "evidence")?,
                    })
                }
                _ => Err(err(
                    at(""),
                    "expected an entity object or a `namespace/Kind/name` string",
                )),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_shapes_parse() {
        let a = Answer::parse(
            r#"{"entities":[{"name":"ns/Pod/a","contributing_factor":true},{"name":"ns/Pod/b","contributing_factor":false}],"propagations":[]}"#,
        )
        .expect("object");
        assert_eq!(a.predicted().collect::<Vec<_>>(), ["ns/Pod/a"]);
        let b = Answer::parse(r#"["ns/Pod/a","ns/Service/b"]"#).expect("list");
        assert_eq!(b.predicted().count(), 2);
        let text = r#"{"resource":[{"name":"billing","type":"Application"}]}"#;
        let f = Answer::parse(text).expect("finops");
        assert_eq!(serde_json::to_string(&f).expect("json"), text);
        assert_eq!(
            serde_json::to_string(&a).expect("json"),
            r#"{"entities":[{"name":"ns/Pod/a","contributing_factor":true,"reasoning":"","evidence":""},{"name":"ns/Pod/b","contributing_factor":false,"reasoning":"","evidence":""}],"propagations":[],"alerts_explained":[]}"#
        );
        assert_eq!(
            Answer::parse(r#"{"resource":[{"name":"a"}]}"#)
                .expect_err("type")
                .to_string(),
            "resource[0].type: missing"
        );
    }

    #[test]
    fn errors_name_the_field() {
        let cases = [
            (
                r#"{"entities":[{"name":"a"},{"name":3}]}"#,
                "entities[1].name: expected a string",
            ),
            (
                r#"{"entities":[{"reasoning":"x"}]}"#,
                "entities[0].name: missing",
            ),
            (
                r#"{"entities":[{"name":"a","contributing_factor":"yes"}]}"#,
                "entities[0].contributing_factor: expected true or false",
            ),
            (r#"{"entities":{}}"#, "entities: expected a list"),
            (
                r#"[1]"#,
                "[0]: expected an entity object or a `namespace/Kind/name` string",
            ),
            (
                r#"{"entities":[], "propagations": 3}"#,
                "propagations: expected a list",
            ),
        ];
        for (text, want) in cases {
            assert_eq!(Answer::parse(text).expect_err(text).to_string(), want);
        }
        assert!(
            Answer::parse("{")
                .expect_err("json")
                .to_string()
                .starts_with("(answer): not valid JSON")
        );
    }
}
