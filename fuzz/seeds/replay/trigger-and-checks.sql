CREATE TABLE "t" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "a,b" INTEGER CHECK ("a,b" IN (0, 1)) CHECK("a,b" >= 0),
    [c] TEXT COLLATE NOCASE DEFAULT ')',
    CONSTRAINT x CHECK ("a,b" < 5),
    CHECK (c <> 'CHECK (no)')
);
CREATE INDEX ix_t_c ON t (c) WHERE c IS NOT NULL;
CREATE VIEW v AS SELECT * FROM "t";
CREATE TRIGGER tr AFTER INSERT ON t BEGIN
  UPDATE t SET c = CASE WHEN new.id > 0 THEN 'x' ELSE 'y' END WHERE id = new.id;
END;
INSERT INTO t ("a,b", c) VALUES (1, 'it''s; -- not a comment');
/* ; */ -- ;
