"""Chinese numerals as laws write them (一千二百六十, 十五, 两百零三, 一九九七) turned into integers."""

# Ｏ (a full-width letter O) stands for 〇 in some typed dates.
DIGITS = {"零": 0, "〇": 0, "○": 0, "Ｏ": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
          "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100, "千": 1000}
MYRIAD = {"万": 10_000}
CHARACTERS = "".join(DIGITS) + "".join(UNITS) + "".join(MYRIAD)


def to_int(numeral):
    """The value of `numeral` (Chinese or Arabic, full-width digits too), or None when it is not a numeral.

    Positional forms (一九九七, used for years) are read digit by digit; 十五 is 15, 一千零一 is 1001.
    """
    text = (numeral or "").strip().translate(_FULL_WIDTH_DIGITS)
    if not text:
        return None
    if text.isdigit():
        return int(text)
    if all(c in DIGITS for c in text):
        return int("".join(str(DIGITS[c]) for c in text))
    total, section, digit = 0, 0, None
    for char in text:
        if char in DIGITS:
            if digit is not None and DIGITS[char]:
                return None  # two digits without a unit between them: 三四十
            digit = DIGITS[char] or None
        elif char in UNITS:
            # 十 stands for 一十 (十五 is 15, 一百十 is 110); other units need their digit (百五 is no number).
            if digit is None and char != "十":
                return None
            section += (digit or 1) * UNITS[char]
            digit = None
        elif char in MYRIAD:
            total += (section + (digit or 0)) * MYRIAD[char]
            section, digit = 0, None
        else:
            return None
    return total + section + (digit or 0)


_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
