/*
 * domain/recording — see recording.h for the rules and 国办发〔2018〕118号.
 *
 * Decisions taken here:
 *   - "Blank" text is only ASCII blanks (space, tab, CR, LF), U+00A0 and
 *     U+3000 (全角空格); bytes that are not well-formed UTF-8 count as
 *     content (the service layer refuses them before they are stored).
 *   - Messages quote a stage's av_name cut to a character boundary
 *     (codec_utf8_prefix_len) so that they stay valid UTF-8.
 *   - Coordinates are checked with comparisons that are false for NaN, so
 *     NaN and infinities are out of range without isnan.
 */
#include "domain/recording.h"

#include <stdio.h>
#include <string.h>

#include "base/codec.h"
#include "base/error.h"
#include "base/time.h"

/* Bytes of an av_name quoted in a message (32 CJK characters, MATTER_STEP_SIZE). */
#define RECORDING_QUOTE_MAX 96

struct recording_kind_text {
	enum recording_kind kind;
	const char *code;
	const char *label;
};

static const struct recording_kind_text recording_kinds[] = {
	{RECORDING_VIDEO, "video", "视频"},
	{RECORDING_AUDIO, "audio", "音频"},
	{RECORDING_PHOTO, "photo", "照片"},
	{RECORDING_FILE, "file", "文件"},
};

#define RECORDING_KIND_COUNT (sizeof(recording_kinds) / sizeof(recording_kinds[0]))

static const struct recording_kind_text *recording__kind_find(enum recording_kind kind)
{
	for (size_t i = 0; i < RECORDING_KIND_COUNT; i++) {
		if (recording_kinds[i].kind == kind)
			return &recording_kinds[i];
	}
	return NULL;
}

const char *recording_kind_code(enum recording_kind kind)
{
	const struct recording_kind_text *t = recording__kind_find(kind);

	return t ? t->code : "unknown";
}

const char *recording_kind_label(enum recording_kind kind)
{
	const struct recording_kind_text *t = recording__kind_find(kind);

	return t ? t->label : "未知";
}

int recording_kind_from_code(enum recording_kind *out, const char *code, struct sx_error *err)
{
	if (out == NULL)
		return sx_error_set(err, SX_EINVALID, NULL, NULL);
	if (code != NULL) {
		for (size_t i = 0; i < RECORDING_KIND_COUNT; i++) {
			if (strcmp(recording_kinds[i].code, code) == 0) {
				*out = recording_kinds[i].kind;
				return 0;
			}
		}
	}
	return sx_error_set(err, SX_EINVALID, "bad_evidence_kind",
			    "证据类型无效：应为视频、音频、照片或文件");
}

static const char *recording__text(const char *s)
{
	return s ? s : "";
}

static bool recording__is_blank(const char *s)
{
	size_t len = strlen(recording__text(s));
	size_t i = 0;

	while (i < len) {
		unsigned long cp = 0;
		size_t n = codec_utf8_char_len(s + i, len - i, &cp);

		if (n == 0)
			return false;
		if (!(cp == ' ' || cp == '\t' || cp == '\r' || cp == '\n' || cp == 0xa0 ||
		      cp == 0x3000))
			return false;
		i += n;
	}
	return true;
}

