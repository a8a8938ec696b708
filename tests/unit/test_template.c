/*
 * Unit tests for http/template: escaping by default ({{x}}) and raw output
 * only when asked ({{{x}}}), absent variables, sections and inverted
 * sections with nesting, syntax errors (unclosed and stray blocks,
 * unterminated tags) — always rendered from a buffer that ends exactly at the
 * template's length with no NUL after it, so that ASan catches any read past
 * the end — and the embedded pages login.html and layout.html. Allocation
 * failure at every step must leave nothing behind (ASan's leak check).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/buf.h"
#include "base/error.h"
#include "base/mem.h"
#include "http/template.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define OUT_MAX (1024 * 1024)

/*
 * Renders text from a heap copy of exactly strlen(text) bytes — no NUL after
 * it — so that any read past text + len is a heap overflow under ASan.
 * Appends to out; returns the renderer's code.
 */
static int render_exact(struct buf *out, const char *text, const struct template_var *vars,
			size_t count, struct sx_error *err)
{
	size_t len = strlen(text);
	char *copy = sx_malloc(len ? len : 1);
	int rc;

	assert_non_null(copy);
	memcpy(copy, text, len);
	rc = template_render_text(out, copy, len, vars, count, err);
	sx_free(copy);
	return rc;
}

/* Renders text (exact-length copy) and compares the whole output with want. */
static void expect_render(const char *text, const struct template_var *vars, size_t count,
			  const char *want)
{
	struct buf out;
	struct sx_error err;
	int rc;

	buf_init(&out, OUT_MAX);
	sx_error_clear(&err);
	rc = render_exact(&out, text, vars, count, &err);
	if (rc != 0)
		fail_msg("\"%s\": rc %d (%s)", text, rc, err.detail);
	if (strcmp(out.data ? out.data : "", want) != 0)
		fail_msg("\"%s\": got \"%s\", want \"%s\"", text, out.data ? out.data : "", want);
	buf_free(&out);
}

static void expect_syntax_error(const char *text, const struct template_var *vars, size_t count)
{
	struct buf out;
	struct sx_error err;
	int rc;

	buf_init(&out, OUT_MAX);
	sx_error_clear(&err);
	rc = render_exact(&out, text, vars, count, &err);
	if (rc != SX_EINTERNAL)
		fail_msg("\"%s\": rc %d, want SX_EINTERNAL", text, rc);
	assert_int_equal(err.rc, SX_EINTERNAL);
	buf_free(&out);
}

static void test_text_without_tags_is_copied_verbatim(void **state)
{
	static const char *const texts[] = {
		"", "plain", "<p>&amp; stays</p>", "{ single } braces }}", "a{b}c", "}}{",
		"张明 · 三项制度", "{", "}}}", "x{",
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(texts); i++)
		expect_render(texts[i], NULL, 0, texts[i]);
}

static void test_variable_is_html_escaped(void **state)
{
	const struct template_var vars[] = {
		{"x", "<a href=\"u\">Tom & 'Jerry'</a>"},
		{"plain", "张明"},
	};

	(void)state;
	expect_render("[{{x}}]", vars, ARRAY_LEN(vars),
		      "[&lt;a href=&quot;u&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;]");
	expect_render("{{plain}}", vars, ARRAY_LEN(vars), "张明");
	expect_render("{{plain}}{{plain}}", vars, ARRAY_LEN(vars), "张明张明");
	expect_render("<input value=\"{{x}}\">", vars, ARRAY_LEN(vars),
		      "<input value=\"&lt;a href=&quot;u&quot;&gt;Tom &amp; &#39;Jerry&#39;"
		      "&lt;/a&gt;\">");
}

static void test_triple_braces_insert_the_variable_raw(void **state)
{
	const struct template_var vars[] = {{"html", "<b>&amp;</b>"}};

	(void)state;
	expect_render("<main>{{{html}}}</main>", vars, ARRAY_LEN(vars),
		      "<main><b>&amp;</b></main>");
	expect_render("{{{html}}}{{html}}", vars, ARRAY_LEN(vars),
		      "<b>&amp;</b>&lt;b&gt;&amp;amp;&lt;/b&gt;");
}

static void test_absent_or_null_variable_renders_empty(void **state)
{
	const struct template_var vars[] = {{"null", NULL}, {"x", "1"}};

	(void)state;
	expect_render("a{{missing}}b", vars, ARRAY_LEN(vars), "ab");
	expect_render("a{{{missing}}}b", vars, ARRAY_LEN(vars), "ab");
	expect_render("a{{null}}b{{{null}}}c", vars, ARRAY_LEN(vars), "abc");
	expect_render("a{{missing}}b", NULL, 0, "ab");
	/* Names match whole: a prefix or an extension of a name is another name. */
	expect_render("{{xx}}|{{X}}", vars, ARRAY_LEN(vars), "|");
}

