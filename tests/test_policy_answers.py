"""Answers on structured policy text written for these tests (a regulation, a plan with a
heading list, a report with "一是……二是……", a notice pasted as text): the shapes issue 26
saw go wrong on real documents. The documents are ingested once, with the bundled e5 model
beside the real corpus, so retrieval and the fitted evidence model are the product's own."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import written_kb

from kb.core.text import norm

REGULATION = """# 江南市城市绿化条例

2024年6月1日 江南市人民代表大会常务委员会通过

## 第一章 总则

第一条 为了促进城市绿化事业发展，改善生态环境，根据有关法律、法规，结合本市实际，制定本条例。

第二条 本条例所称城市绿化，是指在城市规划区内种植和养护树木花草、建设和管理公园绿地的活动。

第三条 市绿化管理部门负责全市城市绿化工作的统筹协调和监督管理。区绿化管理部门负责本辖区内的城市绿化工作。

## 第二章 保护和管理

第十二条 有下列情形之一的，绿化管理部门不予批准砍伐城市树木：
（一）树木位于古树名木保护范围内的；
（二）砍伐后影响城市防洪排涝的；
（三）申请材料弄虚作假的。

第十三条 申请砍伐城市树木的，绿化管理部门应当自受理申请之日起十五个工作日内作出决定。

第十四条 擅自砍伐城市树木的，由绿化管理部门责令停止违法行为，并按照每株五千元以上二万元以下处以罚款。

第十五条 本市设立城市绿化专项资金，用于公园绿地建设和古树名木保护。

第十六条 对举报擅自砍伐城市树木查证属实的，给予举报人奖励，具体奖励办法由市人民政府制定。

第十七条 建设项目附属绿地面积占建设用地面积的比例不得低于规定标准，具体比例由市绿化管理部门另行规定。

第十八条 新建城市道路两侧种植行道树的，株距不得小于五米。

第十九条 擅自占用城市绿地的，由绿化管理部门责令限期退还，并处每平方米五百元以上一千元以下罚款；对直接负责的主管人员处二千元以上一万元以下罚款。

## 第三章 附则

第二十条 本条例自2024年9月1日起施行。2010年8月1日施行的《江南市绿化管理办法》同时废止。
"""

PLAN = """# 江南市综合交通发展规划纲要

## 第一章 发展基础

江南市机场旅客吞吐量2023年达到3200万人次，港口集装箱吞吐量达到850万标准箱。
规划建设江南新机场，成为区域航空枢纽的重要组成部分。
2019年7月，江南市交通发展战略研究正式启动。

## 第二章 总体要求

### 第三节 战略定位

区域综合交通枢纽。加快构建内畅外联的综合交通网络，提升枢纽能级和辐射带动能力。

绿色智慧交通示范区。推广新能源交通工具，建设智慧交通管理平台。

交通运输改革开放高地。深化交通运输领域改革，扩大对外开放合作。

### 第四节 发展目标

到2030年，全市轨道交通运营里程达到600公里，公共交通出行分担率达到65%。
"""

REPORT = """江南市科技创新发展情况的报告

2024年3月10日在江南市第五届人民代表大会第二次会议上

各位代表：

过去一年，全市科技创新取得积极进展，研发经费投入强度达到3.2%，高新技术企业数量达到4200家。科技创新券累计帮助1600余家中小企业获得研发资助。

与此同时，我市科技创新还存在一些问题，突出表现在三个方面：一是基础研究投入不足。二是科技成果转化效率不高。三是高端创新人才相对缺乏。

下一步，我们将加大基础研究投入，完善成果转化机制，推进科技企业孵化器提质增效。
"""

# A portal page: the metadata grid, then a notice that lists office-holders as labelled lines.
NOTICE_PAGE = """索引号：000014349/2024-00031
发文机关：江南市人民政府办公厅
成文日期：2024年03月05日
标题：江南市人民政府办公厅关于调整江南市绿化委员会组成人员的通知
发文字号：江府办发〔2024〕12号
发布日期：2024年03月18日
失效日期：2026年12月31日

江南市人民政府办公厅关于调整江南市绿化委员会组成人员的通知

江府办发〔2024〕12号

各区人民政府，市政府各部门：

因人员变动，市政府决定对江南市绿化委员会组成人员进行调整。现将调整后的名单通知如下：

主 任：王建国 副市长

副主任：李明远 市绿化管理局局长

周海燕 市园林局局长

秘书长：赵云峰 市绿化管理局副局长

绿化委员会办公室设在市绿化管理局，配备专职工作人员3名。

本通知自印发之日起施行，有效期五年。

江南市人民政府办公厅

2024年3月5日
"""

# Items as paragraphs of their own under an article whose line only announces them; a report
# whose goals run in one sentence; years in Chinese numerals, as older reports write them.
CONTRACTS = """# 江南市农村土地承包合同管理办法

## 第二章 合同的订立

第八条 发包方应当与承包方签订书面承包合同，合同文本由市农业农村部门统一制定。

第九条 有下列情况之一的，为无效承包合同：

（一）违反法律、法规和国家政策的；

（二）损害集体利益和社会公共利益的；

（三）采取欺诈、胁迫手段签订的。

第十条 无效承包合同从订立时起，就没有法律约束力。无效承包合同由仲裁机构或者人民法院确认。
"""

OLD_REPORT = """江南县一九八五年政府工作报告

一九八四年全县粮食总产量达到二十五亿斤，比一九八三年增长百分之八。全县农民人均纯收入比上年增长百分之十二。

一九八四年全县财政总收入达到三亿元。

今年全县经济社会发展的主要预期目标是：粮食总产量稳定在二十五亿斤以上；乡镇企业总产值增长百分之十五；新建县乡公路一百二十公里。

各位代表，让我们团结一致，为完成今年的各项任务而努力奋斗。
"""

# A notice as a crawler saves it, its metadata in Markdown bold labels.
REPOST = """# 关于印发《江南市数字乡村建设三年行动方案》的通知

**发布日期**: 2025-07-17
**发布机构**: 江南市农业农村局

各有关单位：

现将《江南市数字乡村建设三年行动方案》印发给你们，请认真贯彻执行。原《江南市数字乡村建设行动计划》（江农发〔2022〕3号）将于2025年8月31日到期。

江南市农业农村局

江南市大数据管理局

2025年7月10日
"""

FARM_PLAN = """# 江南市智慧农业发展行动方案（2024—2027年）

到2025年，建成智慧农场12个，培育数字农业示范基地5个。

加快推进农业生产数字化改造，提升农业综合效益。

推动智慧农业示范县和智慧农业示范园区创建工作，新增智慧农业示范园区20个。

到2026年，实现农业生产全程数字化重要突破。培育智慧农业龙头企业8家以上。

6. 打造智慧农业集聚区。构建“2+1”智慧农业空间布局。在东湖区建设数字种业先行区，在西山区建设智能农机示范区，深化建设南湖区“智慧果园”创新区。

7. 强化资金保障。
"""

# A work report: last year's results under their own heading, this year's tasks under another.
SECTIONED_REPORT = """江南县2009年政府工作报告

一、2008年工作回顾

全县进出口贸易总额12.6亿美元，增长17.8%。全县粮食总产量达到4.2亿斤。

二、2009年主要任务

全县生产总值增长8%左右，城镇新增就业1.2万人。全县固定资产投资完成150亿元。
"""

# A report printed in traditional characters, as older ones and Hong Kong clippings are.
TRADITIONAL_REPORT = """江南縣一九五四年政府工作報告

一九五四年計劃的全縣工業基本建設投資總額爲三千二百萬元，比一九五三年增加百分之二十八。全縣公路的通車里程今年將達一千四百多公里。一九五四年新建、改建和續建的工業建設項目共有三十個，預計在本年內可以有十二個項目完成建設。
"""

# Spans in a unit other than the one asked, a start given by its year alone, and a bureau
# named in full.
LEAVE = """# 江南市职工休假办法

第三条 职工连续工作满一年的，享受带薪年休假，具体天数按照国家有关规定执行。

第五条 职工与单位因年休假发生争议的，由江南市人力资源和社会保障局负责协调处理。

第九条 本办法自2025年起施行。
"""

# A Q&A page whose announcement runs on past a "；" before its items.
QA_PAGE = """江南市失业保险常见问题

七、哪些情况需要停领失业保险金？

失业人员有下列情形的，不能申领失业保险金；若申领后出现下列情形的，应当在当月告知经办机构，申请停发失业保险金：

（一）重新就业的。

（二）应征服兵役的。

（三）移居境外的。

失业人员可以在网上申请停发失业保险金。
"""

# A 复函 reposted as text, on a real province: an English question names it in translation.
REPLY = """国务院办公厅关于湖北省北陵县地质灾害防治有关问题的复函

国办函〔2004〕80号

湖北省人民政府：

你省关于北陵县地质灾害防治有关问题的请示（鄂政文〔2004〕31号）收悉。经国务院同意，现函复如下：同意将北陵县列入地质灾害综合防治试点。同意将青石、柳溪、白沙三县的地质灾害监测预警工作纳入省地质灾害防治指挥部统筹指导。

国务院办公厅

2004年11月4日
"""

# A park profile naming one species of a kind (a rare word, 银汉鱼, with a piece before it)
# and the bus route that reaches it (a code: 18B) and its funds (a list without numbers),
# and a news report that gives the day in the sentence before the one on the meeting asked.
PARK = """江南湿地公园简介

江南湿地公园位于江南市北部，总面积12平方公里。公园内记录到鱼类42种，其中溪银汉鱼为本地特有种，主要栖息于公园北部的浅水溪流。公园东部的芦苇荡中还栖息着尖鳍鲌。游客可乘坐江南公交18B线前往，该线来往江南火车站及公园南门，每日6时至22时运营。

公园管理经费来源包括：
市级财政拨款；
门票收入；
社会捐赠。

鳡鲴主要栖息于公园西部的池塘。
"""

MUSEUM = """青岚古船博物馆简介

青岚古船博物馆曾与上海、宁波、泉州等地的博物馆联合举办古代航海展，是江南市民假日常去的地方。古船博物馆坐落于江南市青岚区滨江路88号，占地面积约三万平方米。馆内收藏历代古船及船模四百余件，每周一闭馆。
"""

NEWS = """江南市召开科技创新大会

9月24日上午，江南市委召开全市科技创新大会，部署下一阶段科技创新工作。下午，江南市政府接着召开全市数字经济发展推进会，听取各区数字经济发展情况汇报。
"""

# An opinion whose title gives no year: the question names it by the year it was issued.
OPINION = """江南市人民政府关于推行部门联合随机抽查的意见

江府发〔2019〕7号

各区人民政府，市政府各部门：

为推进部门联合随机抽查，现提出如下意见。到2019年底，市场监管部门完成随机抽查全流程整合。到2020年底，实现市场监管领域部门联合抽查全覆盖、常态化。

江南市人民政府

2019年2月15日
"""

# A limit stated before the line that announces its conditions, and a neighbouring limit; an
# enumeration stated before the line that announces something else; a penalty without a fine.
DOGS = """# 江南市养犬管理规定

第十四条 个人在重点管理区内饲养犬只，每户限养一只，并符合下列条件：
（一）具有完全民事行为能力；
（二）有固定居住场所。

第十五条 个人接收临时寄养犬只，寄养数量不得超过两只，寄养时间不得超过三十日。

第十六条 饲养人未按规定为犬只接种狂犬病疫苗的，责令限期改正，处二百元以上五百元以下罚款。

第十七条 市犬类收容所为本市犬只管理的中心机构，发挥全市犬只收容中心、犬只救治中心和领养服务中心的作用，并承担以下工作：
（一）收容无主犬只；
（二）组织犬只领养。

第十八条 携犬乘坐公共交通工具的，由交通运输部门责令改正。

第十九条 发现犬只伤人的，任何人均可拨打110报警。
"""

# An article whose items the chunker reads as headings, closing with a paragraph after them; a
# list a sentence announces ("符合以下3个条件之一") a sentence before its items begin; a reply
# named by its proposal's number.
PLACE_NAMES = """# 江南市地名标志管理规定

## 第三章 地名标志管理

第二十四条 地名标志应当使用标准地名，有下列情形之一的，由地名行政主管部门责令限期改正：

（一）使用非标准地名或者用字不规范的；

（二）地名标志设置位置不当、内容错误的。

第二十五条 任何单位和个人不得有下列行为：

（一）涂改、污损地名标志；

（二）在地名标志上刻画、喷涂文字和图案；

（三）在地名标志上张贴、悬挂物品；

（四）利用地名标志架设电线、绳索；

（五）擅自设置、移动、拆除、遮挡地名标志；

（六）其他损害地名标志的行为。

因道路施工等原因确需移动、拆除地名标志的，建设单位应当报地名行政主管部门备案，并在施工结束后十日内恢复原状，所需费用由建设单位承担。

## 第四章 附则

第三十条 本规定自2025年1月1日起施行。
"""

SUBSIDIES = """江南市高校毕业生就业扶持政策清单

三、一次性求职补贴

本市高校毕业学年学生，符合以下3个条件之一，可申请一次性求职补贴，补贴标准为每人2000元。补贴对象应于毕业前向所在学校提出申请。2024年全市向获得补贴的毕业生发放了就业纪念徽章，共计1800人领取。

（1）属于城乡低保家庭成员；

（2）属于持证残疾人；

（3）曾获得国家助学贷款。

申领方式：登录江南市公共就业服务平台申领。

求职补贴咨询电话：0571-87001234

四、就业指导

本市高校毕业学年学生参加就业指导课程不少于三十二个学时，就业见习期为三至六个月。

就业见习咨询电话：0571-87005678

五、租房补贴

在本市无自有住房的高校毕业生，可申领住房租金补贴，标准为每月800元，最长补贴36个月。
"""

PROPOSAL_REPLY = """索引号：000014349/2006-00199
发文机关：国务院办公厅
成文日期：2006年09月07日
标题：国务院办公厅对江南代表团第5123号建议的答复
发布日期：2018年12月24日

国务院办公厅对江南代表团第5123号建议的答复

国办函〔2006〕55号

周明华等代表：

你们提出的关于建立免费查询地方法规的政府网站的建议收悉，现答复如下：

江南政务网已开设“地方法规”栏目，收集整理了现行的地方性法规、地方政府规章以及部分司法解释，供公众免费查询和下载。目前，国办已会同有关部门起草了规范地方法规查询网站建设的指导意见，将对网站栏目设置和更新维护作出规定。我们将认真研究，进一步改进有关工作。

国务院办公厅

2006年9月7日
"""

# A report printed in full-width digits, as older ones are: its review is of the year before.
WIDE_REPORT = """江南县１９９５年政府工作报告

一、１９９４年工作回顾

全县农民人均纯收入达到１２２０元，扣除物价因素比上年增长百分之五。全县化肥施用量为１９８８吨，比上年减少百分之三。

二、１９９５年的主要任务

今年全县粮食总产量要稳定在二十亿斤以上，继续增加农民收入。
"""

DISTRICT = """吴江区融入区域协同创新的实践

吴江区2020年实现地区生产总值2002亿元，规模以上工业总产值突破4000亿元。
"""


LAST_YEAR_REPORT = """江北县政府工作报告（2016年）

各位代表：

去年全县财政增发国债50亿元，用于加强基础设施建设。今年要继续扩大有效投资，城镇新增就业1.5万人以上。
今年全县人口自然增长率要降到千分之八左右，二〇二〇年要降到千分之五左右。
"""

FAMILY = """# 天津市计划生育奖励办法

第五条 城镇居民中的独生子女父母，男方满六十周岁、女方满五十五周岁起，按一定标准发放计划生育奖励金。

第六条 独生子女保健费和奖励金由夫妻双方所在单位各负担百分之五十。

第七条 市卫生健康部门应当编制计划生育奖励年度报告，并向社会公布。

第八条 计划生育奖励金的具体发放标准由市人民政府另行制定。
"""

REPORTING = """# 江南市人民政府向市人大常委会报告重大事项的规定

2024年10月17日 江南市第十届人民代表大会常务委员会第三十一次会议通过

第一条 为了加强市人大常委会对市人民政府工作的监督，促进重大决策的民主化、科学化，根据宪法和有关法律，制定本规定。

第二条 市人民政府根据本市经济和社会发展的需要对城市总体规划进行局部调整，应当报市人大常委会备案；对总体布局作重大变更的，须经市人大常委会审查同意后报省人民政府审批。

第三条 本市下列事项，市人民政府应当向市人大常委会报告：
（一）有关经济建设和社会发展的重大改革方案；
（二）本市年度计划外的重大建设项目；
（三）同外国缔结友好城市。

第四条 本规定自公布之日起施行。
"""

PENSION = """江南市灵活就业人员参加养老保险简介

一、政策惠及人群范围
以下人员可按规定参加企业职工基本养老保险：
无雇工的个体工商户；
未在用人单位参加基本养老保险的非全日制从业人员；
国家和本省规定的其他灵活就业人员。
二、参保要求
（一）本市户籍灵活就业人员可凭本人有效身份证件参加企业职工基本养老保险；
（二）非本市户籍的灵活就业人员可凭本人有效身份证件和就业登记证明在就业地参加企业职工基本养老保险；
（三）港澳台灵活就业人员可凭居住证在居住地参加企业职工基本养老保险。
三、咨询方式
参保咨询可拨打社会保险服务热线12333。
"""

INJURY = """# 江南市职工因工伤亡待遇办法

第七条 职工因工致残被鉴定为一级至四级伤残的，保留劳动关系，退出工作岗位，从工伤保险基金按月支付伤残津贴。

第八条 职工因工死亡的，其近亲属按照下列规定从工伤保险基金领取丧葬补助金和一次性工亡补助金：
（一）丧葬补助金为6个月的本市上年度职工月平均工资；
（二）一次性工亡补助金标准为上一年度本市城镇居民人均可支配收入的20倍。

