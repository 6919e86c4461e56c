//! Shell arithmetic (`$((...))`, `((...))`, `let`, array indices) over brush-parser's tree.

use brush_parser::ast::{
    ArithmeticExpr as E, ArithmeticTarget as T, BinaryOperator as B, UnaryAssignmentOperator as UA,
    UnaryOperator as U,
};

use super::Io;
use super::state::{Shell, Value};

impl Shell {
    /// Expands `$` references in `src`, then evaluates it.
    pub fn arith_str(&mut self, src: &str) -> Result<i64, String> {
        let expanded = if src.contains(['$', '`']) {
            self.expand_string(src, &Io::default())?
        } else {
            src.to_string()
        };
        let t = expanded.trim();
        if t.is_empty() {
            return Ok(0);
        }
        let e = brush_parser::arithmetic::parse(t)
            .map_err(|_| format!("{t}: syntax error in expression (error token is \"{t}\")"))?;
        self.depth = 0;
        self.eval(&e)
    }

    fn var_num(&mut self, name: &str) -> Result<i64, String> {
        let v = self.get_var(name).unwrap_or_default();
        self.num_of(&v)
    }

    fn num_of(&mut self, v: &str) -> Result<i64, String> {
        let v = v.trim();
        if v.is_empty() {
            return Ok(0);
        }
        if let Some(n) = parse_int(v) {
            return Ok(n);
        }
        // A variable holding an expression is evaluated, as bash does, with a depth bound.
        self.depth += 1;
        if self.depth > 64 {
            return Err(format!("{v}: expression recursion level exceeded"));
        }
        let e = brush_parser::arithmetic::parse(v)
            .map_err(|_| format!("{v}: syntax error: operand expected"))?;
        self.eval(&e)
    }

    fn target_get(&mut self, t: &T) -> Result<i64, String> {
        match t {
            T::Variable(n) => self.var_num(n),
            T::ArrayElement(n, i) => {
                let i = self.eval(i)?;
                let v = match self.vars.get(n).map(|v| &v.value) {
                    Some(Value::Indexed(m)) => m.get(&i).cloned().unwrap_or_default(),
                    Some(Value::Assoc(m)) => m.get(&i.to_string()).cloned().unwrap_or_default(),
                    Some(Value::Str(s)) if i == 0 => s.clone(),
                    _ => String::new(),
                };
                self.num_of(&v)
            }
        }
    }

    fn target_set(&mut self, t: &T, v: i64) -> Result<i64, String> {
        match t {
            T::Variable(n) => {
                self.set_var(n, &v.to_string());
            }
            T::ArrayElement(n, i) => {
                let i = self.eval(i)?;
                let mut m = match self.vars.get(n).map(|v| v.value.clone()) {
                    Some(Value::Indexed(m)) => m,
                    Some(Value::Str(s)) => [(0, s)].into(),
                    _ => Default::default(),
                };
                m.insert(i, v.to_string());
                self.set_value(n, Value::Indexed(m));
            }
        }
        Ok(v)
    }

    fn eval(&mut self, e: &E) -> Result<i64, String> {
        Ok(match e {
            E::Literal(n) => *n,
            E::Reference(t) => self.target_get(t)?,
            E::UnaryOp(op, x) => {
                let v = self.eval(x)?;
                match op {
                    U::UnaryPlus => v,
                    U::UnaryMinus => v.wrapping_neg(),
                    U::BitwiseNot => !v,
                    U::LogicalNot => i64::from(v == 0),
                }
            }
            E::BinaryOp(B::LogicalAnd, a, b) => i64::from(self.eval(a)? != 0 && self.eval(b)? != 0),
            E::BinaryOp(B::LogicalOr, a, b) => i64::from(self.eval(a)? != 0 || self.eval(b)? != 0),
            E::BinaryOp(op, a, b) => {
                let (x, y) = (self.eval(a)?, self.eval(b)?);
                binop(op, x, y)?
            }
            E::Conditional(c, a, b) => {
                if self.eval(c)? != 0 {
                    self.eval(a)?
                } else {
                    self.eval(b)?
                }
            }
            E::Assignment(t, x) => {
                let v = self.eval(x)?;
                self.target_set(t, v)?
            }
            E::BinaryAssignment(op, t, x) => {
                let (cur, v) = (self.target_get(t)?, self.eval(x)?);
                let r = binop(op, cur, v)?;
                self.target_set(t, r)?
            }
            E::UnaryAssignment(op, t) => {
                let cur = self.target_get(t)?;
                let (new, ret) = match op {
                    UA::PrefixIncrement => (cur + 1, cur + 1),
                    UA::PrefixDecrement => (cur - 1, cur - 1),
                    UA::PostfixIncrement => (cur + 1, cur),
                    UA::PostfixDecrement => (cur - 1, cur),
                };
                self.target_set(t, new)?;
                ret
            }
        })
    }
}

