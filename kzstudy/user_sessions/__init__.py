"""Sessions that know their user, so a signed-in request reads both in one query.

Django's database session keeps the user's id inside the encoded session data, so every
signed-in request costs two queries: the session row, then the user row. This app's session
row carries the user as a column, the session store reads it with the row (one JOIN), and
`UserSessionAuthenticationMiddleware` uses that user instead of loading it again, after the
same checks Django makes (the backend, `is_active`, the session's password hash).
A user's sessions also go when the user is deleted.
"""
