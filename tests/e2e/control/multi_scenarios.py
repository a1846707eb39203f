#!/usr/bin/env python3
"""Extended-remote (`--multi`) against a debug server: rspstub --multi, or `gdbserver --multi`
as the peer. Same command line as the other scenario scripts (common.py), plus the client:

  multi_scenarios.py --server KIND [--server-bin PATH] --programs DIR gdb.run|gdb.attach|lldb.first

gdb.run     target extended-remote, set remote exec-file, set environment, set cwd, break, run;
            the program's globals show the variable and the directory; kill; run again (a new
            pid); kill. The server is still running afterwards.
gdb.attach  target extended-remote, attach PID (a program the test started), print a run-time
            value, detach: the program runs on and finishes; the server is still running.
lldb.first  rspstub --multi -- PROG: lldb-19 connects to that first process (gdb-remote), breaks,
            prints, kills it; the server outlives it and a gdb that connects next runs the same
            program again (vRun with an empty program). lldb-19 cannot start or attach through a
            gdb-remote connection by itself (its `process launch`/`attach` go through an
            lldb-server platform, not vRun/vAttach), so this is what lldb does with --multi.
"""

import os
import re
import time

import common
from common import check, check_killed, check_runs_on_after_detach
from gdb_scenarios import BAD_SIGNS as GDB_BAD_SIGNS, _require
from lldb_scenarios import lldb as lldb_client  # the same checks as the lldb scenarios
from servers import Server, resolve_binary


def multi_server(ctx, program=None):
    binary = resolve_binary(ctx.server_kind, ctx.server_bin)
    server = Server(ctx.server_kind, binary, ctx.tmp, program=program, multi=True)
    ctx.servers.append(server)
    return server


def gdb_extended(ctx, title, server, program, commands):
    tool = _require("gdb", "gdb")
    argv = [tool, "-batch", "-nx", "-iex", "set debuginfod enabled off", "-iex", "set confirm off",
            "-ex", f"target extended-remote 127.0.0.1:{server.port}"]
    for command in commands:
        argv += ["-ex", command]
    rc, out = ctx.run_client(title, argv + [program])
    for sign in GDB_BAD_SIGNS:
        check(sign not in out, f"{title}: gdb said {sign!r}")
    return rc, out


def values(out):
    return re.findall(r"^\$\d+ = (.*)$", out, re.M)


def check_server_alive(server, what):
    time.sleep(0.3)
    check(server.running(), f"{what}: the server exited (it must outlive each process)")


def gdb_run(ctx):
    program = ctx.program("control_env")
    server = multi_server(ctx)
    marker = f"hello-{os.getpid()}"
    workdir = os.path.join(ctx.tmp, "work dir")
    os.mkdir(workdir)
    rc, out = gdb_extended(ctx, "gdb run, kill, run", server, program, [
        f"set remote exec-file {program}",
        f"set environment RSPSTUB_MULTI_VAR={marker}",
        f"set cwd {workdir}",
        "break reached",
        "run",
        "print g_env_value", "print g_cwd", "print g_pid",
        "kill",
        "run",
        "print g_env_value", "print g_pid",
        "kill",
    ])
    v = values(out)
    check(len(v) == 5, f"gdb printed {len(v)} values, expected 5 (did both runs stop?): {v}")
    check(v[0].startswith(f'"{marker}"'), f"first run: RSPSTUB_MULTI_VAR is {v[0]}, not {marker}")
    check(v[1].startswith(f'"{workdir}"'), f"first run: cwd is {v[1]}, not {workdir}")
    check(v[3].startswith(f'"{marker}"'), f"second run: RSPSTUB_MULTI_VAR is {v[3]}")
    first, second = int(v[2]), int(v[4])
    check(first != second, f"both runs report pid {first}: the second run is not a new process")
    check(out.count("Breakpoint 1, reached") == 2, "gdb did not stop at reached() in both runs")
    for pid in (first, second):
        check_killed(pid, f"process {pid} after kill")
    check_server_alive(server, "after two runs and kills")


def gdb_attach(ctx):
    done = os.path.join(ctx.tmp, "attach.done")
    popen = ctx.start_program("control_basic", "ticks", 60, done)
    pid = popen.pid
    time.sleep(0.3)
    server = multi_server(ctx)
    rc, out = gdb_extended(ctx, "gdb attach, detach", server, ctx.program("control_basic"), [
        f"attach {pid}",
        "print g_runtime_value",
        "detach",
    ])
    v = values(out)
    check(v == [str(pid * 1000 + 4)],
          f"gdb printed {v} for g_runtime_value, expected {pid * 1000 + 4}")
    check_runs_on_after_detach(pid, "after detach", done_file=done, popen=popen)
    check_server_alive(server, "after attach and detach")


def lldb_first(ctx):
    check(ctx.server_kind == "rspstub", "lldb.first is a scenario for rspstub")
    marker = f"first-{os.getpid()}"
    os.environ["RSPSTUB_MULTI_VAR"] = marker  # the server's environment: the first program's
    program = ctx.program("control_env")
    server = multi_server(ctx, program=program)
    pid = server.inferior_pid
    rc, out = lldb_client(ctx, "lldb on the first process, kill", server, program, [
        "breakpoint set -n reached",
        "continue",
        "print g_env_value",
        "print g_pid",
        "process kill",
    ])
    check(marker in out, f"lldb did not print RSPSTUB_MULTI_VAR={marker}")
    check(re.search(rf"\(long\) {pid}\b", out), f"lldb did not print g_pid = {pid}")
    check_killed(pid, "the first process after lldb's kill")
    check_server_alive(server, "after lldb killed the first process")
    rc, out = gdb_extended(ctx, "gdb runs the program again", server, program, [
        "break reached", "run", "print g_pid", "kill"])
    v = values(out)
    check(len(v) == 1 and int(v[0]) != pid, f"the second run printed {v}: not a new process")
    check_killed(int(v[0]), "the second process after kill")
    check_server_alive(server, "after the second run")


SCENARIOS = {"gdb.run": gdb_run, "gdb.attach": gdb_attach, "lldb.first": lldb_first}

if __name__ == "__main__":
    common.main("multi", SCENARIOS)
