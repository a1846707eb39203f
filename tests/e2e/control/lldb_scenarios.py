#!/usr/bin/env python3
"""Process control with lldb-19 (`gdb-remote`) against a debug server (see common.py for the
command line). The same scenarios as gdb_scenarios.py, with the same run-time values (computed
from the debugged process's pid), @line markers and /proc checks.

Scenarios: break, backtrace, print, step, watch, threads, shlib, crash, exit_code, detach, kill,
attach.

watch: lldb 19 has no software watchpoints (`watchpoint set` has no such option; every
watchpoint becomes a Z2/Z3/Z4 packet for the server's hardware debug registers). This scenario
therefore sets a hardware watchpoint and checks that it fires with the right old and new
values. A backstop breakpoint after the loop catches a watchpoint that never fires (a machine whose
debug registers do not work, or a server that accepts Z2 and does nothing): the test then FAILS
and says so; it never passes silently.
"""

import os
import re
import shutil
import time

import common
import procs
from common import basic_values, check, source_line
from procs import TestFailure

BAD_SIGNS = [
    "error: failed to get reply to handshake packet",
    "error: Failed to connect port",
    "error: connect remote failed",
    "Assertion failed",
    "PLEASE submit a bug report",
]


def lldb(ctx, title, server, program, commands, after_crash=()):
    """Runs lldb-19 in batch mode: `gdb-remote` to the server, then `commands`. lldb -b stops
    running commands when the process crashes; `after_crash` commands (-k) run then."""
    tool = shutil.which("lldb-19")
    if tool is None:
        raise TestFailure("lldb-19 is not installed (Debian package lldb-19; .ci/install-deps "
                          "installs it)")
    argv = [tool, "-b", "-x", "-o", f"gdb-remote 127.0.0.1:{server.port}"]
    for command in commands:
        argv += ["-o", command]
    for command in after_crash:
        argv += ["-k", command]
    rc, out = ctx.run_client(title, argv + [program])
    for sign in BAD_SIGNS:
        check(sign not in out, f"{title}: lldb said {sign!r}")
    m = re.search(r"^Process (\d+) stopped$", out, re.M)
    check(m, f"{title}: lldb did not connect ('Process N stopped' after gdb-remote missing)")
    check(int(m.group(1)) == server.inferior_pid,
          f"{title}: lldb says it debugs process {m.group(1)}, the server's is {server.inferior_pid}")
    # lldb -b stops at the first failing command: an error means the rest did not run.
    errors = [line for line in out.splitlines() if line.startswith("error:")]
    check(not errors, f"{title}: lldb reported errors: {errors}")
    return rc, out


def command_output(out, command):
    """What lldb printed for the first `(lldb) COMMAND` (up to the next prompt)."""
    marker = f"(lldb) {command}\n"
    check(marker in out, f"lldb did not run {command!r}")
    return out.split(marker, 1)[1].split("(lldb) ", 1)[0]


def frames0(out):
    """Every 'frame #0' lldb showed, in order: [(module, function, args, file, line)]."""
    return re.findall(r"^\s+\*?\s*frame #0: 0x[0-9a-f]+ ([\w.+-]+)`(\w+)(?:\((.*?)\))? at "
                      r"([\w.]+):(\d+)", out, re.M)


def stopped_at_breakpoint(out, function, what):
    """(module, args, file, line) of the first stop at a breakpoint in FUNCTION."""
    check(re.search(r"stop reason = breakpoint \d+\.\d+$", out, re.M),
          f"{what}: lldb did not report a breakpoint stop")
    for module, name, args, path, line in frames0(out):
        if name == function:
            return module, args, path, int(line)
    raise TestFailure(f"{what}: lldb never showed a stop in {function}")


def variables(out):
    """Values lldb printed as '(TYPE) NAME = VALUE', in order: [(name, value)]."""
    return re.findall(r"^\([^)]*\) (\$?\w+) = (-?\w+)", out, re.M)


# ---------------------------------------------------------------------------------------------

def scenario_break(ctx):
    """breakpoint set -n level3 + continue: stopped at level3's first line, real argument."""
    server = ctx.launch("control_basic", "exit", 7)
    _, out = lldb(ctx, "lldb break", server, ctx.program("control_basic"),
                  ["breakpoint set -n level3", "continue"])
    want = basic_values(server.inferior_pid, 3)
    module, args, path, line = stopped_at_breakpoint(out, "level3", "break")
    check((module, path) == ("control_basic", "control_basic.c"),
          f"break: stopped in {module} {path}, not control_basic control_basic.c")
    check(line == source_line("control_basic.c", "level3_first"),
          f"break: stopped at line {line}, level3's first line is "
          f"{source_line('control_basic.c', 'level3_first')}")
    check(args == f"arg3={want['arg3']}", f"break: level3({args}), the process (pid "
                                          f"{server.inferior_pid}) passed arg3={want['arg3']}")


