-- 0128: the ingest ledger checks a shorter copy of a log line by line.
--
-- A log is known by its bytes through its first request line, and anyone can make two logs open
-- with the same request (one request to two sites in the same second after rotation). A log that
-- ended inside a counted range was taken as counted without a look at its bytes: the second site's
-- shorter log was never counted. Each range now also keeps a CRC-32 of each of its lines (4 bytes a
-- line, little-endian, a last line without its newline included), so a copy that ends inside it (a
-- .gz cut short) is checked line by line, and a log whose bytes differ is counted as a log of its
-- own, under the SHA-256 of its bytes through its first line that differs. Ranges recorded before
-- keep null: only their whole range can be checked.

alter table public.analytics_ingest_ranges add column line_digests bytea;
alter table public.analytics_ingest_ranges add constraint analytics_ingest_ranges_line_digests
  check (octet_length(line_digests) > 0 and octet_length(line_digests) % 4 = 0);
comment on column public.analytics_ingest_ranges.line_digests is 'CRC-32 of each line of the range (4 bytes each, little-endian, without the newline); null for ranges recorded before 0128.';
comment on table public.analytics_ingest_ranges is 'Ingest ledger: bytes [start_offset, end_offset) of the log known by file_key (the SHA-256 of its bytes through its first request line, or through its first line that differs from another log''s) were counted; range_hash is their SHA-256.';

-- Accounts read and insert every column but id (0103, 0107); RLS on the table decides the rows.
grant select (line_digests), insert (line_digests) on public.analytics_ingest_ranges to authenticated, service_role;
