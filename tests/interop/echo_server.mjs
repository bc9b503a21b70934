// Starts and stops the sio-echo binary (path in $SIO_ECHO) for the interop tests.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";

const binary = process.env.SIO_ECHO;

/** Spawns sio-echo on `port` (0: any free port) with extra command-line
 *  `args`; resolves once it listens. */
export function startEcho(port = 0, args = []) {
  if (!binary) throw new Error("SIO_ECHO must name the sio-echo binary");
  const proc = spawn(binary, ["--host", "127.0.0.1", "--port", String(port), ...args], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("sio-echo did not report listening")), 10000);
    proc.once("exit", (code) => reject(new Error(`sio-echo exited early with ${code}`)));
    createInterface({ input: proc.stdout }).on("line", (line) => {
      let entry;
      try {
        entry = JSON.parse(line);
      } catch {
        return;
      }
      if (entry.event === "sio-echo:listening") {
        clearTimeout(timer);
        resolve({ proc, port: entry.port, url: `http://127.0.0.1:${entry.port}` });
      }
    });
  });
}

/** Ends sio-echo (SIGTERM unless told otherwise) and waits for the exit. */
export function stopEcho(server, signal = "SIGTERM") {
  return new Promise((resolve) => {
    if (server.proc.exitCode !== null || server.proc.signalCode !== null) return resolve();
    server.proc.once("exit", (code, sig) => resolve({ code, sig }));
    server.proc.kill(signal);
  });
}

/** Resolves with the first emission of `event` on `emitter`, or rejects after `ms`. */
export function once(emitter, event, ms = 5000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${ms} ms`)), ms);
    emitter.once(event, (...args) => {
      clearTimeout(timer);
      resolve(args);
    });
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
