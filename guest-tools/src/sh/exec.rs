//! Running the syntax tree: lists, pipelines, compound commands, simple commands, redirections.

use std::io::BufReader;
use std::os::fd::IntoRawFd;
use std::rc::Rc;

use brush_parser::ast::{
    self, AndOr, Command, CommandPrefixOrSuffixItem as Item, CompoundCommand, IoRedirect,
};
use brush_parser::{Parser, ParserOptions};

use super::error::ShellError;
use super::state::{Body, Shell, Value};
use super::{Ctl, Io, Res};
use crate::sys::{self, SpawnRequest};

/// Deepest parenthesis nesting accepted. brush-parser's PEG grammar backtracks exponentially
/// on runs of unbalanced `(` (arithmetic `((` against subshells): 25 take seconds, 30 minutes.
const MAX_PAREN_DEPTH: usize = 16;

/// Parses a program, with bash's message shape on error.
pub fn parse(source: &str) -> Result<ast::Program, String> {
    let (mut depth, mut max, mut quote) = (0usize, 0usize, false);
    for c in source.chars() {
        match c {
            '\'' => quote = !quote,
            '(' if !quote => {
                depth += 1;
                max = max.max(depth);
            }
            ')' if !quote => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    if max > MAX_PAREN_DEPTH {
        return Err(format!(
            "syntax error: parentheses nested more than {MAX_PAREN_DEPTH} deep"
        ));
    }
    let mut p = Parser::new(BufReader::new(source.as_bytes()), &ParserOptions::default());
    p.parse_program().map_err(|e| format!("syntax error: {e}"))
}

/// Descriptors a command opened for its redirections, closed when it ends.
#[derive(Default)]
pub struct Opened(Vec<u32>);

impl Drop for Opened {
    fn drop(&mut self) {
        for fd in self.0.drain(..) {
            // SAFETY: the redirection that opened `fd` handed it here and kept no copy.
            unsafe { sys::close(fd) };
        }
    }
}

impl Shell {
    /// Runs a whole program.
    pub fn run_program(&mut self, prog: &ast::Program, io: &Io) -> Res {
        let tail = std::mem::take(&mut self.tail);
        let n = prog.complete_commands.len();
        let mut st = 0;
        for (i, cc) in prog.complete_commands.iter().enumerate() {
            self.tail = tail && i + 1 == n;
            st = self.run_list(cc, io)?;
        }
        Ok(st)
    }

    /// Runs `a; b & c` lists.
    pub fn run_list(&mut self, list: &ast::CompoundList, io: &Io) -> Res {
        let tail = std::mem::take(&mut self.tail);
        let n = list.0.len();
        let mut st = self.status;
        for (i, ast::CompoundListItem(ao, sep)) in list.0.iter().enumerate() {
            let async_ = matches!(sep, ast::SeparatorOperator::Async);
            self.tail = tail && i + 1 == n && !async_;
            if async_ {
                let pid = self.spawn_sub(Body::AndOr(ao.clone()), io)?;
                self.jobs.push(pid);
                self.last_bg = Some(pid);
                st = 0;
            } else {
                st = self.run_and_or(ao, io)?;
            }
            self.status = st;
        }
        Ok(st)
    }

    pub fn run_and_or(&mut self, ao: &ast::AndOrList, io: &Io) -> Res {
        let tail = std::mem::take(&mut self.tail);
        let n = ao.additional.len();
        self.tail = tail && n == 0;
        self.in_condition += usize::from(n > 0);
        let mut st = match self.run_pipeline(&ao.first, io) {
            Ok(s) => s,
            Err(e) => {
                self.in_condition -= usize::from(n > 0);
                return Err(e);
            }
        };
        let mut last_ran = n == 0;
        for (i, next) in ao.additional.iter().enumerate() {
            self.status = st;
            let is_last = i + 1 == n;
            if is_last {
                self.in_condition -= 1;
            }
            let (run, p) = match next {
                AndOr::And(p) => (st == 0, p),
                AndOr::Or(p) => (st != 0, p),
            };
            if run {
                self.tail = tail && is_last;
                st = self.run_pipeline(p, io)?;
                last_ran = is_last;
            } else if is_last {
                last_ran = false;
            }
        }
        self.status = st;
        if st != 0 && last_ran && self.in_condition == 0 {
            if let Some(cmd) = self.traps.get("ERR").cloned()
                && let Ok(prog) = parse(&cmd)
            {
                self.run_program(&prog, io)?;
                self.status = st;
            }
            if self.opts.errexit {
                return Err(Ctl::Exit(st));
            }
        }
        Ok(st)
    }

    fn run_pipeline(&mut self, p: &ast::Pipeline, io: &Io) -> Res {
        // `! cmd` inverts the status after the program ends, so the shell outlives it.
        let tail = std::mem::take(&mut self.tail) && !p.bang;
        if p.bang {
            self.in_condition += 1;
        }
        let r = self.run_pipeline_inner(p, io, tail);
        if p.bang {
            self.in_condition -= 1;
            let st = r?;
            return Ok(i32::from(st == 0));
        }
        r
    }

    fn run_pipeline_inner(&mut self, p: &ast::Pipeline, io: &Io, tail: bool) -> Res {
        if p.seq.len() == 1 {
            self.tail = tail;
            let st = self.run_command(&p.seq[0], io)?;
            self.set_pipestatus(&[st]);
            return Ok(st);
        }
        let mut pids = Vec::new();
        let mut prev_read: Option<u32> = None;
        for (i, cmd) in p.seq.iter().enumerate() {
            let last = i + 1 == p.seq.len();
            let mut stage = io.clone();
            if let Some(r) = prev_read {
                stage.0.insert(0, r);
            }
            let next = if last {
                None
            } else {
                match sys::pipe() {
                    Ok((r, w)) => {
                        stage.0.insert(1, w);
                        Some((r, w))
                    }
                    Err(e) => {
                        io.err(&format!("bash: pipe error: {}\n", e.message()));
                        break;
                    }
                }
            };
            // The last stage may replace the shell ([`super::tail`]), waiting at exit for the
            // stages before it; not with `pipefail`, whose status is any stage's.
            let replace = (last && tail && !self.opts.pipefail)
                .then(|| pids.iter().flatten().copied().collect());
            pids.push(self.spawn_stage(cmd, &stage, replace));
            if let Some(r) = prev_read.take() {
                // SAFETY: the pipeline's pipes are ours alone; each end is closed once, after
                // the stage that uses it has its own copy.
                unsafe { sys::close(r) };
            }
            if let Some((r, w)) = next {
                // SAFETY: as above.
                unsafe { sys::close(w) };
                prev_read = Some(r);
            }
        }
        if let Some(r) = prev_read {
            // SAFETY: as above.
            unsafe { sys::close(r) };
        }
        let statuses: Vec<i32> = pids
            .into_iter()
            .map(|p| p.map(sys::wait).unwrap_or(1))
            .collect();
        self.set_pipestatus(&statuses);
        let st = if self.opts.pipefail {
            statuses
                .iter()
                .rev()
                .find(|s| **s != 0)
                .copied()
                .unwrap_or(0)
        } else {
            statuses.last().copied().unwrap_or(0)
        };
        Ok(st)
    }

    fn set_pipestatus(&mut self, st: &[i32]) {
        let m = st
            .iter()
            .enumerate()
            .map(|(i, s)| (i as i64, s.to_string()))
            .collect();
        self.set_value("PIPESTATUS", Value::Indexed(m));
    }

    /// Whether `sc` names an external program this shell can start itself: a plain name that is
    /// not a function or builtin, without assignments before it.
    pub fn runs_directly(&self, sc: &ast::SimpleCommand) -> bool {
        let has_assign = sc
            .prefix
            .as_ref()
            .is_some_and(|p| p.0.iter().any(|i| matches!(i, Item::AssignmentWord(..))));
        let name = sc
            .word_or_name
            .as_ref()
            .map(|w| w.value.as_str())
            .unwrap_or("");
        let plain = !name.is_empty()
            && !name.contains(['$', '`', '\'', '"', '\\', '*', '?', '[', '{', '~']);
        plain && !has_assign && !self.funcs.contains_key(name) && !super::builtins::is_builtin(name)
    }

    /// Expands `sc` and starts its program on `io`; the status when nothing starts (a failed
    /// redirection, a command not found). With `replace`, see [`Shell::start_program`].
    pub fn spawn_simple(
        &mut self,
        sc: &ast::SimpleCommand,
        io: &Io,
        replace: Option<Vec<u32>>,
    ) -> Result<u32, i32> {
        let mut status = 0;
        match self.prepare_simple(sc, io, &mut status) {
            Ok(Some((argv, stage_io, _opened, env))) if !argv.is_empty() => {
                self.start_program(&argv, &stage_io, env, replace)
            }
            Ok(_) => Err(if status == 0 { 1 } else { status }),
            Err(Ctl::Exit(s)) => Err(s),
            Err(_) => Err(1),
        }
    }

    /// Starts one stage of a pipeline: an external program directly (with `replace`, in
    /// place of this shell: see [`Shell::spawn_simple`]), anything else in a subshell.
    fn spawn_stage(&mut self, cmd: &Command, io: &Io, replace: Option<Vec<u32>>) -> Option<u32> {
        if let Command::Simple(sc) = cmd
            && self.runs_directly(sc)
        {
            return self.spawn_simple(sc, io, replace).ok();
        }
        self.spawn_sub(Body::Command(cmd.clone()), io).ok()
    }

    /// Starts `body` in a subshell with this shell's state.
    pub fn spawn_sub(&mut self, body: Body, io: &Io) -> Result<u32, Ctl> {
        let fds: Vec<(u32, u32)> = io.0.iter().map(|(k, v)| (*k, *v)).collect();
        let req = SpawnRequest {
            argv: vec![b"bash".to_vec()],
            env: self.env(),
            cwd: self.cwd().into_bytes(),
            fds,
            state: self.to_sub(body),
            timeout_ns: 0,
        };
        sys::spawn(&req).map_err(|e| {
            io.err(&format!("bash: fork: {}\n", e.message()));
            Ctl::Exit(254)
        })
    }

    /// Runs a subshell and returns its status.
    pub fn run_sub(&mut self, body: Body, io: &Io) -> i32 {
        match self.spawn_sub(body, io) {
            Ok(pid) => sys::wait(pid),
            Err(_) => 254,
        }
    }

    /// `io` with a compound command's redirections applied; the files they open live as long
    /// as `opened`.
    fn compound_io(
        &mut self,
        redirs: Option<&ast::RedirectList>,
        io: &Io,
        opened: &mut Opened,
    ) -> Result<Io, String> {
        match redirs {
            Some(r) => self.redirect(&r.0, io, opened),
            None => Ok(io.clone()),
        }
    }

    /// Runs one command in this shell.
    pub fn run_command(&mut self, cmd: &Command, io: &Io) -> Res {
        let tail = std::mem::take(&mut self.tail);
        match cmd {
            Command::Simple(sc) => {
                self.tail = tail;
                self.run_simple(sc, io)
            }
            Command::Compound(cc, redirs) => {
                let mut opened = Opened::default();
                let io2 = match self.compound_io(redirs.as_ref(), io, &mut opened) {
                    Ok(i) => i,
                    Err(msg) => {
                        io.err(&msg);
                        return Ok(1);
                    }
                };
                self.run_compound(cc, &io2)
            }
            Command::Function(def) => {
                self.funcs
                    .insert(def.fname.value.clone(), Rc::new(def.clone()));
                Ok(0)
            }
            Command::ExtendedTest(t, redirs) => {
                // `[[ -f x ]] 2>/dev/null` and `[[ ... ]] > out`: the redirections apply as
                // to any compound command (they were dropped once).
                let mut opened = Opened::default();
                let io2 = match self.compound_io(redirs.as_ref(), io, &mut opened) {
                    Ok(i) => i,
                    Err(msg) => {
                        io.err(&msg);
                        return Ok(1);
                    }
                };
                match self.ext_test(&t.expr, &io2) {
                    Ok(b) => Ok(i32::from(!b)),
                    Err(e) => {
                        io2.err(&format!("bash: {}\n", e.message));
                        if e.fatal {
                            self.status = 1;
                            return Err(Ctl::Exit(1));
                        }
                        Ok(e.status)
                    }
                }
            }
        }
    }

    fn run_compound(&mut self, cc: &CompoundCommand, io: &Io) -> Res {
        match cc {
            CompoundCommand::BraceGroup(b) => self.run_list(&b.list, io),
            CompoundCommand::Subshell(s) => Ok(self.run_sub(Body::List(s.list.clone()), io)),
            CompoundCommand::IfClause(c) => {
                if self.cond(&c.condition, io)? {
                    return self.run_list(&c.then, io);
                }
                for e in c.elses.iter().flatten() {
                    match &e.condition {
                        Some(cond) if !self.cond(cond, io)? => continue,
                        _ => return self.run_list(&e.body, io),
                    }
                }
                Ok(0)
            }
            CompoundCommand::WhileClause(w) | CompoundCommand::UntilClause(w) => {
                let until = matches!(cc, CompoundCommand::UntilClause(_));
                let mut st = 0;
                loop {
                    if self.cond(&w.0, io)? == until {
                        break;
                    }
                    match self.run_list(&w.1.list, io) {
                        Ok(s) => st = s,
                        Err(Ctl::Break(n)) => {
                            if n > 1 {
                                return Err(Ctl::Break(n - 1));
                            }
                            break;
                        }
                        Err(Ctl::Continue(n)) => {
                            if n > 1 {
                                return Err(Ctl::Continue(n - 1));
                            }
                        }
                        Err(e) => return Err(e),
                    }
                }
                Ok(st)
            }
            CompoundCommand::ForClause(f) => {
                let items = match &f.values {
                    Some(words) => {
                        let mut v = Vec::new();
                        for w in words {
                            match self.expand_word(&w.value, io) {
                                Ok(mut x) => v.append(&mut x),
                                Err(msg) => return self.expansion_failed(msg, io),
                            }
                        }
                        v
                    }
                    None => self.positional.clone(),
                };
                let mut st = 0;
                for item in items {
                    self.set_var(&f.variable_name, &item);
                    match self.run_list(&f.body.list, io) {
                        Ok(s) => st = s,
                        Err(Ctl::Break(n)) => {
                            if n > 1 {
                                return Err(Ctl::Break(n - 1));
                            }
                            break;
                        }
                        Err(Ctl::Continue(n)) => {
                            if n > 1 {
                                return Err(Ctl::Continue(n - 1));
                            }
                        }
                        Err(e) => return Err(e),
                    }
                }
                Ok(st)
            }
            CompoundCommand::ArithmeticForClause(f) => {
                let eval = |sh: &mut Shell,
                            e: &Option<ast::UnexpandedArithmeticExpr>|
                 -> Result<i64, String> {
                    match e {
                        Some(x) => sh.arith_str(&x.value),
                        None => Ok(1),
                    }
                };
                if let Err(m) = eval(self, &f.initializer) {
                    return self.expansion_failed(m, io);
                }
                let mut st = 0;
                loop {
                    match eval(self, &f.condition) {
                        Ok(0) => break,
                        Ok(_) => {}
                        Err(m) => return self.expansion_failed(m, io),
                    }
                    match self.run_list(&f.body.list, io) {
                        Ok(s) => st = s,
                        Err(Ctl::Break(n)) => {
                            if n > 1 {
                                return Err(Ctl::Break(n - 1));
                            }
                            break;
                        }
                        Err(Ctl::Continue(n)) if n > 1 => return Err(Ctl::Continue(n - 1)),
                        Err(Ctl::Continue(_)) => {}
                        Err(e) => return Err(e),
                    }
                    if let Err(m) = eval(self, &f.updater) {
                        return self.expansion_failed(m, io);
                    }
                }
                Ok(st)
            }
            CompoundCommand::CaseClause(c) => {
                let value = match self.expand_string(&c.value.value, io) {
                    Ok(v) => v,
                    Err(m) => return self.expansion_failed(m, io),
                };
                let mut st = 0;
                let mut i = 0;
                let mut fall = false;
                while i < c.cases.len() {
                    let item = &c.cases[i];
                    let mut hit = fall;
                    if !hit {
                        for p in &item.patterns {
                            let pat = match self.expand_pattern(&p.value, io) {
                                Ok(p) => p,
                                Err(m) => return self.expansion_failed(m, io),
                            };
                            if crate::pattern::pattern_match(&pat, &value) {
                                hit = true;
                                break;
                            }
                        }
                    }
                    if hit {
                        if let Some(cmd) = &item.cmd {
                            st = self.run_list(cmd, io)?;
                        }
                        match item.post_action {
                            ast::CaseItemPostAction::ExitCase => break,
                            ast::CaseItemPostAction::UnconditionallyExecuteNextCaseItem => {
                                fall = true
                            }
                            ast::CaseItemPostAction::ContinueEvaluatingCases => fall = false,
                        }
                    }
                    i += 1;
                }
                Ok(st)
            }
            CompoundCommand::Arithmetic(a) => match self.arith_str(&a.expr.value) {
                Ok(v) => Ok(i32::from(v == 0)),
                Err(m) => self.expansion_failed(m, io),
            },
            CompoundCommand::Coprocess(_) => {
                io.err("bash: coproc: not supported in this sandbox\n");
                Ok(2)
            }
        }
    }

    /// Runs a condition list with `set -e` suspended.
    fn cond(&mut self, list: &ast::CompoundList, io: &Io) -> Result<bool, Ctl> {
        self.in_condition += 1;
        let r = self.run_list(list, io);
        self.in_condition -= 1;
        Ok(r? == 0)
    }

    /// Reports an expansion error the way bash does: the command fails; a non-interactive
    /// shell stops for `${x?}` and bad substitutions.
    pub fn expansion_failed(&mut self, e: impl Into<ShellError>, io: &Io) -> Res {
        let e = e.into();
        io.err(&format!("bash: {e}\n"));
        self.status = 1;
        if e.fatal() {
            return Err(Ctl::Exit(1));
        }
        Ok(1)
    }

    /// Expands a simple command's words, assignments and redirections.
    #[allow(
        clippy::type_complexity,
        reason = "one tuple of what a simple command needs; a struct would be used once"
    )]
    fn prepare_simple(
        &mut self,
        sc: &ast::SimpleCommand,
        io: &Io,
        status: &mut i32,
    ) -> Result<Option<(Vec<String>, Io, Opened, Vec<(String, String)>)>, Ctl> {
        let mut argv = Vec::new();
        let mut assigns = Vec::new();
        let mut redirs = Vec::new();
        let mut psubs: Vec<(u32, u32)> = Vec::new();
        let items = sc.prefix.iter().flat_map(|p| p.0.iter());
        let words = sc.word_or_name.iter().map(|w| Item::Word(w.clone()));
        let suffix = sc.suffix.iter().flat_map(|s| s.0.iter().cloned());
        let all: Vec<Item> = items.cloned().chain(words).chain(suffix).collect();
        // Where the previous word or process substitution ended in the source: the parser
        // splits `--file=<(cmd)` into a word and a substitution that touch, and bash makes
        // them one argument.
        // Only a substitution glues: two words never touch, and spans after a heredoc are
        // not reliable enough to say they do.
        let mut last_end: Option<usize> = None;
        let mut last_psub = false;
        // Whether the previous item was a prefix assignment (`x=<(cmd) prog`): what touches it
        // is part of its value, not an argument.
        let mut last_assign = false;
        for item in &all {
            let psub = matches!(item, Item::ProcessSubstitution(..));
            let (start, end) = match item {
                // `f=<(cmd)` and `--opt=<(cmd)` alike: the assignment-shaped word is glued to
                // the substitution that touches it (`awk -v f=<(cmd)`, `declare x=<(cmd)`).
                Item::Word(w) | Item::AssignmentWord(_, w) => {
                    w.loc.as_ref().map(|l| (l.start.index, l.end.index)).unzip()
                }
                // The subshell's span starts at its `(`, one past the `<` or `>`.
                Item::ProcessSubstitution(_, s) => {
                    (s.loc.start.index.checked_sub(1), Some(s.loc.end.index))
                }
                _ => (None, None),
            };
            let touches = (psub || last_psub) && start.is_some() && start == last_end;
            let glued = touches && !argv.is_empty();
            let into_assign = touches && argv.is_empty() && last_assign;
            last_end = end;
            last_psub = psub;
            last_assign = false;
            let argv_len = argv.len();
            match item {
                Item::Word(w) => match self.expand_word(&w.value, io) {
                    Ok(mut v) => argv.append(&mut v),
                    Err(m) => {
                        *status = self.expansion_failed(m, io)?;
                        return Ok(None);
                    }
                },
                Item::AssignmentWord(a, _) if argv.is_empty() => {
                    assigns.push(a.clone());
                    last_assign = true;
                }
                Item::AssignmentWord(_, w) => match self.expand_word(&w.value, io) {
                    Ok(mut v) => argv.append(&mut v),
                    Err(m) => {
                        *status = self.expansion_failed(m, io)?;
                        return Ok(None);
                    }
                },
                Item::IoRedirect(r) => redirs.push(r.clone()),
                Item::ProcessSubstitution(kind, sub) => match self.process_subst(kind, sub, io) {
                    Ok(fd) => {
                        // Numbered down from 63 in the child, as bash does.
                        let n = 63 - psubs.len() as u32;
                        psubs.push((n, fd));
                        argv.push(format!("/dev/fd/{n}"));
                    }
                    Err(m) => {
                        io.err(&m);
                        *status = 1;
                        return Ok(None);
                    }
                },
            }
            if glued && argv.len() > argv_len {
                let first = argv.remove(argv_len);
                argv[argv_len - 1].push_str(&first);
            } else if into_assign
                && !argv.is_empty()
                && let Some(ast::AssignmentValue::Scalar(w)) = assigns
                    .last_mut()
                    .map(|a: &mut ast::Assignment| &mut a.value)
            {
                // Quoted: the path (or a word's expansion) is not expanded a second time.
                w.value.push_str(&super::quote::quote(&argv.remove(0)));
                last_assign = true;
            }
        }
        let mut opened = Opened(psubs.iter().map(|p| p.1).collect());
        let io2 = match self.redirect(&redirs, io, &mut opened) {
            Ok(mut i) => {
                i.0.extend(psubs.iter().copied());
                i
            }
            Err(msg) => {
                io.err(&msg);
                *status = 1;
                return Ok(None);
            }
        };
        let mut env = Vec::new();
        for a in &assigns {
            match self.assign(a, io, !argv.is_empty()) {
                Ok(Some(kv)) => env.push(kv),
                Ok(None) => {}
                Err(m) => {
                    *status = self.expansion_failed(m, io)?;
                    return Ok(None);
                }
            }
        }
        Ok(Some((argv, io2, opened, env)))
    }

    fn run_simple(&mut self, sc: &ast::SimpleCommand, io: &Io) -> Res {
        let tail = std::mem::take(&mut self.tail);
        let mut status = 0;
        self.cmd_subst_status = None;
        let Some((argv, io2, _opened, env)) = self.prepare_simple(sc, io, &mut status)? else {
            return self.finish(status);
        };
        if argv.is_empty() {
            let st = self.cmd_subst_status.take().unwrap_or(0);
            return self.finish(st);
        }
        if self.opts.xtrace {
            io.err(&format!("+ {}\n", argv.join(" ")));
        }
        let name = argv[0].clone();
        let func = self.funcs.get(&name).cloned();
        if func.is_some() || super::builtins::is_builtin(&name) {
            // `IFS=, read a b` and `X=1 f`: the assignments hold for this command only, and
            // are in its environment, as bash's temporary environment is (`X=1 env`).
            let saved: Vec<(String, Option<super::state::Var>)> = env
                .iter()
                .map(|(k, _)| (k.clone(), self.vars.get(k).cloned()))
                .collect();
            for (k, v) in &env {
                self.set_var(k, v);
                if let Some(var) = self.vars.get_mut(k) {
                    var.exported = true;
                }
            }
            let r = match &func {
                Some(f) => self.call_function(f, &argv, &io2),
                None => self.builtin(&argv, &io2),
            };
            for (k, old) in saved {
                match old {
                    Some(v) => {
                        self.vars.insert(k, v);
                    }
                    None => {
                        self.vars.remove(&k);
                    }
                }
            }
            let st = r?;
            return self.finish(st);
        }
        let st = match self.start_program(&argv, &io2, env, tail.then(Vec::new)) {
            Ok(pid) => sys::wait(pid),
            Err(st) => st,
        };
        self.finish(st)
    }

    fn finish(&mut self, st: i32) -> Res {
        self.status = st;
        Ok(st)
    }

    fn call_function(&mut self, f: &ast::FunctionDefinition, argv: &[String], io: &Io) -> Res {
        if self.locals.len() > 1000 {
            io.err(&format!(
                "bash: {}: maximum function nesting level exceeded (1000)\n",
                argv[0]
            ));
            return Err(Ctl::Exit(1));
        }
        let saved = std::mem::replace(&mut self.positional, argv[1..].to_vec());
        self.locals.push(Vec::new());
        let mut opened = Opened::default();
        let r = match &f.body.1 {
            Some(r) => match self.redirect(&r.0, io, &mut opened) {
                Ok(io2) => self.run_compound(&f.body.0, &io2),
                Err(m) => {
                    io.err(&m);
                    Ok(1)
                }
            },
            None => self.run_compound(&f.body.0, io),
        };
        for (name, old) in self.locals.pop().unwrap_or_default().into_iter().rev() {
            match old {
                Some(v) => {
                    self.vars.insert(name, v);
                }
                None => {
                    self.vars.remove(&name);
                }
            }
        }
        self.positional = saved;
        let st = match r {
            Ok(s) => s,
            Err(Ctl::Return(s)) => s,
            Err(e) => return Err(e),
        };
        self.finish(st)
    }

    /// Starts an external program; `Err` carries bash's status when it cannot start.
    pub fn spawn_program(
        &mut self,
        argv: &[String],
        io: &Io,
        env: Vec<(String, String)>,
    ) -> Result<u32, i32> {
        self.start_program(argv, io, env, None)
    }

    /// [`Shell::spawn_program`], or with `replace` the program in place of this shell when the
    /// host allows ([`super::tail`]): then it never returns, and the shell waits at exit for
    /// the processes `replace` lists.
    fn start_program(
        &mut self,
        argv: &[String],
        io: &Io,
        env: Vec<(String, String)>,
        replace: Option<Vec<u32>>,
    ) -> Result<u32, i32> {
        let req = self.program_request(argv, io, env)?;
        let req = match replace {
            Some(others) => self.replace_with(req, others),
            None => req,
        };
        sys::spawn(&req).map_err(|e| {
            io.err(&format!("bash: fork: {}\n", e.message()));
            126
        })
    }

    /// What starting external program `argv` asks of the host; `Err` carries bash's status
    /// (and its message is written) when there is no such program.
    fn program_request(
        &mut self,
        argv: &[String],
        io: &Io,
        env: Vec<(String, String)>,
    ) -> Result<SpawnRequest, i32> {
        let name = &argv[0];
        let tool = if name.contains('/') {
            let base = name.rsplit('/').next().unwrap_or("");
            let abs = if name.starts_with('/') {
                name.clone()
            } else {
                format!("{}/{name}", self.cwd())
            };
            if (abs == format!("/usr/bin/{base}") || abs == format!("/bin/{base}"))
                && rcabox_proto::TOOLS.contains(&base)
            {
                base.to_string()
            } else if std::path::Path::new(name).is_file() {
                // A script: run it with this shell, as bash does for a file without a shebang.
                let mut args = vec!["bash".to_string()];
                args.extend(argv.iter().cloned());
                return self.program_request(&args, io, env);
            } else if std::path::Path::new(name).is_dir() {
                io.err(&format!("bash: {name}: Is a directory\n"));
                return Err(126);
            } else {
                io.err(&format!("bash: {name}: No such file or directory\n"));
                return Err(127);
            }
        } else if rcabox_proto::TOOLS.contains(&name.as_str()) {
            name.clone()
        } else {
            io.err(&format!(
                "bash: {name}: command not found (available: {})\n",
                rcabox_proto::TOOLS.join(" ")
            ));
            return Err(127);
        };
        let mut envv = self.env();
        for (k, v) in env {
            let prefix = format!("{k}=");
            envv.retain(|e| !e.starts_with(prefix.as_bytes()));
            envv.push(format!("{k}={v}").into_bytes());
        }
        let mut args: Vec<Vec<u8>> = argv.iter().map(|a| a.clone().into_bytes()).collect();
        args[0] = tool.into_bytes();
        Ok(SpawnRequest {
            argv: args,
            env: envv,
            cwd: self.cwd().into_bytes(),
            fds: io.0.iter().map(|(k, v)| (*k, *v)).collect(),
            state: Vec::new(),
            timeout_ns: 0,
        })
    }

    /// `<(cmd)` and `>(cmd)`: a pipe to a subshell; returns the shell's end of it.
    fn process_subst(
        &mut self,
        kind: &ast::ProcessSubstitutionKind,
        sub: &ast::SubshellCommand,
        io: &Io,
    ) -> Result<u32, String> {
        let read = matches!(kind, ast::ProcessSubstitutionKind::Read);
        self.process_subst_source(read, Body::List(sub.list.clone()), io)
    }

    /// Starts `source` with its stdout (`read`) or stdin on a pipe; returns our end.
    fn process_subst_source(&mut self, read: bool, body: Body, io: &Io) -> Result<u32, String> {
        let (r, w) = sys::pipe().map_err(|e| format!("bash: pipe: {}\n", e.message()))?;
        let mut child_io = io.clone();
        let (child_end, our_end, child_fd) = if read { (w, r, 1) } else { (r, w, 0) };
        child_io.0.insert(child_fd, child_end);
        let pid = self.spawn_sub(body, &child_io);
        // SAFETY: `child_end` came from `pipe` above; the child has its own copy.
        unsafe { sys::close(child_end) };
        let pid = pid.map_err(|_| "bash: fork failed\n".to_string())?;
        self.jobs.push(pid);
        Ok(our_end)
    }

    /// Applies redirections to `io`, opening files; errors are bash's messages.
    pub fn redirect(
        &mut self,
        redirs: &[IoRedirect],
        io: &Io,
        opened: &mut Opened,
    ) -> Result<Io, String> {
        let mut io = io.clone();
        for r in redirs {
            match r {
                IoRedirect::File(fd, kind, target) => {
                    use ast::IoFileRedirectKind as K;
                    let default_fd =
                        if matches!(kind, K::Read | K::ReadAndWrite | K::DuplicateInput) {
                            0
                        } else {
                            1
                        };
                    let fd = fd.map(|f| f as u32).unwrap_or(default_fd);
                    let word = match target {
                        ast::IoFileRedirectTarget::Filename(w) => Some(w.value.clone()),
                        ast::IoFileRedirectTarget::Fd(n) => {
                            match io.get(*n as u32) {
                                Some(real) => {
                                    io.0.insert(fd, real);
                                }
                                None => return Err(format!("bash: {n}: Bad file descriptor\n")),
                            }
                            None
                        }
                        ast::IoFileRedirectTarget::Duplicate(w) => Some(w.value.clone()),
                        ast::IoFileRedirectTarget::ProcessSubstitution(k, sub) => {
                            let real = self.process_subst(k, sub, &io)?;
                            opened.0.push(real);
                            io.0.insert(fd, real);
                            None
                        }
                    };
                    let Some(word) = word else { continue };
                    let path = self
                        .expand_string(&word, &io)
                        .map_err(|m| format!("bash: {m}\n"))?;
                    if matches!(kind, K::DuplicateInput | K::DuplicateOutput) {
                        if path == "-" {
                            io.0.remove(&fd);
                            continue;
                        }
                        if let Ok(n) = path.parse::<u32>() {
                            let real = io
                                .get(n)
                                .ok_or(format!("bash: {n}: Bad file descriptor\n"))?;
                            io.0.insert(fd, real);
                            continue;
                        }
                    }
                    let mut oo = std::fs::OpenOptions::new();
                    match kind {
                        K::Read | K::DuplicateInput => oo.read(true),
                        K::Write | K::Clobber | K::DuplicateOutput => {
                            oo.write(true).create(true).truncate(true)
                        }
                        K::Append => oo.append(true).create(true),
                        K::ReadAndWrite => oo.read(true).write(true).create(true),
                    };
                    let real = open_path(&oo, &path)?;
                    opened.0.push(real);
                    io.0.insert(fd, real);
                    if matches!(kind, K::DuplicateOutput) && fd == 1 {
                        io.0.insert(2, real);
                    }
                }
                IoRedirect::OutputAndError(w, append) => {
                    let path = self
                        .expand_string(&w.value, &io)
                        .map_err(|m| format!("bash: {m}\n"))?;
                    let mut oo = std::fs::OpenOptions::new();
                    if *append {
                        oo.append(true).create(true);
                    } else {
                        oo.write(true).create(true).truncate(true);
                    }
                    let real = open_path(&oo, &path)?;
                    opened.0.push(real);
                    io.0.insert(1, real);
                    io.0.insert(2, real);
                }
                IoRedirect::HereDocument(fd, doc) => {
                    let fd = fd.map(|f| f as u32).unwrap_or(0);
                    let mut text = if doc.requires_expansion {
                        self.expand_heredoc(&doc.doc.value, &io)
                            .map_err(|m| format!("bash: {m}\n"))?
                    } else {
                        doc.doc.value.clone()
                    };
                    if doc.remove_tabs {
                        text = text
                            .lines()
                            .map(|l| l.trim_start_matches('\t'))
                            .collect::<Vec<_>>()
                            .join("\n")
                            + "\n";
                    }
                    let real = sys::memfd(text.as_bytes())
                        .map_err(|e| format!("bash: here-document: {}\n", e.message()))?;
                    opened.0.push(real);
                    io.0.insert(fd, real);
                }
                IoRedirect::HereString(fd, w) => {
                    let fd = fd.map(|f| f as u32).unwrap_or(0);
                    let text = self
                        .expand_string(&w.value, &io)
                        .map_err(|m| format!("bash: {m}\n"))?
                        + "\n";
                    let real = sys::memfd(text.as_bytes())
                        .map_err(|e| format!("bash: here-string: {}\n", e.message()))?;
                    opened.0.push(real);
                    io.0.insert(fd, real);
                }
            }
        }
        Ok(io)
    }
}

/// Opens `path` for a redirection.
fn open_path(oo: &std::fs::OpenOptions, path: &str) -> Result<u32, String> {
    if path.is_empty() {
        return Err("bash: : No such file or directory\n".into());
    }
    match oo.open(path) {
        Ok(f) => Ok(f.into_raw_fd() as u32),
        Err(e) => Err(format!(
            "bash: {path}: {}\n",
            crate::io_message::io_message(&e)
        )),
    }
}
