//! The shell's state: variables, functions, options, and how a subshell inherits them.

use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use brush_parser::ast;
use serde::{Deserialize, Serialize};

use super::{Ctl, Io};

/// A variable's value.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub enum Value {
    /// A string.
    Str(String),
    /// An indexed array.
    Indexed(BTreeMap<i64, String>),
    /// An associative array.
    Assoc(BTreeMap<String, String>),
}

impl Value {
    /// The value as a scalar: element 0 of an array, as bash does for `$arr`.
    pub fn scalar(&self) -> String {
        match self {
            Value::Str(s) => s.clone(),
            Value::Indexed(m) => m.get(&0).cloned().unwrap_or_default(),
            Value::Assoc(m) => m.get("0").cloned().unwrap_or_default(),
        }
    }

    /// All elements, in index order.
    pub fn elements(&self) -> Vec<String> {
        match self {
            Value::Str(s) => vec![s.clone()],
            Value::Indexed(m) => m.values().cloned().collect(),
            Value::Assoc(m) => m.values().cloned().collect(),
        }
    }
}

/// A variable.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Var {
    /// Its value.
    pub value: Value,
    /// Passed to children's environments.
    pub exported: bool,
    /// Assignments fail.
    pub readonly: bool,
    /// `declare -i`: assignments are evaluated as arithmetic.
    #[serde(default)]
    pub integer: bool,
}

/// `set` options.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Opts {
    /// `set -e`.
    pub errexit: bool,
    /// `set -u`.
    pub nounset: bool,
    /// `set -o pipefail`.
    pub pipefail: bool,
    /// `set -x`.
    pub xtrace: bool,
    /// `set -f`.
    pub noglob: bool,
    /// `shopt -s nullglob`.
    #[serde(default)]
    pub nullglob: bool,
}

/// The interpreter.
pub struct Shell {
    /// Variables.
    pub vars: HashMap<String, Var>,
    /// Function bodies, parsed.
    pub funcs: HashMap<String, Rc<ast::FunctionDefinition>>,
    /// `$1`, `$2`, ...
    pub positional: Vec<String>,
    /// `$0`.
    pub name: String,
    /// `$?`.
    pub status: i32,
    /// Options.
    pub opts: Opts,
    /// Saved variables of the function calls in progress (for `local`).
    pub locals: Vec<Vec<(String, Option<Var>)>>,
    /// Depth of conditions (`if`, `while`, `&&` operands), where `set -e` does not apply.
    pub in_condition: usize,
    /// Background jobs not waited for.
    pub jobs: Vec<u32>,
    /// Status of the last background job waited for.
    pub last_bg: Option<u32>,
    /// Line number reported in error messages.
    pub line: usize,
    /// Status of the last command substitution of the current command.
    pub cmd_subst_status: Option<i32>,
    /// Nesting of arithmetic evaluation of variable contents.
    pub depth: usize,
    /// `trap` commands by condition (`EXIT`, `ERR`); like bash, subshells start without them.
    pub traps: HashMap<String, String>,
    /// Whether the command about to run is the last this process runs, so a program it starts
    /// may replace the shell instead of running beside it ([`super::tail`]). Set once before
    /// the process's body runs, and taken by each level that passes it on to its last part.
    pub tail: bool,
}

/// What a subshell runs: a piece of the parent's syntax tree, passed as the tree (never printed
/// and parsed again, which could change its meaning or fail), or text that did not parse.
#[derive(Debug, Serialize, Deserialize)]
pub enum Body {
    /// Source text, parsed by the child: a `$(...)` that did not parse, or a script.
    Source(String),
    /// A whole program: the inside of `$(...)`, parsed by the parent.
    Program(ast::Program),
    /// `( list )` and `<( list )`.
    List(ast::CompoundList),
    /// `cmd &`.
    AndOr(ast::AndOrList),
    /// A pipeline stage other than a plain program.
    Command(ast::Command),
}

/// What a subshell starts from: the parent's state and the code to run. Travels as
/// [`rcabox_proto::StartState::Shell`].
#[derive(Serialize, Deserialize)]
pub struct SubState {
    vars: Vec<(String, Var)>,
    funcs: Vec<ast::FunctionDefinition>,
    positional: Vec<String>,
    name: String,
    status: i32,
    opts: Opts,
    line: usize,
    /// The code to run.
    pub body: Body,
}

impl SubState {
    /// Reads a subshell's state from a start state's bytes.
    pub fn decode(b: &[u8]) -> Option<Self> {
        // Without serde_json's depth limit (128), which twenty nested `if`s in a pipeline stage
        // exceed: the tree was parsed by the parent, recursively, on a stack as deep as this
        // one, and decoding it recurses less per level than parsing did. A tree too deep for
        // the stack traps the child (status 134), as it would have trapped the parent's parse.
        let mut de = serde_json::Deserializer::from_slice(b);
        de.disable_recursion_limit();
        let sub = serde::Deserialize::deserialize(&mut de).ok()?;
        de.end().ok()?;
        Some(sub)
    }
}

