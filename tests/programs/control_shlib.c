/* control_shlib: calls lib_compute() in libcontrol_lib.so with getpid() % 10000, exits 0. */
#include <stdio.h>
#include <unistd.h>

int lib_compute(int input);

int main(void) {
  int result = lib_compute((int)(getpid() % 10000));
  printf("control_shlib: lib_compute returned %d\n", result);
  return 0;
}
