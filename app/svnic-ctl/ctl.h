/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SVNIC_CTL_H
#define SVNIC_CTL_H

/*
 * svnic-ctl, the operator's command line. Every subcommand is a function
 * that writes to the FILE pointers it is given (never to stdout/stderr
 * directly) and returns the process exit status, so tests run it in-process.
 */

#include <stdbool.h>
#include <stdio.h>

#define SVNIC_CTL_OK		0
#define SVNIC_CTL_FAIL		1	/* the device or the connection failed */
#define SVNIC_CTL_USAGE		2	/* bad command line */

struct svnic_ctl_lspci_opts {
	const char *path;	/**< vfio-user socket */
	const char *vf_token;	/**< canonical UUID text for VERSION, or NULL */
	bool no_probe;		/**< never write config space (no BAR sizing) */
	bool verbose;		/**< forward lib/vfio_user's log to err */
	int timeout_ms;		/**< per reply; 0: the client's default */
};

/** Parse @p argv (argv[0] is the program) and run the subcommand. @return exit status. */
int svnic_ctl_run(int argc, char **argv, FILE *out, FILE *err);

/**
 * `svnic-ctl lspci`: connect to any vfio-user server, print its function as
 * `lspci -vvv` does, then its regions and IRQs as vfio-user reports them.
 * @return SVNIC_CTL_OK or SVNIC_CTL_FAIL (message on @p err).
 */
int svnic_ctl_lspci(const struct svnic_ctl_lspci_opts *o, FILE *out, FILE *err);

#endif /* SVNIC_CTL_H */
