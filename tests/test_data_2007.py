"""Checks of the 2007 data files transcribed from 成办发〔2007〕30号 附件1 and 附件2.

The TOML files are read directly with tomllib, independently of the library's loaders.
"""

import re
import tomllib
from pathlib import Path

import pytest

PKG = Path(__file__).parent.parent / "src" / "chengdu_infoscore"
QUOTAS = PKG / "quotas" / "quotas-2007.toml"
TOPICS = PKG / "rules" / "topics-2007.toml"

ALIAS_RE = re.compile(r"\(含(.+)\)")


@pytest.fixture(scope="module")
def quotas():
    with QUOTAS.open("rb") as f:
        return tomllib.load(f)


@pytest.fixture(scope="module")
def topics():
    with TOPICS.open("rb") as f:
        return tomllib.load(f)


def _groups(quotas):
    return {g["key"]: g for g in quotas["groups"]}


def _units(quotas):
    return [u for g in quotas["groups"] for u in g["units"]]


def _by_name(quotas):
    return {u["name"]: u for u in _units(quotas)}


# ---------------------------------------------------------------- 附件1: the task table


def test_quotas_header(quotas):
    """The quota file names its year, its source and the 成都市 → 市 prefix rule."""
    assert 2007 == quotas["year"]
    assert "成办发〔2007〕30号 附件1 2007年全市政务信息报送任务" == quotas["source"]
    assert [{"written": "成都市", "means": "市"}] == quotas["prefixes"]


def test_group_keys_order_and_basis(quotas):
    """The three groups come in printed order with the basis their headings state."""
    expected = [
        ("district", "各区(市)县政府", "adopted"),
        ("department", "市政府各部门及有关单位", "adopted"),
        ("office", "市政府驻外办事处", "submitted"),
    ]
    actual = [(g["key"], g["label"], g["basis"]) for g in quotas["groups"]]
    assert expected == actual


def test_unit_counts(quotas):
    """The groups hold 19, 96 and 3 units (118 in all)."""
    expected = {"district": 19, "department": 96, "office": 3}
    actual = {k: len(g["units"]) for k, g in _groups(quotas).items()}
    assert expected == actual


def test_target_sums(quotas):
    """The targets of the groups sum to 1840, 2325 and 3100."""
    expected = {"district": 1840, "department": 2325, "office": 3100}
    actual = {k: sum(u["target"] for u in g["units"]) for k, g in _groups(quotas).items()}
    assert expected == actual


def test_targets_are_positive_integers(quotas):
    """Every target is a positive integer (no floats, no strings, no booleans)."""
    expected = []
    actual = [u["name"] for u in _units(quotas) if type(u["target"]) is not int or u["target"] <= 0]
    assert expected == actual


def test_unit_keys(quotas):
    """Every unit has name, label and target, and aliases only when it has some."""
    expected = []
    actual = [
        u
        for u in _units(quotas)
        if set(u) - {"aliases"} != {"name", "label", "target"} or ("aliases" in u and not u["aliases"])
    ]
    assert expected == actual


def test_names_unique(quotas):
    """No two units share a name."""
    names = [u["name"] for u in _units(quotas)]
    expected = len(names)
    actual = len(set(names))
    assert expected == actual


def test_names_and_aliases_all_distinct(quotas):
    """Names and aliases together are distinct, so any written name resolves to one unit."""
    every = [u["name"] for u in _units(quotas)] + [a for u in _units(quotas) for a in u.get("aliases", [])]
    expected = sorted(set(every))
    actual = sorted(every)
    assert expected == actual


def test_no_name_contains_parenthesis(quotas):
    """No canonical name or alias contains a parenthesis of any kind."""
    expected = []
    actual = [
        n for u in _units(quotas) for n in [u["name"], *u.get("aliases", [])] if any(c in n for c in "()()")
    ]
    assert expected == actual


def test_no_name_starts_with_chengdushi(quotas):
    """No canonical name starts with 成都市, so the 成都市 → 市 prefix rule is unambiguous."""
    expected = []
    actual = [u["name"] for u in _units(quotas) if u["name"].startswith("成都市")]
    assert expected == actual


