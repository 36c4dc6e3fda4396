/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A management client's byte stream against the PF's management socket
 * server (svnic_mgmt_srv.c), which frames the bytes into lines before
 * sriov_mgmt_handle_line() (whose decoder fuzz_sriov_mgmt covers). Per input:
 * a fresh switch and a server listening in a directory made once, a client
 * that connects and writes the input in up to three chunks split where the
 * input says, the server handled after each chunk, the replies read as they
 * come. Then the client either half-closes (the server must answer every
 * complete line and close) or waits for its replies (one line per complete
 * request line, one EMSGSIZE line and the end for a line over
 * SRIOV_MGMT_REQ_MAX bytes). After every handle() the switch's invariants
 * hold; no descriptor survives an input (LeakSanitizer sees the memory).
 *
 * Input: flags (bit 0: half-close after the last chunk; bit 1: let the client
 * idle past SVNIC_MGMT_IDLE_MS after the first chunk; bit 2: hang up after the
 * last chunk without reading, leaving the server replies it cannot send), two
 * split points (each a byte, scaled to the rest of the input), then the
 * client's bytes.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "fuzz_fds.h"
#include "fuzz_switch.h"
#include "sriov_log.h"
#include "sriov_mgmt.h"
#include "svnic_mgmt_srv.h"

#define FUZZ_MAX_INPUT		(16u * SRIOV_MGMT_REQ_MAX)
#define FUZZ_HALF_CLOSE		0x01
#define FUZZ_IDLE		0x02
#define FUZZ_HANG_UP		0x04
/*
 * handle() calls no input needs: each one executes up to 16 requests or moves
 * a reply on by a socket buffer's worth, and an input has at most
 * FUZZ_MAX_INPUT lines.
 */
#define FUZZ_ROUNDS_MAX		(FUZZ_MAX_INPUT + 1000u)

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char fuzz_path[sizeof(((struct sockaddr_un *)NULL)->sun_path)];

static void
fuzz_quiet(enum sriov_log_level level, const char *msg, void *ctx)
{
	(void)level;
	(void)msg;
	(void)ctx;
}

static void
fuzz_cleanup(void)
{
	char dir[sizeof(fuzz_path)];
	char *slash;

	unlink(fuzz_path);
	snprintf(dir, sizeof(dir), "%s", fuzz_path);
	slash = strrchr(dir, '/');
	if (slash != NULL) {
		*slash = '\0';
		rmdir(dir);
	}
}

/* The directory is the fuzzer's for its lifetime; each input binds in it afresh. */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char dir[] = "/tmp/svnic-fuzz-mgmt-XXXXXX";

	(void)argc;
	(void)argv;
	if (mkdtemp(dir) == NULL)
		__builtin_trap();
	snprintf(fuzz_path, sizeof(fuzz_path), "%s/mgmt.sock", dir);
	atexit(fuzz_cleanup);
	sriov_log_set_handler(fuzz_quiet, NULL);
	return 0;
}

/*
 * The replies the server owes for @p data: one per complete line, and for a
 * line it cannot hold (SRIOV_MGMT_REQ_MAX bytes without a newline) one more,
 * after which it closes. @p closes tells which.
 */
static size_t
fuzz_expected(const uint8_t *data, size_t size, bool *closes)
{
	size_t n = 0, len;
	const uint8_t *nl;

	*closes = false;
	while (size > 0) {
		nl = memchr(data, '\n', size < SRIOV_MGMT_REQ_MAX ? size : SRIOV_MGMT_REQ_MAX);
		if (nl == NULL) {
			if (size >= SRIOV_MGMT_REQ_MAX) {
				*closes = true;
				n++;
			}
			break;
		}
		len = (size_t)(nl - data) + 1;
		n++;
		data += len;
		size -= len;
	}
	return n;
}

struct fuzz_client {
	int fd;
	size_t replies;		/* '\n' read */
	bool closed;		/* the server closed the connection */
};

/* Read whatever the server wrote, counting lines. */
static void
fuzz_read(struct fuzz_client *cl)
{
	uint8_t buf[4096];
	ssize_t n, i;

	while (!cl->closed) {
		n = recv(cl->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n == 0 || (n < 0 && errno == ECONNRESET)) {
			cl->closed = true;
		} else if (n < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				__builtin_trap();
			return;
		} else {
			for (i = 0; i < n; i++)
				cl->replies += buf[i] == '\n';
		}
	}
}

