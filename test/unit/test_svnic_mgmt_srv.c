/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The PF's management socket server (drivers/net/svnic/svnic_mgmt_srv.c) in
 * this process, on a real switch, the way the PF's control thread runs it:
 * poll its descriptors, call svnic_mgmt_srv_handle() with a clock the test
 * drives. Clients are the real svnic-ctl binary (a child process; meson gives
 * its path in SVNIC_CTL) and raw sockets. Refusals come first: bad
 * configuration, a path taken, bad requests, too many clients, idle clients,
 * a peer of another user.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "sriov_mgmt.h"
#include "svnic_mgmt_srv.h"
#include "unit.h"

#define T_DEADLINE_MS	10000
#define T_NOBODY	65534

static struct {
	char dir[64];
	char path[108];
	struct sriov_switch *sw;
	struct svnic_mgmt_srv *srv;
	const char *srv_path;	/* where srv listens: svnic-ctl's default -s */
	uint64_t now;		/* the clock handle() sees */
	unsigned int vport_changed;
} t;

/* ---- the PF's side: fake ops, the control thread's loop ---- */

static int
fake_vf_stats(void *ctx, uint16_t vf_id, struct sriov_mgmt_vf_stats *st)
{
	(void)ctx;
	st->rx_packets = 1000 + vf_id;
	st->tx_packets = 2000 + vf_id;
	st->drops = 3;
	st->guest_connected = vf_id == 0;
	return 0;
}

static int
fake_pf_status(void *ctx, struct sriov_mgmt_pf_status *st)
{
	static const uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };

	(void)ctx;
	snprintf(st->name, sizeof(st->name), "0000:01:00.0");
	memcpy(st->mac, mac, sizeof(mac));
	st->link_up = true;
	st->speed_mbps = 10000;
	st->mtu = 1500;
	st->rx_packets = 77;
	st->tx_packets = 88;
	st->drops = 9;
	return 0;
}

static void
fake_vport_changed(void *ctx, uint16_t vf_id)
{
	(void)ctx;
	(void)vf_id;
	t.vport_changed++;
}

static const struct sriov_mgmt_ops fake_ops = {
	.vf_stats = fake_vf_stats,
	.pf_status = fake_pf_status,
	.vport_changed = fake_vport_changed,
};

static uint64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int
srv_open_at(const char *path, unsigned int mode, struct svnic_mgmt_srv **out)
{
	struct svnic_mgmt_srv_cfg cfg = {
		.path = path, .mode = mode, .sw = t.sw, .ops = &fake_ops, .ctx = NULL,
	};

	return svnic_mgmt_srv_open(&cfg, out);
}

/* One turn of the control thread: wait up to @p ms for the server's fds, handle. */
static void
srv_turn(int ms)
{
	struct pollfd pfd[SVNIC_MGMT_CLIENTS_MAX + 1];
	unsigned int n;

	n = svnic_mgmt_srv_pollfds(t.srv, pfd, SVNIC_MGMT_CLIENTS_MAX + 1);
	CU_ASSERT(n >= 1);
	(void)poll(pfd, n, ms);
	svnic_mgmt_srv_handle(t.srv, t.now);
}

static struct svnic_mgmt_srv_stats
srv_stats(void)
{
	struct svnic_mgmt_srv_stats st;

	svnic_mgmt_srv_get_stats(t.srv, &st);
	return st;
}

static int
suite_init(void)
{
	struct sriov_switch_cfg cfg = {
		.total_vfs = 8, .pf_bus = 1, .first_vf_offset = 1, .vf_stride = 1,
		.total_queue_pairs = 64, .pf_queue_pairs = 4, .max_vectors_per_vf = 4,
		.numa_nodes = 1,
	};

	signal(SIGPIPE, SIG_IGN);
	t.sw = sriov_switch_create(&cfg);
	if (t.sw == NULL || sriov_switch_enable(t.sw, 8) != 0)
		return -1;
	strcpy(t.dir, "/tmp/svnic-mgmt-srv-XXXXXX");
	if (mkdtemp(t.dir) == NULL)
		return -1;
	snprintf(t.path, sizeof(t.path), "%s/run/mgmt.sock", t.dir);
	t.now = 1000;
	t.srv_path = t.path;
	return srv_open_at(t.path, 0, &t.srv) == 0 ? 0 : -1;
}

static int
suite_clean(void)
{
	char p[128];

	svnic_mgmt_srv_close(t.srv);
	snprintf(p, sizeof(p), "%s/run", t.dir);
	rmdir(p);
	rmdir(t.dir);
	sriov_switch_destroy(t.sw);
	return 0;
}

/* ---- raw clients ---- */

static int
cli_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		int ret = -errno;

		close(fd);
		return ret;
	}
	return fd;
}

static void
cli_send(int fd, const char *s, size_t len)
{
	CU_ASSERT_EQUAL(send(fd, s, len, MSG_NOSIGNAL), (ssize_t)len);
}

