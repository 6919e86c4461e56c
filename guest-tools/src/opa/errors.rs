//! regorus's errors in OPA's shapes: a code (`rego_parse_error`, ...), a location, and the
//! source line with a caret. regorus writes an error as
//! `\n--> FILE:ROW:COL\n  |\nROW | LINE\n  |     ^\nerror: MESSAGE`; the parts are read back
//! from that text, since its error type carries no fields.

use regorus::Value;

use super::json::Doc;

/// Where an error is, as OPA's `ast.Location` reports it.
pub struct Location {
    /// The file, as it was named on the command line; empty for the query.
    pub file: String,
    /// Line, from 1.
    pub row: u32,
    /// Column, from 1.
    pub col: u32,
    /// The source line.
    pub line: String,
}

/// One error of OPA's result (`presentation.OutputError`).
pub struct OpaError {
    /// What went wrong.
    pub message: String,
    /// OPA's error code; none for loader and I/O errors.
    pub code: Option<&'static str>,
    /// Where, when known.
    pub location: Option<Location>,
}

/// At which step the error happened, which decides its code.
#[derive(Clone, Copy)]
pub enum Stage {
    /// Parsing a policy or the query.
    Parse,
    /// Compiling and evaluating.
    Eval,
}

impl OpaError {
    /// An error with no code and no location (loading files, reading input).
    pub fn plain(message: String) -> Self {
        OpaError {
            message,
            code: None,
            location: None,
        }
    }

    /// Reads regorus's error text.
    pub fn from_regorus(e: &anyhow::Error, stage: Stage) -> Self {
        let text = format!("{e:#}");
        let (location, message) = split(&text);
        let code = match stage {
            Stage::Parse => "rego_parse_error",
            Stage::Eval => eval_code(&message),
        };
        OpaError {
            message,
            code: Some(code),
            location,
        }
    }

    /// The error as OPA's `Error()` prints it: `FILE:ROW: CODE: MESSAGE`, and for parse
    /// errors the line and a caret under the column, each indented by a tab.
    pub fn text(&self) -> String {
        let mut s = String::new();
        if let Some(l) = &self.location {
            if l.file.is_empty() {
                s.push_str(&format!("{}:{}: ", l.row, l.col));
            } else {
                s.push_str(&format!("{}:{}: ", l.file, l.row));
            }
        }
        if let Some(c) = self.code {
            s.push_str(c);
            s.push_str(": ");
        }
        s.push_str(&self.message);
        if let (Some(l), Some("rego_parse_error")) = (&self.location, self.code)
            && !l.line.is_empty()
        {
            let pad: String = l
                .line
                .chars()
                .take(l.col.saturating_sub(1) as usize)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            s.push_str(&format!("\n\t{}\n\t{pad}^", l.line));
        }
        s
    }

    /// The error as a member of `--format json`'s `errors` list.
    pub fn doc(&self) -> Doc {
        let mut f = vec![("message", Doc::Val(Value::from(self.message.as_str())))];
        if let Some(c) = self.code {
            f.push(("code", Doc::Val(Value::from(c))));
        }
        if let Some(l) = &self.location {
            f.push((
                "location",
                Doc::Fields(vec![
                    ("file", Doc::Val(Value::from(l.file.as_str()))),
                    ("row", Doc::Val(Value::from(u64::from(l.row)))),
                    ("col", Doc::Val(Value::from(u64::from(l.col)))),
                ]),
            ));
            if self.code == Some("rego_parse_error") && !l.line.is_empty() {
                f.push((
                    "details",
                    Doc::Fields(vec![
                        ("line", Doc::Val(Value::from(l.line.as_str()))),
                        (
                            "idx",
                            Doc::Val(Value::from(u64::from(l.col.saturating_sub(1)))),
                        ),
                    ]),
                ));
            }
        }
        Doc::Fields(f)
    }
}

/// All errors as OPA prints them for `--format pretty`/`raw` and on stderr: one is
/// `1 error occurred: ...`, several are counted on a line of their own.
pub fn text_of_all(errs: &[OpaError]) -> String {
    let body: Vec<String> = errs.iter().map(OpaError::text).collect();
    if errs.len() == 1 {
        format!("1 error occurred: {}", body.join("\n"))
    } else {
        format!("{} errors occurred:\n{}", errs.len(), body.join("\n"))
    }
}

/// OPA's code for an evaluation error, guessed from regorus's wording.
fn eval_code(message: &str) -> &'static str {
    let m = message.to_ascii_lowercase();
    if m.contains("conflict") || m.contains("multiple") {
        "eval_conflict_error"
    } else if m.contains("unsafe") {
        "rego_unsafe_var_error"
    } else if m.contains("recursi") {
        "rego_recursion_error"
    } else if m.contains("function") || m.contains("undefined") || m.contains("not a") {
        "rego_type_error"
    } else {
        "eval_builtin_error"
    }
}

/// Splits regorus's text into its location and its message.
fn split(text: &str) -> (Option<Location>, String) {
    let Some(at) = text.find("--> ") else {
        return (None, text.trim().to_string());
    };
    // Anything regorus put before the location (a context line) is kept in the message.
    let before = text[..at].trim();
    let rest = &text[at + 4..];
    let mut lines = rest.lines();
    let head = lines.next().unwrap_or_default();
    let mut parts = head.rsplitn(3, ':');
    let col = parts.next().and_then(|c| c.trim().parse().ok());
    let row = parts.next().and_then(|r| r.trim().parse().ok());
    let file = parts.next().unwrap_or_default();
    // regorus names the query `<query.rego>`; OPA gives the query no file.
    let file = if file == "<query.rego>" {
        String::new()
    } else {
        file.to_string()
    };
    let body: Vec<&str> = lines.collect();
    // The source line is the second of the three `|` lines; the message follows the caret.
    let line = body
        .get(1)
        .and_then(|l| l.split_once("| "))
        .map(|(_, t)| t.to_string())
        .unwrap_or_default();
    let after: Vec<&str> = body.iter().skip(3).copied().collect();
    let mut message = after.join("\n");
    if let Some(m) = message.strip_prefix("error: ") {
        message = m.to_string();
    }
    if !before.is_empty() {
        message = format!("{before}: {message}");
    }
    let location = match (row, col) {
        (Some(row), Some(col)) => Some(Location {
            file,
            row,
            col,
            line,
        }),
        _ => None,
    };
    (location, message.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_regorus_text() {
        let t = "\n--> policy.rego:3:5\n  |\n3 | x := \n  |     ^\nerror: unexpected eof";
        let (l, m) = split(t);
        let l = l.expect("location");
        assert_eq!(
            (l.file.as_str(), l.row, l.col, l.line.as_str()),
            ("policy.rego", 3, 5, "x := ")
        );
        assert_eq!(m, "unexpected eof");
        let e = OpaError {
            message: m,
            code: Some("rego_parse_error"),
            location: Some(l),
        };
        assert_eq!(
            text_of_all(&[e]),
            "1 error occurred: policy.rego:3: rego_parse_error: unexpected eof\n\tx := \n\t    ^"
        );
    }
}
