//! `opa eval` natively: policies in a temporary directory, the output compared with what OPA
//! 1.x prints for the same command.

use super::*;

struct Dir(std::path::PathBuf);

impl Dir {
    fn new(tag: &str) -> Dir {
        let d = std::env::temp_dir().join(format!("rcabox-opa-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).expect("temp dir");
        Dir(d)
    }
    fn file(&self, name: &str, text: &str) -> String {
        let p = self.0.join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("dir");
        }
        std::fs::write(&p, text).expect("write");
        p.to_string_lossy().into_owned()
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn run(argv: &[&str], input: Option<&str>) -> (String, i32) {
    let argv: Vec<String> = argv.iter().map(|s| s.to_string()).collect();
    let a = args::parse(&argv).expect("arguments");
    let input = input.map(|i| load::parse_document(i).expect("input"));
    let q = a.query.clone().expect("query");
    let (out, _, code) = evaluate(&a, q, input);
    (out, code)
}

const CIS: &str = r#"package check
import rego.v1

default result := false

result if {
    count(violations) == 0
}

violations contains name if {
    some item in input.items
    item.kind == "Pod"
    some c in item.spec.containers
    c.securityContext.privileged == true
    name := item.metadata.name
}
"#;

#[test]
fn scorer_command_true_and_false() {
    let d = Dir::new("cis");
    let p = d.file("policy.rego", CIS);
    let ok = r#"{"items": [{"kind": "Pod", "metadata": {"name": "a"}, "spec": {"containers": [{"securityContext": {"privileged": false}}]}}]}"#;
    let (out, code) = run(&["-d", &p, "data.check.result"], Some(ok));
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "{\n  \"result\": [\n    {\n      \"expressions\": [\n        {\n          \"value\": true,\n          \"location\": {\n            \"row\": 1,\n            \"col\": 1\n          },\n          \"text\": \"data.check.result\"\n        }\n      ]\n    }\n  ]\n}\n"
    );
    let bad = ok.replace("\"privileged\": false", "\"privileged\": true");
    let (out, _) = run(
        &["-d", &p, "--format", "raw", "data.check.result"],
        Some(&bad),
    );
    assert_eq!(out, "false\n");
    let (out, _) = run(
        &["-d", &p, "-f", "raw", "data.check.violations"],
        Some(&bad),
    );
    assert_eq!(out, "[\"a\"]\n");
}

#[test]
fn undefined_and_fail() {
    let d = Dir::new("undef");
    let p = d.file("p.rego", "package p\nallow if input.x == 1\n");
    let (out, code) = run(&["-d", &p, "data.p.allow"], Some("{}"));
    assert_eq!((out.as_str(), code), ("{}\n", 0));
    let (_, code) = run(&["--fail", "-d", &p, "data.p.allow"], Some("{}"));
    assert_eq!(code, 1);
    let (out, code) = run(
        &["--fail-defined", "-d", &p, "data.p.allow"],
        Some("{\"x\": 1}"),
    );
    assert_eq!((out.contains("\"value\": true"), code), (true, 1));
    let (out, _) = run(&["-f", "pretty", "-d", &p, "data.p.allow"], Some("{}"));
    assert_eq!(out, "undefined\n");
    let (out, _) = run(&["-f", "raw", "-d", &p, "data.p.allow"], Some("{}"));
    assert_eq!(out, "");
}

#[test]
fn false_is_a_value() {
    let (out, _) = run(&["-f", "raw", "false"], None);
    assert_eq!(out, "false\n");
}

#[test]
fn parse_error_in_opa_words() {
    let d = Dir::new("parse");
    let p = d.file("bad.rego", "package p\n\nallow if {\n  x := \n}\n");
    let (out, code) = run(&["-f", "raw", "-d", &p, "data.p.allow"], None);
    assert_eq!(code, 2);
    assert!(out.starts_with(&format!("1 error occurred: {p}:")), "{out}");
    assert!(out.contains("rego_parse_error"), "{out}");
    let (out, code) = run(&["-d", &p, "data.p.allow"], None);
    assert_eq!(code, 2);
    assert!(
        out.starts_with("{\n  \"errors\": [\n    {\n      \"message\": "),
        "{out}"
    );
    assert!(out.contains("\"code\": \"rego_parse_error\""), "{out}");
}

#[test]
fn directory_data_is_rooted_by_path() {
    let d = Dir::new("dir");
    d.file(
        "pol/p.rego",
        "package p\nimport future.keywords.if\nn := data.cfg.limit if true\n",
    );
    d.file("pol/cfg/data.json", "{\"limit\": 3}");
    d.file("pol/cfg/notes.txt", "skipped");
    let dir = d.0.join("pol").to_string_lossy().into_owned();
    let (out, code) = run(&["-f", "raw", "-d", &dir, "data.p.n"], None);
    assert_eq!((out.as_str(), code), ("3\n", 0));
}

#[test]
fn v0_policies_need_the_flag() {
    let d = Dir::new("v0");
    let p = d.file("p.rego", "package p\nallow { input.a }\n");
    let (_, code) = run(&["-d", &p, "data.p.allow"], Some("{\"a\": true}"));
    assert_eq!(code, 2);
    let (out, code) = run(
        &["--v0-compatible", "-f", "raw", "-d", &p, "data.p.allow"],
        Some("{\"a\": true}"),
    );
    assert_eq!((out.as_str(), code), ("true\n", 0));
}

#[test]
fn bindings_and_html_escaping() {
    let (out, _) = run(&["x := \"<a&b>\""], None);
    assert!(
        out.starts_with(
            "{\n  \"result\": [\n    {\n      \"bindings\": {\n        \"x\": \"\\u003ca\\u0026b\\u003e\"\n      },\n      \"expressions\": ["
        ),
        "{out}"
    );
    let (out, _) = run(&["-f", "raw", "x := \"<a>\""], None);
    assert_eq!(out, "true\n");
}

#[test]
fn missing_package_is_undefined() {
    let d = Dir::new("missing");
    let p = d.file("p.rego", "package other\nx := 1\n");
    let (out, code) = run(&["-d", &p, "data.check.result"], Some("{}"));
    assert_eq!((out.as_str(), code), ("{}\n", 0));
}
