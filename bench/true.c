/* The exec storm's target: exits 0 at once (static when the toolchain allows, so the exec
 * storm measures fork+exec+exit, not the dynamic loader). */
int main(void) { return 0; }
