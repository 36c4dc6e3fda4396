/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The VF driver's decoder: arbitrary bytes as a PF-to-VF message, checked as
 * the reply to every request opcode (and to opcodes nobody sends). Whatever
 * the decoder accepts must be framed as it claims; the request decoder must
 * never accept what the PF sends (the two directions cannot be confused).
 */
#include <stdlib.h>
#include <string.h>

#include "svnic_mbx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_check_accepted(const uint8_t *msg, size_t size, uint16_t req_opcode)
{
	struct svnic_mbx_hdr hdr;

	if (size < sizeof(hdr) || size > SVNIC_MBX_MSG_MAX)
		__builtin_trap();
	memcpy(&hdr, msg, sizeof(hdr));
	if (sizeof(hdr) + hdr.len != size ||
	    SVNIC_MBX_VERSION_GET_MAJOR(hdr.version) != SVNIC_MBX_VERSION_MAJOR)
		__builtin_trap();
	if (hdr.flags == SVNIC_MBX_F_REPLY) {
		if (hdr.opcode != req_opcode)
			__builtin_trap();
		/* a refusal carries nothing */
		if (hdr.status != 0 && hdr.len != 0)
			__builtin_trap();
	} else if (hdr.flags == SVNIC_MBX_F_NOTICE) {
		if (hdr.status != 0 || hdr.opcode < SVNIC_MBX_OP_LINK_EVENT)
			__builtin_trap();
	} else {
		__builtin_trap();
	}
	if (svnic_mbx_validate_request(msg, size) == 0)
		__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *msg;
	uint16_t op;

	/* an exact-size copy, so any read past the message is caught */
	msg = malloc(size != 0 ? size : 1);
	if (msg == NULL)
		return 0;
	memcpy(msg, data, size);
	for (op = 0; op <= SVNIC_MBX_OP_REQ_MAX + 1; op++)
		if (svnic_mbx_validate_from_pf(msg, size, op) == 0)
			fuzz_check_accepted(msg, size, op);
	if (svnic_mbx_validate_from_pf(msg, size, SVNIC_MBX_OP_LINK_EVENT) == 0)
		fuzz_check_accepted(msg, size, SVNIC_MBX_OP_LINK_EVENT);
	/* unaligned placement must not matter */
	if (size > 1 && svnic_mbx_validate_from_pf(msg + 1, size - 1, SVNIC_MBX_OP_HELLO) == 0)
		fuzz_check_accepted(msg + 1, size - 1, SVNIC_MBX_OP_HELLO);
	(void)svnic_mbx_op_name((uint16_t)(size != 0 ? msg[0] | msg[size - 1] << 8 : 0));
	free(msg);
	return 0;
}
