/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "macros.h"
#include "net-device.h"

static int add_attr(struct nlmsghdr *h, size_t max, unsigned short type, const void *data, size_t len) {
        size_t at = NLMSG_ALIGN(h->nlmsg_len);
        struct rtattr *a = (struct rtattr *) ((char *) h + at);

        if (at + RTA_SPACE(len) > max)
                return -E2BIG;
        a->rta_type = type;
        a->rta_len = (unsigned short) RTA_LENGTH(len);
        memcpy(RTA_DATA(a), data, len);
        h->nlmsg_len = (uint32_t) (at + RTA_SPACE(len));
        return 0;
}

/* The sockets are made in the namespace netns_fd (and we return to ours): a socket stays in
 * the namespace it was made in. */
static int open_sockets(int netns_fd, int *ret_nl, int *ret_inet) {
        _cleanup_close_ int ours = -EBADF, nl = -EBADF, inet = -EBADF;

        if (netns_fd >= 0) {
                ours = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
                if (ours < 0)
                        return negative_errno();
                if (setns(netns_fd, CLONE_NEWNET) < 0)
                        return negative_errno();
        }
        nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
        inet = nl < 0 ? -EBADF : socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        int r = nl < 0 || inet < 0 ? negative_errno() : 0;
        if (ours >= 0 && setns(ours, CLONE_NEWNET) < 0)
                abort(); /* we would go on in the container's network namespace */
        if (r < 0)
                return r;
        *ret_nl = TAKE_FD(nl);
        *ret_inet = TAKE_FD(inet);
        return 0;
}

int net_device_move(int netns_fd, const char *name, const char *new_name, int target_netns_fd) {
        _cleanup_close_ int nl = -EBADF, inet = -EBADF;
        struct {
                struct nlmsghdr h;
                struct ifinfomsg ifi;
                char attrs[128];
        } req = {};
        struct {
                struct nlmsghdr h;
                struct nlmsgerr err;
                char rest[256];
        } ack;
        struct ifreq ifr = {};
        uint32_t fd = (uint32_t) target_netns_fd;
        ssize_t n;
        int r;

        if (strlen(name) >= IFNAMSIZ || strlen(new_name) >= IFNAMSIZ)
                return -EINVAL;
        r = open_sockets(netns_fd, &nl, &inet);
        if (r < 0)
                return r;
        strcpy(ifr.ifr_name, name);
        if (ioctl(inet, SIOCGIFINDEX, &ifr) < 0)
                return negative_errno();

        req.h.nlmsg_len = NLMSG_LENGTH(sizeof req.ifi);
        req.h.nlmsg_type = RTM_NEWLINK;
        req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
        req.h.nlmsg_seq = 1;
        req.ifi.ifi_family = AF_UNSPEC;
        req.ifi.ifi_index = ifr.ifr_ifindex;
        if ((r = add_attr(&req.h, sizeof req, IFLA_NET_NS_FD, &fd, sizeof fd)) < 0 ||
            (r = add_attr(&req.h, sizeof req, IFLA_IFNAME, new_name, strlen(new_name) + 1)) < 0)
                return r;
        if (send(nl, &req, req.h.nlmsg_len, 0) < 0)
                return negative_errno();
        n = recv(nl, &ack, sizeof ack, 0);
        if (n < 0)
                return negative_errno();
        if ((size_t) n < sizeof ack.h + sizeof ack.err || ack.h.nlmsg_type != NLMSG_ERROR)
                return -EBADMSG;
        return ack.err.error; /* 0 or -errno */
}

static int open_netns_of(pid_t pid) {
        char path[64];
        snprintf(path, sizeof path, "/proc/%d/ns/net", (int) pid);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        return fd < 0 ? negative_errno() : fd;
}

int net_devices_move_into(pid_t pid, const StringPair *devs, size_t n, Error *e) {
        _cleanup_close_ int target = -EBADF;
        int r;

        if (n == 0)
                return 0;
        target = open_netns_of(pid);
        if (target < 0) {
                error_set(e, target, "linux.netDevices: open the container's network namespace");
                return target;
        }
        for (size_t i = 0; i < n; i++) {
                r = net_device_move(-1, devs[i].key, devs[i].value, target);
                if (r < 0) {
                        error_set(e, r, "linux.netDevices.%s: move into the container as %s", devs[i].key, devs[i].value);
                        (void) net_devices_return(pid, devs, i);
                        return r;
                }
        }
        return 0;
}

int net_devices_return(pid_t pid, const StringPair *devs, size_t n) {
        _cleanup_close_ int source = -EBADF, ours = -EBADF;
        int r = 0;

        if (n == 0)
                return 0;
        source = open_netns_of(pid);
        if (source < 0)
                return source == -ENOENT ? 0 : source; /* the namespace is gone, and with it the devices */
        ours = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
        if (ours < 0)
                return negative_errno();
        for (size_t i = 0; i < n; i++) {
                int k = net_device_move(source, devs[i].value, devs[i].key, ours);
                if (k < 0 && k != -ENODEV && r == 0)
                        r = k;
        }
        return r;
}
