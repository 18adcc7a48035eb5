"""Printed-field extraction from text layers: label variants, colons, spaces, line breaks."""
import pytest

from checker._cert.fields import FIELD_KEYS, extract_fields

TABLE = """中华人民共和国二级建造师注册证书
姓　名：张 三        性 别：男
出生日期：1985年03月07日
身份证号：500101198503070017
注册编号：渝250123456789
聘用企业：重庆示例建设工程有限公司
注册专业    有效期
建筑工程    2027年05月01日
市政公用工程 2026.12.31
使用有效期：2026-05-01至2026-12-30
发证机关：重庆市住房和城乡建设委员会
发证日期：2025年05月01日
"""


def fields(text):
    return dict(extract_fields(text).as_fields())


def test_full_certificate_all_keys():
    f = fields(TABLE)
    assert f == {
        "name": "张三",
        "gender": "男",
        "birth_date": "1985-03-07",
        "id_number": "500101198503070017",
        "reg_number": "渝250123456789",
        "employer": "重庆示例建设工程有限公司",
        "specialties": "建筑工程、市政公用工程",
        "specialty_valid_until": "建筑工程 2027-05-01；市政公用工程 2026-12-31",
        "use_valid_until": "2026-12-30",
        "issuer": "重庆市住房和城乡建设委员会",
        "issue_date": "2025-05-01",
    }
    assert list(f) == [k for k in FIELD_KEYS if k in f]  # documented order


def test_line_breaks_between_label_and_value_and_label_variants():
    text = "姓名\n李四\n性别\n女\n注册号\n京2112014201653442\n注册专业\n机电工程（有效期至2026年01月05日）\n聘用单位\n北京某公司\n发证单位\n北京市住房和城乡建设委员会\n签发日期\n2024-01-01"
    f = fields(text)
    assert f["name"] == "李四" and f["gender"] == "女"
    assert f["reg_number"] == "京2112014201653442"
    assert f["specialties"] == "机电工程" and f["specialty_valid_until"] == "2026-01-05"
    assert f["employer"] == "北京某公司"
    assert f["issuer"] == "北京市住房和城乡建设委员会"
    assert f["issue_date"] == "2024-01-01"


def test_fullwidth_colons_digits_and_spaces_in_labels():
    text = "姓　　名：王　五\n执业印章号：滇２２９１５１６３７４７７\n公民身份号码：５３０１０２１９９００１０１００１Ｘ\n出生年月：１９９０.０１.０１"
    f = fields(text)
    assert f["name"] == "王五"
    assert f["reg_number"] == "滇229151637477"
    assert f["id_number"] == "53010219900101001X"
    assert f["birth_date"] == "1990-01-01"


def test_temporary_registration_number_and_spaces_inside_number():
    f = fields("姓名：赵六\n注册编号：渝 2501 2345 6789（临）")
    assert f["reg_number"] == "渝250123456789(临)"


def test_label_inside_a_value_does_not_cut_it():
    f = fields("发证机关：示例 重庆市某发证机关 (DEMO)\n发证日期：2026年10月01日")
    assert f["issuer"] == "示例 重庆市某发证机关 (DEMO)"
    assert f["issue_date"] == "2026-10-01"


def test_labels_without_separators_on_one_line():
    f = fields("姓名：张三性别：男注册编号：渝212345678901")
    assert f == {"name": "张三", "gender": "男", "reg_number": "渝212345678901"}


def test_use_period_as_range_takes_end_and_specialty_inline():
    f = fields("注册专业：建筑工程  有效期：2024年04月01日至2027年03月31日\n使用期限：2026年10月01日—2027年03月31日")
    assert f["specialties"] == "建筑工程"
    assert f["specialty_valid_until"] == "2027-03-31"
    assert f["use_valid_until"] == "2027-03-31"


def test_impossible_date_is_kept_and_flagged():
    ex = extract_fields("姓名：张三\n出生日期：1990年02月30日")
    assert ex.values["birth_date"] == "1990-02-30"
    assert ex.dates["birth_date"] is None


def test_masked_id_and_foreign_name_with_middle_dot():
    f = fields("姓名：阿依古丽・买买提\n身份证号：650102********1234")
    assert f["name"] == "阿依古丽·买买提"
    assert f["id_number"] == "650102********1234"


@pytest.mark.parametrize("text", ["", "发票代码 012345 金额 100.00 元", "Lorem ipsum dolor sit amet"])
def test_non_certificates_give_no_fields(text):
    assert fields(text) == {}


def test_huge_text_is_bounded():
    ex = extract_fields("姓名：张三\n" + "啊" * 100_000, max_chars=1000)
    assert ex.values["name"].startswith("张三")


def test_standalone_validity_without_specialty():
    ex = extract_fields("姓名：张三\n注册编号：渝250012345678\n注册有效期：2023年01月01日至2026年01月01日")
    assert ex.values["valid_until"] == "2026-01-01"
    assert ex.valid_until.isoformat() == "2026-01-01"


def test_standalone_validity_fills_undated_specialties():
    f = fields("注册专业：建筑工程、机电工程\n有效期：2027年12月31日\n发证机关：某机关")
    assert f["specialties"] == "建筑工程、机电工程"
    assert f["specialty_valid_until"] == "建筑工程 2027-12-31；机电工程 2027-12-31"
    assert "valid_until" not in f


def test_wide_gap_ends_employer():
    f = fields("聘用企业：重庆示例建设工程有限公司      统一社会信用代码 91500000MA5U000000")
    assert f["employer"] == "重庆示例建设工程有限公司"


def test_norm_name_dots_and_spacing():
    from checker._cert.patterns import norm_name

    for dot in "\u00b7\u30fb\u2027\u2022\uff65":
        assert norm_name(f"买买提{dot}艾力") == "买买提·艾力"
    assert norm_name(" 张　三 ") == "张三"  # CJK: inner spaces dropped
    assert norm_name("Zhang   San") == "Zhang San"  # otherwise collapsed
    assert norm_name("\u3400 x") == "\u3400x" and norm_name("\u9fff x") == "\u9fffx"  # range ends
    assert norm_name("\u3131 x") == "\u1100 x" and norm_name("\ua000 x") == "\ua000 x"  # outside the range (NFKC first)