def scenario_backtrace(ctx):
    """bt at level3: level3, level2, level1, main, each with its real argument."""
    server = ctx.launch("control_basic", "exit", 7)
    _, out = lldb(ctx, "lldb backtrace", server, ctx.program("control_basic"),
                  ["breakpoint set -n level3", "continue", "bt"])
    want = basic_values(server.inferior_pid, 3)
    frames = re.findall(r"^\s+\*?\s*frame #(\d+): 0x[0-9a-f]+ control_basic`(\w+)\(([^)]*)\)",
                        command_output(out, "bt"), re.M)
    check([(f[0], f[1]) for f in frames[:4]] == [("0", "level3"), ("1", "level2"),
                                                 ("2", "level1"), ("3", "main")],
          f"bt: expected frames #0-#3 level3, level2, level1, main; got {frames}")
    for (_, name, args), expected in zip(frames[:3], [f"arg3={want['arg3']}", f"arg2={want['arg2']}",
                                                     f"arg1={want['arg1']}"]):
        check(args == expected, f"bt: frame {name} shows ({args}), expected ({expected})")


def scenario_print(ctx):
    """Locals, arguments and a run-time global, in level3 and (after `up`) in level2."""
    server = ctx.launch("control_basic", "exit", 7)
    _, out = lldb(ctx, "lldb print", server, ctx.program("control_basic"), [
        "breakpoint set -n level3", "continue", "next", "frame variable local3 arg3",
        "target variable g_runtime_value", "up", "frame variable local2"])
    want = basic_values(server.inferior_pid, 3)
    seen = variables(out)
    expected = [("local3", str(want["local3"])), ("arg3", str(want["arg3"])),
                ("g_runtime_value", str(want["g_runtime_value"])), ("local2", str(want["local2"]))]
    check(seen == expected, f"print: expected {expected} for pid {server.inferior_pid}; "
                            f"lldb printed {seen}")


def scenario_step(ctx):
    """next, step into level3, finish (with its return value), next."""
    server = ctx.launch("control_basic", "exit", 7)
    _, out = lldb(ctx, "lldb step", server, ctx.program("control_basic"), [
        "breakpoint set -n level2", "continue", "next", "step", "finish", "next",
        "frame variable result"])
    want = basic_values(server.inferior_pid, 3)
    line = {m: source_line("control_basic.c", m) for m in
            ("level2_first", "level2_call", "level3_first", "level2_after_call")}
    shown = [(f[1], int(f[4])) for f in frames0(out) if f[0] == "control_basic"]
    expected = [("level2", line["level2_first"]), ("level2", line["level2_call"]),
                ("level3", line["level3_first"]), ("level2", line["level2_call"]),
                ("level2", line["level2_after_call"])]
    check(shown == expected, f"step: break, next, step, finish, next should stop at {expected}; "
                             f"lldb showed {shown}")
    reasons = re.findall(r"stop reason = (breakpoint|step over|step in|step out)", out)
    check(reasons == ["breakpoint", "step over", "step in", "step out", "step over"],
          f"step: stop reasons {reasons}")
    m = re.search(r"^Return value: \(int\) \$\d+ = (-?\d+)$", out, re.M)
    check(m and int(m.group(1)) == want["level3_result"],
          f"step: finish should return {want['level3_result']}; lldb said "
          f"{m.group(0) if m else 'nothing'}")
    check(("result", str(want["level3_result"])) in variables(out),
          f"step: result should be {want['level3_result']}; got {variables(out)}")


def scenario_watch(ctx):
    """A (hardware) watchpoint on g_watched fires: 0 -> seed, then seed -> seed + 1."""
    server = ctx.launch("control_basic", "exit", 7)
    _, out = lldb(ctx, "lldb watch", server, ctx.program("control_basic"), [
        "breakpoint set -n count_up", "breakpoint set -n after_count_up", "continue",
        "watchpoint set variable g_watched", "continue", "continue"])
    seed = basic_values(server.inferior_pid, 3)["g_runtime_value"]
    check(re.search(r"^Watchpoint created: Watchpoint 1: addr = 0x[0-9a-f]+ size = 8 ", out, re.M),
          "watch: lldb did not create the watchpoint on g_watched")
    after_watch = out.split("(lldb) watchpoint set", 1)[1]
    check(not re.search(r"frame #0: .*`after_count_up", after_watch),
          "watch: the hardware watchpoint never fired: the process ran on to after_count_up. "
          "Either this machine's debug registers do not work (some virtual machines) or the "
          "server accepted Z2 without arming it; lldb 19 has no software watchpoints to fall "
          "back on")
    check(len(re.findall(r"stop reason = watchpoint 1$", after_watch, re.M)) == 2,
          "watch: expected two stops with 'stop reason = watchpoint 1'")
    changes = re.findall(r"^old value: (-?\d+)\nnew value: (-?\d+)$", after_watch, re.M)
    expected = [("0", str(seed)), (str(seed), str(seed + 1))]
    check(changes == expected, f"watch: expected the changes {expected} (seed from pid "
                               f"{server.inferior_pid}); lldb reported {changes}")
    stops = frames0(after_watch)
    check(len(stops) == 2 and all(f[1] == "count_up" and f[2] == f"seed={seed}, n=5" for f in stops),
          f"watch: both watchpoint stops should be in count_up(seed={seed}, n=5); got {stops}")


