from documents.common.titles import prefix_variants, title_key


def test_title_key_ignores_whitespace_and_width():
    assert title_key(" 上海市 住宅物业管理规定\u3000") == title_key("上海市住宅物业管理规定")
    assert title_key("关于修改（２０２０年）的决定") == title_key("关于修改(2020年)的决定")
    assert title_key("条例") != title_key("规定")
    assert title_key(None) == ""


def test_title_key_folds_inner_quotation_marks():
    # How a citation writes a title that quotes another, and how that title is stored.
    assert title_key("上海市实施〈中华人民共和国义务教育法〉办法") == title_key("上海市实施《中华人民共和国义务教育法》办法")


def test_prefix_variants_add_or_drop_the_national_prefix():
    assert prefix_variants("立法法") == ["中华人民共和国立法法"]
    assert prefix_variants("中华人民共和国立法法") == ["立法法"]
    assert prefix_variants("中华人民共和国") == []
    assert prefix_variants("") == []
