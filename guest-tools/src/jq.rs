//! `jq` on jaq: jaq parses, compiles and runs the filter; this file is jq's command line and
//! jq 1.6's output format (number rendering, string escapes, indentation), which jaq's own
//! printer does not follow byte for byte.

use std::ffi::OsString;
use std::io::{Read, Write};

use jaq_core::load::{Arena, File, Loader};
use jaq_core::{Compiler, Ctx, Vars, unwrap_valr};
use jaq_json::Val;
use jaq_std::input::{HasInputs, Inputs, RcIter};

/// The data jq's filters see: the compiled definitions and the input stream, which `input`
/// and `inputs` read from while the main loop reads the rest.
struct Kind;

impl jaq_core::DataT for Kind {
    type V<'a> = Val;
    type Data<'a> = &'a Shared<'a>;
}

struct Shared<'a> {
    lut: &'a jaq_core::Lut<Kind>,
    inputs: Inputs<'a, Val>,
}

impl<'a> jaq_core::data::HasLut<'a, Kind> for &'a Shared<'a> {
    fn lut(&self) -> &'a jaq_core::Lut<Kind> {
        self.lut
    }
}

impl<'a> HasInputs<'a, Val> for &'a Shared<'a> {
    fn inputs(&self) -> Inputs<'a, Val> {
        self.inputs
    }
}

/// jq's `@csv` and `@tsv`, which jaq 3 leaves to its binary; written in jq with jq 1.6's rules.
const FORMATS: &str = r#"
def @tsv: if type != "array" then error("\(type) (\(tojson)) cannot be tsv-formatted, only an array can be")
  else map(if type == "string" then gsub("\\\\"; "\\\\") | gsub("\t"; "\\t") | gsub("\n"; "\\n") | gsub("\r"; "\\r")
           elif . == null then "" else tojson end) | join("\t") end;
def @csv: if type != "array" then error("\(type) (\(tojson)) cannot be csv-formatted, only an array can be")
  else map(if type == "string" then "\"" + gsub("\""; "\"\"") + "\""
           elif type == "array" or type == "object" then error("\(type) (\(tojson)) is not valid in a csv row")
           elif . == null then "" else tojson end) | join(",") end;
"#;

#[derive(Default)]
struct Opts {
    filter: Option<String>,
    files: Vec<String>,
    raw: bool,
    join: bool,
    compact: bool,
    slurp: bool,
    null_input: bool,
    raw_input: bool,
    exit_status: bool,
    sort_keys: bool,
    indent: String,
    vars: Vec<(String, Val)>,
}

fn parse_json(text: &[u8], what: &str) -> Result<Val, String> {
    jaq_json::read::parse_single(text).map_err(|e| format!("{what}: {e}"))
}

fn parse_args(args: &[String]) -> Result<Opts, String> {
    let mut o = Opts {
        indent: "  ".into(),
        ..Default::default()
    };
    let mut i = 0;
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
            "--raw-output" => o.raw = true,
            "--join-output" => (o.raw, o.join) = (true, true),
            "--compact-output" => o.compact = true,
            "--slurp" => o.slurp = true,
            "--null-input" => o.null_input = true,
            "--raw-input" => o.raw_input = true,
            "--exit-status" => o.exit_status = true,
            "--sort-keys" => o.sort_keys = true,
            "--tab" => o.indent = "\t".into(),
            "--ascii-output"
            | "--color-output"
            | "--monochrome-output"
            | "--unbuffered"
            | "--seq" => {}
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
                        crate::grep::io_message(&e)
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
            s if s.starts_with('-') && s.len() > 1 && !s.starts_with("--") => {
                for c in s[1..].chars() {
                    match c {
                        'r' => o.raw = true,
                        'j' => (o.raw, o.join) = (true, true),
                        'c' => o.compact = true,
                        's' => o.slurp = true,
                        'n' => o.null_input = true,
                        'R' => o.raw_input = true,
                        'e' => o.exit_status = true,
                        'S' => o.sort_keys = true,
                        'a' | 'C' | 'M' => {}
                        _ => return Err(format!("Unknown option: {s}")),
                    }
                }
            }
            s if s.starts_with("--") => return Err(format!("Unknown option: {s}")),
            _ => {
                if o.filter.is_none() {
                    o.filter = Some(a.clone());
                } else {
                    o.files.push(a.clone());
                }
            }
        }
        i += 1;
    }
    Ok(o)
}

