#!/usr/bin/env python3
"""make-seed.py: writes seed.json, the made-up records tongban-sandbox starts with.

Every person and company here is fictional. Mainland ID numbers carry valid GB 11643
check characters, Hong Kong identity card numbers valid check digits. Passwords for the
phone QR login page are stored as PBKDF2-HMAC-SM3 hashes (tongban-secret-hash.h form);
the demo password of every citizen is "demo1234" (README.md says so).
Run: python3 sandbox/data/make-seed.py > sandbox/data/seed.json
"""
import base64, hashlib, json, random, sys

rng = random.Random(20261127)
PASSWORD = b"demo1234"

def pw_hash():
    salt = bytes(rng.randrange(256) for _ in range(16))
    h = hashlib.pbkdf2_hmac("sm3", PASSWORD, salt, 10000, 32)
    return "pbkdf2-sm3$10000$%s$%s" % (base64.b64encode(salt).decode(), base64.b64encode(h).decode())

def cn_id(region, birth, seq):
    body = "%s%s%03d" % (region, birth.replace("-", ""), seq)
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    s = sum(int(c) * k for c, k in zip(body, w))
    return body + "10X98765432"[s % 11]

def hkid(letter, digits):
    vals = [36 - 0, ord(letter) - 55] if False else [ord(letter) - 55]
    total = 9 * 36 + 8 * vals[0]
    for i, d in enumerate(digits):
        total += (7 - i) * int(d)
    r = (11 - total % 11) % 11
    return "%s%s(%s)" % (letter, digits, "A" if r == 10 else str(r))

def months_list(start_y, start_m, n, amount):
    out = []
    y, m = 2026, 10
    for _ in range(n):
        out.append({"month": "%04d-%02d" % (y, m), "amount": amount})
        m -= 1
        if m == 0:
            y, m = y - 1, 12
    return out

GD_PEOPLE = [
    # name, name_en, birth, sex, region, district address
    ("演示样卡", "YANSHI Yangka", "1990-01-01", "M", "440106", ("天河区演示路 1 号 502 房", "天河區演示路 1 號 502 室", "Flat 502, 1 Yanshi Road, Tianhe")),
    ("陈大文", "CHEN Dawen", "1988-03-15", "M", "440304", ("福田区福华路 28 号 1203 房", "福田區福華路 28 號 1203 室", "Room 1203, 28 Fuhua Road, Futian")),
    ("李晓梅", "LI Xiaomei", "1992-07-08", "F", "440106", ("天河区体育西路 88 号 1203 房", "天河區體育西路 88 號 1203 室", "Room 1203, 88 Tiyu West Road, Tianhe")),
    ("王建国", "WANG Jianguo", "1965-10-01", "M", "440103", ("荔湾区中山八路 12 号 301 房", "荔灣區中山八路 12 號 301 室", "Room 301, 12 Zhongshan 8th Road, Liwan")),
    ("张丽华", "ZHANG Lihua", "1979-05-21", "F", "440305", ("南山区科技园南路 7 号 1806 房", "南山區科技園南路 7 號 1806 室", "Room 1806, 7 Keji Park South Road, Nanshan")),
    ("刘志强", "LIU Zhiqiang", "1983-12-30", "M", "440402", ("香洲区凤凰路 66 号 901 房", "香洲區鳳凰路 66 號 901 室", "Room 901, 66 Fenghuang Road, Xiangzhou")),
    ("黄美玲", "HUANG Meiling", "1995-02-14", "F", "440604", ("禅城区岭南大道 3 号 1502 房", "禪城區嶺南大道 3 號 1502 室", "Room 1502, 3 Lingnan Avenue, Chancheng")),
    ("周文博", "ZHOU Wenbo", "1970-08-19", "M", "441302", ("惠城区江北路 19 号 702 房", "惠城區江北路 19 號 702 室", "Room 702, 19 Jiangbei Road, Huicheng")),
    ("吴雅婷", "WU Yating", "1998-11-03", "F", "441900", ("东城街道东纵路 45 号 2101 房", "東城街道東縱路 45 號 2101 室", "Room 2101, 45 Dongzong Road, Dongguan")),
    ("郑国华", "ZHENG Guohua", "1958-04-27", "M", "442000", ("石岐区孙文中路 8 号 402 房", "石岐區孫文中路 8 號 402 室", "Room 402, 8 Sun Wen Middle Road, Shiqi")),
    ("孙晓东", "SUN Xiaodong", "1986-06-09", "M", "440106", ("天河区珠江新城华夏路 10 号 3305 房", "天河區珠江新城華夏路 10 號 3305 室", "Room 3305, 10 Huaxia Road, Tianhe")),
    ("马丽娜", "MA Lina", "1991-09-12", "F", "440304", ("福田区深南大道 6008 号 1708 房", "福田區深南大道 6008 號 1708 室", "Room 1708, 6008 Shennan Avenue, Futian")),
    ("何家辉", "HE Jiahui", "1975-01-25", "M", "440705", ("新会区会城中心路 2 号 603 房", "新會區會城中心路 2 號 603 室", "Room 603, 2 Zhongxin Road, Xinhui")),
    ("罗秀英", "LUO Xiuying", "1962-03-03", "F", "440103", ("荔湾区龙津西路 90 号 202 房", "荔灣區龍津西路 90 號 202 室", "Room 202, 90 Longjin West Road, Liwan")),
    ("梁子健", "LIANG Zijian", "2000-12-12", "M", "440305", ("南山区后海大道 1 号 2606 房", "南山區後海大道 1 號 2606 室", "Room 2606, 1 Houhai Avenue, Nanshan")),
    ("谢婉婷", "XIE Wanting", "1987-07-17", "F", "440402", ("香洲区情侣中路 39 号 1101 房", "香洲區情侶中路 39 號 1101 室", "Room 1101, 39 Qinglü Middle Road, Xiangzhou")),
    ("宋立新", "SONG Lixin", "1969-02-28", "M", "441302", ("惠城区下埔路 23 号 505 房", "惠城區下埔路 23 號 505 室", "Room 505, 23 Xiapu Road, Huicheng")),
    ("唐佳怡", "TANG Jiayi", "1996-05-05", "F", "440604", ("禅城区季华五路 58 号 808 房", "禪城區季華五路 58 號 808 室", "Room 808, 58 Jihua 5th Road, Chancheng")),
]

