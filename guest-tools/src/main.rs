//! The one binary behind every program in the sandbox: `argv[0]` picks the tool.
//!
//! One multicall module rather than one module per tool: the host compiles and caches a single
//! artifact, and starting any tool is one `InstancePre::instantiate`. Each tool's `main` is
//! the crate's own (`uu_cat::uumain`, ...); what is ours is the shell, the grep front end on
//! ripgrep's crates, the jq and yq front
//! ends on jaq and the opa front end on regorus.

mod awk;
mod awk_pipes;
mod bc;
mod column;
mod diff;
mod du;
mod find;
mod grep;
mod grep_perl;
mod gz;
mod io_message;
mod jq;
#[cfg(target_arch = "wasm32")]
mod memory;
mod opa;
mod pattern;
mod rev;
mod sh;
#[cfg(target_os = "wasi")]
mod sort;
mod stat;
mod sys;
mod timeout;
mod xargs;
mod xxd;
mod yq;

use std::ffi::OsString;

fn main() {
    let args: Vec<OsString> = std::env::args_os().collect();
    // WASI has no inherited working directory; the host passes it as PWD.
    if let Some(pwd) = std::env::var_os("PWD") {
        let _ = std::env::set_current_dir(pwd);
    }
    let name = args
        .first()
        .and_then(|a| a.to_str())
        .map(|a| a.rsplit('/').next().unwrap_or(a).to_string())
        .unwrap_or_default();
    let code = run(&name, args);
    std::process::exit(code)
}

/// `sed`, with GNU's status 2 when an input file cannot be read (the sed crate returns 1).
fn sed_status(args: Vec<OsString>) -> i32 {
    localize("sed");
    let st = sed::sed::uumain(args.clone().into_iter());
    // A file operand is an argument that is not an option, not the script, not an option's value.
    let mut operands = Vec::new();
    let mut script_given = false;
    let mut it = args
        .iter()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned());
    while let Some(a) = it.next() {
        match a.as_str() {
            "-e" | "-f" | "--expression" | "--file" => {
                script_given = true;
                it.next();
            }
            "-l" | "--line-length" => {
                it.next();
            }
            s if s.starts_with("--expression=") || s.starts_with("--file=") => script_given = true,
            s if s.starts_with('-') && s.len() > 1 => {
                if s.starts_with("-e") || s.starts_with("-f") {
                    script_given = true;
                }
            }
            _ => operands.push(a),
        }
    }
    if !script_given && !operands.is_empty() {
        operands.remove(0);
    }
    let missing = operands
        .iter()
        .any(|f| f != "-" && !std::path::Path::new(f).exists());
    if st == 1 && missing { 2 } else { st }
}

/// Sets up a uutils tool's messages before its `uumain`, as uucore's own `main` does: the tools
/// build their clap command before asking for the help template that would set them up, so
/// `ls --help` printed `ls-about` and `Usage: ls-usage`. Free since the plain messages come from
/// tables (vendor/README.md, uucore).
pub fn localize(name: &str) {
    let _ = uucore::locale::setup_localization(name);
}

/// Runs tool `name`; `args[0]` is its name.
pub fn run(name: &str, args: Vec<OsString>) -> i32 {
    macro_rules! uu {
        ($($n:literal => $c:ident),* $(,)?) => {
            match name {
                $($n => {
                    localize($n);
                    return $c::uumain(args.into_iter());
                })*
                _ => {}
            }
        };
    }
    if name == "tac" && args.len() == 1 {
        return rev::tac_stdin();
    }
    uu! {
        "base32" => uu_base32, "base64" => uu_base64, "basename" => uu_basename, "cat" => uu_cat,
        "cksum" => uu_cksum, "comm" => uu_comm, "cp" => uu_cp, "cut" => uu_cut, "date" => uu_date,
        "dirname" => uu_dirname, "echo" => uu_echo, "expand" => uu_expand, "expr" => uu_expr,
        "false" => uu_false, "fmt" => uu_fmt, "fold" => uu_fold, "head" => uu_head, "join" => uu_join,
        "ln" => uu_ln, "ls" => uu_ls, "md5sum" => uu_md5sum, "mkdir" => uu_mkdir, "mktemp" => uu_mktemp,
        "mv" => uu_mv, "nl" => uu_nl, "numfmt" => uu_numfmt, "od" => uu_od, "paste" => uu_paste,
        "printenv" => uu_printenv, "printf" => uu_printf, "pwd" => uu_pwd, "readlink" => uu_readlink,
        "realpath" => uu_realpath, "rm" => uu_rm, "rmdir" => uu_rmdir, "seq" => uu_seq,
        "sha1sum" => uu_sha1sum, "sha256sum" => uu_sha256sum, "sha512sum" => uu_sha512sum,
        "shuf" => uu_shuf, "sleep" => uu_sleep, "split" => uu_split, "sum" => uu_sum,
        "tac" => uu_tac, "tail" => uu_tail, "tee" => uu_tee, "touch" => uu_touch, "tr" => uu_tr,
        "true" => uu_true, "truncate" => uu_truncate, "tsort" => uu_tsort, "uname" => uu_uname,
        "unexpand" => uu_unexpand, "uniq" => uu_uniq, "wc" => uu_wc, "yes" => uu_yes,
        "nproc" => uu_nproc,
    }
    match name {
        "sh" | "bash" => sh::main(args),
        "grep" | "egrep" | "fgrep" | "rg" => grep::main(name, args),
        "jq" => jq::main(args),
        "opa" => opa::main(args),
        "yq" => yq::main(args),
        "bc" => bc::main(args),
        "timeout" => timeout::main(args),
        "rev" => rev::main(args),
        "sed" => sed_status(args),
        #[cfg(target_os = "wasi")]
        "sort" => sort::main(args),
        "awk" | "gawk" => awk::main(args),
        "xargs" => xargs::main(args),
        "column" => column::main(args),
        "du" => du::main(args),
        "stat" => stat::main(args),
        "xxd" => xxd::main(args),
        "gzip" | "gunzip" | "zcat" => gz::main(name, args),
        "diff" => diff::diff_main(),
        "cmp" => diff::cmp_main(),
        "find" => find::main(args),
        "test" | "[" => sh::test_main(name, args),
        _ => {
            eprintln!("rcabox-tools: unknown tool {name:?}");
            127
        }
    }
}
