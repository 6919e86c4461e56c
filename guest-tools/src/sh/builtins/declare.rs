//! `declare`, `typeset`, `local`, `export`, `readonly`: attributes and values of variables,
//! and their `declare -p` form.

use super::super::state::{Shell, Value, Var};
use super::super::{Io, Res};

impl Shell {
    pub(super) fn declare(&mut self, name: &str, args: &[String], io: &Io) -> Res {
        let mut flags = String::new();
        let mut st = 0;
        let is_flag = |a: &String| {
            (a.starts_with('-') || a.starts_with('+')) && a.len() > 1 && !a.contains('=')
        };
        if matches!(name, "declare" | "typeset")
            && args
                .iter()
                .any(|a| is_flag(a) && a.starts_with('-') && a.contains('p'))
        {
            let names: Vec<String> = args.iter().filter(|a| !is_flag(a)).cloned().collect();
            return Ok(self.declare_print(&names, io));
        }
        for a in args {
            if is_flag(a) {
                flags.push_str(&a[1..]);
                continue;
            }
            let (n, v) = match a.split_once('=') {
                Some((n, v)) => (n.trim_end_matches('+').to_string(), Some(v.to_string())),
                None => (a.clone(), None),
            };
            if !valid_name(n.split('[').next().unwrap_or("")) {
                io.err(&format!("bash: {name}: `{a}': not a valid identifier\n"));
                st = 1;
                continue;
            }
            if name == "local"
                || (matches!(name, "declare" | "typeset")
                    && !flags.contains('g')
                    && !self.locals.is_empty())
            {
                let old = self.vars.get(&n).cloned();
                if let Some(frame) = self
                    .locals
                    .last_mut()
                    .filter(|f| !f.iter().any(|(k, _)| *k == n))
                {
                    frame.push((n.clone(), old));
                }
                if v.is_none() {
                    self.vars.insert(
                        n.clone(),
                        Var {
                            value: Value::Str(String::new()),
                            exported: false,
                            readonly: false,
                            integer: false,
                        },
                    );
                }
            }
            let value = if flags.contains('A') {
                Some(Value::Assoc(Default::default()))
            } else if flags.contains('a')
                && !matches!(self.vars.get(&n).map(|v| &v.value), Some(Value::Indexed(_)))
            {
                Some(Value::Indexed(Default::default()))
            } else {
                None
            };
            if let Some(val) = value {
                self.set_value(&n, val);
            }
            if flags.contains('i') {
                if !self.vars.contains_key(&n) {
                    self.set_var(&n, "");
                }
                if let Some(var) = self.vars.get_mut(&n) {
                    var.integer = true;
                }
            }
            let integer = self.vars.get(&n).is_some_and(|x| x.integer);
            // declare -i n=EXPR, n+=EXPR: the value is arithmetic.
            let v = match v {
                Some(v) if integer && !v.starts_with('(') => {
                    let mut x = match self.arith_str(&v) {
                        Ok(x) => x,
                        Err(m) => {
                            io.err(&format!("bash: {m}\n"));
                            st = 1;
                            continue;
                        }
                    };
                    if a.contains("+=") {
                        let cur = self.get_var(&n).unwrap_or_default();
                        x = x.wrapping_add(cur.trim().parse::<i64>().unwrap_or(0));
                    }
                    self.set_var(&n, &x.to_string());
                    None
                }
                v => v,
            };
            if let Some(v) = v {
                if v.starts_with('(') && v.ends_with(')') {
                    // declare -a x=(a b): the parser leaves the list as text; reparse it.
                    let src = format!("{n}={v}");
                    if let Ok(p) = super::super::exec::parse(&src) {
                        self.run_program(&p, io)?;
                    }
                } else if a.contains("+=") {
                    let cur = self.get_var(&n).unwrap_or_default();
                    self.set_var(&n, &(cur + &v));
                } else {
                    self.set_var(&n, &v);
                }
            }
            if let Some(var) = self.vars.get_mut(&n) {
                if name == "export" || flags.contains('x') {
                    var.exported = true;
                }
                if name == "readonly" || flags.contains('r') {
                    var.readonly = true;
                }
            } else if name == "export" {
                self.vars.insert(
                    n.clone(),
                    Var {
                        value: Value::Str(String::new()),
                        exported: true,
                        readonly: false,
                        integer: false,
                    },
                );
                self.vars.remove(&n);
            }
        }
        if args.iter().all(|a| a.starts_with('-')) && (name == "export" || flags.contains('p')) {
            let mut names: Vec<&String> = self
                .vars
                .keys()
                .filter(|k| name != "export" || self.vars[*k].exported)
                .collect();
            names.sort();
            for n in names {
                let kw = if name == "export" {
                    "declare -x"
                } else {
                    "declare --"
                };
                io.out(format!("{kw} {n}=\"{}\"\n", self.vars[n].value.scalar()).as_bytes());
            }
        }
        Ok(st)
    }
    pub(super) fn declare_print(&self, names: &[String], io: &Io) -> i32 {
        let mut st = 0;
        let mut all: Vec<&String> = self.vars.keys().collect();
        all.sort();
        let list: Vec<&String> = if names.is_empty() {
            all
        } else {
            names.iter().collect()
        };
        for n in list {
            match self.vars.get(n) {
                Some(v) => io.out(format!("{}\n", declare_line(n, v)).as_bytes()),
                None => {
                    io.err(&format!("bash: declare: {n}: not found\n"));
                    st = 1;
                }
            }
        }
        st
    }
}

pub(super) fn valid_name(n: &str) -> bool {
    let mut c = n.chars();
    c.next()
        .is_some_and(|f| f.is_ascii_alphabetic() || f == '_')
        && c.all(|x| x.is_ascii_alphanumeric() || x == '_')
}

/// A value in `declare -p`'s double quotes.
fn dq(s: &str) -> String {
    let mut o = String::from("\"");
    for c in s.chars() {
        if matches!(c, '"' | '\\' | '$' | '`') {
            o.push('\\');
        }
        o.push(c);
    }
    o.push('"');
    o
}

/// One line of `declare -p`: attributes, then the value as bash prints it.
fn declare_line(name: &str, v: &Var) -> String {
    let mut flags = String::new();
    match v.value {
        Value::Indexed(_) => flags.push('a'),
        Value::Assoc(_) => flags.push('A'),
        Value::Str(_) => {}
    }
    if v.integer {
        flags.push('i');
    }
    if v.readonly {
        flags.push('r');
    }
    if v.exported {
        flags.push('x');
    }
    let flags = if flags.is_empty() {
        "-".to_string()
    } else {
        flags
    };
    let value = match &v.value {
        Value::Str(s) => dq(s),
        Value::Indexed(m) => {
            let items: Vec<String> = m.iter().map(|(k, v)| format!("[{k}]={}", dq(v))).collect();
            format!("({})", items.join(" "))
        }
        Value::Assoc(m) => {
            let items: String = m.iter().map(|(k, v)| format!("[{k}]={} ", dq(v))).collect();
            format!("({items})")
        }
    };
    format!("declare -{flags} {name}={value}")
}
