//! The preview 1 import layer itself: a generated guest module makes a sequence of calls to
//! rcabox's WASI functions (and its `rcabox` process imports) with fuzz-chosen descriptors,
//! pointers, lengths, offsets and flags over a fuzz-chosen memory image, in a fresh session
//! over a small snapshot with a hidden file. Invariants: the host never panics, a command ends
//! (libFuzzer's timeout bounds it), the hidden file's content never reaches the output, and the
//! next command in the same session still works.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use rcabox_runtime::sandbox::{Limits, Runtime, Session, SessionConfig};
use wasm_encoder::{
    CodeSection, ConstExpr, DataSection, EntityType, ExportKind, ExportSection, Function,
    FunctionSection, ImportSection, Instruction, MemorySection, MemoryType, Module, TypeSection,
    ValType,
};

use ValType::{I32, I64};

/// Every import the layer offers: module, name, parameters, whether it returns an errno.
/// `spawn` and `wait` are left out: a child would run this same module again.
const IMPORTS: &[(&str, &str, &[ValType], bool)] = &[
    ("wasi_snapshot_preview1", "args_get", &[I32, I32], true),
    (
        "wasi_snapshot_preview1",
        "args_sizes_get",
        &[I32, I32],
        true,
    ),
    ("wasi_snapshot_preview1", "environ_get", &[I32, I32], true),
    (
        "wasi_snapshot_preview1",
        "environ_sizes_get",
        &[I32, I32],
        true,
    ),
    ("wasi_snapshot_preview1", "clock_res_get", &[I32, I32], true),
    (
        "wasi_snapshot_preview1",
        "clock_time_get",
        &[I32, I64, I32],
        true,
    ),
    (
        "wasi_snapshot_preview1",
        "fd_advise",
        &[I32, I64, I64, I32],
        true,
    ),
    (
        "wasi_snapshot_preview1",
        "fd_allocate",
        &[I32, I64, I64],
        true,
    ),
    ("wasi_snapshot_preview1", "fd_close", &[I32], true),
    ("wasi_snapshot_preview1", "fd_datasync", &[I32], true),
    ("wasi_snapshot_preview1", "fd_fdstat_get", &[I32, I32], true),
    (
        "wasi_snapshot_preview1",
        "fd_fdstat_set_flags",
        &[I32, I32],
        true,
    ),
    (
        "wasi_snapshot_preview1",
        "fd_fdstat_set_rights",
        &[I32, I64, I64],
        true,
    ),
    (
        "wasi_snapshot_preview1",
        "fd_filestat_get",
        &[I32, I32],
        true,
    ),
    (
        "wasi_snapshot_preview1",
        "fd_filestat_set_size",
        &[I32, I64],
        true,
    ),
    (
        "wasi_snapshot_preview1",
        "fd_filestat_set_times",
        &[I32, I64, I64, I32],
        true,
    ),
    (
        "wasi_snapshot_preview1",
        "fd_pread",
        &[I32, I32, I32, I64, I32],
        true,
    ),
    (
        "wasi_snapshot_preview1",
        "fd_prestat_get",
        &[I32, I32],
        true,
    ),
    (
        "wasi_snapshot_preview1",
        "fd_prestat_dir_name",
        &[I32, I32, I32],
        true,
    ),
    (
        "wasi_snapshot_preview1",
        "fd_pwrite",
        &[I32, I32, I32, I64, I32],
        true,
    ),
    (
        "wasi_snapshot_preview1",
        "fd_read",
        &[I32, I32, I32, I32],
        true,
    ),
    (
        "wasi_snapshot_preview1",
        "fd_readdir",
        &[I32, I32, I32, I64, I32],
        true,
    ),
    ("wasi_snapshot_preview1", "fd_renumber", &[I32, I32], true),
    (
        "wasi_snapshot_preview1",
        "fd_seek",
        &[I32, I64, I32, I32],
        true,
    ),
    ("wasi_snapshot_preview1", "fd_sync", &[I32], true),
    ("wasi_snapshot_preview1", "fd_tell", &[I32, I32], true),
    (
        "wasi_snapshot_preview1",
        "fd_write",
        &[I32, I32, I32, I32],
        true,
    ),
    (
        "wasi_snapshot_preview1",
        "path_create_directory",
        &[I32, I32, I32],
        true,
    ),
    (
        "wasi_snapshot_preview1",
        "path_filestat_get",
        &[I32, I32, I32, I32, I32],
        true,
    ),
    (
        "wasi_snapshot_preview1",
        "path_filestat_set_times",
        &[I32, I32, I32, I32, I64, I64, I32],
        true,
    ),
    (
        "wasi_snapshot_preview1",
        "path_link",
        &[I32, I32, I32, I32, I32, I32, I32],
        true,
    ),
    (
        "wasi_snapshot_preview1",
        "path_open",
        &[I32, I32, I32, I32, I32, I64, I64, I32, I32],
        true,
    ),
    (
        "wasi_snapshot_preview1",
        "path_readlink",
        &[I32, I32, I32, I32, I32, I32],
        true,
    ),
    (
        "wasi_snapshot_preview1",
        "path_remove_directory",
        &[I32, I32, I32],
        true,
    ),
    (
        "wasi_snapshot_preview1",
        "path_rename",
        &[I32, I32, I32, I32, I32, I32],
        true,
    ),
    (
        "wasi_snapshot_preview1",
        "path_symlink",
        &[I32, I32, I32, I32, I32],
        true,
    ),
    (
        "wasi_snapshot_preview1",
        "path_unlink_file",
        &[I32, I32, I32],
        true,
    ),
    (
        "wasi_snapshot_preview1",
        "poll_oneoff",
        &[I32, I32, I32, I32],
        true,
    ),
    ("wasi_snapshot_preview1", "proc_raise", &[I32], true),
    ("wasi_snapshot_preview1", "sched_yield", &[], true),
    ("wasi_snapshot_preview1", "random_get", &[I32, I32], true),
    (
        "wasi_snapshot_preview1",
        "sock_accept",
        &[I32, I32, I32],
        true,
    ),
    (
        "wasi_snapshot_preview1",
        "sock_recv",
        &[I32, I32, I32, I32, I32, I32],
        true,
    ),
    (
        "wasi_snapshot_preview1",
        "sock_send",
        &[I32, I32, I32, I32, I32],
        true,
    ),
    ("wasi_snapshot_preview1", "sock_shutdown", &[I32, I32], true),
    ("wasi_snapshot_preview1", "proc_exit", &[I32], false),
    ("rcabox", "pipe", &[I32], true),
    ("rcabox", "dup", &[I32, I32], true),
    ("rcabox", "memfd", &[I32, I32, I32], true),
    ("rcabox", "state", &[I32, I32], true),
];

