// The just-bash peer of `rcabox bench` (src/cli/bench/peers/line.rs): a fresh
// interpreter a command over a read-only overlay of the snapshot, as an agent harness embeds it.
// Reads one JSON string (a command) a line on stdin, answers one line of JSON for each:
// {"exit": status, "ms": time of constructing the interpreter and running the command}.
import { createInterface } from "node:readline";
import { Bash, OverlayFs } from "just-bash";

const root = process.argv[process.argv.length - 1];
const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  const cmd = JSON.parse(line);
  const t = performance.now();
  let exit;
  try {
    // maxFileReadSize: the default (10 MB) refuses a real snapshot's larger files outright.
    const fs = new OverlayFs({ root, mountPoint: "/snapshot", readOnly: true, maxFileReadSize: 2 ** 31 });
    const bash = new Bash({ fs, cwd: "/snapshot" });
    exit = (await bash.exec(cmd)).exitCode;
  } catch {
    exit = -1;
  }
  const ms = performance.now() - t;
  process.stdout.write(JSON.stringify({ exit, ms }) + "\n");
}
