//! `bc`: GNU bc's expression language on `num-bigint`. No crate implements bc itself (the `bc`
//! crate runs the system binary), so the language is ours and the arithmetic is the crate's: a
//! number is an integer and a decimal scale, and every operator follows bc's scale rules
//! (`+ -` keep the larger scale, `*` min(sa+sb, max(scale, sa, sb)), `/` and `sqrt` use `scale`,
//! results are truncated, never rounded). Supported: numbers, variables, `scale`, `last`,
//! assignment operators, `++`/`--`, `^`, `%`, relational and boolean operators, `sqrt`,
//! `length`, `scale()`, strings, comments, `quit`, `-l` (scale 20). Not supported, with a clear
//! error: `ibase`/`obase` other than 10, `define`, control flow, and `-l`'s s c a l e j.

use std::collections::HashMap;
use std::ffi::OsString;
use std::io::Read;

use num_bigint::BigInt;
use num_traits::{Signed, Zero};

/// A decimal: `int / 10^scale`.
#[derive(Clone, Debug)]
struct Num {
    int: BigInt,
    scale: u32,
}

fn pow10(n: u32) -> BigInt {
    BigInt::from(10u8).pow(n)
}

impl Num {
    fn from_int(i: i64) -> Num {
        Num {
            int: BigInt::from(i),
            scale: 0,
        }
    }

    fn parse(s: &str) -> Num {
        let (a, b) = s.split_once('.').unwrap_or((s, ""));
        let digits = format!("{a}{b}");
        Num {
            int: digits.parse().unwrap_or_default(),
            scale: b.len() as u32,
        }
    }

    /// The same value at scale `s` (truncating when lowering).
    fn at(&self, s: u32) -> BigInt {
        if s >= self.scale {
            &self.int * pow10(s - self.scale)
        } else {
            // BigInt division truncates toward zero, as bc does.
            &self.int / pow10(self.scale - s)
        }
    }

    fn rescale(&self, s: u32) -> Num {
        Num {
            int: self.at(s),
            scale: s,
        }
    }

    fn is_zero(&self) -> bool {
        self.int.is_zero()
    }

    fn cmp(&self, o: &Num) -> std::cmp::Ordering {
        let s = self.scale.max(o.scale);
        self.at(s).cmp(&o.at(s))
    }

    fn to_i64(&self) -> Option<i64> {
        i64::try_from(self.at(0)).ok()
    }

