/*
 * Unit tests for domain/recording: the audio/video gate (国办发〔2018〕118号
 * 三(二) 全程音像记录) and the capture metadata of evidence.
 *
 * The gate: a full-process stage needs a video, a key-step stage a video or
 * an audio recording; photos and files never count; evidence of another stage
 * never counts; an exemption counts only with a reason that is not blank, and
 * only for its own stage. The message names the list's stage name and what is
 * needed, and *missing points at the unmet requirement.
 *
 * Capture metadata: every error code of recording_capture_check, the clock
 * skew boundary (now + 5 min allowed, one microsecond more refused), the
 * coordinate ranges with their ends inclusive and NaN refused, the length
 * limits at their boundary, and the order in which problems are reported.
 *
 * The module does not allocate, so there is no allocation-failure test.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/error.h"
#include "base/time.h"
#include "domain/recording.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- kinds ------------------------------------------------------------------------------- */

static void test_each_evidence_kind_has_its_code_and_label_and_round_trips(void **state)
{
	static const struct {
		enum recording_kind kind;
		const char *code;
		const char *label;
	} cases[] = {
		{RECORDING_VIDEO, "video", "视频"},
		{RECORDING_AUDIO, "audio", "音频"},
		{RECORDING_PHOTO, "photo", "照片"},
		{RECORDING_FILE, "file", "文件"},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		enum recording_kind got = 0;

		assert_string_equal(recording_kind_code(cases[i].kind), cases[i].code);
		assert_string_equal(recording_kind_label(cases[i].kind), cases[i].label);
		assert_int_equal(recording_kind_from_code(&got, cases[i].code, NULL), 0);
		assert_int_equal(got, cases[i].kind);
	}
	assert_string_equal(recording_kind_code((enum recording_kind)0), "unknown");
	assert_string_equal(recording_kind_label((enum recording_kind)5), "未知");
}

static void test_an_unknown_evidence_kind_word_is_bad_evidence_kind(void **state)
{
	static const char *const words[] = {"", "Video", "视频", "videos", NULL};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(words); i++) {
		struct sx_error err = {0};
		enum recording_kind got = RECORDING_FILE;

		assert_int_equal(recording_kind_from_code(&got, words[i], &err), SX_EINVALID);
		assert_string_equal(err.code, "bad_evidence_kind");
		assert_int_equal(got, RECORDING_FILE);
	}
	assert_int_equal(recording_kind_from_code(NULL, "video", NULL), SX_EINVALID);
}

/* ---- recording_gate_check ---------------------------------------------------------------- */

static const struct recording_requirement full_req[] = {
	{"coercion", "查封扣押", true},
};
static const struct recording_requirement key_req[] = {
	{"investigation", "现场检查", false},
};

static void test_a_video_of_the_stage_satisfies_a_full_process_requirement(void **state)
{
	const struct recording_evidence ev[] = {{"coercion", RECORDING_PHOTO},
						{"coercion", RECORDING_VIDEO}};
	const struct recording_requirement *missing = full_req;
	struct sx_error err = {0};

	(void)state;
	assert_int_equal(
		recording_gate_check(&missing, "coercion", full_req, 1, ev, 2, NULL, 0, &err), 0);
	assert_null(missing);
}

static void test_audio_satisfies_key_steps_but_not_full_process(void **state)
{
	const struct recording_evidence audio[] = {{"investigation", RECORDING_AUDIO}};
	const struct recording_evidence audio_c[] = {{"coercion", RECORDING_AUDIO}};
	const struct recording_requirement *missing = NULL;
	struct sx_error err = {0};

	(void)state;
	assert_int_equal(recording_gate_check(&missing, "investigation", key_req, 1, audio, 1, NULL,
					      0, &err),
			 0);
	assert_null(missing);

	assert_int_equal(
		recording_gate_check(&missing, "coercion", full_req, 1, audio_c, 1, NULL, 0, &err),
		SX_ECONFLICT);
	assert_string_equal(err.code, "recording_required");
	assert_ptr_equal(missing, &full_req[0]);
	assert_string_equal(
		err.message,
		"本环节（查封扣押）须全程录像：请上传视频证据，或由机关负责人登记免于录像的理由");
}