static void test_section_shows_only_for_a_non_empty_variable(void **state)
{
	const struct template_var vars[] = {{"yes", "1"}, {"empty", ""}, {"null", NULL}};

	(void)state;
	expect_render("a{{#yes}}[shown]{{/yes}}b", vars, ARRAY_LEN(vars), "a[shown]b");
	expect_render("a{{#empty}}[hidden]{{/empty}}b", vars, ARRAY_LEN(vars), "ab");
	expect_render("a{{#null}}[hidden]{{/null}}b", vars, ARRAY_LEN(vars), "ab");
	expect_render("a{{#absent}}[hidden]{{/absent}}b", vars, ARRAY_LEN(vars), "ab");
	expect_render("{{#yes}}{{/yes}}", vars, ARRAY_LEN(vars), "");
}

static void test_inverted_section_shows_only_for_an_empty_variable(void **state)
{
	const struct template_var vars[] = {{"yes", "1"}, {"empty", ""}, {"null", NULL}};

	(void)state;
	expect_render("a{{^yes}}[hidden]{{/yes}}b", vars, ARRAY_LEN(vars), "ab");
	expect_render("a{{^empty}}[shown]{{/empty}}b", vars, ARRAY_LEN(vars), "a[shown]b");
	expect_render("a{{^null}}[shown]{{/null}}b", vars, ARRAY_LEN(vars), "a[shown]b");
	expect_render("a{{^absent}}[shown]{{/absent}}b", vars, ARRAY_LEN(vars), "a[shown]b");
}

static void test_sections_render_their_variables_escaped(void **state)
{
	const struct template_var vars[] = {{"error", "<script>"}};

	(void)state;
	expect_render("{{#error}}<p>{{error}}</p>{{/error}}", vars, ARRAY_LEN(vars),
		      "<p>&lt;script&gt;</p>");
}

static void test_sections_of_different_names_nest(void **state)
{
	static const char text[] = "<{{#a}}A{{#b}}B{{/b}}{{^b}}-b{{/b}}{{/a}}{{^a}}-a{{/a}}>";
	static const struct {
		const char *a;
		const char *b;
		const char *want;
	} cases[] = {
		{"1", "1", "<AB>"},
		{"1", "", "<A-b>"},
		{"", "1", "<-a>"},
		{"", "", "<-a>"},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		const struct template_var vars[] = {{"a", cases[i].a}, {"b", cases[i].b}};

		expect_render(text, vars, ARRAY_LEN(vars), cases[i].want);
	}
}

static void test_section_may_end_the_template(void **state)
{
	const struct template_var vars[] = {{"x", "v"}};

	(void)state;
	expect_render("{{#x}}{{x}}{{/x}}", vars, ARRAY_LEN(vars), "v");
	expect_render("{{^x}}{{x}}{{/x}}", vars, ARRAY_LEN(vars), "");
	expect_render("{{x}}", vars, ARRAY_LEN(vars), "v");
	expect_render("{{{x}}}", vars, ARRAY_LEN(vars), "v");
}

static void test_syntax_errors_are_internal_errors(void **state)
{
	static const char *const texts[] = {
		/* unclosed blocks */
		"{{#a}}never closed",
		"{{^a}}never closed",
		"{{#a}}x{{/b}}",
		"{{#a}}x{{/a}",
		/* stray close */
		"{{/a}}",
		"x{{/a}}y",
		"{{#a}}x{{/a}}{{/a}}",
		/* unterminated tags, at and near the very end */
		"{{",
		"abc{{",
		"{{x",
		"{{x}",
		"abc {{x }",
		"{{{",
		"{{{x",
		"{{{x}",
		"{{{x}}",
		"{{#",
		"{{#a",
		"{{#a}",
		"{{^a}",
		"{{/",
		"{{/a}",
	};
	const struct template_var vars[] = {{"a", "1"}, {"b", "1"}, {"x", "X"}};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(texts); i++) {
		expect_syntax_error(texts[i], vars, ARRAY_LEN(vars));
		expect_syntax_error(texts[i], NULL, 0);
	}
}

static void test_unclosed_block_inside_a_shown_section_is_an_error(void **state)
{
	const struct template_var vars[] = {{"a", "1"}};

	(void)state;
	expect_syntax_error("{{#a}}{{#b}}x{{/a}}", vars, ARRAY_LEN(vars));
	expect_syntax_error("{{#a}}{{/b}}{{/a}}", vars, ARRAY_LEN(vars));
}

