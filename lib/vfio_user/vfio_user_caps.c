/* SPDX-License-Identifier: BSD-3-Clause */
#include <ctype.h>
#include <errno.h>
#include <string.h>

#include <json-c/json.h>

#include "vfio_user_caps.h"

void
vfio_user_caps_default(struct vfio_user_caps *c)
{
	memset(c, 0, sizeof(*c));
	c->max_msg_fds = VFIO_USER_DEFAULT_PEER_FDS;
	c->max_data_xfer_size = VFIO_USER_DEFAULT_MAX_XFER;
	c->pgsizes = VFIO_USER_DEFAULT_PGSIZES;
	c->max_dma_maps = VFIO_USER_DEFAULT_MAX_DMA_MAPS;
}

bool
vfio_user_token_valid(const char *s)
{
	size_t i;

	for (i = 0; i < VFIO_USER_TOKEN_LEN; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return false;
		} else if (!isxdigit((unsigned char)s[i])) {
			return false;
		}
	}
	return s[VFIO_USER_TOKEN_LEN] == '\0';
}

/* A non-negative JSON integer, clamped to @p max. */
static int
vfio_user_caps_get_uint(struct json_object *obj, const char *name, uint64_t max,
		uint64_t *out, bool *found)
{
	struct json_object *v;

	*found = false;
	if (!json_object_object_get_ex(obj, name, &v))
		return 0;
	if (!json_object_is_type(v, json_type_int))
		return -EINVAL;
	/* json-c keeps values above INT64_MAX as unsigned; below 0 is refused. */
	if (json_object_get_int64(v) < 0)
		return -EINVAL;
	*out = json_object_get_uint64(v);
	if (*out > max)
		*out = max;
	*found = true;
	return 0;
}

static int
vfio_user_caps_from_object(struct json_object *caps, struct vfio_user_caps *c)
{
	struct json_object *svnic, *tok;
	uint64_t v;
	bool found;
	int ret;

	ret = vfio_user_caps_get_uint(caps, "max_msg_fds", UINT32_MAX, &v, &found);
	if (ret < 0)
		return ret;
	if (found)
		c->max_msg_fds = (uint32_t)v;
	ret = vfio_user_caps_get_uint(caps, "max_data_xfer_size", UINT32_MAX, &v, &found);
	if (ret < 0)
		return ret;
	if (found) {
		if (v == 0)
			return -EINVAL;
		c->max_data_xfer_size = (uint32_t)v;
	}
	ret = vfio_user_caps_get_uint(caps, "pgsizes", UINT64_MAX, &v, &found);
	if (ret < 0)
		return ret;
	if (found)
		c->pgsizes = v;
	ret = vfio_user_caps_get_uint(caps, "max_dma_maps", UINT32_MAX, &v, &found);
	if (ret < 0)
		return ret;
	if (found)
		c->max_dma_maps = (uint32_t)v;

	if (!json_object_object_get_ex(caps, "svnic", &svnic))
		return 0;
	if (!json_object_is_type(svnic, json_type_object))
		return -EINVAL;
	if (!json_object_object_get_ex(svnic, "vf_token", &tok))
		return 0;
	if (!json_object_is_type(tok, json_type_string) ||
	    json_object_get_string_len(tok) != VFIO_USER_TOKEN_LEN ||
	    !vfio_user_token_valid(json_object_get_string(tok)))
		return -EINVAL;
	memcpy(c->vf_token, json_object_get_string(tok), VFIO_USER_TOKEN_LEN + 1);
	c->has_token = true;
	return 0;
}

int
vfio_user_caps_parse(const char *data, size_t len, struct vfio_user_caps *c)
{
	struct json_object *root = NULL, *caps;
	struct json_tokener *tok;
	size_t n = strnlen(data, len);
	int ret = -EINVAL;

	vfio_user_caps_default(c);
	if (n == 0 && len <= 1)
		return 0;	/* a lone NUL: no capabilities */
	/* Only a NUL may follow the text (spec: "including terminating NUL"). */
	if (n + 1 < len || n == 0 || n > INT32_MAX)
		return -EINVAL;
	tok = json_tokener_new();
	if (tok == NULL)
		return -ENOMEM;
	root = json_tokener_parse_ex(tok, data, (int)n);
	if (root == NULL || json_tokener_get_error(tok) != json_tokener_success ||
	    json_tokener_get_parse_end(tok) != n ||
	    !json_object_is_type(root, json_type_object))
		goto out;
	ret = 0;
	if (!json_object_object_get_ex(root, "capabilities", &caps))
		goto out;
	if (!json_object_is_type(caps, json_type_object)) {
		ret = -EINVAL;
		goto out;
	}
	ret = vfio_user_caps_from_object(caps, c);
out:
	json_object_put(root);
	json_tokener_free(tok);
	if (ret < 0)
		vfio_user_caps_default(c);
	return ret;
}

static int
vfio_user_caps_add_uint(struct json_object *obj, const char *name, uint64_t v)
{
	struct json_object *j = json_object_new_uint64(v);

	if (j == NULL)
		return -ENOMEM;
	if (json_object_object_add(obj, name, j) != 0) {
		json_object_put(j);
		return -ENOMEM;
	}
	return 0;
}

int
vfio_user_caps_format(const struct vfio_user_caps *c, char *buf, size_t size)
{
	struct json_object *root, *caps, *svnic, *tok;
	const char *text;
	size_t len;
	int ret = -ENOMEM;

	root = json_object_new_object();
	caps = json_object_new_object();
	if (root == NULL || caps == NULL) {
		json_object_put(caps);
		goto out;
	}
	if (json_object_object_add(root, "capabilities", caps) != 0) {
		json_object_put(caps);
		goto out;
	}
	if (vfio_user_caps_add_uint(caps, "max_msg_fds", c->max_msg_fds) < 0 ||
	    vfio_user_caps_add_uint(caps, "max_data_xfer_size", c->max_data_xfer_size) < 0 ||
	    vfio_user_caps_add_uint(caps, "pgsizes", c->pgsizes) < 0 ||
	    vfio_user_caps_add_uint(caps, "max_dma_maps", c->max_dma_maps) < 0)
		goto out;
	if (c->has_token) {
		svnic = json_object_new_object();
		if (svnic == NULL)
			goto out;
		if (json_object_object_add(caps, "svnic", svnic) != 0) {
			json_object_put(svnic);
			goto out;
		}
		tok = json_object_new_string_len(c->vf_token, (int)strnlen(c->vf_token,
				VFIO_USER_TOKEN_LEN));
		if (tok == NULL)
			goto out;
		if (json_object_object_add(svnic, "vf_token", tok) != 0) {
			json_object_put(tok);
			goto out;
		}
	}
	text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN);
	if (text == NULL)
		goto out;
	len = strlen(text) + 1;
	ret = -ENOSPC;
	if (len > size || len > INT32_MAX)
		goto out;
	memcpy(buf, text, len);
	ret = (int)len;
out:
	json_object_put(root);
	return ret;
}
