#!/usr/bin/env python3
"""A seccomp notify listener for the tests: accepts the runtime's connections on PATH, writes
each container process state it receives (one JSON line) to OUT, and answers every notified
syscall with -ENAMETOOLONG, so that the container sees the listener's answer."""
import errno
import json
import os
import select
import socket
import struct
import sys
import threading

path, out = sys.argv[1], sys.argv[2]
# ioctl numbers of <linux/seccomp.h>: _IOWR('!', 0, struct seccomp_notif (80 bytes)) and
# _IOWR('!', 1, struct seccomp_notif_resp (24 bytes)).
NOTIF_RECV = 0xC0502100
NOTIF_SEND = 0xC0182101


def serve(fd):
    import fcntl
    while True:
        r, _, _ = select.select([fd], [], [])
        buf = bytearray(80)
        try:
            fcntl.ioctl(fd, NOTIF_RECV, buf, True)
        except OSError:
            return  # the filtered processes are gone
        notif_id, pid = struct.unpack_from("<QI", buf)
        nr = struct.unpack_from("<i", buf, 16)[0]
        with open(out + ".calls", "a") as f:
            f.write(f"{nr}\n")
        resp = struct.pack("<QqiI", notif_id, 0, -errno.ENAMETOOLONG, 0)
        try:
            fcntl.ioctl(fd, NOTIF_SEND, bytearray(resp), True)
        except OSError:
            pass


srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(8)
print("ready", flush=True)
while True:
    conn, _ = srv.accept()
    msg, fds, _, _ = socket.recv_fds(conn, 65536, 4)
    conn.close()
    state = json.loads(msg)
    state["received_fds"] = len(fds)
    with open(out, "a") as f:
        f.write(json.dumps(state) + "\n")
    for fd in fds:
        threading.Thread(target=serve, args=(fd,), daemon=True).start()
