/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The readers of the shared mailbox (device spec 1.3), each of memory the
 * other side writes: the PF's of a VF's TX window (notify page words, window
 * and the PF's own state from the input, then judged as a request), and the
 * VF's of the RX window the PF writes (then decoded as the VF driver does).
 * Whatever a reader hands over must be what the window holds, within the
 * caller's buffer; a message it has not seen leaves its sequence alone.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "svnic_mbx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_head {
	uint32_t seq;		/* SHTX_SEQ as the VF left it */
	uint32_t len;		/* SHTX_LEN */
	uint32_t last;		/* the PF's sequence taken last */
	uint16_t legacy_len;	/* MBX_MSG's length, or 0 */
	uint16_t cap;		/* the PF's buffer */
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t notify[4096];
	struct fuzz_head h;
	uint8_t *win, *out;
	uint32_t last;
	size_t cap;
	int ret;

	if (size < sizeof(h))
		return 0;
	memcpy(&h, data, sizeof(h));
	data += sizeof(h);
	size -= sizeof(h);
	/* exactly the window and exactly the caller's buffer: any overrun is caught */
	win = calloc(1, SVNIC_MBX_MSG_MAX);
	cap = h.cap % (SVNIC_MBX_MSG_MAX + 64) + 1;
	out = malloc(cap);
	if (win == NULL || out == NULL)
		goto out;
	memcpy(win, data, size < SVNIC_MBX_MSG_MAX ? size : SVNIC_MBX_MSG_MAX);
	memcpy(notify + (SVNIC_NOTIFY_SHTX_SEQ - SVNIC_REG_NOTIFY_PAGE), &h.seq, 4);
	memcpy(notify + (SVNIC_NOTIFY_SHTX_LEN - SVNIC_REG_NOTIFY_PAGE), &h.len, 4);
	last = h.last;
	ret = svnic_mbx_shtx_read(notify, win, &last, h.legacy_len, out, cap);
	if (ret > 0) {
		if ((size_t)ret > cap || ret > (int)SVNIC_MBX_MSG_MAX ||
		    ret < (int)sizeof(struct svnic_mbx_hdr) || memcmp(out, win, (size_t)ret) != 0)
			__builtin_trap();
		if (h.seq != 0 && last != h.seq)
			__builtin_trap();
		(void)svnic_mbx_validate_request(out, (size_t)ret);
	} else if (ret == 0 || ret == -EAGAIN) {
		if (last != h.last)
			__builtin_trap();
	} else if (ret == -EMSGSIZE) {
		if (h.seq != 0 && last != h.seq)
			__builtin_trap();
	} else {
		__builtin_trap();
	}
	/* the same bytes as the PF's RX window and words, read by the VF */
	memset(notify, 0, sizeof(notify));
	memcpy(notify + (SVNIC_NOTIFY_SHRX_SEQ - SVNIC_REG_NOTIFY_PAGE), &h.seq, 4);
	memcpy(notify + (SVNIC_NOTIFY_SHRX_LEN - SVNIC_REG_NOTIFY_PAGE), &h.len, 4);
	last = h.last;
	ret = svnic_mbx_shrx_read(notify, win, &last, out, cap);
	if (ret > 0) {
		if ((size_t)ret > cap || ret > (int)SVNIC_MBX_MSG_MAX ||
		    ret < (int)sizeof(struct svnic_mbx_hdr) || memcmp(out, win, (size_t)ret) != 0)
			__builtin_trap();
		(void)svnic_mbx_validate_from_pf(out, (size_t)ret, (uint16_t)h.legacy_len);
	}
	if (ret == 0 && last != h.last)
		__builtin_trap();
	if (ret != 0 && (last != h.seq ||
			 memcmp(notify + (SVNIC_NOTIFY_SHRX_ACK - SVNIC_REG_NOTIFY_PAGE), &h.seq,
				4) != 0))
		__builtin_trap();
out:
	free(win);
	free(out);
	return 0;
}
