//! The same threats through `python3`: CPython's own file, directory, process and socket calls
//! reach the host by other WASI paths than the tools' (os.walk, scandir, glob, pathlib, shutil,
//! sockets, urllib), and an interpreter can build memory and loops the tools cannot.

use std::time::Duration;

use rcabox_runtime::sandbox::ErrorKind::*;

use super::harness::{Category::*, Probe, Want::*, p};

/// Text found only in hidden or out-of-reach content of the fixture.
const SECRETS: [&str; 4] = [
    "SECRET-ROOT-CAUSE",
    "SECRET-INNER",
    "SECRET-PROVENANCE",
    "SECRET-OUTSIDE",
];

fn py(src: &str) -> String {
    format!("python3 - 2>&1 <<'EOF'\n{src}\nEOF")
}

pub fn probes() -> Vec<Probe> {
    let mut v = Vec::new();
    let never: Vec<_> = SECRETS.iter().map(|s| Never(s)).collect();
    // LEAK-*: every way CPython names, lists or reads a file.
    // A listing must list the visible files: a probe that fails early proves nothing.
    let listed = "otel_logs_raw.tsv";
    for (src, has) in [
        ("print(open('ground_truth.yaml').read())", None),
        (
            "print(open('/snapshot/alerts/../ground_truth.yaml').read())",
            None,
        ),
        ("print(open('gt_hard.yaml').read())", None),
        ("print(open('gt_link.yaml').read())", None),
        ("print(open('gtdirlink').read())", None),
        ("print(open('d/ground_truth.yaml/inner.txt').read())", None),
        ("print(open('rcabox-provenance.json').read())", None),
        (
            "import os\nfor r, d, fs in os.walk('/'):\n    if r.startswith('/dev'): continue\n    for f in fs:\n        p = os.path.join(r, f)\n        print(p)\n        try: print(open(p, errors='replace').read()[:200])\n        except OSError as e: print(e)",
            Some(listed),
        ),
        (
            "import glob\nfor p in glob.glob('/snapshot/**', recursive=True):\n    print(p)",
            Some(listed),
        ),
        (
            "import glob\nprint(glob.glob('g*'), glob.glob('*/*'))",
            None,
        ),
        (
            "import pathlib\nfor p in sorted(pathlib.Path('/snapshot').rglob('*')):\n    print(p)\n    print(p.read_text(errors='replace')[:100] if p.is_file() else '')",
            Some(listed),
        ),
        (
            "import os\nprint([e.name for e in os.scandir('.')], os.path.exists('ground_truth.yaml'))",
            Some(listed),
        ),
        ("import os\nprint(os.stat('ground_truth.yaml'))", None),
        (
            "import shutil\nshutil.copytree('/snapshot', '/tmp/copy')\nimport subprocess\nprint(open('/tmp/copy/ground_truth.yaml').read())",
            None,
        ),
        (
            "import zipfile, os\nz = zipfile.ZipFile('/tmp/s.zip', 'w')\nfor r, d, fs in os.walk('/snapshot'):\n    for f in fs: z.write(os.path.join(r, f))\nz.close()\nprint(zipfile.ZipFile('/tmp/s.zip').namelist())",
            Some(listed),
        ),
    ] {
        let mut want = never.clone();
        want.extend(has.map(Has));
        v.push(p("LEAK-PY", Hidden, py(src), &want));
    }
    // ESC-*: paths out of the view, host files through symlinks, writes to the snapshot.
    for src in [
        "print(open('/etc/passwd').read())",
        "print(open('../../../../etc/passwd').read())",
        "print(open('passwd').read())",
        "print(open('etc/passwd').read())",
        "print(open('outside').read())",
        "print(open('/proc/self/environ').read())",
        "import os\nprint(os.listdir('/'), os.listdir('/usr/local/lib'))",
        "import os\nos.chdir('/snapshot/../../..')\nprint(os.getcwd(), os.listdir('.'))",
        "import os\nprint(dict(os.environ))",
    ] {
        let mut want = never.clone();
        want.push(Never("root:x:0"));
        want.push(Never("CARGO"));
        v.push(p("ESC-PATH", Escape, py(src), &want));
    }
    for src in [
        "open('/snapshot/otel_logs_raw.tsv', 'a').write('x')",
        "open('otel_logs_raw.tsv', 'w')",
        "import os\nos.remove('otel_logs_raw.tsv')",
        "import os\nos.rename('otel_logs_raw.tsv', 'x.tsv')",
        "import os\nos.mkdir('/snapshot/new')",
        "import shutil\nshutil.rmtree('/snapshot/alerts')",
        "import os\nos.truncate('otel_logs_raw.tsv', 0)",
        "import os\nos.utime('otel_logs_raw.tsv', (0, 0))",
        "open('/usr/local/lib/python314.zip', 'r+b').write(b'x')",
    ] {
        v.push(p(
            "ESC-RO",
            Escape,
            py(src),
            &[Has("Read-only file system"), Fails],
        ));
    }
    // No network and no host processes: clean Python exceptions.
    for (src, err) in [
        ("import socket\nsocket.socket()", "OSError"),
        (
            "import socket\nsocket.create_connection(('example.com', 80))",
            "Error",
        ),
        (
            "import urllib.request\nurllib.request.urlopen('http://example.com')",
            "network access is disabled",
        ),
        (
            "import requests\nrequests.get('http://169.254.169.254/')",
            "network access is disabled",
        ),
        ("import os\nos.fork()", "AttributeError"),
        ("import subprocess\nsubprocess.run(['ls'])", "Error"),
        ("import os\nos.system('ls')", "AttributeError"),
    ] {
        v.push(p("PY-NET", Escape, py(src), &[Has(err), Fails, Clean]));
    }
    // H-CPU, H-TIME: a loop that never calls the host stops at the CPU limit, and at the
    // timeout when that comes first; virtual sleeps end at once.
    for src in [
        "while True: pass",
        "x = 0\nwhile True: x += 1",
        "import re\nre.match('(a*)*b', 'a' * 40)",
    ] {
        v.push(
            p("H-CPU", Cpu, py(src), &[Kind(CpuLimit)]).with(|l| l.cpu = Duration::from_secs(2)),
        );
        v.push(
            p("H-TIME", Time, py(src), &[Kind(Timeout), Status(124)]).with(|l| {
                l.timeout = Duration::from_secs(1);
                l.cpu = Duration::from_secs(30);
            }),
        );
    }
    v.push(p(
        "H-TIME",
        Time,
        py("import time\nt = time.time()\ntime.sleep(86400)\nprint(round(time.time() - t))"),
        &[Kind(Timeout), Status(124)],
    ));
    // H-MEM-GUEST: the interpreter's heap ends at the per-process limit with MemoryError.
    for src in [
        "l = []\nwhile True: l.append('y' * 10**6)",
        "b = bytearray(10**9)",
        "s = 'x' * 10**9",
    ] {
        v.push(p(
            "H-MEM-GUEST",
            Memory,
            py(src),
            &[Has("MemoryError"), Kind(MemoryLimit)],
        ));
    }
    // Many small objects reach the limit one allocation at a time, under the cyclic collector's
    // passes: on a slow CI machine 256 MiB of them took past the probes' 3 s of CPU (killed for
    // CPU before the MemoryError). A smaller heap and a CPU allowance that is not the subject
    // keep the probe about memory on any machine.
    v.push(
        p(
            "H-MEM-GUEST",
            Memory,
            py("d = {}\ni = 0\nwhile True:\n    d[i] = [i] * 100\n    i += 1"),
            &[Has("MemoryError"), Kind(MemoryLimit)],
        )
        .with(|l| {
            l.memory_bytes = 96 << 20;
            l.cpu = Duration::from_secs(30);
            l.timeout = Duration::from_secs(60);
        }),
    );
    // Past 2 GiB a 32-bit interpreter refuses the size itself (docs/COMPATIBILITY.md).
    v.push(p(
        "H-MEM-GUEST",
        Memory,
        py("s = 'x' * 10**10"),
        &[Has("OverflowError"), Fails, Clean],
    ));
    // Deep recursion: Python's own limit, then the guest stack; never the host's.
    v.push(p(
        "H-MEM-STACK",
        Memory,
        py("def f(n): return f(n + 1)\nf(0)"),
        &[Has("RecursionError"), Fails],
    ));
    v.push(
        p(
            "H-MEM-STACK",
            Memory,
            py("import sys\nsys.setrecursionlimit(10**7)\ndef f(n): return f(n + 1)\nf(0)"),
            &[Fails],
        )
        // About the stack, not time: room for a slow machine to reach the guest stack's end.
        .with(|l| l.cpu = Duration::from_secs(20)),
    );
    // H-OUT, H-DISK, H-FD: output, the writable quota and descriptors.
    v.push(p(
        "H-OUT",
        Output,
        py("for i in range(10**5): print('x' * 100)"),
        &[Kind(OutputLimit)],
    ));
    v.push(p(
        "H-DISK",
        Disk,
        py("f = open('/tmp/big', 'wb')\nwhile True: f.write(b'x' * 2**20)"),
        &[Kind(DiskQuota), Fails],
    ));
    v.push(p(
        "H-FD",
        Descriptors,
        py("fs = [open('otel_logs_raw.tsv') for _ in range(100000)]"),
        // WASI's EMFILE, in wasi-libc's words.
        &[Has("[Errno 33] No file descriptors available"), Fails],
    ));
    v
}
