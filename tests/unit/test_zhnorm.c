/*
 * Unit tests for search/zhnorm: traditional and simplified texts get the same
 * search form; full-width letters and digits, case and white space are
 * folded; the character count is kept (on a realistic decision text of more
 * than 2,000 characters, on mixed text, and with a configuration whose
 * phrases change length, tw2sp.json, which forces the per-character path);
 * grams are distinct, ordered, and a substring's grams are always among the
 * text's; the highlighter marks matches across the two scripts, escapes
 * HTML, cuts with "…"; bad UTF-8, the size limit, a missing configuration
 * and every allocation failure are errors that leave nothing behind.
 *
 * The expected simplified forms are the standard ones (《通用规范汉字表》),
 * written by hand, not produced by OpenCC.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/buf.h"
#include "base/error.h"
#include "base/mem.h"
#include "search/zhnorm.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define LIT(s) s, sizeof(s) - 1

static size_t count_chars(const char *s, size_t len)
{
	size_t n = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	}
	return n;
}

/* The search form of s; the caller frees it with sx_free. */
static char *norm(const struct zhnorm *z, const char *s)
{
	struct sx_error err;
	char *out = NULL;
	size_t out_len = 0;

	assert_int_equal(zhnorm_text(&out, &out_len, z, s, strlen(s), &err), 0);
	assert_non_null(out);
	assert_int_equal(out_len, strlen(out));
	return out;
}

static void assert_norm(const struct zhnorm *z, const char *in, const char *expect)
{
	char *got = norm(z, in);

	assert_string_equal(got, expect);
	sx_free(got);
}

/*
 * A 行政处罚决定书 in traditional characters, as a Taiwan- or Hong Kong-trained
 * clerk or a traditional-script input method would type it. The paragraphs
 * are joined with single newlines and no white-space run, so the search form
 * has exactly as many characters as the text.
 */
