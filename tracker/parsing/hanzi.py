"""Traditional -> simplified folding for the characters of government writing.

Documents from Hong Kong, Macao, Taiwan or older archives write 責任單位 and 牽頭; the
parser matches keywords and unit names on simplified text. A full converter (OpenCC) is
a native dependency, and the parser must stay importable from the standard library
alone, so this table covers the characters met in designations, unit names, dates and
the prose around them. Characters outside the table pass through unchanged.
"""

# Pairs of (traditional, simplified), written one pair after another.
_PAIRS = (
    "責责單单為为爲为頭头牽牵負负參参與与協协調调組组織织實实會会辦办處处廳厅區区縣县國国資资"
    "殘残聯联發发髮发稅税級级關关經经貿贸審审領领導导財财醫医規规劃划務务門门環环質质監监統统計计"
    "農农業业權权產产開开戶户長长變变灣湾廣广東东體体點点濟济輸输鄉乡鎮镇營营運运銷销險险證证華华"
    "衛卫設设備备標标準准廠厂廢废歸归檔档衆众眾众隊队網网絡络電电視视庫库糧粮藥药機机構构員员數数"
    "據据誌志議议記记錄录時时間间應应預预報报進进現现條条範范檢检驗验測测試试專专項项護护態态漁渔"
    "獸兽療疗養养勞劳動动鐵铁路路橋桥樑梁傳传廣广圖图書书館馆藝艺術术遺遗紀纪歷历曆历督督籌筹聯联"
    "創创興兴鏈链條条優优勢势補补齊齐營营簡简減减穩稳增增結结構构惠惠雙双環环數数轉转對对於于從从"
    "這这個个們们來来後后過过還还將将沒没無无問问題题裡里裏里麼么麽么嗎吗說说話话讓让給给陣阵頁页"
    "顯显擊击連连線线綫线並并製制復复複复雜杂圍围週周續续終终盡尽儘尽階阶萬万億亿幾几兩两層层類类"
    "錄录軍军須须聲声稱称徵征許许註注冊册買买賣卖價价費费貸贷銀银擔担債债預预算算決决貼贴獎奖勵励"
    "懲惩罰罚細细綱纲報报氣气災灾應应學学園园區区鄉乡灘滩濕湿綠绿廁厕強强講讲號号腦脑訊讯評评執执"
    "職职選选舉举係系繫系綜综總总確确認认識识親亲頻频額额願愿顧顾飛飞馬马駐驻驅驱魚鱼鳥鸟麗丽齡龄"
    "龍龙黨党團团鬥斗貨货輛辆軌轨際际陽阳陰阴陳陈鄭郑劉刘張张趙赵黃黄楊杨吳吴孫孙許许錢钱幣币"
    "購购觀观覺觉聞闻聽听語语閉闭溫温棄弃態态負负責责臺台颱台餘余鐘钟鍾钟務务勢势達达轄辖屬属"
    "歲岁邊边遠远遞递適适選选還还邁迈違违鄰邻郵邮醫医銜衔隨随險险雖虽雲云韓韩順顺預预領领頒颁"
    "題题類类顧顾風风養养館馆駕驾驗验體体髒脏鬧闹魯鲁鮮鲜鳳凤鹽盐麥麦黨党齊齐訂订訓训託托記记"
    "設设許许訴诉診诊詢询試试誠诚誤误說说誰谁課课談谈請请諮咨諸诸謀谋講讲謝谢證证識识譯译議议護护"
    "讀读變变豐丰貝贝負负貢贡貧贫貨货販贩貫贯責责貴贵費费賀贺資资賓宾質质賬账賠赔賦赋賴赖購购賽赛"
    "趨趋躍跃車车軟软較较載载輔辅輕轻輪轮輯辑辦办農农邏逻鄉乡鄰邻酬酬釋释銷销鋼钢錄录錯错鍊炼"
    "鎖锁鏈链長长門门閃闪閒闲開开閱阅闊阔闡阐隊队階阶際际隱隐雜杂離离難难電电震震靈灵韌韧頂顶"
    "項项順顺須须預预頓顿頗颇領领頭头頻频題题額额顏颜願愿類类顯显飯饭飲饮餐餐餘余館馆饑饥"
)
T2S = str.maketrans({t: s for t, s in zip(_PAIRS[0::2], _PAIRS[1::2]) if t != s})