static void
fuzz_handle(struct svnic_mgmt_srv *srv, struct sriov_switch *sw, struct fuzz_client *cl,
	    uint64_t now_ms, unsigned int *rounds)
{
	svnic_mgmt_srv_handle(srv, now_ms);
	if (sriov_switch_verify(sw) != 0)
		__builtin_trap();
	fuzz_read(cl);
	if (++*rounds > FUZZ_ROUNDS_MAX)
		__builtin_trap();	/* the server makes no progress */
}

/* Write one chunk, handling the server whenever the socket is full. */
static void
fuzz_write(struct svnic_mgmt_srv *srv, struct sriov_switch *sw, struct fuzz_client *cl,
	   const uint8_t *p, size_t len, uint64_t now_ms, unsigned int *rounds)
{
	ssize_t n;

	while (len > 0 && !cl->closed) {
		n = send(cl->fd, p, len, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n > 0) {
			p += n;
			len -= (size_t)n;
		} else if (n < 0 && (errno == EPIPE || errno == ECONNRESET)) {
			break;		/* closed (a line too long): the rest is not read */
		} else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
			__builtin_trap();
		}
		fuzz_handle(srv, sw, cl, now_ms, rounds);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct svnic_mgmt_srv_cfg cfg = { .path = fuzz_path };
	struct fuzz_client cl = { .fd = -1 };
	struct svnic_mgmt_srv_stats st;
	struct svnic_mgmt_srv *srv;
	struct sriov_switch *sw;
	size_t split[4], expected;
	unsigned int rounds = 0, i;
	uint64_t now_ms = 1;
	bool closes;
	uint8_t flags;
	int before;

	if (size < 3 || size > FUZZ_MAX_INPUT + 3)
		return 0;
	flags = data[0];
	split[0] = 0;
	split[1] = (size - 3) * data[1] / 256;
	split[2] = (size - 3) * data[2] / 256;
	if (split[2] < split[1])
		split[2] = split[1];
	split[3] = size - 3;
	data += 3;
	size -= 3;
	expected = fuzz_expected(data, size, &closes);

	before = fuzz_open_fds();
	sw = fuzz_switch();
	cfg.sw = sw;
	if (svnic_mgmt_srv_open(&cfg, &srv) != 0)
		__builtin_trap();
	cl.fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	memcpy(sa.sun_path, fuzz_path, strlen(fuzz_path) + 1);
	if (cl.fd < 0 || connect(cl.fd, (struct sockaddr *)&sa, sizeof(sa)) != 0)
		__builtin_trap();

	for (i = 0; i < 3; i++) {
		fuzz_write(srv, sw, &cl, data + split[i], split[i + 1] - split[i], now_ms, &rounds);
		fuzz_handle(srv, sw, &cl, now_ms, &rounds);
		if (i == 0 && (flags & FUZZ_IDLE))
			now_ms += SVNIC_MGMT_IDLE_MS;
		now_ms++;
	}
	if (flags & FUZZ_HANG_UP) {
		struct pollfd pfd[2];

		/* gone without reading: the server must drop it and what it owed */
		close(cl.fd);
		cl.fd = -1;
		cl.closed = true;
		while (svnic_mgmt_srv_pollfds(srv, pfd, 2) > 1)
			fuzz_handle(srv, sw, &cl, now_ms, &rounds);
		goto out;
	}
	if (flags & FUZZ_HALF_CLOSE)
		shutdown(cl.fd, SHUT_WR);
	/* until the replies are in, or the server closed: a half-closed client must be */
	while (!cl.closed && ((flags & FUZZ_HALF_CLOSE) || cl.replies < expected))
		fuzz_handle(srv, sw, &cl, now_ms, &rounds);
	/* a client that was not dropped for idling got every reply, and no more */
	if (!(flags & FUZZ_IDLE)) {
		if (cl.replies != expected)
			__builtin_trap();
		svnic_mgmt_srv_get_stats(srv, &st);
		if (st.accepted != 1 || st.requests != expected || st.errors > st.requests)
			__builtin_trap();
		/* the server closes exactly when it must: at EOF or after a line too long */
		fuzz_handle(srv, sw, &cl, now_ms, &rounds);
		if (cl.closed != (closes || (flags & FUZZ_HALF_CLOSE)))
			__builtin_trap();
	}
	close(cl.fd);
out:
	svnic_mgmt_srv_close(srv);
	sriov_switch_destroy(sw);
	if (fuzz_open_fds() != before)
		__builtin_trap();
	return 0;
}