def test_label_is_name_plus_printed_parenthesis(quotas):
    """Each label is its name, optionally followed by one ASCII-parenthesised part."""
    expected = []
    actual = [
        u["label"]
        for u in _units(quotas)
        if not (u["label"] == u["name"] or re.fullmatch(re.escape(u["name"]) + r"\([^()]+\)", u["label"]))
    ]
    assert expected == actual


def test_aliases_match_han_parentheses(quotas):
    """Every (含X) in a label has X in aliases, and every alias comes from such a (含X)."""
    expected = {}
    for u in _units(quotas):
        m = ALIAS_RE.search(u["label"])
        if m:
            expected[u["name"]] = m.group(1).split("、")
    actual = {u["name"]: u["aliases"] for u in _units(quotas) if "aliases" in u}
    assert expected == actual


def test_alias_pairs(quotas):
    """The ten (含X) aliases of the table, typed from the source."""
    expected = {
        "市经委": ["能源办"],
        "市科技局": ["产权局"],
        "市人事局": ["编办"],
        "市卫生局": ["中医药局"],
        "市新闻出版局": ["版权局"],
        "市城管局": ["执法局"],
        "市安监办": ["安监局"],
        "市中小企业局": ["乡企局"],
        "市档案局": ["档案馆"],
        "市贸促会": ["会展办"],
    }
    actual = {u["name"]: u["aliases"] for u in _units(quotas) if "aliases" in u}
    assert expected == actual


@pytest.mark.parametrize(
    ("group", "name", "target"),
    [
        ("district", "锦江区", 120),
        ("district", "龙泉驿区", 100),
        ("district", "都江堰市", 80),
        ("district", "郫县", 100),
        ("district", "新津县", 80),
        ("department", "成都高新区", 120),
        ("department", "市发改委", 60),
        ("department", "市公安局", 100),
        ("department", "市民政局", 50),
        ("department", "市卫生局", 35),
        ("department", "市人防办", 5),
        ("department", "市粮食局", 5),
        ("department", "市档案局", 15),
        ("department", "工行省分行营业部", 5),
        ("department", "农行省分行营业部", 5),
        ("department", "电信成都市分公司", 10),
        ("department", "石化管委会", 20),
        ("office", "北京办", 1500),
        ("office", "上海办", 800),
        ("office", "深圳办", 800),
    ],
)
def test_unit_spot_checks(quotas, group, name, target):
    """A unit typed independently from the source is in its group with its printed target."""
    units = {u["name"]: u["target"] for u in _groups(quotas)[group]["units"]}
    expected = target
    actual = units.get(name)
    assert expected == actual


def test_label_spot_checks(quotas):
    """Labels keep the printed parenthesis, e.g. 市经委(含能源办)."""
    by_name = _by_name(quotas)
    expected = {
        "市经委": "市经委(含能源办)",
        "市贸促会": "市贸促会(含会展办)",
        "市人防办": "市人防办",
    }
    actual = {n: by_name[n]["label"] for n in expected}
    assert expected == actual


def test_printed_order_first_and_last(quotas):
    """Units keep the printed order: left column then right column on each line."""
    g = _groups(quotas)
    expected = [
        ["锦江区", "青羊区", "金牛区", "武侯区"],
        ["新津县"],
        ["成都高新区", "市发改委", "市经委", "市教育局"],
        ["市农产推进办", "石化管委会"],
        ["北京办", "上海办", "深圳办"],
    ]
    actual = [
        [u["name"] for u in g["district"]["units"][:4]],
        [u["name"] for u in g["district"]["units"][-1:]],
        [u["name"] for u in g["department"]["units"][:4]],
        [u["name"] for u in g["department"]["units"][-2:]],
        [u["name"] for u in g["office"]["units"]],
    ]
    assert expected == actual


# ---------------------------------------------------------------- 附件2: the key points


NUMERALS = "一二三四五六七八九十"