/// Entry point.
pub fn main(args: Vec<OsString>) -> i32 {
    let args = crate::sys::utf8_args(args);
    let o = match parse_args(&args) {
        Ok(o) => o,
        Err(e) => {
            eprintln!(
                "jq: {e}\nUse jq --help for help with command-line options,\nor see the jq manpage, or online docs  at https://stedolan.github.io/jq"
            );
            return 2;
        }
    };
    let Some(code) = o.filter.clone() else {
        eprintln!("Usage:\tjq [OPTIONS] FILTER [FILES...]");
        return 2;
    };

    // Fails only if a logger is set already (a second jq in this process): it still prints.
    static LOG: StderrLog = StderrLog;
    if log::set_logger(&LOG).is_ok() {
        log::set_max_level(log::LevelFilter::Debug);
    }
    let extra = jaq_core::load::parse(FORMATS, |p| p.defs()).unwrap_or_default();
    let defs = jaq_core::defs()
        .chain(jaq_std::defs())
        .chain(jaq_json::defs())
        .chain(extra);
    let funs = jaq_core::funs::<Kind>()
        .chain(jaq_std::funs())
        .chain(jaq_json::funs())
        .chain(
            jaq_std::input::funs::<Kind>()
                .into_vec()
                .into_iter()
                .map(jaq_core::native::run::<Kind>),
        );
    let loader = Loader::new(defs);
    let arena = Arena::default();
    let modules = match loader.load(
        &arena,
        File {
            code: code.as_str(),
            path: (),
        },
    ) {
        Ok(m) => m,
        Err(errs) => {
            for (_, e) in &errs {
                eprintln!("jq: error: syntax error in {code:?}: {e:?}");
            }
            eprintln!(
                "jq: {} compile error{}",
                errs.len(),
                if errs.len() == 1 { "" } else { "s" }
            );
            return 3;
        }
    };
    let mut names: Vec<String> = o.vars.iter().map(|(k, _)| format!("${k}")).collect();
    names.push("$ENV".into());
    let filter = match Compiler::default()
        .with_funs(funs)
        .with_global_vars(names.iter().map(|s| s.as_str()))
        .compile(modules)
    {
        Ok(f) => f,
        Err(errs) => {
            for (_, e) in &errs {
                eprintln!("jq: error: {e:?}");
            }
            eprintln!(
                "jq: {} compile error{}",
                errs.len(),
                if errs.len() == 1 { "" } else { "s" }
            );
            return 3;
        }
    };
    let env: Vec<(Val, Val)> = std::env::vars()
        .map(|(k, v)| (Val::from(k), Val::from(v)))
        .collect();
    let mut values: Vec<Val> = o.vars.iter().map(|(_, v)| v.clone()).collect();
    values.push(Val::Obj(std::rc::Rc::new(env.into_iter().collect())));

    // Inputs.
    let mut texts: Vec<(String, Vec<u8>)> = Vec::new();
    if o.files.is_empty() {
        let mut b = Vec::new();
        if let Err(e) = std::io::stdin().read_to_end(&mut b) {
            eprintln!("jq: error: Could not read <stdin>: {e}");
            return 2;
        }
        texts.push(("<stdin>".into(), b));
    }
    let mut status = 0;
    for f in &o.files {
        match std::fs::read(f) {
            Ok(b) => texts.push((f.clone(), b)),
            Err(e) => {
                eprintln!(
                    "jq: error: Could not open {f}: {}",
                    crate::grep::io_message(&e)
                );
                status = 2;
            }
        }
    }
    // Values are parsed as the filter asks for them, so `jq` over a large file holds its text and
    // one value at a time, not every value (several times the text: the memory limit).
    type Stream<'t> = Box<dyn Iterator<Item = Result<Val, String>> + 't>;
    let parsed: Stream<'_> = if o.raw_input {
        let all: Vec<u8> = texts.iter().flat_map(|t| t.1.clone()).collect();
        let s = String::from_utf8_lossy(&all).into_owned();
        if o.slurp {
            Box::new(std::iter::once(Ok(Val::from(s))))
        } else {
            let lines: Vec<Val> = s.lines().map(|l| Val::from(l.to_string())).collect();
            Box::new(lines.into_iter().map(Ok))
        }
    } else {
        let values = texts.iter().flat_map(|(name, t)| {
            jaq_json::read::parse_many(t).map(move |v| {
                v.map_err(|e| format!("jq: error (at {name}:0): Cannot parse input: {e}"))
            })
        });
        if o.slurp {
            match values.collect::<Result<Vec<Val>, String>>() {
                Ok(all) => Box::new(std::iter::once(Ok(Val::Arr(all.into())))),
                Err(e) => Box::new(std::iter::once(Err(e))),
            }
        } else {
            Box::new(values)
        }
    };
    let input_error = std::cell::RefCell::new(None);
    let rc = RcIter::new(parsed);
    let stream: Inputs<'_, Val> = &rc;
    let shared = Shared {
        lut: &filter.lut,
        inputs: stream,
    };
    let mains: Box<dyn Iterator<Item = Val>> = if o.null_input {
        Box::new(std::iter::once(Val::Null))
    } else {
        // The first unparsable input ends the run, reported after what came before it.
        let (mut rest, error) = (stream, &input_error);
        Box::new(std::iter::from_fn(move || match rest.next()? {
            Ok(v) => Some(v),
            Err(e) => {
                *error.borrow_mut() = Some(e);
                None
            }
        }))
    };

    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, stdout.lock());
    let mut last: Option<Val> = None;
    for input in mains {
        let ctx = Ctx::<Kind>::new(&shared, Vars::new(values.clone()));
        for r in filter.id.run((ctx, input)).map(unwrap_valr) {
            match r {
                Ok(v) => {
                    let mut s = Vec::new();
                    match (&v, o.raw) {
                        (Val::TStr(b), true) => s.extend_from_slice(b),
                        _ => write_val(&mut s, &v, &o, 0),
                    }
                    if !o.join {
                        s.push(b'\n');
                    }
                    if out.write_all(&s).is_err() {
                        return status;
                    }
                    last = Some(v);
                }
                Err(e) => {
                    let _ = out.flush();
                    // jq names no input position when it reads none (`-n`).
                    let at = if o.null_input {
                        "<unknown>"
                    } else {
                        "<stdin>:0"
                    };
                    eprintln!("jq: error (at {at}){}", error_text(e));
                    status = 5;
                }
            }
        }
    }
    let _ = out.flush();
    if let Some(e) = input_error.take() {
        eprintln!("{e}");
        return 2;
    }
    if o.exit_status && status == 0 {
        return match last {
            None => 4,
            Some(Val::Null) | Some(Val::Bool(false)) => 1,
            Some(_) => 0,
        };
    }
    status
}

