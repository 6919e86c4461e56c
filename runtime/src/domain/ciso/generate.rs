//! CISO scenarios from a seed, in ITBench-Lite's layout: the compliant cluster of
//! [`super::world`] with one control's violations injected (one to three, at places the seed
//! picks), the same cluster with them fixed as `static-resources-compliant/`, `problem.md`,
//! and the reference `ground-truth/{fetch.sh,policy.rego}`. Same control and seed, same bytes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};

use super::controls::{CONTROLS, Control, FETCH_SH};
use super::scenario::{Files, ScenarioError, write_tree};
use super::world::{self, World, binding, pod};

/// One generated scenario: its violating and compliant objects.
struct Pair {
    violating: Vec<Value>,
    compliant: Vec<Value>,
}

impl Pair {
    /// Adds `v` to the violating set and `c` to the compliant one.
    fn add(&mut self, v: Value, c: Value) {
        self.violating.push(v);
        self.compliant.push(c);
    }

    /// Indexes of the application Pods (the same in both sets: they start equal).
    fn app_pods(&self, w: &World) -> Vec<usize> {
        self.violating
            .iter()
            .enumerate()
            .filter(|(_, o)| {
                o["kind"] == "Pod"
                    && o["metadata"]["namespace"]
                        .as_str()
                        .is_some_and(|ns| w.apps.iter().any(|a| a == ns))
            })
            .map(|(i, _)| i)
            .collect()
    }
}

/// Picks `k` distinct items of `from` (fewer when it has fewer).
fn pick(rng: &mut ChaCha8Rng, from: &[usize], k: usize) -> Vec<usize> {
    let mut left = from.to_vec();
    let mut out = Vec::new();
    while out.len() < k && !left.is_empty() {
        out.push(left.remove(rng.random_range(0..left.len())));
    }
    out.sort_unstable();
    out
}

