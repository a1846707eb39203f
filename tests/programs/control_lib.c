/* libcontrol_lib.so: the shared library of control_shlib (a breakpoint target that only exists
 * once the dynamic loader has mapped the library). */
int lib_compute(int input) {
  int doubled = input * 2; /* @line lib_compute_first */
  return doubled + 1;
}
