/*
 * domain/docblock — a filled enforcement document (执法文书) as a list of
 * layout blocks: what domain/doctemplate produces from a template and the
 * officer's values, and what report/pdf draws on A4 (and the plain-text
 * rendering prints). Header only: the struct is the contract between the two.
 *
 * A document reads top to bottom: the issuing agency's name, the title
 * (行政处罚决定书), the document number (文号, e.g. 示市监罚决〔2026〕12号),
 * then fields ("当事人：张三"), paragraphs, and at the end the signature
 * lines and the seal area (盖章处) with the date.
 *
 * Ownership: a struct docblock_doc owns its blocks array and every string in
 * it (sx_malloc'd, NUL-terminated UTF-8); docblock_doc_clear (in
 * domain/doctemplate.c) frees them.
 */
#ifndef SX_DOMAIN_DOCBLOCK_H
#define SX_DOMAIN_DOCBLOCK_H

#include <stddef.h>

enum docblock_kind {
	DOCBLOCK_FIELD = 1,   /* label + text on one line ("当事人：张三"); text may wrap */
	DOCBLOCK_PARAGRAPH,   /* text only, first line indented two characters */
	DOCBLOCK_HEADING,     /* a section heading inside the document (一、违法事实) */
	DOCBLOCK_TABLE_ROW,   /* label + text as a two-column row of a bordered table (审批表) */
	DOCBLOCK_SIGNATURE,   /* label ("当事人签名", "执法人员") + text (name or "") with a line to sign on */
	DOCBLOCK_SEAL,        /* the seal area at the bottom right: label = agency name, text = date */
};

struct docblock {
	enum docblock_kind kind;
	char *label;          /* "" when the kind has none; never NULL */
	char *text;           /* never NULL */
};

struct docblock_doc {
	char *agency_name;    /* 制作机关, printed above the title */
	char *title;          /* 行政处罚决定书 */
	char *doc_no;         /* 文号; "" for documents without a number (笔录) */
	char *case_no;        /* 案号 printed in the header line; "" = none */
	struct docblock *blocks;
	size_t block_count;
};

#endif
