/*
 * report/qr — QR codes (ISO/IEC 18004) as SVG and PNG, for the 亮证 link
 * printed on an officer's credential. Encoding is libqrencode's; this module
 * only draws the modules it returns, with the standard quiet zone of four
 * modules on every side, black on white. Only this file includes qrencode.h
 * and zlib.h.
 *
 * Error correction level M (about 15 % of the symbol may be damaged and the
 * code still reads): a printed card gets scuffed.
 */
#ifndef SX_REPORT_QR_H
#define SX_REPORT_QR_H

#include <stddef.h>

#include "base/buf.h"

#define QR_QUIET_MODULES 4
#define QR_TEXT_MAX 1024

/* Appends an SVG document; module_px is the size of one module in user
 * units (1–64). SX_EINVALID for empty or over-long text. */
int qr_svg(struct buf *out, const char *text, int module_px);

/* Appends a PNG image (8-bit grayscale); scale is pixels per module (1–32). */
int qr_png(struct buf *out, const char *text, int scale);

#endif
