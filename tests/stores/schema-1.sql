-- A store of schema 1 (chengdu-infoscore before the stored form was versioned): two batches.
BEGIN TRANSACTION;
CREATE TABLE batches (
    seq INTEGER PRIMARY KEY CHECK (seq >= 1),
    recorded TEXT NOT NULL,
    sources TEXT NOT NULL,
    received INTEGER NOT NULL,
    added INTEGER NOT NULL,
    repeated INTEGER NOT NULL,
    revised INTEGER NOT NULL,
    withdrawn INTEGER NOT NULL,
    rejected INTEGER NOT NULL,
    events INTEGER NOT NULL,
    digest TEXT NOT NULL
);
INSERT INTO "batches" VALUES(1,'2007-03-21','["<api>"]',4,4,0,0,0,0,4,'486495fe4234d78bec9b7813e5b70b0a8aaf06072ec8e0884c16e09483caff82');
INSERT INTO "batches" VALUES(2,'2007-04-02','["<api>"]',3,0,0,1,1,1,3,'eca6821314d7560acfb48e7f34f58c12857bc626a559033f520abf47406fa754');
CREATE TABLE records (
    batch INTEGER NOT NULL REFERENCES batches (seq),
    id TEXT NOT NULL,
    type TEXT NOT NULL,
    content TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    target TEXT,
    file TEXT,
    line INTEGER,
    PRIMARY KEY (id, batch)
) WITHOUT ROWID;
INSERT INTO "records" VALUES(1,'e0','commissioned','{"commission":"C1","date":"2007-03-01","due":"2007-03-10","id":"e0","type":"commissioned","unit":"锦江区"}','40729d8eaaff1c9ff11aa6982f426047a51da264498980e086b169eb102178d5',NULL,NULL,NULL);
INSERT INTO "records" VALUES(1,'e1','submitted','{"commission":"C1","date":"2007-03-05","id":"e1","item":"J1","topic":"2.14","type":"submitted","unit":"锦江区"}','2073c6b686128228bab0adb5fb44a566b9ae5920161e49aabbbc9605ceebd907',NULL,NULL,NULL);
INSERT INTO "records" VALUES(1,'e2','adopted','{"channel":"zwxx","date":"2007-03-07","id":"e2","item":"J1","picture":true,"type":"adopted"}','65c4ceef77693087d46fc3a28baf1a8197718f5f8ddb1f038ed9ea225628385a',NULL,NULL,NULL);
INSERT INTO "records" VALUES(2,'e2','adopted','{"channel":"zwyw","date":"2007-03-07","id":"e2","item":"J1","type":"adopted"}','8bc01dcde3c5b74223e93a310a6e866426afcaa245b138b40f9cbf5661625578',NULL,NULL,NULL);
INSERT INTO "records" VALUES(1,'e3','missed','{"category":"work_dynamic","date":"2007-03-20","id":"e3","type":"missed","unit":"锦江区"}','81b962c999ba083b6c6060232f80eada94717b234145f6f97acef6814e95754c',NULL,NULL,NULL);
INSERT INTO "records" VALUES(2,'w1','withdrawn','{"date":"2007-04-02","event":"e3","id":"w1","type":"withdrawn"}','fe12ee3dda6a2d9de01390787cc187898e1a6295a90efe0dde62e6ee31c59e67','e3',NULL,NULL);
CREATE TABLE rejections (
    batch INTEGER NOT NULL REFERENCES batches (seq),
    file TEXT,
    line INTEGER,
    id TEXT,
    reason TEXT NOT NULL
);
INSERT INTO "rejections" VALUES(2,NULL,NULL,'w2','withdraws event ''nothing'', which was not received: no readable event has that id');
CREATE INDEX records_by_batch ON records (batch);
CREATE INDEX records_by_target ON records (target) WHERE target IS NOT NULL;
CREATE INDEX rejections_by_batch ON rejections (batch);
CREATE TRIGGER batches_append_only BEFORE UPDATE ON batches
    BEGIN SELECT RAISE(ABORT, 'the store is append-only'); END;
CREATE TRIGGER batches_kept BEFORE DELETE ON batches
    BEGIN SELECT RAISE(ABORT, 'the store is append-only'); END;
CREATE TRIGGER records_append_only BEFORE UPDATE ON records
    BEGIN SELECT RAISE(ABORT, 'the store is append-only'); END;
CREATE TRIGGER records_kept BEFORE DELETE ON records
    BEGIN SELECT RAISE(ABORT, 'the store is append-only'); END;
CREATE TRIGGER rejections_append_only BEFORE UPDATE ON rejections
    BEGIN SELECT RAISE(ABORT, 'the store is append-only'); END;
CREATE TRIGGER rejections_kept BEFORE DELETE ON rejections
    BEGIN SELECT RAISE(ABORT, 'the store is append-only'); END;
COMMIT;
PRAGMA application_id = 1128548691;
PRAGMA user_version = 1;
