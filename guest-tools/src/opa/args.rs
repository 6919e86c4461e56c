//! `opa eval`'s command line, in the forms of OPA's cobra/pflag parser: `-d x`, `-dx`,
//! `--data x`, `--data=x`, and boolean flags that also take `=true`/`=false`.

/// How results are printed (`--format`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Format {
    /// The whole result set, indented JSON (the default).
    Json,
    /// Bare values: strings unquoted, others compact JSON.
    Raw,
    /// The value alone for a single expression; `undefined` when there is none.
    Pretty,
    /// One JSON array of expression values per result.
    Values,
    /// One JSON object of variable bindings per result.
    Bindings,
}

/// What `opa eval` was asked to do.
#[derive(Debug)]
pub struct EvalArgs {
    /// `-d`/`--data`: policy and data files or directories, in order.
    pub data: Vec<String>,
    /// `-i`/`--input`: the input document's file.
    pub input: Option<String>,
    /// `-I`/`--stdin-input`: the input document is read from stdin.
    pub stdin_input: bool,
    /// `--stdin`: the query is read from stdin.
    pub stdin_query: bool,
    /// `-f`/`--format`.
    pub format: Format,
    /// `--fail`: exit 1 when the result is undefined.
    pub fail: bool,
    /// `--fail-defined`: exit 1 when the result is defined.
    pub fail_defined: bool,
    /// `--v0-compatible`: policies are Rego v0 (OPA before 1.0).
    pub v0: bool,
    /// `--strict-builtin-errors`: a built-in function's error stops evaluation.
    pub strict_builtin_errors: bool,
    /// The query (absent with `--stdin`).
    pub query: Option<String>,
}

/// OPA's flags that take a value and that this `opa` accepts and ignores: they change how
/// OPA reports (metrics, profiles) or optimises, never the result.
const IGNORED_WITH_VALUE: &[&str] = &[
    "--explain",
    "--profile-limit",
    "--profile-sort",
    "--pretty-limit",
    "--timeout",
    "--ignore",
];
/// Boolean flags accepted and ignored, for the same reason.
const IGNORED_BOOL: &[&str] = &[
    "--metrics",
    "--profile",
    "--instrument",
    "--coverage",
    "--disable-indexing",
    "--disable-early-exit",
    "--show-builtin-errors",
    "--v1-compatible",
];

fn parse_format(s: &str) -> Result<Format, String> {
    Ok(match s {
        "json" => Format::Json,
        "raw" => Format::Raw,
        "pretty" => Format::Pretty,
        "values" => Format::Values,
        "bindings" => Format::Bindings,
        "source" | "discard" => {
            return Err(format!(
                "--format {s} is not supported here (json, raw, pretty, values, bindings are)"
            ));
        }
        _ => {
            return Err(format!(
                "invalid argument \"{s}\" for \"-f, --format\" flag: must be one of {{json,values,bindings,pretty,source,raw,discard}}"
            ));
        }
    })
}

fn parse_bool(flag: &str, v: Option<&str>) -> Result<bool, String> {
    match v {
        None | Some("true") | Some("1") => Ok(true),
        Some("false") | Some("0") => Ok(false),
        Some(x) => Err(format!(
            "invalid argument \"{x}\" for \"{flag}\" flag: strconv.ParseBool: parsing \"{x}\": invalid syntax"
        )),
    }
}

