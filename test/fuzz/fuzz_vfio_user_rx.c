/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The receive buffer's framing (vfio_user_rx_recv()) against the exact one
 * (vfio_user_msg_recv(), which reads nothing past its message), as its shadow.
 * The input is a flags byte, then chunks, each a byte (low 2 bits: how many
 * fds go with it; the rest and the next byte: its length) and its bytes.
 * Every chunk is sent with one sendmsg() to two socketpairs, its fds memfds
 * whose size names the chunk; the write sides are shut, and both ends read
 * to the end. Both must hand out the same messages and the same errors;
 * where a chunk with fds starts a message and ends inside it (how our
 * senders send), both must give that message those fds. No fd may survive.
 */
#define _GNU_SOURCE		/* memfd_create */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz_fds.h"
#include "vfio_user_msg.h"

#define FUZZ_MAX_INPUT	8192u
#define FUZZ_MAX_CHUNKS	64u
#define FUZZ_MAX_FD_CHUNKS	12u
#define FUZZ_MAX_MSGS	(FUZZ_MAX_INPUT / 16u + 2u)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_chunk {
	size_t start, end;	/* stream offsets */
	unsigned int nfds;
};

static struct vfio_user_rx fuzz_rx;

static void
fuzz_send(int fd, const uint8_t *p, size_t len, const int *fds, unsigned int nfds)
{
	union {
		struct cmsghdr h;
		char space[CMSG_SPACE(sizeof(int) * 3)];
	} ctl;
	struct iovec iov = { (void *)(uintptr_t)p, len };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = nfds > 0 ? &ctl : NULL,
		.msg_controllen = nfds > 0 ? CMSG_SPACE(sizeof(int) * nfds) : 0,
	};

	memset(&ctl, 0, sizeof(ctl));
	ctl.h.cmsg_len = CMSG_LEN(sizeof(int) * nfds);
	ctl.h.cmsg_level = SOL_SOCKET;
	ctl.h.cmsg_type = SCM_RIGHTS;
	memcpy(CMSG_DATA(&ctl.h), fds, sizeof(int) * nfds);
	/* The socket buffer holds the whole input: one call sends it all. */
	if (sendmsg(fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT) != (ssize_t)len)
		__builtin_trap();
}

/* Which chunk a received fd came with: its memfd's size. */
static off_t
fuzz_fd_chunk(int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		__builtin_trap();
	return st.st_size;
}

/* The fds a message should carry, when the chunks say it for sure; -1 when they do not. */
static int
fuzz_expected_fds(const struct fuzz_chunk *ch, unsigned int nch, size_t s, size_t e,
		off_t *id)
{
	unsigned int k;
	int n = 0;

	for (k = 0; k < nch; k++) {
		if (ch[k].nfds == 0 || ch[k].end <= s || ch[k].start >= e)
			continue;
		if (ch[k].start != s || ch[k].end > e)
			return -1;	/* fds across a message boundary: any owner will do */
		n += (int)ch[k].nfds;
		*id = (off_t)k + 1;
	}
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_chunk ch[FUZZ_MAX_CHUNKS];
	struct vfio_user_msg a, b;
	unsigned int nch = 0, nfdch = 0, i, k, flags, seed;
	int sa[2], sb[2], fds[3], before, ra, rb, want;
	size_t off = 1, stream = 0, s;
	off_t id = 0;

	if (size < 1 || size > FUZZ_MAX_INPUT)
		return 0;
	seed = data[0];
	before = fuzz_open_fds();
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sa) < 0 ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sb) < 0)
		__builtin_trap();
	while (off < size && nch < FUZZ_MAX_CHUNKS) {
		uint8_t c = data[off++];
		size_t len = ((size_t)(c >> 2) << 8 | (off < size ? data[off++] : 0)) + 1;
		unsigned int nfds = c & 3;

		if (len > size - off)
			len = size - off;
		if (len == 0)
			break;
		if (nfdch == FUZZ_MAX_FD_CHUNKS)
			nfds = 0;
		for (k = 0; k < nfds; k++) {
			fds[k] = memfd_create("fuzz-rx", MFD_CLOEXEC);
			if (fds[k] < 0 || ftruncate(fds[k], (off_t)nch + 1) < 0)
				__builtin_trap();
		}
		fuzz_send(sa[0], data + off, len, fds, nfds);
		fuzz_send(sb[0], data + off, len, fds, nfds);
		for (k = 0; k < nfds; k++)
			close(fds[k]);
		nfdch += nfds > 0;
		ch[nch++] = (struct fuzz_chunk){ stream, stream + len, nfds };
		stream += len;
		off += len;
	}
	shutdown(sa[0], SHUT_WR);
	shutdown(sb[0], SHUT_WR);

	vfio_user_rx_init(&fuzz_rx, false, false);
	for (i = 0, s = 0; i < FUZZ_MAX_MSGS; i++) {
		/* Vary how the buffered side asks; a refusal to read is asked again plainly. */
		flags = (seed >> (i % 7)) & (VFIO_USER_RX_STARTED | VFIO_USER_RX_NO_READ |
				VFIO_USER_RX_OWN);
		ra = vfio_user_rx_recv(&fuzz_rx, sa[1], &a, VFIO_USER_MSG_MAX, 20, flags);
		if (ra == -EAGAIN && (flags & (VFIO_USER_RX_STARTED | VFIO_USER_RX_NO_READ)))
			ra = vfio_user_rx_recv(&fuzz_rx, sa[1], &a, VFIO_USER_MSG_MAX, 20,
					flags & VFIO_USER_RX_OWN);
		rb = vfio_user_msg_recv(sb[1], &b, VFIO_USER_MSG_MAX, 20, false);
		if (ra != rb)
			__builtin_trap();
		if (ra < 0) {
			/* On error neither holds anything. */
			if (a.data != NULL || a.nfds != 0 || b.data != NULL || b.nfds != 0)
				__builtin_trap();
			break;
		}
		if (memcmp(&a.hdr, &b.hdr, sizeof(a.hdr)) != 0 || a.len != b.len ||
		    a.len != a.hdr.msg_size - sizeof(a.hdr) ||
		    (a.len > 0 && memcmp(a.data, b.data, a.len) != 0))
			__builtin_trap();
		want = fuzz_expected_fds(ch, nch, s, s + a.hdr.msg_size, &id);
		if (want >= 0 && (a.nfds != (unsigned int)want || b.nfds != (unsigned int)want ||
				  a.fds_dropped || b.fds_dropped))
			__builtin_trap();
		for (k = 0; want > 0 && k < a.nfds; k++)
			if (fuzz_fd_chunk(a.fds[k]) != id || fuzz_fd_chunk(b.fds[k]) != id)
				__builtin_trap();
		s += a.hdr.msg_size;
		vfio_user_msg_release(&a);
		vfio_user_msg_release(&b);
	}
	vfio_user_rx_reset(&fuzz_rx);
	close(sa[0]);
	close(sa[1]);
	close(sb[0]);
	close(sb[1]);
	if (fuzz_open_fds() != before)
		__builtin_trap();
	return 0;
}
