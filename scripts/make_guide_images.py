"""Draw the annotated SAMPLE pictures of the guide (docs/images/*.svg); fictitious data, marked 示例.

Run: .venv/bin/python scripts/make_guide_images.py   (deterministic; commit the SVGs it writes)
"""

import math
import random
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "docs" / "images"
FONT = "'Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei','PingFang SC','Droid Sans Fallback',sans-serif"
def circ(x, y, n):
    return (f'<g class="mark"><circle cx="{x}" cy="{y}" r="14" fill="#c62828"/>'
            f'<text x="{x}" y="{y+6}" text-anchor="middle" font-size="17" font-weight="700" fill="#fff">{n}</text></g>')
def watermark(cx, cy, size=150):
    return (f'<text x="{cx}" y="{cy}" text-anchor="middle" font-size="{size}" font-weight="700" fill="#c62828" '
            f'fill-opacity="0.10" transform="rotate(-22 {cx} {cy})">示例</text>')
def badge(x, y):
    return (f'<g><rect x="{x}" y="{y}" width="64" height="30" rx="4" fill="#c62828"/>'
            f'<text x="{x+32}" y="{y+21}" text-anchor="middle" font-size="17" font-weight="700" fill="#fff">示例</text></g>')

# ---------------------------------------------------------------- query result
W, H = 600, 540
o = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" width="{W}" height="{H}" role="img" aria-labelledby="t d">',
     '<title id="t">示例：注册人员查询结果（示意图）</title>',
     '<desc id="d">虚构数据的查询结果示意图，标注了姓名、注册编号、聘用企业、注册专业、注册有效期和执业状态六处字段。</desc>',
     f'<g font-family="{FONT}" fill="#1a1a1a">',
     f'<rect x="0.5" y="0.5" width="{W-1}" height="{H-1}" rx="8" fill="#fff" stroke="#9e9e9e"/>',
     f'<path d="M0.5 8.5a8 8 0 0 1 8-8h{W-17}a8 8 0 0 1 8 8v39.5h-{W-1}z" fill="#eceff1" stroke="#9e9e9e"/>',
     '<rect x="14" y="10" width="430" height="28" rx="14" fill="#fff" stroke="#b0bec5"/>',
     '<g fill="none" stroke="#2e7d32" stroke-width="2"><rect x="28" y="23" width="12" height="9" rx="1" fill="#2e7d32"/><path d="M30.5 23v-3.5a3.5 3.5 0 0 1 7 0V23"/></g>',
     '<text x="50" y="30" font-size="15" fill="#37474f">zfcxjw.cq.gov.cn</text>',
     '<text x="456" y="30" font-size="13" fill="#607d8b">← 先看地址栏</text>',
     badge(W-80, 58),
     '<text x="24" y="82" font-size="21" font-weight="700">注册人员信息</text>',
     '<text x="24" y="104" font-size="13" fill="#607d8b">示意图，不是官方页面截图；实际页面以官方网站为准</text>']
rows = [("姓名", "王示例", 1), ("身份证号", "5001**********123X", None), ("人员类别", "二级注册建造师", None),
        ("注册编号", "渝250192012345", 2), ("聘用企业", "重庆示例建筑工程有限公司", 3),
        ("注册专业", "建筑工程；市政公用工程", 4), ("注册有效期", "2025-03-01 至 2028-02-29", 5), ("执业状态", None, 6)]
y0, rh = 118, 46
for i, (k, v, n) in enumerate(rows):
    y = y0 + i * rh
    fill = "#f5f7f8" if i % 2 == 0 else "#fff"
    o.append(f'<rect x="20" y="{y}" width="510" height="{rh}" fill="{fill}" stroke="#e0e0e0"/>')
    o.append(f'<line x1="160" y1="{y}" x2="160" y2="{y+rh}" stroke="#e0e0e0"/>')
    if k == "注册编号":
        o.append(f'<text x="32" y="{y+21}" font-size="16" fill="#455a64">{k}</text>')
        o.append(f'<text x="32" y="{y+39}" font-size="12" fill="#607d8b">（执业印章号）</text>')
    else:
        o.append(f'<text x="32" y="{y+29}" font-size="16" fill="#455a64">{k}</text>')
    if v is None:
        o.append(f'<rect x="174" y="{y+10}" width="58" height="26" rx="13" fill="#e8f5e9" stroke="#2e7d32"/>')
        o.append(f'<text x="203" y="{y+29}" text-anchor="middle" font-size="16" fill="#1b5e20" font-weight="700">正常</text>')
    else:
        o.append(f'<text x="174" y="{y+29}" font-size="17">{v}</text>')
    if n:
        o.append(f'<line x1="530" y1="{y+rh/2}" x2="552" y2="{y+rh/2}" stroke="#c62828" stroke-width="2"/>')
        o.append(circ(566, y + rh / 2, n))
yb = y0 + len(rows) * rh
o.append(f'<text x="24" y="{yb+32}" font-size="14" fill="#c62828">示例：人名、编号、单位均为虚构，不对应任何真实人员或企业</text>')
o.append(watermark(300, 360))
o.append('</g></svg>')
open(str(OUT / "sample-query-result.svg"), "w", encoding="utf-8").write("\n".join(o) + "\n")