    /// bc's output: no leading zero before the point, every digit of the scale kept.
    fn render(&self) -> String {
        if self.is_zero() {
            return "0".into();
        }
        let neg = self.int.is_negative();
        let digits = self.int.abs().to_string();
        let s = self.scale as usize;
        let (ip, fp) = if digits.len() > s {
            digits.split_at(digits.len() - s)
        } else {
            ("", digits.as_str())
        };
        let fp = format!("{}{fp}", "0".repeat(s.saturating_sub(digits.len())));
        let mut out = String::new();
        if neg {
            out.push('-');
        }
        out.push_str(ip);
        if s > 0 {
            out.push('.');
            out.push_str(&fp);
        }
        out
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(String),
    Name(String),
    Str(String),
    Op(&'static str),
    Sep,
}

const OPS: &[&str] = &[
    "++", "--", "+=", "-=", "*=", "/=", "%=", "^=", "==", "!=", "<=", ">=", "&&", "||", "+", "-",
    "*", "/", "%", "^", "=", "<", ">", "!", "(", ")", ",",
];

fn lex(src: &str) -> Result<Vec<Tok>, String> {
    let b: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == '\\' && b.get(i + 1) == Some(&'\n') {
            i += 2;
        } else if c == '\n' || c == ';' {
            out.push(Tok::Sep);
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c == '#' {
            while i < b.len() && b[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && b.get(i + 1) == Some(&'*') {
            i += 2;
            while i + 1 < b.len() && !(b[i] == '*' && b[i + 1] == '/') {
                i += 1;
            }
            i += 2;
        } else if c == '"' {
            let start = i + 1;
            i += 1;
            while i < b.len() && b[i] != '"' {
                i += 1;
            }
            out.push(Tok::Str(b[start..i.min(b.len())].iter().collect()));
            i += 1;
        } else if c.is_ascii_digit() || c == '.' || c.is_ascii_uppercase() {
            let start = i;
            while i < b.len() && (b[i].is_ascii_digit() || b[i] == '.' || b[i].is_ascii_uppercase())
            {
                i += 1;
            }
            out.push(Tok::Num(b[start..i].iter().collect()));
        } else if c.is_ascii_lowercase() || c == '_' {
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == '_') {
                i += 1;
            }
            out.push(Tok::Name(b[start..i].iter().collect()));
        } else {
            let rest: String = b[i..(i + 2).min(b.len())].iter().collect();
            match OPS.iter().find(|op| rest.starts_with(**op)) {
                Some(op) => {
                    out.push(Tok::Op(op));
                    i += op.len();
                }
                None => return Err(format!("illegal character: {c}")),
            }
        }
    }
    out.push(Tok::Sep);
    Ok(out)
}

/// Expressions, kept as a tree so assignments know their target.
#[derive(Debug, Clone)]
enum Expr {
    Num(String),
    Var(String),
    Neg(Box<Expr>),
    Not(Box<Expr>),
    /// Binary operators applied left to right, `a + b - c` kept flat: `paste -sd+ | bc` sums
    /// thousands of terms, and a tree that deep overflowed the stack when evaluated and again
    /// when dropped. `^`, right-associative, is a chain of one whose right side nests.
    Chain(Box<Expr>, Vec<(&'static str, Expr)>),
    Assign(&'static str, String, Box<Expr>),
    Incr(bool, bool, String),
    Call(String, Vec<Expr>),
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> &Tok {
        self.toks.get(self.pos).unwrap_or(&Tok::Sep)
    }

    fn next(&mut self) -> Tok {
        let t = self.peek().clone();
        self.pos += 1;
        t
    }

    fn eat(&mut self, op: &str) -> bool {
        if matches!(self.peek(), Tok::Op(o) if *o == op) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expr(&mut self) -> Result<Expr, String> {
        if let (Tok::Name(n), Some(Tok::Op(op))) =
            (self.peek().clone(), self.toks.get(self.pos + 1))
            && matches!(*op, "=" | "+=" | "-=" | "*=" | "/=" | "%=" | "^=")
        {
            let op = *op;
            self.pos += 2;
            let rhs = self.expr()?;
            return Ok(Expr::Assign(op, n, Box::new(rhs)));
        }
        self.binary(0)
    }

    fn binary(&mut self, level: usize) -> Result<Expr, String> {
        const LEVELS: &[&[&str]] = &[
            &["||"],
            &["&&"],
            &["==", "!=", "<=", ">=", "<", ">"],
            &["+", "-"],
            &["*", "/", "%"],
        ];
        if level == LEVELS.len() {
            return self.power();
        }
        if level == 2 && self.eat("!") {
            let e = self.binary(level)?;
            return Ok(Expr::Not(Box::new(e)));
        }
        let first = self.binary(level + 1)?;
        let mut rest = Vec::new();
        while let Tok::Op(op) = self.peek().clone() {
            if !LEVELS[level].contains(&op) {
                break;
            }
            self.pos += 1;
            rest.push((op, self.binary(level + 1)?));
        }
        Ok(if rest.is_empty() {
            first
        } else {
            Expr::Chain(Box::new(first), rest)
        })
    }

    fn power(&mut self) -> Result<Expr, String> {
        let base = self.unary()?;
        if self.eat("^") {
            let exp = self.power()?;
            return Ok(Expr::Chain(Box::new(base), vec![("^", exp)]));
        }
        Ok(base)
    }

    fn unary(&mut self) -> Result<Expr, String> {
        if self.eat("-") {
            return Ok(Expr::Neg(Box::new(self.unary()?)));
        }
        for (op, up) in [("++", true), ("--", false)] {
            if self.eat(op) {
                return match self.next() {
                    Tok::Name(n) => Ok(Expr::Incr(true, up, n)),
                    _ => Err("syntax error".into()),
                };
            }
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Expr, String> {
        match self.next() {
            Tok::Num(n) => Ok(Expr::Num(n)),
            Tok::Op("(") => {
                let e = self.expr()?;
                if !self.eat(")") {
                    return Err("syntax error".into());
                }
                Ok(e)
            }
            Tok::Name(n) => {
                if self.eat("(") {
                    let mut args = Vec::new();
                    if !self.eat(")") {
                        loop {
                            args.push(self.expr()?);
                            if self.eat(")") {
                                break;
                            }
                            if !self.eat(",") {
                                return Err("syntax error".into());
                            }
                        }
                    }
                    return Ok(Expr::Call(n, args));
                }
                for (op, up) in [("++", true), ("--", false)] {
                    if self.eat(op) {
                        return Ok(Expr::Incr(false, up, n));
                    }
                }
                Ok(Expr::Var(n))
            }
            _ => Err("syntax error".into()),
        }
    }
}

struct Bc {
    vars: HashMap<String, Num>,
    scale: u32,
    math: bool,
}

impl Bc {
    fn get(&self, n: &str) -> Num {
        match n {
            "scale" => Num::from_int(self.scale as i64),
            "ibase" | "obase" => Num::from_int(10),
            _ => self.vars.get(n).cloned().unwrap_or(Num::from_int(0)),
        }
    }

    fn set(&mut self, n: &str, v: Num) -> Result<Num, String> {
        match n {
            "scale" => {
                self.scale = v
                    .to_i64()
                    .filter(|s| (0..=10_000).contains(s))
                    .ok_or("scale out of range")? as u32;
            }
            "ibase" | "obase" if v.to_i64() != Some(10) => {
                return Err(format!("{n} other than 10 is not supported"));
            }
            _ => {
                self.vars.insert(n.to_string(), v.clone());
            }
        }
        Ok(v)
    }

    fn eval(&mut self, e: &Expr) -> Result<Num, String> {
        Ok(match e {
            Expr::Num(s) => {
                if s.chars().any(|c| c.is_ascii_uppercase()) {
                    return Err(format!("digit {s} above base 10 is not supported"));
                }
                Num::parse(s)
            }
            Expr::Var(n) => self.get(n),
            Expr::Neg(x) => {
                let v = self.eval(x)?;
                Num {
                    int: -v.int,
                    scale: v.scale,
                }
            }
            Expr::Not(x) => Num::from_int(i64::from(self.eval(x)?.is_zero())),
            Expr::Chain(first, rest) => {
                let mut acc = self.eval(first)?;
                for (op, e) in rest {
                    let b = self.eval(e)?;
                    acc = self.binop(op, &acc, &b)?;
                }
                acc
            }
            Expr::Assign(op, n, rhs) => {
                let r = self.eval(rhs)?;
                let v = match *op {
                    "=" => r,
                    _ => self.binop(&op[..1], &self.get(n), &r)?,
                };
                self.set(n, v)?
            }
            Expr::Incr(pre, up, n) => {
                let old = self.get(n);
                let new = self.binop(if *up { "+" } else { "-" }, &old, &Num::from_int(1))?;
                self.set(n, new.clone())?;
                if *pre { new } else { old }
            }
            Expr::Call(f, args) => {
                let [x] = args.as_slice() else {
                    return Err(format!("{f}: wrong number of arguments"));
                };
                let x = self.eval(x)?;
                match f.as_str() {
                    "sqrt" => {
                        if x.int.is_negative() {
                            return Err("Square root of a negative number".into());
                        }
                        let s = self.scale.max(x.scale);
                        Num {
                            int: (x.at(2 * s)).sqrt(),
                            scale: s,
                        }
                    }
                    "length" => {
                        let d = x.int.abs().to_string();
                        let n = if x.is_zero() {
                            x.scale.max(1)
                        } else {
                            (d.len() as u32).max(x.scale)
                        };
                        Num::from_int(n as i64)
                    }
                    "scale" => Num::from_int(x.scale as i64),
                    "s" | "c" | "a" | "l" | "e" | "j" if self.math => {
                        return Err(format!("math library function {f}() is not available"));
                    }
                    _ => return Err(format!("Function {f} not defined.")),
                }
            }
        })
    }

    fn binop(&self, op: &str, a: &Num, b: &Num) -> Result<Num, String> {
        let bool_num = |c: bool| Num::from_int(i64::from(c));
        use std::cmp::Ordering::*;
        Ok(match op {
            "+" | "-" => {
                let s = a.scale.max(b.scale);
                let (x, y) = (a.at(s), b.at(s));
                Num {
                    int: if op == "+" { x + y } else { x - y },
                    scale: s,
                }
            }
            "*" => {
                let full = Num {
                    int: &a.int * &b.int,
                    scale: a.scale + b.scale,
                };
                full.rescale((a.scale + b.scale).min(self.scale.max(a.scale).max(b.scale)))
            }
            "/" => {
                if b.is_zero() {
                    return Err("Divide by zero".into());
                }
                let s = self.scale;
                // a/b at scale s = a * 10^(s + sb) / (b * 10^sa), all integers.
                let num = &a.int * pow10(s + b.scale);
                let den = &b.int * pow10(a.scale);
                Num {
                    int: num / den,
                    scale: s,
                }
            }
            "%" => {
                if b.is_zero() {
                    return Err("Modulo by zero".into());
                }
                let q = self.binop("/", a, b)?;
                let qb = Num {
                    int: &q.int * &b.int,
                    scale: q.scale + b.scale,
                };
                let s = (self.scale + b.scale).max(a.scale);
                let r = self.binop("-", a, &qb)?;
                r.rescale(s)
            }
            "^" => {
                let e = b.to_i64().ok_or("exponent too large")?;
                if b.scale > 0 && !b.rescale(0).cmp(b).is_eq() {
                    return Err("non-zero scale in exponent".into());
                }
                if e.unsigned_abs() > 100_000 {
                    return Err("exponent too large".into());
                }
                let p = Num {
                    int: a.int.pow(e.unsigned_abs() as u32),
                    scale: a.scale * e.unsigned_abs() as u32,
                };
                if e >= 0 {
                    p.rescale(p.scale.min(self.scale.max(a.scale)))
                } else {
                    self.binop("/", &Num::from_int(1), &p)?
                }
            }
            "==" => bool_num(a.cmp(b) == Equal),
            "!=" => bool_num(a.cmp(b) != Equal),
            "<" => bool_num(a.cmp(b) == Less),
            "<=" => bool_num(a.cmp(b) != Greater),
            ">" => bool_num(a.cmp(b) == Greater),
            ">=" => bool_num(a.cmp(b) != Less),
            "&&" => bool_num(!a.is_zero() && !b.is_zero()),
            "||" => bool_num(!a.is_zero() || !b.is_zero()),
            _ => return Err("syntax error".into()),
        })
    }
}

/// bc breaks output lines with a backslash so that none is longer than 70 characters (68
/// digits, the backslash, the newline).
fn wrap(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= 68 {
        return format!("{s}\n");
    }
    let mut out = String::new();
    for (i, chunk) in chars.chunks(68).enumerate() {
        if i > 0 {
            out.push_str("\\\n");
        }
        out.extend(chunk);
    }
    out.push('\n');
    out
}

/// Entry point for `bc`.
pub fn main(args: Vec<OsString>) -> i32 {
    let args = crate::sys::utf8_args(args);
    let mut bc = Bc {
        vars: HashMap::new(),
        scale: 0,
        math: false,
    };
    let mut sources = Vec::new();
    for a in &args {
        match a.as_str() {
            "-l" | "--mathlib" => {
                bc.math = true;
                bc.scale = 20;
            }
            "-q" | "--quiet" | "-s" | "--standard" | "-w" | "--warn" => {}
            f if !f.starts_with('-') => match std::fs::read_to_string(f) {
                Ok(t) => sources.push(t),
                Err(e) => {
                    eprintln!("bc: {f}: {}", crate::io_message::io_message(&e));
                    return 1;
                }
            },
            other => {
                eprintln!("bc: invalid option -- '{}'", other.trim_start_matches('-'));
                return 1;
            }
        }
    }
    let mut text = String::new();
    let _ = std::io::stdin().read_to_string(&mut text);
    sources.push(text);
    let mut out = String::new();
    'sources: for src in sources {
        // Statements run line by line so a syntax error costs only its line, as in bc.
        for (ln, line) in src.split_inclusive('\n').enumerate() {
            let toks = match lex(line) {
                Ok(t) => t,
                Err(e) => {
                    eprintln!("(standard_in) {}: {e}", ln + 1);
                    continue;
                }
            };
            let mut p = Parser { toks, pos: 0 };
            while p.pos < p.toks.len() {
                match p.peek().clone() {
                    Tok::Sep => {
                        p.pos += 1;
                        continue;
                    }
                    Tok::Name(n) if n == "quit" => break 'sources,
                    Tok::Name(n)
                        if matches!(
                            n.as_str(),
                            "define" | "if" | "while" | "for" | "print" | "read"
                        ) =>
                    {
                        eprintln!(
                            "(standard_in) {}: `{n}` is not supported by this bc",
                            ln + 1
                        );
                        break;
                    }
                    Tok::Str(s) => {
                        p.pos += 1;
                        out.push_str(&s.replace("\\n", "\n").replace("\\t", "\t"));
                        continue;
                    }
                    _ => {}
                }
                let e = match p.expr() {
                    Ok(e) if matches!(p.peek(), Tok::Sep) => e,
                    _ => {
                        eprintln!("(standard_in) {}: syntax error", ln + 1);
                        break;
                    }
                };
                match bc.eval(&e) {
                    Ok(v) => {
                        if !matches!(e, Expr::Assign(..)) {
                            out.push_str(&wrap(&v.render()));
                            bc.vars.insert("last".into(), v);
                        }
                    }
                    Err(msg) => {
                        // Like bc, a runtime error abandons the rest of its line.
                        eprintln!("Runtime error (func=(main), adr=0): {msg}");
                        break;
                    }
                }
            }
        }
    }
    print!("{out}");
    0
}
