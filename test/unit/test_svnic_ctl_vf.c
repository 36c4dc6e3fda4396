/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * svnic-ctl vf|switch|pf: the whole command, in-process, against a small
 * management server in a thread that runs sriov_mgmt_handle_line() on a real
 * switch, the way the PF driver's control thread does. Command-line refusals
 * and a PF that is absent, silent, slow or speaks nonsense come first.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <json-c/json.h>

#include "ctl.h"
#include "ctl_vf.h"
#include "sriov_mgmt.h"
#include "unit.h"

enum srv_mode {
	SRV_NORMAL,
	SRV_SILENT,	/* closes without a reply */
	SRV_GARBAGE,	/* replies with something that is not the protocol */
	SRV_HANG,	/* never replies */
};

static struct {
	char dir[64];
	char path[108];
	int lfd;
	pthread_t thread;
	atomic_bool stop;
	_Atomic enum srv_mode mode;
	struct sriov_switch *sw;
} srv;

static void
srv_serve(int fd)
{
	char buf[SRIOV_MGMT_REQ_MAX + 1], *reply = NULL;
	size_t got = 0, len = 0;
	ssize_t n;

	while (got < sizeof(buf) && memchr(buf, '\n', got) == NULL) {
		n = read(fd, buf + got, sizeof(buf) - got);
		if (n <= 0)
			return;
		got += (size_t)n;
	}
	switch (atomic_load(&srv.mode)) {
	case SRV_SILENT:
		return;
	case SRV_GARBAGE:
		(void)!write(fd, "{\"v\":1,\"ok\":\"yes\"}\n", 19);
		return;
	case SRV_HANG:
		/* until the client gives up and closes */
		while (!atomic_load(&srv.stop) && read(fd, buf, sizeof(buf)) > 0)
			;
		return;
	case SRV_NORMAL:
		break;
	}
	if (sriov_mgmt_handle_line(srv.sw, buf, got, NULL, NULL, &reply, &len) == 0) {
		(void)!write(fd, reply, len);
		free(reply);
	}
}

static void *
srv_main(void *arg)
{
	struct pollfd p = { .fd = srv.lfd, .events = POLLIN };
	int fd;

	(void)arg;
	while (!atomic_load(&srv.stop)) {
		if (poll(&p, 1, 20) <= 0)
			continue;
		fd = accept(srv.lfd, NULL, NULL);
		if (fd < 0)
			continue;
		srv_serve(fd);
		close(fd);
	}
	return NULL;
}

