//! jq's command line: its options as jq 1.6 spells them, bundled short flags, and the
//! variables `--arg`, `--argjson`, `--slurpfile`, `--rawfile`, `--args` and `--jsonargs` bind.

use jaq_json::Val;

/// What the command line asks for.
#[derive(Default)]
pub struct Opts {
    /// The program: the first argument that is not an option.
    pub filter: Option<String>,
    /// Input files; none means stdin.
    pub files: Vec<String>,
    /// `-r`: strings printed as their text.
    pub raw: bool,
    /// `-j`: `-r` and no newline after each output.
    pub join: bool,
    /// `-c`: one line per output.
    pub compact: bool,
    /// `-s`: all inputs as one array.
    pub slurp: bool,
    /// `-n`: one `null` input.
    pub null_input: bool,
    /// `-R`: each line an input string.
    pub raw_input: bool,
    /// `-e`: the status tells whether the last output was null or false.
    pub exit_status: bool,
    /// `-S`: object keys sorted.
    pub sort_keys: bool,
    /// `-a`: strings printed with every non-ASCII character escaped.
    pub ascii: bool,
    /// One level's indentation (`--indent n`, `--tab`).
    pub indent: String,
    /// `--arg` and the like: names and values, in order.
    pub vars: Vec<(String, Val)>,
    /// What follows `--args` / `--jsonargs`: `$ARGS.positional`, not input files.
    pub positional: Vec<Val>,
}

/// One JSON text given on the command line; `what` names it in the error.
pub fn parse_json(text: &[u8], what: &str) -> Result<Val, String> {
    jaq_json::read::parse_single(text).map_err(|e| format!("{what}: {e}"))
}

/// Reads jq's options; an error is the message jq prints before its usage hint.
pub fn parse_args(args: &[String]) -> Result<Opts, String> {
    let mut o = Opts {
        indent: "  ".into(),
        ..Default::default()
    };
    let mut i = 0;
    // After `--args` (false) or `--jsonargs` (true), positional arguments are values.
    let mut args_mode: Option<bool> = None;
    let need = |i: usize, n: usize, opt: &str| -> Result<(), String> {
        if i + n < args.len() {
            Ok(())
        } else {
            Err(format!("{opt} takes {n} parameter(s)"))
        }
    };
    while i < args.len() {
        let a = &args[i];
        match a.as_str() {
            flag if set_flag(&mut o, flag) => {}
            "--tab" => o.indent = "\t".into(),
            "--args" => args_mode = Some(false),
            "--jsonargs" => args_mode = Some(true),
            "--unbuffered" | "--seq" => {}
            "--indent" => {
                need(i, 1, a)?;
                i += 1;
                let n: usize = args[i]
                    .parse()
                    .map_err(|_| "--indent takes a number".to_string())?;
                if n > 7 {
                    return Err("Cannot indent more than 7 characters".into());
                }
                o.indent = " ".repeat(n);
            }
            "--arg" => {
                need(i, 2, a)?;
                o.vars
                    .push((args[i + 1].clone(), Val::from(args[i + 2].clone())));
                i += 2;
            }
            "--argjson" => {
                need(i, 2, a)?;
                let v = parse_json(
                    args[i + 2].as_bytes(),
                    &format!("Invalid JSON text passed to --argjson {}", args[i + 1]),
                )?;
                o.vars.push((args[i + 1].clone(), v));
                i += 2;
            }
            "--slurpfile" | "--rawfile" => {
                need(i, 2, a)?;
                let data = std::fs::read(&args[i + 2]).map_err(|e| {
                    format!(
                        "Could not open {}: {}",
                        args[i + 2],
                        crate::io_message::io_message(&e)
                    )
                })?;
                let v = if a == "--rawfile" {
                    Val::from(String::from_utf8_lossy(&data).into_owned())
                } else {
                    let vals: Result<Vec<Val>, _> = jaq_json::read::parse_many(&data).collect();
                    Val::Arr(vals.map_err(|e| format!("{}: {e}", args[i + 2]))?.into())
                };
                o.vars.push((args[i + 1].clone(), v));
                i += 2;
            }
            // As in jq 1.6, only a letter after `-` makes an option: `jq -n '-1'`, `'-.a'`
            // and `'-(.x)'` are programs.
            s if s.starts_with('-') && s.as_bytes().get(1).is_some_and(u8::is_ascii_alphabetic) => {
                for c in s[1..].chars() {
                    if !short(c).is_some_and(|long| set_flag(&mut o, long)) {
                        return Err(format!("Unknown option: {s}"));
                    }
                }
            }
            s if s.starts_with("--") => return Err(format!("Unknown option: {s}")),
            _ => {
                if o.filter.is_none() {
                    o.filter = Some(a.clone());
                } else {
                    match args_mode {
                        None => o.files.push(a.clone()),
                        Some(false) => o.positional.push(Val::from(a.clone())),
                        Some(true) => o.positional.push(parse_json(
                            a.as_bytes(),
                            &format!("Invalid JSON text passed to --jsonargs {a}"),
                        )?),
                    }
                }
            }
        }
        i += 1;
    }
    Ok(o)
}

/// Sets the switch a long option names; false if it names none.
fn set_flag(o: &mut Opts, long: &str) -> bool {
    match long {
        "--raw-output" => o.raw = true,
        "--join-output" => (o.raw, o.join) = (true, true),
        "--compact-output" => o.compact = true,
        "--slurp" => o.slurp = true,
        "--null-input" => o.null_input = true,
        "--raw-input" => o.raw_input = true,
        "--exit-status" => o.exit_status = true,
        "--sort-keys" => o.sort_keys = true,
        "--ascii-output" => o.ascii = true,
        "--color-output" | "--monochrome-output" => {}
        _ => return false,
    }
    true
}

/// The long name of a one-letter switch (`-r`, bundled as in `-rc`).
fn short(c: char) -> Option<&'static str> {
    Some(match c {
        'r' => "--raw-output",
        'j' => "--join-output",
        'c' => "--compact-output",
        's' => "--slurp",
        'n' => "--null-input",
        'R' => "--raw-input",
        'e' => "--exit-status",
        'S' => "--sort-keys",
        'a' => "--ascii-output",
        'C' => "--color-output",
        'M' => "--monochrome-output",
        _ => return None,
    })
}