fn binop(op: &B, x: i64, y: i64) -> Result<i64, String> {
    Ok(match op {
        B::Power => {
            if y < 0 {
                return Err("exponent less than 0".into());
            }
            x.wrapping_pow(y.min(u32::MAX as i64) as u32)
        }
        B::Multiply => x.wrapping_mul(y),
        B::Divide | B::Modulo if y == 0 => {
            return Err("division by 0 (error token is \"0\")".into());
        }
        B::Divide => x.wrapping_div(y),
        B::Modulo => x.wrapping_rem(y),
        B::Comma => y,
        B::Add => x.wrapping_add(y),
        B::Subtract => x.wrapping_sub(y),
        B::ShiftLeft => x.wrapping_shl(y as u32),
        B::ShiftRight => x.wrapping_shr(y as u32),
        B::LessThan => i64::from(x < y),
        B::LessThanOrEqualTo => i64::from(x <= y),
        B::GreaterThan => i64::from(x > y),
        B::GreaterThanOrEqualTo => i64::from(x >= y),
        B::Equals => i64::from(x == y),
        B::NotEquals => i64::from(x != y),
        B::BitwiseAnd => x & y,
        B::BitwiseXor => x ^ y,
        B::BitwiseOr => x | y,
        B::LogicalAnd => i64::from(x != 0 && y != 0),
        B::LogicalOr => i64::from(x != 0 || y != 0),
    })
}

/// `digits` in `base` (2 to 64) with bash's digits: `0-9`, then `a-z`, `A-Z`, `@`, `_`; up to
/// base 36 letters of either case are the same digit. (`from_str_radix` stops at 36 and panics
/// beyond: `$((64#_))` trapped the shell once.)
fn in_base(digits: &str, base: u32) -> Option<i64> {
    if !(2..=64).contains(&base) || digits.is_empty() {
        return None;
    }
    digits.chars().try_fold(0i64, |acc, c| {
        let d = match c {
            '0'..='9' => c as u32 - '0' as u32,
            'a'..='z' => c as u32 - 'a' as u32 + 10,
            'A'..='Z' if base <= 36 => c as u32 - 'A' as u32 + 10,
            'A'..='Z' => c as u32 - 'A' as u32 + 36,
            '@' => 62,
            '_' => 63,
            _ => return None,
        };
        (d < base).then(|| acc.wrapping_mul(i64::from(base)).wrapping_add(i64::from(d)))
    })
}

/// Parses bash integer syntax: decimal, `0x`, leading-0 octal, `base#digits`.
pub fn parse_int(s: &str) -> Option<i64> {
    let (neg, s) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let v = if let Some(h) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        i64::from_str_radix(h, 16).ok()?
    } else if let Some((b, d)) = s.split_once('#') {
        in_base(d, b.parse().ok()?)?
    } else if s.len() > 1 && s.starts_with('0') {
        i64::from_str_radix(&s[1..], 8).ok()?
    } else {
        s.parse().ok()?
    };
    Some(if neg { -v } else { v })
}

#[cfg(test)]
mod tests {
    use super::parse_int;

    #[test]
    fn integers_parse_in_every_base_bash_knows() {
        assert_eq!(parse_int("42"), Some(42));
        assert_eq!(parse_int("-0x1f"), Some(-31));
        assert_eq!(parse_int("010"), Some(8));
        assert_eq!(parse_int("2#101"), Some(5));
        assert_eq!(parse_int("16#FF"), Some(255));
        assert_eq!(parse_int("36#z"), Some(35));
        assert_eq!(parse_int("64#_"), Some(63));
        assert_eq!(parse_int("64#Z"), Some(61));
        assert_eq!(parse_int("37#Z"), None);
        assert_eq!(parse_int("65#1"), None);
        assert_eq!(parse_int("1#1"), None);
        assert_eq!(parse_int("08"), None);
    }
}