static void test_photos_and_files_never_satisfy_an_audio_video_requirement(void **state)
{
	const struct recording_evidence ev[] = {{"investigation", RECORDING_PHOTO},
						{"investigation", RECORDING_FILE},
						{"investigation", (enum recording_kind)0}};
	const struct recording_requirement *missing = NULL;
	struct sx_error err = {0};

	(void)state;
	assert_int_equal(
		recording_gate_check(&missing, "investigation", key_req, 1, ev, 3, NULL, 0, &err),
		SX_ECONFLICT);
	assert_string_equal(err.code, "recording_required");
	assert_ptr_equal(missing, &key_req[0]);
	assert_non_null(strstr(err.message, "现场检查"));
	assert_non_null(strstr(err.message, "视频或音频"));
}

static void test_evidence_of_another_stage_does_not_count(void **state)
{
	const struct recording_evidence ev[] = {{"investigation", RECORDING_VIDEO},
						{NULL, RECORDING_VIDEO}};
	const struct recording_requirement *missing = NULL;
	struct sx_error err = {0};

	(void)state;
	assert_int_equal(
		recording_gate_check(&missing, "coercion", full_req, 1, ev, 2, NULL, 0, &err),
		SX_ECONFLICT);
	assert_string_equal(err.code, "recording_required");
	assert_ptr_equal(missing, &full_req[0]);
}

static void test_requirements_of_other_stages_are_ignored(void **state)
{
	const struct recording_requirement *missing = full_req;

	(void)state;
	assert_int_equal(recording_gate_check(&missing, "investigation", full_req, 1, NULL, 0, NULL,
					      0, NULL),
			 0);
	assert_null(missing);
	assert_int_equal(recording_gate_check(NULL, "decision", NULL, 0, NULL, 0, NULL, 0, NULL),
			 0);
}

static void test_an_exemption_counts_only_with_a_reason_that_is_not_blank(void **state)
{
	static const char *const blank[] = {
		"", "   ", "\t\n", "\xe3\x80\x80\xe3\x80\x80", "\xc2\xa0", NULL,
	};
	const struct recording_requirement *missing = NULL;
	struct sx_error err = {0};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(blank); i++) {
		const struct recording_exemption ex[] = {{"coercion", blank[i]}};

		assert_int_equal(recording_gate_check(&missing, "coercion", full_req, 1, NULL, 0,
						      ex, 1, &err),
				 SX_ECONFLICT);
		assert_string_equal(err.code, "recording_required");
	}
	{
		const struct recording_exemption ex[] = {
			{"coercion", " 执法记录仪故障，已现场登记 "}};

		assert_int_equal(recording_gate_check(&missing, "coercion", full_req, 1, NULL, 0,
						      ex, 1, &err),
				 0);
		assert_null(missing);
	}
}

static void test_an_exemption_of_another_stage_does_not_count(void **state)
{
	const struct recording_exemption ex[] = {{"investigation", "设备故障"}, {NULL, "设备故障"}};
	struct sx_error err = {0};

	(void)state;
	assert_int_equal(recording_gate_check(NULL, "coercion", full_req, 1, NULL, 0, ex, 2, &err),
			 SX_ECONFLICT);
	assert_string_equal(err.code, "recording_required");
}

static void test_every_requirement_of_the_stage_must_be_met_first_unmet_named(void **state)
{
	const struct recording_requirement reqs[] = {
		{"coercion", "现场检查", false},
		{"coercion", "查封扣押", true},
		{"coercion", "强制拆除", true},
	};
	const struct recording_evidence audio[] = {{"coercion", RECORDING_AUDIO}};
	const struct recording_evidence video[] = {{"coercion", RECORDING_VIDEO}};
	const struct recording_requirement *missing = NULL;
	struct sx_error err = {0};

	(void)state;
	assert_int_equal(
		recording_gate_check(&missing, "coercion", reqs, 3, audio, 1, NULL, 0, &err),
		SX_ECONFLICT);
	assert_ptr_equal(missing, &reqs[1]);
	assert_non_null(strstr(err.message, "查封扣押"));

	assert_int_equal(
		recording_gate_check(&missing, "coercion", reqs, 3, NULL, 0, NULL, 0, &err),
		SX_ECONFLICT);
	assert_ptr_equal(missing, &reqs[0]);

	assert_int_equal(
		recording_gate_check(&missing, "coercion", reqs, 3, video, 1, NULL, 0, &err), 0);
	assert_null(missing);
}