static const char *const decision_paragraphs[] = {
	"某某縣市場監督管理局行政處罰決定書",
	"某市監處罰〔2024〕118號",
	"當事人：某某縣華興餐飲管理有限公司。統一社會信用代碼：91350100M000100Y43。住所：某某縣城關鎮"
	"解放路。法定代表人：王某某。",
	"2024年3月5日，本局執法人員依法對當事人經營場所進行現場檢查，發現當事人後廚冷藏櫃內存放的"
	"豬肉、牛肉等食品原料共計42.5公斤已超過保質期，且未按規定標示，當事人無法提供上述食品原料的"
	"購進憑證及檢驗檢疫證明。執法人員當場製作了現場筆錄，對涉案食品原料進行了拍照、錄影，並依法"
	"實施了扣押。經本局負責人批准，本案於當日立案調查。",
	"經查明：當事人自2024年2月起從個體攤販處購進上述豬肉、牛肉，未查驗供貨者的許可證和肉品品質"
	"檢驗合格證明，亦未建立進貨查驗記錄。截至檢查之日，當事人已將部分原料用於加工菜餚並對外銷售，"
	"違法所得經財務帳簿核對為人民幣3,860元。上述事實有現場筆錄、詢問筆錄、照片、扣押決定書、"
	"當事人提供的營業執照影本及銷售單據等證據證明，證據確實、充分。",
	"本局認為：當事人經營超過保質期的食品原料的行為，違反了《中華人民共和國食品安全法》第三十四條"
	"第（十）項的規定；未查驗供貨者許可證和食品合格證明文件、未建立進貨查驗記錄的行為，違反了該法"
	"第五十三條第一款、第二款的規定。依據《中華人民共和國食品安全法》第一百二十四條第一款第（五）項"
	"及第一百二十六條第一款第（三）項的規定，應當予以行政處罰。",
	"本局於2024年4月2日向當事人送達了《行政處罰告知書》，告知當事人擬作出行政處罰的內容及事實、"
	"理由、依據，並告知其依法享有陳述、申辯和要求聽證的權利。當事人在法定期限內提出了陳述、申辯，"
	"稱其係初次違法，且已主動停止銷售、召回相關菜餚，積極配合調查。經復核，本局認為當事人的陳述"
	"部分屬實，依據《中華人民共和國行政處罰法》第三十二條第（一）項的規定，對其從輕處罰；其餘申辯"
	"理由不能成立，不予採納。",
	"綜上，依據《中華人民共和國食品安全法》第一百二十四條第一款、第一百二十六條第一款及《中華人民"
	"共和國行政處罰法》第二十八條的規定，本局決定對當事人作出如下行政處罰：一、沒收違法所得人民幣"
	"3,860元；二、沒收扣押的超過保質期的豬肉、牛肉共計42.5公斤；三、罰款人民幣五萬元整。",
	"當事人應當自收到本決定書之日起十五日內，將罰沒款繳至指定銀行帳戶。到期不繳納罰款的，本局將"
	"依據《中華人民共和國行政處罰法》第七十二條第一款第（一）項的規定，每日按罰款數額的百分之三"
	"加處罰款，並依法申請人民法院強制執行。",
	"當事人如不服本處罰決定，可以在收到本決定書之日起六十日內向某某縣人民政府申請行政復議，也可以"
	"在六個月內依法向某某縣人民法院提起行政訴訟。申請行政復議或者提起行政訴訟期間，本處罰決定不"
	"停止執行，法律另有規定的除外。",
	"附件：1.違法所得計算說明；2.扣押財物清單；3.涉案證據目錄。",
	"本局聯繫人：李某某；聯繫電話：0591-12345678；辦公地址：某某縣城關鎮人民路88號綜合樓五樓。",
	"經辦人員在調查過程中嚴格遵守了迴避制度，並全程執行了執法記錄儀錄音錄影，相關音像資料已歸檔"
	"保存。本決定書正本一式三份，一份送達當事人，一份存檔，一份報上級機關備案。本局將依法在國家"
	"企業信用資訊公示系統上公示本處罰決定的主要內容，並依照《政府資訊公開條例》的規定在本局門戶"
	"網站公開。當事人可以在行政處罰信息公示期滿後，依照有關規定申請信用修復；申請信用修復的，應當"
	"提交已經履行行政處罰決定的證明材料、信用修復承諾書等資料，經審核符合條件的，本局將停止公示。",
	"特此決定。",
	"某某縣市場監督管理局（印章）",
	"二〇二四年四月十八日",
	"（本決定書一式三份，當事人一份，本局存檔一份，報備一份。如對本決定書內容有疑問，請於工作日"
	"上午八時半至十二時、下午二時半至五時半撥打上述電話諮詢，或到本局辦事大廳窗口當面查詢，"
	"亦可登錄本局網站「政務公開」專欄檢索本決定書全文及相關法律、法規、規章的條文。）",
	"附：相關法律條文摘錄。《中華人民共和國食品安全法》第三十四條：禁止生產經營下列食品、食品添加劑"
	"、食品相關產品：……（十）標註虛假生產日期、保質期或者超過保質期的食品、食品添加劑。第五十三條"
	"第一款：食品經營者採購食品，應當查驗供貨者的許可證和食品出廠檢驗合格證或者其他合格證明。"
	"第一百二十四條第一款：違反本法規定，有下列情形之一，尚不構成犯罪的，由縣級以上人民政府食品安全"
	"監督管理部門沒收違法所得和違法生產經營的食品、食品添加劑，並可以沒收用於違法生產經營的工具、"
	"設備、原料等物品；違法生產經營的食品、食品添加劑貨值金額不足一萬元的，並處五萬元以上十萬元以下"
	"罰款；貨值金額一萬元以上的，並處貨值金額十倍以上二十倍以下罰款；情節嚴重的，吊銷許可證。"
	"第一百二十六條第一款：違反本法規定，有下列情形之一的，由縣級以上人民政府食品安全監督管理部門"
	"責令改正，給予警告；拒不改正的，處五千元以上五萬元以下罰款；情節嚴重的，責令停產停業，直至"
	"吊銷許可證：……（三）食品、食品添加劑生產經營者進貨時未查驗許可證和相關證明文件，或者未按規定"
	"建立並遵守進貨查驗記錄、出廠檢驗記錄和銷售記錄制度。",
	"《中華人民共和國行政處罰法》第三十二條：當事人有下列情形之一，應當從輕或者減輕行政處罰："
	"（一）主動消除或者減輕違法行為危害後果的；（二）受他人脅迫或者誘騙實施違法行為的；（三）主動"
	"供述行政機關尚未掌握的違法行為的；（四）配合行政機關查處違法行為有立功表現的；（五）法律、法規"
	"、規章規定其他應當從輕或者減輕行政處罰的。第七十二條第一款：當事人逾期不履行行政處罰決定的，"
	"作出行政處罰決定的行政機關可以採取下列措施：（一）到期不繳納罰款的，每日按罰款數額的百分之三"
	"加處罰款，加處罰款的數額不得超出罰款的數額；（二）根據法律規定，將查封、扣押的財物拍賣、依法處理"
	"或者將凍結的存款、匯款劃撥抵繳罰款；（三）根據法律規定，採取其他行政強制執行方式；（四）依照"
	"《中華人民共和國行政強制法》的規定申請人民法院強制執行。",
};