HK_PEOPLE = [
    ("陳大文", "CHAN Tai Man", "1985-06-12", "M", "C", "668242"),
    ("李嘉欣", "LEE Ka Yan", "1990-09-30", "F", "A", "123456"),
    ("黃志偉", "WONG Chi Wai", "1978-02-11", "M", "K", "553201"),
    ("張美儀", "CHEUNG Mei Yee", "1983-08-08", "F", "Y", "301982"),
    ("何家明", "HO Ka Ming", "1972-12-01", "M", "D", "918273"),
    ("林淑儀", "LAM Suk Yee", "1994-04-04", "F", "Z", "774410"),
]

MO_PEOPLE = [
    ("陳大文", "CHAN Tai Man", "1990-01-01", "M", "1234567", "8"),
    ("梁美華", "LEONG Mei Wa", "1986-10-10", "F", "5211843", "2"),
    ("區志明", "AU Chi Meng", "1975-07-07", "M", "7033216", "5"),
    ("黃嘉敏", "VONG Ka Man", "1999-03-21", "F", "1489920", "1"),
    ("何國強", "HO Kuok Keong", "1968-11-18", "M", "5550142", "7"),
    ("蘇慧玲", "SOU Wai Leng", "1993-01-29", "F", "1302775", "3"),
]

citizens = []

