/*
 * The hot-path app's link to the outside (moddable/hotpath/main.ts):
 *   xs_xstcp_hotpath_measured(fn)  calls fn once; callgrind counts only inside this
 *                                  function (--collect-atstart=no --toggle-collect=...),
 *                                  so the simulator's start-up and idle loop are not counted
 *   xs_xstcp_hotpath_exit(code)    ends the simulator, so callgrind writes its profile
 */
#include "xsmc.h"
#include <stdio.h>
#include <stdlib.h>

void xs_xstcp_hotpath_measured(xsMachine* the)
{
	xsResult = xsCallFunction0(xsArg(0), xsUndefined);
}

void xs_xstcp_hotpath_exit(xsMachine* the)
{
	int code = (xsmcArgc > 0) ? xsmcToInteger(xsArg(0)) : 0;
	fflush(stdout);
	exit(code);
}
