"""Participation figures per meeting year: one query for the trends page
(web/trends.py) and for ask's "how did the share of women change"
(search/graphqa.py), so both give the same figures."""
from __future__ import annotations

#: One value per session and figure (two documents may both give one), then sums per
#: year; women are counted only in sessions that give both women and men
#: (?women_counted of ?gender_counted, over ?gender_sessions sessions).
PER_YEAR = """
SELECT ?year (COUNT(?session) AS ?sessions) (SUM(COALESCE(?total, 0)) AS ?participants)
       (SUM(IF(BOUND(?women) && BOUND(?men), ?women, 0)) AS ?women_counted)
       (SUM(IF(BOUND(?women) && BOUND(?men), ?women + ?men, 0)) AS ?gender_counted)
       (SUM(IF(BOUND(?women) && BOUND(?men), 1, 0)) AS ?gender_sessions) WHERE {
  { SELECT ?session (MAX(?t) AS ?total) (MAX(?w) AS ?women) (MAX(?m) AS ?men) WHERE {
      ?session a igf:Session .
      OPTIONAL { ?session igf:totalParticipants ?t } OPTIONAL { ?session igf:femaleParticipants ?w }
      OPTIONAL { ?session igf:maleParticipants ?m }
    } GROUP BY ?session }
  FILTER(BOUND(?total) || BOUND(?women))
  ?session schema:superEvent/igf:year ?year .
} GROUP BY ?year ORDER BY ?year"""
