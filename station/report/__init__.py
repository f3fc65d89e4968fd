"""The physio report: one session, or BEFORE vs AFTER, as one self-contained HTML file.
data (sessions as metric series), compare (is a change real?), plots, frames (matched
gait phases), html (the page), build (all of it)."""
