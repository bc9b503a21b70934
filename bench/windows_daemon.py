#!/usr/bin/env python3
"""The Windows daemon under Wine beside the Linux daemon, in one run (issue 13,
"Benchmark"): a first index of the sample corpus's readable PDFs and of N
generated ones (distinct copies of those samples), each into a fresh database
of a real siberius-server, PARSE_WORKERS=2. For each: seconds until every row
is on the server, the CPU the daemon and its readers used, and their peak
resident memory (VmHWM of the daemon; the largest reader). Also the PDF
reader alone (--print over the same files, no server).

Wine's own overhead is part of every Windows figure: its loader and DLLs in
the daemon's memory, the wineserver round trips of each system call. The
Wine prefix is made and its wineserver started before the clock, so a
figure does not include Wine's first start (about 8 s).

    bench/windows_daemon.sh [--files N]   (bench/windows_daemon.py --help)
"""
import argparse
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from daemon_index import Bench, Psql, children, cpu_seconds, good_samples, log, make_copies, proc_status  # noqa: E402


def wine_env(a):
    env = dict(os.environ)
    env.update(WINEPREFIX=a.wineprefix, WINEDEBUG="-all", LANG="C.UTF-8", LC_ALL="C.UTF-8",
               WINEDLLOVERRIDES="mscoree,mshtml=")
    return env


# Runs a command and prints the CPU seconds and the peak RSS (KiB) of the
# processes it waited for: a fresh process per measurement, because
# RUSAGE_CHILDREN's peak is the largest of every child a process ever had.
MEASURE = ("import resource, subprocess, sys\n"
           "r = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)\n"
           "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
           "print(r.stdout.count(b'\\n'), u.ru_utime + u.ru_stime, u.ru_maxrss)\n")


def reader_run(a, argv, env, folder):
    """Wall seconds, CPU and the peak RSS of the largest process it waited for."""
    files = sorted(f for f in os.listdir(folder) if f.endswith(".pdf"))
    t0 = time.monotonic()
    out = subprocess.run([sys.executable, "-c", MEASURE] + argv + ["--print"] + files, cwd=folder, env=env,
                         stdout=subprocess.PIPE, text=True, check=True)
    seconds = time.monotonic() - t0
    lines, cpu, peak_kib = out.stdout.split()
    if int(lines) != len(files):
        raise RuntimeError(f"{argv[0]}: {lines} answers for {len(files)} files")
    return dict(seconds=seconds, cpu=float(cpu), peak_mb=int(peak_kib) / 1024.0, files=len(files))


