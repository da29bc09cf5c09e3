"""joined.py: which of many short strings contain a needle, found by one scan of them joined."""

from documents.search.text.joined import JoinedTexts


def test_each_text_containing_the_needle_once_in_order_and_at_start_only_where_it_starts():
    joined = JoinedTexts(["人大常委会主任", "常委会", "市人大常委会\n第十次会议", "政府", "委会委会"])
    assert joined.containing("委会") == [0, 1, 2, 4]
    assert joined.containing("常委会", at_start=True) == [1]
    assert joined.containing("第十次") == [2]  # a text's own lines are searched too
    assert joined.containing("委会", limit=2) == [0, 1]
    assert joined.containing("主任常委") == []  # never across texts
    assert JoinedTexts([]).containing("人大") == []