/* The decision text joined with "\n"; the caller frees it with sx_free. */
static char *decision_text(size_t *len_out)
{
	struct buf b;
	size_t i;

	buf_init(&b, 1 << 20);
	for (i = 0; i < ARRAY_LEN(decision_paragraphs); i++) {
		if (i > 0)
			assert_int_equal(buf_append_char(&b, '\n'), 0);
		assert_int_equal(buf_append_str(&b, decision_paragraphs[i]), 0);
	}
	return buf_detach(&b, len_out);
}

static int group_setup(void **state)
{
	struct zhnorm *z = NULL;
	struct sx_error err;

	if (zhnorm_open(&z, NULL, &err) < 0)
		return -1;
	*state = z;
	return 0;
}

static int group_teardown(void **state)
{
	zhnorm_close(*state);
	return 0;
}

/* ---- zhnorm_text -------------------------------------------------------- */

static void test_traditional_and_simplified_decision_titles_normalize_the_same(void **state)
{
	const struct zhnorm *z = *state;
	char *a = norm(z, "行政處罰決定書");
	char *b = norm(z, "行政处罚决定书");

	assert_string_equal(a, "行政处罚决定书");
	assert_string_equal(a, b);
	sx_free(a);
	sx_free(b);
}

static void test_known_traditional_forms_become_their_simplified_forms(void **state)
{
	static const struct {
		const char *traditional;
		const char *simplified;
	} cases[] = {
		{ "臺灣", "台湾" },
		{ "台灣", "台湾" },
		{ "院子裡", "院子里" },
		{ "裡面", "里面" },
		{ "頭髮", "头发" },
		{ "理髮店", "理发店" },
		{ "當事人", "当事人" },
		{ "沒收違法所得", "没收违法所得" },
		{ "《中華人民共和國行政處罰法》", "《中华人民共和国行政处罚法》" },
	};
	const struct zhnorm *z = *state;
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		assert_norm(z, cases[i].traditional, cases[i].simplified);
		/* The simplified form is already a search form. */
		assert_norm(z, cases[i].simplified, cases[i].simplified);
	}
}

static void test_full_width_letters_and_digits_become_lower_case_ascii(void **state)
{
	const struct zhnorm *z = *state;

	assert_norm(z, "ＡＢＣ１２３", "abc123");
	assert_norm(z, "ＡbＣ", "abc");
	assert_norm(z, "GB 32100-2015", "gb 32100-2015");
	assert_norm(z, "ｇｂ／ｔ２２６０", "gb／t2260"); /* full-width punctuation stays */
	assert_norm(z, "ÄÉ", "ÄÉ");                 /* only ASCII is case-folded */
}

static void test_white_space_runs_become_one_space_and_ends_are_trimmed(void **state)
{
	const struct zhnorm *z = *state;

	assert_norm(z, "  行政\t\n處罰　　決定 ", "行政 处罚 决定");
	assert_norm(z, "a\xc2\xa0\xe2\x80\x83" "b", "a b"); /* U+00A0, U+2003 */
	assert_norm(z, "a\r\n\x01\x7f" "b", "a b");       /* controls count as space */
	assert_norm(z, "　\t ", "");
	assert_norm(z, "", "");
}

static void test_a_nul_byte_does_not_cut_the_text(void **state)
{
	const struct zhnorm *z = *state;
	struct sx_error err;
	char *out = NULL;
	size_t out_len = 0;

	assert_int_equal(zhnorm_text(&out, &out_len, z, LIT("處罰\0決定"), &err), 0);
	assert_string_equal(out, "处罚 决定");
	sx_free(out);
}

static void test_a_realistic_decision_keeps_its_character_count(void **state)
{
	const struct zhnorm *z = *state;
	struct sx_error err;
	size_t len = 0, out_len = 0, in_chars;
	char *text = decision_text(&len);
	char *out = NULL;

	in_chars = count_chars(text, len);
	assert_true(in_chars >= 2000);
	assert_int_equal(zhnorm_text(&out, &out_len, z, text, len, &err), 0);
	assert_int_equal(count_chars(out, out_len), in_chars);
	/* It was converted, not merely copied. */
	assert_null(strstr(out, "處罰"));
	assert_non_null(strstr(out, "当事人"));
	assert_non_null(strstr(out, "没收违法所得"));
	sx_free(out);
	sx_free(text);
}

