//! The simulated cluster: the application's services from the topology, their pods with
//! Kubernetes-style generated names, nodes, and the seeded random source everything draws from.

use std::collections::BTreeMap;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The service call graphs of the two applications (`data/itbench/topology.json`).
pub static TOPOLOGY: &str = include_str!("../../../../data/itbench/topology.json");

/// Characters Kubernetes uses for generated name suffixes (no vowels, no ambiguous digits).
const SUFFIX_CHARS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// One service of the application.
#[derive(Debug, Clone)]
pub struct Service {
    /// Service (and Deployment) name.
    pub name: String,
    /// Its Deployment's name (BookInfo's are versioned: `reviews-v1`).
    pub deployment: String,
    /// Services it calls.
    pub calls: Vec<String>,
    /// Language, for log style.
    pub language: String,
    /// Its pod's name.
    pub pod: String,
    /// The ReplicaSet hash in the pod name.
    pub rs_hash: String,
    /// Node it runs on.
    pub node: String,
}

/// The simulated cluster.
#[derive(Debug)]
pub struct World {
    /// Application namespace (`otel-demo` or `book-info`).
    pub namespace: String,
    /// Services by name, sorted.
    pub services: BTreeMap<String, Service>,
    /// Worker node names.
    pub nodes: Vec<String>,
    /// The random source.
    pub rng: ChaCha8Rng,
}

impl World {
    /// Builds the world for an application (`otel-demo` or `book-info`) from a seed.
    pub fn new(app: &str, seed: u64) -> World {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let topo: serde_json::Value = serde_json::from_str(TOPOLOGY).unwrap_or_default();
        let nodes: Vec<String> = (0..4)
            .map(|_| {
                format!(
                    "ip-10-0-{}-{}.ec2.internal",
                    rng.random_range(1..255),
                    rng.random_range(1..255)
                )
            })
            .collect();
        let mut services = BTreeMap::new();
        if let Some(svcs) = topo
            .pointer(&format!("/{app}/services"))
            .and_then(|s| s.as_object())
        {
            for (name, s) in svcs {
                // BookInfo's workloads are versioned: reviews-v1, productpage-v1.
                let deploy = if app == "book-info" {
                    format!("{name}-v1")
                } else {
                    name.clone()
                };
                let rs_hash = suffix(&mut rng, 10);
                let pod = format!("{deploy}-{rs_hash}-{}", suffix(&mut rng, 5));
                let calls = s["calls"]
                    .as_array()
                    .map(|c| {
                        c.iter()
                            .filter_map(|x| x.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default();
                let node = nodes[rng.random_range(0..nodes.len())].clone();
                services.insert(
                    name.clone(),
                    Service {
                        name: name.clone(),
                        deployment: deploy,
                        calls,
                        language: s["language"].as_str().unwrap_or("").to_string(),
                        pod,
                        rs_hash,
                        node,
                    },
                );
            }
        }
        World {
            namespace: app.to_string(),
            services,
            nodes,
            rng,
        }
    }

    /// Who calls `svc`.
    pub fn callers(&self, svc: &str) -> Vec<String> {
        self.services
            .values()
            .filter(|s| s.calls.iter().any(|c| c == svc))
            .map(|s| s.name.clone())
            .collect()
    }

    /// A random service name.
    pub fn any_service(&mut self) -> String {
        let i = self.rng.random_range(0..self.services.len().max(1));
        self.services.keys().nth(i).cloned().unwrap_or_default()
    }

    /// The service that takes requests first: where traces start.
    pub fn entry_service(&self) -> &'static str {
        if self.namespace == "book-info" {
            "productpage"
        } else {
            "frontend"
        }
    }

    /// The Service the application's Ingress routes to.
    pub fn ingress_service(&self) -> &'static str {
        if self.namespace == "book-info" {
            "productpage"
        } else {
            "frontend-proxy"
        }
    }

    /// A random worker node.
    pub fn any_node(&mut self) -> String {
        let i = self.rng.random_range(0..self.nodes.len().max(1));
        self.nodes.get(i).cloned().unwrap_or_default()
    }

    /// A random lowercase hex id of `n` digits.
    pub fn hex(&mut self, n: usize) -> String {
        hex_suffix(&mut self.rng, n)
    }

    /// A random u32.
    pub fn rng_u32(&mut self) -> u32 {
        self.rng.random()
    }

    /// A uniform float in [0, 1).
    pub fn unit(&mut self) -> f64 {
        self.rng.random()
    }

    /// A Kubernetes-style random suffix of `n` characters.
    pub fn suffix(&mut self, n: usize) -> String {
        suffix(&mut self.rng, n)
    }
}

/// A Kubernetes-style generated suffix.
pub fn suffix(rng: &mut ChaCha8Rng, n: usize) -> String {
    (0..n)
        .map(|_| SUFFIX_CHARS[rng.random_range(0..SUFFIX_CHARS.len())] as char)
        .collect()
}

/// A random hex string.
pub fn hex_suffix(rng: &mut ChaCha8Rng, n: usize) -> String {
    (0..n)
        .map(|_| char::from_digit(rng.random_range(0..16), 16).unwrap_or('0'))
        .collect()
}
