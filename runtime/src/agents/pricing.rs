//! Token prices per model, from a JSON file: `{"model": {"input_per_mtok": 2.5,
//! "output_per_mtok": 10.0}}` (US dollars per million tokens). A model matches the longest key
//! it starts with, so `gpt-4o-2024-08-06` takes `gpt-4o`'s price.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

/// One model's price.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq)]
pub struct Price {
    /// Dollars per million input tokens.
    pub input_per_mtok: f64,
    /// Dollars per million output tokens (reasoning included).
    pub output_per_mtok: f64,
}

/// The price table.
#[derive(Debug, Clone, Default)]
pub struct Prices(BTreeMap<String, Price>);

/// The table shipped in `data/prices.json`.
pub static BUILT_IN: &str = include_str!("../../../data/prices.json");

impl Prices {
    /// Parses a table.
    pub fn parse(text: &str, origin: &str) -> Result<Prices, String> {
        let v: BTreeMap<String, serde_json::Value> =
            serde_json::from_str(text).map_err(|e| format!("{origin}: not a price table: {e}"))?;
        let mut out = BTreeMap::new();
        for (k, p) in v.into_iter().filter(|(k, _)| !k.starts_with('_')) {
            let price: Price =
                serde_json::from_value(p).map_err(|e| format!("{origin}: `{k}`: {e}"))?;
            out.insert(k, price);
        }
        Ok(Prices(out))
    }

    /// Reads a table file, or the built-in one.
    pub fn load(path: Option<&Path>) -> Result<Prices, String> {
        match path {
            Some(p) => Prices::parse(
                &std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))?,
                &p.display().to_string(),
            ),
            None => Prices::parse(BUILT_IN, "data/prices.json"),
        }
    }

    /// The price of a model, if known.
    pub fn get(&self, model: &str) -> Option<Price> {
        self.0
            .iter()
            .filter(|(k, _)| model.starts_with(k.as_str()))
            .max_by_key(|(k, _)| k.len())
            .map(|(_, p)| *p)
    }

    /// The cost of one call.
    pub fn cost(&self, model: &str, input: u64, output: u64) -> f64 {
        self.get(model).map_or(0.0, |p| {
            (input as f64 * p.input_per_mtok + output as f64 * p.output_per_mtok) / 1e6
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longest_prefix_wins_and_cost_is_per_million() {
        let p = Prices::parse(r#"{"_note":"x","gpt-4o":{"input_per_mtok":2.5,"output_per_mtok":10},"gpt-4o-mini":{"input_per_mtok":0.15,"output_per_mtok":0.6}}"#, "t").expect("parse");
        assert_eq!(
            p.get("gpt-4o-mini-2024-07-18").map(|p| p.input_per_mtok),
            Some(0.15)
        );
        assert!((p.cost("gpt-4o-2024-08-06", 1_000_000, 100_000) - 3.5).abs() < 1e-12);
        assert_eq!(p.cost("unknown", 10, 10), 0.0);
        assert!(Prices::load(None).is_ok());
        assert!(
            Prices::parse(r#"{"m":{"input_per_mtok":"x"}}"#, "t")
                .unwrap_err()
                .contains("`m`")
        );
    }
}
