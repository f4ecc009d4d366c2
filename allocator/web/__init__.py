"""`allocator serve`: the web app (`app`), what keeps hostile pages out (`guard`), what a
request may hold (`requests`), the instances served and the work done for them (`served`), and
the negotiation room (`room`, with its template and script).

May import anything in allocator but `cli`.
"""