for i, (name, name_en, birth, sex, region, addr) in enumerate(GD_PEOPLE):
    seq = 123 if i == 0 else 100 + i * 7
    number = cn_id(region, birth, seq)
    if i == 0:
        number = "440106199001011235"   # the ID card simulator's demonstration card
        assert number == cn_id("440106", "1990-01-01", 123)
    since_year = max(int(birth[:4]) + 22, 2003)
    months = min((2026 - since_year) * 12 + 10, 240)
    base = "%.2f" % (5000 + rng.randrange(0, 120) * 50)
    retired = int(birth[:4]) < 1966
    monthly = "%.2f" % (float(base) * 0.24)
    deposits = months_list(2026, 10, 12, monthly)
    c = {
        "id_type": "resident-id",
        "id_number": number,
        "name": name,
        "name_en": name_en,
        "birth": birth,
        "sex": sex,
        "card_expiry": "2040-01-01" if i == 0 else "2020-01-01" if i == 17 else "%d-%s" % (2030 + i % 12, birth[5:]),
        "face": i not in (16,),
        "password": pw_hash(),
        "si": {
            "status": "retired" if retired else ("suspended" if i == 12 else "active"),
            "types": ["养老保险 / Pension", "医疗保险 / Medical", "失业保险 / Unemployment", "工伤保险 / Work injury"][: 2 if retired else 4],
            "base": base,
            "since": "%d-07-01" % since_year,
            "months": months,
            "period_from": "%d-07" % since_year,
            "period_to": "2026-10",
            "year": "2025",
            "pension": "%.2f" % (months * float(base) * 0.08),
            "medical": "%.2f" % (rng.randrange(800, 9000) + rng.randrange(100) / 100),
        },
        "address": addr,
    }
    if i != 9:
        c["hpf"] = {
            "account": "%s%08d" % (region[:4], rng.randrange(10**8)),
            "status": "sealed" if i == 12 else "normal",
            "balance": "%.2f" % (float(monthly) * 2 * min(months, 96) * 0.6),
            "monthly": "%.2f" % (float(monthly) * 2),
            "since": "%d-07" % since_year,
            "deposits": [{"month": d["month"], "amount": "%.2f" % (float(monthly) * 2)} for d in deposits],
            "withdrawals": ([{"id": "W-2026-%04d" % (300 + i), "date": "2026-10-12", "reason": "租房 / Rent", "reason_zh_HK": "租房", "reason_en": "Rent", "amount": "9000.00", "stage": "review"}] if i % 3 != 2 else []),
        }
        if i % 2 == 1 or i == 0:
            amount = 300000 + rng.randrange(0, 10) * 50000
            paid = rng.randrange(10, 60)
            repay = round(amount / 240 * 1.34, 2)
            c["hpf"]["loan"] = {"amount": "%.2f" % amount, "term": 240, "rate": "3.10%",
                                "outstanding": "%.2f" % (amount - paid * repay * 0.7),
                                "repayments": [{"month": d["month"], "amount": "%.2f" % repay} for d in deposits]}
    if i % 4 != 3:
        c["properties"] = [{
            "id": "R-%s-%04d" % (region, i + 1),
            "address": addr[0], "address_zh_HK": addr[1], "address_en": addr[2],
            "area": "%.1f" % (60 + rng.randrange(0, 80) + rng.randrange(10) / 10),
            "use": "home",
            "registered": "%d-%02d-%02d" % (2008 + i % 15, 1 + i % 12, 1 + i % 27),
            "certificate": "粤(%d)%s不动产权第 %07d 号" % (2008 + i % 15, "广州市" if region.startswith("4401") else "深圳市" if region.startswith("4403") else "广东省", rng.randrange(10**7)),
        }]
        if i == 2:
            c["properties"].append({"id": "R-%s-%04d" % (region, 90), "address": "天河区林和西路 3 号 商铺 12", "address_zh_HK": "天河區林和西路 3 號 商鋪 12", "address_en": "Shop 12, 3 Linhe West Road, Tianhe", "area": "42.0", "use": "shop", "registered": "2019-09-09", "certificate": "粤(2019)广州市不动产权第 0456789 号"})
    water = 30 + rng.randrange(0, 30)
    c["water"] = {"account": "GZW-%08d" % rng.randrange(10**8), "address": addr[0], "monthly_m3": round(water / 10, 1),
                  "bills": [{"month": "2026-10", "amount": "%.2f" % (water * 1.44), "paid": False},
                            {"month": "2026-09", "amount": "%.2f" % (water * 1.44), "paid": i % 2 == 0},
                            {"month": "2026-08", "amount": "%.2f" % (water * 1.4), "paid": True}]}
    gas = 15 + rng.randrange(0, 20)
    c["gas"] = {"account": "GZG-%08d" % rng.randrange(10**8), "address": addr[0],
                "bills": [{"month": "2026-10", "amount": "%.2f" % (gas * 1.92), "paid": False},
                          {"month": "2026-09", "amount": "%.2f" % (gas * 1.92), "paid": i % 3 == 0}]}
    if i % 3 != 1:
        c["cable"] = {"account": "GDCN-%07d" % rng.randrange(10**7),
                      "plan": ["300M 宽带 + 高清电视 / 300M broadband + HD TV", "100M 宽带 / 100M broadband", "高清电视 / HD TV"][i % 3],
                      "due": "0.00" if i % 2 == 0 else "99.00", "until": "2027-03-31" if i % 2 == 0 else "2026-11-30"}
    c["applications"] = []
    if i in (0, 1, 2, 4):
        c["applications"] = [
            {"reference": "A20261103-%04d" % (40 + i), "item": "GD-0207", "submitted": "2026-11-03", "stage": "review", "deadline": "2026-12-01"},
            {"reference": "A20261118-%04d" % (7 + i), "item": "GD-0101", "submitted": "2026-11-18", "stage": "received", "deadline": "2026-12-16"},
        ]
    citizens.append(c)

for i, (name, name_en, birth, sex, letter, digits) in enumerate(HK_PEOPLE):
    permit = "H%08d" % (60123456 + i * 1111111)
    c = {"id_type": "hk-permit", "id_number": permit, "name": name, "name_en": name_en, "birth": birth, "sex": sex,
         "permit": {"number": permit, "expiry": "2019-06-30" if i == 5 else "%d-06-30" % (2028 + i)},
         "hkid": hkid(letter, digits), "face": True, "password": pw_hash(),
         "ird": {"file": "%d-%08d" % (1 + i % 9, rng.randrange(10**8)), "last_year": "2025/26"},
         "immd": {"enrolled": i == 1}}
    citizens.append(c)

