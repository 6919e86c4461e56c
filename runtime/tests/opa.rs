//! `opa` in the sandbox (regorus): the command ITBench's CISO scorer runs, and the forms
//! agents use, each with the bytes OPA 1.x prints. No native OPA is installed to compare
//! with, so the expected outputs are written out (OPA's presentation code: an indented
//! `encoding/json` encoder, `{}` for an undefined result, exit 2 on errors).

mod common;
use common::*;

/// A CIS-style control: no privileged containers among the collected Kubernetes objects.
const POLICY: &str = r#"package check
import rego.v1

default result := false

result if {
    count(violations) == 0
}

violations contains msg if {
    some item in input.items
    item.kind in {"Pod", "Deployment"}
    some c in object.get(item, ["spec", "containers"], [])
    c.securityContext.privileged
    msg := sprintf("%s/%s", [item.kind, item.metadata.name])
}
"#;

const COMPLIANT: &str = r#"{"items": [
  {"kind": "Pod", "metadata": {"name": "web"}, "spec": {"containers": [{"name": "c", "securityContext": {"privileged": false}}]}},
  {"kind": "ConfigMap", "metadata": {"name": "cfg"}}
]}"#;

fn setup(s: &mut rcabox_runtime::sandbox::Session) {
    let cmd = format!(
        "mkdir -p /tmp/w/pol/lib && cd /tmp/w && cat > policy.rego <<'EOF'\n{POLICY}EOF\ncat > collected_data.json <<'EOF'\n{COMPLIANT}\nEOF\nsed 's/\"privileged\": false/\"privileged\": true/' collected_data.json > bad.json"
    );
    let r = s.run(&cmd);
    assert_eq!(r.exit_code, 0, "{}", err(&r));
}

#[test]
fn scorer_command() {
    let snap = snapshot();
    let mut s = session(snap.path());
    setup(&mut s);
    let r = s.run("cd /tmp/w && opa eval -d policy.rego -i collected_data.json data.check.result");
    assert_eq!(r.exit_code, 0, "{}", err(&r));
    assert_eq!(
        out(&r),
        r#"{
  "result": [
    {
      "expressions": [
        {
          "value": true,
          "location": {
            "row": 1,
            "col": 1
          },
          "text": "data.check.result"
        }
      ]
    }
  ]
}
"#
    );
    let r = s.run("cd /tmp/w && opa eval -d policy.rego -i bad.json --format raw data.check.result; opa eval -d policy.rego -i bad.json -f raw data.check.violations");
    assert_eq!(out(&r), "false\n[\"Pod/web\"]\n");
}

#[test]
fn undefined_fail_and_stdin() {
    let snap = snapshot();
    let mut s = session(snap.path());
    setup(&mut s);
    let r = s
        .run("cd /tmp/w && opa eval -d policy.rego -i bad.json data.check.nothing; echo \"st=$?\"");
    assert_eq!(out(&r), "{}\nst=0\n");
    let r = s.run("cd /tmp/w && opa eval --fail -d policy.rego data.check.nothing; echo \"st=$?\"");
    assert_eq!(out(&r), "{}\nst=1\n");
    let r = s.run("cd /tmp/w && opa eval --fail-defined -f raw -d policy.rego data.check.result; echo \"st=$?\"");
    assert_eq!(out(&r), "true\nst=1\n");
    let r = s.run("cd /tmp/w && cat bad.json | opa eval -I -d policy.rego -f raw 'count(data.check.violations)'");
    assert_eq!(out(&r), "1\n");
    let r = s.run("cd /tmp/w && opa eval -f pretty -d policy.rego data.check.nothing");
    assert_eq!(out(&r), "undefined\n");
}

#[test]
fn data_directory_and_yaml() {
    let snap = snapshot();
    let mut s = session(snap.path());
    setup(&mut s);
    let r = s.run(
        "cd /tmp/w && cp policy.rego pol/ && printf 'package lib\\nlimit := data.cfg.max\\n' > pol/lib/lib.rego \
         && mkdir -p pol/cfg && printf 'max: 3\\n' > pol/cfg/data.yaml && echo notes > pol/README \
         && opa eval -d pol -f raw 'data.lib.limit'",
    );
    assert_eq!((out(&r).as_str(), r.exit_code), ("3\n", 0), "{}", err(&r));
}

#[test]
fn errors_in_opa_form() {
    let snap = snapshot();
    let mut s = session(snap.path());
    let r = s.run("printf 'package p\\n\\nallow if {\\n  x := \\n}\\n' > /tmp/bad.rego && opa eval -f raw -d /tmp/bad.rego data.p.allow");
    assert_eq!(r.exit_code, 2);
    assert!(
        out(&r).starts_with("1 error occurred: /tmp/bad.rego:"),
        "{}",
        out(&r)
    );
    assert!(out(&r).contains(": rego_parse_error: "), "{}", out(&r));
    let r = s.run("opa eval -d /tmp/bad.rego data.p.allow");
    assert_eq!(r.exit_code, 2);
    assert!(
        out(&r).starts_with("{\n  \"errors\": [\n    {\n      \"message\": "),
        "{}",
        out(&r)
    );
    let r = s.run("opa check /tmp/bad.rego");
    assert_eq!(r.exit_code, 1);
    assert!(err(&r).contains("rego_parse_error"), "{}", err(&r));
    let r = s.run("opa eval -i /tmp/missing.json 'input'");
    assert_eq!(
        (r.exit_code, err(&r).as_str()),
        (2, "open /tmp/missing.json: no such file or directory\n")
    );
    let r = s.run("opa run; echo \"st=$?\"");
    assert!(
        err(&r).starts_with("Error: unknown command \"run\" for \"opa\""),
        "{}",
        err(&r)
    );
    assert_eq!(out(&r), "st=1\n");
}

#[test]
fn v0_policies() {
    let snap = snapshot();
    let mut s = session(snap.path());
    let r = s.run(
        "printf 'package p\\nallow { input.a }\\n' > /tmp/v0.rego && echo '{\"a\":true}' > /tmp/i.json \
         && opa eval -d /tmp/v0.rego -i /tmp/i.json -f raw data.p.allow; echo \"st=$?\"; \
         opa eval --v0-compatible -d /tmp/v0.rego -i /tmp/i.json -f raw data.p.allow",
    );
    let o = out(&r);
    assert!(o.contains("rego_parse_error"), "{o}");
    assert!(o.ends_with("st=2\ntrue\n"), "{o}");
    let r = s.run(
        "printf 'package p\\nimport future.keywords.if\\nimport future.keywords.in\\nallow if 1 in input.xs\\n' > /tmp/fk.rego \
         && echo '{\"xs\":[1]}' | opa eval -I -d /tmp/fk.rego -f raw data.p.allow",
    );
    assert_eq!(out(&r), "true\n", "{}", err(&r));
}