def scenario_threads(ctx):
    """Every thread listed; the breakpoint (called only by worker2) is hit in worker2's thread."""
    server = ctx.launch("control_threads")
    pid = server.inferior_pid
    # While the process is stopped at the breakpoint, /proc shows the threads lldb should list.
    _, out = lldb(ctx, "lldb threads", server, ctx.program("control_threads"), [
        "breakpoint set -n second_worker_here", "continue", "thread list",
        f"platform shell {procs.THREAD_LISTING_SHELL.format(pid=pid)}"])
    _, args, _, _ = stopped_at_breakpoint(out, "second_worker_here", "threads")
    check(args == f"value={pid % 10000}", f"threads: second_worker_here({args}), worker2 passed "
                                          f"value={pid % 10000}")
    listed = re.findall(r"^(\*?)\s+thread #\d+: tid = (\d+), .*?(stop reason = [\w .]+)?$",
                        command_output(out, "thread list"), re.M)
    tids = sorted(int(t[1]) for t in listed)
    names = procs.parse_thread_listing(out)
    check(names and tids == sorted(names),
          f"threads: thread list shows threads {tids}; the process has {sorted(names)} ({names})")
    current = [int(t[1]) for t in listed if t[0] == "*"]
    check(len(current) == 1 and names.get(current[0]) == "worker2",
          f"threads: the selected thread is {current}, named {[names.get(t) for t in current]}; "
          f"the breakpoint is only reached by worker2")
    hit = [int(t[1]) for t in listed if t[2].startswith("stop reason = breakpoint")]
    check(hit == current, f"threads: the breakpoint stop is reported for threads {hit}, "
                          f"expected only worker2 {current}")


def scenario_shlib(ctx):
    """A breakpoint in libcontrol_lib.so's lib_compute (pending until the library loads)."""
    server = ctx.launch("control_shlib")
    pid = server.inferior_pid
    _, out = lldb(ctx, "lldb shlib", server, ctx.program("control_shlib"),
                  ["breakpoint set -n lib_compute", "continue", "finish"])
    module, args, path, line = stopped_at_breakpoint(out, "lib_compute", "shlib")
    check(module == "libcontrol_lib.so", f"shlib: lib_compute reported in module {module}")
    check(path == "control_lib.c" and line == source_line("control_lib.c", "lib_compute_first"),
          f"shlib: stopped at {path}:{line}, expected control_lib.c:"
          f"{source_line('control_lib.c', 'lib_compute_first')}")
    check(args == f"input={pid % 10000}", f"shlib: lib_compute({args}), expected input={pid % 10000}")
    m = re.search(r"^Return value: \(int\) \$\d+ = (-?\d+)$", out, re.M)
    check(m and int(m.group(1)) == pid % 10000 * 2 + 1,
          f"shlib: finish should return {pid % 10000 * 2 + 1}; lldb said "
          f"{m.group(0) if m else 'nothing'}")


def scenario_crash(ctx):
    """SIGSEGV reported in crash_here; bt shows crash_here, middle, outer, main."""
    server = ctx.launch("control_crash")
    pid = server.inferior_pid
    _, out = lldb(ctx, "lldb crash", server, ctx.program("control_crash"),
                  ["continue"], after_crash=["bt", "target variable g_crash_value"])
    check(re.search(r"stop reason = signal SIGSEGV", out), "crash: lldb did not report SIGSEGV")
    crash = [f for f in frames0(out) if f[1] == "crash_here"]
    check(crash, "crash: the SIGSEGV stop is not shown in crash_here")
    _, _, args, path, line = crash[0]
    check(args == f"target=0x0000000000000000, value={pid + 2}"
          and int(line) == source_line("control_crash.c", "crash_store"),
          f"crash: crash_here({args}) at line {line}, expected target=0, value={pid + 2} at line "
          f"{source_line('control_crash.c', 'crash_store')}")
    names = re.findall(r"^\s+\*?\s*frame #\d+: 0x[0-9a-f]+ control_crash`(\w+)",
                       command_output(out, "bt"), re.M)
    check(names[:4] == ["crash_here", "middle", "outer", "main"],
          f"crash: bt should be crash_here, middle, outer, main; got {names}")
    check(("g_crash_value", str(pid + 2)) in variables(out),
          f"crash: g_crash_value should be {pid + 2}; got {variables(out)}")


