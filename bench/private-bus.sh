# Sourced by the benchmarks: the four services of BUILD_DIR on a private dbus-daemon in WORK
# (state under STATE_ROOT), already running before anything is timed, never exiting idle.
# Sets ADDRESS and SERVICE_PIDS; stop_private_bus ends them.
start_private_bus() {
        ADDRESS="unix:path=$WORK/bus"
        SERVICE_PIDS=""
        dbus-daemon --config-file="$PWD/dbus/private-bus.conf" --address="$ADDRESS" --fork --print-pid > "$WORK/dbus.pid"
        for s in spec cgroups spawner registry; do
                OCICTL_BUS_ADDRESS="$ADDRESS" OCICTL_ROOT="$STATE_ROOT" OCICTL_IDLE_EXIT_SEC=0 "$BUILD_DIR/ocictl-$s" \
                        2>>"$WORK/services.log" &
                SERVICE_PIDS="$SERVICE_PIDS $!"
        done
        for _ in $(seq 50); do
                [ "$(busctl --address="$ADDRESS" list --no-legend 2>/dev/null | grep -c '^org.ocictl')" = 4 ] && return 0
                sleep 0.1
        done
        echo "bench: the services did not come up on $ADDRESS"
        return 1
}

# Gone once it returns: the services are our children, dbus-daemon (forked away) is waited for.
stop_private_bus() {
        local daemon
        daemon=$(cat "$WORK/dbus.pid" 2>/dev/null)
        kill $SERVICE_PIDS $daemon 2>/dev/null || true
        wait $SERVICE_PIDS 2>/dev/null || true
        for _ in $(seq 50); do
                [ -n "$daemon" ] && kill -0 "$daemon" 2>/dev/null || break
                sleep 0.05
        done
}
