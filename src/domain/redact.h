/*
 * domain/redact — finds and masks personal data in a text that is to be
 * published on the public decision portal (事后公开): the redaction step
 * before a 行政处罚/行政许可 decision or its 决定书 goes online. Pure: no I/O,
 * no clock; UTF-8 text in, byte offsets (end exclusive) out.
 *
 * Where the rules come from:
 *   - 《个人信息保护法》第二十八条: 敏感个人信息 include 身份证件号码 (here: ID
 *     numbers), 金融账户 (bank card numbers), 行踪轨迹 (detailed addresses) and
 *     all personal information of 不满十四周岁未成年人;
 *   - 《政府信息公开条例》第十五条: information whose disclosure would harm a
 *     third party's lawful rights (个人隐私) is not published unless the
 *     person agrees or the public interest requires it;
 *   - 国办发〔2018〕118号 (三项制度指导意见) 二(四): 公示 must protect 个人隐私;
 *   - 《未成年人保护法》第一百零三条: publications must not disclose a minor's
 *     name, address, photo, school or other information from which the minor
 *     can be identified (so minors are masked entirely and their ages hidden).
 *
 * What is found (redact_find) and how it is masked (redact_apply):
 *   REDACT_ID_NUMBER  18-character 公民身份号码 (17 digits + digit/X/x) whose
 *                     first 17 digits form a plausible number (GB 11643: first
 *                     digit 1-8, a real birth date 1900..2100) — masked even
 *                     when the check character is wrong, because people
 *                     mistype and a wrong check digit still identifies; but
 *                     an all-digit valid 统一社会信用代码 (GB 32100) is an
 *                     organisation's and is kept. 15-digit numbers with a
 *                     real birth date (GB 11643-1989). Written without spaces.
 *                     Mask: "[身份证号已隐去]".
 *   REDACT_PHONE      mobiles 1[3-9]xxxxxxxxx, contiguous or 3-4-4 with spaces
 *                     or hyphens, optionally after "+86"/"86"; landlines
 *                     0AA-LLLLLLLL / 0AAA-LLLLLLL (area code 010 or 02x has 3
 *                     digits, other area codes 4; local number 7-8 digits not
 *                     starting with 0 or 1), with or without the hyphen or a
 *                     space, optional extension "-NNNN", "转NNNN" or
 *                     "分机NNNN" (1-6 digits). Mask: "[电话已隐去]".
 *   REDACT_BANK_CARD  16-19 digits passing the Luhn check, contiguous or in
 *                     groups of 4 (the last 1-4) separated by spaces or
 *                     hyphens. Mask: "[银行卡号已隐去]".
 *   REDACT_ADDRESS    see "Addresses" below. Mask: "***" for the detail.
 *   REDACT_PERSON_NAME every occurrence of a name in options.names. Mask as
 *                     redact_mask_person_name: "李四" -> "李某".
 *   REDACT_PARTY_NAME the party's name when party_is_person: "张三" -> "张某",
 *                     "欧阳小明" -> "欧阳某某". An organisation's name is kept.
 *   REDACT_MINOR      every occurrence of a name in options.minor_names,
 *                     masked entirely as "某某"; and an age "N岁"/"N周岁" with
 *                     N < 18 near a person (see "Ages"), the number masked as
 *                     "**" ("15岁" -> "**岁").
 *   REDACT_MANUAL     byte ranges marked by staff (options.manual), each
 *                     masked as "■■" whatever its length.
 *
 * Numbers are read as runs of ASCII digit groups joined by single spaces or
 * hyphens; a run touching an ASCII letter, '_' or a decimal point (a digit
 * inside a longer alphanumeric, an amount like 1200.50), or followed by '%',
 * is never personal data. Full-width digits are not read.
 *
 * Addresses (rule of this module, each clause tested):
 *   - an address starts after a district-level name: the character 区, 县, 旗
 *     or 市 preceded by a CJK character (a name: 某区, 示例县, 某某旗, 某某市
 *     for a 县级市) and not part of a common word (小区, 社区, 园区, 超市,
 *     城市, 国旗, 区域, 市场…);
 *   - what follows must be a chain of one or more segments, each up to 10
 *     name characters (CJK, ASCII or full-width letters and digits, '-', '#')
 *     ending in a marker: 街道 社区 小区 大道 胡同 单元 路 街 巷 弄 号 栋 幢 座
 *     层 楼 室 村 组 镇 乡;
 *   - a segment stops at a character that cannot be part of an address name
 *     (punctuation, spaces, and words of running text or of agency names:
 *     局 委 厅 院 政 的 于 在 对 向 将 年 月 日 第 条 款 项 元 …), and the first
 *     segment may not hold another district character (the later, lower
 *     level name is the one kept);
 *   - when the chain is directly followed by a character that makes it the
 *     name of an organisation (街道办事处, 村委会, 派出所, 人民路店, 支行, 公司,
 *     市场…) nothing is masked;
 *   - the part up to and including the district character is kept, the chain
 *     is masked: "示例市某区人民路12号3幢2单元1201室" -> "示例市某区***".
 *     "示例市某区" alone and "示例市某区市场监督管理局" are untouched.
 *
 * Ages: a number (ASCII digits with an optional decimal part, or Chinese
 * numerals 一…十七, 两) followed by 岁 or 周岁, below 18, is masked unless it
 * follows 满 (不满十四周岁, 已满十六周岁 are legal text), and only when the 12
 * characters before it, within the same sentence (no 。；！？ or line break
 * between), contain a person: an occurrence of a listed or party name, or
 * one of 男 女 某 子 孩 童 儿 孙 生.
 *
 * Never touched: occurrences of options.keep (e.g. 执法证号), all-digit or
 * alphanumeric 18-character valid 统一社会信用代码, URLs (http:// or https://
 * up to a space or non-ASCII character), and the masks this module writes.
 * Any automatic finding overlapping one of them is dropped; manual marks are
 * not (staff decide).
 *
 * Overlaps: findings that overlap are merged into their union, whose kind is
 * the first present in this order: MANUAL, ID_NUMBER, BANK_CARD, PHONE,
 * ADDRESS, MINOR, PERSON_NAME, PARTY_NAME; a merged name span is masked as
 * one name. A listed name that equals its own mask (e.g. "张某") is no
 * finding.
 *
 * Promises (tested, fuzzed): redact_find's spans are sorted, non-overlapping,
 * on character boundaries; redact_check(redact_apply(x)) == 0, and
 * redact_apply(redact_apply(x)) == redact_apply(x) for the same options
 * without manual marks (their offsets belong to the first text). redact_apply
 * repeats find-and-mask until nothing is found (a name mask can meet a
 * neighbour and form a listed name), at most REDACT_MAX_ROUNDS times.
 *
 * What it does not do: no full-width digits, no IDs written with spaces, no
 * landlines without area code, no recognition of unlisted names (a person's
 * name is only known when the caller lists it), no photos or school names.
 * Ownership: options and text are borrowed; outputs are sx_malloc'd and freed
 * by the caller with sx_free.
 */