/// What follows `jq: error (at ...)` for a runtime error, as jq 1.6 words it: `error("x")`
/// prints `: x`, an error with another value `(not a string): {...}`, jaq's own errors
/// their message.
fn error_text(e: jaq_core::Error<Val>) -> String {
    let shown = e.to_string();
    match e.into_val() {
        // A message of jaq's own comes back as a string equal to its display; a string
        // value displays quoted.
        Val::TStr(b) if b[..] != *shown.as_bytes() => {
            format!(": {}", String::from_utf8_lossy(&b[..]))
        }
        Val::TStr(_) => format!(": {shown}"),
        _ => format!(" (not a string): {shown}"),
    }
}

/// Prints what jaq-std logs: `stderr` and `halt_error` (level error) as their raw text,
/// `debug` (level debug) as jq's `["DEBUG:",value]` line.
struct StderrLog;

impl log::Log for StderrLog {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }

    fn log(&self, record: &log::Record<'_>) {
        use std::io::Write as _;
        let mut err = std::io::stderr().lock();
        let _ = match record.level() {
            log::Level::Debug => writeln!(err, "[\"DEBUG:\",{}]", record.args()),
            _ => write!(err, "{}", record.args()),
        };
    }

    fn flush(&self) {}
}

/// Renders a number as jq 1.6 does: integers plainly, others in the shortest form that reads
/// back the same, switching to exponent form (`1e+100`, `1e-05`) as its dtoa does.
pub fn fmt_num(x: f64) -> String {
    if x.is_nan() {
        return "null".into();
    }
    let x = x.clamp(-f64::MAX, f64::MAX);
    if x == 0.0 {
        return if x.is_sign_negative() {
            "-0".into()
        } else {
            "0".into()
        };
    }
    let e = format!("{x:e}");
    let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let neg = mant.starts_with('-');
    let digits: String = mant.chars().filter(|c| c.is_ascii_digit()).collect();
    let nd = digits.len() as i32;
    let decpt = exp + 1;
    let mut s = String::new();
    if neg {
        s.push('-');
    }
    if decpt <= -4 || decpt > nd + 15 {
        s.push_str(&digits[..1]);
        if nd > 1 {
            s.push('.');
            s.push_str(&digits[1..]);
        }
        s.push('e');
        let e = decpt - 1;
        s.push(if e < 0 { '-' } else { '+' });
        s.push_str(&format!("{:02}", e.abs()));
    } else if decpt <= 0 {
        s.push_str("0.");
        s.push_str(&"0".repeat((-decpt) as usize));
        s.push_str(&digits);
    } else if decpt >= nd {
        s.push_str(&digits);
        s.push_str(&"0".repeat((decpt - nd) as usize));
    } else {
        s.push_str(&digits[..decpt as usize]);
        s.push('.');
        s.push_str(&digits[decpt as usize..]);
    }
    s
}