第九条 用人单位在法定休假日安排职工工作的，支付不低于工资的百分之三百的工资报酬。
"""

GUARANTEE = """江南市人民政府关于做强政府性融资担保机构支持小微企业的实施意见

各区人民政府，市政府各部门：

一、加快发展市、县两级融资担保机构，争取三年内实现政府性融资担保业务市级全覆盖，并向小微企业融资需求旺盛的县（区）延伸。

二、政府性融资担保机构对单户担保金额500万元及以下的小微企业收取的担保费率原则上不超过1%，对单户担保金额500万元以上的小微企业收取的担保费率原则上不超过1.5%。
"""

# Three systems the opinion names collectively, and three headings under one part: a question
# asking for the three systems by their collective name is not answered with the headings.
SYSTEMS = """# 江南市人民政府办公厅关于全面推行涉企检查清单制度的指导意见

为减轻企业负担，规范涉企检查行为，全面推行涉企检查清单制度、跨部门联合检查制度、检查结果互认制度（以下统称“三项制度”），现提出如下意见。

## 一、总体要求

### （一）指导思想

坚持依法行政，减少对企业正常经营的干扰。

### （二）基本原则

坚持问题导向，统筹推进，分类实施。

### （三）工作目标

到2021年底，“三项制度”在全市各级行政执法机关全面推行。

## 二、组织实施

各区要于2020年12月底前制定全面推行“三项制度”的实施方案。
"""

# Values given for some categories of a list and not for their siblings (省道, 总体应急预案).
ROADS = """# 江南市农村公路条例

第二条 本条例所称农村公路，是指纳入农村公路规划并经验收合格的公路。包括：

（一）县道，即连接县城和乡镇的公路；

（二）乡道，即连接乡镇和建制村的公路；

（三）村道，即连接建制村和自然村的公路。

第五条 本市公路分为省道、县道、乡道和村道。省道由市交通运输部门负责规划建设。

第十二条 新建农村公路应当符合下列技术标准：
（一）县道不得低于三级公路的技术标准；
（二）乡道不得低于四级公路的技术标准。

第二十二条 每个农村公路养护站的工作人员一般不少于五人，并适当增加养护站专职安全员人数。

第二十三条 农村公路管理委员会的决定事项，须经全体委员的三分之二以上同意。

第二十条 市人民政府制定公路突发事件总体应急预案，市交通运输部门制定专项应急预案和部门应急预案。专项应急预案应当每两年至少进行一次演练，部门应急预案应当每年至少进行一次演练。

第三十条 江南市农村公路信息网英文版于2019年1月1日正式开通。
"""

# A rule that sets a share for one kind of vehicle, a zone a question shortens, a term defined
# by the sentence that opens with it.
CLEAN_AIR = """# 江南市机动车排气污染防治条例

第十八条 本市每年新增或者更新的城市公共汽车中新能源汽车的比例应当达到百分之六十以上。

第十九条 江南市综合保税区内新设的加工制造企业，经评定符合有关标准的，直接赋予最高信用等级。

第二十条 绿色出行是公众选择公共交通、步行和自行车等对环境影响较小的出行方式的一种行为，是减少机动车排气污染的重要途径。大力倡导绿色出行，有利于改善空气质量。

第二十一条 市交通运输部门应当完善绿色出行设施，逐年提高绿色出行比例。

第二十二条 鼓励机关、企业事业单位开展绿色出行宣传活动，将绿色出行纳入文明城市创建内容。

第二十四条 机动车排气污染重点控制区由市生态环境部门会同有关部门划定，报市人民政府批准后向各区、县人民政府和社会公布。
"""

# A penalty chapter that names the rule it fines by article and paragraph only.
SEA = """# 江南市海洋环境保护条例

## 第三章 监督管理

第二十条 市海洋行政主管部门应当会同有关行政管理部门每年发布本市海洋环境状况公报，公布下列内容：

（一）近岸海域水质状况；

（二）入海排污口监测情况；

（三）海洋生态保护修复情况。

## 第四章 防治养殖污染

第三十一条 渔业行政主管部门应当根据海洋功能区划划定近海养殖区域。

海水养殖应当采用科学的养殖方式和合理的养殖密度。

海上养殖生产、生活废弃物应当运至陆地作无害化处理，不得弃置海域。

## 第六章 法律责任

第四十一条 违反本条例第二十六条规定，向海域倾倒废弃物的，由海洋行政主管部门责令限期改正，处五千元以上五万元以下的罚款。

第四十二条 违反本条例第三十一条第三款规定的，由渔业行政主管部门代为收回，所需费用由养殖者承担，并可处一千元以上一万元以下的罚款。
"""

# A guide whose answer is one sentence under its heading, and another document whose heading
# holds the word the question lists by (人员).
PAYMENT_GUIDE = """江南市社保补缴办事指南

三、特定情形一次性缴费

主要是针对江南市户籍的早期离开国有集体企业人员、关闭破产企业未参保人员等特定情形，符合条件的参保人可以申请一次性缴纳养老保险费。

四、办理方式

符合条件的参保人需通过江南市社保经办机构申请办理相关业务。
"""

CONVERSION = """# 江南市事业单位转制工作的意见

## 六、关于人员安置

（十七）对转制时距国家法定退休年龄五年以内的原事业编制内人员，可以提前离岗。

（十八）转制时，要与在职职工全部签订劳动合同，一次性补缴社会保险费。
"""

# A regulation as a portal reposts it: the line of its adoption, no line of its start.
APPEARANCE = """# 江南市城镇容貌管理条例

2016年8月30日 江南市第七届人民代表大会常务委员会第四十次会议审议通过

第一条 为了加强城镇容貌管理，创造整洁、优美的城镇环境，制定本条例。

第二条 市城市管理部门负责本市城镇容貌的监督管理工作。
"""

# A regulation that names who sits on a group by post, not by name, and lists kinds inline.
PORT = """# 江南市港口发展条例

第三条 市人民政府设立港口发展协调小组，协调小组办公室设在市交通运输部门，负责日常工作。

第四条 港口发展协调小组的成员由发展改革、财政、交通运输等部门负责人组成。

第八条 本市支持港口装备企业重点研制岸边集装箱起重机、自动导引车、门座起重机等装卸设备。

第九条 本市安排港口发展专项资金，用于港口装备关键技术研发和绿色港口建设。

第二十条 本条例自2023年3月1日起施行。
"""

# A report naming the asked category in the same sentence, of another thing (水利工程).
INVESTMENT_REPORT = """江北市2016年政府工作报告

各位代表：

今年要完成铁路投资80亿元以上、公路投资165亿元，再开工2项重大水利工程，建设城市轨道交通等重大项目。
"""

REFORMS = """江南市人民政府办公厅关于推广第二批营商环境改革举措的通知

各区人民政府，市政府各部门：

经市政府同意，现将第二批营商环境改革举措推广如下：

一、推广的改革举措（共12项）

（一）政务服务方面4项：企业开办全程网上办理；不动产登记一窗受理；工程建设项目联合验收；涉企证照到期提醒。

（二）市场监管方面5项。

（三）要素保障方面3项：工业用地弹性出让；中小企业信用贷款风险补偿；公共数据授权运营。

二、工作要求

各区、各部门要结合实际抓好推广落实。
"""

EMERGENCY = """# 江南市应急体系建设规划

## 第三章 主要任务

建立市应急指挥总部指挥机制，各区、街道建设本级应急指挥部，形成上下联动的应急指挥体系。

在重点城市群、都市圈和灾害多发区域，依托现有设施建设一批综合性应急避难场所。

市应急物资储备中心设在江北区，储备库容达到5万立方米。
"""

CORRIDOR = """江南科创走廊建设方案

江南科创走廊覆盖江南区全域，总规划面积约120平方公里，根据区域功能定位和发展目标，主要分为科技研发策源区、先进制造承载区、生态创新融合区和辐射溢出联动区四个功能区，实现创新空间、产业空间和生活空间的紧密融合。
"""

PIPELINES = """# 江南市地下管线管理条例

第一条 为了加强地下管线的规划建设和运行维护管理，保障城市安全运行，根据有关法律、法规，结合本市实际，制定本条例。

第二条 本条例所称地下管线，是指城市地下的供水、排水、燃气、热力、电力、通信等管线及其附属设施。

第三条 本条例所称综合管廊，是指建于城市地下用于容纳两类及以上市政公用管线的构筑物及其附属设施。

第四条 市住房城乡建设部门负责全市地下管线的统筹协调和监督管理。
"""

SPORTS = """# 江南市体育市场管理条例

第十二条 经营者必须在其经营场所的显著位置悬挂体育经营许可证。未经批准不得改变经营项目和场所。

第十八条 体育经营者有下列情形之一的，由体育行政管理部门责令改正，并处二千元至八千元罚款，情节严重的，吊销体育经营许可证：

（一）未按规定聘用持证社会体育指导员的；

（二）擅自改变体育经营项目、场所的；

（三）涂改、出租、出借体育经营许可证的。

第十九条 体育经营者有下列行为之一的，由体育行政管理部门没收违法所得，并处五百元以上二千元以下罚款；情节严重的，吊销体育经营许可证：

（一）向未成年人提供高危险性体育项目服务的；

（二）未按规定公示收费标准的。

第二十条 违反本条例第十三条规定，擅自拆除健身器材的，由体育行政管理部门责令恢复原状，赔偿损失。

第二十一条 违反本条例第十四条规定，擅自占用体育场所的健身场地举办其他活动的，由体育行政管理部门责令改正，处一千元以上五千元以下罚款。

第十三条 体育场所内的健身器材不得擅自拆除；确需更换的，应当经体育行政管理部门同意。

第十四条 体育场所的健身场地不得擅自占用。
"""


ARBITRATION = """# 江南市劳动人事争议仲裁办法

## 第一章 总则

第一条 为了公正及时处理劳动人事争议，保护当事人合法权益，制定本办法。

第二条 发生劳动人事争议的，当事人可以向劳动人事争议仲裁委员会申请仲裁。

第三条 当事人申请仲裁，应当提交书面仲裁申请，并按照被申请人人数提交副本。

第四条 仲裁委员会收到仲裁申请后，应当审查申请材料，符合受理条件的，应当受理，并通知申请人。
"""


# A notice that issues measures and repeals the notice that issued the earlier ones; and a
# notice asked by a description of its title, without "这份".
TALENT_NOTICE = """江南市人民政府办公厅关于印发江南市人才引进入户管理办法的通知

江府办规〔2020〕10号

各区人民政府，市政府各部门、各直属机构：

《江南市人才引进入户管理办法》已经市人民政府同意，现印发给你们，请认真组织实施。

江南市人民政府办公厅

2020年6月29日

江南市人才引进入户管理办法

第一条 为吸引各类人才来江南市创新创业，制定本办法。

第二条 具有全日制本科以上学历、年龄在35周岁以下的人员，可以申请人才引进入户。

第三条 本办法自印发之日起施行，有效期5年。《江南市人民政府办公厅关于印发江南市人才引进入户管理办法的通知》（江府办规〔2017〕8号）同时废止。
"""

DIGITAL_NOTICE = """关于组织开展江南市2024年度中小微企业数字化转型专项资金项目申报工作的通知

各区工业和信息化局：

为推动中小微企业数字化转型，现就2024年度专项资金项目申报有关事项通知如下：

一、每个项目补助不超过50万元。

二、申报截止时间为2024年10月31日。

江南市工业和信息化局

2024年6月12日
"""


# A sum set for each of two kinds of venue, and the total.
VENUES = """江南市2025年公共体育场馆免费低收费开放补助资金分配方案

一、市财政安排补助资金共计800万元，用于公共体育场馆免费低收费开放。

二、县级体育馆方面，安排补助资金300万元，用于延长开放时间。

三、乡镇文体中心方面，安排补助资金200万元，用于添置健身器材。
"""

# A plan whose paragraph opens with its year and is longer than a chunk: the figure at its end
# is about that year, in a chunk that never names it.
WATER_PLAN = """# 江南市智慧水务发展行动方案

一、主要目标

到2025年，全市供水管网漏损率控制在9%以内，建成智慧水厂3座。

2028年前，基本建成覆盖城乡的智慧水务感知网络，供水、排水、节水、防汛各环节数据实现统一汇聚和共享应用，城市供水安全保障能力和水环境治理水平明显提升。全市主要河湖断面水质监测站点实现自动监测全覆盖，重点排水户在线监测接入率达到百分之百，城市内涝预警响应时间大幅缩短。推动10项以上智慧水务关键技术在供水调度、管网巡检、污水处理等场景落地应用，形成一批可复制可推广的典型案例。研制并推广5项以上新型水务装备、监测仪表和处理工艺（以下简称“三新装备”）。引育12家以上水务科技骨干企业，培育一支专业化智慧水务运营队伍。

2030年前，智慧水务体系全面建成，新型水务装备和处理工艺广泛推广应用。培育智慧水务龙头企业20家，推动3家水务科技企业上市；水务装备产业产值突破500亿元。

江南市水务局

2025年3月1日
"""

ENTERPRISE_PLAN = """江南市工业企业调整工作方案

一、总体要求

我市现有企业的组织结构很不合理，经营管理较为落后，这是当前妨碍经济效益提高的一个重要问题，也是造成浪费的重要原因。

市政府决定，从现在起立即按照产品分工由归口部门协同各区组成强有力的领导小组，制定行业规划，提出企业调整方案。对以下三类企业，必须首先实行关停并转：

（一）物资消耗高、产品质量差、经营不善而长期亏损的企业；

（二）生产供过于求、产品大量积压的企业；

（三）与先进企业争能源、争原材料、争运输能力的落后企业，特别是盲目发展起来的以劣挤优的企业。

各区和各部门都要制定为期两年的企业关停并转计划，提出关停企业的名单和实施步骤。
"""


FIVE_YEAR_REPORT = """关于江北市第六个五年计划的报告

1982年12月10日

各位代表：

现在，我代表市人民政府，向大会作关于江北市第六个五年计划的报告，请予审议。

到一九八五年，全市粮食产量计划达到三百六十万吨，比一九八○年增长百分之十二点三；棉花三万六千吨，增长百分之三十三。

建材工业要加快发展，水泥、平板玻璃等产品要优先保证重点建设的需要。
"""


MEDICAL_NEWS = """江南市多项医保新措1月1日起实施

2025-01-01 来源：江南日报

自2025年起，对连续参加居民医保满4年的参保人员，之后每连续参保1年，提高大病保险最高支付限额3800元。

对当年基金零报销的居民医保参保人员，次年提高大病保险最高支付限额3800元。

中断缴费的参保人员，修复等待期的缴费标准按照当年参保地的个人缴费标准执行。
"""


PERMIT_GUIDE = """江南市电子居住证如何申领？一文说清

2024-05-06 来源：江南市公安局

来江南人员居住登记满半年的，可以申领电子居住证。电子居住证与实体居住证具备同样服务功能，具有同等法律效力。

电子居住证有效期为一年，每年签注一次，持证人需在居住满一年前一个月内办理签注业务。
"""


REVIEW_REPORT = """江东县政府工作报告（2010年）

各位代表：

现在，我代表县人民政府，向大会作政府工作报告，请予审议。

一、去年工作回顾

全县蔬菜总产量在上年增长的基础上，又增产6万吨，达到86万吨。

二、今年主要任务

全县生产总值增长9%左右，城镇新增就业1.1万人以上。今年全县水产品总产量预计达到9万吨，比上年增长4.7%。到2012年，全县水产品总产量计划达到12万吨。
"""


LATER_BULLETIN = """江东县2012年国民经济和社会发展统计公报

2013-02-28 来源：江东县统计局

2010年以来，全县民生支出累计达到45亿元，占一般公共预算支出的七成以上。
"""


ZONE_PLAN = """# 江南都市圈协同发展规划纲要

## 第八章 高水平建设生态绿色协同示范区

加快生态绿色协同示范区建设，在严格保护生态环境的前提下，率先探索将生态优势转化为发展优势、从项目协同走向制度创新，先行先试，为全域生态绿色协同发展探索路径和提供示范。

以江南东湖、江北西山、江东南岭为生态绿色协同示范区（面积约860平方公里），引领都市圈更高质量协同发展。以江南港等地区为开放试验区新片区，打造开放型经济新高地。

### 第一节 打造生态友好型协同发展样板

探索生态友好型高质量发展模式。坚持绿色发展、集约节约发展，先行探索生态保护与发展协同的试验做法。
"""


# Two figures asked "各", each in a sentence of its own, a review's figure for one of them before.
EACH_REPORT = """江中县1965年政府工作报告

各位代表：

一九六四年全县工业总产值比上年增长百分之十八，粮食总产量创历史最高水平。

今年全县经济工作的主要任务是：稳定农业，加快工业，搞活流通，改善人民生活。

一九六五年计划草案拟定，全县农业总产值比一九六四年增长百分之四左右。我们要继续兴修水利，推广良种，争取有一个更好的收成。

计划草案拟定，全县工业总产值比一九六四年增长百分之十二左右。要推广先进经验，努力提高产品质量。

全县财政收入增长百分之八，收支平衡。
"""


# A speech with its dateline under the title (a short line, read as a heading: in no sentence);
# the body names another day and meeting.
SPEECH = """政府工作报告

——2021年1月12日在江南县第十七届人大第五次会议上

江南县县长 王建华

各位代表：

现在，我代表县人民政府，向大会报告工作，请予审议。

2020年12月28日，县委十四届十一次全会审议通过了国民经济和社会发展第十四个五年规划的建议。全县生产总值增长6%左右。
"""


# A sum named with 额 after what it is of ("临时救助金额"): the sum of the 临时救助金.
ASSISTANCE = """江南市临时救助实施细则

