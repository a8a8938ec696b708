/*
 * report/pdf — a filled enforcement document (执法文书, domain/docblock.h)
 * drawn as an A4 PDF with cairo + pango and the system's Noto CJK fonts.
 *
 * Page: A4 portrait, 595.28 × 841.89 pt. The type area follows the spirit
 * of GB/T 9704-2012《党政机关公文格式》§5.2 (版心 156 mm × 225 mm): margins
 * 25 mm top and bottom, 28 mm left and right. Body text is "Noto Serif CJK
 * SC" (fontconfig falls back to "Noto Sans CJK SC") at 16 pt, the size of
 * 三号 that §5.2.1 and §7.3.3 give for 正文; a line pitch of about 28 pt gives
 * the 22-23 lines a page of §5.2.2.
 *
 * What the page holds, top to bottom:
 *   - "案号：…", small, at the top right of the first page (when given);
 *   - the agency name (制作机关), centered;
 *   - the title, bold, centered, larger (22 pt, 二号);
 *   - the 文号, right-aligned under the title (when given);
 *   - the blocks in order: FIELD "label：text" wrapping with a hanging indent
 *     under the text; PARAGRAPH with a first-line indent of two characters,
 *     justified; HEADING bold; TABLE_ROW a bordered two-column row (label
 *     column 28 % of the width), consecutive rows forming one table;
 *     SIGNATURE "label：" then the name and a line to sign on;
 *   - the SEAL blocks, wherever they stand in the list, at the bottom right
 *     of the last page: the agency name and the date with a dashed circle of
 *     42 mm, the place of the seal (盖章处). A seal is never drawn as a seal:
 *     the real one is stamped on the paper (GB/T 9704-2012 §7.3.5), and a
 *     printed imitation of an agency's seal is what《刑法》第二百八十条
 *     punishes as forging one.
 * Text flows across pages; paragraphs and fields split between lines; a
 * table row moves whole to the next page unless it is taller than a page.
 * Every page carries the footer "第 N 页，共 M 页" (the layout is run twice:
 * once to count the pages, once to draw).
 *
 * Text stays text: fonts are embedded as CID fonts with a ToUnicode map, so
 * pdftotext and screen readers get the Chinese back. PDF metadata: Title =
 * title and 文号, Creator = "sanxiang". Output bytes are not deterministic
 * (cairo writes the creation date).
 *
 * Threads: each call creates and destroys its own pango font map
 * (pango_cairo_font_map_new), context and cairo surface; nothing is shared
 * between calls but fontconfig's configuration, which fontconfig guards
 * itself. Fonts are found system-wide through fontconfig (Debian
 * fonts-noto-cjk); none are shipped.
 *
 * What it does not do: no templates (domain/doctemplate fills the blocks),
 * no signatures of any kind, no files: the PDF is written through cairo's
 * stream callback into memory.
 */
#ifndef SX_REPORT_PDF_H
#define SX_REPORT_PDF_H

#include "base/buf.h"
#include "base/error.h"
#include "domain/docblock.h"

/* Limits on one document, so that a request cannot make the renderer run for minutes. */
#define REPORT_PDF_MAX_BLOCKS 2000
#define REPORT_PDF_MAX_TEXT_BYTES (64 * 1024) /* per string: label, text, title, … */

/*
 * Renders d as a PDF and appends it to out.
 *
 * d: agency_name, doc_no and case_no may be NULL or "" (= none); title is
 * required; blocks may be NULL when block_count is 0; every block's label
 * and text must be non-NULL UTF-8.
 *
 * Returns 0, or:
 *   SX_EINVALID "bad_document"      NULL out or d, missing or empty title, NULL
 *                                   strings in a block, an unknown kind, text that
 *                                   is not UTF-8;
 *   SX_ETOOBIG  "document_too_big"  more than REPORT_PDF_MAX_BLOCKS blocks or a
 *                                   string longer than REPORT_PDF_MAX_TEXT_BYTES;
 *   SX_ETOOBIG  "too_large"         the PDF does not fit out's max_bytes;
 *   SX_ENOMEM   "out_of_memory";
 *   SX_EINTERNAL "pdf_failed"       cairo reported an error (detail: its status).
 * On error out is unchanged: the PDF is built aside and appended in one step.
 * Allocation failures inside glib/pango abort the process (glib's policy);
 * SX_ENOMEM covers this module's own memory and the output buffer.
 */
int report_pdf_render(struct buf *out, const struct docblock_doc *d, struct sx_error *err);

#endif
