//! `jq` on jaq: jaq parses, compiles and runs the filter; this module makes it behave as jq 1.6
//! does. [`args`] reads jq's command line, `prelude.jq` redefines the filters where jaq and
//! jq 1.6 differ, [`print`] writes values in jq 1.6's format, and [`messages`] words errors as
//! jq does. jq 1.6's number rendering lives in the vendored jaq-json (`Num`'s `Display`), where
//! `tostring` and string interpolation reach it too.

pub(crate) mod args;
mod input;
mod messages;
pub(crate) mod print;

use std::cell::{Cell, RefCell};
use std::ffi::OsString;
use std::io::Write;
use std::rc::Rc;

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
    /// The file the latest input came from (`input_filename`); none before the first.
    file: &'a RefCell<Option<Rc<str>>>,
    /// Where the inputs are (`input_line_number`).
    at: &'a input::Position,
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

/// jq 1.6's definitions that jaq lacks or defines otherwise (`del`, `join`, `@csv`, ...).
const PRELUDE: &str = include_str!("prelude.jq");

/// Entry point.
pub fn main(args: Vec<OsString>) -> i32 {
    let args = crate::sys::utf8_args(args);
    let o = match args::parse_args(&args) {
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
    static LOG: messages::StderrLog = messages::StderrLog;
    if log::set_logger(&LOG).is_ok() {
        log::set_max_level(log::LevelFilter::Debug);
    }
    let mut names: Vec<String> = o.vars.iter().map(|(k, _)| format!("${k}")).collect();
    names.extend(["$ENV".into(), "$ARGS".into()]);
    let filter = match compile(&code, &names) {
        Ok(f) => f,
        Err(errs) => {
            for e in &errs {
                eprintln!("{e}");
            }
            let n = errs.len();
            eprintln!("jq: {n} compile error{}", if n == 1 { "" } else { "s" });
            return 3;
        }
    };
    // Built once: a clone is one reference count, where building them again for every input
    // allocated a node per global (`$ENV`, `$ARGS`, each `--arg`).
    let vars = Vars::new(global_values(&o));

    let file = RefCell::new(None);
    let open_failed = Cell::new(false);
    let input_error = RefCell::new(None);
    let position = input::Position::default();
    let rc = RcIter::new(input::values(&o, &position, &file, &open_failed));
    let stream: Inputs<'_, Val> = &rc;
    let shared = Shared {
        lut: &filter.lut,
        inputs: stream,
        file: &file,
        at: &position,
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
    // As in jq 1.6, the status is the last input's: 5 if it raised an error, else (with -e)
    // what its last output was.
    let mut status = 0;
    // One output buffer for the run: an allocation per printed value showed in profiles.
    let mut s = Vec::new();
    for input in mains {
        let ctx = Ctx::<Kind>::new(&shared, vars.clone());
        let mut last: Option<bool> = None;
        status = 0;
        for r in filter.id.run((ctx, input)).map(unwrap_valr) {
            match r {
                Ok(v) => {
                    s.clear();
                    match (&v, o.raw && !o.ascii) {
                        (Val::TStr(b), true) => s.extend_from_slice(b),
                        _ => print::write_val(&mut s, &v, &o, 0),
                    }
                    if !o.join {
                        s.push(b'\n');
                    }
                    if out.write_all(&s).is_err() {
                        return status;
                    }
                    last = Some(!matches!(v, Val::Null | Val::Bool(false)));
                }
                Err(e) => {
                    let _ = out.flush();
                    let at = position.describe();
                    eprintln!("jq: error (at {at}){}", messages::error_text(e));
                    // An uncaught error ends this input's outputs, as in jq (and a filter
                    // that keeps failing, such as `fromjson` on bad text, cannot spin).
                    status = 5;
                    break;
                }
            }
        }
        if o.exit_status && status == 0 {
            status = match last {
                None => 4,
                Some(false) => 1,
                Some(true) => 0,
            };
        }
    }
    let _ = out.flush();
    if let Some(e) = input_error.take() {
        eprintln!("{e}");
        status = 4;
    }
    if open_failed.get() { 2 } else { status }
}

/// Runs the jq program `code` for another tool (`yq`): on each of `inputs` in turn, or once
/// on `null` with `inputs` left for `input`/`inputs` when `null_input`. Each output goes to
/// `emit`; an error stops the run and is returned as jq words it.
pub fn run_filter(
    code: &str,
    inputs: Vec<Val>,
    null_input: bool,
    mut emit: impl FnMut(Val) -> bool,
) -> Result<(), String> {
    let names = ["$ENV".to_string(), "$ARGS".to_string()];
    let filter = compile(code, &names).map_err(|errs| errs.join("\n"))?;
    let vars = Vars::new(global_values(&args::Opts::default()));
    let file = RefCell::new(None);
    let position = input::Position::default();
    let rc = RcIter::new(inputs.into_iter().map(Ok::<Val, String>));
    let stream: Inputs<'_, Val> = &rc;
    let shared = Shared {
        lut: &filter.lut,
        inputs: stream,
        file: &file,
        at: &position,
    };
    let mains: Box<dyn Iterator<Item = Val>> = if null_input {
        Box::new(std::iter::once(Val::Null))
    } else {
        let mut rest = stream;
        Box::new(std::iter::from_fn(move || rest.next().and_then(Result::ok)))
    };
    for input in mains {
        let ctx = Ctx::<Kind>::new(&shared, vars.clone());
        for r in filter.id.run((ctx, input)).map(unwrap_valr) {
            match r {
                Ok(v) => {
                    if !emit(v) {
                        return Ok(());
                    }
                }
                Err(e) => return Err(format!("Error:{}", messages::error_text(e))),
            }
        }
    }
    Ok(())
}

/// The values of the program's global variables, in the order `main` names them: `--arg`
/// and the like, then `$ENV`, then `$ARGS` (`positional` from `--args`, `named` the others).
fn global_values(o: &args::Opts) -> Vec<Val> {
    let obj = |pairs: Vec<(String, Val)>| {
        Val::obj(pairs.into_iter().map(|(k, v)| (Val::from(k), v)).collect())
    };
    let mut values: Vec<Val> = o.vars.iter().map(|(_, v)| v.clone()).collect();
    values.push(obj(std::env::vars()
        .map(|(k, v)| (k, Val::from(v)))
        .collect()));
    values.push(obj(vec![
        ("positional".into(), Val::Arr(o.positional.clone().into())),
        ("named".into(), obj(o.vars.clone())),
    ]));
    values
}

/// Parses and compiles the program after jaq's definitions and [`PRELUDE`]; an error is
/// worded as jq words it.
fn compile(code: &str, vars: &[String]) -> Result<jaq_core::Filter<Kind>, Vec<String>> {
    let prelude = jaq_core::load::parse(PRELUDE, |p| p.defs()).unwrap_or_default();
    let defs = jaq_core::defs()
        .chain(jaq_std::defs())
        .chain(jaq_json::defs())
        .chain(prelude);
    let natives = jaq_std::input::funs::<Kind>().into_vec().into_iter();
    let natives = natives.chain([
        (
            "input_filename",
            Box::default(),
            input_filename as jaq_core::RunPtr<Kind>,
        ),
        ("input_line_number", Box::default(), input_line_number),
    ]);
    let funs = jaq_core::funs::<Kind>()
        .chain(jaq_std::funs())
        .chain(jaq_json::funs())
        .chain(natives.map(jaq_core::native::run::<Kind>));
    let arena = Arena::default();
    let modules = Loader::new(defs)
        .load(&arena, File { code, path: () })
        .map_err(|errs| messages::load_errors(code, errs))?;
    Compiler::default()
        .with_funs(funs)
        .with_global_vars(vars.iter().map(|s| s.as_str()))
        .compile(modules)
        .map_err(|errs| messages::undefined(code, errs))
}

/// `input_line_number`: the lines read of the current input file, as jq 1.6 counts them.
fn input_line_number<'a>(cv: jaq_core::Cv<'a, Kind>) -> jaq_core::ValXs<'a, Val> {
    let line = isize::try_from(cv.0.data().at.line()).unwrap_or(isize::MAX);
    Box::new(std::iter::once(Ok(Val::from(line))))
}

/// `input_filename`: the file the latest input was read from, null before any (`-n`).
fn input_filename<'a>(cv: jaq_core::Cv<'a, Kind>) -> jaq_core::ValXs<'a, Val> {
    let name = cv.0.data().file.borrow().clone();
    let v = name.map_or(Val::Null, |n| Val::from(n.to_string()));
    Box::new(std::iter::once(Ok(v)))
}
