#!/usr/bin/python3
# Where a system-mode `run` spends its time, call by call: a GDBus client (as a desktop program
# or a system service calls the registry) creates, starts, waits for and deletes a container of
# BUNDLE RUNS times, each through a connection of its own (as `ocictl` makes one per command),
# and prints the median of each call (ms). Usage: system-calls.py ADDRESS BUNDLE RUNS
import os
import statistics
import sys
import time

from gi.repository import Gio, GLib

address, bundle, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
FLAGS = Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION


def call(conn, path, interface, member, params, fds=()):
    fd_list = Gio.UnixFDList.new()
    for fd in fds:
        fd_list.append(fd)
    reply, _ = conn.call_with_unix_fd_list_sync("org.ocictl.Registry1", path, interface, member, params, None, 0, -1,
                                                fd_list, None)
    return reply


names = ("create", "start", "wait", "delete", "all")
times = {name: [] for name in names}
null = os.open("/dev/null", os.O_RDWR)
for i in range(runs + 3):  # three to warm up
    conn = Gio.DBusConnection.new_for_address_sync(address, FLAGS, None, None)
    config = os.open(os.path.join(bundle, "config.json"), os.O_RDONLY)
    t0 = time.perf_counter()
    path, pid = call(conn, "/org/ocictl/Registry1", "org.ocictl.Registry1", "CreateContainer",
                     GLib.Variant("(sshhhha{sv})", (f"calls-{i}", bundle, 0, 1, 2, 3, {})),
                     (config, null, null, null)).unpack()
    t1 = time.perf_counter()
    call(conn, path, "org.ocictl.Container1", "Start", None)
    t2 = time.perf_counter()
    status, = call(conn, path, "org.ocictl.Container1", "Wait", GLib.Variant("(u)", (pid,))).unpack()
    t3 = time.perf_counter()
    call(conn, path, "org.ocictl.Container1", "Delete", GLib.Variant("(b)", (False,)))
    t4 = time.perf_counter()
    os.close(config)
    conn.close_sync(None)
    if status != 0:
        raise SystemExit(f"system-calls: calls-{i} exited with {status}")
    if i >= 3:
        for name, t in zip(names, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t4 - t0)):
            times[name].append(t)
print(f"{runs} containers: median per call (ms): " +
      "  ".join(f"{name} {statistics.median(ts) * 1000:.2f}" for name, ts in times.items()))