static bool recording__same_stage(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

static bool recording__satisfies(enum recording_kind kind, bool full_process)
{
	if (kind == RECORDING_VIDEO)
		return true;
	return kind == RECORDING_AUDIO && !full_process;
}

int recording_gate_check(const struct recording_requirement **missing, const char *stage,
			 const struct recording_requirement *reqs, size_t req_count,
			 const struct recording_evidence *ev, size_t ev_count,
			 const struct recording_exemption *ex, size_t ex_count,
			 struct sx_error *err)
{
	char message[SX_ERROR_MESSAGE_MAX];

	if (missing)
		*missing = NULL;
	if (stage == NULL || stage[0] == '\0' || (reqs == NULL && req_count > 0) ||
	    (ev == NULL && ev_count > 0) || (ex == NULL && ex_count > 0))
		return sx_error_set(err, SX_EINVALID, NULL, NULL);

	/* An exemption lifts the whole stage, whatever its requirements. */
	for (size_t i = 0; i < ex_count; i++) {
		if (recording__same_stage(ex[i].stage, stage) && !recording__is_blank(ex[i].reason))
			return 0;
	}

	for (size_t r = 0; r < req_count; r++) {
		const struct recording_requirement *req = &reqs[r];
		bool met = false;
		const char *name;
		int name_len;

		if (!recording__same_stage(req->stage, stage))
			continue;
		for (size_t i = 0; i < ev_count && !met; i++)
			met = recording__same_stage(ev[i].stage, stage) &&
			      recording__satisfies(ev[i].kind, req->full_process);
		if (met)
			continue;

		if (missing)
			*missing = req;
		name = req->av_name ? req->av_name : req->stage;
		name_len = codec_utf8_prefix_len(name, RECORDING_QUOTE_MAX);
		if (req->full_process)
			snprintf(message, sizeof(message),
				 "本环节（%.*s）须全程录像："
				 "请上传视频证据，或由机关负责人登记免于录像的理由",
				 name_len, name);
		else
			snprintf(message, sizeof(message),
				 "本环节（%.*s）须录音或录像："
				 "请上传视频或音频证据，或由机关负责人登记免于录音录像的理由",
				 name_len, name);
		return sx_error_setf(err, SX_ECONFLICT, "recording_required", message,
				     "stage %s: %s requirement unmet", stage,
				     req->full_process ? "full_process" : "key_steps");
	}
	return 0;
}

/* Parses a capture time: *given false for "" (or NULL). SX_EINVALID when not parseable. */
static int recording__time(int64_t *out, bool *given, const char *text)
{
	size_t len = strlen(recording__text(text));

	*given = len > 0;
	if (len == 0)
		return 0;
	return sx_time_parse_utc(out, text, len);
}

int recording_capture_check(const struct recording_capture *c, int64_t now_us, struct sx_error *err)
{
	int64_t start_us = 0, end_us = 0;
	bool has_start, has_end, is_av;
	int64_t latest_us;

	if (c == NULL || recording__kind_find(c->kind) == NULL)
		return sx_error_set(err, SX_EINVALID, "bad_evidence_kind",
				    "证据类型无效：应为视频、音频、照片或文件");
	is_av = c->kind == RECORDING_VIDEO || c->kind == RECORDING_AUDIO;

	if (strlen(recording__text(c->device_id)) > RECORDING_DEVICE_ID_MAX)
		return sx_error_set(err, SX_EINVALID, "field_too_long",
				    "设备编号过长：最多 128 个字节");
	if (strlen(recording__text(c->place)) > RECORDING_PLACE_MAX)
		return sx_error_set(err, SX_EINVALID, "field_too_long",
				    "拍摄地点过长：最多 128 个汉字");

	if (c->has_coords &&
	    !(c->lat >= -90.0 && c->lat <= 90.0 && c->lon >= -180.0 && c->lon <= 180.0))
		return sx_error_set(
			err, SX_EINVALID, "bad_coordinates",
			"拍摄位置坐标无效：纬度应在 -90 至 90 之间，经度应在 -180 至 180 之间");

	if (recording__time(&start_us, &has_start, c->started_at) < 0)
		return sx_error_set(err, SX_EINVALID, "bad_capture_time", "拍摄开始时间格式无效");
	if (recording__time(&end_us, &has_end, c->ended_at) < 0)
		return sx_error_set(err, SX_EINVALID, "bad_capture_time", "拍摄结束时间格式无效");
	if (has_start && has_end && end_us < start_us)
		return sx_error_set(err, SX_EINVALID, "bad_capture_time",
				    "拍摄结束时间早于开始时间");
	/* now_us + skew cannot overflow for any time the text form can show; clamp otherwise. */
	latest_us = now_us > SX_TIME_MAX_US - RECORDING_CLOCK_SKEW_US
			    ? SX_TIME_MAX_US
			    : now_us + RECORDING_CLOCK_SKEW_US;
	if ((has_start && start_us > latest_us) || (has_end && end_us > latest_us))
		return sx_error_set(err, SX_EINVALID, "bad_capture_time",
				    "拍摄时间晚于当前时间：请检查执法记录仪的时钟");
	if (is_av && !(has_start && has_end))
		return sx_error_set(err, SX_EINVALID, "capture_time_required",
				    "音视频证据须填写拍摄开始时间和结束时间");

	if (c->kind != RECORDING_FILE && !c->has_coords && recording__is_blank(c->place))
		return sx_error_set(err, SX_EINVALID, "place_required",
				    "须填写拍摄地点或提供拍摄位置坐标");
	if (is_av && recording__is_blank(c->device_id))
		return sx_error_set(err, SX_EINVALID, "device_required",
				    "音视频证据须填写执法记录仪等拍摄设备的编号");
	return 0;
}
