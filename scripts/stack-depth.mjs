// usage: node scripts/stack-depth.mjs TOOLS.wasm ROOT TOOL [ARGS...]
//
// How deep into its shadow stack (Rust's stack in linear memory) one guest tool goes: runs
// TOOLS.wasm (target/guest/wasm32-wasip1/release/rcabox-tools.wasm) under node's WASI with
// argv TOOL ARGS..., host directory ROOT as `/`, and prints the bytes between the stack's top
// and the lowest non-zero byte below it (a fresh instance's stack is zero; the tools are linked
// stack-first, so the stack is [0, top)). docs/PERFORMANCE.md ("The shadow stack") has the
// figures. Not the sandbox: rcabox's own imports (spawn, pipe, wait, memfd, state) fail with
// ENOSYS, so only tools that start no process measure (`awk`, `jq`, `bc`, `grep`, `sed`...;
// not `sh`, which takes its start state from the sandbox). STACK_TOP overrides the top
// (default 8 MiB, as guest-tools/.cargo/config.toml links it); a depth equal to the top means
// the stack overflowed (the run ends in a trap).
import { readFileSync } from 'node:fs';
import { WASI } from 'node:wasi';
import { Worker, isMainThread, workerData } from 'node:worker_threads';

// Recursion in the guest is recursion on the host's stack too: the run goes on a thread with
// a stack large enough for any guest whose shadow stack fits (the sandbox allows 8 MiB).
if (isMainThread) {
  const argv = process.argv.slice(2);
  if (argv.length < 3) {
    console.error('usage: node scripts/stack-depth.mjs TOOLS.wasm ROOT TOOL [ARGS...]');
    process.exit(2);
  }
  new Worker(new URL(import.meta.url), { workerData: argv, resourceLimits: { stackSizeMb: 256 } });
} else {
  measure(...workerData);
}

function measure(wasmPath, root, ...args) {
  const module = new WebAssembly.Module(readFileSync(wasmPath));
  const wasi = new WASI({
    version: 'preview1',
    args,
    env: { LC_ALL: 'C.UTF-8' },
    preopens: { '/': root },
    returnOnExit: true,
  });
  const ENOSYS = 52;
  const imports = { wasi_snapshot_preview1: wasi.wasiImport };
  for (const imp of WebAssembly.Module.imports(module)) {
    if (imp.module === 'wasi_snapshot_preview1' || imp.kind !== 'function') continue;
    imports[imp.module] ??= {};
    imports[imp.module][imp.name] = () => ENOSYS;
  }
  const instance = new WebAssembly.Instance(module, imports);
  let status;
  try {
    status = wasi.start(instance);
  } catch (e) {
    status = `trap (${e.message})`;
  }
  const memory = new Uint8Array(instance.exports.memory.buffer);
  const top = Number(process.env.STACK_TOP ?? 8 << 20);
  let low = 0;
  while (low < top && memory[low] === 0) low++;
  console.error(`stack ${top - low} bytes, status ${status}, linear memory ${memory.length} bytes`);
}
