"""Many short strings searched for a substring at once: joined by newlines into one string, so that finding which
of them contain a needle is a str.find scan in C instead of a test of each (the search box's suggestions, the
index's bylines). Needles never hold a newline: they are typed text folded to one line, or runs of characters; a
text holding newlines of its own (a byline's lines) is found by `containing` alike, but not `at_start` of them."""

from bisect import bisect_right


class JoinedTexts:
    def __init__(self, texts):
        self.text = "\n" + "\n".join(texts) + "\n"
        self.starts, at = [], 1
        for text in texts:
            self.starts.append(at)
            at += len(text) + 1

    def containing(self, needle, *, at_start=False, limit=None):
        """The numbers of the texts containing `needle` (at_start: starting with it), in their order, at most
        `limit`."""
        pattern, shift = ("\n" + needle, 1) if at_start else (needle, 0)
        found = []
        at = self.text.find(pattern)
        while at != -1 and (limit is None or len(found) < limit):
            number = bisect_right(self.starts, at + shift) - 1
            found.append(number)
            at = self.text.find(pattern, self._end(number))  # on from the end of this text: each one once
        return found

    def _end(self, number):
        following = number + 1
        return self.starts[following] - 1 if following < len(self.starts) else len(self.text) - 1
