//! Deterministic matching of submitted entity names to ground-truth groups.
//!
//! A name matches a group when (1) the namespace agrees (a group without one takes any),
//! (2) the kind is the group's kind, or both are workload kinds (Pod, ReplicaSet, Deployment,
//! StatefulSet, DaemonSet, Service), or both are Chaos Mesh kinds, and (3) the name fully
//! matches one of the group's `filter` regexes (a glob when the text is not a valid regex) or
//! its `name`; a bare workload name (`checkout`) also satisfies a filter ending in `-.*`
//! (`checkout-.*`). Groups joined by `aliases` form one class: matching any member claims the
//! class, and a class is a root cause when any member is. Names in infrastructure namespaces
//! are dropped before matching.

use regex::Regex;
use serde::Serialize;

use super::names::{CHAOS_KINDS, EntityName, WORKLOAD_KINDS, kind_in, same_kind};
use crate::snapshot::groundtruth::{GroundTruth, Group};

/// Namespaces whose entities are never a scenario's root cause (ITBench-Evaluations drops them).
pub const INFRA_NAMESPACES: &[&str] = &[
    "kube-system",
    "data-recorders",
    "clickhouse",
    "clickhouse-operator",
    "prometheus",
    "opentelemetry-operator",
    "opentelemetry-collectors",
    "metrics-server",
    "opensearch",
];

/// One of a group's patterns.
#[derive(Debug)]
enum Pattern {
    Regex(String, Regex),
    Glob(String, glob::Pattern),
    Exact(String),
}

impl Pattern {
    fn new(text: &str) -> Self {
        match Regex::new(&format!("^(?:{text})$")) {
            Ok(re) => Pattern::Regex(text.to_string(), re),
            Err(_) => match glob::Pattern::new(text) {
                Ok(g) => Pattern::Glob(text.to_string(), g),
                Err(_) => Pattern::Exact(text.to_string()),
            },
        }
    }

    /// How `name` satisfies this pattern, if it does.
    fn satisfied_by(&self, name: &str) -> Option<String> {
        match self {
            Pattern::Regex(text, re) => {
                if re.is_match(name) {
                    return Some(format!("fully matches regex `{text}`"));
                }
                let bare = text.strip_suffix("-.*")?;
                let re = Regex::new(&format!("^(?:{bare})$")).ok()?;
                re.is_match(name)
                    .then(|| format!("is the bare workload name of filter `{text}`"))
            }
            Pattern::Glob(text, g) => g
                .matches(name)
                .then(|| format!("matches glob `{text}` (not a valid regex)")),
            Pattern::Exact(text) => (text == name).then(|| format!("equals `{text}`")),
        }
    }
}

/// The outcome for one submitted name.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MatchDecision {
    /// The name as submitted.
    pub submitted: String,
    /// The normalised name, when it parses.
    pub normalized: Option<String>,
    /// The group it matched.
    pub group: Option<String>,
    /// The root-cause group of the matched class, when the class is a root cause.
    pub root_cause: Option<String>,
    /// Whether the name was dropped (infrastructure namespace).
    pub dropped: bool,
    /// Why it matched, or why not.
    pub explanation: String,
}

/// A ground truth prepared for matching.
#[derive(Debug)]
pub struct Matcher {
    groups: Vec<Group>,
    patterns: Vec<Vec<Pattern>>,
    /// Alias class index of each group.
    class: Vec<usize>,
    /// For each class, its first root-cause group, if any.
    class_cause: Vec<Option<usize>>,
}

impl Matcher {
    /// Prepares a ground truth.
    pub fn new(gt: &GroundTruth) -> Self {
        let groups = gt.groups.clone();
        let patterns = groups
            .iter()
            .map(|g| match &g.name {
                Some(n) if g.filter.is_empty() => vec![Pattern::Exact(n.clone())],
                _ => g.filter.iter().map(|f| Pattern::new(f)).collect(),
            })
            .collect();
        // Union-find over alias lists; classes numbered by their first group.
        let mut parent: Vec<usize> = (0..groups.len()).collect();
        fn find(p: &mut [usize], i: usize) -> usize {
            let mut r = i;
            while p[r] != r {
                r = p[r];
            }
            p[i] = r;
            r
        }
        let index = |id: &str| groups.iter().position(|g| g.id == id);
        for alias in &gt.aliases {
            let ids: Vec<usize> = alias.iter().filter_map(|id| index(id)).collect();
            for w in ids.windows(2) {
                let (a, b) = (find(&mut parent, w[0]), find(&mut parent, w[1]));
                parent[a.max(b)] = a.min(b);
            }
        }
        let class: Vec<usize> = (0..groups.len()).map(|i| find(&mut parent, i)).collect();
        let class_cause = (0..groups.len())
            .map(|c| (0..groups.len()).find(|&i| class[i] == c && groups[i].root_cause))
            .collect();
        Matcher {
            groups,
            patterns,
            class,
            class_cause,
        }
    }