static void test_tags_past_the_given_length_are_not_seen(void **state)
{
	/* The renderer is handed a prefix of a longer string: the closing
	 * braces exist in memory but not in the template. */
	static const struct {
		const char *text;
		size_t len;
	} cases[] = {
		{"{{x}}", 3},
		{"{{x}}", 4},
		{"ab{{{x}}}", 7},
		{"ab{{{x}}}", 8},
		{"{{#x}}y{{/x}}", 4},
		{"{{#x}}y{{/x}}", 12},
	};
	const struct template_var vars[] = {{"x", "SECRET"}};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct buf out;
		struct sx_error err;
		int rc;

		buf_init(&out, OUT_MAX);
		sx_error_clear(&err);
		rc = template_render_text(&out, cases[i].text, cases[i].len, vars, ARRAY_LEN(vars),
					  &err);
		if (rc != SX_EINTERNAL)
			fail_msg("\"%.*s\": rc %d, want SX_EINTERNAL", (int)cases[i].len,
				 cases[i].text, rc);
		assert_true(out.data == NULL || strstr(out.data, "SECRET") == NULL);
		buf_free(&out);
	}
}

static void test_error_detail_quotes_the_template_without_reading_past_it(void **state)
{
	struct buf out;
	struct sx_error err;

	(void)state;
	buf_init(&out, OUT_MAX);
	sx_error_clear(&err);
	assert_int_equal(render_exact(&out, "ok {{broken", NULL, 0, &err), SX_EINTERNAL);
	assert_non_null(strstr(err.detail, "{{broken"));
	assert_true(strlen(err.detail) < sizeof(err.detail));
	buf_free(&out);
}

static void test_render_appends_to_existing_content(void **state)
{
	const struct template_var vars[] = {{"x", "<"}};
	struct buf out;

	(void)state;
	buf_init(&out, OUT_MAX);
	assert_int_equal(buf_append_str(&out, "head:"), 0);
	assert_int_equal(render_exact(&out, "[{{x}}]", vars, ARRAY_LEN(vars), NULL), 0);
	assert_string_equal(out.data, "head:[&lt;]");
	buf_free(&out);
}

static void test_output_over_the_buffer_cap_is_refused(void **state)
{
	const struct template_var vars[] = {{"x", "&&&&"}};
	struct buf out;

	(void)state;
	buf_init(&out, 8);
	assert_int_equal(render_exact(&out, "{{x}}", vars, ARRAY_LEN(vars), NULL), SX_ETOOBIG);
	assert_true(out.len <= 8);
	buf_free(&out);
}

/* ---- embedded pages ---- */

static void test_login_page_escapes_the_csrf_token_and_username(void **state)
{
	const struct template_var vars[] = {
		{"csrf_token", "tok\"><script>x</script>"},
		{"username", "a'b&c"},
		{"error", "用户名或密码错误"},
	};
	struct buf out;
	struct sx_error err;

	(void)state;
	buf_init(&out, OUT_MAX);
	sx_error_clear(&err);
	assert_int_equal(template_render(&out, "login.html", vars, ARRAY_LEN(vars), &err), 0);
	assert_non_null(strstr(out.data,
			       "value=\"tok&quot;&gt;&lt;script&gt;x&lt;/script&gt;\""));
	assert_null(strstr(out.data, "<script>"));
	assert_non_null(strstr(out.data, "value=\"a&#39;b&amp;c\""));
	assert_non_null(strstr(out.data, "<p class=\"error\" role=\"alert\">用户名或密码错误</p>"));
	assert_null(strstr(out.data, "{{"));
	buf_free(&out);
}

static void test_login_page_without_error_has_no_alert(void **state)
{
	const struct template_var vars[] = {{"csrf_token", "abc"}};
	struct buf out;

	(void)state;
	buf_init(&out, OUT_MAX);
	assert_int_equal(template_render(&out, "login.html", vars, ARRAY_LEN(vars), NULL), 0);
	assert_non_null(strstr(out.data, "value=\"abc\""));
	assert_null(strstr(out.data, "role=\"alert\""));
	buf_free(&out);
}

static void test_unknown_template_is_not_found(void **state)
{
	static const char *const names[] = {"nope.html", "", "../templates/login.html",
					    "login.htm"};
	struct buf out;
	struct sx_error err;

	(void)state;
	buf_init(&out, OUT_MAX);
	for (size_t i = 0; i < ARRAY_LEN(names); i++) {
		sx_error_clear(&err);
		assert_int_equal(template_render(&out, names[i], NULL, 0, &err), SX_ENOTFOUND);
		assert_int_equal(err.rc, SX_ENOTFOUND);
		assert_int_equal(template_render_page(&out, names[i], NULL, 0, NULL), SX_ENOTFOUND);
	}
	assert_int_equal(out.len, 0);
	buf_free(&out);
}

