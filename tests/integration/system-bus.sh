# Sourced by the system-mode tests (after lib.sh): ocictl installed with `meson install` into a
# folder, a real dbus-daemon of the system kind with the installed bus policy and activation
# files, and on request a real polkitd on it with the installed actions and the test's rules.
command -v dbus-daemon >/dev/null || skip "dbus-daemon not installed (apt-get install dbus)"
command -v busctl >/dev/null || skip "busctl not installed (apt-get install systemd)"

DEST="$WORK/dest"
PREFIX=$(meson introspect "$BUILD" --buildoptions | python3 -c 'import json, sys
print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"))')
INSTALLED="$DEST$PREFIX"
ADDRESS="unix:path=$WORK/bus"
POLKITD=/usr/lib/polkit-1/polkitd
POLKIT_PID=""

# install_ocictl: meson install into $DEST.
install_ocictl() {
        meson install -C "$BUILD" --destdir "$DEST" --quiet >"$WORK/install.log" 2>&1 ||
                fail "meson install: $(tail -3 "$WORK/install.log")"
}

# start_system_bus: the bus, with what was installed (the services exit when idle for
# IDLE_EXIT_SEC, when set) (Exec= rewritten into the folder installed
# to, as a package manager would not need to) and polkit's own bus policy.
start_system_bus() {
        mkdir -p "$WORK/services"
        for f in "$INSTALLED"/share/dbus-1/system-services/org.ocictl.*.service; do
                sed "s|^Exec=|Exec=$DEST|" "$f" > "$WORK/services/$(basename "$f")"
        done
        chmod 711 "$WORK" # the socket is for unprivileged callers too
        local polkit_conf=/usr/share/dbus-1/system.d/org.freedesktop.PolicyKit1.conf
        sed -e "s|<listen>.*</listen>|<listen>$ADDRESS</listen><servicedir>$WORK/services</servicedir>|" \
                -e "s|<include>org.ocictl.conf</include>|<include>$INSTALLED/share/dbus-1/system.d/org.ocictl.conf</include><include ignore_missing=\"yes\">$polkit_conf</include>|" \
                "$OCICTL_SOURCE_DIR/dbus/private-bus.conf" > "$WORK/bus.conf"
        # The services it starts inherit its environment (the test's state root) and its stderr
        # (not forked, which would close it): their log.
        OCICTL_ROOT="$ROOT" OCICTL_LOG_LEVEL=7 OCICTL_IDLE_EXIT_SEC="${IDLE_EXIT_SEC:-}" dbus-daemon --config-file="$WORK/bus.conf" --nofork \
                2>>"$WORK/services.log" &
        echo $! > "$WORK/dbus.pid"
        for _ in $(seq 50); do [ -S "$WORK/bus" ] && break; sleep 0.1; done
        [ -S "$WORK/bus" ] || fail "start dbus-daemon"
        export DBUS_SYSTEM_BUS_ADDRESS="$ADDRESS"
}

# service_pids: the pids of the ocictl services that run, from the bus.
service_pids() {
        for n in Spec1 Cgroups1 Spawner1 Registry1; do
                busctl --address="$ADDRESS" status "org.ocictl.$n" 2>/dev/null | sed -n 's/^PID=//p'
        done
}

# start_polkitd RULES_DIR: Debian's polkitd (which becomes its own user), on this bus, seeing only ocictl's
# installed actions and the test's rules (bound over its folders in a mount namespace of its
# own, so that the host's polkit configuration is untouched).
start_polkitd() {
        local rules=$1
        [ -x "$POLKITD" ] || skip "polkitd not installed (apt-get install polkitd)"
        id polkitd >/dev/null 2>&1 || skip "no polkitd user (apt-get install polkitd)"
        mkdir -p "$WORK/polkit-actions"
        cp "$INSTALLED/share/polkit-1/actions/org.ocictl.policy" "$WORK/polkit-actions/"
        chmod 755 "$WORK/polkit-actions" "$rules"
        chmod 644 "$WORK/polkit-actions"/* "$rules"/* 2>/dev/null
        unshare -m sh -c 'mount --bind "$1" /usr/share/polkit-1/actions &&
                mount --bind "$2" /etc/polkit-1/rules.d &&
                mount -t tmpfs tmpfs /usr/share/polkit-1/rules.d &&
                exec "$3" --no-debug' \
                sh "$WORK/polkit-actions" "$rules" "$POLKITD" >>"$WORK/polkitd.log" 2>&1 &
        POLKIT_PID=$!
        for _ in $(seq 100); do
                busctl --address="$ADDRESS" status org.freedesktop.PolicyKit1 >/dev/null 2>&1 && return 0
                sleep 0.1
        done
        fail "polkitd did not come up: $(tail -3 "$WORK/polkitd.log")"
}

stop_system_bus() {
        kill $(service_pids) $POLKIT_PID $(cat "$WORK/dbus.pid" 2>/dev/null) 2>/dev/null
        # What the services logged, kept beside meson's log.
        cp "$WORK/services.log" "$BUILD/meson-logs/$TEST_NAME-services.log" 2>/dev/null
        cleanup_all
}