def _cn(n):
    """Chinese numeral for 1..99 as printed in the notice (十四, 二十, 二十五)."""
    if n <= 10:
        return NUMERALS[n - 1]
    if n < 20:
        return "十" + NUMERALS[n - 11]
    return NUMERALS[n // 10 - 1] + "十" + (NUMERALS[n % 10 - 1] if n % 10 else "")


def test_topics_header(topics):
    """The topics file names its year and source."""
    assert 2007 == topics["year"]
    assert "成办发〔2007〕30号 附件2 2007年全市政务信息报送要点" == topics["source"]


def test_section_titles(topics):
    """The five sections come in order with their printed numerals and titles."""
    expected = [
        (1, "一", "抓好有效调控,促进城乡一体化发展方面信息"),
        (2, "二", "加快产业发展,实现“三新”突破方面信息"),
        (3, "三", "发展社会事业,积极促进和谐成都建设方面信息"),
        (4, "四", "提升公共管理,打造最佳人居环境方面信息"),
        (5, "五", "强化依法治市,不断提升规范化服务水平方面信息"),
    ]
    actual = [(s["number"], s["numeral"], s["title"]) for s in topics["sections"]]
    assert expected == actual


def test_topic_counts(topics):
    """The sections hold 12, 25, 24, 17 and 7 topics (85 in all)."""
    expected = [12, 25, 24, 17, 7]
    actual = [len(s["topics"]) for s in topics["sections"]]
    assert expected == actual


def test_topic_numbers_run_one_to_n(topics):
    """Topic numbers run 1..n in each section."""
    expected = [list(range(1, len(s["topics"]) + 1)) for s in topics["sections"]]
    actual = [[t["number"] for t in s["topics"]] for s in topics["sections"]]
    assert expected == actual


def test_topic_numerals_match_numbers(topics):
    """Each topic numeral is its number in Chinese inside ASCII parentheses, e.g. (十四)."""
    expected = [[f"({_cn(t['number'])})" for t in s["topics"]] for s in topics["sections"]]
    actual = [[t["numeral"] for t in s["topics"]] for s in topics["sections"]]
    assert expected == actual


def test_topic_texts_are_clean(topics):
    """No topic text is empty, starts with a numeral or ends with ; or 。."""
    expected = []
    actual = [
        t["text"]
        for s in topics["sections"]
        for t in s["topics"]
        if not t["text"] or t["text"][0] == "(" or t["text"][-1] in ";。;"
    ]
    assert expected == actual


def test_topic_text_spot_checks(topics):
    """Three topic texts typed independently from the source match exactly."""
    secs = {s["number"]: {t["number"]: t["text"] for t in s["topics"]} for s in topics["sections"]}
    expected = {
        (2, 14): "美食旅游节、软件洽谈会等会展品牌培育和第20届国际体育用品博览会等大型展会举办情况",
        (1, 10): "“税银库”联网工程建设情况",
        (5, 7): "完善基层民主管理、开展双拥共建活动情况",
    }
    actual = {k: secs[k[0]][k[1]] for k in expected}
    assert expected == actual


def test_topic_text_with_inner_parenthesis(topics):
    """A topic whose text contains a parenthesis keeps it: section 4 topic 2 (郊区(市)县)."""
    text = topics["sections"][3]["topics"][1]["text"]
    expected = (
        "市域21条中小河流域整治、郊区(市)县污水处理厂建设、工业园区污水达标排放、重点镇污水处理设施建设情况"
    )
    actual = text
    assert expected == actual


def test_last_topics_of_sections(topics):
    """The last topic of each section is the one printed before the next heading."""
    expected = [
        "强化市场监管和物价监控、改善消费环境的具体做法和建议",
        "产业运行保障机制的完善情况",
        "城乡困难群众和受灾群众基本生活保障情况",
        "筹办第四届中国城市森林论坛、争创国家森林城市工作动态",
        "完善基层民主管理、开展双拥共建活动情况",
    ]
    actual = [s["topics"][-1]["text"] for s in topics["sections"]]
    assert expected == actual