fn num_str(n: &jaq_json::Num) -> String {
    match n {
        jaq_json::Num::Int(i) if (*i as i64).unsigned_abs() < (1u64 << 53) => i.to_string(),
        other => fmt_num(other.to_string().parse::<f64>().unwrap_or(f64::NAN)),
    }
}

fn write_str(out: &mut Vec<u8>, b: &[u8]) {
    out.push(b'"');
    for c in String::from_utf8_lossy(b).chars() {
        match c {
            '"' => out.extend_from_slice(b"\\\""),
            '\\' => out.extend_from_slice(b"\\\\"),
            '\n' => out.extend_from_slice(b"\\n"),
            '\t' => out.extend_from_slice(b"\\t"),
            '\r' => out.extend_from_slice(b"\\r"),
            '\x08' => out.extend_from_slice(b"\\b"),
            '\x0c' => out.extend_from_slice(b"\\f"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.extend_from_slice(format!("\\u{:04x}", c as u32).as_bytes())
            }
            c => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
    out.push(b'"');
}

fn newline(out: &mut Vec<u8>, o: &Opts, level: usize) {
    if !o.compact {
        out.push(b'\n');
        for _ in 0..level {
            out.extend_from_slice(o.indent.as_bytes());
        }
    }
}

fn write_val(out: &mut Vec<u8>, v: &Val, o: &Opts, level: usize) {
    match v {
        Val::Null => out.extend_from_slice(b"null"),
        Val::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Val::Num(n) => out.extend_from_slice(num_str(n).as_bytes()),
        Val::TStr(b) | Val::BStr(b) => write_str(out, b),
        Val::Arr(a) => {
            if a.is_empty() {
                out.extend_from_slice(b"[]");
                return;
            }
            out.push(b'[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                newline(out, o, level + 1);
                write_val(out, x, o, level + 1);
            }
            newline(out, o, level);
            out.push(b']');
        }
        Val::Obj(m) => {
            if m.is_empty() {
                out.extend_from_slice(b"{}");
                return;
            }
            out.push(b'{');
            let mut entries: Vec<(&Val, &Val)> = m.iter().collect();
            if o.sort_keys {
                entries.sort_by(|a, b| a.0.cmp(b.0));
            }
            for (i, (k, x)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                newline(out, o, level + 1);
                match k {
                    Val::TStr(b) | Val::BStr(b) => write_str(out, b),
                    other => write_val(out, other, o, level + 1),
                }
                out.push(b':');
                if !o.compact {
                    out.push(b' ');
                }
                write_val(out, x, o, level + 1);
            }
            newline(out, o, level);
            out.push(b'}');
        }
    }
}