#ifndef SX_DOMAIN_REDACT_H
#define SX_DOMAIN_REDACT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"

#define REDACT_MAX_TEXT_BYTES ((size_t)1024 * 1024) /* input text, 1 MiB */
#define REDACT_MAX_NAMES 1000       /* per list: names, minor_names, keep */
#define REDACT_MAX_NAME_BYTES 64    /* one name: 1..64 bytes, 2+ characters */
#define REDACT_MAX_KEEP_BYTES 128   /* one keep token: 1..128 bytes */
#define REDACT_MAX_MANUAL 10000     /* manual marks */
#define REDACT_MAX_ROUNDS 8         /* find-and-mask passes of redact_apply */
#define REDACT_MAX_OUTPUT_BYTES ((size_t)8 * 1024 * 1024) /* masked text */

enum redact_kind {
	REDACT_ID_NUMBER = 1, /* 身份证号 */
	REDACT_PHONE,         /* 电话号码 */
	REDACT_BANK_CARD,     /* 银行卡号 */
	REDACT_ADDRESS,       /* 详细地址 (below district level) */
	REDACT_PERSON_NAME,   /* a listed natural person other than the party */
	REDACT_PARTY_NAME,    /* the party, when a natural person */
	REDACT_MINOR,         /* a minor's name or age */
	REDACT_MANUAL,        /* marked by staff */
};

#define REDACT_KIND_COUNT 8

/* A finding: text[start, end) in bytes, on UTF-8 character boundaries. */
struct redact_span {
	size_t start;
	size_t end; /* exclusive; start < end */
	enum redact_kind kind;
};

