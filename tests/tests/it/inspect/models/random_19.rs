// Models of the tables of an existing SQLite database, written by `stillroom::inspect`.
//
// Review them: the names of structs and fields, the Rust type chosen for each column,
// and every note. A note starting with "differs:" marks what a model cannot declare
// exactly; there the database differs from these models.
//
// Then add them to the application and generate the first revision from them
// (`db revision --autogenerate -m "initial"`): `migrate` adopts this database at that
// revision, its schema being the revision's. Where a note says the database differs,
// adoption converts the database to the models' declaration, after checking that every
// stored value fits it (`db adopt --sql` shows the conversion first).

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(table = "2fa")]
pub struct T2fa {
    #[model(primary_key, default = "0x1F")]
    pub value: i64,
    #[model(column = "1st")]
    pub c_1st: String,
    #[model(column = "self")]
    pub self_: String,
    #[model(column = r"back\slash")]
    pub back_slash: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(table = "HTTPLog")]
#[model(strict = false)]
#[model(primary_key(crate_, r#gen))]
pub struct HttpLog {
    #[model(sql_type = "UNSIGNED BIG INT")]
    pub table: Option<i64>,
    #[model(sql_type = "INT", index, check = r#""gen" >= 0"#)]
    pub r#gen: i64,
    // declared DATE (NUMERIC affinity): `String` reads the ISO 8601 text ORMs store; a value that
    // looks like a number (a Unix time) is stored as a number, which it cannot read
    #[model(sql_type = "DATE", default = "''")]
    pub name: String,
    pub r#async: Option<stillroom::rusqlite::types::Value>,
    // declared BOOLEAN (NUMERIC affinity): no column CHECK `IN (0, 1)`, so `i64`, which reads the 0
    // and 1 ORMs store (`bool` would add that CHECK)
    #[model(column = "_", sql_type = "BOOLEAN", default = "CURRENT_TIMESTAMP")]
    pub column: i64,
    #[model(column = "crate", default = "0")]
    pub crate_: i64,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(unique(ref_row, row, name = r#"My Index "1" of match"#))]
#[model(index(row, ref_row, name = "idx_match_0"))]
#[model(check = r#""row" IS NOT NULL OR "ref_row" IS NULL"#)]
pub struct Match {
    #[model(primary_key)]
    pub row: f64,
    #[model(references = "match(row)", on_delete = "cascade", on_update = "restrict")]
    pub ref_row: f64,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(table = "Ünïcode")]
#[model(strict = false)]
#[model(index(x_q, name = "idx_Ünïcode_1"))]
pub struct NCode {
    #[model(primary_key, column = r#"x"q"#, unique)]
    pub x_q: stillroom::rusqlite::types::Value,
}