static void test_a_requirement_without_a_list_name_is_named_by_its_stage(void **state)
{
	const struct recording_requirement reqs[] = {{"hearing", NULL, false}};
	struct sx_error err = {0};

	(void)state;
	assert_int_equal(recording_gate_check(NULL, "hearing", reqs, 1, NULL, 0, NULL, 0, &err),
			 SX_ECONFLICT);
	assert_non_null(strstr(err.message, "（hearing）"));
}

static void test_gate_arguments_are_checked(void **state)
{
	struct sx_error err = {0};

	(void)state;
	assert_int_equal(recording_gate_check(NULL, NULL, full_req, 1, NULL, 0, NULL, 0, &err),
			 SX_EINVALID);
	assert_int_equal(recording_gate_check(NULL, "", full_req, 1, NULL, 0, NULL, 0, &err),
			 SX_EINVALID);
	assert_int_equal(recording_gate_check(NULL, "coercion", NULL, 1, NULL, 0, NULL, 0, &err),
			 SX_EINVALID);
	assert_int_equal(
		recording_gate_check(NULL, "coercion", full_req, 1, NULL, 1, NULL, 0, &err),
		SX_EINVALID);
	assert_int_equal(
		recording_gate_check(NULL, "coercion", full_req, 1, NULL, 0, NULL, 1, &err),
		SX_EINVALID);
}

/* ---- recording_capture_check ------------------------------------------------------------- */

#define START "2026-03-15T01:00:00.000000Z"
#define END "2026-03-15T01:30:00.000000Z"
#define NOW "2026-03-15T02:00:00.000000Z"

static int64_t now_us(void)
{
	int64_t t = 0;

	assert_int_equal(sx_time_parse_utc(&t, NOW, strlen(NOW)), 0);
	return t;
}

static struct recording_capture good_video(void)
{
	struct recording_capture c = {
		.kind = RECORDING_VIDEO,
		.started_at = START,
		.ended_at = END,
		.device_id = "JLY-0042",
		.place = "示范市东区人民路 1 号",
		.has_coords = false,
	};

	return c;
}

static void expect_capture(const struct recording_capture *c, int64_t now, const char *code)
{
	struct sx_error err = {0};
	int rc = recording_capture_check(c, now, &err);

	if (code == NULL) {
		assert_int_equal(rc, 0);
		return;
	}
	assert_int_equal(rc, SX_EINVALID);
	assert_string_equal(err.code, code);
	assert_true(err.message[0] != '\0');
}

static void test_good_metadata_passes_for_every_kind(void **state)
{
	struct recording_capture c = good_video();

	(void)state;
	expect_capture(&c, now_us(), NULL);
	c.kind = RECORDING_AUDIO;
	expect_capture(&c, now_us(), NULL);

	/* Photos need a place but no times or device; files need nothing. */
	c.kind = RECORDING_PHOTO;
	c.started_at = "";
	c.ended_at = NULL;
	c.device_id = "";
	expect_capture(&c, now_us(), NULL);
	c.kind = RECORDING_FILE;
	c.place = "";
	expect_capture(&c, now_us(), NULL);
	c.place = NULL;
	c.started_at = NULL;
	c.device_id = NULL;
	expect_capture(&c, now_us(), NULL);
}

static void test_unparseable_capture_times_are_bad_capture_time(void **state)
{
	static const char *const bad[] = {
		"2026-03-15T01:00:00Z",
		"2026-03-15 01:00:00.000000Z",
		"2026-03-15T01:00:00.000000+08:00",
		"2026-02-30T01:00:00.000000Z",
		"2026-03-15T24:00:00.000000Z",
		"yesterday",
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		struct recording_capture c = good_video();

		c.started_at = bad[i];
		expect_capture(&c, now_us(), "bad_capture_time");
		c = good_video();
		c.ended_at = bad[i];
		expect_capture(&c, now_us(), "bad_capture_time");
		/* Even a photo, which may leave times out, must give a readable one. */
		c.kind = RECORDING_PHOTO;
		c.started_at = "";
		expect_capture(&c, now_us(), "bad_capture_time");
	}
}

