-- Up Migration
-- The monthly report's e-mail and PDF in the recipients' language (issue 16): en or ko.
ALTER TABLE report_mail_settings ADD COLUMN locale text NOT NULL DEFAULT 'en';

-- Down Migration
ALTER TABLE report_mail_settings DROP COLUMN locale;
