/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The one parser of both drivers' device arguments. net_svnic (the PF) and
 * net_svnic_vf (the guest's VF) share the key names and the rules: every key
 * has one handler, a repeated key, an empty or over-long value, an unknown key
 * or a missing vfio_user refuses the probe with the reason logged. The VF
 * takes vfio_user only, and names the PF's keys as such when it gets one.
 */
#include <errno.h>
#include <string.h>

#include <rte_common.h>
#include <rte_kvargs.h>

#include <ethdev_driver.h>

#include "svnic_devargs.h"
#include "svnic_logs.h"

/* What one driver accepts and how its messages name things. */
struct svnic_devargs_mode {
	const char *params;		/* the driver's PARAM_STRING, for "valid: ..." */
	bool pf;			/* the PF-only keys are accepted */
	const char *socket_what;	/* what vfio_user must name */
	const char *missing_what;	/* the same, in the "missing" message */
};

static const struct svnic_devargs_mode svnic_devargs_pf_mode = {
	.params = SVNIC_PARAM_STRING,
	.pf = true,
	.socket_what = "a socket path",
	.missing_what = "the PF's vfio-user socket",
};

static const struct svnic_devargs_mode svnic_devargs_vf_mode = {
	.params = SVNIC_VF_PARAM_STRING,
	.pf = false,
	.socket_what = "the VF's socket path",
	.missing_what = "the VF socket its PF serves",
};

/* What a handler gets: the device's name for its messages, and the result. */
struct svnic_devargs_ctx {
	const char *name;
	const struct svnic_devargs_mode *mode;
	struct svnic_devargs *da;
};

/*
 * One path into @p dst (SVNIC_DEVARGS_PATH_MAX bytes), leaving @p reserve bytes
 * of it for what the driver appends. A second occurrence is refused.
 */
static int
svnic_devargs_path(const struct svnic_devargs_ctx *ctx, const char *key, const char *value,
		   char *dst, size_t reserve, const char *what)
{
	size_t len, max = SVNIC_DEVARGS_PATH_MAX - 1 - reserve;

	if (dst[0] != '\0') {
		SVNIC_INIT_LOG(ERR, "%s: %s given more than once", ctx->name, key);
		return -EINVAL;
	}
	if (value == NULL || value[0] == '\0') {
		SVNIC_INIT_LOG(ERR, "%s: %s needs %s", ctx->name, key, what);
		return -EINVAL;
	}
	/* The path goes into a sockaddr_un: it must fit with its NUL. */
	len = strnlen(value, SVNIC_DEVARGS_PATH_MAX);
	if (len > max) {
		SVNIC_INIT_LOG(ERR, "%s: %s=%s: path longer than %zu bytes", ctx->name, key,
			       value, max);
		return -EINVAL;
	}
	memcpy(dst, value, len + 1);
	return 0;
}

static int
svnic_devargs_handle_vfio_user(const struct svnic_devargs_ctx *ctx, const char *key,
			       const char *value)
{
	return svnic_devargs_path(ctx, key, value, ctx->da->vfio_user, 0,
				  ctx->mode->socket_what);
}

static int
svnic_devargs_handle_vf_dir(const struct svnic_devargs_ctx *ctx, const char *key,
			    const char *value)
{
	return svnic_devargs_path(ctx, key, value, ctx->da->vf_dir,
				  SVNIC_VF_DIR_SUFFIX_MAX - 1, "a directory");
}

static int
svnic_devargs_handle_mgmt(const struct svnic_devargs_ctx *ctx, const char *key,
			  const char *value)
{
	return svnic_devargs_path(ctx, key, value, ctx->da->mgmt, 0,
				  "a socket path or \"none\"");
}

/* Decimal only, no sign, no spaces: "max_vfs=0x4" or "max_vfs= 4" is a typo. */
static bool
svnic_devargs_uint(const char *value, unsigned long max, unsigned long *out)
{
	unsigned long n = 0;
	const char *c;

	if (value == NULL || value[0] == '\0')
		return false;
	for (c = value; *c != '\0'; c++) {
		if (*c < '0' || *c > '9')
			return false;
		n = n * 10 + (unsigned long)(*c - '0');
		if (n > max)
			return false;
	}
	*out = n;
	return true;
}

/* A number key given once, 0..@p max: @p what names its unit in the refusal. */
static int
svnic_devargs_number(const struct svnic_devargs_ctx *ctx, const char *key, const char *value,
		     unsigned long max, const char *what, bool *has, unsigned long *out)
{
	if (*has) {
		SVNIC_INIT_LOG(ERR, "%s: %s given more than once", ctx->name, key);
		return -EINVAL;
	}
	if (!svnic_devargs_uint(value, max, out)) {
		SVNIC_INIT_LOG(ERR, "%s: %s=%s: expected %s, 0..%lu", ctx->name, key,
			       value == NULL ? "" : value, what, max);
		return -EINVAL;
	}
	*has = true;
	return 0;
}

static int
svnic_devargs_handle_max_vfs(const struct svnic_devargs_ctx *ctx, const char *key,
			     const char *value)
{
	unsigned long n;
	int ret;

	ret = svnic_devargs_number(ctx, key, value, SVNIC_MAX_VFS_MAX, "a number of VFs",
				   &ctx->da->has_max_vfs, &n);
	if (ret == 0)
		ctx->da->max_vfs = (uint16_t)n;
	return ret;
}

/* 0 is a value like any other: the thread sleeps at once */
static int
svnic_devargs_handle_busy_poll(const struct svnic_devargs_ctx *ctx, const char *key,
			       const char *value)
{
	unsigned long n;
	int ret;

	ret = svnic_devargs_number(ctx, key, value, SVNIC_BUSY_POLL_MAX_US, "microseconds",
				   &ctx->da->has_busy_poll, &n);
	if (ret == 0)
		ctx->da->busy_poll_us = (uint16_t)n;
	return ret;
}

static int
svnic_devargs_handle_vf_mbx(const struct svnic_devargs_ctx *ctx, const char *key,
			    const char *value)
{
	struct svnic_devargs *da = ctx->da;

	if (da->has_vf_mbx) {
		SVNIC_INIT_LOG(ERR, "%s: %s given more than once", ctx->name, key);
		return -EINVAL;
	}
	if (value != NULL && strcmp(value, "shared") == 0) {
		da->vf_mbx_copied = false;
	} else if (value != NULL && strcmp(value, "copied") == 0) {
		da->vf_mbx_copied = true;
	} else {
		SVNIC_INIT_LOG(ERR, "%s: %s=%s: expected \"shared\" or \"copied\"", ctx->name,
			       key, value == NULL ? "" : value);
		return -EINVAL;
	}
	da->has_vf_mbx = true;
	return 0;
}

/*
 * DPDK's own syntax, parsed by ethdev (as other PMDs do): VF representors
 * only, each id below SVNIC_MAX_VFS_MAX; whether the device has that many VFs
 * is for the probe to say.
 */
static int
svnic_devargs_handle_representor(const struct svnic_devargs_ctx *ctx, const char *key,
				 const char *value)
{
	struct svnic_devargs *da = ctx->da;
	struct rte_eth_devargs eth_da;
	bool seen[SVNIC_MAX_VFS_MAX] = { false };
	char buf[128];
	unsigned int i;
	int n;

	if (da->has_repr) {
		SVNIC_INIT_LOG(ERR, "%s: %s given more than once", ctx->name, key);
		return -EINVAL;
	}
	n = value == NULL ? -1 : snprintf(buf, sizeof(buf), "%s=%s", key, value);
	memset(&eth_da, 0, sizeof(eth_da));
	if (n < 0 || (size_t)n >= sizeof(buf) || value[0] == '\0' ||
	    rte_eth_devargs_parse(buf, &eth_da) < 0 || eth_da.nb_representor_ports == 0 ||
	    eth_da.type != RTE_ETH_REPRESENTOR_VF || eth_da.nb_mh_controllers != 0 ||
	    eth_da.nb_ports != 0) {
		SVNIC_INIT_LOG(ERR, "%s: %s=%s: expected VF ids as vf[0-3], vf[0,2] or vf1",
			       ctx->name, key, value == NULL ? "" : value);
		return -EINVAL;
	}
	for (i = 0; i < eth_da.nb_representor_ports; i++) {
		uint16_t vf = eth_da.representor_ports[i];

		if (vf >= SVNIC_MAX_VFS_MAX) {
			SVNIC_INIT_LOG(ERR, "%s: %s=%s: VF %u is past the last possible (%u)",
				       ctx->name, key, value, vf, SVNIC_MAX_VFS_MAX - 1);
			return -EINVAL;
		}
		seen[vf] = true;
	}
	da->nb_repr_vfs = 0;
	for (i = 0; i < SVNIC_MAX_VFS_MAX; i++)
		if (seen[i])
			da->repr_vfs[da->nb_repr_vfs++] = (uint16_t)i;
	da->has_repr = true;
	return 0;
}

static const struct {
	const char *key;
	int (*fn)(const struct svnic_devargs_ctx *ctx, const char *key, const char *value);
	bool pf_only;
} svnic_devargs_handlers[] = {
	{ SVNIC_VFIO_USER_ARG, svnic_devargs_handle_vfio_user, false },
	{ SVNIC_MAX_VFS_ARG, svnic_devargs_handle_max_vfs, true },
	{ SVNIC_VF_DIR_ARG, svnic_devargs_handle_vf_dir, true },
	{ SVNIC_MGMT_ARG, svnic_devargs_handle_mgmt, true },
	{ SVNIC_VF_MBX_ARG, svnic_devargs_handle_vf_mbx, true },
	{ SVNIC_BUSY_POLL_ARG, svnic_devargs_handle_busy_poll, true },
	{ SVNIC_REPRESENTOR_ARG, svnic_devargs_handle_representor, true },
};

/* One key=value pair, in the order given: the first mistake is the one reported. */
static int
svnic_devargs_pair(const struct svnic_devargs_ctx *ctx, const char *key, const char *value)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(svnic_devargs_handlers); i++) {
		if (strcmp(key, svnic_devargs_handlers[i].key) != 0)
			continue;
		if (svnic_devargs_handlers[i].pf_only && !ctx->mode->pf) {
			/* the user mixed the two drivers up: say which one takes it */
			SVNIC_INIT_LOG(ERR, "%s: device argument \"%s\" belongs to net_svnic, "
				       "the PF's driver; net_svnic_vf takes only %s", ctx->name,
				       key, ctx->mode->params);
			return -EINVAL;
		}
		return svnic_devargs_handlers[i].fn(ctx, key, value);
	}
	SVNIC_INIT_LOG(ERR, "%s: unknown device argument \"%s\"; valid: %s", ctx->name, key,
		       ctx->mode->params);
	return -EINVAL;
}

