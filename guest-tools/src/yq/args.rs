//! yq's command line (mikefarah yq v4): `yq [eval|e|eval-all|ea] [flags] [EXPR] [FILE...]`,
//! flags as cobra spells them (`-o=json`, `-o json`, `--output-format=json`, `-I 4`, `-I=0`).

/// What is printed.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Output {
    /// YAML (yq's default).
    Yaml,
    /// JSON.
    Json,
}

/// What the command line asks for.
#[derive(Debug)]
pub struct Opts {
    /// `eval-all`/`ea`: the expression runs once over every document of every file.
    pub all: bool,
    /// The expression (`.` when only files are given).
    pub expr: String,
    /// Input files; none or `-` is stdin.
    pub files: Vec<String>,
    /// `-o`/`--output-format`.
    pub output: Output,
    /// `-I`/`--indent`.
    pub indent: usize,
    /// `-r`/`--unwrapScalar`: strings printed bare; yq's default except for JSON output.
    pub unwrap: Option<bool>,
    /// `-N`/`--no-doc`: no `---` between documents.
    pub no_doc: bool,
    /// `-n`/`--null-input`.
    pub null_input: bool,
    /// `-e`/`--exit-status`.
    pub exit_status: bool,
}

fn parse_bool(flag: &str, v: Option<&str>) -> Result<bool, String> {
    match v {
        None | Some("true") | Some("1") => Ok(true),
        Some("false") | Some("0") => Ok(false),
        Some(x) => Err(format!("invalid argument \"{x}\" for \"{flag}\" flag")),
    }
}

/// Reads yq's arguments (after the program name).
pub fn parse(args: &[String]) -> Result<Opts, String> {
    let mut o = Opts {
        all: false,
        expr: String::new(),
        files: Vec::new(),
        output: Output::Yaml,
        indent: 2,
        unwrap: None,
        no_doc: false,
        null_input: false,
        exit_status: false,
    };
    let mut rest = args;
    match rest.first().map(String::as_str) {
        Some("eval" | "e") => rest = &rest[1..],
        Some("eval-all" | "ea") => {
            o.all = true;
            rest = &rest[1..];
        }
        _ => {}
    }
    let mut positional = Vec::new();
    let mut it = rest.iter();
    while let Some(arg) = it.next() {
        if arg == "--" {
            positional.extend(it.by_ref().cloned());
            break;
        }
        if arg == "-" || !arg.starts_with('-') {
            positional.push(arg.clone());
            continue;
        }
        let (flag, inline) = if arg.starts_with("--") {
            match arg.split_once('=') {
                Some((f, v)) => (f.to_string(), Some(v.to_string())),
                None => (arg.clone(), None),
            }
        } else {
            let v = &arg[2..];
            let v = v.strip_prefix('=').unwrap_or(v);
            (arg[..2].to_string(), (!v.is_empty()).then(|| v.to_string()))
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
            "-o" | "--output-format" => {
                o.output = match value(&flag)?.as_str() {
                    "json" | "j" => Output::Json,
                    "yaml" | "y" | "auto" | "a" => Output::Yaml,
                    f => {
                        return Err(format!(
                            "output format {f:?} is not supported here (yaml and json are)"
                        ));
                    }
                }
            }
            "-p" | "--input-format" => match value(&flag)?.as_str() {
                // JSON is YAML; both are read by the YAML parser.
                "yaml" | "y" | "json" | "j" | "auto" | "a" => {}
                f => {
                    return Err(format!(
                        "input format {f:?} is not supported here (yaml and json are)"
                    ));
                }
            },
            "-I" | "--indent" => {
                let v = value(&flag)?;
                o.indent = v
                    .parse()
                    .map_err(|_| format!("invalid argument {v:?} for \"-I, --indent\" flag"))?;
            }
            "-j" | "--tojson" => o.output = Output::Json,
            "-r" | "--unwrapScalar" => o.unwrap = Some(parse_bool(&flag, inline.as_deref())?),
            "-N" | "--no-doc" => o.no_doc = parse_bool(&flag, inline.as_deref())?,
            "-n" | "--null-input" => o.null_input = parse_bool(&flag, inline.as_deref())?,
            "-e" | "--exit-status" => o.exit_status = parse_bool(&flag, inline.as_deref())?,
            // Styling and colours: the output is already block style and never coloured.
            "-P" | "--prettyPrint" | "-M" | "--no-colors" | "-C" | "--colors" => {
                parse_bool(&flag, inline.as_deref())?;
            }
            "--expression" => o.expr = value(&flag)?,
            "-i" | "--inplace" => {
                return Err(
                    "-i/--inplace is not supported here: redirect the output to a new file"
                        .to_string(),
                );
            }
            _ => return Err(format!("unknown flag: {flag}")),
        }
    }
    if o.expr.is_empty() {
        // As yq: the first argument is the expression unless it names a file.
        let first_is_file = positional
            .first()
            .is_some_and(|f| f != "-" && std::path::Path::new(f).is_file());
        if positional.is_empty() || first_is_file || positional[0] == "-" {
            o.expr = ".".to_string();
        } else {
            o.expr = positional.remove(0);
        }
    }
    o.files = positional;
    Ok(o)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(a: &[&str]) -> Opts {
        parse(&a.iter().map(|s| s.to_string()).collect::<Vec<_>>()).expect("parses")
    }

    #[test]
    fn forms() {
        let o = p(&["-o=json", ".", "f.yaml"]);
        assert_eq!(
            (o.output, o.expr.as_str(), o.files.len()),
            (Output::Json, ".", 1)
        );
        let o = p(&["ea", "-o", "json", "[.]", "a.yaml", "b.yaml"]);
        assert!(o.all);
        assert_eq!(o.files, ["a.yaml", "b.yaml"]);
        let o = p(&["-I=0", "-r", ".a.b"]);
        assert_eq!(
            (o.indent, o.unwrap, o.expr.as_str()),
            (0, Some(true), ".a.b")
        );
    }
}