第三条 区民政部门负责本行政区域内临时救助审批、临时救助金发放和监督管理等工作。

第十二条 个人临时救助标准原则上不低于当地两个月城镇最低生活保障标准。同一家庭在1个自然年度内临时救助金额累计最高不得超过3万元。

第十三条 镇人民政府负责发放临时救助金。
"""


# An article whose items are too short to be sentences ("（一）名称；"): the list is read line by
# line after the line that announces it.
REGISTRATION = """# 江南市商事主体登记办法

第七条 登记机关应当公开商事主体登记的办理流程、申请材料和办理时限。

第八条 商事主体的基本登记事项包括：

（一）名称；

（二）类型；

（三）住所；

（四）负责人姓名。

除前款规定外，合伙企业还应当登记合伙人的姓名或者名称。

第九条 商事主体变更登记事项的，应当自作出变更决定之日起30日内申请变更登记。

第十条 申请商事主体设立登记的，应当同时符合下列条件：

（一）有符合规定的名称和住所；

（二）注册资本不低于人民币十万元；

（三）有两名以上的投资人。
"""


# Terms a plan's explanation defines as "X，是……" and "“X”，" / "即……" on the next line.
PLAN_NOTES = """江南市国民经济和社会发展规划纲要草案的说明

在规划指标上，分为预期性和约束性两大类。预期性指标，是预计和期望达到的指标，主要通过引导市场主体行为来实现；约束性指标，是必须实现的目标，主要通过依法加强管理和提供服务来实现。

四、所有确定进行建设的项目，一律实行“三定”，
即定建设规模，定投资总额，定建设工期，并且实行严格的责任制度。计划部门必须按照合理工期分年拨足投资。
"""


# A list in one sentence, and an indicator's heading that holds the listed noun in passing.
DOCTOR_PLAN = """江南市家庭医生签约服务实施方案

一、开展上门服务

有条件的机构应分类提供预约上门巡诊服务。现阶段服务对象主要包含符合家庭病床建床条件的居民、65岁以上失能老年人、一级和二级肢体残疾人等确有需求的人群。

附件：考核指标

1.重点人群签约服务覆盖率

重点人群签约服务覆盖率=该区签约家庭医生服务的重点人群数/辖区内重点人群数*100%。

统计年度内签约居民人数占该区重点人群数的比例，由区卫生健康部门每季度统计。
"""


# Two figures of one year in sentences of their own, asked together in English.
HARVEST_PLAN = """江东县关于1981年国民经济计划的报告

一九八一年粮食产量计划达到三十五万吨，比一九八〇年预计产量增加一万吨。

我们要继续推广良种，加强田间管理，搞好农业技术服务。

一九八一年棉花产量计划达到二万五千吨，比一九八〇年预计产量增加两千吨。

各乡镇要把计划任务落实到村，确保全面完成。县纺织厂要扩大棉布生产。

县里对购买农机的农户给予补贴，农机购置补助标准为每台三千元。
"""


# Shares "其中" of a sum the sentence before names, in a paragraph naming another 投资 first.
SHARES_REPORT = """江西县2011年政府工作报告

各位代表：

实施两年新增40亿元的投资计划，其中，新增县级投资12亿元。

保障性安居工程和社会事业投资占43%，重大基础设施建设占24%，灾后恢复重建占15%。
"""


# An older report that gives harvests in 担, and a notice that sets no day for what it asks.
DAN_REPORT = """江中县一九八一年国民经济计划执行情况的报告

一九八一年全县工农业总产值预计比上年增长百分之三，油料产量增长百分之十七。

全县粮食产量预计达到六十五万担，比上年增加三万担。

县里继续对茶叶、油料的收购给予价格补贴。
"""
CLEANUP_NOTICE = """江中县人民政府办公室关于开展农村人居环境整治工作的通知

各乡镇人民政府：

各乡镇要制定整治工作方案，并及时报送县整治工作联合办公室。整治工作联合办公室设在县住房城乡建设局。

江中县人民政府办公室

2020年3月2日
"""


# Prices raised for the crops a sentence lists, respectively.
PRICE_REPORT = """江北县2012年政府工作报告

继续提高粮食最低收购价，今年小麦、稻谷最低收购价平均每50公斤分别提高7.4元和16元。

全县玉米种植面积稳定在十万亩。
"""


# Prices raised for crops a sentence names in turn, each before the same words; counties of
# two kinds a question names otherwise (产粮 for 商品粮).
TURN_REPORT = """江北县2013年政府工作报告

继续实施粮食最低收购价政策，今年小麦最低收购价每50公斤提高5到7元，水稻最低收购价每50公斤提高9到23元。

县里准备重点扶持50个商品粮大县、15个优质棉大县。

全县玉米种植面积稳定在十万亩。
"""


# Rates given for the crops a sentence names, and a crop it names elsewhere only; relief of one
# kind ("急难型") publicised for a term, its sibling ("支出型") named without one.
MECHANIZATION = """江东县农业机械化发展规划

到2025年，全县主要农作物耕种收综合机械化率达到75%，其中马铃薯种植、收获机械化率均达到45%，棉花收获机械化率达到60%。

县里支持苜蓿、青贮玉米等饲草料生产基地建设。
"""
RELIEF = """江东县临时救助实施细则

第五条 急难型临时救助情况在救助对象的户籍所在地进行公示，公示期为1年。

第六条 支出型临时救助的审核审批按照省有关规定执行。

第七条 见习者属于就业困难人员、低保对象或残疾人的，见习期间按每月500元给予生活费补贴。
"""
# Shares of floor space set for two kinds of facility, and a third named without one.
HOUSING = """江东县公共租赁住房管理办法

第十条 公共租赁住房项目配套公共服务设施比例应不小于住宅建筑面积的11%，其中，商业服务设施比例应按不大于住宅建筑面积的5%进行设置。

第十一条 项目周边应统筹建设养老、托育等设施。

第十二条 公租房实行实物配租和租赁补贴相结合。具有完全民事行为能力，且年满30周岁的单身申请人可独立申请。
"""
# A plan its report names in quotes ("“七五” 计划"), as reports of the time did.
PLAN_REPORT_1986 = """关于江中县国民经济和社会发展第七个五年计划的报告

经过一年多的工作，“七五” 计划草案已制定出来。“七五” 计划草案规定，五年内全县基本建设投资总规模为十二亿元。

职工实际平均工资平均每年增长百分之四左右，加上就业人口的增加，城镇居民的年平均收入的增长率将高于这个数字。
"""
# Awards to works and to people the decision names only in part.
AWARDS = """江东县人民政府关于2018年度科学技术奖励的决定

县人民政府决定，授予“稻田综合种养技术研究”科学技术进步奖一等奖，授予“茶叶深加工技术”等5项成果科学技术进步奖二等奖。

授予约翰·史密斯教授等3名外国专家科学技术合作奖。

奖励申报工作联系人为县科技局王晓东。
"""
# A regulation amended twice, its history in lines of their own.
AMENDED = """江东县实施老年人权益保障法办法

2001年4月19日 江东县第九届人民代表大会常务委员会第二十六次会议通过。

2009年11月27日 江东县第十一届人民代表大会常务委员会第十四次会议《关于修改〈江东县实施《中华人民共和国老年人权益保障法》办法〉的决定》第一次修正。

2020年11月27日 江东县第十三届人民代表大会常务委员会第二十五次会议《关于修改〈江东县见义勇为人员奖励和保障条例〉等五件地方性法规的决定》第二次修正。

第一条 为了保障老年人合法权益，发展老龄事业，制定本办法。
"""
# A count of quakes of one grade and up.
SEISMIC = """江东县地震局关于1995年地震活动情况的报告

1995年全县共发生3级以上地震12次，大大高于年均5次的水平。

全县要加强防震减灾工作，做好地震监测预报。
"""
# The rate of one payer given first; the asked payer's under a heading of its own below.
CARE_INSURANCE = """江东县长期护理保险试行办法

## 第二章 参保缴费

月缴费费率按以下标准执行：

1.单位缴费费率，在职职工、失业人员、退休人员均为0.15%。

2.个人缴费费率：

（1）未满35周岁参保人员个人不缴费；

（2）满35周岁至未满45周岁参保人员为0.02%；

（3）满45周岁至退休前参保人员为0.08%。
"""
# A base set as a share of a wage, no sum in 元.
CARE_BASE = """江西县长期护理保险缴费基数办法

退休人员的长护险缴费基数为上年度本县在岗职工月平均工资的60%。
"""


# A decision whose long title a question gives in short, words left out here and there, and
# another decision of the same issuer.
OTHER_DECISION = """国务院关于同意设立江南滨海新区的决定

国发〔2019〕7号

江南省人民政府：

同意设立江南滨海新区。

国务院

2019年3月1日
"""
DECISION = """国务院关于在江南滨海国际医疗旅游先行区暂时调整实施《中华人民共和国药品管理法实施条例》有关规定的决定

国发〔2018〕43号

各省、自治区、直辖市人民政府，国务院各部委、各直属机构：

为进一步支持江南省试点发展国际医疗旅游相关产业，国务院决定在江南滨海国际医疗旅游先行区暂时调整实施《中华人民共和国药品管理法实施条例》第三十六条的规定。

国务院

