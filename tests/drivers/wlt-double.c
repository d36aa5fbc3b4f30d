/* wlt-double.c: a TEST DOUBLE of a vendor's WLT photo decoder, not a decoder
 *
 * The real decoders are licensed, closed libraries; this one only has their
 * ABI (see drivers/dev/tongban-wlt.h) so the kiosk's loading and calling of
 * such a library can be tested. It "decodes" to a pattern anyone can
 * recompute: blue from the WLT bytes, green the column, red the row. Built
 * with -DWLT_FAILING it fails every photo, as a library whose licence or
 * input it does not like does.
 */

#define CODE_IN_MEMORY 602

int unpack (char *wlt, char *bgr, int code);

int
unpack (char *wlt,
        char *bgr,
        int   code)
{
#ifdef WLT_FAILING
  (void) wlt;
  (void) bgr;
  (void) code;
  return -3;
#else
  if (code != CODE_IN_MEMORY)
    return 0;
  for (int y = 0; y < 126; y++)
    for (int x = 0; x < 102; x++)
      {
        char *p = bgr + (y * 102 + x) * 3;

        p[0] = wlt[(y * 102 + x) % 1024];
        p[1] = (char) x;
        p[2] = (char) y;
      }
  return 1;
#endif
}
