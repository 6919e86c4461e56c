//! The CIS Kubernetes Benchmark controls rcabox writes scenarios for: each its problem text
//! (requirement, scope, exceptions) and its reference `policy.rego`, which judges what the
//! reference [`FETCH_SH`] collects. The generator ([`super::generate`]) injects each
//! control's violations; the baseline agent ([`super::baseline`]) solves the controls it
//! finds here.

/// The reference `fetch.sh`, the same for every control: every object of every YAML file
/// under `./static-resources`, `List`s flattened, as `{"items": [...]}` in
/// `./collected_data.json`. Options are set one by one (`-e -u -o pipefail`): the sandbox's
/// shell reads `-euo pipefail` as `-eu` and takes `pipefail` for a positional parameter, so a
/// failing `yq` would go unnoticed there.
pub const FETCH_SH: &str = r#"#!/bin/bash
# Collect every Kubernetes object under ./static-resources into ./collected_data.json as
# {"items": [...]}, the items of List objects (kubectl get -o yaml) flattened.
set -e -u -o pipefail
find static-resources -type f \( -name '*.yaml' -o -name '*.yml' \) | sort | while read -r f; do
  yq -o=json '.' "$f"
done | jq -s '{items: [.[] | select(type == "object") | if ((.kind // "") | endswith("List")) then (.items // [])[] else . end]}' > collected_data.json
"#;

/// The lines every reference policy starts with: compliant unless a violation is found.
const HEAD: &str = "package check

import rego.v1

default result := true

result := false if count(violations) > 0
";

/// Pods outside `kube-system`, whose system workloads the pod controls exempt.
const PODS: &str = r#"
pods contains p if {
	some p in input.items
	p.kind == "Pod"
	object.get(p.metadata, "namespace", "default") != "kube-system"
}

containers(p) := array.concat(object.get(p.spec, "containers", []), object.get(p.spec, "initContainers", []))
"#;

/// One CIS control.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Control {
    /// The benchmark's number, e.g. `5.1.1`.
    pub id: &'static str,
    /// The benchmark's title.
    pub title: &'static str,
    /// What the control requires, for problem.md.
    pub requirement: &'static str,
    /// What it exempts, for problem.md.
    pub exceptions: &'static str,
    /// The reference policy's rules after [`HEAD`] (see [`Control::policy`]).
    rules: &'static str,
    /// Whether the rules use the pod helpers.
    on_pods: bool,
}

impl Control {
    /// The scenario's directory name, as ITBench-Lite names them.
    pub fn scenario_id(&self) -> String {
        format!("k8s-opa-static-cis-{}", self.id)
    }

    /// The reference `policy.rego`.
    pub fn policy(&self) -> String {
        let mut s = HEAD.to_string();
        if self.on_pods {
            s.push_str(PODS);
        }
        s.push_str(self.rules);
        s
    }
}