static void test_page_is_wrapped_in_the_layout_with_its_title(void **state)
{
	const struct template_var vars[] = {
		{"title", "登录 <&>"},
		{"csrf_token", "c<1>"},
	};
	struct buf out;
	struct sx_error err;
	const char *main_start, *section, *main_end;

	(void)state;
	buf_init(&out, OUT_MAX);
	sx_error_clear(&err);
	assert_int_equal(template_render_page(&out, "login.html", vars, ARRAY_LEN(vars), &err), 0);
	assert_true(strncmp(out.data, "<!doctype html>", 15) == 0);
	assert_non_null(strstr(out.data, "<title>登录 &lt;&amp;&gt; · 三项制度执法平台</title>"));
	/* The content is inserted raw, inside <main>, and its own variables are
	 * still escaped. */
	main_start = strstr(out.data, "<main>");
	section = strstr(out.data, "<section class=\"login\">");
	main_end = strstr(out.data, "</main>");
	assert_non_null(main_start);
	assert_non_null(section);
	assert_non_null(main_end);
	assert_true(main_start < section && section < main_end);
	assert_non_null(strstr(out.data, "value=\"c&lt;1&gt;\""));
	/* No user: the layout offers the login link. */
	assert_non_null(strstr(out.data, "href=\"/staff/login\""));
	assert_null(strstr(out.data, "{{"));
	buf_free(&out);
}

static void test_page_shows_the_signed_in_user_escaped(void **state)
{
	const struct template_var vars[] = {
		{"title", "首页"},
		{"user_name", "张<明>"},
		{"agency_name", "示例市司法局"},
		{"role_label", "监督人员"},
	};
	struct buf out;

	(void)state;
	buf_init(&out, OUT_MAX);
	assert_int_equal(template_render_page(&out, "index.html", vars, ARRAY_LEN(vars), NULL), 0);
	assert_non_null(strstr(out.data, "示例市司法局 · 张&lt;明&gt;（监督人员）"));
	assert_null(strstr(out.data, "工作人员登录</a>"));
	buf_free(&out);
}

static void test_page_with_too_many_variables_is_refused(void **state)
{
	struct template_var vars[64];
	struct buf out;

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(vars); i++) {
		vars[i].name = "v";
		vars[i].value = "x";
	}
	buf_init(&out, OUT_MAX);
	assert_int_equal(template_render_page(&out, "login.html", vars, ARRAY_LEN(vars), NULL),
			 SX_EINTERNAL);
	assert_int_equal(out.len, 0);
	buf_free(&out);
}

static void test_allocation_failure_at_any_step_cleans_up(void **state)
{
	const struct template_var vars[] = {{"title", "登录"}, {"csrf_token", "abc"}};
	long n;
	int rc = SX_ENOMEM;

	(void)state;
	for (n = 0; n < 100; n++) {
		struct buf out;

		buf_init(&out, OUT_MAX);
		sx_mem_fail_after(n);
		rc = template_render_page(&out, "login.html", vars, ARRAY_LEN(vars), NULL);
		sx_mem_fail_after(-1);
		buf_free(&out);
		if (rc == 0)
			break;
		assert_int_equal(rc, SX_ENOMEM);
	}
	assert_int_equal(rc, 0);
	assert_true(n > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_without_tags_is_copied_verbatim),
		cmocka_unit_test(test_variable_is_html_escaped),
		cmocka_unit_test(test_triple_braces_insert_the_variable_raw),
		cmocka_unit_test(test_absent_or_null_variable_renders_empty),
		cmocka_unit_test(test_section_shows_only_for_a_non_empty_variable),
		cmocka_unit_test(test_inverted_section_shows_only_for_an_empty_variable),
		cmocka_unit_test(test_sections_render_their_variables_escaped),
		cmocka_unit_test(test_sections_of_different_names_nest),
		cmocka_unit_test(test_section_may_end_the_template),
		cmocka_unit_test(test_syntax_errors_are_internal_errors),
		cmocka_unit_test(test_unclosed_block_inside_a_shown_section_is_an_error),
		cmocka_unit_test(test_tags_past_the_given_length_are_not_seen),
		cmocka_unit_test(test_error_detail_quotes_the_template_without_reading_past_it),
		cmocka_unit_test(test_render_appends_to_existing_content),
		cmocka_unit_test(test_output_over_the_buffer_cap_is_refused),
		cmocka_unit_test(test_login_page_escapes_the_csrf_token_and_username),
		cmocka_unit_test(test_login_page_without_error_has_no_alert),
		cmocka_unit_test(test_unknown_template_is_not_found),
		cmocka_unit_test(test_page_is_wrapped_in_the_layout_with_its_title),
		cmocka_unit_test(test_page_shows_the_signed_in_user_escaped),
		cmocka_unit_test(test_page_with_too_many_variables_is_refused),
		cmocka_unit_test(test_allocation_failure_at_any_step_cleans_up),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
