/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The spec parser's table of good and bad configs: each bad one must fail with a message that
 * names the JSON path; each good one must produce the expected typed fields. */
#include <sys/resource.h>

#include "spec-json.h"
#include "test-helpers.h"

#define OK_ROOT "\"root\":{\"path\":\"rootfs\"}"
#define OK_PROCESS "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\"}"
#define OK_LINUX "\"linux\":{\"namespaces\":[{\"type\":\"mount\"}]}"
#define CONFIG(...) "{\"ociVersion\":\"1.0.2\"," __VA_ARGS__ "}"
#define MINIMAL CONFIG(OK_ROOT "," OK_PROCESS "," OK_LINUX)

/* A row is named by the message it expects, or, for a config that must parse, by its name. */
typedef struct Case {
        const char *json;
        const char *error; /* substring of the message; NULL: must parse */
        const char *name;  /* for a config that must parse */
} Case;

static const Case cases[] = {
        /* good */
        { MINIMAL, NULL, "the minimal config" },
        { "{\"ociVersion\":\"1.3.0\"," OK_ROOT "," OK_PROCESS "," OK_LINUX "}", NULL, "ociVersion 1.3.0" },
        { "{\"ociVersion\":\"1.1.0-rc.1\"," OK_ROOT "," OK_PROCESS "," OK_LINUX "}", NULL, "ociVersion 1.1.0-rc.1" },
        { "{\"ociVersion\":\"1.0.2-dev\"," OK_ROOT "," OK_PROCESS "," OK_LINUX "}", NULL, "ociVersion 1.0.2-dev" },
        { CONFIG(OK_ROOT "," OK_PROCESS "," OK_LINUX ",\"unknownField\":{\"x\":1}"), NULL, "an unknown top-level field is ignored" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"hostname\":\"h\",\"linux\":{\"namespaces\":[{\"type\":\"mount\"},{\"type\":\"uts\"}]}"), NULL, "hostname with a uts namespace" },
        { CONFIG(OK_ROOT "," OK_PROCESS "," OK_LINUX ",\"hooks\":{}"), NULL, "empty hooks" },
        { CONFIG(OK_ROOT ",\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":10,\"hard\":18446744073709551615}]}," OK_LINUX), NULL, "an unlimited hard rlimit" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],\"resources\":{\"memory\":{\"limit\":1048576},\"pids\":{\"limit\":0}}}"), NULL, "memory and pids limits" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"mounts\":[{\"destination\":\"/b\",\"source\":\"/tmp\",\"options\":[\"rbind\"]}]," OK_LINUX), NULL, "an rbind mount" },
        /* bad JSON and shape */
        { "{\"ociVersion\": ", "invalid JSON at line 1" },
        { "[1,2]", "the top level must be an object" },
        { "", "empty file" },
        { "   \n  ", "empty file" },
        /* versions */
        { "{" OK_ROOT "," OK_PROCESS "," OK_LINUX "}", "ociVersion: missing" },
        { "{\"ociVersion\":\"2.0.0\"," OK_ROOT "," OK_PROCESS "," OK_LINUX "}", "ociVersion: \"2.0.0\" is not supported" },
        { "{\"ociVersion\":\"1.4.0\"," OK_ROOT "," OK_PROCESS "," OK_LINUX "}", "ociVersion: \"1.4.0\"" },
        { "{\"ociVersion\":1," OK_ROOT "," OK_PROCESS "," OK_LINUX "}", "ociVersion: expected a string, got an integer" },
        /* root */
        { CONFIG(OK_PROCESS "," OK_LINUX), "root: missing" },
        { CONFIG("\"root\":{}," OK_PROCESS "," OK_LINUX), "root.path: missing" },
        { CONFIG("\"root\":{\"path\":\"\"}," OK_PROCESS "," OK_LINUX), "root.path: must not be empty" },
        { CONFIG("\"root\":{\"path\":\"r\",\"readonly\":\"yes\"}," OK_PROCESS "," OK_LINUX), "root.readonly: expected a boolean" },
        /* process */
        { CONFIG(OK_ROOT "," OK_LINUX), NULL, "no process (optional until start)" },
        { CONFIG(OK_ROOT ",\"process\":{\"args\":[],\"cwd\":\"/\"}," OK_LINUX), "process.args: must not be empty" },
        { CONFIG(OK_ROOT ",\"process\":{\"args\":[\"sh\",1],\"cwd\":\"/\"}," OK_LINUX), "process.args[1]: expected a string" },
        { CONFIG(OK_ROOT ",\"process\":{\"args\":[\"sh\"]}," OK_LINUX), "process.cwd: missing" },
        { CONFIG(OK_ROOT ",\"process\":{\"args\":[\"sh\"],\"cwd\":\"tmp\"}," OK_LINUX), "process.cwd: \"tmp\" is not an absolute path" },
        { CONFIG(OK_ROOT ",\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"env\":[\"NOEQUALS\"]}," OK_LINUX), "process.env[0]" },
        { CONFIG(OK_ROOT ",\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"user\":{\"uid\":\"0\"}}," OK_LINUX), "process.user.uid: expected an integer, got a string" },
        { CONFIG(OK_ROOT ",\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"user\":{\"uid\":-1}}," OK_LINUX), "process.user.uid: -1 is out of range" },
        { CONFIG(OK_ROOT ",\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"user\":{\"additionalGids\":[1,\"x\"]}}," OK_LINUX), "process.user.additionalGids[1]" },
        { CONFIG(OK_ROOT ",\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"capabilities\":{\"bounding\":[\"CAP_KILL\",\"CAP_FLY\"]}}," OK_LINUX), "process.capabilities.bounding[1]: unknown capability \"CAP_FLY\"" },
        { CONFIG(OK_ROOT ",\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"rlimits\":[{\"type\":\"RLIMIT_FOO\",\"soft\":1,\"hard\":1}]}," OK_LINUX), "process.rlimits[0].type: unknown rlimit \"RLIMIT_FOO\"" },
        { CONFIG(OK_ROOT ",\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":10,\"hard\":5}]}," OK_LINUX), "process.rlimits[0].soft: 10 is above the hard limit 5" },
        { CONFIG(OK_ROOT ",\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":1}]}," OK_LINUX), "process.rlimits[0].hard: missing" },
        { CONFIG(OK_ROOT ",\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"oomScoreAdj\":5000}," OK_LINUX), "process.oomScoreAdj: 5000 is out of range" },
        { CONFIG(OK_ROOT ",\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"terminal\":true,\"consoleSize\":{\"height\":40}}," OK_LINUX), "process.consoleSize.width: missing" },
        { CONFIG(OK_ROOT ",\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"apparmorProfile\":\"\"}," OK_LINUX), NULL, "an empty apparmorProfile" },
        { CONFIG(OK_ROOT ",\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"ioPriority\":{\"class\":\"IOPRIO_CLASS_FAST\"}}," OK_LINUX), "process.ioPriority.class: unknown class \"IOPRIO_CLASS_FAST\"" },
        { CONFIG(OK_ROOT ",\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"ioPriority\":{\"class\":\"IOPRIO_CLASS_BE\",\"priority\":8}}," OK_LINUX), "process.ioPriority.priority: 8 is out of range" },
        { CONFIG(OK_ROOT ",\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"scheduler\":{\"policy\":\"SCHED_FIFO\"}}," OK_LINUX), "process.scheduler.priority: 0 does not suit SCHED_FIFO" },
        { CONFIG(OK_ROOT ",\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"scheduler\":{\"policy\":\"SCHED_DEADLINE\"}}," OK_LINUX), "process.scheduler.runtime: SCHED_DEADLINE needs a runtime of at least 1024 ns" },
        { CONFIG(OK_ROOT ",\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"scheduler\":{\"policy\":\"SCHED_DEADLINE\",\"runtime\":2000,\"deadline\":3000,\"period\":2500}}," OK_LINUX), "process.scheduler.period: 2500 is below the deadline (3000)" },
        { CONFIG(OK_ROOT ",\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"execCPUAffinity\":{\"final\":\"3-1\"}}," OK_LINUX), "process.execCPUAffinity.final: \"3-1\" is not a CPU list" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],\"personality\":{\"domain\":\"PDP11\"}}"), "linux.personality.domain: unknown domain \"PDP11\"" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],\"intelRdt\":{\"closID\":\"x\"}}"), "linux.intelRdt: this host has no resctrl" },
        /* mounts */
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"mounts\":[{\"type\":\"tmpfs\"}]," OK_LINUX), "mounts[0].destination: missing" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"mounts\":[{\"destination\":\"x\",\"type\":\"tmpfs\"}]," OK_LINUX), "mounts[0].destination: \"x\" is not an absolute path" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"mounts\":[{\"destination\":\"/x\",\"type\":\"tmpfs\",\"options\":\"ro\"}]," OK_LINUX), "mounts[0].options: expected an array" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"mounts\":{}," OK_LINUX), "mounts: expected an array, got an object" },
        /* linux */
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"},{\"type\":\"pid\"},{\"type\":\"pdi\"}]}"), "linux.namespaces[2].type: unknown namespace \"pdi\"" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"},{\"type\":\"mount\"}]}"), "linux.namespaces[1].type: namespace \"mount\" is given twice" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"},{\"type\":\"net\",\"path\":\"x\"}]}"), "linux.namespaces[1].type: unknown namespace \"net\"" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"},{\"type\":\"network\",\"path\":\"x\"}]}"), "linux.namespaces[1].path: \"x\" is not an absolute path" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"linux\":{\"namespaces\":[{\"type\":\"pid\"}]}"), NULL, "a pid namespace alone" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\"}],\"linux\":{\"namespaces\":[{\"type\":\"pid\"}]}"), "mounts: needs a mount namespace" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"},{\"type\":\"time\"}]}"), NULL, "a time namespace" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],\"timeOffsets\":{\"boottime\":{\"secs\":1}}}"), "linux.timeOffsets: needs a new time namespace" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"},{\"type\":\"time\"}],\"timeOffsets\":{\"boottime\":{\"nanosecs\":1000000000}}}"), "linux.timeOffsets.boottime.nanosecs: 1000000000 is out of range" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],\"devices\":[{\"path\":\"/etc/x\",\"type\":\"c\",\"major\":1,\"minor\":3}]}"), "linux.devices[0].path: \"/etc/x\" is not a path under /dev" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],\"devices\":[{\"path\":\"/dev/x\",\"type\":\"c\",\"major\":1}]}"), "linux.devices[0].minor: missing" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],\"devices\":[{\"path\":\"/dev/x\",\"type\":\"k\",\"major\":1,\"minor\":1}]}"), "linux.devices[0].type: unknown device type \"k\"" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],\"memoryPolicy\":{\"mode\":\"MPOL_LOCAL\",\"nodes\":\"0\"}}"), "linux.memoryPolicy.nodes: MPOL_LOCAL takes no nodes" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],\"memoryPolicy\":{\"mode\":\"MPOL_BIND\",\"nodes\":\"0\",\"flags\":[\"MPOL_F_X\"]}}"), "linux.memoryPolicy.flags[0]: unknown flag \"MPOL_F_X\"" },
        { CONFIG(OK_ROOT ",\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\"},\"mounts\":[{\"destination\":\"/t\",\"type\":\"tmpfs\",\"source\":\"tmpfs\",\"uidMappings\":[{\"containerID\":0,\"hostID\":1,\"size\":1}],\"gidMappings\":[{\"containerID\":0,\"hostID\":1,\"size\":1}]}]," OK_LINUX), "mounts[0]: idmapped mounts must be bind mounts" },
        { CONFIG(OK_ROOT ",\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\"},\"mounts\":[{\"destination\":\"/t\",\"type\":\"bind\",\"source\":\"/tmp\",\"options\":[\"rbind\"],\"uidMappings\":[{\"containerID\":0,\"hostID\":1,\"size\":1}]}]," OK_LINUX), "mounts[0].gidMappings: an idmapped mount needs both" },
        { CONFIG(OK_ROOT ",\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\"},\"mounts\":[{\"destination\":\"/t\",\"type\":\"bind\",\"source\":\"/tmp\",\"options\":[\"idmap\"]}]," OK_LINUX), "mounts[0]: \"idmap\" without uidMappings needs the container's own user namespace" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"},{\"type\":\"user\"}]}"), "linux.uidMappings: a new user namespace needs uidMappings and gidMappings" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],\"uidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}]}"), "linux.uidMappings: mappings need a new user namespace" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"},{\"type\":\"user\"}],\"uidMappings\":[{\"containerID\":0,\"hostID\":1000}],\"gidMappings\":[]}"), "linux.uidMappings[0].size: missing" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"},{\"type\":\"user\"}],\"uidMappings\":[{\"containerID\":0,\"hostID\":4294967290,\"size\":100}],\"gidMappings\":[]}"), "linux.uidMappings[0]: the range overflows 32 bits" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"},{\"type\":\"user\"}],\"uidMappings\":[{\"containerID\":0,\"hostID\":100000,\"size\":65536}],\"gidMappings\":[{\"containerID\":0,\"hostID\":100000,\"size\":65536}]}"), NULL, "user namespace with maps" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"hostname\":\"h\"," OK_LINUX), "hostname: needs a new uts namespace" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\"}}"), NULL, "a permissive seccomp profile" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],\"seccomp\":{}}"), "linux.seccomp.defaultAction: missing" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}}"), "linux.seccomp.listenerPath: SCMP_ACT_NOTIFY needs a listenerPath" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"/x\",\"syscalls\":[{\"names\":[\"sendmsg\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}}"), "linux.seccomp.syscalls[0].names: SCMP_ACT_NOTIFY cannot be used for sendmsg" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],\"seccomp\":{\"defaultAction\":\"SCMP_ACT_NOTIFY\",\"listenerPath\":\"/x\"}}"), "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"action\":\"SCMP_ACT_ERRNO\"}]}}"), "linux.seccomp.syscalls[0].names: missing" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":5000}}"), "linux.seccomp.defaultErrnoRet: 5000 is out of range" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],\"sysctl\":{\"vm.swappiness\":\"1\"}}"), "linux.sysctl.vm.swappiness: not in a namespace of the container" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],\"sysctl\":{\"net.ipv4.ip_forward\":\"1\"}}"), "linux.sysctl.net.ipv4.ip_forward: needs a new network namespace" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"},{\"type\":\"network\",\"path\":\"/proc/1/ns/net\"}],\"sysctl\":{\"net.ipv4.ip_forward\":\"1\"}}"), "needs a new network namespace" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"},{\"type\":\"network\"}],\"sysctl\":{\"net/../../x\":\"1\"}}"), "not a sysctl name" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"},{\"type\":\"ipc\"}],\"sysctl\":{\"kernel.shmmni\":\"100\",\"fs.mqueue.msg_max\":\"20\"}}"), NULL, "namespaced sysctls with an ipc namespace" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"domainname\":\"d\"," OK_LINUX), "domainname: needs a new uts namespace" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],\"cgroupsPath\":\"a:b\"}"), "linux.cgroupsPath: \"a:b\": the systemd form is slice:prefix:name" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],\"cgroupsPath\":\"system:a:b\"}"), "linux.cgroupsPath: \"system:a:b\": the slice must be" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],\"cgroupsPath\":\"system.slice:a:b/c\"}"), "linux.cgroupsPath: \"system.slice:a:b/c\": prefix and name" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],\"cgroupsPath\":\"system.slice:a:b\"}"), NULL, "a systemd cgroupsPath" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],\"cgroupsPath\":\"/a/../b\"}"), "linux.cgroupsPath: \"/a/../b\" must not contain \"..\"" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],\"resources\":{\"memory\":{\"limit\":\"1G\"}}}"), "linux.resources.memory.limit: expected an integer" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],\"resources\":{\"memory\":{\"swap\":-2}}}"), "linux.resources.memory.swap: -2 is out of range" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],\"resources\":{\"memory\":{\"swappiness\":300}}}"), "linux.resources.memory.swappiness: 300 is out of range" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],\"resources\":{\"memory\":{\"disableOOMKiller\":1}}}"), "linux.resources.memory.disableOOMKiller: expected a boolean" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],\"resources\":{\"cpu\":{\"shares\":1}}}"), "linux.resources.cpu.shares: 1 is out of range" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],\"resources\":{\"cpu\":{\"period\":100}}}"), "linux.resources.cpu.period: 100 is out of range" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],\"resources\":{\"cpu\":{\"cpus\":\"0-\"}}}"), "linux.resources.cpu.cpus: \"0-\" is not a list" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],\"resources\":{\"cpu\":{\"mems\":\"3-1\"}}}"), "linux.resources.cpu.mems: \"3-1\" is not a list" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],\"resources\":{\"cpu\":{\"realtimeRuntime\":2000,\"realtimePeriod\":1000}}}"), "linux.resources.cpu.realtimeRuntime: 2000 is longer than realtimePeriod" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],\"resources\":{\"cpu\":7}}"), "linux.resources.cpu: expected an object, got an integer" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],\"resources\":{\"blockIO\":{\"weight\":5}}}"), "linux.resources.blockIO.weight: 5 is out of range" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],\"resources\":{\"blockIO\":{\"throttleReadBpsDevice\":[{\"major\":8,\"rate\":1}]}}}"), "linux.resources.blockIO.throttleReadBpsDevice[0].minor: missing" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],\"resources\":{\"blockIO\":{\"throttleWriteIOPSDevice\":[{\"major\":8,\"minor\":0}]}}}"), "linux.resources.blockIO.throttleWriteIOPSDevice[0].rate: missing" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],\"resources\":{\"blockIO\":{\"weightDevice\":[{\"major\":8,\"minor\":0}]}}}"), "linux.resources.blockIO.weightDevice[0]: gives no value" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],\"resources\":{\"hugepageLimits\":[{\"limit\":1}]}}"), "linux.resources.hugepageLimits[0].pageSize: missing" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],\"resources\":{\"hugepageLimits\":[{\"pageSize\":\"../2MB\",\"limit\":1}]}}"), "linux.resources.hugepageLimits[0].pageSize: \"../2MB\" is not a valid name" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],\"resources\":{\"network\":{\"priorities\":[{\"name\":\"eth0\"}]}}}"), "linux.resources.network.priorities[0].priority: missing" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],\"resources\":{\"rdma\":{\"mlx5_1\":{\"hcaHandles\":\"3\"}}}}"), "linux.resources.rdma.mlx5_1.hcaHandles: expected an integer" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],\"resources\":{\"unified\":{\"memory.max\":1}}}"), "linux.resources.unified.memory.max: expected a string" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],\"resources\":{\"unified\":{\"../memory.max\":\"1\"}}}"), "linux.resources.unified.../memory.max: not a cgroup v2 file name" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],\"resources\":{\"unified\":{\"cgroup.procs\":\"1\"}}}"), "linux.resources.unified.cgroup.procs: the cgroup\'s own files" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],\"resources\":{\"devices\":[{\"allow\":true,\"type\":\"x\"}]}}"), "linux.resources.devices[0].type: unknown device type \"x\"" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],\"resources\":{\"devices\":[{\"allow\":true,\"access\":\"rwx\"}]}}"), "linux.resources.devices[0].access: \"rwx\"" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],\"rootfsPropagation\":\"sideways\"}"), "linux.rootfsPropagation: unknown propagation \"sideways\"" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],\"maskedPaths\":[\"proc/kcore\"]}"), "linux.maskedPaths: \"proc/kcore\" is not an absolute path" },
        { CONFIG(OK_ROOT "," OK_PROCESS "," OK_LINUX ",\"annotations\":{\"a\":1}"), "annotations.a: expected a string" },
        { CONFIG(OK_ROOT "," OK_PROCESS "," OK_LINUX ",\"hooks\":{\"prestart\":[{\"path\":\"/bin/true\"}]}"), NULL, "a prestart hook" },
        { CONFIG(OK_ROOT "," OK_PROCESS "," OK_LINUX ",\"hooks\":{\"poststop\":[{\"path\":\"true\"}]}"), "hooks.poststop[0].path: \"true\" is not an absolute path" },
        { CONFIG(OK_ROOT "," OK_PROCESS "," OK_LINUX ",\"hooks\":{\"createRuntime\":[{\"path\":\"/x\",\"timeout\":0}]}"), "hooks.createRuntime[0].timeout: 0 is out of range" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],\"netDevices\":{\"eth0\":{}}}"), "linux.netDevices: needs a new network namespace" },
        { CONFIG(OK_ROOT "," OK_PROCESS ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"},{\"type\":\"network\"}],\"netDevices\":{\"eth0\":{\"name\":\"a/b\"}}}"), "linux.netDevices.eth0.name: \"a/b\" is not an interface name" },
};