2018年12月21日
"""


@pytest.fixture(scope="module")
def policy_kb(tmp_path_factory):
    return written_kb(
        tmp_path_factory.mktemp("policy"),
        {
            "jiangnan-greening-regulation.md": REGULATION,
            "jiangnan-transport-outline.md": PLAN,
            "jiangnan-sci-tech-report.txt": REPORT,
            "wujiang-practice.txt": DISTRICT,
            "jiangnan-dog-rules.md": DOGS,
            "jiangnan-joint-inspection-opinion.txt": OPINION,
            "jiangnan-wetland-park.txt": PARK,
            "qinglan-ship-museum.txt": MUSEUM,
            "jiangnan-sci-tech-meeting.txt": NEWS,
            "hubei-hazard-reply.txt": REPLY,
            "jiangnan-leave-rules.md": LEAVE,
            "jiangnan-greening-committee.txt": NOTICE_PAGE,
            "jiangnan-digital-villages-notice.txt": REPOST,
            "jiangnan-county-report-2009.txt": SECTIONED_REPORT,
            "jiangnan-county-report-1954.txt": TRADITIONAL_REPORT,
            "jiangnan-smart-farming-plan.md": FARM_PLAN,
            "jiangnan-land-contracts.md": CONTRACTS,
            "jiangnan-county-report-1985.txt": OLD_REPORT,
            "jiangnan-place-name-signs.md": PLACE_NAMES,
            "jiangnan-graduate-subsidies.txt": SUBSIDIES,
            "proposal-5123-reply.txt": PROPOSAL_REPLY,
            "jiangnan-county-report-1995.txt": WIDE_REPORT,
            "jiangnan-guarantee-opinion.txt": GUARANTEE,
            "jiangnan-injury-benefits.md": INJURY,
            "jiangbei-report-2016.txt": LAST_YEAR_REPORT,
            "jiangnan-reporting-rules.md": REPORTING,
            "jiangnan-flexible-pension.txt": PENSION,
            "tianjin-family-rewards.md": FAMILY,
            "jiangnan-inspection-systems.md": SYSTEMS,
            "jiangnan-rural-roads.md": ROADS,
            "jiangnan-sea-protection.md": SEA,
            "jiangnan-payment-guide.txt": PAYMENT_GUIDE,
            "jiangnan-appearance-regulation.md": APPEARANCE,
            "jiangbei-report-2016-investment.txt": INVESTMENT_REPORT,
            "jiangnan-institution-conversion.md": CONVERSION,
            "jiangnan-business-reforms.txt": REFORMS,
            "jiangnan-emergency-plan.md": EMERGENCY,
            "jiangnan-sports-market.md": SPORTS,
            "jiangnan-innovation-corridor.txt": CORRIDOR,
            "jiangnan-underground-pipelines.md": PIPELINES,
            "jiangnan-arbitration-rules.md": ARBITRATION,
            "jiangnan-talent-notice.txt": TALENT_NOTICE,
            "jiangnan-digital-notice.txt": DIGITAL_NOTICE,
            "jiangnan-venue-subsidies.txt": VENUES,
            "jiangnan-smart-water-plan.md": WATER_PLAN,
            "jiangnan-metro-zone-plan.md": ZONE_PLAN,
            "jiangnan-enterprise-adjustment.txt": ENTERPRISE_PLAN,
            "jiangbei-five-year-plan-1982.txt": FIVE_YEAR_REPORT,
            "jiangnan-medical-insurance-news.txt": MEDICAL_NEWS,
            "jiangnan-residence-permit-guide.txt": PERMIT_GUIDE,
            "jiangdong-report-2010.txt": REVIEW_REPORT,
            "jiangdong-bulletin-2012.txt": LATER_BULLETIN,
            "jiangnan-port-regulation.md": PORT,
            "jiangnan-clean-air.md": CLEAN_AIR,
            "jiangdong-mechanization-plan.md": MECHANIZATION,
            "jiangdong-relief-rules.md": RELIEF,
            "jiangdong-care-insurance.md": CARE_INSURANCE,
            "jiangxi-care-insurance-base.txt": CARE_BASE,
            "jiangdong-seismic-report-1995.txt": SEISMIC,
            "jiangdong-rental-housing.md": HOUSING,
            "jiangdong-science-awards-2018.txt": AWARDS,
            "jiangdong-elderly-rights-measures.md": AMENDED,
            "jiangzhong-plan-report-1986.txt": PLAN_REPORT_1986,
            "jiangnan-temporary-assistance.txt": ASSISTANCE,
            "jiangnan-county-report-2021.txt": SPEECH,
            "jiangzhong-county-report-1965.txt": EACH_REPORT,
            "jiangnan-registration-rules.md": REGISTRATION,
            "jiangnan-plan-notes.txt": PLAN_NOTES,
            "jiangnan-family-doctors.txt": DOCTOR_PLAN,
            "jiangdong-harvest-plan-1981.txt": HARVEST_PLAN,
            "jiangxi-county-report-2011.txt": SHARES_REPORT,
            "jiangzhong-county-report-1981.txt": DAN_REPORT,
            "jiangzhong-cleanup-notice.txt": CLEANUP_NOTICE,
            "jiangbei-county-report-2012.txt": PRICE_REPORT,
            "jiangbei-county-report-2013.txt": TURN_REPORT,
            "jiangnan-drug-rules-decision.txt": DECISION,
            "jiangnan-new-area-decision.txt": OTHER_DECISION,
        },
    )


def _ask(kb, q: str) -> dict:
    r = kb.ask(q, audit=False).to_dict()
    root = kb.corpus_dir
    for c in r["citations"]:  # every quote is text of its document
        text = (root / Path(c["source"]).name).read_text(encoding="utf-8")
        assert norm(c["quote"]) in norm(text), c
    return r


def _expect(kb, q: str, status: str, *texts: str) -> dict:
    """Ask ``q``: the answer has ``status`` and holds every one of ``texts``."""
    r = _ask(kb, q)
    assert r["status"] == status, r["answer"]
    for text in texts:
        assert text in r["answer"], r["answer"]
    return r


def _refused_without(kb, q: str, figure: str, *texts: str) -> dict:
    """Ask ``q``: refused (holding each of ``texts``), its first line not giving ``figure``, a
    figure of something else the passages state."""
    r = _expect(kb, q, "not_found", *texts)
    assert figure not in r["answer"].split("\n")[0], r["answer"]
    return r


def _expect_unmentioned(kb, q: str, name: str) -> dict:
    """Ask ``q``: refused, its first line saying that “``name``” is not mentioned."""
    r = _expect(kb, q, "not_found", name)
    assert f"“{name}”" in r["answer"].split("\n")[0], r["answer"]
    return r


def _ask_list(kb, q: str, items: tuple[str, ...]) -> dict:
    """Ask a list question: answered, with every one of ``items``."""
    return _expect(kb, q, "answered", *items)


def test_where_a_place_is_is_answered_by_the_sentence_that_locates_it(policy_kb):
    # the sentence naming other cities in passing ranks first; it does not say where it is
    r = _expect(policy_kb, "青岚古船博物馆在哪里？", "answered", "滨江路88号")
    first = r["answer"].split("[1]")[0]
    assert "滨江路88号" in first and "泉州" not in first, r["answer"]


def test_a_list_under_a_heading_is_answered_with_every_item(policy_kb):
    q = "《江南市综合交通发展规划纲要》确定了哪三个战略定位？"
    r = _ask_list(policy_kb, q, ("区域综合交通枢纽", "绿色智慧交通示范区", "交通运输改革开放高地"))
    assert len(r["citations"]) >= 3  # each item cited on its own


def test_a_list_named_by_one_sentence_is_answered_with_the_sentences_after_it(policy_kb):
    # "构建“2+1”空间布局。" names the list; its items follow in the same paragraph
    q = "江南市智慧农业“2+1”空间布局分别放在哪几个区？"
    r = _ask_list(policy_kb, q, ("东湖区", "西山区", "南湖区"))
    assert "强化资金保障" not in r["answer"]  # the next paragraph is another measure


def test_items_named_collectively_are_the_list_the_name_asks_for(policy_kb):
    r = _ask_list(
        policy_kb,
        "江南市涉企检查指导意见里的“三项制度”是哪三项？",
        ("涉企检查清单制度", "跨部门联合检查制度", "检查结果互认制度"),
    )
    assert "指导思想" not in r["answer"], r["answer"]


def test_an_enumeration_is_answered_with_every_item(policy_kb):
    for q in ("江南市科技创新存在的问题突出表现在哪几个方面？", "江南市科技创新存在哪三点问题？"):
        _ask_list(
            policy_kb, q, ("基础研究投入不足", "科技成果转化效率不高", "高端创新人才相对缺乏")
        )


def test_an_articles_numbered_items_are_listed(policy_kb):
    q = "《江南市城市绿化条例》规定哪些情形下不予批准砍伐城市树木？"
    _ask_list(policy_kb, q, ("古树名木保护范围", "防洪排涝", "弄虚作假"))


def test_a_quantity_the_documents_never_state_of_the_subject_is_refused(policy_kb):
    # Only 吴江区's GDP is given; nothing states 江南市's (the GDP shape), although
    # sentences about 江南市 with figures and years abound.
    for q in ("2023年江南市的地区生产总值是多少？", "江南市的GDP是多少？"):
        r = _ask(policy_kb, q)
        assert r["status"] == "not_found", r["answer"]
        assert "生产总值" in r["answer"] or "GDP" in r["answer"]
    _expect(policy_kb, "吴江区2020年的地区生产总值是多少？", "answered", "2002亿元")
    # a span of time too: the regulation sets days for decisions, no term for anything
    q = "按江南市城市绿化条例，绿化管理部门负责人的任期是几年？"
    _expect(policy_kb, q, "not_found", "任期")
    q = "按江南市城市绿化条例，砍伐城市树木的申请要在多少个工作日内作出决定？"
    _expect(policy_kb, q, "answered", "十五个工作日")


def test_a_quantity_question_the_article_leaves_open_is_refused_citing_the_article(policy_kb):
    # The articles on the reward and on the share discuss the subject, and the first sentence
    # retrieval brings is about it, but neither gives a figure: "多少钱" has no answer here.
    for q, where in (
        ("在江南市举报擅自砍伐城市树木查证属实的，每次奖励多少钱？", "给予举报人奖励"),
        ("江南市建设项目附属绿地面积占建设用地面积的比例不得低于百分之几？", "另行规定"),
    ):
        r = _ask(policy_kb, q)
        assert r["status"] == "not_found", r["answer"]
        assert "没有给出" in r["answer"], r["answer"]
        assert any(where in c["quote"] for c in r["citations"]), r["citations"]
    # The plan mentions the airport, and a year beside it, but not when it opens.
    r = _ask(policy_kb, "《江南市综合交通发展规划纲要》规定江南新机场应在哪一年建成通航？")
    assert r["status"] == "not_found", r["answer"]
    assert "没有给出" in r["answer"] and "年份" in r["answer"], r["answer"]
    assert r["citations"][0]["doc_id"] == "jiangnan-transport-outline", r["citations"]
    # A count with 余/多 between the number and its measure word still answers "多少家".
    r = _ask(policy_kb, "江南市科技创新券累计帮助多少家中小企业获得研发资助？")
    assert r["status"] == "answered" and "1600余家" in r["answer"], r["answer"]


def test_what_a_definition_includes_is_listed_from_its_items(policy_kb):
    q = "江南市农村公路条例所称的农村公路包括哪几类？"
    _ask_list(policy_kb, q, ("连接县城和乡镇", "连接乡镇和建制村", "连接建制村和自然村"))


def test_the_value_of_a_sibling_category_does_not_answer(policy_kb):
    q = "按江南市农村公路条例，新建省道最低要达到几级公路的技术标准？"
    _refused_without(policy_kb, q, "三级", "“省道”")
    q = "按江南市农村公路条例，新建县道最低要达到几级公路的技术标准？"
    _expect(policy_kb, q, "answered", "三级公路")
    q = "江南市公路突发事件总体应急预案多久至少要演练一次？"
    _refused_without(policy_kb, q, "每两年", "“总体应急预案”")
    _expect(policy_kb, "江南市公路专项应急预案多久至少要演练一次？", "answered", "每两年")
    # a modifier of one character ("中" of 中文版) is in most sentences: the word decides
    q = "江南市农村公路信息网中文版是哪天正式开通的？"
    _refused_without(policy_kb, q, "2019年1月1日", "“中文版”")
    _expect(policy_kb, "江南市农村公路信息网英文版是哪天正式开通的？", "answered", "2019年1月1日")
    # the asked modifier in the sentence of something else ("重大水利工程") is no 水利投资
    q = "江北市2016年政府工作报告要求当年完成水利投资多少亿元？"
    _refused_without(policy_kb, q, "80亿元", "“水利投资”")
    _expect(
        policy_kb, "江北市2016年政府工作报告要求当年完成铁路投资多少亿元？", "answered", "80亿元"
    )
    # the sibling's modifier inside a word the tagger reads as a fixed phrase ("粮食产量"/l)
    q = "江北市第六个五年计划规定一九八五年全市水泥产量要达到多少万吨？"
    _refused_without(policy_kb, q, "三百六十万吨", "“水泥产量”")
    q = "江北市第六个五年计划规定一九八五年全市粮食产量要达到多少万吨？"
    _expect(policy_kb, q, "answered", "三百六十万吨")


def test_an_abbreviation_and_an_age_are_read_as_the_text_writes_them(policy_kb):
    # 公租房 abbreviates 公共租赁住房 (the title over the sentence); "多少岁" is answered by 周岁
    q = "江东县单身的人要满多少岁才能自己申请公租房？"
    _expect(policy_kb, q, "answered", "30周岁")


def test_a_sum_asked_in_yuan_is_not_answered_by_a_share_of_a_wage(policy_kb):
    q = "江西县长护险退休人员的缴费基数每月是多少元？"
    _refused_without(policy_kb, q, "60%", "金额")
    q = "江西县长护险退休人员的缴费基数是怎么定的？"
    _expect(policy_kb, q, "answered", "月平均工资的60%")


def test_who_is_asked_is_not_answered_by_a_sentence_naming_nobody_else(policy_kb):
    # no name but the work's; the one name the question gives itself
    q = "江东县2018年度科学技术进步奖一等奖“稻田综合种养技术研究”的主要完成人是谁？"
    _expect(policy_kb, q, "not_found", "人选")
    q = "江东县2018年度获科学技术合作奖的3名外国专家，除了约翰·史密斯还有谁？"
    _expect(policy_kb, q, "not_found", "人选")
    _expect(policy_kb, "江东县科学技术奖励申报工作的联系人是谁？", "answered", "王晓东")


def test_a_plan_named_in_quotes_is_the_plan_a_question_names_without(policy_kb):
    q = "七五计划草案规定五年内江中县基本建设投资总规模是多少？"
    _expect(policy_kb, q, "answered", "十二亿元")
    # a share stated of one thing, another named only after it ("……将高于这个数字")
    q = "七五计划草案规定江中县城镇居民年平均收入每年增长百分之几？"
    _refused_without(policy_kb, q, "百分之四", "“平均收入”")
    q = "七五计划草案规定江中县职工实际平均工资每年增长百分之几？"
    _expect(policy_kb, q, "answered", "百分之四")


# (asked of a sibling: refused, its figure not given, naming what is missing; asked of the
# category the document gives: answered with the figure)
OTHER_CATEGORIES = (
    # the act between noun and figure ("苜蓿 收获 机械化率") is part of what the figure is of
    ("按江东县农业机械化发展规划，到2025年苜蓿收获机械化率要达到多少？", "60%", "“苜蓿收获机械化”",
     "按江东县农业机械化发展规划，到2025年棉花收获机械化率要达到多少？"),
    # a suffix makes the kind ("支出型" beside "急难型")
    ("江东县支出型临时救助要公示多长时间？", "1年", "“支出型临时救助”",
     "江东县急难型临时救助要公示多长时间？"),
    # two words of the dictionary that differ in their last character (棉花, 棉布)
    ("一九八一年江东县棉布产量计划达到多少？", "二万五千吨", "“棉布产量计划”",
     "一九八一年江东县棉花产量计划达到多少？"),
    # a word the tagger's dictionary calls a person (养老/nr) narrows a noun as any noun does
    ("江东县公租房项目的养老设施要占住宅建筑面积多少比例？", "5%", "“养老设施”",
     "江东县公租房项目的商业服务设施要占住宅建筑面积多少比例？"),
    # a sum set for the categories a condition lists is not set for another
    ("江东县见习人员是退役军人的，见习期间每月生活费补贴多少钱？", "500元", "“退役军人”",
     "江东县见习人员是残疾人的，见习期间每月生活费补贴多少钱？"),
    # a count of another grade ("3级以上") gives none of the grade asked
    ("1995年江东县发生4级以上地震多少次？", "12次", "“3级以上”",
     "1995年江东县发生3级以上地震多少次？"),
)  # fmt: skip


def test_the_latest_amendment_is_no_grade_of_one(policy_kb):
    # "最近一次修正": 一 is a determiner, and "第二次修正" no other grade than the one asked
    q = "江东县实施老年人权益保障法办法最近一次修正是在什么时候？"
    _expect(policy_kb, q, "answered", "2020年11月27日")


def test_a_sibling_named_with_an_act_a_suffix_or_a_near_spelling_does_not_answer(policy_kb):
    for refused, figure, missing, answered in OTHER_CATEGORIES:
        _refused_without(policy_kb, refused, figure, missing)
        _expect(policy_kb, answered, "answered", figure)
    # one English word's two renderings (subsidy: 补贴, 补助) are one category, not siblings
    q = "一九八一年江东县农机购置补贴标准是每台多少元？"
    _expect(policy_kb, q, "answered", "三千元")
    # what is asked is no condition ("是每月多少钱的")
    q = "江东县残疾人见习期间的生活费补贴标准是每月多少钱的？"
    _expect(policy_kb, q, "answered", "500元")
    # a sibling's rate near the best does not hide the asked one's under its own heading
    q = "江东县长护险，职工45岁到退休前个人缴费费率是多少？"
    r = _expect(policy_kb, q, "answered", "0.08%")
    assert "0.08%" in r["answer"].split("[1]")[0], r["answer"]  # it leads


def test_a_share_set_for_another_noun_in_the_same_words_does_not_answer(policy_kb):
    # the question's words around 出租车 frame 城市公共汽车 in the rule: its share is not asked
    q = "按江南市机动车排气污染防治条例，每年新增或更新的出租车里新能源汽车要占多少？"
    _refused_without(policy_kb, q, "百分之六十", "“出租车”")
    q = "按江南市机动车排气污染防治条例，每年新增或更新的城市公共汽车里新能源汽车要占多少？"
    _expect(policy_kb, q, "answered", "百分之六十")


def test_a_word_the_question_shortens_is_found_written_in_full(policy_kb):
    # 综保区: 综合保税区 with two characters left out; no document writes the short form
    q = "综保区里新设的加工制造企业，可以被赋予什么信用等级？"
    _expect(policy_kb, q, "answered", "最高信用等级")


def test_a_list_of_places_is_not_answered_by_sentences_naming_none(policy_kb):
    q = "江南市机动车排气污染重点控制区具体包括哪些区县？"
    _expect(policy_kb, q, "not_found", "区县")


def test_a_term_is_defined_by_the_sentence_that_opens_with_it(policy_kb):
    q = "交通部门文件里常说的绿色出行，是什么意思？"
    _expect(policy_kb, q, "answered", "对环境影响较小的出行方式")


def test_a_quantity_named_across_two_words_is_named(policy_kb):
    # "房租" is written inside "住房租金" (住房|租金): named, not a word the documents lack
    q = "在江南市没有房子的高校毕业生租房住，每个月能领多少房租补贴？"
    _expect(policy_kb, q, "answered", "每月800元")


def test_a_share_asked_as_how_many_is_answered_by_a_fraction(policy_kb):
    q = "江南市农村公路管理委员会的决定事项要经全体委员的多少同意才能通过？"
    _expect(policy_kb, q, "answered", "三分之二以上")


def test_a_count_of_a_thing_named_after_the_figure_is_not_given(policy_kb):
    # the figure's clause counts 工作人员; 专职安全员 comes after it, without a number
    q = "江南市每个农村公路养护站的专职安全员至少要有几人？"
    _refused_without(policy_kb, q, "五人", "“专职安全员”")
    q = "江南市每个农村公路养护站的工作人员至少要有几人？"
    _expect(policy_kb, q, "answered", "不少于五人")


def test_the_document_a_question_asks_by_is_not_what_it_asks(policy_kb):
    # "按……仲裁办法最晚多长时间": the rules set no time limit; 办法 names the rules, it is
    # neither what was asked nor what the passages speak of
    q = "跟单位闹纠纷想申请仲裁，按劳动人事争议仲裁办法最晚多长时间内得提出来？"
    r = _expect(policy_kb, q, "not_found", "没有给出期限")
    assert "办法”" not in r["answer"] and "办法的" not in r["answer"], r["answer"]


def test_a_fine_does_not_answer_for_another_sum_of_money(policy_kb):
    # the regulation sets up the fund without a sum; its only sums are fines
    q = "按照江南市城市绿化条例，城市绿化专项资金每年至少安排多少万元？"
    _refused_without(policy_kb, q, "二万元", "给出的是罚款数额")
    # a limited company (有限责任公司) names no liability to be fined for
    q = "按照江南市城市绿化条例，有限责任公司每年至少向城市绿化专项资金缴纳多少万元？"
    _refused_without(policy_kb, q, "二万元", "给出的是罚款数额")
    # "费用标准是多少" asks a sum of money too: a fine for not vaccinating is none
    q = "按江南市养犬管理规定，个人寄养犬只的费用标准是多少？"
    _refused_without(policy_kb, q, "二百元", "金额")
    # asked about the fine, the fine answers
    q = "按照江南市城市绿化条例，擅自砍伐城市树木的，每株罚款多少？"
    _expect(policy_kb, q, "answered", "五千元以上二万元以下")


def test_a_refusal_names_what_is_missing_without_function_words(policy_kb):
    # the regulation names 行道树 but gives no age: "至少" is how much is asked, not what
    q = "江南市城市绿化条例要求新建城市道路的行道树树龄至少几年？"
    r = _expect(policy_kb, q, "not_found", "“行道树”", "没有给出期限")
    assert "至少" not in r["answer"].split("\n")[0], r["answer"]
    q = "按照江南市城市绿化条例，举报擅自砍伐城市树木查证属实的，每次奖励多少元？"
    r = _expect(policy_kb, q, "not_found", "“举报”", "没有给出奖励的金额")
    assert "“按照”" not in r["answer"] and "“擅自”" not in r["answer"], r["answer"]


def test_a_count_of_a_thing_the_documents_name_without_a_figure_is_refused(policy_kb):
    # The report names 孵化器 in a sentence with no number: how many is not said, although
    # the sentences beside it count other things (4200家, 1600余家).
    r = _expect(
        policy_kb, "江南市科技创新报告提出新建多少个孵化器？", "not_found", "“孵化器”，但没有给出"
    )
    assert "孵化器" in r["citations"][0]["quote"], r["citations"]  # where it is named
    # "委员" is not named by "绿化委员会", a committee: how many members it has is not said
    # (its office's 3名 staff are no members).
    _expect(policy_kb, "江南市绿化委员会由几名委员组成？", "not_found", "“委员”")
    # a count in a clause about another thing (示范园区) is not the count of 示范县
    q = "江南市智慧农业发展行动方案要新增多少个智慧农业示范县？"
    _expect(policy_kb, q, "not_found", "示范县")
    q = "江南市智慧农业发展行动方案要新增多少个智慧农业示范园区？"
    _expect(policy_kb, q, "answered", "20个")
    _expect(policy_kb, "江南市的高新技术企业数量达到多少家？", "answered", "4200家")


def test_english_function_words_are_not_names_the_corpus_must_contain(policy_kb):
    r = _ask(
        policy_kb,
        "According to the Jiangnan greening regulation, within how many working days must "
        "the department decide on an application to fell city trees?",
    )
    assert r["status"] == "answered", r["answer"]
    assert "十五个工作日" in r["answer"]
    assert r["answer"].startswith("From the (Chinese) sources")


def test_a_question_that_asks_two_things_answers_both(policy_kb):
    r = _ask(policy_kb, "《江南市城市绿化条例》什么时候起施行？同时废止了哪个文件？")
    assert r["status"] == "answered", r["answer"]
    assert "2024年9月1日" in r["answer"] and "江南市绿化管理办法" in r["answer"]
    assert len(r["analysis"]["parts"]) == 2
    # the second question opens with a clause of its own ("携犬乘坐公共交通工具的，"), and the
    # first one's "要被罚" is its own: the second inherits only "在江南市，"
    q = (
        "在江南市，饲养人没给犬只接种狂犬病疫苗要被罚多少钱？"
        "携犬乘坐公共交通工具的，由哪个部门责令改正？"
    )
    _expect(policy_kb, q, "answered", "二百元以上五百元以下", "交通运输部门")


def test_the_json_says_how_the_question_was_read(policy_kb):
    r = _ask(policy_kb, "擅自砍伐城市树木的，每株罚款多少？")
    a = r["analysis"]
    assert a["asks"] == "amount" and "罚款" in a["slot"]
    assert r["status"] == "answered" and "五千元以上二万元以下" in r["answer"]


def test_a_definition_question_is_answered_with_the_definition(policy_kb):
    r = _ask(policy_kb, "江南市城市绿化条例所称城市绿化是指什么？")
    assert r["status"] == "answered" and "是指在城市规划区内" in r["answer"], r["answer"]


def test_a_plain_text_report_is_titled_by_its_title_line(policy_kb):
    titles = {d.doc_id: d.title for d in policy_kb.documents()}
    assert titles["jiangnan-sci-tech-report"] == "江南市科技创新发展情况的报告"


def test_the_retrieval_test_says_the_quantity_check_refused(policy_kb):
    from kb.probe import probe

    q = "在江南市举报擅自砍伐城市树木查证属实的，每次奖励多少钱？"
    o = probe(policy_kb, q, audit=False)["outcome"]
    r = _ask(policy_kb, q)
    assert (o["status"], o["answer"]) == (r["status"], r["answer"]) == ("not_found", r["answer"])
    # the model alone would answer; the check that the lead states an amount refuses
    assert o["decided_by"] == "typed" and o["answerable"] >= o["threshold"], o
    assert "没有给出所问的数值，因此拒答" in o["explanation"], o["explanation"]


def test_an_article_asked_for_its_items_is_quoted_from_its_opening_line(policy_kb):
    # 第十二条 opens with a line that only announces its items ("……不予批准砍伐城市树木：").
    q = "《江南市城市绿化条例》第十二条规定了哪些情形？"
    r = _ask_list(policy_kb, q, ("古树名木保护范围", "防洪排涝", "弄虚作假"))
    assert r["citations"][0]["quote"].startswith("第十二条"), r["citations"]
    assert "第十三条" not in r["answer"]  # the article, not the next one


def test_a_labelled_line_answers_the_label_it_states(policy_kb):
    # "主 任：" is spaced out to align a grid; 副主任 is another line, not the director.
    r = _ask(policy_kb, "江南市绿化委员会主任由谁担任？")
    assert r["status"] == "answered", r["answer"]
    assert "王建国" in r["answer"] and "李明远" not in r["answer"], r["answer"]
    assert r["citations"][0]["quote"] == "主 任：王建国 副市长", r["citations"]
    r = _ask(policy_kb, "调整后江南市绿化委员会的副主任是谁？")
    assert "李明远" in r["answer"] and "王建国" not in r["answer"], r["answer"]
    # one label for several office-holders, each on a line of their own
    r = _ask(policy_kb, "调整后江南市绿化委员会的副主任有哪几位？")
    assert "李明远" in r["answer"] and "周海燕" in r["answer"], r["answer"]
    assert "赵云峰" not in r["answer"], r["answer"]
    r = _ask(policy_kb, "Who is the secretary-general of the Jiangnan greening committee?")
    assert r["status"] == "answered" and "赵云峰" in r["answer"], r["answer"]


def test_a_portals_metadata_grid_answers_the_parts_it_labels(policy_kb):
    title = "《江南市人民政府办公厅关于调整江南市绿化委员会组成人员的通知》"
    r = _ask(policy_kb, f"{title}的文号、成文日期和发布日期分别是什么？")
    assert r["status"] == "answered", r["answer"]
    for value in ("江府办发〔2024〕12号", "2024年03月05日", "2024年03月18日"):
        assert value in r["answer"], r["answer"]
    assert "推算" not in r["answer"], r["answer"]  # "2024年03月05日" states 2024年3月5日
    # The platform's 失效日期, not the end of "有效期五年" worked out from the signing date.
    r = _ask(policy_kb, f"{title}在平台上标注的失效日期是哪天？")
    assert "2026年12月31日" in r["answer"] and "2029" not in r["answer"], r["answer"]
    assert any(c["quote"] == "失效日期：2026年12月31日" for c in r["citations"]), r
    # "有效期是几年" asks the span as the text writes it, not a day worked out from it
    r = _ask(policy_kb, f"{title}的有效期是几年？")
    assert "有效期五年" in r["answer"] and "2029" not in r["answer"], r["answer"]
    # "哪一天发布的", of a page that prints both days: the day signed and the 发布日期 line
    r = _ask(policy_kb, f"{title}是哪一天发布的？")
    assert "2024年03月05日" in r["answer"] and "2024年03月18日" in r["answer"], r["answer"]
    r = _ask(
        policy_kb, "《江南市数字乡村建设三年行动方案》的印发通知是哪天发布的？发布日期是什么？"
    )
    assert "2025-07-17" in r["answer"], r["answer"]
    # a later part asking "哪天发的" of the notice its first part names
    r = _ask(policy_kb, "江南市调整绿化委员会组成人员的那份通知，文号是什么？哪天发的？")
    for value in ("江府办发〔2024〕12号", "2024年03月05日"):
        assert value in r["answer"], r["answer"]


def test_an_english_question_names_the_official_document_in_translation(policy_kb):
    r = _ask(
        policy_kb,
        "What is the document number of the State Council General Office's reply letter on "
        "geological hazards in Hubei, and to which body was it addressed?",
    )
    assert r["status"] == "answered", r["answer"]
    assert "国办函〔2004〕80号" in r["answer"] and "湖北省人民政府" in r["answer"], r["answer"]
    # no name in the question: its rarest title words (地质, 灾害) name the document
    q = "On what date did the State Council General Office sign its reply letter on geological hazards?"
    r = _ask(policy_kb, q)
    assert r["status"] == "answered" and "2004年11月4日" in r["answer"], r["answer"]


def test_a_list_announced_by_its_articles_line_is_answered_whole(policy_kb):
    q = "《江南市农村土地承包合同管理办法》规定哪些情况下的承包合同为无效承包合同？"
    r = _ask_list(policy_kb, q, ("违反法律、法规和国家政策", "损害集体利益", "欺诈、胁迫"))
    assert "仲裁机构" not in r["answer"], r["answer"]  # the next article is not an item


def test_an_announcement_running_past_a_semicolon_still_opens_its_items():
    # "；" ends a unit, so the announcement is two units and the items follow the second.
    from kb.answer.candidates import units_of
    from kb.answer.lists import enumeration
    from kb.retrieve.retrieve import Passage
    from kb.store.documents import ChunkRecord, DocumentRecord

    doc = DocumentRecord("qa", "qa.txt", "江南市失业保险常见问题", text=QA_PAGE)
    units = units_of(Passage(ChunkRecord("qa-0", "qa", 0, QA_PAGE), doc, 0.0), 0)
    at = next(i for i, u in enumerate(units) if "不能申领" in u.text)
    items = [u.text for u in enumeration(units, at)]
    assert items == ["（一）重新就业的。", "（二）应征服兵役的。", "（三）移居境外的。"], items


def test_the_items_a_chunk_boundary_cut_from_their_article_are_read_on():
    # "应当具备下列条件：" ends its chunk; the items, in the next chunk, were not retrieved
    from types import SimpleNamespace

    from kb.answer.candidates import units_of
    from kb.answer.lead import read_on
    from kb.core.tokenize import Tokenizer
    from kb.retrieve.question import analyze
    from kb.retrieve.retrieve import Passage
    from kb.store.documents import ChunkRecord, DocumentRecord

    head = "第九条 申请设立鉴定机构的，应当具备下列条件："
    items = "（一）明确的业务范围；\n\n（二）人民币五十万元以上的资金；"
    after = "第十条 鉴定机构应当每年报告执业情况。"
    doc = DocumentRecord(
        "rules", "rules.md", "江南省鉴定管理条例", text="\n\n".join([head, items, after])
    )
    chunks = [ChunkRecord(f"rules-{i}", "rules", i, t) for i, t in enumerate([head, items, after])]
    snap = SimpleNamespace(doc_chunks=lambda doc_id: chunks)
    q = analyze("申请设立鉴定机构至少要有多少资金？", Tokenizer())
    found = [Passage(chunks[0], doc, 2.0), Passage(chunks[2], doc, 1.5)]
    units = [u for rank, p in read_on(q, found, snap) for u in units_of(p, rank)]
    assert [u.text for u in units] == ["（一）明确的业务范围；", "（二）人民币五十万元以上的资金；"]
    assert {u.rank for u in units} == {0}  # ranked as the article they belong to
    # nothing to read on: the items were retrieved, the best passage announces nothing (a
    # lower one's items would crowd the candidates for little), or it announces a list of
    # something the question does not name
    assert read_on(q, [*found, Passage(chunks[1], doc, 1.0)], snap) == []
    assert read_on(q, found[::-1], snap) == []
    other = analyze("江南市政府对城市总体规划做大改动要走什么程序？", Tokenizer())
    assert read_on(other, found, snap) == []


def test_an_articles_announcing_line_introduces_its_items():
    # The article's opening line only announces ("第十九条 下列车辆……："): it is no unit, and the
    # items after it are still a list the text presents, not a run of numbered headings.
    from kb.answer.candidates import units_of
    from kb.answer.lists import enumeration, introduced
    from kb.retrieve.retrieve import Passage
    from kb.store.documents import ChunkRecord, DocumentRecord

    text = (
        "第十九条 下列车辆可以免费通行农村公路收费站：\n\n（一）执行抢险救灾任务的车辆；\n\n"
        "（二）军队、武警部队的车辆；\n\n（三）公安机关执行紧急任务的车辆。"
    )
    doc = DocumentRecord("roads", "roads.md", "江南市农村公路条例", text=text)
    units = units_of(Passage(ChunkRecord("roads-0", "roads", 0, text), doc, 0.0), 0)
    items = enumeration(units, len(units) - 1)
    assert [u.text[:3] for u in items] == ["（一）", "（二）", "（三）"], items
    assert introduced(units, items)
    # a 公文's salutation ends in a colon too, and announces no list of the paragraphs after it
    text = "江南市人民政府，市交通运输局：\n\n一、原则同意《规划》。\n\n二、加强组织实施。"
    units = units_of(Passage(ChunkRecord("reply-0", "reply", 0, text), doc, 0.0), 0)
    items = enumeration(units, len(units) - 1)
    assert len(items) == 2 and not introduced(units, items), [u.text for u in items]


def test_goals_run_into_one_sentence_are_listed_each(policy_kb):
    q = "江南县1985年政府工作报告提出的主要预期目标有哪些？"
    r = _ask_list(policy_kb, q, ("二十五亿斤以上", "增长百分之十五", "一百二十公里"))
    assert len(r["citations"]) >= 3  # each clause cited on its own


def test_a_year_written_in_chinese_numerals_is_the_year_asked(policy_kb):
    r = _ask(policy_kb, "江南县1984年的粮食总产量是多少？")
    assert r["status"] == "answered", r["answer"]
    assert "二十五亿斤" in r["answer"] and "一九八四年" in r["answer"], r["answer"]


def test_a_sentence_the_one_before_dates_to_last_year_does_not_answer_for_this_one(policy_kb):
    # "全县农民人均纯收入比上年增长百分之十二" follows "一九八四年……": 1984's, though it names
    # no year and stands in the 1985 report; the report sets no 1985 target for it
    q = "江南县1985年政府工作报告定的当年农民人均纯收入增长计划指标是多少？"
    _refused_without(policy_kb, q, "百分之十二")


def test_a_compound_quantity_with_a_word_between_its_parts_is_the_quantity_asked(policy_kb):
    # 财政收入 is stated as 财政总收入: the same quantity, not one the documents lack.
    r = _ask(policy_kb, "江南县1985年政府工作报告说，1984年全县财政收入是多少？")
    assert r["status"] == "answered" and "三亿元" in r["answer"], r["answer"]


def test_the_sentence_before_dates_a_figure_under_a_title_that_names_a_period(policy_kb):
    # The plan's title (its heading) names 2024—2027, a period, which dates none of its
    # sentences: "培育……8家以上" is of 2026, the year the sentence before it gives.
    r = _ask(policy_kb, "江南市智慧农业行动方案提出到2026年培育多少家智慧农业龙头企业？")
    assert r["status"] == "answered" and "8家以上" in r["answer"], r["answer"]


def test_headings_counted_out_do_not_answer_a_list_they_do_not_name(policy_kb):
    # The outline has two chapters; "哪两个机场" is not asking for them.
    r = _ask(policy_kb, "《江南市综合交通发展规划纲要》提出建设哪两个机场？")
    assert "第二章 总体要求" not in r["answer"], r["answer"]


def test_a_figure_of_another_year_of_the_named_plan_does_not_answer(policy_kb):
    # The plan names 2027 in its title and the question names it again as the year of the
    # figure; the plan gives the figure for 2025 only.
    title = "《江南市智慧农业发展行动方案（2024—2027年）》"
    r = _ask(policy_kb, f"{title}提出到2027年建成多少个智慧农场？")
    assert "12个" not in r["answer"], r["answer"]
    r = _ask(policy_kb, f"{title}提出到2025年建成多少个智慧农场？")
    assert r["status"] == "answered" and "12个" in r["answer"], r["answer"]
    # Under the heading "一、2008年工作回顾" a sentence without a year is about 2008.
    r = _ask(policy_kb, "江南县2009年政府工作报告提出2009年进出口贸易总额增长多少？")
    assert "17.8%" not in r["answer"], r["answer"]
    # "当年" names 2009 again: the year of the figure, not only the report's
    r = _ask(policy_kb, "江南县2009年政府工作报告提出当年进出口贸易总额增长多少？")
    assert "17.8%" not in r["answer"], r["answer"]
    # 2008's trade figure is under the review's heading; 2009's tasks give none
    r = _ask(policy_kb, "江南县2009年政府工作报告为2009年定的进出口贸易总额增长目标是多少？")
    assert r["status"] == "not_found" and "8%" not in r["answer"], r["answer"]
    assert "2009年的“贸易总额”" in r["answer"], r["answer"]
    r = _ask(policy_kb, "江南县2009年政府工作报告提出2009年城镇新增就业多少人？")
    assert r["status"] == "answered" and "1.2万人" in r["answer"], r["answer"]


def test_a_change_asked_is_the_change_of_the_noun_before_the_verb(policy_kb):
    # "能耗要比上年降低多少" asks a change of 能耗: 2009's tasks state the growth of 生产总值, of
    # another quantity, and no change of 能耗.
    q = "江南县2009年政府工作报告提出，2009年全县{}要比上年{}多少？"
    _refused_without(policy_kb, q.format("单位生产总值能耗", "降低"), "8%", "能耗")
    _expect(policy_kb, q.format("生产总值", "增长"), "answered", "8%")
    # the change named as a target ("增长的预期目标"), a level held ("控制在多少以内")
    q = "江南县2009年政府工作报告提出，2009年全县{}是多少？"
    _refused_without(policy_kb, q.format("单位生产总值能耗下降的预期目标"), "8%", "能耗")
    _expect(policy_kb, q.format("生产总值增长的预期目标"), "answered", "8%")
    q = "江南县2009年政府工作报告提出，2009年全县城镇登记失业率要控制在多少以内？"
    _refused_without(policy_kb, q, "8%", "失业率")
    # the figure named by its general name ("生产总值的*计划指标*比上年增长多少"): a change of
    # 生产总值, whose name the sentence gives, not of 计划指标, which it does not
    q = "江南县2009年政府工作报告提出，2009年全县{}的计划指标{}"
    _expect(policy_kb, q.format("生产总值", "比上年增长多少？"), "answered", "8%")
    _expect(policy_kb, q.format("生产总值", "是多少？比上年增长多少？"), "answered", "8%")
    _refused_without(policy_kb, q.format("单位生产总值能耗", "比上年降低多少？"), "8%", "能耗")
    # a level is no change: 2009's investment is planned at 150亿元, against nothing
    q = "江南县2009年政府工作报告提出，2009年全县固定资产投资计划，{}"
    _expect(policy_kb, q.format("完成多少亿元？"), "answered", "150亿元")
    _refused_without(policy_kb, q.format("比上年增加多少？"), "150亿元", "投资")


def test_a_report_in_traditional_characters_answers_questions_in_simplified_ones(policy_kb):
    q = "江南县1954年政府工作报告中，1954年计划的工业基本建设投资总额比上一年增加多少？"
    _expect(policy_kb, q, "answered", "百分之二十八")
    q = "江南县1954年政府工作报告说，全县公路通车里程今年将达到多少公里？"
    _expect(policy_kb, q, "answered", "一千四百多公里")
    # asked how much it grew, whatever the segmenter makes of 预计数: the level is no answer
    q = "江南县1954年政府工作报告中，全县公路通车里程的预计数比上一年增加了多少公里？"
    _refused_without(policy_kb, q, "一千四百多公里", "公路")
    # a count written with the traditional classifier (個)
    q = "江南县1954年政府工作报告说，1954年新建、改建和续建的工业建设项目一共有多少个？"
    _expect(policy_kb, q, "answered", "三十個")


def test_a_figure_or_a_date_in_another_unit_than_the_one_asked_does_not_answer(policy_kb):
    # 2008's grain output is stated in 斤: asked in 吨, the documents do not say.
    q = "江南县2009年政府工作报告说2008年全县粮食总产量达到多少{}？"
    r = _ask(policy_kb, q.format("万吨"))
    assert r["status"] == "not_found" and "4.2亿斤" not in r["answer"], r["answer"]
    r = _ask(policy_kb, q.format("亿斤"))
    assert r["status"] == "answered" and "4.2亿斤" in r["answer"], r["answer"]
    # "连续工作满一年" is the condition, not the length of the leave asked in days.
    r = _ask(policy_kb, "江南市职工每年带薪年休假是多少天？")
    assert r["status"] == "not_found", r["answer"]
    r = _ask(policy_kb, "《江南市城市绿化条例》规定作出砍伐审批决定最多要多少天？")
    assert r["status"] == "answered" and "十五个工作日" in r["answer"], r["answer"]
    # The general classifier 个 is answered in the noun's own: "3名", "4200家".
    r = _ask(policy_kb, "江南市绿化委员会办公室配备几个专职工作人员？")
    assert r["status"] == "answered" and "3名" in r["answer"], r["answer"]
    r = _ask(policy_kb, "江南市高新技术企业有多少个？")
    assert r["status"] == "answered" and "4200家" in r["answer"], r["answer"]
    # "几月几日" is answered by a day, not by a year alone.
    r = _ask(policy_kb, "《江南市职工休假办法》自几月几日起施行？")
    assert r["status"] == "not_found", r["answer"]
    r = _ask(policy_kb, "《江南市城市绿化条例》自几月几日起施行？")
    assert r["status"] == "answered" and "2024年9月1日" in r["answer"], r["answer"]


def test_a_rule_of_one_city_does_not_answer_for_another(policy_kb):
    for q in (
        "杭州市擅自砍伐城市树木的，每株罚款多少？",
        "Under Hangzhou's rules, what is the fine per tree for felling city trees without approval?",
    ):
        r = _ask(policy_kb, q)
        assert "五千元以上二万元以下" not in r["answer"], r["answer"]
    r = _ask(policy_kb, "江南市擅自砍伐城市树木的，每株罚款多少？")
    assert "五千元以上二万元以下" in r["answer"], r["answer"]


def test_the_retrieval_test_names_the_labelled_line_and_the_place_check(policy_kb):
    import json

    from click.testing import CliRunner

    from kb.cli import main
    from kb.probe import probe
    from tests.test_contract import check

    schema = json.loads(CliRunner().invoke(main, ["schema"]).stdout)
    r = probe(policy_kb, "江南市绿化委员会主任由谁担任？", audit=False)
    check(schema, "RetrieveResponse", r)  # the JSON contract knows every answerer
    assert r["outcome"]["answered_by"] == "fields" and "王建国" in r["outcome"]["answer"]
    r = probe(policy_kb, "深圳市擅自砍伐城市树木的，每株罚款多少？", audit=False)
    check(schema, "RetrieveResponse", r)
    o = r["outcome"]
    assert (o["status"], o["decided_by"]) == ("not_found", "place"), o
    assert "没有提到问题所问的地方" in o["explanation"], o["explanation"]


def test_a_question_about_a_thing_the_corpus_never_names_is_refused(policy_kb):
    # The regulation protects old trees in general; nothing in the corpus names 鹅掌楸, so no
    # sentence about 古树名木 answers for it, however well the rest of the question matches.
    for q in ("鹅掌楸古树的保护范围由哪个部门负责划定？", "鹅掌楸古树被擅自砍伐的，每株罚款多少？"):
        r = _ask(policy_kb, q)
        assert r["status"] == "not_found", r["answer"]
        assert "鹅掌楸" in r["answer"], r["answer"]
    # An abbreviation of a name the corpus writes in full is no unknown topic.
    r = _ask(policy_kb, "绿委会主任由谁担任？")
    assert r["status"] == "answered" and "王建国" in r["answer"], r["answer"]


def test_a_figure_in_chinese_numerals_answers_a_bare_how_much(policy_kb):
    # "五米": a Chinese numeral with its unit is the figure asked by "至少要多少"
    _expect(policy_kb, "江南市新建道路种行道树，两棵树之间至少要隔多少？", "answered", "五米")


def test_a_clause_ending_at_a_semicolon_is_answered_with_the_rest_of_its_sentence(policy_kb):
    # the penalty's second half follows the semicolon: the answer shows the whole sentence
    q = "擅自占用江南市城市绿地，罚款标准是多少？"
    _expect(policy_kb, q, "answered", "五百元以上一千元以下", "二千元以上一万元以下")


def test_a_deadline_counted_from_an_event_answers_when(policy_kb):
    # "十五个工作日内": the rule states its deadline from the application, not as a calendar
    # day, and that answers "什么时候" (a paraphrase sharing few words with the article)
    q = "在江南市砍树要先申请，主管部门什么时候之前必须给答复？"
    _expect(policy_kb, q, "answered", "十五个工作日内")


def test_an_english_which_with_a_singular_noun_asks_for_one_thing(policy_kb):
    # "by which department" asks for one department, not for a list of records
    q = (
        "Under Jiangnan's urban greening regulation, what fine may be imposed for felling city "
        "trees without approval, and by which department?"
    )
    r = _expect(policy_kb, q, "answered", "五千元以上二万元以下", "绿化管理部门")
    assert "records" not in r["answer"].split("\n")[0], r["answer"]


def test_a_question_opening_with_a_name_no_document_mentions_is_refused(policy_kb):
    # "梧桐苑小区": a name of several pieces (梧桐 + 苑 + 小区) that no document writes; the
    # regulation's fund answers for the city, not for it
    _expect_unmentioned(policy_kb, "梧桐苑小区的绿化专项资金用于哪些方面？", "梧桐苑小区")
    # the same question on what the regulation does name is answered
    _expect(policy_kb, "江南市城市绿化专项资金用于哪些方面？", "answered", "古树名木保护")


def test_a_name_that_ends_in_a_rare_word_is_not_answered_by_its_kin(policy_kb):
    # 银汉鱼 is rare; "麦银汉鱼" is another fish than the park's 溪银汉鱼
    _expect_unmentioned(policy_kb, "麦银汉鱼主要栖息在哪里？", "麦银汉鱼")
    _expect(policy_kb, "溪银汉鱼主要栖息在哪里？", "answered", "浅水溪流")


def test_a_name_of_rare_characters_no_document_writes_is_refused(policy_kb):
    # the segmenter cuts such names into single characters (鳑/x 鲏/zg), so no word of them
    # was a name the corpus must write: the park's fish answered for them
    _expect_unmentioned(policy_kb, "鳑鲏主要栖息在哪里？", "鳑鲏")
    _expect(policy_kb, "尖鳍鲌主要栖息在哪里？", "answered", "芦苇荡")


def test_a_name_of_rare_characters_a_question_opens_with_is_its_topic(policy_kb):
    # 鳡鲴 (鳡/yg 鲴/g) is written in the park's profile only: a regulation's sentences on
    # 株距 or on its special fund are about something else, however well they match the rest
    _expect_unmentioned(policy_kb, "鳡鲴保护专项资金用于哪些方面？", "鳡鲴")
    r = _expect(policy_kb, "鳡鲴的株距不得小于几米？", "not_found")
    assert "五米" not in r["answer"].split("\n")[0], r["answer"]
    _expect(policy_kb, "鳡鲴主要栖息在哪里？", "answered", "西部的池塘")


def test_when_a_document_the_reply_mentions_was_issued_is_not_the_replys_date(policy_kb):
    # the reply mentions a guideline being drafted; its own 成文日期 is not the guideline's,
    # and the sentence on the guideline gives no date
    q = "国办函〔2006〕55号提到的规范地方法规查询网站建设的指导意见，是什么时候印发的？"
    r = _expect(policy_kb, q, "not_found", "没有给出印发的时间")
    assert "2006" not in r["answer"].split("\n")[0], r["answer"]
    _expect(policy_kb, "国办函〔2006〕55号是什么时候印发的？", "answered", "2006年")


def test_a_code_no_document_writes_is_refused(policy_kb):
    # "19B" is a route no document names; the 18B route's sentence does not answer for it
    _expect_unmentioned(policy_kb, "江南公交19B线来往于哪两个地方？", "19B")
    _expect(policy_kb, "江南公交18B线来往于哪两个地方？", "answered", "江南火车站")


def test_a_figure_asked_of_what_an_agent_does_is_not_refused_for_the_agent(policy_kb):
    # "公安机关最多能罚多少": how much may be fined; the sentence stating the fine need not
    # name who fines it
    q = "在江南市养狗不给狗打狂犬疫苗，公安机关最多能罚多少钱？"
    _expect(policy_kb, q, "answered", "二百元以上五百元以下")


def test_a_list_stated_before_an_announced_one_is_not_read_from_the_items_after(policy_kb):
    # the three 中心 are in the article's opening line; the items after it are its 工作
    q = "江南市犬类收容所要发挥哪几个“中心”的作用？"
    r = _ask_list(policy_kb, q, ("犬只收容中心", "犬只救治中心", "领养服务中心"))
    assert "组织犬只领养" not in r["answer"], r["answer"]


def test_a_list_without_numbers_is_answered_with_its_lines(policy_kb):
    # items too short to be sentences of their own, one per line, none numbered
    q = "江南湿地公园的管理经费来源包括哪些？"
    _ask_list(policy_kb, q, ("市级财政拨款", "门票收入", "社会捐赠"))


def test_a_day_given_in_the_sentence_before_is_shown_with_the_answer(policy_kb):
    # the meeting's sentence says only "下午"; its day is in the sentence before
    q = "江南市政府在哪一天召开了全市数字经济发展推进会？"
    _expect(policy_kb, q, "answered", "9月24日", "数字经济发展推进会")


def test_a_part_asked_of_another_document_by_its_number_is_not_read_off_this_one(policy_kb):
    # the notice's own parts answer its 文号; "江农发〔2022〕3号" is the plan it replaces,
    # whose end the notice states in a sentence (not "文件中未找到有效期至的规定")
    q = "《江南市数字乡村建设三年行动方案》的印发通知成文日期是哪天？原来的江农发〔2022〕3号哪天到期？"
    r = _expect(policy_kb, q, "answered", "2025年7月10日", "2025年8月31日")
    assert "未找到" not in r["answer"], r["answer"]


def test_a_year_the_question_gives_its_document_does_not_restrict_the_answer(policy_kb):
    # "2019年推行……的意见" names the opinion; the goal it sets is for 2020
    q = "按照江南市2019年推行部门联合随机抽查的意见，联合抽查全覆盖定在什么时候？"
    _expect(policy_kb, q, "answered", "2020年底")


def test_a_limit_stated_before_its_list_of_conditions_answers(policy_kb):
    # "……每户限养一只，并符合下列条件：" announces the conditions after stating the limit
    r = _expect(policy_kb, "江南市重点管理区内个人最多能养几只狗？", "answered", "限养一只")
    assert r["citations"][0]["quote"].startswith("第十四条"), r["answer"]


def test_codes_are_identifiers_not_ordinals_or_quantities():
    from kb.answer.anchors import codes_in

    assert codes_in("九龙巴士41R线和K310UD12型巴士") == ["41R", "K310UD12"]
    assert codes_in("G60科创走廊的5G基站") == ["G60", "5G"]
    # an English ordinal, a decade and quantities a text may write in Chinese units
    assert codes_in("China's 14th plan of the 1990s: 50mg, 10km, 3m") == []


def test_a_name_the_corpus_writes_in_full_is_not_unknown(policy_kb):
    # "人社局" abbreviates the 人力资源和社会保障局 the rules name: nothing the question names is
    # unknown to the corpus, so a configured model is given the article and writes the answer
    # (a name no document writes would leave it to the extractive answerer's refusal)
    from kb.knowledge import KnowledgeBase
    from tests.fake_llm import FakeLLM

    q = "按江南市职工休假办法，人社局负责协调处理什么？"
    fake = FakeLLM()
    try:
        s = policy_kb.settings.model_copy(update={"llm_base_url": fake.url, "llm_model": "m"})
        kb = KnowledgeBase(s, policy_kb.store, policy_kb.embedder, policy_kb.tok)
        r = kb.ask(q, audit=False).to_dict()
        assert r["mode"] == "llm" and "年休假发生争议" in fake.user_message(), r
    finally:
        fake.close()
    _expect(policy_kb, q, "answered", "年休假发生争议")


def test_a_fine_of_another_offence_does_not_answer_for_one_the_rules_fine_nothing(policy_kb):
    # 第十八条 orders a correction and names no fine; 第十六条 fines the 饲养人 for another
    # offence: its figure is not the one asked, however well 饲养人 matches
    q = "江南市饲养人携犬乘坐公共交通工具的，最多罚款多少？"
    _refused_without(policy_kb, q, "二百元", "没有给出")


def test_an_article_is_quoted_whole_past_items_read_as_headings(policy_kb):
    # the items of 第二十四条 and 第二十五条 stand alone as headings, so chunks of one article
    # sit under different heading paths; the paragraph closing 第二十五条 is still its text
    q = "《江南市地名标志管理规定》第二十五条是怎么规定的？"
    r = _expect(policy_kb, q, "answered", "涂改、污损地名标志", "遮挡地名标志", "恢复原状")
    assert "第三十条" not in r["answer"] and "标准地名" not in r["answer"], r["answer"]


def test_a_list_announced_a_sentence_before_its_items_is_answered_with_them(policy_kb):
    # "符合以下3个条件之一，可申请……。补贴对象应于……申请。" then the items
    q = "江南市的一次性求职补贴，毕业学年的学生符合哪几种情况之一就能申请？"
    _ask_list(policy_kb, q, ("城乡低保家庭成员", "持证残疾人", "国家助学贷款"))


def test_official_document_parts_asked_in_plain_words_are_each_answered(policy_kb):
    # named by its proposal's number and "那份函"; the recipients asked as "收文的代表", the
    # date printed as the grid writes it
    q = "国办答复第5123号建议的那份函，文号、收文的代表和成文日期分别是什么？"
    _expect(policy_kb, q, "answered", "国办函〔2006〕55号", "周明华等代表", "2006年09月07日")
    # described in short ("那份调整绿化委员会组成人员的通知"), three parts in three questions
    q = (
        "江南市政府办公厅那份调整绿化委员会组成人员的通知，是哪个机关发的？"
        "发给了哪些单位？落款日期是哪天？"
    )
    _expect(policy_kb, q, "answered", "江南市人民政府办公厅", "各区人民政府", "2024年03月05日")
    # the recipient asked as "是给哪个单位的", two issuers who sign together as "哪两家单位"
    q = "国务院办公厅关于湖北省北陵县地质灾害防治有关问题的复函是给哪个单位的？"
    _expect(policy_kb, q, "answered", "主送机关：湖北省人民政府")
    q = "国务院关于湖北省北陵县地质灾害防治有关问题的复函，是批给哪个单位的？"
    _expect(policy_kb, q, "answered", "主送机关：湖北省人民政府")
    # the 文号 of the request a reply answers is the request's, cited in the reply's first line
    q = "国务院办公厅关于湖北省北陵县地质灾害防治有关问题的复函是对哪份请示（文号）的答复？"
    r = _expect(policy_kb, q, "answered", "鄂政文〔2004〕31号")
    assert "国办函〔2004〕80号" not in r["answer"], r["answer"]
    q = "关于印发《江南市数字乡村建设三年行动方案》的通知由哪两家单位联合印发？"
    _expect(policy_kb, q, "answered", "江南市农业农村局", "江南市大数据管理局")
    # a 令's number asked as "第几号令" is a part of its own, not a fragment of the next question
    from kb.retrieve.split import split_question

    parts = split_question("《江南市养犬管理规定》是以市政府第几号令公布的？什么时候开始施行？")
    assert len(parts) == 2 and parts[1].startswith("《江南市养犬管理规定》"), parts


def test_the_year_of_a_document_number_does_not_restrict_the_answer(policy_kb):
    # 江府发〔2019〕7号 names the opinion; the goal it sets is for 2020
    q = "按江府发〔2019〕7号，市场监管领域部门联合抽查全覆盖定在什么时候？"
    _expect(policy_kb, q, "answered", "2020年底")


def test_a_list_of_kinds_is_answered_by_items_that_do_not_name_the_kind(policy_kb):
    # "哪几类文件": the items (地方性法规、地方政府规章…) are 文件 without saying so
    q = "国办对第5123号建议的答复里，“地方法规”栏目收录了哪几类文件供公众免费查询？"
    _ask_list(policy_kb, q, ("地方性法规", "地方政府规章", "司法解释"))


def test_a_count_in_a_measure_word_no_sentence_states_is_refused(policy_kb):
    # "多少枚": the badges are counted nowhere in 枚; 1800人 counts the graduates
    q = "2024年江南市一共发放了多少枚就业纪念徽章？"
    _refused_without(policy_kb, q, "1800")


def test_a_figure_in_another_name_of_the_unit_asked_answers(policy_kb):
    # asked in 课时, stated in 学时: one measure written two ways
    q = "江南市高校毕业学年学生的就业指导课最少要上多少课时？"
    _expect(policy_kb, q, "answered", "三十二个学时")


def test_a_heading_year_in_full_width_digits_dates_its_sentences(policy_kb):
    # "一、１９９４年工作回顾": the income under it is 1994's, not a goal for 1995
    q = "江南县1995年政府工作报告给1995年农民人均纯收入定的增长目标是多少？"
    _refused_without(policy_kb, q, "百分之五")
    _expect(
        policy_kb,
        "江南县1995年政府工作报告中，1994年农民人均纯收入是多少？",
        "answered",
        "１２２０元",
    )


def test_a_figure_that_reads_like_a_year_does_not_date_its_sentence(policy_kb):
    # "１９８８吨" under "一、１９９４年工作回顾" is a weight, not the year 1988: the sentence is
    # 1994's, though the question dates its report 1995
    q = "江南县1995年政府工作报告中，1994年全县化肥施用量是多少？"
    _expect(policy_kb, q, "answered", "１９８８吨")


def test_a_cap_asked_in_plain_words_is_answered_by_its_bound(policy_kb):
    q = "江南市政府性融资担保机构给一户担保500万元以内的小微企业收担保费，费率封顶多少？"
    _expect(policy_kb, q, "answered", "不超过1%")


def test_a_figure_set_for_another_level_does_not_answer(policy_kb):
    # 三年 is set for 市级 coverage; for 县级 the opinion only says it extends there
    _expect(policy_kb, "江南市要求政府性融资担保业务在几年内实现市级全覆盖？", "answered", "三年")
    _refused_without(policy_kb, "江南市要求政府性融资担保业务在几年内实现县级全覆盖？", "三年")


def test_last_years_figure_in_a_report_does_not_answer_for_its_year(policy_kb):
    # "去年" in the 2016 report is 2015: its bonds are no plan for 2016
    _refused_without(policy_kb, "江北县2016年政府工作报告计划2016年发行多少亿元国债？", "50亿元")
    q = "江北县2016年政府工作报告中，2015年全县财政增发了多少亿元国债？"
    _expect(policy_kb, q, "answered", "50亿元")


def test_this_years_figure_in_a_report_answers_for_its_year(policy_kb):
    # "今年" in the 2016 report is 2016, though the sentence names 2020 as well
    q = "江北县2016年政府工作报告提出当年全县人口自然增长率要降到多少？"
    _expect(policy_kb, q, "answered", "千分之八左右")


def test_a_sum_paid_that_the_rules_leave_to_a_standard_is_refused(policy_kb):
    # the reward is paid "按一定标准": no sum; 百分之五十 is who bears it
    q = "天津市独生子女父母满六十周岁后每月能领多少计划生育奖励金？"
    _refused_without(policy_kb, q, "百分之五十")


def test_a_month_asked_of_a_rule_that_sets_none_is_refused(policy_kb):
    q = "天津市计划生育奖励年度报告每年几月底前向社会公布？"
    _expect(policy_kb, q, "not_found")


def test_a_citys_government_named_in_one_word_is_the_citys(policy_kb):
    # "天津市政府": its rules name 天津市 in their title and 市人民政府 in their text
    _expect(policy_kb, "天津市政府要另行制定什么？", "answered", "市人民政府另行制定")
    # no document is of 重庆
    _expect(policy_kb, "重庆市政府要另行制定什么？", "not_found", "重庆市政府")


def test_a_list_the_title_names_only_as_a_subject_is_read_from_its_article(policy_kb):
    # the title's "重大事项" is the rules' subject; the 事项 are listed by 第三条
    q = "按江南市人民政府向市人大常委会报告重大事项的规定，市政府应当向市人大常委会报告哪些事项？"
    r = _ask_list(policy_kb, q, ("重大改革方案", "年度计划外的重大建设项目", "同外国缔结友好城市"))
    assert "局部调整" not in r["answer"], r["answer"]


def test_a_list_announced_in_the_questions_words_wins_over_a_numbered_one(policy_kb):
    # "以下人员可按规定参加……：" then lines without numbers; a numbered list of 参保要求 follows
    q = "江南市《灵活就业人员参加养老保险简介》列出哪些人员可以按规定参加企业职工基本养老保险？"
    items = ("无雇工的个体工商户", "非全日制从业人员", "其他灵活就业人员")
    r = _ask_list(policy_kb, q, items)
    assert "港澳台" not in r["answer"], r["answer"]


def test_a_clause_ending_its_chunk_at_a_semicolon_is_answered_with_the_rest(policy_kb):
    # 第二条's two halves fall in two chunks: a small change is filed, a large one approved;
    # the answer reads on from the first into the second
    q = "江南市政府要对城市总体规划做大改动，得走什么程序？只是小范围调一调的话呢？"
    _expect(policy_kb, q, "answered", "备案；[1]对总体布局作重大变更的，须经市人大常委会审查同意")


def test_a_reply_named_by_whom_it_answers_is_that_reply(policy_kb):
    # "对周明华等代表建议的答复": the reply addressed to them, though its title names 第5123号
    q = "国务院办公厅对周明华等代表建议的答复是哪天成文的？"
    _expect(policy_kb, q, "answered", "2006年09月07日")


def test_a_sum_reckoned_from_a_wage_answers_how_much_is_paid(policy_kb):
    # "多少补助金/工资" asks a sum; six months of the average wage, or 300% of the wage, is one
    q = "江南市职工因工死亡的，丧葬补助金是多少？"
    _expect(policy_kb, q, "answered", "6个月的本市上年度职工月平均工资")
    q = "江南市用人单位在法定休假日安排职工工作的，至少要支付多少工资？"
    _expect(policy_kb, q, "answered", "百分之三百")


def test_a_phone_number_is_answered_by_a_number_to_call_and_refused_without_one(policy_kb):
    for q in (
        "江南市灵活就业人员参保咨询要拨打哪个电话？",
        "Which hotline can flexibly employed people in Jiangnan call about joining the pension "
        "insurance?",
    ):
        _expect(policy_kb, q, "answered", "12333")
    # the regulation discusses 举报 but gives no number to call: its figures do not answer
    for q in (
        "按江南市城市绿化条例，举报擅自砍伐城市树木要拨打哪个电话？",
        "Under the Jiangnan urban greening regulation, what phone number does one call to report "
        "illegal tree felling?",
    ):
        _refused_without(policy_kb, q, "五千元", "电话号码")


def test_a_contact_line_gives_the_number_of_what_it_names(policy_kb):
    # "求职补贴咨询电话：0571-87001234" stands alone on its line, short as a heading: it says
    # which number to call about what, and the other line's number is for something else.
    for q in (
        "江南市高校毕业生一次性求职补贴的咨询电话是多少？",
        "What phone number can graduates in Jiangnan call about the one-off job-seeking subsidy?",
    ):
        r = _expect(policy_kb, q, "answered", "87001234")
        assert "87005678" not in r["answer"], r["answer"]
    _expect(policy_kb, "江南市高校毕业生就业见习的咨询电话是多少？", "answered", "87005678")


def test_a_number_to_call_for_another_line_or_another_matter_does_not_answer(policy_kb):
    # The kind of line asked is named where the number is given: 12333 is the social
    # insurance line, not a tax one.
    q = "江南市灵活就业人员参保可以拨打哪个{}热线？"
    _expect(policy_kb, q.format("社会保险服务"), "answered", "12333")
    _refused_without(policy_kb, q.format("税务服务"), "12333", "电话号码")
    # The regulation's title names the document, not the matter: 110 is for a dog bite,
    # not for registering a dog.
    q = "按《江南市养犬管理规定》，办理养犬登记证可以拨打哪个咨询电话？"
    _refused_without(policy_kb, q, "110", "电话号码")
    _expect(
        policy_kb, "按《江南市养犬管理规定》，发现犬只伤人可以拨打哪个电话？", "answered", "110"
    )


def test_a_name_abbreviating_several_places_is_the_places_written_in_full(policy_kb):
    # "青柳白" takes one character of each of 青石、柳溪、白沙: the reply names them in full
    q = "青柳白地质灾害监测预警工作纳入哪个机构统筹指导？"
    _expect(policy_kb, q, "answered", "省地质灾害防治指挥部")


def test_a_pronoun_after_the_question_word_is_not_what_is_asked(policy_kb):
    # "几个工作日告诉大家": 大家 is whom the bureau tells, not a quantity the text must name
    q = "申请砍伐城市树木的，江南市绿化管理部门最多要几个工作日告诉大家？"
    _expect(policy_kb, q, "answered", "十五个工作日")


def test_what_a_span_asked_is_acted_on_is_not_the_quantity(policy_kb):
    # "多少天内把案子办完": 案子 is what the bureau deals with, the span is the answer
    q = "江南市绿化管理部门受理砍伐城市树木的申请后，一般得在多少天内把案子办完？"
    _expect(policy_kb, q, "answered", "十五个工作日")


def test_the_day_a_page_went_up_online_is_its_grids_publication_date(policy_kb):
    # "在网上是哪天发布的" asks the portal's 发布日期, not the day the reply is dated
    q = "国办对第5123号建议的答复在网上是什么时候发布的？"
    r = _expect(policy_kb, q, "answered", "发布日期：2018年12月24日")
    assert "2006年09月07日" not in r["answer"], r["answer"]
    q = "国办对第5123号建议的答复是哪天成文的？在网上是哪天发布的？"
    _expect(policy_kb, q, "answered", "2006年09月07日", "2018年12月24日")
    # asked right after the day it was written, "哪天发布" is the other day: the page's
    q = "国办对第5123号建议的答复，发文字号是什么？哪天成文、哪天发布？"
    _expect(policy_kb, q, "answered", "2006年09月07日", "发布日期：2018年12月24日")


def test_a_penalty_naming_its_rule_by_number_answers_in_the_rules_words(policy_kb):
    # 第四十二条 says only "违反本条例第三十一条第三款"; the question asks in that paragraph's
    # words, and 第四十一条's fine is for another rule
    q = "江南市海上搞养殖的人把生产、生活废弃物直接丢进海里，会被罚多少钱？"
    r = _expect(policy_kb, q, "answered", "一千元以上一万元以下")
    assert "五千元以上五万元以下" not in r["answer"].split("[1]")[0], r["answer"]


def test_a_citation_of_rules_reads_articles_paragraphs_and_items():
    from kb.answer.cited import cites

    assert cites("违反本条例第十七条第三项、第四项规定的，处一万元以上十万元以下罚款") == [
        ("十七", 0, 3),
        ("十七", 0, 4),
    ]
    assert cites("第四十二条 违反本条例第三十一条第四款规定的，由渔业行政主管部门代为收回") == [
        ("三十一", 4, 0)
    ]
    assert cites("违反本办法第十二条、第十三条规定的") == [("十二", 0, 0), ("十三", 0, 0)]
    assert cites("违反有关法律规定的") == []


def test_a_line_announcing_more_than_the_question_says_still_announces_its_list(policy_kb):
    # the question leaves out most of the line ("应当会同有关行政管理部门", "本市"), yet says
    # nearly nothing the line does not: its items are the list asked
    from kb.answer.lists import announced, doc_units
    from kb.retrieve.question import analyze

    q = analyze(
        "江南市海洋环境保护条例要求海洋主管部门每年发布的海洋环境状况公报公布哪些内容？",
        policy_kb.tok,
    )
    snap = policy_kb.retriever.snapshot(None)
    doc_id = next(d for d, doc in snap.docs.items() if doc.title == "江南市海洋环境保护条例")
    items, _ = announced(q, doc_id, snap, doc_units(doc_id, snap))
    assert [u.text[:3] for u in items] == ["（一）", "（二）", "（三）"], [u.text for u in items]


def test_a_heading_that_names_no_list_asked_does_not_answer_it(policy_kb):
    for q, item, not_said in (
        # "六、关于人员安置" holds 人员, but its document is not the one the question is about
        (
            "江南市社保的“特定情形一次性缴费”主要针对哪几类人员？",
            "早期离开国有集体企业人员",
            "提前离岗",
        ),
        # "1.重点人群签约服务覆盖率" is an indicator, not a heading over a list of 人群
        (
            "江南市家庭医生上门巡诊服务现阶段主要面向哪些人群？",
            "符合家庭病床建床条件的居民",
            "*100%",
        ),
    ):
        r = _ask_list(policy_kb, q, (item,))
        assert not_said not in r["answer"], r["answer"]


def test_the_day_a_rule_was_adopted_does_not_answer_when_it_takes_effect(policy_kb):
    q = "江南市城镇容貌管理条例自哪天起施行？"
    _refused_without(policy_kb, q, "2016年8月30日", "施行")
    # the day it was adopted is still its answer when asked
    _expect(policy_kb, "江南市城镇容貌管理条例是哪天审议通过的？", "answered", "2016年8月30日")
    # nor does the day it takes effect answer when it was adopted, which the text never says
    q = "《江南市港口发展条例》是哪一天由市人大常委会审议通过的？"
    _refused_without(policy_kb, q, "2023年3月1日")


def test_a_counted_list_is_the_items_after_its_headings_colon_or_is_refused(policy_kb):
    # "（三）要素保障方面3项：A；B；C。": the three items, not the headings (一)…(三) around
    # it; "（二）市场监管方面5项。" lists none, so the 5 are not read off another heading
    q = "江南市推广的第二批营商环境改革举措中，要素保障方面的3项是哪些？"
    items = ("工业用地弹性出让", "中小企业信用贷款风险补偿", "公共数据授权运营")
    r = _ask_list(policy_kb, q, items)
    assert "不动产登记" not in r["answer"], r["answer"]
    q = "江南市第二批营商环境改革举措里，市场监管方面的5项具体是哪些？"
    r = _expect(policy_kb, q, "not_found", "5项")
    assert "不动产登记" not in r["answer"].split("\n")[0], r["answer"]


def test_a_counted_list_run_into_one_clause_is_laid_out():
    from kb.answer.markers import unlisted

    # items parted by 、 (and 和 before the last) list as many as the question counts
    best = ["选择江南、江北、江东、湖滨和山前5个片区开展试点，为期两年。"]
    assert unlisted("试点选了哪5个片区？", best) == ""
    # a sentence that only gives the count lists nothing
    best = ["全市有31个部门开通了英文网站，其中3个部门开通了多语种版本。"]
    assert "3项" in unlisted("开通多语种版本的是哪3个部门？", best)
    # two things are often one phrase ("安全评估和安全加固"): not held to a layout
    assert unlisted("迁移前要做哪两件事？", ["迁移前要进行安全评估和安全加固。"]) == ""
    # the clause announcing the run names what is counted ("有三条支流：")
    assert unlisted("青岚河有哪三条支流？", ["青岚河有三条支流：东溪、西溪和南溪。"]) == ""
    # a count naming nothing is matched in the best sentence, not in a later one
    best = ["这次改革把机构分为行政类、公益类和经营类。"]
    assert unlisted("这次改革把机构分为哪三类？", best) == ""
    best = ["改革于2019年启动。", "参加的有甲、乙和丙。"]
    assert "3项" in unlisted("这次改革把机构分为哪三类？", best)


def test_a_counted_list_one_sentence_runs_together_is_that_sentence(policy_kb):
    # "以东湖、西山、南岭为……示范区" names the three places asked, though the sentences around
    # it repeat more of the question's words ("先行", "试验", "做法"): it is the answer, alone
    q = "江南都市圈专门划出哪三个区县来先行试验“生态绿色”协同发展的做法？"
    r = _ask_list(policy_kb, q, ("东湖", "西山", "南岭"))
    assert "江南港" not in r["answer"] and len(r["citations"]) == 1, r["answer"]
    assert r["answer"].startswith("以江南东湖"), r["answer"]  # the sentence, not "共找到 1 条"


def test_a_list_its_document_announces_is_answered_though_its_items_repeat_no_question_word(
    policy_kb,
):
    # "对以下三类企业，必须首先实行关停并转：" names the list; its items ("……长期亏损的企业；")
    # share few words with the question, so the evidence model alone would refuse
    q = "江南市决定必须首先实行关停并转的是哪几类企业？"
    items = ("长期亏损的企业", "产品大量积压的企业", "以劣挤优的企业")
    r = _ask_list(policy_kb, q, items)
    assert len(r["citations"]) == 3, r["answer"]


def test_what_a_figure_is_per_is_not_what_it_is_of(policy_kb):
    # "每人每年多少元" asks the 个人缴费标准, per person and year: the news gives a sum for the
    # 大病保险 limit and names the 缴费标准 without one
    q = "2025年江南市居民医保的个人缴费标准是每人每年多少元？"
    _refused_without(policy_kb, q, "3800元")
    q = "2025年起江南市连续参加居民医保满4年的，之后每连续参保1年，大病保险最高支付限额提高多少元？"
    _expect(policy_kb, q, "answered", "3800元")


def test_an_english_question_is_not_answered_by_a_sibling_categorys_figure(policy_kb):
    # a "physical residence permit" (实体居住证) is not the 电子居住证 whose term the guide gives
    q = "In Jiangnan, for how many years is a physical residence permit valid?"
    r = _refused_without(policy_kb, q, "一年", "“实体居住证”")
    assert r["answer"].startswith("The documents do not answer"), r["answer"]
    q = "In Jiangnan, for how many years is an electronic residence permit valid?"
    _expect(policy_kb, q, "answered", "有效期为一年")


def test_a_sentence_under_a_heading_reviewing_last_year_is_of_last_year(policy_kb):
    # "一、去年工作回顾" in the 2010 report: its figures without a year are 2009's
    q = "江东县2010年政府工作报告定下的2010年全县蔬菜总产量目标是多少万吨？"
    _refused_without(policy_kb, q, "86万吨")
    q = "江东县2010年政府工作报告说，2009年全县蔬菜总产量达到多少万吨？"
    _expect(policy_kb, q, "answered", "86万吨")


def test_a_year_besides_the_documents_is_the_figures(policy_kb):
    # "2010年政府工作报告" dates the document; 2012 is the year of the figure asked, so this
    # year's "今年……预计达到9万吨" of the same report does not answer
    q = "江东县2010年政府工作报告提出，2012年全县水产品总产量计划达到多少万吨？"
    r = _expect(policy_kb, q, "answered", "12万吨")
    assert "达到9万吨" not in r["answer"], r["answer"]


def test_a_question_dating_its_document_is_not_answered_from_a_later_one(policy_kb):
    # "江东县2010年政府工作报告说" dates the document asked; a 2012 bulletin's "2010年以来……"
    # is no figure of that report
    q = "江东县2010年政府工作报告说，2010年全县民生支出是多少亿元？"
    _refused_without(policy_kb, q, "45亿元")
    q = "江东县2012年统计公报说，2010年以来全县民生支出累计多少亿元？"
    _expect(policy_kb, q, "answered", "45亿元")


def test_a_place_asked_by_its_kind_is_answered_by_a_places_name(policy_kb):
    # "设在哪个城市" is not answered by a sentence of 城市群 and 都市圈, words the tagger tags as
    # places; the document names no city for the 指挥总部
    q = "《江南市应急体系建设规划》要建立的应急指挥总部设在哪个城市？"
    r = _expect(policy_kb, q, "not_found")
    assert r["answer"].split("\n")[0].endswith("没有给出所在的城市。"), r["answer"]
    _expect(policy_kb, "江南市应急物资储备中心设在哪个区？", "answered", "江北区")


def test_a_penalty_set_for_the_cases_an_article_lists_answers_for_each_case(policy_kb):
    # "有下列情形之一的，……并处二千元至八千元罚款，……：" states the fine of item (二), which
    # names the breach asked in the question's words; the answer shows both
    q = "江南市的体育经营者擅自改变经营场所的，会被罚款多少？"
    r = _expect(policy_kb, q, "answered", "二千元至八千元")
    assert "擅自改变体育经营项目、场所" in r["answer"], r["answer"]
    # the same with the penalty's clause ending at a semicolon
    q = "江南市的体育经营者没有公示收费标准的，罚款多少？"
    r = _expect(policy_kb, q, "answered", "五百元以上二千元以下")
    assert "未按规定公示收费标准" in r["answer"], r["answer"]
    # the case asked in the article's words, in a chunk of its own: its article's fine answers
    q = "按江南市体育市场管理条例，向未成年人提供高危险性体育项目服务的，罚款多少？"
    r = _expect(policy_kb, q, "answered", "五百元以上二千元以下")
    assert "向未成年人提供高危险性体育项目服务" in r["answer"], r["answer"]


def test_a_fine_asked_for_an_act_the_regulation_deals_with_otherwise_is_refused(policy_kb):
    # 第二十条 deals with removing the equipment and sets no fine; the fines of 第十八条 and
    # 第十九条 are for other acts, and the refusal says what the article does instead
    q = "江南市体育场所擅自拆除健身器材的，最多罚款多少？"
    r = _expect(policy_kb, q, "not_found")
    first = r["answer"].split("\n")[0]
    assert "责令恢复原状" in first and first.endswith("没有给出罚款数额。"), r["answer"]
    assert "擅自拆除健身器材" in r["citations"][0]["quote"], r["citations"]


def test_an_area_stated_of_the_whole_does_not_answer_for_a_part_named_after_it(policy_kb):
    # "总规划面积约120平方公里，……主要分为……辐射溢出联动区四个功能区": the area is the
    # corridor's; the zone is named only in a clause after it
    q = "江南科创走廊的辐射溢出联动区面积约多少平方公里？"
    r = _refused_without(policy_kb, q, "120平方公里")
    assert "“辐射溢出联动区”" in r["answer"].split("\n")[0], r["answer"]
    _expect(policy_kb, "江南科创走廊总规划面积约多少平方公里？", "answered", "120平方公里")


def test_two_terms_defined_at_once_are_each_answered_with_their_definition(policy_kb):
    # the title names the first term, so its definition scores below the second's
    q = "江南市地下管线管理条例所称的地下管线和综合管廊分别指什么？"
    r = _expect(policy_kb, q, "answered", "容纳两类及以上", "供水、排水、燃气、热力")
    quotes = " ".join(c["quote"] for c in r["citations"])
    assert "所称地下管线" in quotes and "所称综合管廊" in quotes, r["citations"]


def test_what_a_notice_repeals_is_the_sentence_that_repeals_it(policy_kb):
    # "同时废止了哪个文件" asks what it repeals: neither its term of validity nor a list of
    # records answers that
    q = "江南市人才引进入户管理办法是哪个机关印发的？它同时废止了哪个文件？"
    r = _expect(policy_kb, q, "answered", "江南市人民政府办公厅", "江府办规〔2017〕8号")
    assert "有效期至" not in r["answer"] and "政策记录" not in r["answer"], r["answer"]


def test_a_notice_described_without_this_is_the_notice_asked_of(policy_kb):
    # the question spells out the notice's title in order, leaving words out (微, 转型, 项目)
    q = "江南市2024年度中小企业数字化专项资金申报的通知是哪个单位发的？落款日期是哪天？"
    _expect(policy_kb, q, "answered", "江南市工业和信息化局", "2024年6月12日")


def test_a_question_asking_several_parts_names_its_document_once(policy_kb):
    # each part is answered on its own; the merged answer heads the document once
    q = "江南市人民政府办公厅关于调整江南市绿化委员会组成人员的通知，文号是什么？哪天成文？"
    r = _expect(policy_kb, q, "answered", "江府办发〔2024〕12号", "2024年03月05日")
    assert (
        r["answer"].count("《江南市人民政府办公厅关于调整江南市绿化委员会组成人员的通知》") == 1
    ), r


def test_a_sentence_two_parts_of_a_question_cite_is_said_once(policy_kb):
    # each part is answered on its own, and both may choose one sentence among others
    for q in (
        "江南市养犬管理规定对犬只免疫有什么要求？违反了罚多少？",
        "江南市失业保险金每月发多少？最长领多久？",
    ):
        r = _expect(policy_kb, q, "answered")
        cited = re.findall(r"[^\[\]\n]+?\[\d+\]", r["answer"])
        assert cited and all(r["answer"].count(s) == 1 for s in cited), r["answer"]


def test_a_portals_title_line_is_no_answer_sentence(policy_kb):
    # "标题：……的通知" restates what the question names; the notice's own sentences answer
    for q in (
        "江南市人民政府办公厅调整绿化委员会组成人员的通知主要内容是什么？",
        "江南市绿化委员会调整的原因是什么？",
    ):
        r = _expect(policy_kb, q, "answered", "因人员变动")
        assert "标题：" not in r["answer"], r["answer"]


def test_a_sum_set_for_someone_the_documents_never_name_is_refused(policy_kb):
    # the plan sets sums for 县级体育馆 and 乡镇文体中心, and their total: none for a 社区健身广场
    q = "江南市2025年公共体育场馆开放补助为社区健身广场安排了多少万元？"
    r = _expect(policy_kb, q, "not_found")
    first = r["answer"].split("\n")[0]
    assert not any(x in first for x in ("800万元", "300万元", "200万元")), r["answer"]
    q = "江南市2025年公共体育场馆开放补助为乡镇文体中心安排了多少万元？"
    _expect(policy_kb, q, "answered", "200万元")
    # what it is spent on: the plan names no 场馆维修
    q = "江南市2025年公共体育场馆开放补助中，用于场馆维修的资金安排了多少万元？"
    r = _expect(policy_kb, q, "not_found")
    first = r["answer"].split("\n")[0]
    assert "“场馆维修”" in first and not re.search("800万元|300万元|200万元", first), first
    q = "江南市2025年公共体育场馆开放补助中，用于添置健身器材的资金安排了多少万元？"
    _expect(policy_kb, q, "answered", "200万元")


def test_a_figure_under_its_paragraphs_opening_year_is_about_that_year(policy_kb):
    # "2028年前，……" opens a paragraph longer than a chunk; its last sentence gives the count
    q = "江南市智慧水务发展行动方案提出，2028年前要引育多少家水务科技骨干企业？"
    _expect(policy_kb, q, "answered", "12家以上")
    # 2025's targets are another paragraph's: they name no such firms
    q = "江南市智慧水务发展行动方案提出，到2025年要引育多少家水务科技骨干企业？"
    r = _ask(policy_kb, q)
    assert "12家" not in r["answer"].split("\n")[0], r["answer"]
    # asked in English by the plan's own year (2025), not the year its paragraph opens with
    q = "Under Jiangnan's 2025 smart water action plan, how many water technology backbone enterprises are to be brought in?"
    _expect(policy_kb, q, "answered", "12家以上")
    # a term the plan coins (“三新装备”) is counted for 2028 only; 2030's paragraph gives
    # another count
    q = "江南市智慧水务发展行动方案提出，2030年前要推广多少项“三新装备”？"
    r = _expect(policy_kb, q, "not_found")
    assert "“三新装备”" in r["answer"].split("\n")[0], r["answer"]
    assert not re.search("20家|5项|500亿元", r["answer"].split("\n")[0]), r["answer"]


def test_a_part_asking_which_article_says_it_is_answered_with_that_article(policy_kb):
    # "这是……第几条规定的": the article holding the sentence the earlier part cites, read from
    # the document's own opening of that article, and that sentence cited
    for q, article, said in (
        ("江南市各区的城市绿化工作由哪个部门负责？这是绿化条例哪一条规定的？", "第三条", "本辖区"),
        (
            "在江南市擅自占用城市绿地的，每平方米罚多少？这是绿化条例第几条规定的？",
            "第十九条",
            "五百元以上一千元以下",
        ),
        # naming only the kind of document, it points back as "这是" does
        ("在江南市擅自占用城市绿地的，每平方米罚多少？条例是哪一条定的？", "第十九条", "五百元"),
    ):
        r = _expect(policy_kb, q, "answered", said)
        last = r["answer"].split("\n")[-1]
        assert article in last and "《江南市城市绿化条例》" in last, r["answer"]
        n = int(re.findall(r"\[(\d+)\]", last)[0])
        assert said in r["citations"][n - 1]["quote"], r["citations"]


def test_kinds_run_into_one_sentence_answer_a_list_of_that_kind(policy_kb):
    from kb.answer.markers import runs_named

    # "……重点研制A、B、C等装卸设备" runs the kinds asked together in one clause: the sentence
    # is the answer, quoted as it stands (not "共找到 1 条相关记载：1. ……")
    q = "江南市港口发展条例鼓励装备企业重点研发哪几种装卸设备？"
    items = ("岸边集装箱起重机", "自动导引车", "门座起重机")
    r = _ask_list(policy_kb, q, items)
    assert len(r["citations"]) == 1 and r["answer"].startswith("第八条"), r["answer"]
    # such a run answers a list question the evidence model rates unlikely when its items, or
    # the word after its 等, are of the kind asked; a run of other things does not
    text = "本市支持港口装备企业重点研制岸边集装箱起重机、自动导引车、门座起重机等装卸设备。"
    assert runs_named("装卸设备", text)
    assert runs_named("道关口", "发布前严把政治关、法律关、政策关、保密关。")
    assert not runs_named("装卸设备", "成员由发展改革、财政、交通运输等部门负责人组成。")
    assert not runs_named("装卸设备", "本市支持岸边集装箱起重机和自动导引车的研制。")
    # or the words of the list asked lead the run: the run is what they govern
    text = "统筹推进东湖片区开发、西山生态修复、南岭古镇保护和江南港扩建，建设美丽江南。"
    assert runs_named("要统筹推进的重点工程", text)
    assert not runs_named("要统筹推进的重点工程", "建设东湖片区、西山片区和南岭片区。")
    # or the sentence names that many things by the noun asked, across its clauses
    text = "除设立江南创业基金外，还要设立支持技术改造的江南转型基金，以及江南乡村振兴基金。"
    assert runs_named("只基金", text)
    assert not runs_named("只基金", "基金的收益和基金的规模应当向基金持有人公开。")


def test_which_person_is_not_answered_by_a_sentence_naming_nobody(policy_kb):
    # the regulation sets up the group and its office, but names no head of it
    q = "江南市港口发展协调小组由哪位市领导担任组长？"
    r = _expect(policy_kb, q, "not_found")
    assert "办公室设在" not in r["answer"].split("\n")[0], r["answer"]


def test_a_sum_named_with_its_amount_word_answers_how_much_of_it(policy_kb):
    # "临时救助金额" is the sum (额) of the 临时救助金, not another word beginning with it
    q = "在江南市，一户人家一年到头最多能领多少临时救助金？"
    _expect(policy_kb, q, "answered", "3万元")


def test_the_day_and_meeting_of_a_speech_are_its_dateline(policy_kb):
    # the line under the title says both; a sentence of the body names another day and meeting
    q = "江南县2021年的政府工作报告是哪天在哪次会议上作的？"
    r = _expect(policy_kb, q, "answered", "2021年1月12日", "第十七届人大第五次会议")
    assert "十四届十一次全会" not in r["answer"], r["answer"]
    assert r["citations"][0]["quote"].startswith("——2021年1月12日"), r["citations"]
    q = "On what date and at which session was Jiangnan County's 2021 government work report delivered?"
    _expect(policy_kb, q, "answered", "2021年1月12日", "第十七届人大第五次会议")


def test_two_figures_asked_each_are_answered_with_a_sentence_for_each(policy_kb):
    # "农业总产值和工业总产值各……增长多少": each figure's own sentence, not the best one alone
    q = "江中县1965年的政府工作报告里，计划草案定的农业总产值和工业总产值各比1964年增长多少？"
    r = _expect(policy_kb, q, "answered", "百分之四左右", "百分之十二左右")
    assert "百分之十八" not in r["answer"], r["answer"]  # 1964's growth over 1963


def test_a_list_of_items_too_short_for_sentences_is_read_line_by_line(policy_kb):
    # "（一）名称；" is no sentence of its own: the items are the lines after "……包括："
    from kb.answer.lists import announced, doc_units
    from kb.retrieve.question import analyze

    q = "按江南市商事主体登记办法，商事主体的基本登记事项包括哪些？"
    snap = policy_kb.retriever.snapshot(None)
    doc_id = next(d for d, doc in snap.docs.items() if doc.title == "江南市商事主体登记办法")
    items, _ = announced(analyze(q, policy_kb.tok), doc_id, snap, doc_units(doc_id, snap))
    assert [u.text for u in items] == [
        "（一）名称；",
        "（二）类型；",
        "（三）住所；",
        "（四）负责人姓名。",
    ]
    r = _ask_list(policy_kb, q, ("名称", "类型", "住所", "负责人姓名"))
    assert "合伙人" not in r["answer"], r["answer"]


def test_terms_defined_as_x_comma_shi_or_by_ji_are_defined(policy_kb):
    from kb.answer.defined import defining, definitions
    from kb.answer.lists import doc_units
    from kb.retrieve.question import analyze

    snap = policy_kb.retriever.snapshot(None)
    doc_id = next(d for d, doc in snap.docs.items() if doc.title.startswith("江南市国民经济和社会"))
    units = doc_units(doc_id, snap)
    # "“三定”，" ends the line before "即定建设规模，……": that sentence defines it
    q = "江南市要求所有确定建设的项目一律实行的“三定”是指什么？"
    found = defining(analyze(q, policy_kb.tok), units)
    assert found is not None and found.text.startswith("即定建设规模"), found
    _expect(policy_kb, q, "answered", "即定建设规模，定投资总额，定建设工期")
    # "预期性指标，是……；约束性指标，是……": one sentence for each term asked
    q = "江南市规划纲要草案说明里的“预期性指标”和“约束性指标”分别是什么意思？"
    found = definitions(analyze(q, policy_kb.tok), units)
    assert [u.text[:5] for u in found] == ["预期性指标", "约束性指标"], found
    _expect(policy_kb, q, "answered", "是预计和期望达到的指标", "是必须实现的目标")


def test_the_article_asked_back_is_opened_by_a_line_that_only_announces_items(policy_kb):
    # "第十条 ……应当同时符合下列条件：" is no sentence, yet the items after it are its own
    q = "在江南市申请商事主体设立登记，注册资本最少要多少？是哪一条规定的？"
    r = _expect(policy_kb, q, "answered", "十万元")
    last = r["answer"].split("\n")[-1]
    assert "第十条" in last and "第九条" not in last, r["answer"]


def test_two_things_asked_a_figure_each_in_english_get_a_sentence_each(policy_kb):
    from kb.answer.each import asked_each
    from kb.retrieve.question import analyze

    a = analyze(
        "How many new urban jobs and what surveyed unemployment rate are targeted?", policy_kb.tok
    )
    assert len(asked_each(a)) == 2, asked_each(a)
    q = "According to Jiangdong County's 1981 plan report, what grain and cotton output is planned?"
    r = _expect(policy_kb, q, "answered", "三十五万吨", "二万五千吨")
    assert r["answer"].startswith("From the (Chinese)"), r["answer"]


def test_things_asked_a_share_each_are_not_set_aside_as_another_sums(policy_kb):
    # "社会事业投资" before them is no sibling of 县级投资 where the sentence names both things
    q = "江西县两年新增40亿元的投资计划里，新增县级投资是多少？其中重大基础设施建设和灾后恢复重建各占多大比重？"
    _expect(policy_kb, q, "answered", "12亿元", "24%", "15%")


def test_a_harvest_asked_in_dan_is_answered_by_a_figure_in_dan(policy_kb):
    # "多少万担" asks a weight in 担: the growth of all output (百分之三) gives no harvest
    _expect(policy_kb, "一九八一年江中县粮食产量预计达到多少万担？", "answered", "六十五万担")
    _refused_without(policy_kb, "一九八一年江中县茶叶产量预计达到多少万担？", "百分之三")


def test_which_day_is_answered_only_by_a_sentence_that_gives_a_day(policy_kb):
    # "要及时报送" says what to send and where, not by which day
    r = _expect(
        policy_kb,
        "按江中县人居环境整治的通知，各乡镇的整治工作方案最迟要在哪天之前报送？",
        "not_found",
    )
    assert "及时报送" not in r["answer"].split("\n")[0], r["answer"]


def test_figures_given_for_listed_items_respectively_do_not_answer_for_another_item(policy_kb):
    # 小麦 and 稻谷 are listed where 玉米 is asked: their raises are not its
    q = "江北县2012年政府工作报告说，玉米最低收购价每50公斤提高多少？"
    _refused_without(policy_kb, q, "7.4元", "玉米")
    _expect(
        policy_kb,
        "江北县2012年政府工作报告说，小麦最低收购价每50公斤提高多少？",
        "answered",
        "7.4元",
    )


# What the 2013 report gives in turn, asked of it: (question, status, text the answer holds, a
# figure its first line must not give).
IN_TURN = [
    # 小麦 and 水稻 each before 最低收购价, where 玉米 is asked: their raises are not its
    ("玉米最低收购价每50公斤提高多少？", "not_found", "“玉米”", "5到7元"),
    ("水稻最低收购价每50公斤提高多少？", "answered", "9到23元", ""),
    # two kinds asked in turn are answered by the two the sentence names in turn
    ("准备重点扶持多少个产粮大县和多少个产棉大县？", "answered", "50个商品粮大县", ""),
]


@pytest.mark.parametrize(("asked", "status", "text", "withheld"), IN_TURN)
def test_figures_given_for_other_items_in_turn_do_not_answer_for_another_item(
    policy_kb, asked, status, text, withheld
):
    r = _expect(policy_kb, "江北县2013年政府工作报告说，" + asked, status, text)
    assert not withheld or withheld not in r["answer"].split("\n")[0], r["answer"]


def test_a_document_named_by_most_of_its_long_title_is_the_one_asked(policy_kb):
    # "国际医疗旅游", "《中华人民共和国》" and "有关规定" left out: still that decision
    q = "国务院在江南滨海先行区暂时调整实施药品管理法实施条例的决定，是哪天成文的？"
    _expect(policy_kb, q, "answered", "成文日期：2018年12月21日", "国发〔2018〕43号")