/// Every control rcabox knows, in the benchmark's order.
pub const CONTROLS: &[Control] = &[
    Control {
        id: "5.1.1",
        title: "Ensure that the cluster-admin role is only used where required",
        requirement: "The RBAC role cluster-admin provides wide-ranging powers over the environment and should be used only where and when needed. No ClusterRoleBinding or RoleBinding may grant the ClusterRole `cluster-admin` to any subject.",
        exceptions: "The built-in ClusterRoleBinding that grants cluster-admin to the group `system:masters` is required by Kubernetes: a subject of kind Group named `system:masters` is allowed.",
        rules: r#"
violations contains msg if {
	some b in input.items
	b.kind in {"ClusterRoleBinding", "RoleBinding"}
	b.roleRef.kind == "ClusterRole"
	b.roleRef.name == "cluster-admin"
	some s in object.get(b, "subjects", [])
	not allowed(s)
	msg := sprintf("%s %s grants cluster-admin to %s %s", [b.kind, b.metadata.name, s.kind, s.name])
}

allowed(s) if {
	s.kind == "Group"
	s.name == "system:masters"
}
"#,
        on_pods: false,
    },
    Control {
        id: "5.1.3",
        title: "Minimize wildcard use in Roles and ClusterRoles",
        requirement: "Kubernetes Roles and ClusterRoles provide access to resources based on sets of objects and actions that can be taken on those objects. Wildcards grant access to every current and future object or action. No Role or ClusterRole may use the wildcard `*` in the apiGroups, resources or verbs of any of its rules.",
        exceptions: "ClusterRoles whose name starts with `system:` and the built-in ClusterRole `cluster-admin` are managed by Kubernetes and exempt.",
        rules: r#"
violations contains msg if {
	some r in input.items
	r.kind in {"Role", "ClusterRole"}
	not exempt(r)
	some rule in object.get(r, "rules", [])
	some field in ["apiGroups", "resources", "verbs"]
	"*" in object.get(rule, field, [])
	msg := sprintf("%s %s uses * in %s", [r.kind, r.metadata.name, field])
}

exempt(r) if {
	r.kind == "ClusterRole"
	startswith(r.metadata.name, "system:")
}

exempt(r) if {
	r.kind == "ClusterRole"
	r.metadata.name == "cluster-admin"
}
"#,
        on_pods: false,
    },
    Control {
        id: "5.1.6",
        title: "Ensure that Service Account Tokens are only mounted where necessary",
        requirement: "Service accounts tokens should not be mounted in pods except where the workload running in the pod explicitly needs to communicate with the API server. A Pod mounts its token when its spec sets `automountServiceAccountToken: true`, or when its spec does not set the field and its ServiceAccount (spec.serviceAccountName, `default` when unset, in the Pod's namespace) does not set `automountServiceAccountToken: false` (a missing ServiceAccount counts as mounting). No Pod may mount its token.",
        exceptions: "Pods in the namespace `kube-system` are exempt.",
        rules: r#"
sets_field(p) if p.spec.automountServiceAccountToken != null

service_accounts(p) := [sa |
	some sa in input.items
	sa.kind == "ServiceAccount"
	object.get(sa.metadata, "namespace", "default") == object.get(p.metadata, "namespace", "default")
	sa.metadata.name == object.get(p.spec, "serviceAccountName", "default")
]

account_mounts(p) if count(service_accounts(p)) == 0

account_mounts(p) if {
	some sa in service_accounts(p)
	object.get(sa, "automountServiceAccountToken", true) != false
}

violations contains msg if {
	some p in pods
	p.spec.automountServiceAccountToken == true
	msg := sprintf("Pod %s/%s mounts its token", [p.metadata.namespace, p.metadata.name])
}

violations contains msg if {
	some p in pods
	not sets_field(p)
	account_mounts(p)
	msg := sprintf("Pod %s/%s mounts its service account's token", [p.metadata.namespace, p.metadata.name])
}
"#,
        on_pods: true,
    },
    Control {
        id: "5.2.2",
        title: "Minimize the admission of privileged containers",
        requirement: "Do not generally permit containers to be run with the securityContext.privileged flag set to true. No container or init container of a Pod may set `securityContext.privileged: true`.",
        exceptions: "Pods in the namespace `kube-system` are exempt.",
        rules: r#"
violations contains msg if {
	some p in pods
	some c in containers(p)
	c.securityContext.privileged == true
	msg := sprintf("Pod %s/%s: container %s is privileged", [p.metadata.namespace, p.metadata.name, c.name])
}
"#,
        on_pods: true,
    },
    Control {
        id: "5.2.3",
        title: "Minimize the admission of containers wishing to share the host process ID namespace",
        requirement: "Do not generally permit containers to be run with the hostPID flag set to true. No Pod may set `spec.hostPID: true`.",
        exceptions: "Pods in the namespace `kube-system` are exempt.",
        rules: r#"
violations contains msg if {
	some p in pods
	p.spec.hostPID == true
	msg := sprintf("Pod %s/%s shares the host PID namespace", [p.metadata.namespace, p.metadata.name])
}
"#,
        on_pods: true,
    },
    Control {
        id: "5.2.5",
        title: "Minimize the admission of containers wishing to share the host network namespace",
        requirement: "Do not generally permit containers to be run with the hostNetwork flag set to true. No Pod may set `spec.hostNetwork: true`.",
        exceptions: "Pods in the namespace `kube-system` are exempt.",
        rules: r#"
violations contains msg if {
	some p in pods
	p.spec.hostNetwork == true
	msg := sprintf("Pod %s/%s shares the host network", [p.metadata.namespace, p.metadata.name])
}
"#,
        on_pods: true,
    },
    Control {
        id: "5.7.4",
        title: "The default namespace should not be used",
        requirement: "Kubernetes provides a default namespace, where objects are placed if no namespace is specified for them. Placing objects in this namespace makes application of RBAC and other controls more difficult. No namespaced object may be in the namespace `default` (an object without metadata.namespace is in it too, as kubectl applies it).",
        exceptions: "What Kubernetes itself creates there: the Service `kubernetes`, the ServiceAccount `default` and the ConfigMap `kube-root-ca.crt`. Cluster-scoped kinds (Namespace, ClusterRole, ClusterRoleBinding, Node, PersistentVolume, ...) have no namespace and are out of scope.",
        rules: r#"
cluster_scoped := {"Namespace", "ClusterRole", "ClusterRoleBinding", "Node", "PersistentVolume", "StorageClass", "CustomResourceDefinition", "PriorityClass"}

exempt(o) if {
	o.kind == "Service"
	o.metadata.name == "kubernetes"
}

exempt(o) if {
	o.kind == "ServiceAccount"
	o.metadata.name == "default"
}

exempt(o) if {
	o.kind == "ConfigMap"
	o.metadata.name == "kube-root-ca.crt"
}

violations contains msg if {
	some o in input.items
	not o.kind in cluster_scoped
	object.get(o.metadata, "namespace", "default") == "default"
	not exempt(o)
	msg := sprintf("%s %s is in the default namespace", [o.kind, o.metadata.name])
}
"#,
        on_pods: false,
    },
];

/// The control of a benchmark number.
pub fn find(id: &str) -> Option<&'static Control> {
    CONTROLS.iter().find(|c| c.id == id)
}

/// The control a problem text is about: the first benchmark number in it that rcabox knows
/// (`CIS ... 5.1.1`, `cis-5.1.1`).
pub fn recognise(problem: &str) -> Option<&'static Control> {
    let bytes = problem.as_bytes();
    (0..bytes.len())
        .filter(|&i| bytes[i].is_ascii_digit() && (i == 0 || !bytes[i - 1].is_ascii_digit()))
        .find_map(|i| {
            let end = problem[i..]
                .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                .map_or(problem.len(), |n| i + n);
            find(problem[i..end].trim_end_matches('.'))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_found_by_number_in_text() {
        assert_eq!(
            recognise("# CIS 5.1.6: tokens").map(|c| c.id),
            Some("5.1.6")
        );
        assert_eq!(
            recognise("see k8s-opa-static-cis-5.2.2.").map(|c| c.id),
            Some("5.2.2")
        );
        assert_eq!(recognise("15.1.1 and 5.1.10"), None);
        assert_eq!(recognise("nothing"), None);
        for c in CONTROLS {
            assert!(c.policy().starts_with("package check\n"));
            assert_eq!(c.scenario_id(), format!("k8s-opa-static-cis-{}", c.id));
        }
    }
}
