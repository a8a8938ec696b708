/*
 * report/qr — see qr.h. The PNG writer follows the PNG specification
 * (ISO/IEC 15948): signature, IHDR (8-bit grayscale, no interlace), one IDAT
 * holding the zlib stream of filter-type-0 scanlines, IEND; each chunk with
 * its CRC-32.
 */
#include "report/qr.h"

#include <qrencode.h>
#include <stdint.h>
#include <string.h>
#include <zlib.h>

#include "base/error.h"
#include "base/mem.h"

static int qr__encode(QRcode **out, const char *text)
{
	size_t len = text ? strlen(text) : 0;

	*out = NULL;
	if (len == 0 || len > QR_TEXT_MAX)
		return SX_EINVALID;
	/* Case-sensitive 8-bit mode keeps URLs exact (query values are
	 * case-sensitive). */
	*out = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	return *out ? 0 : SX_ENOMEM;
}

static int qr__dark(const QRcode *q, int x, int y)
{
	return q->data[y * q->width + x] & 1;
}

int qr_svg(struct buf *out, const char *text, int module_px)
{
	QRcode *q = NULL;
	int size, rc;

	if (module_px < 1 || module_px > 64)
		return SX_EINVALID;
	if ((rc = qr__encode(&q, text)) < 0)
		return rc;
	size = (q->width + 2 * QR_QUIET_MODULES) * module_px;
	rc = buf_appendf(out,
			 "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
			 "viewBox=\"0 0 %d %d\" shape-rendering=\"crispEdges\">"
			 "<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
			 size, size, q->width + 2 * QR_QUIET_MODULES, q->width + 2 * QR_QUIET_MODULES);
	/* One path of unit squares in module coordinates; the viewBox scales. */
	for (int y = 0; rc == 0 && y < q->width; y++) {
		for (int x = 0; rc == 0 && x < q->width; x++) {
			if (qr__dark(q, x, y))
				rc = buf_appendf(out, "M%d %dh1v1h-1z", x + QR_QUIET_MODULES,
						 y + QR_QUIET_MODULES);
		}
	}
	if (rc == 0)
		rc = buf_append_str(out, "\"/></svg>\n");
	QRcode_free(q);
	return rc;
}

static void qr__be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* Appends one PNG chunk: length, type, data, CRC over type and data. */
static int qr__chunk(struct buf *out, const char type[4], const unsigned char *data, size_t len)
{
	unsigned char head[8], tail[4];
	uLong crc;
	int rc;

	if (len > 0x7fffffffu)
		return SX_ETOOBIG;
	qr__be32(head, (uint32_t)len);
	memcpy(head + 4, type, 4);
	crc = crc32(0L, (const Bytef *)type, 4);
	if (len)
		crc = crc32(crc, data, (uInt)len);
	qr__be32(tail, (uint32_t)crc);
	if ((rc = buf_append(out, head, 8)) < 0 || (len && (rc = buf_append(out, data, len)) < 0))
		return rc;
	return buf_append(out, tail, 4);
}

int qr_png(struct buf *out, const char *text, int scale)
{
	static const unsigned char signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	QRcode *q = NULL;
	unsigned char *raw = NULL, *packed = NULL;
	unsigned char ihdr[13];
	size_t pixels, row_bytes, raw_len;
	uLongf packed_len;
	int rc;

	if (scale < 1 || scale > 32)
		return SX_EINVALID;
	if ((rc = qr__encode(&q, text)) < 0)
		return rc;
	pixels = (size_t)(q->width + 2 * QR_QUIET_MODULES) * (size_t)scale;
	row_bytes = 1 + pixels; /* filter byte + one byte per pixel */
	raw_len = row_bytes * pixels;
	raw = sx_malloc(raw_len);
	packed_len = compressBound((uLong)raw_len);
	packed = sx_malloc(packed_len);
	if (raw == NULL || packed == NULL) {
		rc = SX_ENOMEM;
		goto cleanup;
	}
	for (size_t py = 0; py < pixels; py++) {
		unsigned char *row = raw + py * row_bytes;
		int my = (int)(py / (size_t)scale) - QR_QUIET_MODULES;

		row[0] = 0; /* filter: none */
		for (size_t px = 0; px < pixels; px++) {
			int mx = (int)(px / (size_t)scale) - QR_QUIET_MODULES;
			int dark = mx >= 0 && my >= 0 && mx < q->width && my < q->width &&
				   qr__dark(q, mx, my);

			row[1 + px] = dark ? 0x00 : 0xff;
		}
	}
	if (compress2(packed, &packed_len, raw, (uLong)raw_len, Z_BEST_COMPRESSION) != Z_OK) {
		rc = SX_EINTERNAL;
		goto cleanup;
	}
	qr__be32(ihdr, (uint32_t)pixels);
	qr__be32(ihdr + 4, (uint32_t)pixels);
	ihdr[8] = 8;  /* bit depth */
	ihdr[9] = 0;  /* colour type: grayscale */
	ihdr[10] = 0; /* compression: deflate */
	ihdr[11] = 0; /* filter method 0 */
	ihdr[12] = 0; /* no interlace */
	if ((rc = buf_append(out, signature, sizeof(signature))) < 0 ||
	    (rc = qr__chunk(out, "IHDR", ihdr, sizeof(ihdr))) < 0 ||
	    (rc = qr__chunk(out, "IDAT", packed, packed_len)) < 0 ||
	    (rc = qr__chunk(out, "IEND", NULL, 0)) < 0)
		goto cleanup;
	rc = 0;
cleanup:
	sx_free(raw);
	sx_free(packed);
	QRcode_free(q);
	return rc;
}