/// One argument: mostly small (descriptors, pointers into the one page, lengths), sometimes
/// anything.
#[derive(Arbitrary, Debug, Clone, Copy)]
enum Arg {
    Small(u16),
    Any(i64),
}

#[derive(Arbitrary, Debug)]
struct Call {
    import: u8,
    args: [Arg; 9],
}

#[derive(Arbitrary, Debug)]
struct Input {
    memory: Vec<u8>,
    calls: Vec<Call>,
}

const SECRET: &str = "HIDDEN-GROUND-TRUTH-7f3a";

/// A snapshot with a file, a directory and the hidden ground truth, made once per process.
fn snapshot() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("rcabox-fuzz-p1-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("alerts")).expect("snapshot dir");
        std::fs::write(
            dir.join("otel_logs_raw.tsv"),
            "Timestamp\tBody\n1\tERROR x\n",
        )
        .expect("file");
        std::fs::write(dir.join("alerts/a.json"), "[]").expect("file");
        std::fs::write(dir.join("ground_truth.yaml"), SECRET).expect("hidden file");
        dir
    })
}

/// The guest: `_start` makes the calls in order, dropping their results; one page of memory
/// holds the fuzz-chosen image at address 0.
fn module(input: &Input) -> Vec<u8> {
    let mut types = TypeSection::new();
    let mut imports = ImportSection::new();
    for (i, (m, name, params, ret)) in IMPORTS.iter().enumerate() {
        let results: &[ValType] = if *ret { &[I32] } else { &[] };
        types
            .ty()
            .function(params.iter().copied(), results.iter().copied());
        imports.import(m, name, EntityType::Function(i as u32));
    }
    let start_type = IMPORTS.len() as u32;
    types.ty().function([], []);
    let mut funcs = FunctionSection::new();
    funcs.function(start_type);
    let mut memories = MemorySection::new();
    memories.memory(MemoryType {
        minimum: 1,
        maximum: Some(1),
        memory64: false,
        shared: false,
        page_size_log2: None,
    });
    let mut exports = ExportSection::new();
    exports.export("memory", ExportKind::Memory, 0);
    exports.export("_start", ExportKind::Func, IMPORTS.len() as u32);
    let mut f = Function::new([]);
    for call in input.calls.iter().take(64) {
        let idx = call.import as usize % IMPORTS.len();
        let (_, _, params, ret) = IMPORTS[idx];
        for (p, a) in params.iter().zip(call.args) {
            let v = match a {
                Arg::Small(s) => i64::from(s),
                Arg::Any(x) => x,
            };
            f.instruction(&match p {
                I64 => Instruction::I64Const(v),
                _ => Instruction::I32Const(v as i32),
            });
        }
        f.instruction(&Instruction::Call(idx as u32));
        if ret {
            f.instruction(&Instruction::Drop);
        }
    }
    f.instruction(&Instruction::End);
    let mut code = CodeSection::new();
    code.function(&f);
    let mut data = DataSection::new();
    let image: Vec<u8> = input.memory.iter().take(65536).copied().collect();
    data.active(0, &ConstExpr::i32_const(0), image);
    let mut m = Module::new();
    m.section(&types)
        .section(&imports)
        .section(&funcs)
        .section(&memories)
        .section(&exports)
        .section(&code)
        .section(&data);
    m.finish()
}

fuzz_target!(|input: Input| {
    let wasm = module(&input);
    let runtime = Runtime::new(&wasm, None).expect("the generated module links");
    let mut config = SessionConfig::for_snapshot(snapshot());
    config.limits = Limits {
        timeout: Duration::from_secs(2),
        cpu: Duration::from_secs(1),
        memory_bytes: 16 << 20,
        memory_total_bytes: 128 << 20,
        max_processes: 16,
        max_live_processes: 4,
        output_bytes: 1 << 16,
        disk_bytes: 1 << 20,
    };
    let mut session = Session::new(runtime, config).expect("session");
    for _ in 0..2 {
        let r = session.run("fuzz");
        for stream in [&r.stdout, &r.stderr] {
            assert!(
                !String::from_utf8_lossy(stream).contains(SECRET),
                "hidden content reached the output"
            );
        }
    }
});
