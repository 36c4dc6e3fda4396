/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Operator requests against the management protocol. The input is split into
 * lines; each goes to the decoder and, when accepted, to execute() on one
 * switch that lives for the whole input. After every line: the switch's
 * invariants hold, the reply is one the CLI reads, a refusal changed nothing,
 * and what was accepted encodes back to a line the decoder accepts again.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_switch.h"
#include "sriov_mgmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_line(struct sriov_switch *sw, const char *line, size_t len)
{
	char err[SRIOV_MGMT_MSG_MAX], *reply = NULL, *again = NULL;
	struct sriov_mgmt_req req, back;
	struct sriov_mgmt_resp resp;
	struct sriov_vf before[4];
	size_t reply_len, again_len;
	uint16_t i;
	int ret;

	for (i = 0; i < 3; i++)
		memcpy(&before[i], sriov_switch_vf(sw, i), sizeof(before[i]));
	ret = sriov_mgmt_decode_request(line, len, &req, err, sizeof(err));
	if (ret == 0) {
		/* what the decoder takes, the encoder writes and the decoder takes again */
		if (sriov_mgmt_encode_request(&req, &again, &again_len) != 0)
			__builtin_trap();
		if (sriov_mgmt_decode_request(again, again_len, &back, NULL, 0) != 0 ||
		    back.op != req.op || back.set != req.set || back.vf != req.vf)
			__builtin_trap();
		free(again);
		ret = sriov_mgmt_execute(sw, &req, NULL, NULL, &reply, &reply_len);
	} else {
		if (err[0] == '\0')
			__builtin_trap();
		ret = sriov_mgmt_encode_error(-ret, err, &reply, &reply_len);
	}
	if (ret != 0)
		__builtin_trap();
	if (sriov_switch_verify(sw) != 0)
		__builtin_trap();
	if (memchr(reply, '\n', reply_len - 1) != NULL ||
	    sriov_mgmt_decode_response(reply, reply_len, &resp, err, sizeof(err)) != 0)
		__builtin_trap();
	if (!resp.ok) {
		for (i = 0; i < 3; i++)
			if (memcmp(&before[i], sriov_switch_vf(sw, i), sizeof(before[i])) != 0)
				__builtin_trap();
	}
	sriov_mgmt_resp_free(&resp);
	free(reply);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sriov_switch *sw = fuzz_switch();
	const uint8_t *nl;
	size_t n;
	char *line;

	while (size > 0) {
		nl = memchr(data, '\n', size);
		n = nl != NULL ? (size_t)(nl - data) + 1 : size;
		/* an exact-size copy, so any read past the line is caught */
		line = malloc(n);
		if (line == NULL)
			break;
		memcpy(line, data, n);
		fuzz_line(sw, line, n);
		free(line);
		data += n;
		size -= n;
	}
	sriov_switch_destroy(sw);
	return 0;
}
