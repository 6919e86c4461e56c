//! The compliant cluster every generated CISO scenario starts from: a few application
//! namespaces (Pods, ServiceAccounts, Roles, Services), `kube-system` with the privileged
//! host-networked Pods a real control plane has, `default` with what Kubernetes creates there,
//! and the built-in ClusterRoles and bindings. It passes every control of
//! [`super::controls::CONTROLS`], exceptions included, so only the injected violations fail.

use rand::Rng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};

/// Application names the generator draws namespaces from.
const APPS: &[&str] = &[
    "payments",
    "checkout",
    "catalog",
    "ledger",
    "search",
    "billing",
    "inventory",
    "notify",
];

/// The objects of a cluster, in the order they are listed.
#[derive(Debug, Clone, PartialEq)]
pub struct World {
    /// Every object.
    pub objects: Vec<Value>,
    /// The application namespaces.
    pub apps: Vec<String>,
}

/// `n` lower-case letters and digits, as a ReplicaSet hash or a Pod suffix.
pub fn suffix(rng: &mut ChaCha8Rng, n: usize) -> String {
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    (0..n)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect()
}

fn meta(name: &str, ns: Option<&str>) -> Value {
    let mut m = json!({"name": name, "labels": {"app.kubernetes.io/managed-by": "rcabox"}});
    if let Some(ns) = ns {
        m["namespace"] = json!(ns);
    }
    m
}

fn obj(api: &str, kind: &str, name: &str, ns: Option<&str>) -> Value {
    json!({"apiVersion": api, "kind": kind, "metadata": meta(name, ns)})
}

/// A Pod of `app` with a restricted container.
pub fn pod(rng: &mut ChaCha8Rng, ns: &str, app: &str, sa: &str) -> Value {
    let name = format!("{app}-{}-{}", suffix(rng, 10), suffix(rng, 5));
    let mut p = obj("v1", "Pod", &name, Some(ns));
    p["metadata"]["labels"]["app"] = json!(app);
    p["spec"] = json!({
        "serviceAccountName": sa,
        "containers": [{
            "name": app,
            "image": format!("registry.example.com/{app}:1.{}.{}", rng.random_range(0..20), rng.random_range(0..10)),
            "ports": [{"containerPort": 8080, "protocol": "TCP"}],
            "securityContext": {"allowPrivilegeEscalation": false, "privileged": false, "runAsNonRoot": true},
        }],
    });
    // Half the Pods rely on their ServiceAccount's setting, half repeat it.
    if rng.random_bool(0.5) {
        p["spec"]["automountServiceAccountToken"] = json!(false);
    }
    p["status"] = json!({"phase": "Running"});
    p
}

fn cluster_role(name: &str, rules: Value) -> Value {
    let mut r = obj("rbac.authorization.k8s.io/v1", "ClusterRole", name, None);
    r["rules"] = rules;
    r
}

/// A binding of the `role_kind` `role` to `subjects`.
pub fn binding(
    kind: &str,
    name: &str,
    ns: Option<&str>,
    role_kind: &str,
    role: &str,
    subjects: Value,
) -> Value {
    let mut b = obj("rbac.authorization.k8s.io/v1", kind, name, ns);
    b["roleRef"] =
        json!({"apiGroup": "rbac.authorization.k8s.io", "kind": role_kind, "name": role});
    b["subjects"] = subjects;
    b
}