/* @p n copies of @p req in one write, as a client that pipelines does. */
static void
cli_send_many(int fd, const char *req, unsigned int n)
{
	size_t len = strlen(req);
	unsigned int i;
	char *all;

	all = malloc(n * len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(all);
	for (i = 0; i < n; i++)
		memcpy(all + i * len, req, len);
	cli_send(fd, all, n * len);
	free(all);
}

/*
 * Run the server until @p fd has @p lines reply lines (or EOF, or the deadline)
 * and return what came, NUL-terminated, in a malloc()ed buffer; *eof says the
 * server closed.
 */
static char *
cli_read_lines(int fd, unsigned int lines, bool *eof)
{
	uint64_t deadline = mono_ms() + T_DEADLINE_MS;
	size_t got = 0, cap = 1 << 16;
	char *buf = malloc(cap), *p;
	unsigned int nl = 0;
	ssize_t n;

	*eof = false;
	while (buf != NULL && nl < lines && mono_ms() < deadline) {
		srv_turn(5);
		for (;;) {
			if (got + 1 >= cap) {
				p = realloc(buf, cap * 2);
				if (p == NULL)
					break;
				buf = p;
				cap *= 2;
			}
			n = recv(fd, buf + got, cap - 1 - got, MSG_DONTWAIT);
			if (n <= 0) {
				if (n == 0)
					*eof = true;
				break;
			}
			for (p = buf + got; p < buf + got + n; p++)
				nl += *p == '\n';
			got += (size_t)n;
		}
		if (*eof)
			break;
	}
	if (buf != NULL)
		buf[got] = '\0';
	return buf;
}

/* Is the peer gone? Runs the server a few turns first. */
static bool
cli_closed(int fd)
{
	char c;
	int i;

	for (i = 0; i < 20; i++) {
		srv_turn(1);
		if (recv(fd, &c, 1, MSG_DONTWAIT) == 0)
			return true;
	}
	return false;
}

/* One request, one reply, decoded. */
static int
cli_call(int fd, const char *req, struct sriov_mgmt_resp *r)
{
	char msg[SRIOV_MGMT_MSG_MAX], *reply;
	bool eof;
	int ret;

	cli_send(fd, req, strlen(req));
	reply = cli_read_lines(fd, 1, &eof);
	CU_ASSERT_PTR_NOT_NULL_FATAL(reply);
	ret = sriov_mgmt_decode_response(reply, strlen(reply), r, msg, sizeof(msg));
	if (ret != 0)
		fprintf(stderr, "\n  reply to %s: %s (%s)\n", req, reply, msg);
	free(reply);
	return ret;
}

/* The VF table as the switch has it, to prove a refusal changed nothing. */
struct vf_snap {
	int ret;
	struct sriov_vf_info info;
	int pret;
	struct sriov_vport_props props;
};

static void
snap_take(struct vf_snap snap[8])
{
	uint16_t i;

	memset(snap, 0, 8 * sizeof(snap[0]));
	for (i = 0; i < 8; i++) {
		snap[i].ret = sriov_vf_get_info(t.sw, i, &snap[i].info);
		snap[i].pret = sriov_vport_get_props(t.sw, i, &snap[i].props);
	}
}

static bool
snap_same(const struct vf_snap a[8])
{
	struct vf_snap b[8];

	snap_take(b);
	return memcmp(a, b, sizeof(b)) == 0;
}

/* ---- svnic-ctl as a child process ---- */

static char ctl_out[1 << 16], ctl_err[4096];

/* Drain @p fd into @p buf (size @p cap, *len so far); @return false at EOF. */
static bool
ctl_drain(int fd, char *buf, size_t cap, size_t *len)
{
	ssize_t n;

	for (;;) {
		n = read(fd, buf + *len, cap - 1 - *len);
		if (n > 0) {
			*len += (size_t)n;
			buf[*len] = '\0';
			if (*len + 1 < cap)
				continue;
			return true;
		}
		return !(n == 0);
	}
}

/*
 * Run `svnic-ctl -s SOCKET ARGS...` (@p sock NULL: this server's path) while
 * this thread serves it. @return its exit status, -1 when it could not run.
 */
static int
ctl_run(const char *sock, const char *args)
{
	const char *bin = getenv("SVNIC_CTL");
	char words[512], *argv[32], *save = NULL, *w;
	int po[2], pe[2], status = -1, argc = 0;
	size_t olen = 0, elen = 0;
	uint64_t deadline;
	pid_t pid;

	ctl_out[0] = ctl_err[0] = '\0';
	if (bin == NULL) {
		CU_FAIL("SVNIC_CTL is not set: run this test through meson");
		return -1;
	}
	argv[argc++] = "svnic-ctl";
	argv[argc++] = "-s";
	argv[argc++] = (char *)(sock != NULL ? sock : t.srv_path);
	snprintf(words, sizeof(words), "%s", args);
	for (w = strtok_r(words, " ", &save); w != NULL && argc < 31;
	     w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	argv[argc] = NULL;
	if (pipe2(po, O_CLOEXEC | O_NONBLOCK) != 0)
		return -1;
	if (pipe2(pe, O_CLOEXEC | O_NONBLOCK) != 0) {
		close(po[0]);
		close(po[1]);
		return -1;
	}
	pid = fork();
	if (pid == 0) {
		dup2(po[1], 1);
		dup2(pe[1], 2);
		execv(bin, argv);
		_exit(127);
	}
	close(po[1]);
	close(pe[1]);
	deadline = mono_ms() + T_DEADLINE_MS;
	while (pid > 0 && mono_ms() < deadline) {
		srv_turn(2);
		ctl_drain(po[0], ctl_out, sizeof(ctl_out), &olen);
		ctl_drain(pe[0], ctl_err, sizeof(ctl_err), &elen);
		if (waitpid(pid, &status, WNOHANG) == pid) {
			pid = 0;
			break;
		}
	}
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		CU_FAIL("svnic-ctl did not finish");
	}
	ctl_drain(po[0], ctl_out, sizeof(ctl_out), &olen);
	ctl_drain(pe[0], ctl_err, sizeof(ctl_err), &elen);
	close(po[0]);
	close(pe[0]);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void
ctl_expect(const char *args, int status, const char *in_out, const char *in_err)
{
	int ret = ctl_run(NULL, args);

	if (ret != status || (in_out != NULL && strstr(ctl_out, in_out) == NULL) ||
	    (in_err != NULL && strstr(ctl_err, in_err) == NULL))
		fprintf(stderr, "\n  svnic-ctl %s: %d\n---out\n%s---err\n%s", args, ret, ctl_out,
			ctl_err);
	CU_ASSERT_EQUAL(ret, status);
	if (in_out != NULL)
		CU_ASSERT_PTR_NOT_NULL(strstr(ctl_out, in_out));
	if (in_err != NULL)
		CU_ASSERT_PTR_NOT_NULL(strstr(ctl_err, in_err));
}

/* ---- opening: refusals, the path, stale and live sockets ---- */

static void
test_open_refusals(void)
{
	struct svnic_mgmt_srv_cfg cfg = { .path = "/tmp/x.sock", .sw = t.sw };
	struct svnic_mgmt_srv *s = (void *)1;
	char p[200];
	int fd;

	cfg.sw = NULL;
	CU_ASSERT_EQUAL(svnic_mgmt_srv_open(&cfg, &s), -EINVAL);
	CU_ASSERT_PTR_NULL(s);
	cfg.sw = t.sw;
	cfg.path = "";
	CU_ASSERT_EQUAL(svnic_mgmt_srv_open(&cfg, &s), -EINVAL);
	CU_ASSERT_EQUAL(svnic_mgmt_srv_open(NULL, &s), -EINVAL);
	memset(p, 'a', sizeof(p) - 1);
	p[0] = '/';
	p[sizeof(p) - 1] = '\0';
	cfg.path = p;
	CU_ASSERT_EQUAL(svnic_mgmt_srv_open(&cfg, &s), -ENAMETOOLONG);
	snprintf(p, sizeof(p), "%s/m.sock", t.dir);
	cfg.path = p;
	cfg.mode = 01777;
	CU_ASSERT_EQUAL(svnic_mgmt_srv_open(&cfg, &s), -EINVAL);
	CU_ASSERT_EQUAL(access(p, F_OK), -1);

	/* a regular file is not ours to replace */
	fd = open(p, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	unit_log_capture();
	CU_ASSERT_EQUAL(srv_open_at(p, 0, &s), -EEXIST);
	CU_ASSERT(unit_log_contains("is not a socket"));
	CU_ASSERT_EQUAL(access(p, F_OK), 0);
	unlink(p);

	/* a live server is not replaced, and keeps working */
	unit_log_capture();
	CU_ASSERT_EQUAL(srv_open_at(t.path, 0, &s), -EADDRINUSE);
	CU_ASSERT(unit_log_contains("a server is answering"));
	ctl_expect("switch show", 0, "8 of 8 VFs enabled", NULL);
}

static void
test_open_stale_and_dirs(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct svnic_mgmt_srv *s = NULL, *keep = t.srv;
	char dir[128], p[160];
	struct stat st;
	int fd;

	/* a socket file nobody listens on any more, as a killed PF leaves it */
	snprintf(p, sizeof(p), "%s/stale.sock", t.dir);
	memcpy(sa.sun_path, p, strlen(p) + 1);	/* t.dir is short: it fits */
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL_FATAL(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(fd);
	CU_ASSERT_EQUAL(lstat(p, &st), 0);
	unit_log_capture();
	CU_ASSERT_EQUAL_FATAL(srv_open_at(p, 0, &s), 0);
	CU_ASSERT(unit_log_contains("replaced the stale socket"));
	CU_ASSERT_EQUAL(lstat(p, &st), 0);
	CU_ASSERT(S_ISSOCK(st.st_mode));
	CU_ASSERT_EQUAL(st.st_mode & 07777, 0600);
	t.srv = s;
	t.srv_path = p;
	ctl_expect("pf show", 0, "pf 01:00.0 0000:01:00.0: link up", NULL);
	t.srv = keep;
	t.srv_path = t.path;
	svnic_mgmt_srv_close(s);
	CU_ASSERT_EQUAL(access(p, F_OK), -1);	/* close removed it */

	/* the default layout: missing directories are created 0700 */
	CU_ASSERT_EQUAL(stat(t.path, &st), 0);
	CU_ASSERT(S_ISSOCK(st.st_mode));
	CU_ASSERT_EQUAL(st.st_mode & 07777, 0600);
	snprintf(dir, sizeof(dir), "%s/run", t.dir);
	CU_ASSERT_EQUAL(stat(dir, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 07777, 0700);
	snprintf(p, sizeof(p), "%s/a/b/mgmt.sock", t.dir);
	CU_ASSERT_EQUAL_FATAL(srv_open_at(p, 0640, &s), 0);
	CU_ASSERT_EQUAL(stat(p, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 07777, 0640);
	snprintf(dir, sizeof(dir), "%s/a/b", t.dir);
	CU_ASSERT_EQUAL(stat(dir, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 07777, 0700);
	svnic_mgmt_srv_close(s);
	rmdir(dir);
	snprintf(dir, sizeof(dir), "%s/a", t.dir);
	CU_ASSERT_EQUAL(rmdir(dir), 0);

	/* a file where a directory should be */
	snprintf(p, sizeof(p), "%s/run/mgmt.sock/x.sock", t.dir);
	CU_ASSERT_EQUAL(srv_open_at(p, 0, &s), -ENOTDIR);
}

/* ---- bad requests ---- */

static void
test_garbage_json(void)
{
	static const char *const bad[] = {
		"{\"v\":1,\"op\":\n",
		"hello\n",
		"\n",
		"{\"v\":1,\"op\":\"vf.alloc\",\"queues\":65}\n",
		"{\"v\":1,\"op\":\"vf.alloc\",\"queues\":1}{}\n",
		"{\"v\":2,\"op\":\"vf.show\"}\n",
		"{\"v\":1,\"op\":\"vf.free\",\"vf\":\"0\"}\n",
	};
	struct svnic_mgmt_srv_stats st0 = srv_stats(), st1;
	struct sriov_mgmt_resp r;
	struct vf_snap snap[8];
	unsigned int i;
	int fd;

	snap_take(snap);
	fd = cli_connect(t.path);
	CU_ASSERT_FATAL(fd >= 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CU_ASSERT_EQUAL_FATAL(cli_call(fd, bad[i], &r), 0);
		CU_ASSERT_FALSE(r.ok);
		CU_ASSERT(r.err == EINVAL || r.err == EPROTONOSUPPORT);
		CU_ASSERT(r.message[0] != '\0');
		sriov_mgmt_resp_free(&r);
	}
	/* the connection stays usable, and nothing changed */
	CU_ASSERT_EQUAL(cli_call(fd, "{\"v\":1,\"op\":\"switch.show\"}\n", &r), 0);
	CU_ASSERT(r.ok && r.has_switch && r.sw.allocated == 0);
	sriov_mgmt_resp_free(&r);
	close(fd);
	CU_ASSERT(snap_same(snap));
	CU_ASSERT_EQUAL(sriov_switch_verify(t.sw), 0);
	CU_ASSERT_EQUAL(t.vport_changed, 0);
	st1 = srv_stats();
	CU_ASSERT_EQUAL(st1.requests - st0.requests, i + 1);
	CU_ASSERT_EQUAL(st1.errors - st0.errors, i);
}

static void
test_line_too_long(void)
{
	struct svnic_mgmt_srv_stats st0 = srv_stats();
	char big[SRIOV_MGMT_REQ_MAX + 100], msg[SRIOV_MGMT_MSG_MAX], *reply;
	struct sriov_mgmt_resp r;
	struct vf_snap snap[8];
	bool eof;
	int fd;

	snap_take(snap);
	fd = cli_connect(t.path);
	CU_ASSERT_FATAL(fd >= 0);
	/* a valid request, padded past the limit before its newline */
	memset(big, ' ', sizeof(big));
	memcpy(big, "{\"v\":1,\"op\":\"vf.alloc\",\"queues\":1}", 34);
	big[sizeof(big) - 1] = '\n';
	cli_send(fd, big, sizeof(big));
	reply = cli_read_lines(fd, 2, &eof);
	CU_ASSERT_PTR_NOT_NULL_FATAL(reply);
	CU_ASSERT(eof);
	CU_ASSERT_PTR_NOT_NULL(strchr(reply, '\n'));
	CU_ASSERT_EQUAL(strchr(reply, '\n') - reply + 1, (long)strlen(reply)); /* one line */
	CU_ASSERT_EQUAL_FATAL(sriov_mgmt_decode_response(reply, strlen(reply), &r, msg,
							 sizeof(msg)), 0);
	CU_ASSERT_FALSE(r.ok);
	CU_ASSERT_EQUAL(r.err, EMSGSIZE);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.message, "4096"));
	sriov_mgmt_resp_free(&r);
	free(reply);
	close(fd);
	CU_ASSERT(snap_same(snap));
	CU_ASSERT_EQUAL(srv_stats().errors - st0.errors, 1);
}

/* ---- framing ---- */

static void
test_pipelined_requests(void)
{
	const char *reqs =
		"{\"v\":1,\"op\":\"vf.alloc\",\"queues\":2,\"mac\":\"02:00:00:00:00:0a\"}\n"
		"{\"v\":1,\"op\":\"vf.set\",\"vf\":0,\"trust\":true}\n"
		"{\"v\":1,\"op\":\"vf.show\",\"vf\":0}\n"
		"{\"v\":1,\"op\":\"vf.free\",\"vf\":0}\n"
		"{\"v\":1,\"op\":\"vf.free\",\"vf\":0,\"cascade\":true}\n";
	char msg[SRIOV_MGMT_MSG_MAX], *reply, *line, *save = NULL;
	struct sriov_mgmt_resp r[5];
	unsigned int n = 0;
	bool eof;
	int fd;

	fd = cli_connect(t.path);
	CU_ASSERT_FATAL(fd >= 0);
	cli_send(fd, reqs, strlen(reqs));
	reply = cli_read_lines(fd, 5, &eof);
	CU_ASSERT_PTR_NOT_NULL_FATAL(reply);
	CU_ASSERT_FALSE(eof);
	for (line = strtok_r(reply, "\n", &save); line != NULL && n < 5;
	     line = strtok_r(NULL, "\n", &save), n++)
		CU_ASSERT_EQUAL_FATAL(sriov_mgmt_decode_response(line, strlen(line), &r[n], msg,
								 sizeof(msg)), 0);
	CU_ASSERT_EQUAL_FATAL(n, 5);
	/* in order: each reply answers its own request */
	CU_ASSERT(r[0].ok && r[0].has_alloc && r[0].vf == 0);
	CU_ASSERT(r[1].ok && !r[1].has_alloc);
	CU_ASSERT(r[2].ok && r[2].has_vf_table && r[2].nb_vfs == 1 && r[2].vfs[0].props.trust);
	CU_ASSERT(!r[3].ok && r[3].err == EBUSY);
	CU_ASSERT(r[4].ok);
	while (n > 0)
		sriov_mgmt_resp_free(&r[--n]);
	free(reply);
	close(fd);
	CU_ASSERT_EQUAL(sriov_switch_vf(t.sw, 0)->state, SRIOV_VF_HW_READY);
	CU_ASSERT_EQUAL(t.vport_changed, 1);
	t.vport_changed = 0;
}

static void
test_split_request(void)
{
	static const char req[] = "{\"v\":1,\"op\":\"switch.show\"}\n";
	struct sriov_mgmt_resp r;
	size_t i;
	char c;
	int fd;

	fd = cli_connect(t.path);
	CU_ASSERT_FATAL(fd >= 0);
	/* a byte at a time, the server turning in between: no reply before '\n' */
	for (i = 0; i + 2 < sizeof(req); i++) {
		cli_send(fd, req + i, 1);
		srv_turn(0);
		CU_ASSERT_EQUAL(recv(fd, &c, 1, MSG_DONTWAIT), -1);
	}
	CU_ASSERT_EQUAL(cli_call(fd, "\n", &r), 0);
	CU_ASSERT(r.ok && r.has_switch && r.sw.total_vfs == 8);
	sriov_mgmt_resp_free(&r);
	close(fd);
}

/*
 * A client that sends and never reads: the replies fill the socket, the
 * server keeps the unwritten part and stops executing that client's requests,
 * then finishes when the client reads; every reply arrives whole and in order.
 */
/* All 8 VFs allocated with long names: a vf.show reply is large. */
static void
vfs_alloc_all(void)
{
	static const char alloc[] =
		"{\"v\":1,\"op\":\"vf.alloc\",\"queues\":4,\"name\":\"a-rather-long-vf-name\"}";
	unsigned int i;
	char *reply;
	size_t len;

	for (i = 0; i < 8; i++) {
		CU_ASSERT_EQUAL(sriov_mgmt_handle_line(t.sw, alloc, strlen(alloc), NULL, NULL,
						       &reply, &len), 0);
		free(reply);
	}
	CU_ASSERT_EQUAL(sriov_switch_vf(t.sw, 7)->state, SRIOV_VF_ATTACHED);
}

static void
vfs_free_all(void)
{
	unsigned int i;

	for (i = 0; i < 8; i++)
		CU_ASSERT_EQUAL(sriov_vf_free(t.sw, (uint16_t)i, SRIOV_FREE_CASCADE), 0);
	CU_ASSERT_EQUAL(sriov_switch_verify(t.sw), 0);
}

static void
test_partial_writes(void)
{
	static const char req[] = "{\"v\":1,\"op\":\"vf.show\"}\n";
	enum { N = 400 };
	char msg[SRIOV_MGMT_MSG_MAX], *all, *line, *save = NULL;
	struct svnic_mgmt_srv_stats st0 = srv_stats(), st1;
	struct sriov_mgmt_resp r;
	unsigned int i, n = 0;
	bool eof;
	int fd;

	vfs_alloc_all();
	fd = cli_connect(t.path);
	CU_ASSERT_FATAL(fd >= 0);
	cli_send_many(fd, req, N);
	for (i = 0; i < 50; i++)
		srv_turn(1);
	st1 = srv_stats();
	/* stalled: not all executed, and the server did not block either */
	CU_ASSERT(st1.requests - st0.requests < N);
	CU_ASSERT(st1.requests - st0.requests > 1);
	all = cli_read_lines(fd, N, &eof);
	CU_ASSERT_PTR_NOT_NULL_FATAL(all);
	CU_ASSERT_FALSE(eof);
	for (line = strtok_r(all, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save), n++) {
		CU_ASSERT_EQUAL(sriov_mgmt_decode_response(line, strlen(line), &r, msg,
							   sizeof(msg)), 0);
		CU_ASSERT(r.ok && r.has_vf_table && r.nb_vfs == 8);
		sriov_mgmt_resp_free(&r);
	}
	CU_ASSERT_EQUAL(n, N);
	CU_ASSERT_EQUAL(srv_stats().requests - st0.requests, N);
	free(all);

	/* the same stall, then the client is idle: dropped, nothing left behind */
	cli_send_many(fd, req, N);
	for (i = 0; i < 20; i++)
		srv_turn(1);
	t.now += SVNIC_MGMT_IDLE_MS;
	srv_turn(0);
	all = cli_read_lines(fd, 2 * N, &eof);
	CU_ASSERT(eof);
	free(all);
	close(fd);
	vfs_free_all();
}

/* Whether the server's one descriptor polls readable within @p ms. */
static bool
srv_fd_ready(int ms)
{
	struct pollfd p = { .fd = svnic_mgmt_srv_fd(t.srv), .events = POLLIN };

	return poll(&p, 1, ms) == 1;
}

/*
 * svnic_mgmt_srv_fd(), which the control thread sleeps on: readable for a
 * connection, a request, room for a stalled reply, a close; and quiet
 * otherwise, though every client's socket is writable.
 */
static void
test_one_fd_wakes_the_owner(void)
{
	static const char req[] = "{\"v\":1,\"op\":\"vf.show\"}\n";
	enum { N = 400 };
	static char chunk[1 << 16];
	unsigned int i, nl;
	char *all;
	ssize_t n;
	bool eof;
	int fd;

	srv_turn(0);
	CU_ASSERT_FALSE(srv_fd_ready(0));
	fd = cli_connect(t.path);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_TRUE(srv_fd_ready(1000));
	svnic_mgmt_srv_handle(t.srv, t.now);
	CU_ASSERT_FALSE(srv_fd_ready(20));

	cli_send(fd, req, strlen(req));
	CU_ASSERT_TRUE(srv_fd_ready(1000));
	all = cli_read_lines(fd, 1, &eof);
	free(all);
	CU_ASSERT_FALSE(srv_fd_ready(20));

	/*
	 * Replies the client does not read (the owner's tick keeps calling):
	 * quiet while they fill the socket, room for them is an event.
	 */
	vfs_alloc_all();
	cli_send_many(fd, req, N);
	for (i = 0; i < 200; i++)
		svnic_mgmt_srv_handle(t.srv, t.now);
	CU_ASSERT(srv_stats().requests < N + 2);
	CU_ASSERT_FALSE(srv_fd_ready(20));
	nl = 0;
	while ((n = recv(fd, chunk, sizeof(chunk), MSG_DONTWAIT)) > 0)
		for (i = 0; i < (unsigned int)n; i++)
			nl += chunk[i] == '\n';
	CU_ASSERT_TRUE(srv_fd_ready(1000));
	all = cli_read_lines(fd, N - nl, &eof);
	CU_ASSERT_PTR_NOT_NULL(all);
	CU_ASSERT_FALSE(eof);
	free(all);
	vfs_free_all();

	close(fd);
	CU_ASSERT_TRUE(srv_fd_ready(1000));
	svnic_mgmt_srv_handle(t.srv, t.now);
	CU_ASSERT_FALSE(srv_fd_ready(20));
}

/*
 * The PF's control thread as it runs the server: one epoll set holding
 * svnic_mgmt_srv_fd() and the VF ports' descriptors, handle() called only
 * when the set names the server or the last call returned true; never on a
 * tick, so what these tests get, they get without one.
 */
#define OWNER_MGMT_TAG	0xffffu
#define OWNER_EVENTS	32	/* the driver's SVNIC_SRIOV_READY_MAX */

struct owner {
	int ep;
	int busy[OWNER_EVENTS + 8];	/* VF ports always ready: eventfds never drained */
	unsigned int nb_busy;
	bool more;		/* handle()'s last answer */
	unsigned int slept;	/* waits that ran to their timeout */
	unsigned int handled;	/* handle() calls */
	unsigned int busy_seen;	/* port wake-ups served */
};

static void
owner_init(struct owner *o, unsigned int nb_busy)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = OWNER_MGMT_TAG };
	uint64_t one = 1;
	unsigned int i;

	memset(o, 0, sizeof(*o));
	o->ep = epoll_create1(EPOLL_CLOEXEC);
	CU_ASSERT_FATAL(o->ep >= 0);
	CU_ASSERT_FATAL(epoll_ctl(o->ep, EPOLL_CTL_ADD, svnic_mgmt_srv_fd(t.srv), &ev) == 0);
	for (i = 0; i < nb_busy && i < sizeof(o->busy) / sizeof(o->busy[0]); i++) {
		o->busy[i] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		CU_ASSERT_FATAL(o->busy[i] >= 0);
		CU_ASSERT(write(o->busy[i], &one, sizeof(one)) == sizeof(one));
		ev.data.u32 = i;
		CU_ASSERT_FATAL(epoll_ctl(o->ep, EPOLL_CTL_ADD, o->busy[i], &ev) == 0);
		o->nb_busy++;
	}
}

static void
owner_fini(struct owner *o)
{
	while (o->nb_busy > 0)
		close(o->busy[--o->nb_busy]);
	close(o->ep);
}

/* One wake-up: sleep up to @p ms unless work was left over, then serve. */
static void
owner_turn(struct owner *o, int ms)
{
	struct epoll_event ev[OWNER_EVENTS];
	int timeout = o->more ? 0 : ms;
	bool mgmt = false;
	int k, nb;

	nb = epoll_wait(o->ep, ev, OWNER_EVENTS, timeout);
	if (nb == 0 && timeout > 0)
		o->slept++;
	for (k = 0; k < nb; k++) {
		if (ev[k].data.u32 == OWNER_MGMT_TAG)
			mgmt = true;
		else
			o->busy_seen++;
	}
	if (mgmt || o->more) {
		o->handled++;
		o->more = svnic_mgmt_srv_handle(t.srv, t.now);
	}
}

/* Turn the owner until @p fd has @p lines reply lines; @return the lines read. */
static unsigned int
owner_read_lines(struct owner *o, int fd, unsigned int lines, size_t chunk, int ms)
{
	uint64_t deadline = mono_ms() + T_DEADLINE_MS;
	static char buf[1 << 16];
	unsigned int nl = 0;
	ssize_t n, i;

	while (nl < lines && mono_ms() < deadline) {
		owner_turn(o, ms);
		n = recv(fd, buf, chunk < sizeof(buf) ? chunk : sizeof(buf), MSG_DONTWAIT);
		for (i = 0; i < n; i++)
			nl += buf[i] == '\n';
	}
	return nl;
}

/*
 * More requests in one write than the server runs per call: the socket has
 * nothing more to say after the first call read them all, so only handle()'s
 * answer brings the owner back for the rest, at once.
 */
static void
test_owner_burst_without_tick(void)
{
	static const char req[] = "{\"v\":1,\"op\":\"switch.show\"}\n";
	enum { N = 3 * 16 + 5 };
	struct svnic_mgmt_srv_stats st0 = srv_stats();
	struct owner o;
	int fd;

	owner_init(&o, 0);
	fd = cli_connect(t.path);
	CU_ASSERT_FATAL(fd >= 0);
	while (srv_stats().accepted == st0.accepted && o.slept < 5)
		owner_turn(&o, 1000);
	CU_ASSERT_EQUAL_FATAL(srv_stats().accepted - st0.accepted, 1);
	o.slept = 0;
	CU_ASSERT(N * strlen(req) < SRIOV_MGMT_REQ_MAX);	/* one recv() takes them all */
	cli_send_many(fd, req, N);
	CU_ASSERT_EQUAL(owner_read_lines(&o, fd, N, 1 << 16, 1000), N);
	CU_ASSERT_EQUAL(o.slept, 0);
	CU_ASSERT_EQUAL(srv_stats().requests - st0.requests, N);
	CU_ASSERT(o.handled >= (N + 15) / 16);
	CU_ASSERT_FALSE(o.more);
	close(fd);
	owner_turn(&o, 1000);
	owner_fini(&o);
}

/*
 * A client that reads its replies a little at a time: whatever waits for room
 * goes out when room comes, through the descriptor alone; while the client
 * reads nothing, the owner sleeps (no "more" for a reply that waits).
 */
static void
test_owner_slow_reader(void)
{
	static const char req[] = "{\"v\":1,\"op\":\"vf.show\"}\n";
	enum { N = 400 };
	struct svnic_mgmt_srv_stats st0 = srv_stats();
	struct owner o;
	unsigned int i;
	int fd;

	vfs_alloc_all();
	owner_init(&o, 0);
	fd = cli_connect(t.path);
	CU_ASSERT_FATAL(fd >= 0);
	cli_send_many(fd, req, N);
	for (i = 0; i < 50; i++)
		owner_turn(&o, 1);
	/* stalled on a full socket, and the owner is not spinning on it */
	CU_ASSERT(srv_stats().requests - st0.requests < N);
	CU_ASSERT_FALSE(o.more);
	CU_ASSERT(o.slept > 0);
	CU_ASSERT_EQUAL(owner_read_lines(&o, fd, N, 4096, 10), N);
	CU_ASSERT_EQUAL(srv_stats().requests - st0.requests, N);
	close(fd);
	owner_turn(&o, 1000);
	owner_fini(&o);
	vfs_free_all();
}

/*
 * VF ports keep the owner awake (more of them ready than one wait returns):
 * a connection and its request are still seen, accepted and answered, in a
 * few wake-ups, none of them a sleep to the tick.
 */
static void
test_owner_accept_while_busy(void)
{
	struct svnic_mgmt_srv_stats st0 = srv_stats();
	char msg[SRIOV_MGMT_MSG_MAX], buf[4096];
	struct sriov_mgmt_resp r;
	struct owner o;
	unsigned int i;
	ssize_t n = -1;
	int fd;

	owner_init(&o, OWNER_EVENTS + 8);
	for (i = 0; i < 10; i++)
		owner_turn(&o, 1000);
	CU_ASSERT(o.busy_seen >= 10 * OWNER_EVENTS);
	CU_ASSERT_EQUAL(o.handled, 0);
	fd = cli_connect(t.path);
	CU_ASSERT_FATAL(fd >= 0);
	cli_send(fd, "{\"v\":1,\"op\":\"pf.show\"}\n", 24);
	for (i = 0; i < 20 && n <= 0; i++) {
		owner_turn(&o, 1000);
		n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
	}
	CU_ASSERT_EQUAL(o.slept, 0);
	CU_ASSERT_EQUAL(srv_stats().accepted - st0.accepted, 1);
	CU_ASSERT_FATAL(n > 0);
	buf[n] = '\0';
	CU_ASSERT_EQUAL_FATAL(sriov_mgmt_decode_response(buf, (size_t)n, &r, msg, sizeof(msg)),
			      0);
	CU_ASSERT(r.ok && r.has_pf && r.pf.rx_packets == 77);
	sriov_mgmt_resp_free(&r);
	close(fd);
	owner_turn(&o, 1000);
	owner_fini(&o);
}

/* ---- limits ---- */

static void
test_too_many_clients(void)
{
	struct svnic_mgmt_srv_stats st0 = srv_stats();
	int fd[SVNIC_MGMT_CLIENTS_MAX], extra, i;
	struct sriov_mgmt_resp r;
	char msg[SRIOV_MGMT_MSG_MAX], *reply;
	bool eof;

	for (i = 0; i < SVNIC_MGMT_CLIENTS_MAX; i++) {
		fd[i] = cli_connect(t.path);
		CU_ASSERT_FATAL(fd[i] >= 0);
		srv_turn(0);
	}
	CU_ASSERT_EQUAL(srv_stats().accepted - st0.accepted, SVNIC_MGMT_CLIENTS_MAX);
	extra = cli_connect(t.path);
	CU_ASSERT_FATAL(extra >= 0);
	reply = cli_read_lines(extra, 1, &eof);
	CU_ASSERT_PTR_NOT_NULL_FATAL(reply);
	CU_ASSERT_EQUAL_FATAL(sriov_mgmt_decode_response(reply, strlen(reply), &r, msg,
							 sizeof(msg)), 0);
	CU_ASSERT_FALSE(r.ok);
	CU_ASSERT_EQUAL(r.err, EBUSY);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.message, "busy"));
	sriov_mgmt_resp_free(&r);
	free(reply);
	CU_ASSERT(cli_closed(extra));
	close(extra);
	CU_ASSERT_EQUAL(srv_stats().refused - st0.refused, 1);
	/* svnic-ctl says so, and what to do */
	ctl_expect("vf show", 1, NULL, "busy");
	/* the eight still work; one gone, a newcomer is served */
	CU_ASSERT_EQUAL(cli_call(fd[3], "{\"v\":1,\"op\":\"pf.show\"}\n", &r), 0);
	CU_ASSERT(r.ok && r.has_pf && r.pf.link_up && r.pf.rx_packets == 77);
	sriov_mgmt_resp_free(&r);
	close(fd[0]);
	srv_turn(1);
	ctl_expect("vf show", 0, "vf  rid", NULL);
	for (i = 1; i < SVNIC_MGMT_CLIENTS_MAX; i++)
		close(fd[i]);
	srv_turn(1);
}

static void
test_idle_timeout(void)
{
	struct sriov_mgmt_resp r;
	int a, b;

	a = cli_connect(t.path);
	b = cli_connect(t.path);
	CU_ASSERT_FATAL(a >= 0 && b >= 0);
	srv_turn(0);
	t.now += SVNIC_MGMT_IDLE_MS - 1;
	/* b makes progress, a does not */
	CU_ASSERT_EQUAL(cli_call(b, "{\"v\":1,\"op\":\"switch.show\"}\n", &r), 0);
	sriov_mgmt_resp_free(&r);
	CU_ASSERT_FALSE(cli_closed(a));
	t.now += 1;
	CU_ASSERT(cli_closed(a));
	CU_ASSERT_FALSE(cli_closed(b));
	t.now += SVNIC_MGMT_IDLE_MS;
	CU_ASSERT(cli_closed(b));
	close(a);
	close(b);
}

/* ---- credentials ---- */

/*
 * A child of another uid connects. Exit codes: 0 refused by the server with
 * an EACCES reply, 10 connect() refused (the socket's mode), others: wrong.
 */
static int
peer_other_uid(const char *path)
{
	char buf[1024], msg[SRIOV_MGMT_MSG_MAX];
	struct sriov_mgmt_resp r;
	size_t got = 0;
	ssize_t n;
	int fd;

	if (setgid(T_NOBODY) != 0 || setuid(T_NOBODY) != 0)
		return 20;
	fd = cli_connect(path);
	if (fd == -EACCES)
		return 10;
	if (fd < 0)
		return 21;
	(void)!send(fd, "{\"v\":1,\"op\":\"vf.show\"}\n", 24, MSG_NOSIGNAL);
	while (got < sizeof(buf) - 1 && (n = recv(fd, buf + got, sizeof(buf) - 1 - got, 0)) > 0)
		got += (size_t)n;
	buf[got] = '\0';
	if (sriov_mgmt_decode_response(buf, got, &r, msg, sizeof(msg)) != 0)
		return 22;
	if (r.ok || r.err != EACCES || strstr(r.message, "permission denied") == NULL)
		return 23;
	return 0;
}

static int
fork_peer(const char *path)
{
	uint64_t deadline = mono_ms() + T_DEADLINE_MS;
	int status = -1;
	pid_t pid;

	pid = fork();
	if (pid == 0)
		_exit(peer_other_uid(path));
	CU_ASSERT_FATAL(pid > 0);
	while (waitpid(pid, &status, WNOHANG) != pid) {
		if (mono_ms() > deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			break;
		}
		srv_turn(2);
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void
test_other_uid_refused(void)
{
	struct svnic_mgmt_srv *s = NULL, *keep = t.srv;
	struct svnic_mgmt_srv_stats st;
	char dir[128], p[160];

	/*
	 * Only root can become another user. CI runs the unit tests as root; a
	 * run without it must not count this case as passed.
	 */
	if (geteuid() != 0) {
		CU_FAIL_FATAL("test_other_uid_refused needs root (setuid to another uid)");
		return;
	}
	/* the default mode: the file system refuses first */
	CU_ASSERT_EQUAL(fork_peer(t.path), 10);

	/* a socket others may open: the SO_PEERCRED check refuses them */
	snprintf(dir, sizeof(dir), "%s/open", t.dir);
	CU_ASSERT_EQUAL_FATAL(mkdir(dir, 0755), 0);
	CU_ASSERT_EQUAL(chmod(t.dir, 0755), 0);
	snprintf(p, sizeof(p), "%s/mgmt.sock", dir);
	CU_ASSERT_EQUAL_FATAL(srv_open_at(p, 0666, &s), 0);
	t.srv = s;
	t.srv_path = p;
	unit_log_capture();
	CU_ASSERT_EQUAL(fork_peer(p), 0);
	svnic_mgmt_srv_get_stats(s, &st);
	CU_ASSERT_EQUAL(st.refused, 1);
	CU_ASSERT_EQUAL(st.accepted, 0);
	CU_ASSERT_EQUAL(st.requests, 0);
	CU_ASSERT(unit_log_contains("refused client"));
	CU_ASSERT(unit_log_contains("uid 65534"));
	/* our own uid is still served */
	ctl_expect("switch show", 0, "8 of 8 VFs enabled", NULL);
	t.srv = keep;
	t.srv_path = t.path;
	svnic_mgmt_srv_close(s);
	rmdir(dir);
	chmod(t.dir, 0700);
}

/* ---- svnic-ctl, the real binary ---- */

static void
test_ctl_commands(void)
{
	struct json_object *root, *vfs, *vf, *v, *vport;
	struct sriov_vport_props p;
	struct sriov_vf_info info;

	ctl_expect("vf show", 0, "vf  rid", NULL);
	ctl_expect("vf alloc queues 2 mac 02:00:00:00:00:0a vlan 100 qos 3 name web", 0,
		   "vf 0 allocated, rid 01:00.1, VPort attached", NULL);
	CU_ASSERT_EQUAL(sriov_vf_get_info(t.sw, 0, &info), 0);
	CU_ASSERT_EQUAL(info.state, SRIOV_VF_ATTACHED);
	CU_ASSERT_STRING_EQUAL(info.params.name, "web");
	ctl_expect("vf alloc queues 1", 0, "vf 1 allocated, rid 01:00.2", NULL);
	/* the table: id, rid, state, mac, vlan, queues, guest, rx/tx/drops */
	ctl_expect("vf show", 0,
		   "0   01:00.1 attached    02:00:00:00:00:0a 100 qos 3    2      yes  "
		   "         1000         2000          3", NULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(ctl_out, "1   01:00.2 attached"));

	CU_ASSERT_EQUAL(ctl_run(NULL, "vf show --json"), 0);
	root = json_tokener_parse(ctl_out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	CU_ASSERT_FATAL(json_object_object_get_ex(root, "vfs", &vfs));
	CU_ASSERT_EQUAL_FATAL(json_object_array_length(vfs), 2);
	vf = json_object_array_get_idx(vfs, 0);
	CU_ASSERT(json_object_object_get_ex(vf, "state", &v));
	CU_ASSERT_STRING_EQUAL(json_object_get_string(v), "attached");
	CU_ASSERT(json_object_object_get_ex(vf, "guest", &v) && json_object_get_boolean(v));
	CU_ASSERT(json_object_object_get_ex(vf, "rx", &v) && json_object_get_int64(v) == 1000);
	CU_ASSERT_FATAL(json_object_object_get_ex(vf, "vport", &vport));
	CU_ASSERT(json_object_object_get_ex(vport, "vlan", &v) && json_object_get_int(v) == 100);
	json_object_put(root);

	ctl_expect("vf set 0 spoofchk off trust on rate max 1000 state enable", 0, NULL, NULL);
	CU_ASSERT_EQUAL(sriov_vport_get_props(t.sw, 0, &p), 0);
	CU_ASSERT(!p.spoofchk && p.trust && p.max_tx_rate == 1000);
	CU_ASSERT_EQUAL(p.link_state, SRIOV_LINK_ENABLE);
	CU_ASSERT_EQUAL(t.vport_changed, 1);
	ctl_expect("vf set 1 mac 02:00:00:00:00:0a", 1, NULL, "vf 0");
	ctl_expect("vf show 0", 0, "spoof checking off, trust on", NULL);
	ctl_expect("vf reset 0", 0, NULL, NULL);
	CU_ASSERT_EQUAL(sriov_switch_vf(t.sw, 0)->state, SRIOV_VF_ATTACHED);

	ctl_expect("switch show", 0, "8 of 8 VFs enabled", NULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(ctl_out, "2 allocated"));
	ctl_expect("switch show --json", 0, "\"allocated\": 2", NULL);
	ctl_expect("pf show", 0, "pf 01:00.0 0000:01:00.0: link up, 10000 Mbit/s, mtu 1500, "
		   "mac 02:00:00:00:00:01", NULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(ctl_out, "rx 77 tx 88 drops 9"));
	ctl_expect("pf show --json", 0, "\"speed\": 10000", NULL);

	ctl_expect("vf free 0", 1, NULL, "use cascade");
	ctl_expect("vf free 0 cascade", 0, NULL, NULL);
	ctl_expect("vf free 1 cascade", 0, NULL, NULL);
	CU_ASSERT_EQUAL(sriov_switch_vf(t.sw, 0)->state, SRIOV_VF_HW_READY);
	ctl_expect("vf show 0", 1, NULL, "vf 0 is not allocated");
	CU_ASSERT_EQUAL(sriov_switch_verify(t.sw), 0);
	t.vport_changed = 0;
}

static void
test_ctl_unreachable(void)
{
	char p[160];

	snprintf(p, sizeof(p), "%s/none.sock", t.dir);
	CU_ASSERT_EQUAL(ctl_run(p, "vf show"), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(ctl_err, "no management socket at"));
}

static CU_TestInfo srv_tests[] = {
	UNIT_TEST(test_open_refusals),
	UNIT_TEST(test_open_stale_and_dirs),
	UNIT_TEST(test_garbage_json),
	UNIT_TEST(test_line_too_long),
	UNIT_TEST(test_too_many_clients),
	UNIT_TEST(test_idle_timeout),
	UNIT_TEST(test_other_uid_refused),
	UNIT_TEST(test_pipelined_requests),
	UNIT_TEST(test_split_request),
	UNIT_TEST(test_one_fd_wakes_the_owner),
	UNIT_TEST(test_partial_writes),
	UNIT_TEST(test_owner_burst_without_tick),
	UNIT_TEST(test_owner_slow_reader),
	UNIT_TEST(test_owner_accept_while_busy),
	UNIT_TEST(test_ctl_commands),
	UNIT_TEST(test_ctl_unreachable),
	CU_TEST_INFO_NULL,
};

UNIT_MAIN({ "svnic_mgmt_srv", suite_init, suite_clean, NULL, NULL, srv_tests })