/* What the caller knows. All borrowed; NULL arrays allowed with count 0. */
struct redact_options {
	const char *party_name;          /* NULL or "" = none; else a name (rules below) */
	bool party_is_person;            /* false: the party is an organisation, name kept */
	const char *const *names;        /* other natural persons: witnesses, relatives… */
	size_t name_count;               /* 0..REDACT_MAX_NAMES */
	const char *const *minor_names;  /* names of minors, masked entirely */
	size_t minor_name_count;         /* 0..REDACT_MAX_NAMES */
	const char *const *keep;         /* tokens never masked: 执法证号, case numbers… */
	size_t keep_count;               /* 0..REDACT_MAX_NAMES */
	const struct redact_span *manual;/* staff marks; kind is ignored; may overlap */
	size_t manual_count;             /* 0..REDACT_MAX_MANUAL */
};

/*
 * Finds personal data in text[0, len). *out receives an sx_malloc'd array of
 * *count spans (sorted, non-overlapping), NULL when *count is 0; free it with
 * sx_free. opt may be NULL (no names, no marks).
 * Returns 0, or on error (*out NULL, *count 0):
 *   SX_EINVALID "bad_argument"     out, count NULL; text NULL with len > 0
 *   SX_ETOOBIG  "too_big"          len > REDACT_MAX_TEXT_BYTES, or a list too long
 *   SX_EINVALID "bad_text"         text is not well-formed UTF-8
 *   SX_EINVALID "bad_name"         a party, listed or minor name empty, too long,
 *                                  one character, not UTF-8, or with a space or
 *                                  control character (the message says which list)
 *   SX_EINVALID "bad_keep"         a keep token empty, too long or not UTF-8
 *   SX_EINVALID "bad_manual_span"  a mark empty, past len or inside a character
 *   SX_ENOMEM
 */
int redact_find(struct redact_span **out, size_t *count, const char *text, size_t len,
		const struct redact_options *opt, struct sx_error *err);

/*
 * Writes the masked text (masks in the header comment) to *out, an
 * sx_malloc'd NUL-terminated string of *out_len bytes; free with sx_free.
 * Same arguments and errors as redact_find, plus SX_ETOOBIG "too_big" when
 * the result would pass REDACT_MAX_OUTPUT_BYTES and SX_EINTERNAL
 * "redact_no_fixpoint" when REDACT_MAX_ROUNDS passes still find something.
 * On error *out is NULL and *out_len 0.
 */
int redact_apply(char **out, size_t *out_len, const char *text, size_t len,
		 const struct redact_options *opt, struct sx_error *err);

/*
 * Whether text is clean: 0 when redact_find (with opt's manual marks
 * ignored — they are instructions for redact_apply, not findings) finds
 * nothing; else SX_ECONFLICT "personal_data_found" with a zh-CN message
 * naming the kind and the position of the first finding ("第 12 字处疑似
 * 身份证号…", characters counted from 1) and *first filled (first may be
 * NULL). This is what saving a publication refuses unless overridden with a
 * reason. Other errors as redact_find (but the marks are not checked
 * either, since their offsets may belong to the text before masking);
 * *first is written only on SX_ECONFLICT.
 */
int redact_check(struct redact_span *first, const char *text, size_t len,
		 const struct redact_options *opt, struct sx_error *err);

/*
 * Masks a natural person's name for publication: the surname is kept and each
 * further character becomes 某: "张三" -> "张某", "张三丰" -> "张某某",
 * "欧阳小明" -> "欧阳某某". A compound surname (欧阳 司马 诸葛 上官…, the
 * common ones, built in) is kept whole when at least one character follows.
 * name is NUL-terminated UTF-8 of 1..REDACT_MAX_NAME_BYTES bytes; a
 * one-character name is returned as "某".
 * Returns 0, SX_EINVALID "bad_name" (NULL, empty, too long, not UTF-8),
 * SX_ETOOBIG "too_big" (out_size too small; size 3 * characters + 1 is
 * always enough). On error nothing is written.
 */
int redact_mask_person_name(char *out, size_t size, const char *name, struct sx_error *err);

/* "id_number" "phone" "bank_card" "address" "person_name" "party_name"
 * "minor" "manual"; NULL out of range. */
const char *redact_kind_code(enum redact_kind kind);
/* 身份证号 电话号码 银行卡号 详细地址 自然人姓名 当事人姓名 未成年人信息 人工标注;
 * NULL out of range. */
const char *redact_kind_label(enum redact_kind kind);

#endif
