/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include <rte_common.h>
#include <rte_kvargs.h>

#include "svnic_devargs.h"
#include "svnic_logs.h"

static const char *const svnic_valid_args[] = {
	SVNIC_VFIO_USER_ARG,
	SVNIC_MAX_VFS_ARG,
	SVNIC_VF_DIR_ARG,
	SVNIC_MGMT_ARG,
	NULL,
};

/*
 * One path into @p dst (SVNIC_DEVARGS_PATH_MAX bytes), leaving @p reserve bytes
 * of it for what the driver appends. rte_kvargs calls a handler once per
 * occurrence: a second one is refused.
 */
static int
svnic_devargs_path(const char *key, const char *value, char *dst, size_t reserve,
		   const char *what)
{
	size_t len, max = SVNIC_DEVARGS_PATH_MAX - 1 - reserve;

	if (dst[0] != '\0') {
		SVNIC_INIT_LOG(ERR, "%s given more than once", key);
		return -EINVAL;
	}
	if (value == NULL || value[0] == '\0') {
		SVNIC_INIT_LOG(ERR, "%s needs %s", key, what);
		return -EINVAL;
	}
	/* The path goes into a sockaddr_un: it must fit with its NUL. */
	len = strnlen(value, SVNIC_DEVARGS_PATH_MAX);
	if (len > max) {
		SVNIC_INIT_LOG(ERR, "%s=%s: path longer than %zu bytes", key, value, max);
		return -EINVAL;
	}
	memcpy(dst, value, len + 1);
	return 0;
}

static int
svnic_devargs_handle_vfio_user(const char *key, const char *value, void *opaque)
{
	struct svnic_devargs *da = opaque;

	return svnic_devargs_path(key, value, da->vfio_user, 0, "a socket path");
}

static int
svnic_devargs_handle_vf_dir(const char *key, const char *value, void *opaque)
{
	struct svnic_devargs *da = opaque;

	return svnic_devargs_path(key, value, da->vf_dir, SVNIC_VF_DIR_SUFFIX_MAX - 1,
				  "a directory");
}

static int
svnic_devargs_handle_mgmt(const char *key, const char *value, void *opaque)
{
	struct svnic_devargs *da = opaque;

	return svnic_devargs_path(key, value, da->mgmt, 0, "a socket path or \"none\"");
}

/* Decimal only, no sign, no spaces: "max_vfs=0x4" or "max_vfs= 4" is a typo. */
static int
svnic_devargs_handle_max_vfs(const char *key, const char *value, void *opaque)
{
	struct svnic_devargs *da = opaque;
	unsigned long n = 0;
	const char *c;

	if (da->has_max_vfs) {
		SVNIC_INIT_LOG(ERR, "%s given more than once", key);
		return -EINVAL;
	}
	if (value == NULL || value[0] == '\0')
		goto bad;
	for (c = value; *c != '\0'; c++) {
		if (*c < '0' || *c > '9')
			goto bad;
		n = n * 10 + (unsigned long)(*c - '0');
		if (n > SVNIC_MAX_VFS_MAX)
			goto bad;
	}
	da->max_vfs = (uint16_t)n;
	da->has_max_vfs = true;
	return 0;
bad:
	SVNIC_INIT_LOG(ERR, "%s=%s: expected a number of VFs, 0..%u", key,
		       value == NULL ? "" : value, SVNIC_MAX_VFS_MAX);
	return -EINVAL;
}

static const struct {
	const char *key;
	arg_handler_t fn;
} svnic_devargs_handlers[] = {
	{ SVNIC_VFIO_USER_ARG, svnic_devargs_handle_vfio_user },
	{ SVNIC_MAX_VFS_ARG, svnic_devargs_handle_max_vfs },
	{ SVNIC_VF_DIR_ARG, svnic_devargs_handle_vf_dir },
	{ SVNIC_MGMT_ARG, svnic_devargs_handle_mgmt },
};

/* rte_kvargs_parse() refused the string: name the key it did not like. */
static void
svnic_devargs_explain(const char *name, const char *args)
{
	struct rte_kvargs *all = rte_kvargs_parse(args, NULL);
	unsigned int i;

	if (all != NULL) {
		for (i = 0; i < all->count; i++) {
			const char *const *k;

			for (k = svnic_valid_args; *k != NULL; k++)
				if (strcmp(all->pairs[i].key, *k) == 0)
					break;
			if (*k == NULL) {
				SVNIC_INIT_LOG(ERR, "%s: unknown device argument \"%s\"; valid: %s",
					       name, all->pairs[i].key, SVNIC_PARAM_STRING);
				rte_kvargs_free(all);
				return;
			}
		}
		rte_kvargs_free(all);
	}
	SVNIC_INIT_LOG(ERR, "%s: cannot parse device arguments \"%s\"; valid: %s", name, args,
		       SVNIC_PARAM_STRING);
}

int
svnic_devargs_parse(const char *name, const char *args, struct svnic_devargs *da)
{
	struct rte_kvargs *kvlist;
	unsigned int i;
	int ret = 0;

	memset(da, 0, sizeof(*da));
	if (args == NULL || args[0] == '\0') {
		SVNIC_INIT_LOG(ERR, "%s: missing %s=<path> (the PF's vfio-user socket)",
			       name, SVNIC_VFIO_USER_ARG);
		return -EINVAL;
	}
	kvlist = rte_kvargs_parse(args, svnic_valid_args);
	if (kvlist == NULL) {
		svnic_devargs_explain(name, args);
		return -EINVAL;
	}
	for (i = 0; i < RTE_DIM(svnic_devargs_handlers); i++)
		if (rte_kvargs_process(kvlist, svnic_devargs_handlers[i].key,
				       svnic_devargs_handlers[i].fn, da) < 0) {
			ret = -EINVAL;
			goto out;
		}
	if (da->vfio_user[0] == '\0') {
		SVNIC_INIT_LOG(ERR, "%s: missing %s=<path> (the PF's vfio-user socket)",
			       name, SVNIC_VFIO_USER_ARG);
		ret = -EINVAL;
	}
out:
	rte_kvargs_free(kvlist);
	return ret;
}