static void test_a_mixed_traditional_text_keeps_its_character_count(void **state)
{
	static const char *const texts[] = {
		"２０２４年第ＡＢ號：當事人張某（身份證號碼已隱去）於臺北市經營「髮廊」，違反了第3條。",
		"乾隆年間的乾燥房屋裡，後來著作權人發現了𠀀𪚥等擴展字元。", /* 4-byte characters too */
		"Mixed English text 與 繁體中文 and ＦＵＬＬ－ＷＩＤＴＨ。",
	};
	const struct zhnorm *z = *state;
	size_t i;

	for (i = 0; i < ARRAY_LEN(texts); i++) {
		char *out = norm(z, texts[i]);

		assert_int_equal(count_chars(out, strlen(out)),
				 count_chars(texts[i], strlen(texts[i])));
		sx_free(out);
	}
}

static void test_a_configuration_with_length_changing_phrases_still_keeps_the_count(void **state)
{
	struct zhnorm *z = NULL;
	struct sx_error err;

	(void)state;
	/* tw2sp.json turns 突尼西亞 into 突尼斯 as a phrase; per character it stays four. */
	assert_int_equal(zhnorm_open(&z, "tw2sp.json", &err), 0);
	assert_norm(z, "突尼西亞", "突尼西亚");
	assert_norm(z, "前往突尼西亞 旅遊", "前往突尼西亚 旅游");
	zhnorm_close(z);
}

static void test_bad_utf8_is_refused_as_bad_text(void **state)
{
	static const struct {
		const char *s;
		size_t len;
	} bad[] = {
		{ LIT("\xff") },
		{ LIT("處\xe7\xbd") },        /* truncated */
		{ LIT("\xc0\xaf") },          /* overlong */
		{ LIT("\xed\xa0\x80") },      /* surrogate */
		{ LIT("\xf4\x90\x80\x80") },  /* above U+10FFFF */
	};
	const struct zhnorm *z = *state;
	size_t i;

	for (i = 0; i < ARRAY_LEN(bad); i++) {
		struct sx_error err;
		char *out = (char *)1;
		char **grams = (char **)1;
		size_t count = 7;

		sx_error_clear(&err);
		assert_int_equal(zhnorm_text(&out, NULL, z, bad[i].s, bad[i].len, &err), SX_EINVALID);
		assert_string_equal(err.code, "bad_text");
		assert_null(out);
		assert_int_equal(zhnorm_grams(&grams, &count, bad[i].s, bad[i].len, &err), SX_EINVALID);
		assert_string_equal(err.code, "bad_text");
		assert_null(grams);
		assert_int_equal(count, 0);
	}
}

static void test_a_text_over_four_mib_is_too_big(void **state)
{
	const struct zhnorm *z = *state;
	struct sx_error err;
	size_t len = ZHNORM_TEXT_MAX_BYTES + 1;
	char *big = sx_malloc(len);
	char *out = NULL;
	char **grams = NULL;
	size_t count = 0;
	struct buf b;

	assert_non_null(big);
	memset(big, 'a', len);
	assert_int_equal(zhnorm_text(&out, NULL, z, big, len, &err), SX_ETOOBIG);
	assert_null(out);
	assert_int_equal(zhnorm_grams(&grams, &count, big, len, &err), SX_ETOOBIG);
	buf_init(&b, 1024);
	assert_int_equal(zhnorm_highlight(&b, z, big, len, "a", 1, 10, &err), SX_ETOOBIG);
	assert_int_equal(b.len, 0);
	/* Exactly at the limit is accepted. */
	assert_int_equal(zhnorm_text(&out, NULL, z, big, len - 1, &err), 0);
	assert_int_equal(strlen(out), len - 1);
	sx_free(out);
	sx_free(big);
}

static void test_null_arguments_are_invalid(void **state)
{
	const struct zhnorm *z = *state;
	struct sx_error err;
	char *out = NULL;
	char **grams = NULL;
	size_t count = 0;
	struct buf b;

	buf_init(&b, 1024);
	assert_int_equal(zhnorm_text(NULL, NULL, z, "a", 1, &err), SX_EINVALID);
	assert_int_equal(zhnorm_text(&out, NULL, NULL, "a", 1, &err), SX_EINVALID);
	assert_int_equal(zhnorm_text(&out, NULL, z, NULL, 1, &err), SX_EINVALID);
	assert_int_equal(zhnorm_grams(NULL, &count, "a", 1, &err), SX_EINVALID);
	assert_int_equal(zhnorm_grams(&grams, &count, NULL, 1, &err), SX_EINVALID);
	assert_int_equal(zhnorm_highlight(NULL, z, "a", 1, "a", 1, 10, &err), SX_EINVALID);
	assert_int_equal(zhnorm_highlight(&b, z, "a", 1, "a", 1, 0, &err), SX_EINVALID);
	assert_int_equal(zhnorm_highlight(&b, NULL, "a", 1, "a", 1, 10, &err), SX_EINVALID);
	assert_int_equal(b.len, 0);
	assert_int_equal(zhnorm_open(NULL, NULL, &err), SX_EINVALID);
}

