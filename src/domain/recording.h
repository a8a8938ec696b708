/*
 * domain/recording — the audio/video gate of a case (音像记录): whether a case
 * may leave a stage given the recordings uploaded for it, and whether the
 * capture metadata of one piece of evidence is plausible. Pure: no I/O, no
 * allocation, no clock (the caller passes "now").
 *
 * The rule and where it comes from: 国办发〔2018〕118号 三(二): 对查封扣押财产、
 * 强制拆除等直接涉及人身自由、生命健康、重大财产权益的现场执法活动和执法办案场所，
 * 要推行全程音像记录; for the other listed stages key steps are recorded. A
 * matter's list (domain/matter, struct matter_av_stage) says which stages and
 * whether each is recorded in full; the caller maps those to stage codes of
 * the case ("investigation", …) and passes them in as requirements:
 *   - full_process: only a video (视频) satisfies it — the whole process,
 *     picture and sound;
 *   - key steps: a video or an audio recording (音频) satisfies it;
 *   - photos (照片) and files (文件) never satisfy an audio/video requirement;
 *   - evidence counts only for the stage it was captured in;
 *   - an exemption (免于录像, registered by the agency's head when recording
 *     was impossible) lifts every requirement of its stage, but only with a
 *     reason that is not blank (ASCII blanks and 全角空格 do not count).
 *
 * Stage codes are plain strings compared byte for byte, so this module does
 * not depend on the case file's stage enum.
 */
#ifndef SX_DOMAIN_RECORDING_H
#define SX_DOMAIN_RECORDING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

#define RECORDING_DEVICE_ID_MAX 128   /* bytes */
#define RECORDING_PLACE_MAX 384       /* bytes: 128 CJK characters */
#define RECORDING_CLOCK_SKEW_US ((int64_t)5 * 60 * 1000000) /* a device clock may run 5 min ahead */

enum recording_kind {
	RECORDING_VIDEO = 1, /* 视频 */
	RECORDING_AUDIO,     /* 音频 */
	RECORDING_PHOTO,     /* 照片 */
	RECORDING_FILE,      /* 文件 */
};

/* "video" "audio" "photo" "file"; "unknown" outside the enum. */
const char *recording_kind_code(enum recording_kind kind);

/* 视频 音频 照片 文件; "未知" outside the enum. */
const char *recording_kind_label(enum recording_kind kind);

/* The kind for a code word. SX_EINVALID "bad_evidence_kind" otherwise (NULL
 * included); *out is then unchanged. */
int recording_kind_from_code(enum recording_kind *out, const char *code, struct sx_error *err);

/* One requirement of the matter's list, mapped to a stage of the case. */
struct recording_requirement {
	const char *stage;     /* stage code, e.g. "investigation" */
	const char *av_name;   /* the list's stage name, e.g. 查封扣押; NULL reads as stage */
	bool full_process;     /* true: a video; false (key steps): a video or an audio */
};

/* One uploaded piece of evidence. */
struct recording_evidence {
	const char *stage;     /* stage code it was captured in */
	enum recording_kind kind;
};

/* 免于录像 registered for a stage. */
struct recording_exemption {
	const char *stage;     /* stage code */
	const char *reason;    /* why recording was impossible; blank = no exemption */
};

/*
 * Returns 0 when the case may leave `stage`: every requirement whose stage is
 * `stage` is met by some evidence of that stage of a satisfying kind, or the
 * stage has an exemption with a non-blank reason. Requirements, evidence and
 * exemptions of other stages are ignored; entries with a NULL stage never
 * match. *missing (may be NULL) is set to the first unmet requirement (a
 * pointer into reqs), or NULL.
 *
 * Errors:
 *   SX_EINVALID  stage NULL or "", or an array NULL with its count > 0
 *   SX_ECONFLICT "recording_required"  a requirement is unmet; the message
 *                names the list's av_name and what is needed, e.g.
 *                本环节（查封扣押）须全程录像：请上传视频证据，或由机关负责人登记免于录像的理由
 */
int recording_gate_check(const struct recording_requirement **missing, const char *stage,
			 const struct recording_requirement *reqs, size_t req_count,
			 const struct recording_evidence *ev, size_t ev_count,
			 const struct recording_exemption *ex, size_t ex_count,
			 struct sx_error *err);

/* When, where and with what a piece of evidence was captured. NULL strings read as "". */
struct recording_capture {
	enum recording_kind kind;
	const char *started_at; /* UTC "YYYY-MM-DDTHH:MM:SS.ffffffZ" (sx_time_parse_utc), or "" */
	const char *ended_at;   /* same form, or "" */
	const char *device_id;  /* 执法记录仪 number; ≤ RECORDING_DEVICE_ID_MAX bytes */
	const char *place;      /* text, ≤ RECORDING_PLACE_MAX bytes; may be "" */
	bool has_coords;        /* lat/lon below are meaningful */
	double lat;             /* degrees, -90..90 */
	double lon;             /* degrees, -180..180 */
};

/*
 * Checks capture metadata against now_us (current time in µs since the epoch,
 * passed in so that the check is pure). Checks run in this order and the first
 * failure is returned, all SX_EINVALID:
 *   "bad_evidence_kind"     kind outside the enum (or c NULL)
 *   "field_too_long"        device_id > 128 bytes, place > 384 bytes
 *   "bad_coordinates"       has_coords and lat ∉ [-90,90] or lon ∉ [-180,180] or NaN
 *   "bad_capture_time"      a given time that does not parse, end before start,
 *                           or a start or end later than now_us + 5 min
 *   "capture_time_required" video/audio without both start and end
 *   "place_required"        video/audio/photo with neither place text nor coordinates
 *   "device_required"       video/audio without device_id
 * Photos and files may leave the times out; when only one is given it must
 * still parse.
 */
int recording_capture_check(const struct recording_capture *c, int64_t now_us,
			    struct sx_error *err);

#endif
