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
#[model(strict = false)]
#[model(unique(back_slash, column))]
pub struct T2fa {
    #[model(primary_key, sql_type = "TINYINT(1)")]
    pub a_b: i64,
    // declared MONEY (NUMERIC affinity): values are stored as INTEGER or REAL, which `f64` reads;
    // integers beyond 2^53 only approximately (`Value` keeps them exact)
    #[model(sql_type = "MONEY")]
    pub count: Option<f64>,
    #[model(column = r"back\slash", sql_type = "DOUBLE PRECISION")]
    pub back_slash: Option<f64>,
    #[model(column = "_", check = r#"length("_") > 0"#)]
    pub column: String,
    #[model(column = "first-name")]
    pub first_name: f64,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(table = "a-b")]
#[model(primary_key(r#where, r#gen, stmt))]
#[model(unique(stmt, r#where, r#fn, name = r#"My Index "0" of a-b"#))]
#[model(index(stmt, r#where, name = r#"My Index "1" of a-b"#))]
#[model(check = r#""where" IS NOT NULL OR "stmt" IS NULL"#)]
pub struct AB {
    pub r#where: stillroom::rusqlite::types::Value,
    #[model(check = r#"length("fn") > 0"#)]
    pub r#fn: String,
    #[model(sql_type = "INT")]
    pub r#gen: i64,
    pub stmt: i64,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(index(column, r#type, name = "idx_t_0"))]
#[model(unique(column, name = "idx_t_1"))]
pub struct T {
    #[model(primary_key, column = "_", default = "x''")]
    pub column: Vec<u8>,
    #[model(check = r#""count" <> 'a"b'"#)]
    pub count: String,
    pub r#type: f64,
    #[model(references = "t(_)", on_delete = "cascade", on_update = "set null")]
    pub ref__: Option<Vec<u8>>,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[allow(clippy::duplicated_attributes, reason = "a field may be named in two lists")]
#[model(table = "Ünïcode")]
#[model(strict = false)]
#[model(primary_key(stmt, column))]
#[model(index(column, stmt, ref_stmt, name = r#"My Index "2" of Ünïcode"#))]
#[model(index(ref_stmt, name = "idx_Ünïcode_1"))]
#[model(foreign_key(
    ref_where,
    ref_gen,
    ref_stmt,
    references = "a-b(where, gen, stmt)",
    on_delete = "set default",
    on_update = "set null"
))]
pub struct NCode {
    // declared DATE (NUMERIC affinity): `String` reads the ISO 8601 text ORMs store; a value that
    // looks like a number (a Unix time) is stored as a number, which it cannot read
    #[model(column = "_", sql_type = "DATE")]
    pub column: String,
    // declared STRING (NUMERIC affinity): text that looks like a number is stored as a number, so
    // only `Value` reads every value
    #[model(sql_type = "STRING", unique)]
    pub count: stillroom::rusqlite::types::Value,
    pub stmt: stillroom::rusqlite::types::Value,
    pub ref_where: Option<stillroom::rusqlite::types::Value>,
    #[model(sql_type = "INT")]
    pub ref_gen: Option<i64>,
    pub ref_stmt: Option<i64>,
}
