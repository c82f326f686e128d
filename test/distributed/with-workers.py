#!/usr/bin/env python3
"""Runs a command against N lcp-workers on loopback, with faults on a clock.

  with-workers.py --worker BIN [--count N] [--worker-arg ARG]...
                  [--at MS:ACTION:INDEX]... [--timeout S] -- COMMAND...

Starts N workers on free loopback ports, replaces @WORKERS@ in COMMAND by
their comma-separated addresses (and @PORTk@ by worker k's port), runs it,
and stops the workers. ACTION is one of kill (SIGKILL), restart (start it
again on the same port), stop (SIGSTOP, a stalled device) and cont
(SIGCONT), done MS milliseconds after COMMAND starts. Exits with COMMAND's
status; a worker that dies of itself, or a run past --timeout, is an error.
"""

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time


def start_worker(binary, args, port, folder, index):
    port_file = os.path.join(folder, "port%d" % index)
    if os.path.exists(port_file):
        os.remove(port_file)
    log = open(os.path.join(folder, "worker%d.log" % index), "ab")
    process = subprocess.Popen(
        [binary, "--listen", "127.0.0.1:%d" % port, "--port-file", port_file]
        + args, stdout=log, stderr=log)
    deadline = time.time() + 30
    while not os.path.exists(port_file):
        if process.poll() is not None or time.time() > deadline:
            sys.exit("with-workers: worker %d did not start (see %s)" %
                     (index, log.name))
        time.sleep(0.01)
    with open(port_file) as f:
        return process, int(f.read())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--worker", required=True)
    parser.add_argument("--count", type=int, default=4)
    parser.add_argument("--worker-arg", action="append", default=[])
    parser.add_argument("--at", action="append", default=[])
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    options = parser.parse_args()
    command = options.command[1:] if options.command[:1] == ["--"] else \
        options.command
    if not command:
        sys.exit("with-workers: no command")

    folder = tempfile.mkdtemp(prefix="with-workers-")
    workers, ports = [], []
    for i in range(options.count):
        process, port = start_worker(options.worker, options.worker_arg, 0,
                                     folder, i)
        workers.append(process)
        ports.append(port)
    addresses = ",".join("127.0.0.1:%d" % p for p in ports)

    def substitute(arg):
        arg = arg.replace("@WORKERS@", addresses)
        for i, p in enumerate(ports):
            arg = arg.replace("@PORT%d@" % i, str(p))
        return arg

    schedule = []
    for spec in options.at:
        ms, action, index = spec.split(":")
        schedule.append((float(ms) / 1000, action, int(index)))
    schedule.sort()

    run = subprocess.Popen([substitute(a) for a in command])
    begin = time.time()
    expected_dead = set()

    def act():
        for at, action, index in schedule:
            time.sleep(max(0, begin + at - time.time()))
            if run.poll() is not None:
                return
            process = workers[index]
            if action == "kill":
                expected_dead.add(index)
                process.kill()
                process.wait()
            elif action == "restart":
                workers[index], _ = start_worker(
                    options.worker, options.worker_arg, ports[index], folder,
                    index)
                expected_dead.discard(index)
            elif action == "stop":
                process.send_signal(signal.SIGSTOP)
            elif action == "cont":
                process.send_signal(signal.SIGCONT)
            print("with-workers: %s worker %d at %.0f ms" %
                  (action, index, 1000 * (time.time() - begin)),
                  file=sys.stderr, flush=True)

    actor = threading.Thread(target=act, daemon=True)
    actor.start()
    try:
        status = run.wait(timeout=options.timeout)
    except subprocess.TimeoutExpired:
        run.kill()
        print("with-workers: the command ran past %g s" % options.timeout,
              file=sys.stderr)
        status = 1
    actor.join(timeout=5)
    for i, process in enumerate(workers):
        process.send_signal(signal.SIGCONT)
        if process.poll() is not None and i not in expected_dead:
            print("with-workers: worker %d died (status %d; log in %s)" %
                  (i, process.returncode, folder), file=sys.stderr)
            status = status or 1
        process.terminate()
    for i, process in enumerate(workers):
        try:
            code = process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            code = 1
        if code not in (0, -signal.SIGKILL) and i not in expected_dead:
            print("with-workers: worker %d exited with %d (log in %s)" %
                  (i, code, folder), file=sys.stderr)
            with open(os.path.join(folder, "worker%d.log" % i)) as f:
                sys.stderr.write(f.read())
            status = status or 1
    if status == 0:
        shutil.rmtree(folder, ignore_errors=True)
    sys.exit(status)


if __name__ == "__main__":
    main()
