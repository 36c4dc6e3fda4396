/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Device arguments come from the user's command line, to net_svnic (the PF)
 * and to net_svnic_vf (the guest's VF), through one parser. Every input runs
 * in both modes: whatever the string, each answers 0 with a NUL-terminated
 * socket path, or -EINVAL with the result zeroed, and never reads or writes
 * past what it was given (ASan watches). The VF takes a subset of the PF's
 * keys, so what the VF accepts the PF accepts too, with the same path.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_log.h>

#include "svnic_devargs.h"

/* The PMD registers these in svnic_ethdev.c; the fuzzer links the parser alone. */
int svnic_logtype_init;
int svnic_logtype_driver;
int svnic_logtype_rx;
int svnic_logtype_tx;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
fuzz_path_ok(const char *path, size_t reserve)
{
	const char *nul = memchr(path, '\0', SVNIC_DEVARGS_PATH_MAX);

	return nul != NULL && (size_t)(nul - path) <= SVNIC_DEVARGS_PATH_MAX - 1 - reserve;
}

static bool
fuzz_zeroed(const struct svnic_devargs *da)
{
	static const struct svnic_devargs zero;

	return memcmp(da, &zero, sizeof(zero)) == 0;
}

/* What either mode must hold for any answer. */
static void
fuzz_check(int ret, const struct svnic_devargs *da)
{
	if (ret != 0 && ret != -EINVAL)
		__builtin_trap();
	if (ret != 0) {
		if (!fuzz_zeroed(da))
			__builtin_trap();
		return;
	}
	if (da->vfio_user[0] == '\0' || !fuzz_path_ok(da->vfio_user, 0) ||
	    !fuzz_path_ok(da->vf_dir, SVNIC_VF_DIR_SUFFIX_MAX - 1) ||
	    !fuzz_path_ok(da->mgmt, 0) || da->max_vfs > SVNIC_MAX_VFS_MAX ||
	    (!da->has_max_vfs && da->max_vfs != 0))
		__builtin_trap();
	/* representor=: VF ids ascending, each once, and only when given */
	if (da->has_repr ? da->nb_repr_vfs == 0 : da->nb_repr_vfs != 0)
		__builtin_trap();
	for (unsigned int i = 0; i < da->nb_repr_vfs; i++)
		if (da->repr_vfs[i] >= SVNIC_MAX_VFS_MAX ||
		    (i > 0 && da->repr_vfs[i] <= da->repr_vfs[i - 1]))
			__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct svnic_devargs pf, vf;
	char *args;
	int ret_pf, ret_vf;

	if (size > 4096)
		return 0;
	rte_log_set_global_level(RTE_LOG_EMERG);
	args = malloc(size + 1);
	if (args == NULL)
		return 0;
	memcpy(args, data, size);
	args[size] = '\0';
	/* garbage in the results shows a field the parser forgot to set */
	memset(&pf, 0xa5, sizeof(pf));
	memset(&vf, 0x5a, sizeof(vf));
	ret_pf = svnic_devargs_parse("net_svnic0", args, &pf);
	ret_vf = svnic_devargs_parse_vf("net_svnic_vf0", args, &vf);
	fuzz_check(ret_pf, &pf);
	fuzz_check(ret_vf, &vf);
	if (ret_vf == 0) {
		/* the VF has its socket and none of the PF's keys */
		if (vf.has_max_vfs || vf.vf_dir[0] != '\0' || vf.mgmt[0] != '\0' || vf.has_repr)
			__builtin_trap();
		if (ret_pf != 0 || strcmp(pf.vfio_user, vf.vfio_user) != 0)
			__builtin_trap();
	}
	free(args);
	return 0;
}