for i, (name, name_en, birth, sex, digits, check) in enumerate(MO_PEOPLE):
    permit = "M%08d" % (10234567 + i * 2222222)
    mo = "%s(%s)" % (digits, check)
    c = {"id_type": "mo-permit", "id_number": permit, "name": name, "name_en": name_en, "birth": birth, "sex": sex,
         "permit": {"number": permit, "expiry": "%d-01-31" % (2029 + i)},
         "mo_id": mo, "face": True, "password": pw_hash(),
         "macau": {"bir": "BIR %s" % mo, "bir_expiry": "2027-01-01" if i != 3 else "2026-12-10",
                   "record": "some" if i == 4 else "none",
                   "relatives": [{"id": "K-%d-1" % i, "name": ["陳小明", "梁嘉儀", "區志強", "黃嘉慧", "何美琪", "蘇文傑"][i],
                                  "relation": ["父子 / Father and son", "母女 / Mother and daughter", "兄弟 / Brothers",
                                               "姊妹 / Sisters", "父女 / Father and daughter", "母子 / Mother and son"][i]}]}}
    citizens.append(c)

COMPANIES = [
    ("GREATER BAY TRADING LIMITED", "大灣區貿易有限公司"),
    ("PEARL DELTA LOGISTICS LIMITED", "珠三角物流有限公司"),
    ("HARBOUR VIEW CATERING LIMITED", "海景飲食有限公司"),
    ("KOWLOON BRIGHT TECHNOLOGY LIMITED", "九龍明亮科技有限公司"),
    ("LION ROCK DESIGN LIMITED", "獅子山設計有限公司"),
    ("TSING YI MARINE SERVICES LIMITED", "青衣海事服務有限公司"),
    ("SILVERMINE HEALTH PRODUCTS LIMITED", "銀礦健康產品有限公司"),
    ("SHA TIN EDUCATION CENTRE LIMITED", "沙田教育中心有限公司"),
    ("VICTORIA PEAK CONSULTING LIMITED", "太平山顧問有限公司"),
    ("NGONG PING TRAVEL LIMITED", "昂坪旅遊有限公司"),
]
companies = []
hk_ids = [c["hkid"] for c in citizens if c.get("hkid")]
for i, (en, zh) in enumerate(COMPANIES):
    companies.append({"cr": "%07d" % (3012345 + i * 40409), "brn": "%08d" % (71234560 + i * 1013),
                      "name_en": en, "name_zh": zh, "incorporated": "%d-%02d-15" % (2012 + i, 1 + i),
                      "status": "dissolved" if i == 9 else "live",
                      "directors": [hk_ids[i % len(hk_ids)]], "employer_file": "6%d-%08d" % (i % 10, 30000000 + i * 777)})

seed = {
    "comment": "Made-up records for tongban-sandbox; no real person or company.",
    "items": [
        {"value": "GD-0101", "label": {"zh_CN": "个体工商户登记", "zh_HK": "個體工商戶登記", "en": "Registering a sole business"}, "days": 20},
        {"value": "GD-0207", "label": {"zh_CN": "居住证申领", "zh_HK": "居住證申領", "en": "Applying for a residence permit"}, "days": 28},
        {"value": "GD-0311", "label": {"zh_CN": "灵活就业人员参保登记", "zh_HK": "靈活就業人員參保登記", "en": "Social insurance for the self-employed"}, "days": 10},
    ],
    "halls": [
        {"value": "TH", "label": {"zh_CN": "天河区政务服务中心", "zh_HK": "天河區政務服務中心", "en": "Tianhe District Government Service Centre"}},
        {"value": "FT", "label": {"zh_CN": "福田区行政服务大厅", "zh_HK": "福田區行政服務大廳", "en": "Futian District Administrative Service Hall"}},
        {"value": "XZ", "label": {"zh_CN": "香洲区政务服务中心", "zh_HK": "香洲區政務服務中心", "en": "Xiangzhou District Government Service Centre"}},
    ],
    "slot_times": ["09:30", "10:30", "14:00", "15:30"],
    "slot_days": 5,
    "fees": {"cr.change-name": "295.00", "cr.incorporate": "1720.00", "dsi.renew": "120.00"},
    "citizens": citizens,
    "companies": companies,
}
json.dump(seed, sys.stdout, ensure_ascii=False, indent=1)
sys.stdout.write("\n")