static int
srv_start(void)
{
	struct sriov_switch_cfg cfg = {
		.total_vfs = 4, .pf_bus = 1, .first_vf_offset = 1, .vf_stride = 1,
		.total_queue_pairs = 16, .pf_queue_pairs = 4, .max_vectors_per_vf = 4,
		.numa_nodes = 1,
	};
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	srv.sw = sriov_switch_create(&cfg);
	if (srv.sw == NULL || sriov_switch_enable(srv.sw, 4) != 0)
		return -1;
	strcpy(srv.dir, "/tmp/svnic-ctl-vf-XXXXXX");
	if (mkdtemp(srv.dir) == NULL)
		return -1;
	snprintf(srv.path, sizeof(srv.path), "%s/mgmt.sock", srv.dir);
	memcpy(sa.sun_path, srv.path, strlen(srv.path) + 1);
	srv.lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (srv.lfd < 0 || bind(srv.lfd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    listen(srv.lfd, 4) != 0)
		return -1;
	atomic_store(&srv.stop, false);
	atomic_store(&srv.mode, SRV_NORMAL);
	return pthread_create(&srv.thread, NULL, srv_main, NULL) == 0 ? 0 : -1;
}

static int
srv_stop(void)
{
	atomic_store(&srv.stop, true);
	pthread_join(srv.thread, NULL);
	close(srv.lfd);
	unlink(srv.path);
	rmdir(srv.dir);
	sriov_switch_destroy(srv.sw);
	return 0;
}

/* Run svnic-ctl with the words of @p cmd after "-s PATH"; output in out/err. */
static char out_buf[16384], err_buf[4096];

static int
ctl(const char *cmd)
{
	char words[512], *argv[40], *save = NULL, *w;
	char *obuf = NULL, *ebuf = NULL;
	size_t olen = 0, elen = 0;
	FILE *out, *err;
	int argc = 0, ret;

	argv[argc++] = "svnic-ctl";
	snprintf(words, sizeof(words), "%s", cmd);
	for (w = strtok_r(words, " ", &save); w != NULL && argc < 39;
	     w = strtok_r(NULL, " ", &save))
		argv[argc++] = strcmp(w, "PATH") == 0 ? srv.path : w;
	argv[argc] = NULL;
	out = open_memstream(&obuf, &olen);
	err = open_memstream(&ebuf, &elen);
	ret = svnic_ctl_run(argc, argv, out, err);
	fclose(out);
	fclose(err);
	snprintf(out_buf, sizeof(out_buf), "%s", obuf);
	snprintf(err_buf, sizeof(err_buf), "%s", ebuf);
	free(obuf);
	free(ebuf);
	return ret;
}

static void
expect(const char *cmd, int status, const char *in_out, const char *in_err)
{
	int ret = ctl(cmd);

	if (ret != status || (in_out != NULL && strstr(out_buf, in_out) == NULL) ||
	    (in_err != NULL && strstr(err_buf, in_err) == NULL))
		fprintf(stderr, "\n  svnic-ctl %s: %d\n---out\n%s---err\n%s", cmd, ret, out_buf,
			err_buf);
	CU_ASSERT_EQUAL(ret, status);
	if (in_out != NULL)
		CU_ASSERT_PTR_NOT_NULL(strstr(out_buf, in_out));
	if (in_err != NULL)
		CU_ASSERT_PTR_NOT_NULL(strstr(err_buf, in_err));
}

static void
test_usage_refusals(void)
{
	expect("-s PATH vf alloc", SVNIC_CTL_USAGE, NULL, "queues N");
	expect("-s PATH vf alloc queues 65", SVNIC_CTL_USAGE, NULL, "queues must be 1..64");
	expect("-s PATH vf alloc queues 2 mac 01:00:5e:00:00:01", SVNIC_CTL_USAGE, NULL,
	       "not a unicast");
	expect("-s PATH vf alloc queues 2 mac 02:00", SVNIC_CTL_USAGE, NULL, "xx:xx");
	expect("-s PATH vf alloc queues 2 vlan 4095", SVNIC_CTL_USAGE, NULL, "0..4094");
	expect("-s PATH vf alloc queues 2 vlan 0 qos 3", SVNIC_CTL_USAGE, NULL, "qos needs");
	expect("-s PATH vf alloc queues 2 vlan 5 proto 802.1x", SVNIC_CTL_USAGE, NULL,
	       "proto takes");
	expect("-s PATH vf alloc queues 2 name 0123456789abcdef0123456789abcdef", SVNIC_CTL_USAGE,
	       NULL, "31 printable");
	expect("-s PATH vf alloc queues 2 colour red", SVNIC_CTL_USAGE, NULL, "unknown argument");
	expect("-s PATH vf set 0", SVNIC_CTL_USAGE, NULL, "nothing to set");
	expect("-s PATH vf set 0 trust maybe", SVNIC_CTL_USAGE, NULL, "trust takes on or off");
	expect("-s PATH vf set 0 rate", SVNIC_CTL_USAGE, NULL, "rate needs min");
	expect("-s PATH vf set 0 rate min 200 max 100", SVNIC_CTL_USAGE, NULL, "above rate max");
	expect("-s PATH vf set 0 state up", SVNIC_CTL_USAGE, NULL, "auto, enable or disable");
	expect("-s PATH vf set 0 colour red", SVNIC_CTL_USAGE, NULL, "unknown setting");
	expect("-s PATH vf set 256 trust on", SVNIC_CTL_USAGE, NULL, "0..255");
	expect("-s PATH vf free", SVNIC_CTL_USAGE, NULL, "needs a value");
	expect("-s PATH vf free 1 now", SVNIC_CTL_USAGE, NULL, "unexpected argument");
	expect("-s PATH vf show 1 2", SVNIC_CTL_USAGE, NULL, "one VF only");
	expect("-s PATH vf destroy 1", SVNIC_CTL_USAGE, NULL, "unknown vf command");
	expect("-s PATH vf", SVNIC_CTL_USAGE, NULL, "missing alloc");
	expect("-s PATH switch list", SVNIC_CTL_USAGE, NULL, "only command is show");
	expect("-s PATH pf show now", SVNIC_CTL_USAGE, NULL, "unexpected argument");
	expect("-s PATH", SVNIC_CTL_USAGE, NULL, "missing vf, switch or pf");
	expect("-s", SVNIC_CTL_USAGE, NULL, "-s needs");
	expect("-s PATH --timeout 0 vf show", SVNIC_CTL_USAGE, NULL, "--timeout");
	expect("-s PATH nic show", SVNIC_CTL_USAGE, NULL, "unknown command");
	expect("help", SVNIC_CTL_OK, "vf alloc queues N", NULL);
}

static void
test_unreachable_pf(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char cmd[256];
	int fd;

	expect("-s /nonexistent/svnic/mgmt.sock vf show", SVNIC_CTL_FAIL, NULL,
	       "no management socket at /nonexistent/svnic/mgmt.sock (No such file or "
	       "directory): is the PF driver running with mgmt=/nonexistent/svnic/mgmt.sock? "
	       "(without mgmt= it listens on /run/svnic/mgmt.sock)");
	/* a socket file its PF left behind when it died */
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/stale.sock", srv.dir);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL_FATAL(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(fd);
	snprintf(cmd, sizeof(cmd), "-s %s vf show", sa.sun_path);
	expect(cmd, SVNIC_CTL_FAIL, NULL, "nobody listens on");
	CU_ASSERT_PTR_NOT_NULL(strstr(err_buf, "start it again"));
	unlink(sa.sun_path);
	snprintf(cmd, sizeof(cmd), "--socket %s/x vf show", srv.path);
	expect(cmd, SVNIC_CTL_FAIL, NULL, "is not a directory");
	/* the global options in any order, --timeout first too */
	expect("--timeout 2000 -s PATH switch show", SVNIC_CTL_OK, "4 of 4 VFs enabled", NULL);
	atomic_store(&srv.mode, SRV_SILENT);
	expect("-s PATH vf show", SVNIC_CTL_FAIL, NULL, "closed the connection without a reply");
	atomic_store(&srv.mode, SRV_GARBAGE);
	expect("-s PATH vf show", SVNIC_CTL_FAIL, NULL, "cannot read");
	atomic_store(&srv.mode, SRV_HANG);
	expect("-s PATH --timeout 100 vf show", SVNIC_CTL_FAIL, NULL,
	       "did not answer within 100 ms");
	atomic_store(&srv.mode, SRV_NORMAL);
}

static void
test_vf_lifecycle(void)
{
	struct json_object *root, *vfs, *vf, *vport, *v;
	struct sriov_vport_props p;

	expect("-s PATH vf show", SVNIC_CTL_OK, "vf  rid", NULL);
	expect("-s PATH vf alloc queues 2 mac 02:00:00:00:00:0a name web", SVNIC_CTL_OK,
	       "vf 0 allocated, rid 01:00.1, VPort attached", NULL);
	CU_ASSERT_EQUAL(sriov_switch_vf(srv.sw, 0)->state, SRIOV_VF_ATTACHED);
	expect("-s PATH vf alloc queues 2 mac 02:00:00:00:00:0a", SVNIC_CTL_FAIL, NULL,
	       "is vf 0's already: pick another");
	expect("-s PATH vf show", SVNIC_CTL_OK,
	       "0   01:00.1 attached    02:00:00:00:00:0a -            2      no", NULL);

	CU_ASSERT_EQUAL(ctl("-s PATH vf show --json"), SVNIC_CTL_OK);
	root = json_tokener_parse(out_buf);
	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	CU_ASSERT(json_object_object_get_ex(root, "vfs", &vfs));
	CU_ASSERT_EQUAL_FATAL(json_object_array_length(vfs), 1);
	vf = json_object_array_get_idx(vfs, 0);
	CU_ASSERT(json_object_object_get_ex(vf, "rid", &v));
	CU_ASSERT_STRING_EQUAL(json_object_get_string(v), "01:00.1");
	CU_ASSERT(json_object_object_get_ex(vf, "name", &v));
	CU_ASSERT_STRING_EQUAL(json_object_get_string(v), "web");
	CU_ASSERT_FATAL(json_object_object_get_ex(vf, "vport", &vport));
	CU_ASSERT(json_object_object_get_ex(vport, "mac", &v));
	CU_ASSERT_STRING_EQUAL(json_object_get_string(v), "02:00:00:00:00:0a");
	json_object_put(root);

	expect("-s PATH vf set 0 vlan 100 qos 3 spoofchk off", SVNIC_CTL_OK, NULL, NULL);
	CU_ASSERT_EQUAL(sriov_vport_get_props(srv.sw, 0, &p), 0);
	CU_ASSERT_EQUAL(p.vlan_id, 100);
	CU_ASSERT_EQUAL(p.vlan_qos, 3);
	CU_ASSERT_FALSE(p.spoofchk);
	expect("-s PATH vf set 0 trust on rate min 10 max 100 state disable promisc-allow on "
	       "allmulti-allow on vlan 7 proto 802.1ad mac 02:00:00:00:00:0c", SVNIC_CTL_OK,
	       NULL, NULL);
	CU_ASSERT_EQUAL(sriov_vport_get_props(srv.sw, 0, &p), 0);
	CU_ASSERT(p.trust && p.allow_promisc && p.allow_allmulti);
	CU_ASSERT_EQUAL(p.min_tx_rate, 10);
	CU_ASSERT_EQUAL(p.max_tx_rate, 100);
	CU_ASSERT_EQUAL(p.link_state, SRIOV_LINK_DISABLE);
	CU_ASSERT_EQUAL(p.vlan_proto, SRIOV_VLAN_PROTO_8021AD);
	CU_ASSERT_EQUAL(p.mac[5], 0x0c);
	/* ip link's spellings work too */
	expect("-s PATH vf set 0 max_tx_rate 0 min_tx_rate 5 link-state auto", SVNIC_CTL_OK,
	       NULL, NULL);
	CU_ASSERT_EQUAL(sriov_vport_get_props(srv.sw, 0, &p), 0);
	CU_ASSERT(p.min_tx_rate == 5 && p.max_tx_rate == 0 && p.link_state == SRIOV_LINK_AUTO);
	expect("-s PATH vf set 0 rate max 1", SVNIC_CTL_FAIL, NULL,
	       "min rate 5 above max rate 1 Mbit/s");
	expect("-s PATH vf set 3 trust on", SVNIC_CTL_FAIL, NULL, "vf 3 is not allocated");
	expect("-s PATH vf show 0", SVNIC_CTL_OK, "7 ad", NULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(out_buf, "name \"web\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(out_buf, "spoof checking off, trust on"));

	expect("-s PATH switch show", SVNIC_CTL_OK, "4 of 4 VFs enabled", NULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(out_buf, "10 free for VFs"));
	expect("-s PATH switch show --json", SVNIC_CTL_OK, "\"free_queue_pairs\"", NULL);
	expect("-s PATH pf show", SVNIC_CTL_OK, "pf 01:00.0: link down", NULL);

	expect("-s PATH vf reset 0", SVNIC_CTL_OK, NULL, NULL);
	expect("-s PATH vf free 0", SVNIC_CTL_FAIL, NULL,
	       "vf free: vf 0 has a VPort; use cascade ('svnic-ctl vf free 0 cascade') or "
	       "delete it first (Device or resource busy)");
	CU_ASSERT_EQUAL(sriov_switch_vf(srv.sw, 0)->state, SRIOV_VF_ATTACHED);
	expect("-s PATH vf free 0 cascade", SVNIC_CTL_OK, NULL, NULL);
	CU_ASSERT_EQUAL(sriov_switch_vf(srv.sw, 0)->state, SRIOV_VF_HW_READY);
	expect("-s PATH vf show 0", SVNIC_CTL_FAIL, NULL, "vf 0 is not allocated");
	CU_ASSERT_EQUAL(sriov_switch_verify(srv.sw), 0);
}

static CU_TestInfo ctl_tests[] = {
	UNIT_TEST(test_usage_refusals),
	UNIT_TEST(test_unreachable_pf),
	UNIT_TEST(test_vf_lifecycle),
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "svnic_ctl_vf", srv_start, srv_stop, NULL, NULL, ctl_tests },
	CU_SUITE_INFO_NULL,
};

int
main(void)
{
	return unit_run(suites);
}
