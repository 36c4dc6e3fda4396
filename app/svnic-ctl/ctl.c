/* SPDX-License-Identifier: BSD-3-Clause */
/* svnic-ctl's command line: one strict parser per subcommand, one table. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "ctl_vf.h"
#include "sriov_mgmt.h"
#include "vfio_user_proto.h"

struct svnic_ctl_cmd {
	const char *name;
	int (*run)(int argc, char **argv, FILE *out, FILE *err);
	const char *args;
	const char *help;
};

static int svnic_ctl_cmd_lspci(int argc, char **argv, FILE *out, FILE *err);
static int svnic_ctl_cmd_help(int argc, char **argv, FILE *out, FILE *err);

static const struct svnic_ctl_cmd svnic_ctl_cmds[] = {
	{ "lspci", svnic_ctl_cmd_lspci,
		"[--vf-token UUID] [--no-probe] [--timeout MS] [-v] SOCKET",
		"show the function behind a vfio-user socket as `lspci -vvv` does,\n"
		"\t\tthen its vfio-user regions and IRQs. BARs are sized from the\n"
		"\t\tregion info and by writing all ones to them (and restoring),\n"
		"\t\tas Linux does; --no-probe never writes config space" },
	{ "vf", svnic_ctl_cmd_mgmt,
		"alloc queues N [mac M] [vlan V [qos Q] [proto 802.1Q|802.1ad]] [name S] [numa N]\n"
		"\t| free N [cascade] | reset N | show [N] [--json]\n"
		"\t| set N SETTING... (mac M | vlan V [qos Q] [proto P] | spoofchk on|off\n"
		"\t  | trust on|off | rate [min R] [max R] | state auto|enable|disable\n"
		"\t  | promisc-allow on|off | allmulti-allow on|off)",
		"VFs of the PF, as `ip link set DEV vf N ...` (doc/management.rst)" },
	{ "switch", svnic_ctl_cmd_mgmt, "show [--json]", "the PF's NIC switch: VFs, queues" },
	{ "pf", svnic_ctl_cmd_mgmt, "show [--json]", "the PF: link, MAC, counters" },
	{ "-s", svnic_ctl_cmd_mgmt, "PATH [--timeout MS] vf|switch|pf ...",
		"the PF's management socket (default " SRIOV_MGMT_DEFAULT_PATH ")" },
	{ "help", svnic_ctl_cmd_help, "", "this text" },
};

static void
svnic_ctl_usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: svnic-ctl COMMAND [ARGS]\n");
	for (i = 0; i < sizeof(svnic_ctl_cmds) / sizeof(svnic_ctl_cmds[0]); i++)
		fprintf(f, "  %s %s\n\t\t%s\n", svnic_ctl_cmds[i].name, svnic_ctl_cmds[i].args,
			svnic_ctl_cmds[i].help);
}

static int
svnic_ctl_cmd_help(int argc, char **argv, FILE *out, FILE *err)
{
	(void)argc;
	(void)argv;
	(void)err;
	svnic_ctl_usage(out);
	return SVNIC_CTL_OK;
}

static int
svnic_ctl_bad(FILE *err, const char *cmd, const char *what, const char *arg)
{
	fprintf(err, "svnic-ctl: %s: %s%s%s\n", cmd, what, arg != NULL ? ": " : "",
		arg != NULL ? arg : "");
	fprintf(err, "try 'svnic-ctl help'\n");
	return SVNIC_CTL_USAGE;
}

/* "--name VALUE" or "--name=VALUE"; @return the value or NULL when absent. */
static const char *
svnic_ctl_opt_value(int argc, char **argv, int *i, const char *name)
{
	size_t n = strlen(name);

	if (strncmp(argv[*i], name, n) != 0)
		return NULL;
	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (argv[*i][n] != '\0' || *i + 1 >= argc)
		return NULL;
	(*i)++;
	return argv[*i];
}

static int
svnic_ctl_cmd_lspci(int argc, char **argv, FILE *out, FILE *err)
{
	static char token[VFIO_USER_TOKEN_LEN + 1];
	struct svnic_ctl_lspci_opts o = { 0 };
	uint8_t uuid[VFIO_USER_UUID_LEN];
	bool options = true;
	const char *v;
	char *end;
	long ms;
	int i;

	for (i = 2; i < argc; i++) {
		const char *a = argv[i];

		if (options && strcmp(a, "--") == 0) {
			options = false;
		} else if (options && strncmp(a, "--vf-token", 10) == 0) {
			v = svnic_ctl_opt_value(argc, argv, &i, "--vf-token");
			if (v == NULL)
				return svnic_ctl_bad(err, "lspci", "--vf-token needs a UUID", NULL);
			/* The canonical text form is what a VF's server compares. */
			if (!vfio_user_uuid_parse(v, uuid))
				return svnic_ctl_bad(err, "lspci", "--vf-token is not a UUID", v);
			vfio_user_uuid_format(uuid, token);
			o.vf_token = token;
		} else if (options && strncmp(a, "--timeout", 9) == 0) {
			v = svnic_ctl_opt_value(argc, argv, &i, "--timeout");
			if (v == NULL)
				return svnic_ctl_bad(err, "lspci", "--timeout needs milliseconds",
					NULL);
			errno = 0;
			ms = strtol(v, &end, 10);
			if (errno != 0 || end == v || *end != '\0' || ms <= 0 || ms > INT_MAX)
				return svnic_ctl_bad(err, "lspci", "bad --timeout", v);
			o.timeout_ms = (int)ms;
		} else if (options && strcmp(a, "--no-probe") == 0) {
			o.no_probe = true;
		} else if (options && (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0)) {
			o.verbose = true;
		} else if (options && a[0] == '-' && a[1] != '\0') {
			return svnic_ctl_bad(err, "lspci", "unknown option", a);
		} else if (o.path != NULL) {
			return svnic_ctl_bad(err, "lspci", "one socket only, extra argument", a);
		} else {
			o.path = a;
		}
	}
	if (o.path == NULL)
		return svnic_ctl_bad(err, "lspci", "missing SOCKET", NULL);
	return svnic_ctl_lspci(&o, out, err);
}

int
svnic_ctl_run(int argc, char **argv, FILE *out, FILE *err)
{
	size_t i;

	if (argc < 2) {
		svnic_ctl_usage(err);
		return SVNIC_CTL_USAGE;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)
		return svnic_ctl_cmd_help(argc, argv, out, err);
	/* the management commands' global options, spelled as ctl_vf.h promises */
	if (strcmp(argv[1], "--socket") == 0 || strcmp(argv[1], "--timeout") == 0)
		return svnic_ctl_cmd_mgmt(argc, argv, out, err);
	for (i = 0; i < sizeof(svnic_ctl_cmds) / sizeof(svnic_ctl_cmds[0]); i++)
		if (strcmp(argv[1], svnic_ctl_cmds[i].name) == 0)
			return svnic_ctl_cmds[i].run(argc, argv, out, err);
	fprintf(err, "svnic-ctl: unknown command '%s'\n", argv[1]);
	svnic_ctl_usage(err);
	return SVNIC_CTL_USAGE;
}