/* ---- zhnorm_open -------------------------------------------------------- */

static void test_a_missing_configuration_makes_search_unavailable(void **state)
{
	struct zhnorm *z = (struct zhnorm *)1;
	struct sx_error err;

	(void)state;
	sx_error_clear(&err);
	assert_int_equal(zhnorm_open(&z, "/nonexistent/opencc/t2s.json", &err), SX_EINTERNAL);
	assert_null(z);
	assert_string_equal(err.code, "zhnorm_unavailable");
	assert_non_null(strstr(err.message, "繁简转换不可用"));
	assert_non_null(strstr(err.detail, "/nonexistent/opencc/t2s.json"));
}

static void test_open_fails_cleanly_when_allocation_fails(void **state)
{
	struct zhnorm *z = (struct zhnorm *)1;
	struct sx_error err;

	(void)state;
	sx_mem_fail_after(0);
	assert_int_equal(zhnorm_open(&z, NULL, &err), SX_ENOMEM);
	sx_mem_fail_after(-1);
	assert_null(z);
}

/* ---- zhnorm_grams ------------------------------------------------------- */

static void assert_grams(const char *text, const char *const *expect, size_t n)
{
	struct sx_error err;
	char **grams = NULL;
	size_t count = 0, i;

	assert_int_equal(zhnorm_grams(&grams, &count, text, strlen(text), &err), 0);
	assert_int_equal(count, n);
	for (i = 0; i < n; i++)
		assert_string_equal(grams[i], expect[i]);
	zhnorm_grams_free(grams, count);
}

static void test_grams_of_a_short_text_are_its_characters_and_bigrams_in_byte_order(void **state)
{
	/* UTF-8 order: 处 E5A484, 处罚, 罚 E7BD9A. */
	static const char *const expect[] = { "处", "处罚", "罚" };

	(void)state;
	assert_grams("处罚", expect, ARRAY_LEN(expect));
}

static void test_grams_are_distinct(void **state)
{
	static const char *const expect[] = { "罚", "罚罚" };
	static const char *const expect_ascii[] = { "a", "aa" };

	(void)state;
	assert_grams("罚罚罚罚", expect, ARRAY_LEN(expect));
	assert_grams("aaa aa a", expect_ascii, ARRAY_LEN(expect_ascii));
}

static void test_spaces_and_punctuation_break_runs_of_grams(void **state)
{
	/* No "罚决", "罚，" nor "b罚": only within runs. 〇 is a word character. */
	static const char *const expect[] = {
		"1", "12", "2", "2号", "a", "ab", "b", "〇", "二", "二〇",
		"决", "决定", "号", "处", "处罚", "定", "第", "第1", "罚",
	};

	(void)state;
	assert_grams("处罚，决定（第12号） ab。二〇", expect, ARRAY_LEN(expect));
}

