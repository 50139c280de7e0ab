"""Where each annual IGF meeting took place: reference data used when a
report names the year but not the place."""
from __future__ import annotations

MEETINGS = {
    2006: ("Athens", "Greece"), 2007: ("Rio de Janeiro", "Brazil"),
    2008: ("Hyderabad", "India"), 2009: ("Sharm El Sheikh", "Egypt"),
    2010: ("Vilnius", "Lithuania"), 2011: ("Nairobi", "Kenya"),
    2012: ("Baku", "Azerbaijan"), 2013: ("Bali", "Indonesia"),
    2014: ("Istanbul", "Turkey"), 2015: ("João Pessoa", "Brazil"),
    2016: ("Guadalajara", "Mexico"), 2017: ("Geneva", "Switzerland"),
    2018: ("Paris", "France"), 2019: ("Berlin", "Germany"),
    2020: ("Online", "Online"), 2021: ("Katowice", "Poland"),
    2022: ("Addis Ababa", "Ethiopia"), 2023: ("Kyoto", "Japan"),
    2024: ("Riyadh", "Saudi Arabia"), 2025: ("Lillestrøm", "Norway"),
}


def meeting_place(year: int) -> tuple[str, str] | None:
    return MEETINGS.get(year)