static int
svnic_devargs_parse_mode(const char *name, const char *args, struct svnic_devargs *da,
			 const struct svnic_devargs_mode *mode)
{
	const struct svnic_devargs_ctx ctx = { .name = name, .mode = mode, .da = da };
	struct rte_kvargs *kvlist = NULL;
	unsigned int i;
	int ret = 0;

	memset(da, 0, sizeof(*da));
	da->busy_poll_us = SVNIC_BUSY_POLL_DEFAULT_US;
	if (args != NULL && args[0] != '\0') {
		/* keys are checked here, not by kvargs, so that a refusal can name one */
		kvlist = rte_kvargs_parse(args, NULL);
		if (kvlist == NULL) {
			SVNIC_INIT_LOG(ERR, "%s: cannot parse device arguments \"%s\"; valid: %s",
				       name, args, mode->params);
			return -EINVAL;
		}
		for (i = 0; i < kvlist->count && ret == 0; i++)
			ret = svnic_devargs_pair(&ctx, kvlist->pairs[i].key,
						 kvlist->pairs[i].value);
		rte_kvargs_free(kvlist);
	}
	if (ret == 0 && da->vfio_user[0] == '\0') {
		SVNIC_INIT_LOG(ERR, "%s: missing %s=<path> (%s)", name, SVNIC_VFIO_USER_ARG,
			       mode->missing_what);
		ret = -EINVAL;
	}
	if (ret != 0)
		memset(da, 0, sizeof(*da));
	return ret;
}

int
svnic_devargs_parse(const char *name, const char *args, struct svnic_devargs *da)
{
	return svnic_devargs_parse_mode(name, args, da, &svnic_devargs_pf_mode);
}

int
svnic_devargs_parse_vf(const char *name, const char *args, struct svnic_devargs *da)
{
	return svnic_devargs_parse_mode(name, args, da, &svnic_devargs_vf_mode);
}
