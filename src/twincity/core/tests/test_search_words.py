"""Segmenting each distinct run of Chinese once within a write (``search.segmenting_once``, the bulk writes) gives
the words segmenting each text on its own gives, and keeps nothing beyond the write."""

from twincity.core import search

TEXTS = [
    "共建内陆开放门户（1）",
    "两地相关部门建立联席会议机制",
    "共建内陆开放门户（2）",
    "Open Data 2020 数据共享",
]


def test_segmenting_each_text_once_gives_the_words_of_each_text_segmented():
    alone = [search.document(t, "两地相关部门建立联席会议机制") for t in TEXTS]
    with search.segmenting_once():
        once = [search.document(t, "两地相关部门建立联席会议机制") for t in TEXTS]
        with search.segmenting_once():  # a write inside a write shares the outer one's words
            again = [search.document(t, "两地相关部门建立联席会议机制") for t in TEXTS]
        assert search._once.words  # still kept: the outer write goes on
    assert once == again == alone
    assert search._once.words is None  # nothing kept beyond the write