    /// Root-cause classes, each named by its first root-cause group id.
    pub fn cause_classes(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for c in 0..self.groups.len() {
            if let Some(i) = self.class_cause[c].filter(|_| self.class[c] == c) {
                out.push(self.groups[i].id.clone());
            }
        }
        out
    }

    /// Why `name` does or does not satisfy group `i`.
    fn check(&self, i: usize, name: &EntityName) -> Result<String, String> {
        let g = &self.groups[i];
        if let Some(ns) = &g.namespace {
            match &name.namespace {
                Some(n) if n == ns => {}
                Some(n) => return Err(format!("namespace `{n}` is not `{ns}`")),
                None => return Err(format!("no namespace given; the group is in `{ns}`")),
            }
        }
        let kind_ok = same_kind(&g.kind, &name.kind)
            || (kind_in(&g.kind, WORKLOAD_KINDS) && kind_in(&name.kind, WORKLOAD_KINDS))
            || (kind_in(&g.kind, CHAOS_KINDS) && kind_in(&name.kind, CHAOS_KINDS));
        if !kind_ok {
            return Err(format!(
                "kind {} is not {} nor equivalent",
                name.kind, g.kind
            ));
        }
        let how = self.patterns[i]
            .iter()
            .find_map(|p| p.satisfied_by(&name.name))
            .ok_or_else(|| {
                let pats: Vec<String> = self.patterns[i]
                    .iter()
                    .map(|p| match p {
                        Pattern::Regex(t, _) | Pattern::Glob(t, _) | Pattern::Exact(t) => {
                            format!("`{t}`")
                        }
                    })
                    .collect();
                format!("name `{}` matches none of {}", name.name, pats.join(", "))
            })?;
        let kind_note = if same_kind(&g.kind, &name.kind) {
            String::new()
        } else {
            format!(", kind {} equivalent to {}", name.kind, g.kind)
        };
        Ok(format!("name {how}{kind_note}"))
    }

    /// Matches one submitted name on its own.
    pub fn decide(&self, submitted: &str) -> MatchDecision {
        self.decide_all(&[submitted]).remove(0)
    }

    /// Matches a prediction list in order. A name is tried against root-cause classes first,
    /// then the rest, each in file order; when it fits several root-cause classes (scenario 38
    /// has two groups with the same pattern) it claims the first one no earlier name claimed.
    pub fn decide_all(&self, submitted: &[&str]) -> Vec<MatchDecision> {
        let mut claimed: Vec<usize> = Vec::new();
        submitted
            .iter()
            .map(|s| {
                let d = self.decide_one(s, &claimed);
                if let Some(c) = d.root_cause.as_ref().and_then(|id| self.index(id)) {
                    claimed.push(self.class[c]);
                }
                d
            })
            .collect()
    }

    fn index(&self, id: &str) -> Option<usize> {
        self.groups.iter().position(|g| g.id == id)
    }

    fn decide_one(&self, submitted: &str, claimed: &[usize]) -> MatchDecision {
        let mut d = MatchDecision {
            submitted: submitted.to_string(),
            normalized: None,
            group: None,
            root_cause: None,
            dropped: false,
            explanation: String::new(),
        };
        let name = match EntityName::parse(submitted) {
            Ok(n) => n,
            Err(e) => {
                // Still submitted: a malformed name is a wrong answer, not a free one.
                d.explanation = e.to_string();
                return d;
            }
        };
        d.normalized = Some(name.to_string());
        if let Some(ns) = name
            .namespace
            .as_deref()
            .filter(|ns| INFRA_NAMESPACES.contains(ns))
        {
            d.dropped = true;
            d.explanation = format!("dropped: `{ns}` is an infrastructure namespace");
            return d;
        }
        let is_cause = |i: usize| self.class_cause[self.class[i]].is_some();
        let n = self.groups.len();
        let fresh = (0..n).filter(|&i| is_cause(i) && !claimed.contains(&self.class[i]));
        let again = (0..n).filter(|&i| is_cause(i) && claimed.contains(&self.class[i]));
        let rest = (0..n).filter(|&i| !is_cause(i));
        let mut nearest = None;
        for i in fresh.chain(again).chain(rest) {
            match self.check(i, &name) {
                Ok(how) => {
                    let g = &self.groups[i];
                    d.group = Some(g.id.clone());
                    let cause = self.class_cause[self.class[i]];
                    d.root_cause = cause.map(|c| self.groups[c].id.clone());
                    d.explanation = match cause {
                        Some(c) if c == i => format!("root cause `{}`: {how}", g.id),
                        Some(c) => format!(
                            "group `{}` ({how}), an alias of root cause `{}`",
                            g.id, self.groups[c].id
                        ),
                        None => format!("group `{}` ({how}), which is not a root cause", g.id),
                    };
                    return d;
                }
                Err(why) => {
                    if nearest.is_none() && self.groups[i].root_cause {
                        nearest = Some(format!("root cause `{}`: {why}", self.groups[i].id));
                    }
                }
            }
        }
        d.explanation = format!(
            "matches no group{}",
            nearest
                .map(|n| format!("; nearest {n}"))
                .unwrap_or_default()
        );
        d
    }
}
