/* SPDX-License-Identifier: BSD-3-Clause */
/* svnic-ctl: the operator's command line (ctl.c has the commands). */
#include <stdio.h>

#include "ctl.h"

int
main(int argc, char **argv)
{
	return svnic_ctl_run(argc, argv, stdout, stderr);
}
