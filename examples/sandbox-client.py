#!/usr/bin/python3
# A desktop program's use of ocictl's sandboxes, with GLib's GDBus (python3-gi): it passes a
# folder as a descriptor, read-only, runs a command on it in a sandbox, and reads the command's
# output and exit status. Needs org.ocictl.sandbox (docs/sandbox.md).
#
#   sandbox-client.py [--address ADDRESS] FOLDER      cat FOLDER/data in a sandbox
#   sandbox-client.py [--address ADDRESS] --o-path F  pass an O_PATH descriptor of F instead
import argparse
import os
import sys

import gi
gi.require_version("Gio", "2.0")
from gi.repository import Gio, GLib

parser = argparse.ArgumentParser()
parser.add_argument("--address", help="the bus (default: the system bus)")
parser.add_argument("--o-path", action="store_true", help="FOLDER is a file, passed as an O_PATH descriptor")
parser.add_argument("folder")
args = parser.parse_args()

if args.address:
    bus = Gio.DBusConnection.new_for_address_sync(
        args.address, Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION)
else:
    bus = Gio.bus_get_sync(Gio.BusType.SYSTEM)

if args.o_path:
    # O_PATH needs no read permission on the file: the registry must check the caller's access.
    fd = os.open(args.folder, os.O_PATH)
    print("opened O_PATH", flush=True)
    command, destination = ["cat", "/data"], "/data"
else:
    fd = os.open(args.folder, os.O_RDONLY | os.O_DIRECTORY)
    command, destination = ["cat", "/work/data"], "/work"

out_r, out_w = os.pipe()
fds = Gio.UnixFDList.new()
folder_index = fds.append(fd)
stdin_index = fds.append(os.open("/dev/null", os.O_RDONLY))
stdout_index = fds.append(out_w)
stderr_index = fds.append(2)

try:
    reply, out_fds = bus.call_with_unix_fd_list_sync(
        "org.ocictl.Registry1", "/org/ocictl/Registry1", "org.ocictl.Registry1", "RunSandbox",
        GLib.Variant("(asassa(ssb)a(hsb)asa{sv}hhh)", (
            command, ["PATH=/usr/bin:/bin"], "/", [], [(folder_index, destination, False)], [],
            {"dieWithCaller": GLib.Variant("b", True)}, stdin_index, stdout_index, stderr_index)),
        GLib.VariantType("(soh)"), Gio.DBusCallFlags.NONE, -1, fds, None)
except GLib.Error as e:
    print("RunSandbox failed:", Gio.DBusError.get_remote_error(e), e.message, flush=True)
    sys.exit(1)
# The list holds copies of what it sent: the write end of the pipe among them, which must close
# for the read below to see the end of the output.
for copy in fds.steal_fds():
    os.close(copy)
os.close(out_w)
sandbox_id, path, pidfd_index = reply.unpack()
pidfd = out_fds.get(pidfd_index)

output = b""
while chunk := os.read(out_r, 65536):
    output += chunk
print(output.decode(), end="", flush=True)

status = bus.call_sync("org.ocictl.Registry1", path, "org.ocictl.Container1", "Wait",
                       GLib.Variant("(u)", (0,)), GLib.VariantType("(i)"), Gio.DBusCallFlags.NONE, -1, None)
print("exit status", status.unpack()[0], flush=True)
bus.call_sync("org.ocictl.Registry1", path, "org.ocictl.Container1", "Delete",
              GLib.Variant("(b)", (False,)), None, Gio.DBusCallFlags.NONE, -1, None)
os.close(pidfd)
