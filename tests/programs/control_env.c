/* control_env: what an extended-remote `run` gave the program (tests/e2e/control/multi_*).
 * Copies RSPSTUB_MULTI_VAR and the working directory into globals, records its pid, then stops
 * at reached() for the debugger to print them, and exits 0. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char g_env_value[128] = "(unset)";
char g_cwd[512];
long g_pid;

void reached(void) { /* @line reached */
}

int main(void) {
  const char *v = getenv("RSPSTUB_MULTI_VAR");
  if (v != NULL) snprintf(g_env_value, sizeof g_env_value, "%s", v);
  if (getcwd(g_cwd, sizeof g_cwd) == NULL) strcpy(g_cwd, "(unknown)");
  g_pid = (long)getpid();
  reached();
  return 0;
}
