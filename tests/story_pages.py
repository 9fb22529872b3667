"""Pages of our own writing for the stories tests: a Simplified wire, a Traditional paper that
runs it with a local paragraph added, another that reprints it as sent, and a different report
of the same event by a paper's own reporter (which must stay apart)."""

from __future__ import annotations

from pathlib import Path

WIRE_PARAGRAPHS = (
    "新华社香港12月22日电（记者 林晓）河套深港科技创新合作区香港园区22日举行开园仪式，"
    "首批三座大楼投入使用，已有六十多家科技企业签约进驻。",
    "香港特区政府表示，园区将聚焦人工智能、生命健康和新材料三大领域，与深圳园区协同发展。",
    "负责园区运营的公司介绍，进驻企业中约三成来自海外，其余来自香港本地和内地。",
    "园区还将设立跨境科研数据服务平台，方便两地科研人员共享实验数据。",
)
LOCAL_PARAGRAPH = "本港創科界人士普遍歡迎，認為園區可為本地大學的研究成果提供落地空間。"

PAGES = {
    "nf-a03.txt": (
        "南方日报 2025年12月22日 星期一 A03 湾区\n\n"
        "河套香港园区开园 六十多家企业签约进驻\n\n" + "\n\n".join(WIRE_PARAGRAPHS) + "\n"
    ),
    "hk-a08.txt": (
        "香港新報 2025年12月23日 星期二 A08 港聞\n\n"
        "河套港園開幕 六十企業進駐\n\n"
        "新華社香港12月22日電（記者 林曉）河套深港科技創新合作區香港園區22日舉行開園儀式，"
        "首批三座大樓投入使用，已有六十多家科技企業簽約進駐。\n\n"
        "香港特區政府表示，園區將聚焦人工智能、生命健康和新材料三大領域，與深圳園區協同發展。\n\n"
        "負責園區運營的公司介紹，進駐企業中約三成來自海外，其餘來自香港本地和內地。\n\n"
        "園區還將設立跨境科研數據服務平台，方便兩地科研人員共享實驗數據。\n\n"
        + LOCAL_PARAGRAPH
        + "\n"
    ),
    "mo-b02.txt": (
        "濠江晨報 2025年12月23日 星期二 B02 灣區\n\n"
        "河套香港園區開園\n\n"
        "新華社香港12月22日電（記者 林曉）河套深港科技創新合作區香港園區22日舉行開園儀式，"
        "首批三座大樓投入使用，已有六十多家科技企業簽約進駐。\n\n"
        "香港特區政府表示，園區將聚焦人工智能、生命健康和新材料三大領域，與深圳園區協同發展。\n\n"
        "負責園區運營的公司介紹，進駐企業中約三成來自海外，其餘來自香港本地和內地。\n\n"
        "園區還將設立跨境科研數據服務平台，方便兩地科研人員共享實驗數據。\n"
    ),
    "hk-a10.txt": (
        "香港新報 2025年12月23日 星期二 A10 港聞\n\n"
        "港深創科園首期開幕 初創研究員已進駐\n\n"
        "【本報訊】記者 周敏報道：落馬洲河套區昨日迎來一個重要時刻，港深創新及科技園首期正式開幕。"
        "記者在現場看到，不少初創企業的年輕研究員已在實驗室內忙碌。\n\n"
        "一名從事藥物研發的博士生說，以後往返深圳做實驗只需十多分鐘。\n\n"
        "有議員在典禮後表示，希望政府盡快公布第二期的招標時間表，吸引更多企業落戶河套。\n"
    ),
}


def write_pages(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in PAGES.items():
        (folder / name).write_text(text, "utf-8")
    return folder
