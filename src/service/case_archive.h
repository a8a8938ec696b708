/*
 * service/case_archive — 归档 export: one case as one ZIP file that anyone can
 * check offline (`sanxiang export-case`, `sanxiang verify FILE.zip`), and the
 * checks themselves (docs/cases.md, "Archive (归档)").
 *
 * Layout of the ZIP (format "sanxiang-case-archive/1"):
 *
 *   manifest.json   {"format", "archive_id", "case": {id, case_no, agency,
 *                   kind, procedure, matter, stage, archived, started_on,
 *                   decided_on, closed_on, archived_on}, "exported_at",
 *                   "exported_by", "files": [{"path", "kind", "sha256",
 *                   "size", …}]}; no party ID number or phone
 *   case.json       the case row (party secrets masked as the service shows
 *                   them to the exporter), officers, transitions, records,
 *                   evidence (deleted ones too, without a file), exemptions
 *   records/NNN-<template>-<record id>.json   values_json exactly as stored
 *   records/NNN-<template>-<record id>.pdf    rendered from it (report/pdf)
 *   evidence/<evidence id>-<sha256>.<ext>     the evidence file's bytes
 *   access_log.json every 调阅 row of the case, the export's own included
 *   README.txt      in Chinese: what this is and how to check it
 *   proof/bundle.json  service_ledger_export of the case id (ledger/bundle.h)
 *
 * How the parts prove each other:
 *  - the bundle is proved by its checkpoint's signatures (bundle_verify);
 *  - the manifest by the bundle: the export appends the ledger event
 *    "case.export" {archive_id, case_id, manifest_sha256, file_count} before
 *    the bundle is made, so every byte of manifest.json is covered by a signed
 *    checkpoint;
 *  - every other file by the manifest (SHA-256 and size). The bundle is
 *    listed in the manifest by path and kind only: it proves the manifest, so
 *    the manifest cannot hold its hash;
 *  - besides, each record's JSON must have the content_sha256 of its
 *    "record.make" event and each evidence file the sha256, sm3 and size of
 *    its "evidence.add" event (《行政处罚法》第四十六条: 视听资料 and 电子数据
 *    are evidence only when shown to be the file collected).
 *
 * Invariants: evidence streams from the blob store into the ZIP (64 KiB at a
 * time; ZIP64 by libzip for files over 4 GiB) and is re-hashed on the way: a
 * blob whose bytes no longer match its name fails the export. Verification
 * streams every entry the same way; only the manifest, record JSON and the
 * bundle are held in memory, each under a cap.
 *
 * Does not: speak HTTP (a route writes the ZIP to a temp file and serves it),
 * extract files, or prove that the archive holds every event of the case (a
 * Merkle log proves membership, not absence: docs/ledger.md).
 */
#ifndef SX_SERVICE_CASE_ARCHIVE_H
#define SX_SERVICE_CASE_ARCHIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "ledger/bundle.h"
#include "service/service.h"

#define SERVICE_CASE_ARCHIVE_FORMAT "sanxiang-case-archive/1"
#define SERVICE_CASE_ARCHIVE_MANIFEST_MAX_BYTES (16u * 1024 * 1024)
#define SERVICE_CASE_ARCHIVE_JSON_MAX_BYTES (16u * 1024 * 1024) /* case.json, a record, the log */
#define SERVICE_CASE_ARCHIVE_MAX_FINDINGS 1000 /* lines of a report; more are counted only */

/* What an export wrote. */
struct service_case_archive_info {
	char archive_id[STORE_ID_SIZE];      /* ULID, also in the manifest and the ledger event */
	char case_id[STORE_ID_SIZE];
	char case_no[STORE_CASE_NO_SIZE];
	bool case_archived;                  /* the case is at stage 归档 */
	size_t file_count;                   /* files listed in the manifest */
	size_t record_count;
	size_t evidence_count;               /* evidence files in the ZIP (deleted ones not) */
	uint64_t evidence_bytes;
	uint64_t checkpoint_size;            /* tree size the bundle is proved against */
	int64_t ledger_index;                /* leaf of the "case.export" event */
};