impl Shell {
    /// A top-level shell with the process environment.
    pub fn new() -> Self {
        let mut sh = Shell {
            vars: HashMap::new(),
            funcs: HashMap::new(),
            positional: Vec::new(),
            name: "bash".into(),
            status: 0,
            opts: Opts::default(),
            locals: Vec::new(),
            in_condition: 0,
            jobs: Vec::new(),
            last_bg: None,
            line: 1,
            cmd_subst_status: None,
            depth: 0,
            traps: HashMap::new(),
            tail: false,
        };
        for (k, v) in std::env::vars() {
            sh.vars.insert(
                k,
                Var {
                    value: Value::Str(v),
                    exported: true,
                    readonly: false,
                    integer: false,
                },
            );
        }
        sh.set_var("IFS", " \t\n");
        sh.set_var("BASH_VERSION", "5.2.15(1)-release");
        sh.set_var("OPTIND", "1");
        sh
    }

    /// A subshell from its parent's state.
    pub fn from_sub(sub: &SubState) -> Self {
        let mut sh = Shell::new();
        sh.vars = sub.vars.iter().cloned().collect();
        sh.positional = sub.positional.clone();
        sh.name = sub.name.clone();
        sh.status = sub.status;
        sh.opts = sub.opts.clone();
        sh.line = sub.line;
        for f in &sub.funcs {
            sh.funcs.insert(f.fname.value.clone(), Rc::new(f.clone()));
        }
        sh
    }

    /// The start state of a subshell running `body`, encoded for a spawn request.
    pub fn to_sub(&self, body: Body) -> Vec<u8> {
        let sub = SubState {
            vars: self
                .vars
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            funcs: self.funcs.values().map(|f| f.as_ref().clone()).collect(),
            positional: self.positional.clone(),
            name: self.name.clone(),
            status: self.status,
            opts: self.opts.clone(),
            line: self.line,
            body,
        };
        // Serialising owned trees of strings and numbers cannot fail.
        let bytes = serde_json::to_vec(&sub).unwrap_or_default();
        rcabox_proto::StartState::Shell(bytes).encode()
    }

    /// A variable's scalar value.
    pub fn get_var(&self, name: &str) -> Option<String> {
        self.vars.get(name).map(|v| v.value.scalar())
    }

    /// Sets a scalar, keeping the export flag.
    pub fn set_var(&mut self, name: &str, value: &str) {
        self.set_value(name, Value::Str(value.to_string()));
    }

    /// Sets a value, keeping the export flag; readonly variables are left alone.
    pub fn set_value(&mut self, name: &str, value: Value) -> bool {
        match self.vars.get_mut(name) {
            Some(v) if v.readonly => false,
            Some(v) => {
                v.value = value;
                true
            }
            None => {
                self.vars.insert(
                    name.to_string(),
                    Var {
                        value,
                        exported: false,
                        readonly: false,
                        integer: false,
                    },
                );
                true
            }
        }
    }

    /// `NAME=value` for every exported variable.
    pub fn env(&self) -> Vec<Vec<u8>> {
        let mut env: Vec<Vec<u8>> = self
            .vars
            .iter()
            .filter(|(_, v)| v.exported)
            .filter(|(_, v)| matches!(v.value, Value::Str(_)))
            .map(|(k, v)| format!("{k}={}", v.value.scalar()).into_bytes())
            .collect();
        env.sort();
        env
    }

    /// The working directory.
    pub fn cwd(&self) -> String {
        std::env::current_dir()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_else(|_| "/".into())
    }

    /// Parses and runs `source`, returning the final status (`exit` included).
    pub fn run_source(&mut self, source: &str) -> i32 {
        self.run_body(Body::Source(source.to_string()))
    }

    /// Runs a subshell's or a script's code, then its `EXIT` trap; the final status.
    pub fn run_body(&mut self, body: Body) -> i32 {
        let io = Io::default();
        let ran = match &body {
            Body::Source(source) => match super::exec::parse(source) {
                Ok(prog) => self.run_program(&prog, &io),
                Err(msg) => {
                    io.err(&format!("{}: {msg}\n", self.name));
                    Ok(2)
                }
            },
            Body::Program(prog) => self.run_program(prog, &io),
            Body::List(list) => self.run_list(list, &io),
            Body::AndOr(ao) => self.run_and_or(ao, &io),
            Body::Command(cmd) => self.run_command(cmd, &io),
        };
        let status = match ran {
            Ok(s) => s,
            Err(Ctl::Exit(s)) | Err(Ctl::Return(s)) => s,
            Err(Ctl::Break(_)) | Err(Ctl::Continue(_)) => self.status,
        };
        let status = match self.traps.remove("EXIT") {
            Some(cmd) => {
                self.status = status;
                match super::exec::parse(&cmd) {
                    Ok(prog) => match self.run_program(&prog, &io) {
                        Err(Ctl::Exit(s)) => s,
                        _ => status,
                    },
                    Err(_) => status,
                }
            }
            None => status,
        };
        self.wait_jobs();
        status
    }

    /// Waits for background jobs still running.
    pub fn wait_jobs(&mut self) {
        for pid in std::mem::take(&mut self.jobs) {
            crate::sys::wait(pid);
        }
    }
}