/// The compliant cluster for one seed.
pub fn base(rng: &mut ChaCha8Rng) -> World {
    let mut names: Vec<&str> = APPS.to_vec();
    names.shuffle(rng);
    let apps: Vec<String> = names[..3].iter().map(|s| s.to_string()).collect();
    let mut o = Vec::new();
    for ns in ["default", "kube-system"] {
        o.push(obj("v1", "Namespace", ns, None));
    }
    for app in &apps {
        o.push(obj("v1", "Namespace", app, None));
    }
    // What Kubernetes creates in `default` (5.7.4's exceptions).
    let mut svc = obj("v1", "Service", "kubernetes", Some("default"));
    svc["spec"] =
        json!({"ports": [{"name": "https", "port": 443, "targetPort": 6443}], "type": "ClusterIP"});
    o.push(svc);
    o.push(obj("v1", "ServiceAccount", "default", Some("default")));
    let mut ca = obj("v1", "ConfigMap", "kube-root-ca.crt", Some("default"));
    ca["data"] =
        json!({"ca.crt": "-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n"});
    o.push(ca);
    // The control plane's own Pods: privileged, on the host network (exempt everywhere).
    o.push(obj(
        "v1",
        "ServiceAccount",
        "kube-proxy",
        Some("kube-system"),
    ));
    for node in 0..rng.random_range(2..4) {
        let mut p = pod(rng, "kube-system", "kube-proxy", "kube-proxy");
        p["spec"]["hostNetwork"] = json!(true);
        p["spec"]["containers"][0]["securityContext"] = json!({"privileged": true});
        p["spec"]["nodeName"] = json!(format!("node-{node}"));
        o.push(p);
    }
    let mut etcd = pod(rng, "kube-system", "etcd", "default");
    etcd["spec"]["hostNetwork"] = json!(true);
    etcd["spec"]["hostPID"] = json!(true);
    o.push(etcd);
    // Built-in ClusterRoles and bindings (5.1.1's and 5.1.3's exceptions).
    let all = json!([{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}, {"nonResourceURLs": ["*"], "verbs": ["*"]}]);
    o.push(cluster_role("cluster-admin", all));
    o.push(cluster_role(
        "system:controller:namespace-controller",
        json!([{"apiGroups": ["*"], "resources": ["*"], "verbs": ["delete", "deletecollection", "get", "list"]}]),
    ));
    o.push(cluster_role(
        "view",
        json!([{"apiGroups": [""], "resources": ["pods", "services", "configmaps"], "verbs": ["get", "list", "watch"]}]),
    ));
    o.push(binding(
        "ClusterRoleBinding",
        "cluster-admin",
        None,
        "ClusterRole",
        "cluster-admin",
        json!([{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "system:masters"}]),
    ));
    o.push(binding(
        "ClusterRoleBinding",
        "system:controller:namespace-controller",
        None,
        "ClusterRole",
        "system:controller:namespace-controller",
        json!([{"kind": "ServiceAccount", "name": "namespace-controller", "namespace": "kube-system"}]),
    ));
    for app in &apps {
        let ns = app.as_str();
        let mut sa = obj("v1", "ServiceAccount", "default", Some(ns));
        sa["automountServiceAccountToken"] = json!(false);
        o.push(sa);
        let mut sa = obj("v1", "ServiceAccount", app, Some(ns));
        sa["automountServiceAccountToken"] = json!(false);
        o.push(sa);
        let mut role = obj(
            "rbac.authorization.k8s.io/v1",
            "Role",
            &format!("{app}-config-reader"),
            Some(ns),
        );
        role["rules"] = json!([{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get", "list", "watch"]}]);
        o.push(role);
        o.push(binding(
            "RoleBinding",
            &format!("{app}-config-reader"),
            Some(ns),
            "Role",
            &format!("{app}-config-reader"),
            json!([{"kind": "ServiceAccount", "name": app, "namespace": ns}]),
        ));
        o.push(binding(
            "ClusterRoleBinding",
            &format!("{app}-view"),
            None,
            "ClusterRole",
            "view",
            json!([{"kind": "ServiceAccount", "name": app, "namespace": ns}]),
        ));
        let mut svc = obj("v1", "Service", app, Some(ns));
        svc["spec"] = json!({"selector": {"app": app}, "ports": [{"port": 80, "targetPort": 8080}], "type": "ClusterIP"});
        o.push(svc);
        for _ in 0..rng.random_range(1..4) {
            o.push(pod(rng, ns, app, app));
        }
    }
    World { objects: o, apps }
}
