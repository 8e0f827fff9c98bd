-- Up Migration
-- Korean and English (issue 16): the language a user chose in the console. NULL follows the
-- browser's Accept-Language; at sign-in a saved choice becomes the walden_locale cookie.

ALTER TABLE users
  ADD COLUMN locale text CHECK (locale IN ('en', 'ko'));

-- Down Migration
ALTER TABLE users DROP COLUMN locale;