static void check_fields(void) {
        static const char json[] = CONFIG(
                OK_ROOT ",\"process\":{\"args\":[\"sh\",\"-c\",\"x\"],\"cwd\":\"/w\",\"env\":[\"A=1\"],"
                "\"user\":{\"uid\":1000,\"gid\":100,\"umask\":18,\"additionalGids\":[5,6]},"
                "\"capabilities\":{\"bounding\":[\"CAP_KILL\",\"CAP_CHOWN\"]},"
                "\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":10,\"hard\":18446744073709551615}],"
                "\"noNewPrivileges\":true},"
                "\"annotations\":{\"k\":\"v\"},"
                "\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\",\"options\":[\"nosuid\"]}],"
                "\"linux\":{\"namespaces\":[{\"type\":\"mount\"},{\"type\":\"network\",\"path\":\"/proc/1/ns/net\"}],"
                "\"cgroupsPath\":\"/a/b\",\"resources\":{\"memory\":{\"limit\":4096},\"pids\":{\"limit\":-1},"
                "\"devices\":[{\"allow\":false,\"access\":\"rwm\"},{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":3,\"access\":\"rw\"}]}}");
        char text[ERROR_MESSAGE_MAX + 64];
        Spec s = {};
        Error e = {};
        int r;

        r = spec_from_json(json, strlen(json), &s, &e);
        CHECK(r == 0, "parse failed: %s", error_text(&e, r, text, sizeof text));
        if (r < 0)
                return;
        CHECK_STREQ(s.args[2], "x");
        CHECK_STREQ(s.cwd, "/w");
        CHECK(s.uid == 1000 && s.gid == 100, "uid/gid %u/%u", s.uid, s.gid);
        CHECK(s.has_umask && s.umask == 18, "umask");
        CHECK(s.n_additional_gids == 2 && s.additional_gids[1] == 6, "additionalGids");
        CHECK(s.capabilities[CAP_SET_BOUNDING] == ((1ULL << 5) | (1ULL << 0)), "bounding %llx",
              (unsigned long long) s.capabilities[CAP_SET_BOUNDING]);
        CHECK(s.n_rlimits == 1 && s.rlimits[0].resource == RLIMIT_NOFILE && s.rlimits[0].hard == UINT64_MAX,
              "rlimits");
        CHECK(s.no_new_privileges, "noNewPrivileges");
        CHECK(s.n_annotations == 1 && streq(s.annotations[0].key, "k"), "annotations");
        CHECK(s.n_mounts == 1 && streq(s.mounts[0].options[0], "nosuid"), "mounts");
        CHECK(s.namespaces[NAMESPACE_MOUNT].enabled && !s.namespaces[NAMESPACE_MOUNT].path, "mount ns");
        CHECK_STREQ(s.namespaces[NAMESPACE_NETWORK].path, "/proc/1/ns/net");
        CHECK_STREQ(s.cgroups_path, "/a/b");
        CHECK(s.resources.value[RES_MEMORY_LIMIT] == 4096 && s.resources.value[RES_PIDS_LIMIT] == -1, "resources");
        CHECK(s.resources.n_devices == 2 && s.resources.devices[1].major == 1 && s.resources.devices[0].type == 'a',
              "devices");
        spec_done(&s);
}

int main(void) {
        size_t good = 0, bad = 0;

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                const Case *c = &cases[i];
                char text[ERROR_MESSAGE_MAX + 64];
                Spec s = {};
                Error e = {};
                int r;

                r = spec_from_json(c->json, strlen(c->json), &s, &e);
                if (!c->error) {
                        good++;
                        CHECK(c->name != NULL, "row %zu needs a name", i);
                        CHECK(r == 0, "%s: should parse, got: %s", c->name, error_text(&e, r, text, sizeof text));
                } else {
                        bad++;
                        CHECK(r < 0, "\"%s\": the config parsed", c->error);
                        CHECK(r >= 0 || strstr(e.message, c->error),
                              "\"%s\": got \"%s\" instead", c->error, error_text(&e, r, text, sizeof text));
                }
                spec_done(&s);
        }
        CHECK(good >= 10 && bad >= 30, "the table must hold at least 30 bad configs (has %zu)", bad);
        check_fields();
        return test_finish("test-spec-json");
}
