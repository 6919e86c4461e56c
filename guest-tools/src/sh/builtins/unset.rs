//! `unset`: removes variables, array elements and (`-f`) functions.

use super::super::Res;
use super::super::state::{Shell, Value};

impl Shell {
    /// `unset [-fv] NAME[INDEX]...`.
    pub(super) fn unset(&mut self, args: &[String]) -> Res {
        let status = {
            for a in args.iter().filter(|a| !a.starts_with('-')) {
                if let Some((n, i)) = a.split_once('[') {
                    let i = i.trim_end_matches(']').to_string();
                    let idx = self.arith_str(&i).ok();
                    match self.vars.get_mut(n).map(|v| &mut v.value) {
                        Some(Value::Indexed(m)) => {
                            if let Some(k) = idx {
                                m.remove(&k);
                            }
                        }
                        Some(Value::Assoc(m)) => {
                            m.remove(&i);
                        }
                        _ => {}
                    }
                } else if args.first().is_some_and(|f| f == "-f") {
                    self.funcs.remove(a);
                } else {
                    self.vars.remove(a);
                }
            }
            0
        };
        Ok(status)
    }
}