static void test_a_text_without_word_characters_has_no_grams(void **state)
{
	struct sx_error err;
	char **grams = (char **)1;
	size_t count = 9;

	(void)state;
	assert_int_equal(zhnorm_grams(&grams, &count, LIT(" ，。《》——…  "), &err), 0);
	assert_null(grams);
	assert_int_equal(count, 0);
	assert_int_equal(zhnorm_grams(&grams, &count, NULL, 0, &err), 0);
	assert_int_equal(count, 0);
	zhnorm_grams_free(NULL, 0);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_grams_of_a_long_text_are_strictly_ordered_and_deterministic(void **state)
{
	const struct zhnorm *z = *state;
	struct sx_error err;
	size_t len = 0, n_len = 0, c1 = 0, c2 = 0, i;
	char *text = decision_text(&len);
	char *n = NULL;
	char **g1 = NULL, **g2 = NULL;

	assert_int_equal(zhnorm_text(&n, &n_len, z, text, len, &err), 0);
	assert_int_equal(zhnorm_grams(&g1, &c1, n, n_len, &err), 0);
	assert_int_equal(zhnorm_grams(&g2, &c2, n, n_len, &err), 0);
	assert_true(c1 > 1000);
	assert_int_equal(c1, c2);
	for (i = 0; i < c1; i++) {
		assert_string_equal(g1[i], g2[i]);
		assert_true(count_chars(g1[i], strlen(g1[i])) <= 2);
		if (i > 0)
			assert_true(strcmp(g1[i - 1], g1[i]) < 0);
	}
	zhnorm_grams_free(g1, c1);
	zhnorm_grams_free(g2, c2);
	sx_free(n);
	sx_free(text);
}

static void test_a_querys_grams_are_among_the_grams_of_a_text_containing_it(void **state)
{
	const struct zhnorm *z = *state;
	struct sx_error err;
	size_t len = 0, n_len = 0, doc_count = 0, starts = 0, pos, sub_chars;
	char *text = decision_text(&len);
	char *n = NULL;
	char **doc = NULL;

	assert_int_equal(zhnorm_text(&n, &n_len, z, text, len, &err), 0);
	assert_int_equal(zhnorm_grams(&doc, &doc_count, n, n_len, &err), 0);
	/* Every substring starting at every third character, 1 to 12 characters long. */
	for (pos = 0; pos < n_len; pos++) {
		if (((unsigned char)n[pos] & 0xc0) == 0x80 || starts++ % 3 != 0)
			continue;
		for (sub_chars = 1; sub_chars <= 12; sub_chars++) {
			size_t end = pos, k, qc = 0, j;
			char **q = NULL;

			for (k = 0; k < sub_chars && end < n_len; k++) {
				end++;
				while (end < n_len && ((unsigned char)n[end] & 0xc0) == 0x80)
					end++;
			}
			assert_int_equal(zhnorm_grams(&q, &qc, n + pos, end - pos, &err), 0);
			for (j = 0; j < qc; j++)
				assert_non_null(bsearch(&q[j], doc, doc_count, sizeof(*doc), cmp_str));
			zhnorm_grams_free(q, qc);
		}
	}
	assert_true(starts > 600);
	/* And a query typed in traditional characters finds the simplified document. */
	{
		char *q_norm = norm(z, "違法所得人民幣");
		char **q = NULL;
		size_t qc = 0, j;

		assert_int_equal(zhnorm_grams(&q, &qc, q_norm, strlen(q_norm), &err), 0);
		assert_true(qc > 0);
		for (j = 0; j < qc; j++)
			assert_non_null(bsearch(&q[j], doc, doc_count, sizeof(*doc), cmp_str));
		zhnorm_grams_free(q, qc);
		sx_free(q_norm);
	}
	/* A query that is not in the text has a gram the text lacks (the check can fail). */
	{
		char **q = NULL;
		size_t qc = 0, j, missing = 0;

		assert_int_equal(zhnorm_grams(&q, &qc, LIT("吊销营业执照"), &err), 0);
		for (j = 0; j < qc; j++)
			missing += bsearch(&q[j], doc, doc_count, sizeof(*doc), cmp_str) == NULL;
		assert_true(missing > 0);
		zhnorm_grams_free(q, qc);
	}
	zhnorm_grams_free(doc, doc_count);
	sx_free(n);
	sx_free(text);
}

/* ---- zhnorm_highlight --------------------------------------------------- */

static void assert_highlight(const struct zhnorm *z, const char *original, const char *query,
			     size_t max_chars, const char *expect)
{
	struct sx_error err;
	struct buf b;

	buf_init(&b, 1 << 20);
	assert_int_equal(zhnorm_highlight(&b, z, original, strlen(original), query, strlen(query),
					  max_chars, &err),
			 0);
	assert_int_equal(b.len, strlen(expect));
	if (b.len > 0)
		assert_string_equal(b.data, expect);
	buf_free(&b);
}

static void test_a_simplified_query_highlights_traditional_text(void **state)
{
	assert_highlight(*state, "本局決定對當事人作出行政處罰。", "行政处罚", 100,
			 "本局決定對當事人作出<mark>行政處罰</mark>。");
}

static void test_a_traditional_query_highlights_simplified_text(void **state)
{
	assert_highlight(*state, "本局决定对当事人作出行政处罚。", "行政處罰", 100,
			 "本局决定对当事人作出<mark>行政处罚</mark>。");
}

static void test_full_width_and_case_are_folded_when_highlighting(void **state)
{
	assert_highlight(*state, "依据ＧＢ　32100标准", "gb 32100", 100,
			 "依据<mark>ＧＢ　32100</mark>标准");
}

static void test_every_occurrence_in_the_snippet_is_marked(void **state)
{
	assert_highlight(*state, "罰款、罰款，再罰款", "罚款", 100,
			 "<mark>罰款</mark>、<mark>罰款</mark>，再<mark>罰款</mark>");
	/* Occurrences do not overlap. */
	assert_highlight(*state, "aaaa", "aa", 100, "<mark>aa</mark><mark>aa</mark>");
}

static void test_the_original_is_html_escaped_inside_and_outside_marks(void **state)
{
	assert_highlight(*state, "<b>甲&乙</b> \"處罰\" 'x'", "甲&乙", 100,
			 "&lt;b&gt;<mark>甲&amp;乙</mark>&lt;/b&gt; &quot;處罰&quot; &#39;x&#39;");
	assert_highlight(*state, "<a>處罰</a>", "处罚", 100, "&lt;a&gt;<mark>處罰</mark>&lt;/a&gt;");
}

static void test_a_long_text_is_cut_around_the_first_hit_with_ellipses(void **state)
{
	/* 20 chars before the hit, 4 in it, 20 after; window 10: 2 before, 4 hit, 4 after. */
	assert_highlight(*state,
			 "一二三四五六七八九十一二三四五六七八九十行政處罰一二三四五六七八九十一二三四五六七八九十",
			 "行政处罚", 10, "…九十<mark>行政處罰</mark>一二三四…");
	/* A hit near the start: no leading ellipsis. */
	assert_highlight(*state, "處罰一二三四五六七八九十", "处罚", 5, "<mark>處罰</mark>一二三…");
	/* A hit near the end: the window slides back to stay max_chars long. */
	assert_highlight(*state, "一二三四五六七八九十處罰", "处罚", 5, "…八九十<mark>處罰</mark>");
	/* A hit longer than the window is cut too. */
	assert_highlight(*state, "甲行政處罰決定書乙", "行政处罚决定书", 3, "…<mark>行政處</mark>…");
}

static void test_without_a_hit_the_snippet_is_the_start_of_the_text(void **state)
{
	assert_highlight(*state, "一二三四五六七八九十", "吊销", 4, "一二三四…");
	assert_highlight(*state, "一二三", "吊销", 4, "一二三");
	assert_highlight(*state, "一二三<四>", "  　", 10, "一二三&lt;四&gt;");
	assert_highlight(*state, "", "处罚", 10, "");
}

static void test_a_space_in_the_query_matches_any_white_space_run(void **state)
{
	assert_highlight(*state, "行政\n\t處罰 決定", "行政 处罚", 100,
			 "<mark>行政\n\t處罰</mark> 決定");
}

static void test_highlight_appends_and_refuses_bad_input_without_changing_out(void **state)
{
	const struct zhnorm *z = *state;
	struct sx_error err;
	struct buf b;

	buf_init(&b, 64);
	assert_int_equal(buf_append_str(&b, "前缀:"), 0);
	assert_int_equal(zhnorm_highlight(&b, z, LIT("處罰"), LIT("处罚"), 10, &err), 0);
	assert_string_equal(b.data, "前缀:<mark>處罰</mark>");
	assert_int_equal(zhnorm_highlight(&b, z, LIT("處\xff"), LIT("处罚"), 10, &err), SX_EINVALID);
	assert_string_equal(err.code, "bad_text");
	assert_int_equal(zhnorm_highlight(&b, z, LIT("處罰"), LIT("\xe5"), 10, &err), SX_EINVALID);
	assert_string_equal(err.code, "bad_text");
	/* out's cap: 64 bytes cannot take another long snippet. */
	assert_int_equal(zhnorm_highlight(&b, z, LIT("處罰處罰處罰處罰處罰處罰"), LIT("处罚"), 12, &err),
			 SX_ETOOBIG);
	assert_string_equal(b.data, "前缀:<mark>處罰</mark>");
	buf_free(&b);
}

/* ---- allocation failure ------------------------------------------------- */

static void test_text_fails_cleanly_at_every_allocation(void **state)
{
	const struct zhnorm *z = *state;
	long n;
	int rc;

	for (n = 0;; n++) {
		struct sx_error err;
		char *out = (char *)1;

		sx_mem_fail_after(n);
		rc = zhnorm_text(&out, NULL, z, LIT("行政處罰 ＡＢＣ"), &err);
		sx_mem_fail_after(-1);
		if (rc == 0) {
			assert_string_equal(out, "行政处罚 abc");
			sx_free(out);
			break;
		}
		assert_int_equal(rc, SX_ENOMEM);
		assert_null(out);
	}
	assert_true(n >= 3); /* premap, the copy of OpenCC's result, the output */
}

static void test_grams_fail_cleanly_at_every_allocation(void **state)
{
	long n;
	int rc;

	(void)state;
	for (n = 0;; n++) {
		struct sx_error err;
		char **grams = (char **)1;
		size_t count = 5;

		sx_mem_fail_after(n);
		rc = zhnorm_grams(&grams, &count, LIT("行政处罚 abc"), &err);
		sx_mem_fail_after(-1);
		if (rc == 0) {
			assert_int_equal(count, 12);
			zhnorm_grams_free(grams, count);
			break;
		}
		assert_int_equal(rc, SX_ENOMEM);
		assert_null(grams);
		assert_int_equal(count, 0);
	}
	assert_int_equal(n, 2);
}

static void test_highlight_fails_cleanly_at_every_allocation(void **state)
{
	const struct zhnorm *z = *state;
	long n;
	int rc;

	for (n = 0;; n++) {
		struct sx_error err;
		struct buf b;

		buf_init(&b, 1024);
		assert_int_equal(buf_append_str(&b, "x"), 0);
		sx_mem_fail_after(n);
		rc = zhnorm_highlight(&b, z, LIT("本局作出行政處罰，罰款五萬元"), LIT("行政处罚"), 6, &err);
		sx_mem_fail_after(-1);
		if (rc == 0) {
			/* (6 - 4) / 3 = 0 characters of room before the hit. */
			assert_string_equal(b.data, "x…<mark>行政處罰</mark>，罰…");
			buf_free(&b);
			break;
		}
		assert_int_equal(rc, SX_ENOMEM);
		assert_string_equal(b.data, "x");
		buf_free(&b);
	}
	assert_true(n >= 6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_traditional_and_simplified_decision_titles_normalize_the_same),
		cmocka_unit_test(test_known_traditional_forms_become_their_simplified_forms),
		cmocka_unit_test(test_full_width_letters_and_digits_become_lower_case_ascii),
		cmocka_unit_test(test_white_space_runs_become_one_space_and_ends_are_trimmed),
		cmocka_unit_test(test_a_nul_byte_does_not_cut_the_text),
		cmocka_unit_test(test_a_realistic_decision_keeps_its_character_count),
		cmocka_unit_test(test_a_mixed_traditional_text_keeps_its_character_count),
		cmocka_unit_test(test_a_configuration_with_length_changing_phrases_still_keeps_the_count),
		cmocka_unit_test(test_bad_utf8_is_refused_as_bad_text),
		cmocka_unit_test(test_a_text_over_four_mib_is_too_big),
		cmocka_unit_test(test_null_arguments_are_invalid),
		cmocka_unit_test(test_a_missing_configuration_makes_search_unavailable),
		cmocka_unit_test(test_open_fails_cleanly_when_allocation_fails),
		cmocka_unit_test(test_grams_of_a_short_text_are_its_characters_and_bigrams_in_byte_order),
		cmocka_unit_test(test_grams_are_distinct),
		cmocka_unit_test(test_spaces_and_punctuation_break_runs_of_grams),
		cmocka_unit_test(test_a_text_without_word_characters_has_no_grams),
		cmocka_unit_test(test_grams_of_a_long_text_are_strictly_ordered_and_deterministic),
		cmocka_unit_test(test_a_querys_grams_are_among_the_grams_of_a_text_containing_it),
		cmocka_unit_test(test_a_simplified_query_highlights_traditional_text),
		cmocka_unit_test(test_a_traditional_query_highlights_simplified_text),
		cmocka_unit_test(test_full_width_and_case_are_folded_when_highlighting),
		cmocka_unit_test(test_every_occurrence_in_the_snippet_is_marked),
		cmocka_unit_test(test_the_original_is_html_escaped_inside_and_outside_marks),
		cmocka_unit_test(test_a_long_text_is_cut_around_the_first_hit_with_ellipses),
		cmocka_unit_test(test_without_a_hit_the_snippet_is_the_start_of_the_text),
		cmocka_unit_test(test_a_space_in_the_query_matches_any_white_space_run),
		cmocka_unit_test(test_highlight_appends_and_refuses_bad_input_without_changing_out),
		cmocka_unit_test(test_text_fails_cleanly_at_every_allocation),
		cmocka_unit_test(test_grams_fail_cleanly_at_every_allocation),
		cmocka_unit_test(test_highlight_fails_cleanly_at_every_allocation),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