static void test_an_end_before_the_start_is_bad_capture_time(void **state)
{
	struct recording_capture c = good_video();

	(void)state;
	c.started_at = END;
	c.ended_at = START;
	expect_capture(&c, now_us(), "bad_capture_time");
	c.ended_at = END; /* zero length is allowed */
	expect_capture(&c, now_us(), NULL);
	c.ended_at = "2026-03-15T01:29:59.999999Z";
	expect_capture(&c, now_us(), "bad_capture_time");
}

static void test_a_capture_later_than_five_minutes_after_now_is_bad_capture_time(void **state)
{
	struct recording_capture c = good_video();
	int64_t end_us = 0;

	(void)state;
	assert_int_equal(sx_time_parse_utc(&end_us, END, strlen(END)), 0);
	/* now + 5 min == end: inside the allowed skew. */
	expect_capture(&c, end_us - RECORDING_CLOCK_SKEW_US, NULL);
	expect_capture(&c, end_us - RECORDING_CLOCK_SKEW_US - 1, "bad_capture_time");

	/* A photo with only a start time in the future. */
	c.kind = RECORDING_PHOTO;
	c.ended_at = "";
	c.started_at = "2026-03-15T02:05:00.000001Z";
	expect_capture(&c, now_us(), "bad_capture_time");
	c.started_at = "2026-03-15T02:05:00.000000Z";
	expect_capture(&c, now_us(), NULL);

	/* A clock near the end of representable time does not overflow. */
	c = good_video();
	expect_capture(&c, INT64_MAX, NULL);
}

static void test_video_and_audio_need_both_capture_times(void **state)
{
	static const enum recording_kind kinds[] = {RECORDING_VIDEO, RECORDING_AUDIO};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(kinds); i++) {
		struct recording_capture c = good_video();

		c.kind = kinds[i];
		c.started_at = "";
		expect_capture(&c, now_us(), "capture_time_required");
		c = good_video();
		c.kind = kinds[i];
		c.ended_at = NULL;
		expect_capture(&c, now_us(), "capture_time_required");
	}
}

static void test_coordinates_must_lie_on_earth_and_not_be_nan(void **state)
{
	static const struct {
		double lat, lon;
		bool ok;
	} cases[] = {
		{90.0, 180.0, true},   {-90.0, -180.0, true}, {30.27, 120.15, true},
		{90.0001, 0, false},   {-90.0001, 0, false},  {0, 180.0001, false},
		{0, -180.0001, false}, {NAN, 0, false},       {0, NAN, false},
		{INFINITY, 0, false},  {0, -INFINITY, false},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct recording_capture c = good_video();

		c.has_coords = true;
		c.lat = cases[i].lat;
		c.lon = cases[i].lon;
		expect_capture(&c, now_us(), cases[i].ok ? NULL : "bad_coordinates");
	}
	{
		/* Without has_coords the numbers are not looked at. */
		struct recording_capture c = good_video();

		c.lat = NAN;
		expect_capture(&c, now_us(), NULL);
	}
}

static void test_video_audio_and_photo_need_a_place_or_coordinates(void **state)
{
	static const enum recording_kind kinds[] = {RECORDING_VIDEO, RECORDING_AUDIO,
						    RECORDING_PHOTO};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(kinds); i++) {
		struct recording_capture c = good_video();

		c.kind = kinds[i];
		c.place = "";
		expect_capture(&c, now_us(), "place_required");
		c.place = NULL;
		expect_capture(&c, now_us(), "place_required");
		c.place = " \xe3\x80\x80 ";
		expect_capture(&c, now_us(), "place_required");
		c.has_coords = true;
		c.lat = 30.27;
		c.lon = 120.15;
		expect_capture(&c, now_us(), NULL);
	}
}

static void test_video_and_audio_need_a_device(void **state)
{
	struct recording_capture c = good_video();

	(void)state;
	c.device_id = "";
	expect_capture(&c, now_us(), "device_required");
	c.device_id = NULL;
	expect_capture(&c, now_us(), "device_required");
	c.kind = RECORDING_AUDIO;
	c.device_id = "  ";
	expect_capture(&c, now_us(), "device_required");
}