def first_index(a, bench, name, argv, env, folder, expected):
    server, creds = bench.fresh_server(name)
    db = Psql(a.psql, bench.conninfo(name))
    env = dict(env)
    env.update(SERVER_URL=creds["url"], DAEMON_TOKEN=creds["daemonToken"], CLIENT_ID=creds["clientId"],
               PDF_DIRECTORY=folder, PARSE_WORKERS="2", STABLE_MS="200", LOG_LEVEL="warn")
    t0 = time.monotonic()
    daemon = bench.spawn(argv, os.path.join(a.work, f"{name}-daemon.log"), env=env, cwd=a.work)
    peak_reader = 0.0
    cpu_readers = {}
    while True:
        for pid in children(daemon.pid):
            st = proc_status(pid)
            peak_reader = max(peak_reader, st.get("VmHWM", 0.0))
            cpu_readers[pid] = cpu_seconds(pid)
        count = int(db.scalar("SELECT count(*) FROM pdf_cache"))
        if count >= expected:
            break
        if daemon.poll() is not None:
            raise RuntimeError(f"{name}: the daemon exited ({count} rows); see {name}-daemon.log")
        if time.monotonic() - t0 > a.timeout:
            raise RuntimeError(f"{name}: only {count} of {expected} rows after {a.timeout} s")
        time.sleep(0.05)
    seconds = time.monotonic() - t0
    mem = proc_status(daemon.pid)
    cpu = cpu_seconds(daemon.pid)
    bench.stop(daemon)
    db.close()
    bench.stop(server)
    return dict(seconds=seconds, cpu=cpu, peak_mb=mem.get("VmHWM", 0.0), reader_peak_mb=peak_reader, rows=count)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--work", required=True)
    p.add_argument("--pg", required=True)
    p.add_argument("--psql", default="psql")
    p.add_argument("--server", required=True)
    p.add_argument("--linux-daemon", required=True)
    p.add_argument("--windows", required=True, help="folder with siberius-daemon.exe and siberius-pdf-reader.exe")
    p.add_argument("--schema-dir", required=True)
    p.add_argument("--corpus", required=True)
    p.add_argument("--files", type=int, default=2000)
    p.add_argument("--timeout", type=float, default=900)
    a = p.parse_args()
    a.wineprefix = os.path.join(a.work, "wineprefix")
    a.folder = None
    bench = Bench(a)
    linux_reader = os.path.join(os.path.dirname(a.linux_daemon), "siberius-pdf-reader")
    win_daemon = ["wine", os.path.join(a.windows, "siberius-daemon.exe")]
    win_reader = ["wine", os.path.join(a.windows, "siberius-pdf-reader.exe")]
    env = wine_env(a)
    try:
        log("Wine: making the prefix and keeping its wineserver running ...")
        subprocess.run(["wine", "cmd", "/c", "ver"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        subprocess.Popen(["wineserver", "-p"], env=env)

        samples = good_samples(a.corpus)
        corpus_folder = os.path.join(a.work, "corpus")
        make_copies(samples, corpus_folder, len(samples))  # one of each
        gen_folder = os.path.join(a.work, "generated")
        total = make_copies(samples, gen_folder, a.files)
        log(f"folders: {len(samples)} readable samples; {a.files} generated ({total / 2**20:.1f} MB)")

        rows = []
        for tag, label, folder, count in (("corpus", "corpus", corpus_folder, len(samples)),
                                          ("generated", f"{a.files} generated", gen_folder, a.files)):
            lin = reader_run(a, [linux_reader], dict(os.environ), folder)
            win = reader_run(a, win_reader, env, folder)
            rows.append((f"reader, {label}", lin, win))
            log(f"reader {label}: linux {lin['seconds']:.2f} s, windows/wine {win['seconds']:.2f} s")
            lin = first_index(a, bench, f"win_bench_linux_{tag}", [a.linux_daemon], dict(os.environ), folder, count)
            win = first_index(a, bench, f"win_bench_wine_{tag}", win_daemon, env, folder, count)
            rows.append((f"daemon first index, {label}", lin, win))
            log(f"index {label}: linux {lin['seconds']:.2f} s, windows/wine {win['seconds']:.2f} s")

        log("")
        log(f"{'':34}{'Linux s':>9}{'Wine s':>9}{'ratio':>7}{'Linux CPU':>11}{'Wine CPU':>10}"
            f"{'Linux MB':>10}{'Wine MB':>9}")
        for name, lin, win in rows:
            log(f"{name:34}{lin['seconds']:9.2f}{win['seconds']:9.2f}{win['seconds'] / lin['seconds']:7.2f}"
                f"{lin['cpu']:11.2f}{win['cpu']:10.2f}{lin['peak_mb']:10.1f}{win['peak_mb']:9.1f}")
            if "reader_peak_mb" in lin:
                log(f"{'  its largest reader process':34}{'':36}{lin['reader_peak_mb']:10.1f}{win['reader_peak_mb']:9.1f}")
        log("MB: peak resident memory (VmHWM of the daemon; for the reader alone, of the reader process). "
            "CPU: seconds of the process and the children it reaped; under Wine the wineserver's CPU, and "
            "for the daemon its reader processes (started through Wine), are not counted, so Wine's CPU "
            "figures are low. Wine's overhead is part of every Wine time and memory figure.")
    finally:
        bench.stop_all()
        subprocess.run(["wineserver", "-k"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


if __name__ == "__main__":
    main()
