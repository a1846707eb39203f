/* rspstub_demo_windows: the Windows counterpart of tests/programs/demo.c, a running process
 * whose memory the Windows tests read through rspstub.
 *
 *   g_counter   counts up every 10 ms (a second thread, named "ticker", does it)
 *   g_message   points to a string on the heap
 *   boundary    two pages: the first committed PAGE_READWRITE and filled with a pattern (byte i
 *               of the page is (i * 7 + 3) & 0xff), the second committed but PAGE_NOACCESS
 *   readonly    one committed page, PAGE_READONLY, filled with the same pattern
 *   reserved    64 KiB reserved, never committed
 *
 * It also reports its main thread's TEB (NtCurrentTeb), which qGetTIBAddr must find.
 * Once the ticker has counted three times, it prints "key value" lines (pid, addresses in
 * hex), then "ready", and runs until its standard input ends (the test closes it) or it is
 * killed; then it exits with code 0, or with the number given as its first argument (the tests
 * check that the exit code reaches the client).
 */
#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

volatile unsigned long long g_counter;
char *g_message;

static DWORD WINAPI ticker(LPVOID arg) {
  (void)arg;
  for (;;) {
    Sleep(10);
    g_counter++;
  }
  return 0;
}

static void fill_pattern(unsigned char *p, SIZE_T n) {
  for (SIZE_T i = 0; i < n; ++i) p[i] = (unsigned char)((i * 7 + 3) & 0xff);
}

/* SetThreadDescription exists from Windows 10 1607 on: looked up at run time. */
static void name_thread(HANDLE thread, const wchar_t *name) {
  typedef HRESULT(WINAPI * set_fn)(HANDLE, PCWSTR);
  FARPROC p = GetProcAddress(GetModuleHandleW(L"kernel32.dll"), "SetThreadDescription");
  set_fn set;
  memcpy(&set, &p, sizeof set);
  if (set != NULL) set(thread, name);
}

int main(int argc, char **argv) {
  SYSTEM_INFO si;
  GetSystemInfo(&si);
  const SIZE_T page = si.dwPageSize;

  g_message = _strdup("hello from the rspstub windows demo");
  unsigned char *boundary = VirtualAlloc(NULL, 2 * page, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
  unsigned char *readonly = VirtualAlloc(NULL, page, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
  void *reserved = VirtualAlloc(NULL, 65536, MEM_RESERVE, PAGE_NOACCESS);
  DWORD old;
  if (g_message == NULL || boundary == NULL || readonly == NULL || reserved == NULL) {
    fprintf(stderr, "rspstub_demo_windows: allocation failed (%lu)\n", GetLastError());
    return 1;
  }
  fill_pattern(boundary, page);
  fill_pattern(readonly, page);
  if (!VirtualProtect(boundary + page, page, PAGE_NOACCESS, &old) ||
      !VirtualProtect(readonly, page, PAGE_READONLY, &old)) {
    fprintf(stderr, "rspstub_demo_windows: VirtualProtect failed (%lu)\n", GetLastError());
    return 1;
  }

  /* Created suspended and named before it runs: a breakpoint in `ticker` must find the name
   * already set (gdb shows it in "Thread 2 "ticker" hit Breakpoint"). */
  HANDLE thread = CreateThread(NULL, 0, ticker, NULL, CREATE_SUSPENDED, NULL);
  if (thread == NULL) {
    fprintf(stderr, "rspstub_demo_windows: CreateThread failed (%lu)\n", GetLastError());
    return 1;
  }
  name_thread(thread, L"ticker");
  ResumeThread(thread);
  /* The ticker runs before main can reach its end (an empty standard input ends it at once): a
   * breakpoint in `ticker` is always hit. Three counts, not one: a watchpoint on g_counter
   * stops the process only once wine has passed the exception to the debugger, and main must
   * not see the first count and exit meanwhile (20 ms of margin instead of none). */
  while (g_counter < 3) Sleep(1);

  printf("pid %lu\n", GetCurrentProcessId());
  printf("main_tid %lu\n", GetCurrentThreadId());
  printf("ticker_tid %lu\n", GetThreadId(thread));
  printf("main_teb %p\n", (void *)NtCurrentTeb());
  printf("page_size %lu\n", (unsigned long)page);
  printf("g_counter %p\n", (void *)&g_counter);
  printf("g_message %p\n", (void *)&g_message);
  printf("message %p\n", (void *)g_message);
  printf("boundary %p\n", (void *)boundary);
  printf("readonly %p\n", (void *)readonly);
  printf("reserved %p\n", reserved);
  printf("ready\n");
  fflush(stdout);

  char buf[64];
  while (fgets(buf, sizeof buf, stdin) != NULL) {
  }
  return argc > 1 ? atoi(argv[1]) : 0;
}