static void test_device_and_place_longer_than_their_limits_are_field_too_long(void **state)
{
	char device[RECORDING_DEVICE_ID_MAX + 2];
	char place[RECORDING_PLACE_MAX + 2];
	struct recording_capture c = good_video();

	(void)state;
	memset(device, 'D', sizeof(device) - 1);
	device[RECORDING_DEVICE_ID_MAX] = '\0';
	c.device_id = device;
	expect_capture(&c, now_us(), NULL);
	device[RECORDING_DEVICE_ID_MAX] = 'D';
	device[RECORDING_DEVICE_ID_MAX + 1] = '\0';
	expect_capture(&c, now_us(), "field_too_long");

	c = good_video();
	for (size_t i = 0; i < RECORDING_PLACE_MAX; i += 3)
		memcpy(place + i, "路", 3);
	place[RECORDING_PLACE_MAX] = '\0';
	c.place = place;
	expect_capture(&c, now_us(), NULL);
	place[RECORDING_PLACE_MAX] = 'x';
	place[RECORDING_PLACE_MAX + 1] = '\0';
	expect_capture(&c, now_us(), "field_too_long");
}

static void test_a_bad_kind_or_null_capture_is_bad_evidence_kind(void **state)
{
	struct recording_capture c = good_video();

	(void)state;
	c.kind = (enum recording_kind)0;
	expect_capture(&c, now_us(), "bad_evidence_kind");
	c.kind = (enum recording_kind)5;
	expect_capture(&c, now_us(), "bad_evidence_kind");
	expect_capture(NULL, now_us(), "bad_evidence_kind");
}

static void test_capture_problems_are_reported_in_the_documented_order(void **state)
{
	char device[RECORDING_DEVICE_ID_MAX + 2];
	struct recording_capture c = {
		.kind = RECORDING_VIDEO,
		.started_at = "garbage",
		.ended_at = "",
		.device_id = device,
		.place = "",
		.has_coords = true,
		.lat = 200.0,
		.lon = 0.0,
	};

	(void)state;
	memset(device, 'D', sizeof(device) - 1);
	device[sizeof(device) - 1] = '\0';
	expect_capture(&c, now_us(), "field_too_long");
	c.device_id = "";
	expect_capture(&c, now_us(), "bad_coordinates");
	c.has_coords = false;
	expect_capture(&c, now_us(), "bad_capture_time");
	c.started_at = START;
	expect_capture(&c, now_us(), "capture_time_required");
	c.ended_at = END;
	expect_capture(&c, now_us(), "place_required");
	c.place = "现场";
	expect_capture(&c, now_us(), "device_required");
	c.device_id = "JLY-1";
	expect_capture(&c, now_us(), NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_evidence_kind_has_its_code_and_label_and_round_trips),
		cmocka_unit_test(test_an_unknown_evidence_kind_word_is_bad_evidence_kind),
		cmocka_unit_test(test_a_video_of_the_stage_satisfies_a_full_process_requirement),
		cmocka_unit_test(test_audio_satisfies_key_steps_but_not_full_process),
		cmocka_unit_test(test_photos_and_files_never_satisfy_an_audio_video_requirement),
		cmocka_unit_test(test_evidence_of_another_stage_does_not_count),
		cmocka_unit_test(test_requirements_of_other_stages_are_ignored),
		cmocka_unit_test(test_an_exemption_counts_only_with_a_reason_that_is_not_blank),
		cmocka_unit_test(test_an_exemption_of_another_stage_does_not_count),
		cmocka_unit_test(test_every_requirement_of_the_stage_must_be_met_first_unmet_named),
		cmocka_unit_test(test_a_requirement_without_a_list_name_is_named_by_its_stage),
		cmocka_unit_test(test_gate_arguments_are_checked),
		cmocka_unit_test(test_good_metadata_passes_for_every_kind),
		cmocka_unit_test(test_unparseable_capture_times_are_bad_capture_time),
		cmocka_unit_test(test_an_end_before_the_start_is_bad_capture_time),
		cmocka_unit_test(
			test_a_capture_later_than_five_minutes_after_now_is_bad_capture_time),
		cmocka_unit_test(test_video_and_audio_need_both_capture_times),
		cmocka_unit_test(test_coordinates_must_lie_on_earth_and_not_be_nan),
		cmocka_unit_test(test_video_audio_and_photo_need_a_place_or_coordinates),
		cmocka_unit_test(test_video_and_audio_need_a_device),
		cmocka_unit_test(test_device_and_place_longer_than_their_limits_are_field_too_long),
		cmocka_unit_test(test_a_bad_kind_or_null_capture_is_bad_evidence_kind),
		cmocka_unit_test(test_capture_problems_are_reported_in_the_documented_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
