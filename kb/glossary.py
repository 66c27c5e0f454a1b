"""Query expansion for the lexical side: English domain words to the Chinese terms the corpus
uses (e5 handles English→Chinese on the dense side; BM25 and the answerer need words), and
Chinese question words to the words policy texts answer them with ("治理" is answered by
"联席会议制度", "组织协调机制")."""

from __future__ import annotations

import re

EN_ZH: dict[str, list[str]] = {
    "yangtze river delta": ["长三角"], "yrd": ["长三角"], "delta": ["长三角"],
    "integration": ["一体化"], "integrated": ["一体化"],
    "agreement": ["协议"], "agreements": ["协议"], "memorandum": ["备忘录"],
    "signed": ["签署", "签订", "签约"], "sign": ["签署", "签订"],
    "plan": ["规划", "计划"], "plans": ["规划", "计划"], "outline": ["纲要"],
    "action plan": ["行动计划"], "measures": ["措施"], "opinions": ["意见"],
    "index": ["指数"], "innovation": ["创新"], "collaborative": ["协同"], "collaboration": ["协同", "合作"],
    "cooperation": ["合作"], "corridor": ["走廊"], "g60": ["g60"], "g42": ["g42"],
    "science and technology innovation corridor": ["科创走廊"],
    "software park": ["软件园"], "software parks": ["软件园"], "park": ["园区"], "parks": ["园区"],
    "software": ["软件"], "alliance": ["联盟"], "alliances": ["联盟"], "industry": ["产业"],
    "governed": ["机制", "联席会议", "组织协调"], "governance": ["机制", "联席会议", "组织协调"],
    "govern": ["机制", "联席会议"], "joint meeting": ["联席会议"], "mechanism": ["机制"],
    "shanghai": ["上海"], "jiangsu": ["江苏"], "zhejiang": ["浙江"], "anhui": ["安徽"],
    "hefei": ["合肥"], "hangzhou": ["杭州"], "nanjing": ["南京"], "suzhou": ["苏州"],
    "wujiang": ["吴江"], "jiading": ["嘉定"], "kunshan": ["昆山"], "taicang": ["太仓"],
    "songjiang": ["松江"], "jiaxing": ["嘉兴"], "nantong": ["南通"], "ningbo": ["宁波"],
    "wuxi": ["无锡"], "pudong": ["浦东"], "caohejing": ["漕河泾"], "deqing": ["德清"],
    "patent": ["专利"], "patents": ["专利"], "transfer": ["转移"], "transfers": ["转移"],
    "researchers": ["研发人员"], "r&d": ["r&d", "研发"], "personnel": ["人员"],
    "full-time equivalent": ["全时当量"], "full-time equivalents": ["全时当量"],
    "jia-kun-tai": ["嘉昆太"], "jiakuntai": ["嘉昆太"], "core circle": ["核心圈"], "talent": ["人才"],
    "investment": ["投资"], "venture": ["创投"], "financing": ["融资"], "finance": ["金融"],
    "fund": ["基金"], "voucher": ["券"], "vouchers": ["券"], "enclave": ["飞地"], "enclaves": ["飞地"],
    "platform": ["平台"], "integrated circuit": ["集成电路"], "integrated circuits": ["集成电路"],
    "chip": ["芯片"], "chips": ["芯片"], "artificial intelligence": ["人工智能"], "ai": ["人工智能"],
    "score": ["得分", "分"], "growth": ["增长"], "annual": ["年均"], "papers": ["论文"], "paper": ["论文"],
    "network density": ["网络密度"], "density": ["密度"], "companies": ["企业"], "enterprises": ["企业"],
    "employees": ["从业人员"], "output": ["产值"], "exhibition": ["成果展"],
    "established": ["成立"], "founded": ["成立"], "launched": ["启动", "开通"], "strategy": ["战略"],
    "national strategy": ["国家战略"], "nine cities": ["九城市", "九城"], "cities": ["城市"],
    "three provinces and one city": ["三省一市"], "demonstration zone": ["示范区"],
    "intellectual property": ["知识产权"], "technology market": ["技术市场"], "market": ["市场"],
    "credit": ["信用"], "construction": ["建设"], "start": ["启动"], "started": ["启动"],
    "officially": ["正式"], "organised": ["举办"], "organized": ["举办"], "expo": ["博览会"],
    "trade": ["交易"], "first": ["首届", "第一届"], "clustered": ["集聚"], "one-stop": ["一网通办"], "online": ["一网通办"],
}  # fmt: skip

