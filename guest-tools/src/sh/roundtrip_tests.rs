//! The syntax trees a subshell receives: every command of the compatibility corpora parses,
//! prints and parses again to the same tree (source locations aside), and a subshell's start
//! state carries its tree through the encoding unchanged.

use brush_parser::ast;
use serde_json::Value;

use super::exec::parse;
use super::state::{Body, Shell, SubState};

/// The corpora's commands, one JSON string a line.
fn corpus() -> Vec<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/compat");
    let mut cmds = Vec::new();
    for name in ["agent.jsonl", "investigate.jsonl", "python.jsonl"] {
        let text = std::fs::read_to_string(format!("{dir}/{name}")).expect("corpus file");
        cmds.extend(
            text.lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| serde_json::from_str::<String>(l).expect("a JSON string a line")),
        );
    }
    cmds
}

/// The tree as JSON without its source locations, which printing moves: `loc` fields, and
/// spans (`{start, end}` positions) that some nodes hold without a name.
fn shape<T: serde::Serialize>(t: &T) -> Value {
    fn is_span(v: &Value) -> bool {
        ["start", "end"].iter().all(|k| v[k]["index"].is_u64())
    }
    fn strip(v: &mut Value) {
        if is_span(v) {
            *v = Value::Null;
            return;
        }
        match v {
            Value::Object(m) => {
                m.remove("loc");
                m.values_mut().for_each(strip);
            }
            Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut v = serde_json::to_value(t).expect("trees serialise");
    strip(&mut v);
    v
}

/// A program's items in order: brush prints `a; b` as two lines, two complete commands that
/// the shell runs exactly as the one list it parsed.
fn items(p: &ast::Program) -> Value {
    let all: Vec<&ast::CompoundListItem> = p.complete_commands.iter().flat_map(|c| &c.0).collect();
    shape(&all)
}

#[test]
fn every_corpus_command_parses_prints_and_parses_to_the_same_tree() {
    let cmds = corpus();
    assert!(cmds.len() > 1000, "{} commands", cmds.len());
    let mut parsed = 0;
    let mut differ = Vec::new();
    for cmd in &cmds {
        let Ok(first) = parse(cmd) else { continue };
        parsed += 1;
        let printed = first.to_string();
        match parse(&printed) {
            Ok(second) if items(&first) == items(&second) => {}
            Ok(_) => differ.push(format!("`{cmd}` printed as `{printed}`: another tree")),
            Err(e) => differ.push(format!("`{cmd}` printed as `{printed}`: {e}")),
        }
    }
    assert!(
        differ.is_empty(),
        "{} differ:\n{}",
        differ.len(),
        differ.join("\n")
    );
    // A few corpus cases are syntax errors on purpose; nearly all parse.
    assert!(
        parsed * 100 >= cmds.len() * 95,
        "{parsed} of {} parsed",
        cmds.len()
    );
}

#[test]
fn a_subshell_body_survives_its_encoding_exactly() {
    for cmd in corpus() {
        let Ok(prog) = parse(&cmd) else { continue };
        for cc in &prog.complete_commands {
            // The path a subshell's start takes: the parent's encoding, the proto envelope, the
            // child's decoding.
            let bytes = Shell::new().to_sub(Body::List(cc.clone()));
            let Ok(rcabox_proto::StartState::Shell(inner)) =
                rcabox_proto::StartState::decode(&bytes)
            else {
                panic!("`{cmd}`: not a shell's start state")
            };
            let sub = SubState::decode(&inner).unwrap_or_else(|| panic!("`{cmd}`: decode"));
            let Body::List(back) = sub.body else {
                panic!("kind changed")
            };
            let back: &ast::CompoundList = &back;
            assert!(back == cc, "`{cmd}` changed in transit");
        }
    }
}
