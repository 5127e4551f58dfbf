-- stillroom migration
-- revision: 0001_crlf 	
-- parent: none
-- message: windows
-- requires: SQLite 3.8
-- data-loss: nothing

-- migrate:up
CREATE TABLE a (b TEXT);

-- migrate:down
DROP TABLE a;