/// Injects `control`'s violations; the compliant set gets each fixed.
fn inject(control: &Control, rng: &mut ChaCha8Rng, w: &World, p: &mut Pair) {
    let k = rng.random_range(1..=3);
    let app = |rng: &mut ChaCha8Rng| w.apps[rng.random_range(0..w.apps.len())].clone();
    match control.id {
        "5.1.1" => {
            for i in 0..k {
                let ns = app(rng);
                let subject = match rng.random_range(0..3) {
                    0 => {
                        json!({"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": format!("dev{}@example.com", rng.random_range(1..50))})
                    }
                    1 => {
                        json!({"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "platform-oncall"})
                    }
                    _ => json!({"kind": "ServiceAccount", "name": ns, "namespace": ns}),
                };
                let (kind, bns, fixed) = if rng.random_bool(0.7) {
                    ("ClusterRoleBinding", None, "view")
                } else {
                    ("RoleBinding", Some(ns.as_str()), "edit")
                };
                let name = format!("{ns}-admin-{i}");
                p.add(
                    binding(
                        kind,
                        &name,
                        bns,
                        "ClusterRole",
                        "cluster-admin",
                        json!([subject.clone()]),
                    ),
                    binding(kind, &name, bns, "ClusterRole", fixed, json!([subject])),
                );
            }
        }
        "5.1.3" => {
            for i in 0..k {
                let ns = app(rng);
                let field = ["apiGroups", "resources", "verbs"][rng.random_range(0..3)];
                let mut rule = json!({"apiGroups": ["apps"], "resources": ["deployments", "replicasets"], "verbs": ["get", "list", "watch", "update"]});
                let fixed = rule.clone();
                rule[field] = json!(["*"]);
                let (kind, name, ns) = if rng.random_bool(0.5) {
                    ("Role", format!("{ns}-operator-{i}"), Some(ns.as_str()))
                } else {
                    ("ClusterRole", format!("{ns}-controller-{i}"), None)
                };
                let mut v = json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": kind, "metadata": {"name": name}});
                if let Some(ns) = ns {
                    v["metadata"]["namespace"] = json!(ns);
                }
                let mut c = v.clone();
                v["rules"] = json!([rule]);
                c["rules"] = json!([fixed]);
                p.add(v, c);
            }
        }
        "5.1.6" => {
            for i in pick(rng, &p.app_pods(w), k) {
                if rng.random_bool(0.5) {
                    p.violating[i]["spec"]["automountServiceAccountToken"] = json!(true);
                    p.compliant[i]["spec"]["automountServiceAccountToken"] = json!(false);
                } else {
                    // The Pod leaves the field to a ServiceAccount that does not set it.
                    let ns = p.violating[i]["metadata"]["namespace"]
                        .as_str()
                        .unwrap_or("default")
                        .to_string();
                    let sa_name = format!("{ns}-legacy-{i}");
                    for set in [&mut p.violating, &mut p.compliant] {
                        if let Some(spec) = set[i]["spec"].as_object_mut() {
                            spec.remove("automountServiceAccountToken");
                            spec.insert("serviceAccountName".into(), json!(sa_name));
                        }
                    }
                    let sa = json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": sa_name, "namespace": ns}});
                    let mut fixed = sa.clone();
                    fixed["automountServiceAccountToken"] = json!(false);
                    p.add(sa, fixed);
                }
            }
        }
        "5.2.2" => {
            for i in pick(rng, &p.app_pods(w), k) {
                if rng.random_bool(0.5) {
                    p.violating[i]["spec"]["containers"][0]["securityContext"]["privileged"] =
                        json!(true);
                } else {
                    let init = |privileged: bool| json!([{"name": "init-perms", "image": "registry.example.com/busybox:1.36", "command": ["sh", "-c", "chown -R 1000 /data"], "securityContext": {"privileged": privileged}}]);
                    p.violating[i]["spec"]["initContainers"] = init(true);
                    p.compliant[i]["spec"]["initContainers"] = init(false);
                }
            }
        }
        "5.2.3" | "5.2.5" => {
            let field = if control.id == "5.2.3" {
                "hostPID"
            } else {
                "hostNetwork"
            };
            for i in pick(rng, &p.app_pods(w), k) {
                p.violating[i]["spec"][field] = json!(true);
            }
        }
        "5.7.4" => {
            for i in 0..k {
                let a = app(rng);
                let mut v = match rng.random_range(0..3) {
                    0 => pod(rng, "default", &format!("{a}-debug"), "default"),
                    1 => {
                        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": format!("{a}-settings-{i}"), "namespace": "default"}, "data": {"LOG_LEVEL": "debug"}})
                    }
                    _ => {
                        json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": format!("{a}-legacy-{i}"), "namespace": "default"}, "spec": {"selector": {"app": a}, "ports": [{"port": 80}]}})
                    }
                };
                let mut c = v.clone();
                c["metadata"]["namespace"] = json!(a);
                // Some are applied without a namespace, which puts them in `default` too.
                if rng.random_bool(0.3)
                    && let Some(m) = v["metadata"].as_object_mut()
                {
                    m.remove("namespace");
                }
                p.add(v, c);
            }
        }
        _ => {}
    }
}

/// The file an object's kind is listed in, as `kubectl get <kind> -A -o yaml > <kind>.yaml`.
fn file_of(kind: &str) -> String {
    format!("{}.yaml", kind.to_ascii_lowercase() + "s")
}

/// Objects as one `List` a kind, in files named by [`file_of`].
fn listed(objects: &[Value]) -> Result<Files, String> {
    let mut by_kind: BTreeMap<String, Vec<&Value>> = BTreeMap::new();
    for o in objects {
        by_kind
            .entry(file_of(o["kind"].as_str().unwrap_or("object")))
            .or_default()
            .push(o);
    }
    let mut files = Files::new();
    for (name, items) in by_kind {
        let list = json!({"apiVersion": "v1", "kind": "List", "items": items, "metadata": {"resourceVersion": ""}});
        let text = serde_yaml_ng::to_string(&list).map_err(|e| format!("{name}: {e}"))?;
        files.insert(name, text.into_bytes());
    }
    Ok(files)
}

/// The problem text of `control` over `files` (the resources' file names).
fn problem(control: &Control, files: &Files) -> String {
    let names: Vec<String> = files.keys().map(|k| format!("`{k}`")).collect();
    format!(
        "# CIS Kubernetes Benchmark {id}: {title}

## Requirement

{req}

## Exceptions

{exc}

## Resources

The cluster's resources are in `static-resources/`, one YAML file a kind as `kubectl get <kind> -A -o yaml` writes it (a `List` of items): {files}.

## Task

Write `fetch.sh`, which reads the YAML files under `./static-resources` and writes the data the check needs as JSON to `./collected_data.json`, and `policy.rego` (`package check`), whose boolean `result` is `true` when the resources comply with the requirement and `false` when any of them violates it. They are evaluated, in a directory holding both files and `static-resources/`, with:

```bash
./fetch.sh
opa eval -d policy.rego -i collected_data.json data.check.result
```
",
        id = control.id,
        title = control.title,
        req = control.requirement,
        exc = control.exceptions,
        files = names.join(", "),
    )
}

/// Every file of `control`'s scenario for `seed`, relative to the scenario's directory.
pub fn scenario_files(control: &Control, seed: u64) -> Files {
    // The control's number is mixed in, so one seed gives each control its own cluster.
    let mix = control.id.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ mix);
    let w = world::base(&mut rng);
    let mut pair = Pair {
        violating: w.objects.clone(),
        compliant: w.objects.clone(),
    };
    inject(control, &mut rng, &w, &mut pair);
    // serde_yaml_ng writes any JSON value; an error here would be a bug, kept as text.
    let violating = listed(&pair.violating).unwrap_or_default();
    let compliant = listed(&pair.compliant).unwrap_or_default();
    let mut files = Files::new();
    files.insert(
        "problem.md".into(),
        problem(control, &violating).into_bytes(),
    );
    for (name, data) in violating {
        files.insert(format!("static-resources/{name}"), data);
    }
    for (name, data) in compliant {
        files.insert(format!("static-resources-compliant/{name}"), data);
    }
    files.insert("ground-truth/fetch.sh".into(), FETCH_SH.as_bytes().to_vec());
    files.insert(
        "ground-truth/policy.rego".into(),
        control.policy().into_bytes(),
    );
    files
}

/// Writes `control`'s scenario for `seed` into `dir` (created; existing files replaced).
pub fn generate(control: &Control, seed: u64, dir: &Path) -> Result<(), ScenarioError> {
    write_tree(dir, &scenario_files(control, seed))
}

/// Writes every control's scenario for `seed` under `root`, one directory each named as
/// ITBench-Lite names them; returns the directories.
pub fn generate_all(seed: u64, root: &Path) -> Result<Vec<PathBuf>, ScenarioError> {
    CONTROLS
        .iter()
        .map(|c| {
            let dir = root.join(c.scenario_id());
            generate(c, seed, &dir).map(|()| dir)
        })
        .collect()
}