/*
 * Writes the archive of case_id to zip_path, which must not exist (it is
 * created with libzip's temporary file and rename, then fsynced).
 *
 * Who: the agency head and unit heads of the case's agency, supervisors of its
 * region, admins (the CLI's operator). The export is 调阅: a reason is needed
 * unless the actor is an officer on the case, and it is logged as a
 * case_access row (object_type "archive", action "export", object_id the
 * archive id) with its "case.access" event, then the "case.export" event;
 * both commit before the archive is written and stay if writing fails.
 * svc->ledger must be open: a checkpoint is published so that the bundle
 * covers the case's events, the export's own included. svc->blobs must be set
 * when the case has evidence.
 *
 * Returns 0 and fills *info (may be NULL). Errors: SX_ENOTFOUND
 * "case_not_found" (also for a case the actor may not read); SX_EPERM
 * "forbidden"; SX_EINVALID "reason_required" "invalid" (NULL or empty
 * zip_path) "ledger_not_open"; SX_EINTERNAL "evidence_unavailable";
 * SX_EEXISTS "file_exists"; SX_ECONFLICT "not_yet_covered" when no checkpoint
 * came to cover the export's events; SX_ECORRUPT "blob_corrupt" when an
 * evidence file no longer has its hash, or the log's own self-check fails;
 * SX_EIO / SX_ENOSPC "archive_write_failed"; SX_ENOMEM; the store's errors.
 * On error no file is left at zip_path.
 */
int service_case_archive_write(const char *zip_path, struct service_case_archive_info *info,
			       const struct service *svc, const struct service_actor *actor,
			       const char *case_id, const char *reason, const char *remote_addr,
			       struct sx_error *err);

/*
 * The id of the case named by id_or_no: a case id, or a 案号 (the oldest case
 * with that number should two agencies share it). The actor must be able to
 * read the case; nothing is logged (no file content is shown).
 * Errors: SX_ENOTFOUND "case_not_found"; the store's errors.
 */
int service_case_archive_find(char out[STORE_ID_SIZE], const struct service *svc,
			      const struct service_actor *actor, const char *id_or_no,
			      struct sx_error *err);

/* ---- verification (pure: reads the ZIP, no database) ---- */

/* One line of a verification report. */
struct service_case_archive_finding {
	bool passed;
	char code[SX_ERROR_CODE_MAX];        /* stable word, e.g. "file_hash_mismatch" */
	char text[SX_ERROR_MESSAGE_MAX * 2]; /* zh-CN, names the file or event */
};

/* What service_case_archive_verify found. Free with service_case_archive_report_free. */
struct service_case_archive_report {
	char archive_id[STORE_ID_SIZE];      /* from the manifest; "" until read */
	char case_id[STORE_ID_SIZE];
	char case_no[STORE_CASE_NO_SIZE];
	bool case_archived;
	size_t file_count;                   /* files listed in the manifest */
	size_t files_matched;                /* of them, present with their hash and size */
	size_t records_proved;               /* record JSON matching its record.make event */
	size_t evidence_proved;              /* evidence matching its evidence.add event */
	bool manifest_proved;                /* manifest hash in a case.export event */
	bool bundle_verified;
	struct bundle_report bundle;         /* as far as bundle_verify got */
	struct service_case_archive_finding *findings; /* sx_malloc'd, in check order */
	size_t finding_count;                /* at most SERVICE_CASE_ARCHIVE_MAX_FINDINGS */
	size_t failure_count;                /* all failures, also those past the cap */
};

/* Whether the file at path starts with a ZIP local header ("PK\3\4"). */
bool service_case_archive_is_zip(const char *path);

/*
 * Checks the archive at zip_path: (1) manifest.json is of this format, every
 * file it lists is in the ZIP with its SHA-256 and size (streamed), and the
 * ZIP holds no other file (directory entries aside); (2) proof/bundle.json
 * verifies with bundle_verify under opt (trusted keys, old checkpoint: as for
 * a bare bundle) and is about the manifest's case, with no pending event;
 * (3) the manifest's SHA-256 is that of the bundle's "case.export" event of
 * this archive id, every record JSON has its record.make content_sha256,
 * every evidence file the SHA-256, SM3 and size of its evidence.add event.
 * Every check adds a finding (passed or failed) to *out; checks go on after a
 * failure so that the report says everything that is wrong.
 *
 * Returns 0 when everything holds; SX_ECORRUPT when a check failed (err names
 * the first failure); SX_EINVALID "not_an_archive" when the file is not a ZIP
 * or has no manifest.json (nothing else checked); SX_EIO "unreadable";
 * SX_ENOMEM. *out is filled in every case; free it.
 */
int service_case_archive_verify(struct service_case_archive_report *out, const char *zip_path,
				const struct bundle_verify_options *opt, struct sx_error *err);

/* Frees what r owns and zeroes it. r may be NULL. */
void service_case_archive_report_free(struct service_case_archive_report *r);

#endif