def scenario_exit_code(ctx):
    """The process runs to its end: "exited with status = 7", and it is gone."""
    server = ctx.launch("control_basic", "exit", 7)
    pid = server.inferior_pid
    _, out = lldb(ctx, "lldb exit_code", server, ctx.program("control_basic"), ["continue"])
    m = re.search(r"^Process (\d+) exited with status = (\d+) \(0x[0-9a-f]+\)", out, re.M)
    check(m, "exit_code: lldb did not report 'Process N exited with status = 7'")
    check(int(m.group(1)) == pid and m.group(2) == "7",
          f"exit_code: lldb reported process {m.group(1)} status {m.group(2)}; expected {pid}, 7")
    check(f"control_basic: level1 returned {basic_values(pid, 3)['level3_result']}" in
          "\n".join(server.output + [out]), "exit_code: the program's own output is missing")
    common.check_killed(pid, "exit_code")


def scenario_detach(ctx):
    """process detach at a breakpoint: the process runs on, untraced, and finishes by itself."""
    done = os.path.join(ctx.tmp, "detach.done")
    server = ctx.launch("control_basic", "ticks", 50, done)
    pid = server.inferior_pid
    _, out = lldb(ctx, "lldb detach", server, ctx.program("control_basic"), [
        "breakpoint set -n tick", "continue", "target variable g_runtime_value", "process detach"])
    _, args, _, _ = stopped_at_breakpoint(out, "tick", "detach")
    check(args == "i=1", f"detach: the first stop in tick should have i=1, got ({args})")
    check(("g_runtime_value", str(pid * 1000 + 4)) in variables(out),
          f"detach: g_runtime_value should be {pid * 1000 + 4}; got {variables(out)}")
    check(re.search(rf"^Process {pid} detached$", out, re.M),
          f"detach: lldb did not report 'Process {pid} detached'")
    common.check_runs_on_after_detach(pid, "detach", done_file=done)


def scenario_kill(ctx):
    """process kill at a breakpoint: the process is gone."""
    server = ctx.launch("control_basic", "exit", 7)
    pid = server.inferior_pid
    _, out = lldb(ctx, "lldb kill", server, ctx.program("control_basic"),
                  ["breakpoint set -n level3", "continue", "process kill"])
    stopped_at_breakpoint(out, "level3", "kill")
    check(re.search(rf"^Process {pid} exited with status = 9 \(0x00000009\)", out, re.M),
          f"kill: lldb did not report 'Process {pid} exited with status = 9'")
    common.check_killed(pid, "kill")
    check("control_basic: level1 returned" not in "\n".join(server.output),
          "kill: the program ran to its end instead of being killed")


def scenario_attach(ctx):
    """The server attaches to a running program; break, check values, detach; it runs on."""
    done = os.path.join(ctx.tmp, "attach.done")
    popen = ctx.start_program("control_basic", "ticks", 40, done)
    time.sleep(0.3)  # let it start ticking
    check(popen.poll() is None, f"attach: the program exited at once ({popen.returncode})")
    server = ctx.attach(popen.pid)
    _, out = lldb(ctx, "lldb attach", server, ctx.program("control_basic"), [
        "breakpoint set -n tick", "continue", "frame variable i",
        "target variable g_runtime_value", "process detach"])
    _, args, _, _ = stopped_at_breakpoint(out, "tick", "attach")
    m = re.fullmatch(r"i=(\d+)", args)
    check(m and 1 <= int(m.group(1)) <= 40, f"attach: tick({args}), expected 1 <= i <= 40")
    expected = [("i", m.group(1)), ("g_runtime_value", str(popen.pid * 1000 + 4))]
    check(variables(out) == expected, f"attach: expected {expected}; got {variables(out)}")
    check(re.search(rf"^Process {popen.pid} detached$", out, re.M),
          f"attach: lldb did not report 'Process {popen.pid} detached'")
    common.check_runs_on_after_detach(popen.pid, "attach", done_file=done, popen=popen)


SCENARIOS = {name[len("scenario_"):]: fn for name, fn in globals().items()
             if name.startswith("scenario_")}

if __name__ == "__main__":
    common.main("lldb", SCENARIOS)
