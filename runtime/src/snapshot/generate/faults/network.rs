//! Traffic that no longer arrives: Services, NetworkPolicies, DNS policy, Istio.

use serde_json::{Value, json};

use super::super::world::World;
use super::*;

/// `modified-target-port-kubernetes-service` | `invalid-kubernetes-service-selector` | `deleted-kubernetes-service`.
pub(super) fn modified_target_port_kubernetes_service(
    inj: &Injection,
    w: &mut World,
    c: &Ctx,
    e: &mut Evidence,
) {
    let Ctx { ns, v, .. } = c;
    let port = inj
        .args
        .get("targetPort")
        .and_then(Value::as_u64)
        .unwrap_or(8080);
    let mut svc = json!({"apiVersion": "v1", "kind": "Service", "metadata": meta(&inj.name, ns, w),
            "spec": {"type": "ClusterIP", "ports": [{"name": "tcp-service", "port": 8080, "protocol": "TCP", "targetPort": 8080}],
                     "selector": {"opentelemetry.io/name": v}}});
    match inj.id.as_str() {
        "modified-target-port-kubernetes-service" => {
            svc["spec"]["ports"][0]["targetPort"] = json!(port + 1);
            e.caller_log = format!(
                "failed to call {{callee}}: rpc error: code = Unavailable desc = connection error: desc = \"transport: Error while dialing: dial tcp 10.96.{}.{}:8080: connect: connection refused\"",
                w.rng_u32() % 255,
                w.rng_u32() % 255
            );
            e.objects.push(("services".into(), svc));
        }
        "invalid-kubernetes-service-selector" => {
            svc["spec"]["selector"] = json!({"app": format!("{v}-invalid")});
            e.caller_log =
                "Error fetching from {callee}: 503 Service Unavailable: no healthy upstream".into();
            e.objects.push(("services".into(), svc));
            e.objects.push(("endpoints".into(), json!({"apiVersion": "v1", "kind": "Endpoints", "metadata": meta(&inj.name, ns, w), "subsets": []})));
        }
        _ => {
            e.caller_log = format!(
                "failed to call {{callee}}: dial tcp: lookup {}.{ns}.svc.cluster.local: no such host",
                inj.name
            );
            e.deleted.push(("services".into(), svc));
        }
    }
    e.span_error = "connection refused".into();
    e.effects = Effects {
        cpu: 0.4,
        ..Effects::DOWN
    };
}

/// `ingress-port-blocking-network-policy`.
pub(super) fn ingress_port_blocking_network_policy(
    inj: &Injection,
    w: &mut World,
    c: &Ctx,
    e: &mut Evidence,
) {
    let Ctx { ns, v, .. } = c;
    e.objects.push(("networkpolicies".into(), json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": meta(&inj.name, ns, w),
            "spec": {"podSelector": {"matchLabels": {"opentelemetry.io/name": v}}, "policyTypes": ["Ingress"], "ingress": []}})));
    e.caller_log = "failed to call {callee}: context deadline exceeded (Client.Timeout exceeded while awaiting headers)".into();
    e.span_error = "context deadline exceeded".into();
    e.effects = Effects {
        latency_ms: 10000.0,
        cpu: 0.3,
        ..Effects::DOWN
    };
}

/// `failing-name-resolution-kubernetes-workload-dns-policy`.
pub(super) fn failing_name_resolution_kubernetes_workload_dns_policy(
    _inj: &Injection,
    w: &mut World,
    c: &Ctx,
    e: &mut Evidence,
) {
    let Ctx { deploy_name, .. } = c;
    e.objects.push((
        "deployments".into(),
        deployment(w, deploy_name, |d| {
            d["spec"]["template"]["spec"]["dnsPolicy"] = json!("None");
            d["spec"]["template"]["spec"]["dnsConfig"] = json!({"nameservers": ["192.0.2.53"]});
        }),
    ));
    e.victim_log = "Error: getaddrinfo EAI_AGAIN product-catalog".into();
    e.caller_log = "upstream connect error or disconnect/reset before headers. reset reason: connection failure".into();
    e.span_error = "getaddrinfo EAI_AGAIN".into();
    e.effects.error_rate = 0.9;
}

/// `traffic-denying-istio-gateway-authorization-policy` | `strict-mutual-tls-istio-service-mesh-enforcement` | `disabled-istio-ambient-mode-kubernetes-namespace`.
pub(super) fn traffic_denying_istio_gateway_authorization_policy(
    inj: &Injection,
    w: &mut World,
    c: &Ctx,
    e: &mut Evidence,
) {
    let Ctx { ns, .. } = c;
    match inj.id.as_str() {
        "traffic-denying-istio-gateway-authorization-policy" => {
            e.objects.push(("authorizationpolicies".into(), json!({"apiVersion": "security.istio.io/v1", "kind": "AuthorizationPolicy",
                    "metadata": meta(&format!("{}-deny", inj.name), ns, w),
                    "spec": {"action": "DENY", "targetRefs": [{"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": inj.name}],
                             "rules": [{"to": [{"operation": {"methods": ["GET"]}}]}]}})));
            e.victim_log = "RBAC: access denied".into();
            e.span_error = "403 RBAC: access denied".into();
        }
        "strict-mutual-tls-istio-service-mesh-enforcement" => {
            e.objects.push(("peerauthentications".into(), json!({"apiVersion": "security.istio.io/v1", "kind": "PeerAuthentication",
                    "metadata": meta("strict-mtls-mode", ns, w), "spec": {"mtls": {"mode": "STRICT"}}})));
            e.caller_log = "upstream connect error or disconnect/reset before headers. reset reason: connection termination".into();
            e.span_error = "upstream connect error: connection termination".into();
        }
        _ => {
            e.objects.push(("namespaces".into(), json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns, "uid": uid(w), "labels": {"kubernetes.io/metadata.name": ns}}})));
            e.caller_log = "upstream connect error or disconnect/reset before headers. reset reason: connection failure, transport failure reason: TLS_error".into();
        }
    }
    e.effects.error_rate = 0.95;
}
