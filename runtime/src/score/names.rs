//! Entity names as agents write them, normalised to `namespace/Kind/name`.
//!
//! Agents write `otel-demo/Deployment/checkout`, but also `otel-demo/deployments/checkout`,
//! ` otel-demo / deployment / checkout `, `/Namespace/otel-demo` and `Deployment/checkout`.
//! The rules, each tested below:
//! - whitespace around each part is dropped;
//! - a kind is matched case-insensitively against the known kinds, their plurals and kubectl
//!   short names (`deploy`, `svc`, `po`, `cm`, `netpol`, ...) and written canonically; an unknown
//!   kind is kept as written and compared case-insensitively;
//! - a leading `/` or a two-part `Kind/name` means no namespace; a `Namespace` entity's namespace
//!   is its own name (`/Namespace/otel-demo` = `otel-demo/Namespace/otel-demo`).

use std::fmt;

/// A normalised entity name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityName {
    /// Namespace, if the name carries one.
    pub namespace: Option<String>,
    /// Canonical kind.
    pub kind: String,
    /// Object name.
    pub name: String,
}

/// Kubernetes and Chaos Mesh kinds with their extra spellings (plurals and short names are
/// derived or listed).
const KINDS: &[(&str, &[&str])] = &[
    ("Pod", &["po"]),
    ("Deployment", &["deploy"]),
    ("ReplicaSet", &["rs"]),
    ("StatefulSet", &["sts"]),
    ("DaemonSet", &["ds"]),
    ("Service", &["svc"]),
    ("ConfigMap", &["cm"]),
    ("Secret", &[]),
    ("NetworkPolicy", &["netpol", "networkpolicies"]),
    ("ResourceQuota", &["quota"]),
    ("HorizontalPodAutoscaler", &["hpa"]),
    ("PodDisruptionBudget", &["pdb"]),
    ("PersistentVolumeClaim", &["pvc"]),
    ("Namespace", &["ns"]),
    ("Node", &["no"]),
    ("Job", &[]),
    ("CronJob", &["cj"]),
    ("Ingress", &["ing", "ingresses"]),
    ("ServiceAccount", &["sa"]),
    ("Endpoints", &["ep"]),
    ("Schedule", &[]),
    ("NetworkChaos", &[]),
    ("StressChaos", &[]),
    ("JVMChaos", &[]),
    ("HTTPChaos", &[]),
    ("PodChaos", &[]),
    ("IOChaos", &[]),
    ("DNSChaos", &[]),
    ("TimeChaos", &[]),
    ("Gateway", &[]),
    ("AuthorizationPolicy", &["authorizationpolicies"]),
    ("PeerAuthentication", &[]),
    ("VirtualService", &[]),
    ("DestinationRule", &[]),
];

/// Workload kinds that denote the same workload when the name satisfies the group's pattern.
pub const WORKLOAD_KINDS: &[&str] = &[
    "Pod",
    "ReplicaSet",
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "Service",
];

/// Chaos Mesh kinds: a `Schedule` spawns an experiment of one of the others named after it, so
/// the ground truth writes either for the same fault.
pub const CHAOS_KINDS: &[&str] = &[
    "Schedule",
    "NetworkChaos",
    "StressChaos",
    "JVMChaos",
    "HTTPChaos",
    "PodChaos",
    "IOChaos",
    "DNSChaos",
    "TimeChaos",
];

/// The canonical spelling of a kind, or the input trimmed when unknown.
pub fn canonical_kind(kind: &str) -> String {
    let k = kind.trim();
    let lower = k.to_ascii_lowercase();
    for (canon, extra) in KINDS {
        let c = canon.to_ascii_lowercase();
        if lower == c
            || lower == format!("{c}s")
            || lower == format!("{c}es")
            || extra.contains(&lower.as_str())
        {
            return (*canon).to_string();
        }
    }
    k.to_string()
}

/// Whether two kinds are the same kind, ignoring case.
pub fn same_kind(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// Whether `kind` is in `set`, ignoring case.
pub fn kind_in(kind: &str, set: &[&str]) -> bool {
    set.iter().any(|k| same_kind(k, kind))
}

/// A submitted name that is not `namespace/Kind/name`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not `namespace/Kind/name` (e.g. `otel-demo/Deployment/checkout`)")]
pub struct NameError(pub String);

impl EntityName {
    /// Parses and normalises a submitted name.
    pub fn parse(raw: &str) -> Result<Self, NameError> {
        let parts: Vec<&str> = raw.trim().split('/').map(str::trim).collect();
        let (namespace, kind, name) = match parts.as_slice() {
            [ns, kind, name] => (Some(*ns).filter(|n| !n.is_empty()), *kind, *name),
            [kind, name] => (None, *kind, *name),
            _ => return Err(NameError(raw.to_string())),
        };
        if kind.is_empty() || name.is_empty() {
            return Err(NameError(raw.to_string()));
        }
        let kind = canonical_kind(kind);
        let namespace = match namespace {
            None if kind == "Namespace" => Some(name.to_string()),
            other => other.map(str::to_string),
        };
        Ok(EntityName {
            namespace,
            kind,
            name: name.to_string(),
        })
    }
}

impl fmt::Display for EntityName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ns = self.namespace.as_deref().unwrap_or("");
        write!(f, "{ns}/{}/{}", self.kind, self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> String {
        EntityName::parse(s).expect(s).to_string()
    }

    #[test]
    fn normalisation_rules() {
        assert_eq!(
            n("otel-demo/Deployment/checkout"),
            "otel-demo/Deployment/checkout"
        );
        assert_eq!(
            n(" otel-demo / deployments / checkout "),
            "otel-demo/Deployment/checkout"
        );
        assert_eq!(
            n("otel-demo/deploy/checkout"),
            "otel-demo/Deployment/checkout"
        );
        assert_eq!(
            n("otel-demo/networkpolicies/x"),
            "otel-demo/NetworkPolicy/x"
        );
        assert_eq!(n("otel-demo/svc/ad"), "otel-demo/Service/ad");
        assert_eq!(n("chaos-mesh/jvmchaos/x"), "chaos-mesh/JVMChaos/x");
        assert_eq!(n("/Namespace/otel-demo"), "otel-demo/Namespace/otel-demo");
        assert_eq!(n("Deployment/checkout"), "/Deployment/checkout");
        assert_eq!(n("ns/FooBar/x"), "ns/FooBar/x");
        for bad in ["checkout", "a/b/c/d", "ns//x", "ns/Pod/", ""] {
            assert!(EntityName::parse(bad).is_err(), "{bad}");
        }
    }
}
