//! Builtins: the commands that must run inside the shell because they change its state
//! (`cd`, `export`, `read`, `set`, ...), plus `echo`, `printf` and `test`, which bash also keeps
//! inside. One file a builtin (or a few that are one concept), registered by name below.

mod arith_let;
mod cd;
mod command;
mod declare;
mod echo;
mod env;
mod eval;
mod flow;
mod kill;
mod printf;
mod read;
mod set;
mod shift;
mod trap;
mod unset;
mod wait;

use super::state::Shell;
use super::{Io, Res};

/// A builtin: the shell, the whole argv (`argv[0]` its name), the command's descriptors.
type Builtin = fn(&mut Shell, &[String], &Io) -> Res;

/// Every builtin, sorted by name (a test holds the order; lookups are binary searches).
const REGISTRY: &[(&str, Builtin)] = &[
    (".", |sh, a, io| sh.source(&a[1..], io)),
    (":", |_, _, _| Ok(0)),
    ("[", |sh, a, io| Ok(sh.test_builtin(a, io))),
    ("alias", |_, _, _| Ok(0)),
    ("break", |sh, a, _| sh.break_continue("break", &a[1..])),
    ("cd", |sh, a, io| sh.cd(&a[1..], io)),
    ("command", |sh, a, io| sh.command(&a[1..], io)),
    ("continue", |sh, a, _| {
        sh.break_continue("continue", &a[1..])
    }),
    ("declare", |sh, a, io| sh.declare("declare", &a[1..], io)),
    ("echo", |sh, a, io| sh.echo(&a[1..], io)),
    ("env", |sh, a, io| Ok(sh.env_builtin(&a[1..], io))),
    ("eval", |sh, a, io| sh.eval_builtin(&a[1..], io)),
    ("exec", |sh, a, io| sh.exec(&a[1..], io)),
    ("exit", |sh, a, _| sh.exit(&a[1..])),
    ("export", |sh, a, io| sh.declare("export", &a[1..], io)),
    ("false", |_, _, _| Ok(1)),
    ("hash", |_, _, _| Ok(0)),
    ("kill", |sh, a, io| sh.kill(&a[1..], io)),
    ("let", |sh, a, io| sh.let_(&a[1..], io)),
    ("local", |sh, a, io| sh.declare("local", &a[1..], io)),
    ("mapfile", |sh, a, io| Ok(sh.mapfile(&a[1..], io))),
    ("printf", |sh, a, io| Ok(sh.printf(&a[1..], io))),
    ("read", |sh, a, io| Ok(sh.read_builtin(&a[1..], io))),
    ("readarray", |sh, a, io| Ok(sh.mapfile(&a[1..], io))),
    ("readonly", |sh, a, io| sh.declare("readonly", &a[1..], io)),
    ("return", |sh, a, _| sh.return_(&a[1..])),
    ("set", |sh, a, io| Ok(sh.set_builtin(&a[1..], io))),
    ("shift", |sh, a, _| sh.shift(&a[1..])),
    ("shopt", |sh, a, io| Ok(sh.shopt(&a[1..], io))),
    ("source", |sh, a, io| sh.source(&a[1..], io)),
    ("test", |sh, a, io| Ok(sh.test_builtin(a, io))),
    ("trap", |sh, a, io| Ok(sh.trap(&a[1..], io))),
    ("true", |_, _, _| Ok(0)),
    ("type", |sh, a, io| Ok(sh.type_of(&a[1..], io, 0))),
    ("typeset", |sh, a, io| sh.declare("typeset", &a[1..], io)),
    ("ulimit", |_, _, _| Ok(0)),
    ("umask", |_, _, _| Ok(0)),
    ("unalias", |_, _, _| Ok(0)),
    ("unset", |sh, a, _| sh.unset(&a[1..])),
    ("wait", |sh, _, _| sh.wait()),
    ("which", |sh, a, io| Ok(sh.type_of(&a[1..], io, 2))),
];

fn lookup(name: &str) -> Option<Builtin> {
    REGISTRY
        .binary_search_by(|(n, _)| n.cmp(&name))
        .ok()
        .map(|i| REGISTRY[i].1)
}

/// Whether `name` runs inside the shell.
pub fn is_builtin(name: &str) -> bool {
    lookup(name).is_some()
}

impl Shell {
    /// Runs builtin `argv[0]` (127 when there is none of that name).
    pub fn builtin(&mut self, argv: &[String], io: &Io) -> Res {
        match argv.first().and_then(|n| lookup(n)) {
            Some(run) => run(self, argv, io),
            None => Ok(127),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_registry_is_sorted() {
        assert!(super::REGISTRY.windows(2).all(|w| w[0].0 < w[1].0));
    }
}
