//! Assignment: `NAME=value`, `NAME+=value`, `a[i]=v`, `a=(...)`, `declare`'s forms; it changes
//! the shell's state, so it is not part of expansion proper.

use brush_parser::ast;

use super::Io;
use super::state::{Shell, Value};

impl Shell {
    /// `NAME=value`: sets the variable, or returns it for a command's environment.
    pub fn assign(
        &mut self,
        a: &ast::Assignment,
        io: &Io,
        temp: bool,
    ) -> Result<Option<(String, String)>, String> {
        let (name, index) = match &a.name {
            ast::AssignmentName::VariableName(n) => (n.clone(), None),
            ast::AssignmentName::ArrayElementName(n, i) => (n.clone(), Some(i.clone())),
        };
        match &a.value {
            ast::AssignmentValue::Scalar(w) => {
                let v = self.expand_string(&w.value, io)?;
                if temp && index.is_none() {
                    return Ok(Some((name, v)));
                }
                // `declare -i n`: the value is an arithmetic expression, `+=` adds.
                if self.vars.get(&name).is_some_and(|x| x.integer) && index.is_none() {
                    let mut x = self.arith_str(&v)?;
                    if a.append {
                        let cur = self.get_var(&name).unwrap_or_default();
                        x = x.wrapping_add(cur.trim().parse::<i64>().unwrap_or(0));
                    }
                    if !self.set_value(&name, Value::Str(x.to_string())) {
                        return Err(format!("{name}: readonly variable"));
                    }
                    return Ok(None);
                }
                let old = if a.append {
                    self.vars.get(&name).map(|x| x.value.clone())
                } else {
                    None
                };
                match index {
                    Some(i) => {
                        let is_assoc = matches!(
                            self.vars.get(&name).map(|v| &v.value),
                            Some(Value::Assoc(_))
                        );
                        if is_assoc {
                            let key = self.expand_string(&i, io)?;
                            if let Some(Value::Assoc(m)) =
                                self.vars.get_mut(&name).map(|v| &mut v.value)
                            {
                                let e = m.entry(key).or_default();
                                if a.append { e.push_str(&v) } else { *e = v }
                            }
                        } else {
                            let idx = self.arith_str(&i)?;
                            let mut m = match self.vars.get(&name).map(|v| v.value.clone()) {
                                Some(Value::Indexed(m)) => m,
                                Some(Value::Str(s)) => [(0, s)].into(),
                                _ => Default::default(),
                            };
                            let e = m.entry(idx).or_default();
                            if a.append {
                                e.push_str(&v)
                            } else {
                                *e = v
                            }
                            self.set_value(&name, Value::Indexed(m));
                        }
                    }
                    None => {
                        let nv = match old {
                            Some(Value::Str(s)) => s + &v,
                            Some(other) => other.scalar() + &v,
                            None => v,
                        };
                        if !self.set_value(&name, Value::Str(nv)) {
                            return Err(format!("{name}: readonly variable"));
                        }
                    }
                }
            }
            ast::AssignmentValue::Array(items) => {
                let is_assoc = matches!(
                    self.vars.get(&name).map(|v| &v.value),
                    Some(Value::Assoc(_))
                );
                if is_assoc {
                    let mut m = match (a.append, self.vars.get(&name).map(|v| v.value.clone())) {
                        (true, Some(Value::Assoc(m))) => m,
                        _ => Default::default(),
                    };
                    for (k, v) in items {
                        let val = self.expand_string(&v.value, io)?;
                        let key = match k {
                            Some(k) => self.expand_string(&k.value, io)?,
                            None => val.clone(),
                        };
                        m.insert(key, val);
                    }
                    self.set_value(&name, Value::Assoc(m));
                } else {
                    let mut m = match (a.append, self.vars.get(&name).map(|v| v.value.clone())) {
                        (true, Some(Value::Indexed(m))) => m,
                        (true, Some(Value::Str(s))) => [(0, s)].into(),
                        _ => Default::default(),
                    };
                    let mut next = m.keys().next_back().map(|k| k + 1).unwrap_or(0);
                    for (k, v) in items {
                        match k {
                            Some(k) => {
                                let i = self.arith_str(&k.value)?;
                                m.insert(i, self.expand_string(&v.value, io)?);
                                next = i + 1;
                            }
                            None => {
                                for f in self.expand_word(&v.value, io)? {
                                    m.insert(next, f);
                                    next += 1;
                                }
                            }
                        }
                    }
                    self.set_value(&name, Value::Indexed(m));
                }
            }
        }
        Ok(None)
    }
}