# ---------------------------------------------------------------- certificate
W, H = 600, 500
o = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" width="{W}" height="{H}" role="img" aria-labelledby="t d">',
     '<title id="t">示例：二级建造师电子注册证书（虚构）</title>',
     '<desc id="d">虚构的示例证书，标注了持证人信息、注册编号、聘用企业、注册专业及有效期、发证机关电子签章和核验二维码。不具任何效力。</desc>',
     f'<g font-family="{FONT}" fill="#1a1a1a">',
     f'<rect x="0.5" y="0.5" width="{W-1}" height="{H-1}" fill="#fffdf6" stroke="#9e9e9e"/>',
     f'<rect x="12" y="12" width="{W-24}" height="{H-24}" fill="none" stroke="#b8860b" stroke-width="3"/>',
     f'<rect x="19" y="19" width="{W-38}" height="{H-38}" fill="none" stroke="#b8860b" stroke-width="1"/>',
     badge(W-100, 32),
     '<text x="300" y="68" text-anchor="middle" font-size="26" font-weight="700" letter-spacing="2">二级建造师注册证书</text>',
     '<text x="300" y="92" text-anchor="middle" font-size="14" fill="#c62828">示例 · 虚构数据 · 不具任何效力</text>']
lines = [("姓　　名：王示例　　性别：男", 1, 128), ("出生日期：1985年01月01日", None, 156),
         ("注册编号：渝250192012345", 2, 190), ("聘用企业：重庆示例建筑工程有限公司", 3, 224)]
for text, n, y in lines:
    o.append(f'<text x="48" y="{y}" font-size="17">{text}</text>')
    if n:
        o.append(circ(520, y - 6, n))
# specialty table
ty = 244
o.append(f'<rect x="48" y="{ty}" width="440" height="96" fill="none" stroke="#8d6e63"/>')
o.append(f'<line x1="48" y1="{ty+32}" x2="488" y2="{ty+32}" stroke="#8d6e63"/><line x1="48" y1="{ty+64}" x2="488" y2="{ty+64}" stroke="#8d6e63"/>')
o.append(f'<line x1="200" y1="{ty}" x2="200" y2="{ty+96}" stroke="#8d6e63"/>')
o.append(f'<text x="62" y="{ty+22}" font-size="15" font-weight="700">注册专业</text><text x="214" y="{ty+22}" font-size="15" font-weight="700">有效期</text>')
o.append(f'<text x="62" y="{ty+54}" font-size="15">建筑工程</text><text x="214" y="{ty+54}" font-size="15">2025-03-01 至 2028-02-29</text>')
o.append(f'<text x="62" y="{ty+86}" font-size="15">市政公用工程</text><text x="214" y="{ty+86}" font-size="15">2025-03-01 至 2028-02-29</text>')
o.append(circ(520, ty + 48, 4))
# QR-like pattern (NOT a real QR code: nothing to scan)
qx, qy, m = 48, 362, 5
rnd = random.Random(20261123)
o.append(f'<rect x="{qx-4}" y="{qy-4}" width="{21*m+8}" height="{21*m+8}" fill="#fff"/>')
cells = []
def finder(cx, cy):
    cells.append(f'<rect x="{qx+cx*m}" y="{qy+cy*m}" width="{7*m}" height="{7*m}" fill="#222"/>')
    cells.append(f'<rect x="{qx+(cx+1)*m}" y="{qy+(cy+1)*m}" width="{5*m}" height="{5*m}" fill="#fff"/>')
    cells.append(f'<rect x="{qx+(cx+2)*m}" y="{qy+(cy+2)*m}" width="{3*m}" height="{3*m}" fill="#222"/>')
for r in range(21):
    for c in range(21):
        if (r < 8 and c < 8) or (r < 8 and c > 12) or (r > 12 and c < 8):
            continue
        if rnd.random() < 0.45:
            cells.append(f'<rect x="{qx+c*m}" y="{qy+r*m}" width="{m}" height="{m}" fill="#222"/>')
for fx, fy in ((0, 0), (14, 0), (0, 14)):
    finder(fx, fy)
o.append('<g>' + "".join(cells) + '</g>')
o.append(f'<text x="{qx+21*m+14}" y="{qy+50}" font-size="13" fill="#555">核验二维码</text>')
o.append(f'<text x="{qx+21*m+14}" y="{qy+70}" font-size="13" fill="#c62828">（示例图案，不可扫描）</text>')
o.append(circ(qx + 21 * m + 14 + 10, qy + 22, 6))
# seal
sx, sy, r = 440, 404, 52
o.append(f'<g fill="none" stroke="#d32f2f" stroke-width="3" opacity="0.85"><circle cx="{sx}" cy="{sy}" r="{r}"/></g>')
star = []

for point in range(10):
    ang = -math.pi / 2 + point * math.pi / 5
    rr = 14 if point % 2 == 0 else 6
    star.append(f"{sx+rr*math.cos(ang):.1f},{sy-6+rr*math.sin(ang):.1f}")
o.append(f'<polygon points="{" ".join(star)}" fill="#d32f2f" opacity="0.85"/>')
o.append(f'<text x="{sx}" y="{sy-26}" text-anchor="middle" font-size="12" fill="#d32f2f">示例发证机关</text>')
o.append(f'<text x="{sx}" y="{sy+26}" text-anchor="middle" font-size="12" fill="#d32f2f">示例电子签章</text>')
o.append(circ(sx + r + 22, sy - 30, 5))
o.append('<text x="300" y="474" text-anchor="middle" font-size="13" fill="#555">签发日期：2025年03月01日　　（示例）</text>')
o.append(watermark(300, 300, 170))
o.append('</g></svg>')
open(str(OUT / "sample-certificate.svg"), "w", encoding="utf-8").write("\n".join(o) + "\n")