/// Reads `opa eval`'s arguments (those after `eval`).
pub fn parse(args: &[String]) -> Result<EvalArgs, String> {
    let mut a = EvalArgs {
        data: Vec::new(),
        input: None,
        stdin_input: false,
        stdin_query: false,
        format: Format::Json,
        fail: false,
        fail_defined: false,
        v0: false,
        strict_builtin_errors: false,
        query: None,
    };
    let mut positional = Vec::new();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        if arg == "--" {
            positional.extend(it.by_ref().cloned());
            break;
        }
        let (flag, inline) = if let Some(long) = arg.strip_prefix("--") {
            match long.split_once('=') {
                Some((f, v)) => (format!("--{f}"), Some(v.to_string())),
                None => (arg.clone(), None),
            }
        } else if arg.len() > 1 && arg.starts_with('-') {
            let short = &arg[..2];
            let rest = &arg[2..];
            let rest = rest.strip_prefix('=').unwrap_or(rest);
            (
                short.to_string(),
                (!rest.is_empty()).then(|| rest.to_string()),
            )
        } else {
            positional.push(arg.clone());
            continue;
        };
        let mut value = |name: &str| -> Result<String, String> {
            match &inline {
                Some(v) => Ok(v.clone()),
                None => it
                    .next()
                    .cloned()
                    .ok_or_else(|| format!("flag needs an argument: {name}")),
            }
        };
        match flag.as_str() {
            "-d" | "--data" => a.data.push(value(&flag)?),
            "-i" | "--input" => a.input = Some(value(&flag)?),
            "-f" | "--format" => a.format = parse_format(&value(&flag)?)?,
            "-I" | "--stdin-input" => a.stdin_input = parse_bool(&flag, inline.as_deref())?,
            "--stdin" => a.stdin_query = parse_bool(&flag, inline.as_deref())?,
            "--fail" => a.fail = parse_bool(&flag, inline.as_deref())?,
            "--fail-defined" => a.fail_defined = parse_bool(&flag, inline.as_deref())?,
            "--v0-compatible" => a.v0 = parse_bool(&flag, inline.as_deref())?,
            "--strict-builtin-errors" => {
                a.strict_builtin_errors = parse_bool(&flag, inline.as_deref())?
            }
            f if IGNORED_WITH_VALUE.contains(&f) => {
                value(f)?;
            }
            f if IGNORED_BOOL.contains(&f) => {
                parse_bool(f, inline.as_deref())?;
            }
            "-b" | "--bundle" | "-s" | "--schema" | "-t" | "--target" | "--partial" | "-u"
            | "--unknowns" | "-O" | "--optimize" | "-e" | "--entrypoint" | "--import"
            | "--package" | "--capabilities" | "--count" | "-S" | "--strict" => {
                return Err(format!(
                    "{flag} is not supported by this opa (regorus); see docs/COMPATIBILITY.md"
                ));
            }
            _ => return Err(format!("unknown flag: {flag}")),
        }
    }
    if a.stdin_query && a.stdin_input {
        return Err("--stdin and --stdin-input cannot both read stdin".to_string());
    }
    if a.input.is_some() && a.stdin_input {
        return Err("specify --input or --stdin-input but not both".to_string());
    }
    match (a.stdin_query, positional.len()) {
        (true, 0) | (false, 1) => {}
        (false, 0) => return Err("specify query argument or --stdin".to_string()),
        (true, _) => return Err("specify query argument or --stdin but not both".to_string()),
        (false, _) => return Err("specify at most one query argument".to_string()),
    }
    a.query = positional.pop();
    Ok(a)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(args: &[&str]) -> Result<EvalArgs, String> {
        parse(&args.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn scorer_form() {
        let a = p(&[
            "-d",
            "policy.rego",
            "-i",
            "collected_data.json",
            "data.check.result",
        ])
        .expect("parses");
        assert_eq!(a.data, ["policy.rego"]);
        assert_eq!(a.input.as_deref(), Some("collected_data.json"));
        assert_eq!(a.query.as_deref(), Some("data.check.result"));
        assert_eq!(a.format, Format::Json);
    }

    #[test]
    fn joined_forms() {
        let a = p(&[
            "--data=p.rego",
            "-dq.rego",
            "--format=raw",
            "-I",
            "--fail",
            "x",
        ])
        .expect("parses");
        assert_eq!(a.data, ["p.rego", "q.rego"]);
        assert_eq!(a.format, Format::Raw);
        assert!(a.stdin_input && a.fail);
        assert!(p(&["-d", "p.rego"]).is_err());
        assert!(p(&["--bogus", "x"]).is_err());
    }
}
