/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include <rte_kvargs.h>

#include "svnic_devargs.h"
#include "svnic_logs.h"

static const char *const svnic_valid_args[] = {
	SVNIC_VFIO_USER_ARG,
	NULL,
};

/* rte_kvargs calls a handler once per occurrence: a second one is refused. */
static int
svnic_devargs_handle_vfio_user(const char *key, const char *value, void *opaque)
{
	struct svnic_devargs *da = opaque;
	size_t len;

	if (da->vfio_user[0] != '\0') {
		SVNIC_INIT_LOG(ERR, "%s given more than once", key);
		return -EINVAL;
	}
	if (value == NULL || value[0] == '\0') {
		SVNIC_INIT_LOG(ERR, "%s needs a socket path", key);
		return -EINVAL;
	}
	/* The path goes into a sockaddr_un: it must fit with its NUL. */
	len = strnlen(value, sizeof(da->vfio_user));
	if (len == sizeof(da->vfio_user)) {
		SVNIC_INIT_LOG(ERR, "%s=%s: path longer than %zu bytes", key, value,
			       sizeof(da->vfio_user) - 1);
		return -EINVAL;
	}
	memcpy(da->vfio_user, value, len + 1);
	return 0;
}

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
	if (rte_kvargs_process(kvlist, SVNIC_VFIO_USER_ARG, svnic_devargs_handle_vfio_user,
			       da) < 0) {
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