ZH_EXPAND: dict[str, list[str]] = {
    "治理": ["机制", "联席会议", "组织协调"],
    "管理": ["机制", "联席会议"],
    "运作": ["机制", "模式"],
    "运行": ["机制", "模式"],
    "签署": ["签署", "签订", "签约"],
    "签订": ["签署", "签订", "签约"],
    "协议": ["协议", "协议书", "备忘录"],
    "成立": ["成立", "设立", "建立"],
    "发布": ["发布", "印发", "出台", "颁布"],
    "做法": ["举措", "模式"],
}

# The noun a list question asks for, and what counts as an instance of it.
LIST_NOUNS: dict[str, list[str]] = {
    "协议": ["协议", "协议书", "备忘录", "签约", "签署", "签订"],
    "规划": ["规划", "纲要"],
    "计划": ["计划"],
    "联盟": ["联盟"],
    "措施": ["措施", "方案", "政策"],
    "平台": ["平台"],
    "软件园": ["软件园"],
    "园区": ["园", "园区"],
    "事件": [
        "签署",
        "签订",
        "成立",
        "发布",
        "颁布",
        "建立",
        "加入",
        "宣布",
        "举办",
        "开通",
        "启动",
        "揭牌",
        "上线",
    ],
    "城市": ["城", "市"],
    "项目": ["项目"],
}
EN_LIST_NOUNS = {
    "agreement": "协议", "plan": "规划", "alliance": "联盟", "measure": "措施", "platform": "平台",
    "park": "园区", "event": "事件", "city": "城市", "cities": "城市", "project": "项目",
}  # fmt: skip


_QUESTION_WORDS = {
    "what",
    "which",
    "who",
    "whom",
    "when",
    "where",
    "why",
    "how",
    "is",
    "are",
    "was",
    "were",
    "did",
    "do",
    "does",
    "the",
    "a",
    "an",
    "in",
    "of",
    "list",
    "name",
    "tell",
    "i",
}


def english_names(question: str) -> list[str]:
    """Capitalised words the glossary does not know (Tokyo, Shenzhen): proper names the corpus
    must mention for the question to be answerable."""
    q = question
    for phrase in sorted(EN_ZH, key=len, reverse=True):
        q = re.sub(rf"\b{re.escape(phrase)}\b", " ", q, flags=re.I)
    words = re.findall(r"\b[A-Z][a-zA-Z]+\b", q)
    return [w.lower() for w in words if w.lower() not in _QUESTION_WORDS and not is_pinyin(w)]


def english_terms(question: str) -> list[list[str]]:
    """For each English domain phrase in the question (longest first), the Chinese terms the
    corpus may use for it: one group of alternatives per phrase."""
    q = " " + re.sub(r"[^a-z0-9&\- ]+", " ", question.lower()) + " "
    out: list[list[str]] = []
    for phrase in sorted(EN_ZH, key=len, reverse=True):
        if f" {phrase} " in q:
            out.append(EN_ZH[phrase])
            q = q.replace(f" {phrase} ", " ")
    return out


_PINYIN = re.compile(
    r"^(?:(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:iang|iong|uang|ang|eng|ing|ong|uai|uan|ian|iao|ai|ei|ao|ou|an|en|in|un|er|ia|ie|iu|ua|uo|ui|ue|a|o|e|i|u|v))+$"
)


def is_pinyin(word: str) -> bool:
    """Romanised Chinese (Jia, Kunshan, Wujiang) cannot be matched against Chinese text."""
    return all(_PINYIN.match(part) for part in word.lower().split("-") if part)
