"""Every format and version number foresight writes, in one table.

Bump a number when what it versions would come out differently for the same input,
so that what was written under the old number is rebuilt:

* ``FORMAT_VERSION``: how a scan file becomes its graph (reading, linking, mapping); it
  is part of every scan's content digest, so a bump rewrites every scan graph.
* ``MERGER_VERSION``: how row names merge into concepts; a bump rewrites the concepts graph.
* ``PROJECTION_VERSION``: what a projection piece (one scan's nodes and edges) holds.
* ``INDEX_VERSION``: the layout of the derived indexes beside the store (SQLite files).
"""

# FORMAT_VERSION 2: links inferred between the rows of a scan; 3: stems; 4: exact link sums;
# 5: scan ids are the article and a digest of the content, closestTo names articles, lists spelled one
# character per entry are read as words, YYYYMMDD-slug page ids dated; 6: rows sharing words only are relatedTo,
# safeguards mitigate; 7: a row named after another is relatedTo it
FORMAT_VERSION = "7"
MERGER_VERSION = "15"  # 7: C, C# and C++ are three words; 8: counts by distinct article, revisions;
# 9: driving forces and outlooks merge by meaning (semantic extra); 10: topics and their associations;
# 11: names likely the same by meaning are listed for review (semantic extra); 12: names that swap head and
# object, or narrow another to a field, stay apart; outlooks merge from cosine 0.9; 13: "new" and "emergent"
# are words of a name, a name's first kind word narrows it ("Software Security"), "A.I." is "AI", compounds
# ("healthcare") are no form of their first word; 14: wordings of one key whose rows' descriptions differ are
# senses of their own (semantic extra), never merged with another key by terms; 15: concepts carry their STEEP(LE)+V
# categories (fs:steepCategory, the steep scheme)
PROJECTION_VERSION = "4"  # 3: pieces in SQLite instead of pickles; 4: scans carry their article and body digest
INDEX_VERSION = "7"  # 2: light node and edge columns; 3: and descriptions; 4: concepts ranked by articles;
# 5: topics and associations; 6: what adding scans in place needs (name keys, term weights, the node of each row);
# 7: concepts' STEEP categories
