#!/usr/bin/env python3
"""A --console-socket peer for the tests, as containerd's shim or conmon would be: listens on
PATH, receives the pty master (SCM_RIGHTS) and its name, optionally types INPUT into it, and
prints the name and everything the container writes to its terminal until it closes (or 10 s).
Usage: console-receiver.py PATH [INPUT]"""
import os, select, socket, sys, time

path = sys.argv[1]
typed = sys.argv[2] if len(sys.argv) > 2 else None
server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
server.bind(path)
server.listen(1)
print("listening", flush=True)
server.settimeout(20)
conn, _ = server.accept()
name, fds, _, _ = socket.recv_fds(conn, 1024, 1)
master = fds[0]
print("name:", name.decode(), flush=True)
if typed:
    os.write(master, typed.encode())
out = b""
deadline = time.time() + 10
while time.time() < deadline:
    ready, _, _ = select.select([master], [], [], 0.5)
    if not ready:
        continue
    try:
        data = os.read(master, 4096)
    except OSError:  # EIO: every slave end closed, the container is done
        break
    if not data:
        break
    out += data
sys.stdout.write(out.decode(errors="replace").replace("\r", ""))
