-- stillroom migration
-- revision: 0001_a
-- parent: none
-- requires: SQLite 3.37.0
-- foreign-keys: off

-- migrate:up
CREATE TABLE p (id INTEGER PRIMARY KEY) STRICT;
CREATE TABLE c (id INTEGER PRIMARY KEY, p INTEGER REFERENCES p ON DELETE CASCADE) STRICT;
PRAGMA main.foreign_keys = OFF;
SAVEPOINT s; ROLLBACK TO s; RELEASE s;

-- migrate:down
DROP TABLE c;
DROP TABLE p;
